"""How numbers and dates read in the report: one place, used as template filters."""

from __future__ import annotations

import datetime as dt


def days(value: float | None, *, unit: bool = True) -> str:
    """Whole days: `41.0` -> "41 days", `436.5` -> "436 days" (half to even), `1` -> "1 day", None -> "—".

    A median of an even count of day counts can end in .5; a half-day is not a real quantity
    here, so pages show whole days and keep the exact value in `data-value`.
    """
    if value is None:
        return "—"
    number = f"{round(value):,}"
    if not unit:
        return number
    return f"{number} day" if number == "1" else f"{number} days"


def number(value: float | None) -> str:
    """One decimal at most, no trailing zero: 2.0 -> "2", 2.25 -> "2.2"."""
    return "—" if value is None else f"{value:,.1f}".rstrip("0").rstrip(".")


def lag(value: int, *, estimated: bool = False) -> str:
    """A follower's lag as a signed offset: "+34 d" ("≈ +34 d" when estimated)."""
    text = "first" if value == 0 and not estimated else f"+{value:,} d"
    return f"≈ {text}" if estimated else text


def ordinal(n: int) -> str:
    """1 -> "1st", 3 -> "3rd", 11 -> "11th"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def count(value: int, noun: str, plural: str | None = None) -> str:
    word = noun if value == 1 else (plural or noun + "s")
    return f"{value:,} {word}"


def day(value: dt.date | None) -> str:
    return "—" if value is None else value.isoformat()


def stamp(value: dt.datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def machine(value: float | None) -> str:
    """The exact value for `data-value` attributes (tests and scrapers read these)."""
    if value is None:
        return ""
    return repr(float(value)) if isinstance(value, float) else str(value)


FILTERS = {"days": days, "lag": lag, "pct": pct, "day": day, "stamp": stamp, "machine": machine, "plural": count, "ordinal": ordinal, "number": number}
