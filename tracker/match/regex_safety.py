"""Refuse taxonomy patterns that can backtrack without end (ReDoS).

A taxonomy is a file anyone can edit or share (`[match] taxonomy` in config.toml), and its patterns
run on every scraped line. A repetition that can itself repeat inside an unbounded repetition
("(?:\\w+ )+done", "(a*)*"), or an unbounded repetition of alternatives ("(?:ab|a)+"), makes Python's
backtracking engine try exponentially many ways to split a long line that almost matches: one such
rule and a hostile (or just unlucky) changelog line stall the daily match. Such patterns are refused
when the taxonomy is read; a bounded repetition ("(?:\\w+ ){0,3}") does the same job safely.
"""

from __future__ import annotations

import re
import re._constants as constants  # (the parser behind re.compile, as `blocking` reads it too)
import re._parser as parser
from typing import Any

from tracker.errors import ConfigError

_REPEATS = frozenset({constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None)})


def refuse_backtracking(pattern: str, where: str) -> None:
    """Raise ConfigError, naming `where` ("FILE: capability 'x': patterns") and the fix, when `pattern` can
    backtrack exponentially."""
    hazard = backtracking_hazard(pattern)
    if hazard:
        raise ConfigError(
            f"{where} {pattern!r} can take exponential time on a long line ({hazard}); "
            "bound the outer repetition, e.g. (?:\\w+ ){0,3}"
        )


def backtracking_hazard(pattern: str) -> str | None:
    """Why `pattern` may backtrack exponentially, in words for an error message; None when it cannot
    (or does not parse: compiling it reports that)."""
    try:
        tree = parser.parse(pattern)
    except re.error:
        return None
    return _hazard(list(tree))


def _hazard(items: list[tuple[Any, Any]]) -> str | None:
    for op, arg in items:
        if op in _REPEATS:
            _, high, body = arg
            if high == constants.MAXREPEAT and _repeats(list(body)):
                return "a repetition inside an unbounded repetition"
            if high == constants.MAXREPEAT and _alternates(list(body)):
                return "an unbounded repetition of alternatives"
            found = _hazard(list(body))
        elif op == constants.SUBPATTERN:
            found = _hazard(list(arg[-1]))
        elif op == constants.BRANCH:
            found = next((h for b in arg[1] if (h := _hazard(list(b)))), None)
        elif op in (constants.ASSERT, constants.ASSERT_NOT):
            found = _hazard(list(arg[1]))
        else:
            found = None
        if found:
            return found
    return None


def _repeats(items: list[tuple[Any, Any]]) -> bool:
    """The body can match a varying number of times by itself: it holds a repetition of more than one."""
    for op, arg in items:
        if op in _REPEATS and arg[1] != arg[0]:
            return True
        if op == constants.SUBPATTERN and _repeats(list(arg[-1])):
            return True
        if op == constants.BRANCH and any(_repeats(list(b)) for b in arg[1]):
            return True
    return False


def _alternates(items: list[tuple[Any, Any]]) -> bool:
    """The body is, or holds, a choice between alternatives (a set of characters is one step, not a choice)."""
    for op, arg in items:
        if op == constants.BRANCH:
            return True
        if op == constants.SUBPATTERN and _alternates(list(arg[-1])):
            return True
    return False
