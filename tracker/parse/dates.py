"""Find and sanity-check the dates that changelogs write in a dozen styles.

`find_date` looks for one date inside a header or label and returns it with the raw
string and its precision; `date_from_path` reads dates from file and folder names.
Dates before 2000 or after tomorrow are rejected (a year 1513 is a typo, a future date
is a draft), and the caller keeps the raw string either way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tracker.parse.model import DatePrecision

MIN_YEAR = 2000

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH_ALT = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

# Order matters: the first pattern that yields a sane date wins.
_ISO = re.compile(r"(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])(?:[T ]\d{1,2}:\d{2}(?::\d{2})?\S*)?")
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d])")
_MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_ALT})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH_ALT})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
_YEAR_MONTH = re.compile(r"(?<![\d.])(\d{4})-(\d{2})(?![\d-])")
_MONTH_ONLY = re.compile(rf"^\s*({_MONTH_ALT})\s*$", re.IGNORECASE)
_PATH_DATE = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")


@dataclass(frozen=True, slots=True)
class FoundDate:
    date: dt.date | None  # None when the text holds a date that fails the sanity check
    raw: str
    precision: DatePrecision
    start: int  # span of the raw date inside the searched text
    end: int
    problem: str = ""  # why a found date was rejected


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def sanity_problem(value: dt.date, today: dt.date) -> str:
    """Return why `value` cannot be a real release date, or "" when it can."""
    if value.year < MIN_YEAR:
        return f"year {value.year} is before {MIN_YEAR}"
    if value > today + dt.timedelta(days=1):
        return f"{value.isoformat()} is in the future"
    return ""


def _checked(
    value: dt.date | None, raw: str, precision: DatePrecision, m: re.Match[str], today: dt.date
) -> FoundDate | None:
    if value is None:
        return None
    problem = sanity_problem(value, today)
    return FoundDate(
        None if problem else value, raw, precision, m.start(), m.end(), problem
    )


def find_date(
    text: str, *, today: dt.date, date_order: str = "", default_year: int | None = None
) -> FoundDate | None:
    """Find the first date in `text` (a header, label or front-matter value)."""
    if m := _ISO.search(text):
        found = _checked(
            _make(int(m[1]), int(m[2]), int(m[3])), m[0], DatePrecision.DAY, m, today
        )
        if found:
            return found
    if m := _NUMERIC.search(text):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        day_first = date_order == "dmy" or (date_order != "mdy" and a > 12)
        month, day = (b, a) if day_first else (a, b)
        found = _checked(_make(year, month, day), m[0], DatePrecision.DAY, m, today)
        if found:
            return found
    if m := _MONTH_DAY_YEAR.search(text):
        found = _checked(
            _make(int(m[3]), MONTHS[m[1].lower().rstrip(".")], int(m[2])),
            m[0], DatePrecision.DAY, m, today,
        )
        if found:
            return found
    if m := _DAY_MONTH_YEAR.search(text):
        found = _checked(
            _make(int(m[3]), MONTHS[m[2].lower().rstrip(".")], int(m[1])),
            m[0], DatePrecision.DAY, m, today,
        )
        if found:
            return found
    if m := _MONTH_YEAR.search(text):
        found = _checked(
            _make(int(m[2]), MONTHS[m[1].lower().rstrip(".")], 1), m[0], DatePrecision.MONTH, m, today
        )
        if found:
            return found
    if m := _YEAR_MONTH.search(text):
        found = _checked(_make(int(m[1]), int(m[2]), 1), m[0], DatePrecision.MONTH, m, today)
        if found:
            return found
    if default_year is not None and (m := _MONTH_ONLY.match(text)):
        return _checked(
            _make(default_year, MONTHS[m[1].lower()], 1), m[1], DatePrecision.MONTH, m, today
        )
    return None


def date_from_path(url: str, *, today: dt.date) -> FoundDate | None:
    """A date written in the last two path segments: `2024-01-03-x.mdx`, `20250328-x/src.mdx`."""
    path = url.split("?", 1)[0].rstrip("/")
    segments = path.split("/")[-2:]
    for segment in reversed(segments):
        for m in _PATH_DATE.finditer(segment):
            value = _make(int(m[1]), int(m[2]), int(m[3]))
            if value is not None:
                return _checked(value, m[0], DatePrecision.DAY, m, today)
    return None


_YEAR_IN_PATH = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def year_from_path(url: str) -> int | None:
    """The year in a file name such as `changelog-2024.mdx`, for month-only headings."""
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    m = _YEAR_IN_PATH.search(name)
    return int(m[1]) if m else None
