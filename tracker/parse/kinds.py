"""Classify entries as feature, fix, breaking, ... from Keep-a-Changelog and Conventional-Commit cues.

The section heading gives the default ("### Bug Fixes" -> fix); a conventional-commit
type on the line itself wins over it ("feat(x): ..." under "### Changed" is a feature);
in neutral sections ("Changed", "API Changes", "Patch Changes") the leading verb decides.
"""

from __future__ import annotations

import re

from tracker.parse.model import EntryKind

# Matched against the lower-cased heading with emoji and punctuation removed; first hit wins.
_SECTION_RULES: tuple[tuple[re.Pattern[str], EntryKind], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"breaking|backward incompatible|backwards incompatible|upgrade notes?|migration", EntryKind.BREAKING),
        (r"security|vulnerab|cve", EntryKind.SECURITY),
        (r"deprecat|removed|removal", EntryKind.BREAKING),
        (r"bug|fix|patches? fixed|nits|hotfix|known issues", EntryKind.FIX),
        (r"depend|deps|bump|upgrad", EntryKind.DEPS),
        (r"\bdocs?\b|documentation", EntryKind.DOCS),
        (
            r"chore|refactor|internal|build|\bci\b|test|tooling|style|cleanup|clean up|"
            r"maintenance|\bdev\b|performance|perf\b|reverts?|code quality",
            EntryKind.CHORE,
        ),
        (
            r"feat|new|added|\badd\b|enhancement|improvement|highlights|notable|major|"
            r"what's new|whats new|launch|integrations?|services new",
            EntryKind.FEATURE,
        ),
    )
)

_COMMIT_TYPES = {
    "feat": EntryKind.FEATURE, "feature": EntryKind.FEATURE,
    "fix": EntryKind.FIX, "bugfix": EntryKind.FIX, "hotfix": EntryKind.FIX,
    "perf": EntryKind.CHORE, "refactor": EntryKind.CHORE, "chore": EntryKind.CHORE,
    "build": EntryKind.CHORE, "ci": EntryKind.CHORE, "test": EntryKind.CHORE,
    "tests": EntryKind.CHORE, "style": EntryKind.CHORE, "revert": EntryKind.OTHER,
    "docs": EntryKind.DOCS, "doc": EntryKind.DOCS, "deps": EntryKind.DEPS,
    "security": EntryKind.SECURITY, "breaking": EntryKind.BREAKING,
}

_VERB_RULES: tuple[tuple[re.Pattern[str], EntryKind], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (r"^(?:bump|upgrade|update)s?\b.*\b(?:from\s+\S+\s+)?to\s+v?\d|^updated? dependenc|^(?:bump|pin)s?\b", EntryKind.DEPS),
        (r"^(?:fix|fixe[sd]|fixing|resolve[sd]?|correct(?:s|ed)?|patch(?:es|ed)?|prevent(?:s|ed)?|handle[sd]?\s.*\b(?:error|crash|bug|edge case))\b", EntryKind.FIX),
        (r"^(?:deprecate[sd]?|drop(?:s|ped)? support|remove[sd]?|breaking)\b", EntryKind.BREAKING),
        (r"^(?:docs?|document(?:s|ed)?|readme|typo)\b", EntryKind.DOCS),
        (
            r"^(?:add(?:s|ed)?|introduc(?:e|es|ed|ing)|support(?:s|ed)?|new\b|launch(?:es|ed)?|"
            r"releas(?:e|es|ed)|enable[sd]?|allow(?:s|ed)?|implement(?:s|ed)?|expose[sd]?|"
            r"initial release|now supports?|adds? support)",
            EntryKind.FEATURE,
        ),
    )
)

_NON_WORD = re.compile(r"[^a-z' ]+")


def section_kind(heading: str) -> EntryKind | None:
    """The kind a section heading implies, or None for neutral headings ("Changed")."""
    words = _NON_WORD.sub(" ", heading.lower()).strip()
    if not words or words in {"changed", "changes", "other", "other changes", "api changes", "patch changes",
                              "minor changes", "major changes", "core", "various fixes improvements"}:
        if "major changes" == words:
            return EntryKind.BREAKING
        return None
    for pattern, kind in _SECTION_RULES:
        if pattern.search(words):
            return kind
    return None


def verb_kind(text: str) -> EntryKind | None:
    """The kind a line's leading verb implies ("Add ..." -> feature, "Fix ..." -> fix)."""
    for pattern, kind in _VERB_RULES:
        if pattern.search(text):
            return kind
    return None


# Headings that announce a mix of things: a verb cue on the line wins over them.
_WEAK_SECTIONS = re.compile(
    r"what'?s (?:new|changed)|highlights|notable|improvements|enhancements|integrations|updates|overview"
)


def entry_kind(
    *, section: EntryKind | None, commit_type: str, breaking: bool, text: str, scope: str = "",
    section_name: str = "",
) -> EntryKind:
    """Combine the cues, strongest first: breaking marker, commit type, section, verb."""
    if breaking:
        return EntryKind.BREAKING
    if scope.lower() in {"deps", "deps-dev", "dependencies", "dependency"}:
        return EntryKind.DEPS
    if commit_type in _COMMIT_TYPES:
        kind = _COMMIT_TYPES[commit_type]
        if kind is EntryKind.CHORE and _DEPS_HINT.search(text):
            return EntryKind.DEPS
        return kind
    if section is not None:
        if section_name and _WEAK_SECTIONS.search(section_name.lower()):
            return verb_kind(text) or section
        return section
    return verb_kind(text) or EntryKind.OTHER


_DEPS_HINT = re.compile(r"^(?:bump|update|upgrade)s?\b.*\b(?:to|from)\b|\bdependenc", re.IGNORECASE)
