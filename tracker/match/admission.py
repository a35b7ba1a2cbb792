"""Which entries can announce a capability: launches, not fixes, chores, docs or dependency bumps.

The parser's entry kind is the first cue. Feature-like kinds (feature, breaking, other)
are admitted unless the line itself opens like a fix, a chore or a mere change ("Fixed
...", "[UI] Fix ...", "fix (provider): ...", "Renamed ..."). Fix, chore, docs, deps and
security lines are admitted only when they open with a launch verb and carry no sign of a
repair ("add missing ..."). Teasers ("we are working on ...") announce nothing yet.

Lines that remove, deprecate or retire something are *retirements*: they are linked only to
capabilities that are about retiring things (model deprecation), never taken as launches.

A scope tag is a cue, not a verdict: a documentation or chore line that opens with a launch verb
and announces no page, guide or example ("docs: add OpenAI Agents SDK (TypeScript) integration")
is an *integration candidate*, kept when it names an integration target (the matcher decides).
"""

from __future__ import annotations

import re

from tracker.model import SUMMARY_SECTION as SUMMARY

LAUNCH = "launch"
RETIREMENT = "retirement"
INTEGRATION_ONLY = "integration-only"  # kept only for the integration features it announces
LAUNCH_KINDS = frozenset({"feature", "breaking", "other"})
# "[Tracking] ...", "scope (x): ...", "Vertex AI: ...", "GenAI - ...", Sentry's "(mcp) ..." before the words
# that matter
_PREFIX = re.compile(
    r"^(?:\s*\[[^\]]{1,40}\]\s*|\s*[\w./-]{1,30}\s*\([^)]{0,40}\)\s*:\s*|\s*[\w./ -]{1,30}:\s+|\s*[\w./ ]{1,30}\s+-\s+|"
    r"\s*\([\w./ -]{1,30}\)\s+)"
)
_COMMIT_PREFIX = re.compile(
    r"^\s*(feat|feature|fix|bugfix|hotfix|chore|docs?|test|tests|refactor|perf|ci|build|style|revert|deps)\b"
    r"\s*(?:\([^)]*\))?!?\s*:",
    re.I,
)
_NOT_LAUNCH = re.compile(
    # whole words: "Fix ...", "Docs: ...", "Bump ...", "Renamed ...", "CI ..." (not "Citations", "Documents")
    r"^(?:(?:fix|fixe[sd]|fixing|bug ?fix(?:es)?|hot ?fix|revert(?:s|ed)?|chore|docs?|documentation|tests?|"
    r"refactor(?:s|ed)?|bump(?:s|ed)?|typos?|lint|ci|build (?:system|scripts?|process|pipelines?|config\w*|steps?|"
    r"tooling|warnings?|errors?|fix\w*|matrix|workflows?)|release \d|prepare (?:a )?(?:new )?release|"
    r"update (?:package )?(?:version|metadata)|renam(?:e|es|ed|ing)|chang(?:e|es|ed)|mak(?:e|es)\s+\S+\s+"
    r"(?:required|optional)|made|replac(?:e|es|ed)|clean(?:ed)? ?up|tidy|full changelog)\b|"
    # stems: "Reorganized ...", "Simplify ..."
    r"reorganiz|restructur|simplif|"
    # docs, tests and examples about something: "add unit test for src/...", "Add a new guide on ..."
    r"(?:add|adds|added|update[sd]?|improve[sd]?|expand(?:s|ed)?) (?:an? |the |new |more |missing )?(?:[\w/.-]+ ){0,3}"
    r"(?:unit |integration |e2e |end to end )?(?:tests?|examples?|docs|documentation|guides?|tutorials?|notebooks?|"
    r"cookbooks?|readme|snippets?|samples?|icons?|logos?|badges?)\b(?![-\w]| cases?\b| sets?\b| suites? for (?:llm|agents?|rag))|"
    # code moving house: "Moved secrets APIs to workspace package"
    r"mov(?:e|es|ed)\b.{0,60}\b(?:package|module|namespace|folder|directory|internal|utils?)\b)",
    re.I,
)
_RETIRE = re.compile(
    r"^(?:remov(?:e|es|ed|ing)|deprecat(?:e|es|ed|ing|ion)|drop(?:s|ped)?(?![-\s]in\b)|delet(?:e|es|ed)|retir(?:e|es|ed|ing)|"
    r"sunset(?:s|ting)?|discontinu\w*|disabl(?:e|es|ed) support|no longer support\w*|end of life)\b",
    re.I,
)
# Documentation about something, as opposed to a launch written up in the docs.
_DOC_OBJECT = re.compile(
    r"\b(?:pages?|guides?|docs?|documentation|readme|examples?|notebooks?|tutorials?|cookbooks?|icons?|tables?|"
    r"links?|snippets?|videos?|walkthroughs?|quickstarts?|references?|typos?|docstrings?|blog|posts?)\b",
    re.I,
)
_NEW_SCOPE = re.compile(r"\s*(?:new|added)\b(?! in\b)", re.I)  # "New integration", "New feature", "Added"
_SUMMARY_WORDS = 30  # a one-line summary ("Adds prompt caching.") still announces
_NEVER_KINDS = frozenset({"docs", "deps", "chore"})
# Scopes that name the project's own housekeeping, not its product.
_INTERNAL_SCOPES = frozenset({
    "site", "website", "web site", "docs", "doc", "blog", "readme", "examples", "example", "ci", "cd", "build",
    "deps", "deps-dev", "dependencies", "test", "tests", "testing", "release", "releases", "internal", "dev",
    "lint", "style", "typo", "changelog", "repo", "github", "workflow", "workflows",
})
# "No major prompt management changes in this release."
_NEGATIVE = re.compile(
    r"^no (?:major |new |significant |notable |other )?(?:[\w/-]+ ){0,4}(?:changes?|updates?|features?)\b|"
    r"\bhas no (?:new )?(?:changes|features)\b",
    re.I,
)
# "The .aio interface has been deprecated from ...": a retirement told in the passive voice.
_RETIRED_ANYWHERE = re.compile(
    r"\b(?:has|have|is|are|was|were) (?:now )?(?:been )?(?:deprecated|removed|dropped|retired|sunset)\b|"
    r"\bis no longer (?:supported|available)\b",
    re.I,
)
# "Removed the tooltip delay", "Remove the 100-item limit": lifting a limitation improves, it retires nothing.
_LIFTED = re.compile(
    r"^remov(?:e|es|ed|ing) (?:the |a |an )?(?:[\w-]+ ){0,3}(?:delays?|limits?|limitations?|restrictions?|"
    r"requirements?|caps?|bottlenecks?|need for|dependency on)\b",
    re.I,
)
# "Add google-genai and posthog as dependencies": packaging, not a capability
_DEPENDENCY = re.compile(
    r"\b(?:as|to) (?:an? |the )?(?:optional |dev |extra |required |runtime )?(?:dependenc(?:y|ies)|deps)\b|"
    r"\bdependenc(?:y|ies) (?:pins?|bumps?|constraints?|versions?)\b",
    re.I,
)
_CONSTRAINT = re.compile(r"\b(?:are|is) now required (?:to|for)\b|\bmust now\b", re.I)
_LAUNCH_VERB = re.compile(
    r"^(?:add(?:s|ed|ing)?|introduc(?:e|es|ed|ing)|support(?:s|ed)?|new\b|launch(?:es|ed)?|implement(?:s|ed)?|"
    r"enabl(?:e|es|ed)|expose[sd]?|allow(?:s|ed)?|release[sd]?|initial|now\b|provide[sd]?|integrat(?:e|es|ed))",
    re.I,
)
_REPAIR = re.compile(
    r"\b(?:missing|bugs?|fix(?:es|ed)?|crash(?:es)?|errors?|broken|incorrect(?:ly)?|wrong|regression|typos?|"
    r"fail(?:s|ed|ing|ures?)?|issues?|workaround)\b",
    re.I,
)
_TEASER = re.compile(
    r"\b(?:(?:currently|are|we're|we are) working on|coming soon|will soon|(?:on|in) (?:our|the) roadmap|"
    r"stay tuned for|in the works|planned for (?:a )?(?:future|upcoming|next))\b",
    re.I,
)


class _Gated:
    """A regular expression searched only in lines holding one of its literal words.

    The "anywhere" rules below rarely match (a few hundred of 46,000 corpus lines), and scanning a
    line for a literal is far cheaper than running the expression over it."""

    def __init__(self, pattern: re.Pattern[str], *needles: str) -> None:
        self.pattern, self.needles = pattern, needles

    def search(self, text: str, lowered: str) -> bool:
        return any(n in lowered for n in self.needles) and self.pattern.search(text) is not None


_TEASER_GATED = _Gated(_TEASER, "working on", "soon", "roadmap", "stay tuned", "in the works", "planned for")
_NEGATIVE_GATED = _Gated(_NEGATIVE, "no ")
_RETIRED_GATED = _Gated(_RETIRED_ANYWHERE, "deprecated", "removed", "dropped", "retired", "sunset", "no longer")
_CONSTRAINT_GATED = _Gated(_CONSTRAINT, "now required", "must now")
_DEPENDENCY_GATED = _Gated(_DEPENDENCY, "dependenc", "deps")


def opening(text: str) -> tuple[str, str]:
    """The commit type written on the line, if any, and the text after scope prefixes."""
    kind = ""
    text = text.strip().strip("\"'`")
    if m := _COMMIT_PREFIX.match(text):
        kind, text = m[1].lower(), text[m.end():]
    for _ in range(2):
        m = _PREFIX.match(text)
        if not m or _LAUNCH_VERB.match(text) or _NOT_LAUNCH.match(text) or _RETIRE.match(text):
            break
        text = text[m.end():]
    return kind, text.strip()


def announcement(kind: str, text: str, scope: str = "", section: str = "",
                 opened: tuple[str, str] | None = None) -> str | None:
    """LAUNCH, RETIREMENT, INTEGRATION_ONLY (a documentation line that may announce an integration),
    or None when the entry announces nothing (a fix, a chore, a teaser)."""
    if section == SUMMARY and len(text.split()) > _SUMMARY_WORDS:
        return None  # a recap of the release: its bullets carry the announcements, on the same date
    written, body = opened or opening(text)  # (`opened`: the caller's `opening(text)`, read once per line)
    # a docs: or chore: tag is a cue, not a verdict: such a line that launches an integration still counts
    documentation = kind == "docs" or written in ("doc", "docs", "chore")
    if written in ("feat", "feature") or _NEW_SCOPE.match(scope):
        kind = "feature"  # a scope or label such as "New integration" says what the line is
    elif written:
        kind = "fix" if written in ("fix", "bugfix", "hotfix") else "chore"
    if documentation and _LAUNCH_VERB.match(body) and not _REPAIR.search(body) and not _DOC_OBJECT.search(body) \
            and not _NOT_LAUNCH.match(body) and scope.strip().lower() not in _INTERNAL_SCOPES:
        return INTEGRATION_ONLY
    if kind in _NEVER_KINDS or scope.strip().lower() in _INTERNAL_SCOPES:
        return None  # documentation, dependency bumps and the project's own site/CI announce no capability
    if not body:
        return None
    low = body.lower()
    if kind not in LAUNCH_KINDS and not _LAUNCH_VERB.match(body) and not _RETIRE.match(body) \
            and not _RETIRED_GATED.search(body, low):
        return None  # a fix or chore line that neither launches nor retires (the checks below only say None)
    if _NOT_LAUNCH.match(body) or _TEASER_GATED.search(body, low) or _NEGATIVE_GATED.search(body, low):
        return None
    if (_RETIRE.match(body) and not _LIFTED.match(body)) or _RETIRED_GATED.search(body, low):
        return RETIREMENT if kind not in ("docs", "chore", "deps") else None
    if _CONSTRAINT_GATED.search(body, low) or _DEPENDENCY_GATED.search(body, low):
        return None  # "X is now required to ...", "add X as a dependency": not a new capability
    if kind in LAUNCH_KINDS:
        return LAUNCH
    if _LAUNCH_VERB.match(body) and not _REPAIR.search(body):
        return LAUNCH
    return None
