"""Blocking keys: which words must appear in an entry for a taxonomy rule to be able to match.

Rules are indexed under the blocking key (`text.block_key`, the first letters of a word)
of a word they cannot match without, so an entry is only tried against the rules whose
key occurs among its own words. For aliases that word is the longest one; for regex
patterns it is read from the parsed regex: the literal words every match must contain.
"""

from __future__ import annotations

import re
import re._constants as sre_c
import re._parser as sre_parse
from collections.abc import Iterable
from typing import Any

from tracker.match.text import KEY_LEN

_ALNUM = re.compile(r"[a-z0-9]")
_Item = tuple[Any, Any]  # (opcode, argument) as re._parser returns them; the module is untyped


# Stems so common in changelogs that an alias is better indexed under any other of its words.
_COMMON_STEMS = frozenset("add support api model new for to of the and in on with llm ai sdk data use".split())


def alias_key(alias_stems: Iterable[str]) -> str:
    """The stem an alias is indexed under: its longest uncommon stem (ties: the first).

    Aliases match whole stems, so the index is exact: an entry can only contain the alias
    if it contains this stem.
    """
    stems = list(alias_stems)
    rare = [s for s in stems if s not in _COMMON_STEMS] or stems
    return max(rare, key=len)


def pattern_keys(pattern: str) -> frozenset[str] | None:
    """Keys of which at least one occurs in every text the pattern matches; None when unknown.

    Patterns are matched from the start of a word (the linker prefixes them with `\\b`).
    """
    required = pattern_requirements(pattern)
    return _best(required) if required else None


def pattern_requirements(pattern: str) -> tuple[frozenset[str], ...]:
    """Every key set the pattern needs: a match contains a key of each set (empty: nothing known).

    The linker indexes a pattern under the most selective set (`pattern_keys`) and checks the
    others against an entry's keys before it runs the regex, which most entries then never reach.
    """
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError):  # pragma: no cover - compile() already validated it
        return ()
    options, _ = _sequence(list(parsed), at_start=True)
    return tuple(sorted(set(options), key=_selectivity))


def _selectivity(keys: frozenset[str]) -> tuple[int, int, list[str]]:
    return len(keys), -max(len(k) for k in keys), sorted(keys)


def _best(options: list[frozenset[str]] | tuple[frozenset[str], ...]) -> frozenset[str] | None:
    return min(options, key=_selectivity) if options else None


def _sequence(
    items: list[_Item], at_start: bool, run: str = "", run_at_start: bool = False, ends_word: bool = False
) -> tuple[list[frozenset[str]], bool]:
    """The key sets a concatenation needs (one key of each); also whether it ends at a known word boundary.

    `run` is a word prefix carried in from before a group or branch (the regex parser
    factors common prefixes out of alternatives: `tts|text` becomes `t(?:ts|ext)`);
    `ends_word` says whether whatever follows the sequence starts at a word boundary.
    """
    options: list[frozenset[str]] = []
    boundary = at_start and not run

    def close(ends: bool) -> None:
        nonlocal run
        if run and run_at_start:
            if len(run) >= KEY_LEN:
                options.append(frozenset({run[:KEY_LEN]}))
            elif ends:
                options.append(frozenset({run}))
        run = ""

    for i, (op, av) in enumerate(items):
        if op is sre_c.LITERAL:
            ch = chr(av).lower()
            if _ALNUM.match(ch):
                if not run:
                    run_at_start = boundary
                run += ch
                boundary = False
            else:
                close(True)
                boundary = True
            continue
        if op is sre_c.AT:
            close(av in (sre_c.AT_BOUNDARY, sre_c.AT_END, sre_c.AT_END_STRING))
            boundary = boundary or av in (sre_c.AT_BOUNDARY, sre_c.AT_BEGINNING, sre_c.AT_BEGINNING_STRING)
            continue
        if op is sre_c.SUBPATTERN or op is sre_c.BRANCH:
            alternatives = [list(av[-1])] if op is sre_c.SUBPATTERN else [list(b) for b in av[1]]
            follows = _boundary_next(items, i + 1, ends_word)
            branches = [_sequence(alt, boundary, run, run_at_start, follows) for alt in alternatives]
            run = ""
            if op is sre_c.SUBPATTERN:  # a group: everything its content needs
                options.extend(branches[0][0])
            else:  # alternatives: a key of one of them
                found_keys = [_best(keys) for keys, _ in branches]
                if all(found_keys):
                    options.append(frozenset(k for keys in found_keys if keys for k in keys))
            boundary = all(ends for _, ends in branches)
            continue
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            close(False)
            found, ends = _sequence(list(sub), boundary)
            if low >= 1 and found:
                options.extend(found)
            # skipped, the boundary is what it was before; taken, it is where the content ends
            boundary = ends if low >= 1 else (boundary and ends)
            continue
        if op is sre_c.IN and _only_separators(av):
            close(True)
            boundary = True
            continue
        close(False)
        boundary = False
    close(ends_word)
    return options, boundary


def _boundary_next(items: list[_Item], start: int, default: bool) -> bool:
    """Whether the item at `start` (or the end, when there is none) begins at a word boundary."""
    if start >= len(items):
        return default
    op, av = items[start]
    if op is sre_c.AT:
        return av in (sre_c.AT_BOUNDARY, sre_c.AT_END, sre_c.AT_END_STRING)
    if op is sre_c.LITERAL:
        return not _ALNUM.match(chr(av).lower())
    return op is sre_c.IN and _only_separators(av)


def _only_separators(members: list[_Item]) -> bool:
    """A character class of spaces and punctuation only (`[ -]`, `\\s`): it ends a word."""
    for op, av in members:
        if op is sre_c.LITERAL and not _ALNUM.match(chr(av).lower()):
            continue
        if op is sre_c.CATEGORY and av == sre_c.CATEGORY_SPACE:
            continue
        return False
    return bool(members)
