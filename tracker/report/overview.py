"""Market-wide views of the overview page: the party × feature matrix and the category table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.metrics import Summary, Timeline
from tracker.report import charts
from tracker.report.feature_page import status_label, tone
from tracker.report.site_map import ReportParams, SiteMap
from tracker.report.tables import most_copied

MATRIX_FEATURES = 20
MATRIX_PARTIES = 28


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def copy_matrix(timelines: Sequence[Timeline], site: SiteMap, p: ReportParams) -> tuple[charts.DotMatrix | None, int]:
    """The most-copied features × the parties that shipped them; and how many parties were left out."""
    top = most_copied(timelines, p.window)[:MATRIX_FEATURES]
    if not top:
        return None, 0
    appearances = Counter(x.party for t in top for x in t.parties)
    parties = sorted(appearances, key=lambda name: (-appearances[name], name.casefold()))
    shown = parties[:MATRIX_PARTIES]
    column = {name: j for j, name in enumerate(shown)}
    cells = []
    for i, t in enumerate(top):
        for n, x in enumerate(t.parties):
            if x.party not in column:
                continue
            when = "first seen by the crawler" if x.estimated else "shipped"
            lag = status_label(x, t)
            cells.append((i, column[x.party], tone(x, n == 0, p.window),
                          f"{x.party} · {t.feature.name}: {when} {x.first_seen.isoformat()} ({lag})"))
    matrix = charts.dot_matrix(
        [(_short(t.feature.name, 32), site.feature(t.key)) for t in top],
        [(_short(name, 20), site.party(name)) for name in shown],
        cells,
        title=f"Who shipped the {len(top)} most-copied features",
        desc=f"Rows: features, most parties first. Columns: parties. A dot marks a party that shipped the feature; "
             f"its colour says whether it was the first mover, followed within {p.window} days, or later.",
    )
    return matrix, len(parties) - len(shown)


@dataclass(frozen=True, slots=True)
class CategoryRow:
    name: str
    href: str
    summary: Summary


def category_rows(summaries: dict[str, Summary], site: SiteMap) -> list[CategoryRow]:
    rows = [CategoryRow(name, site.category(name), s) for name, s in summaries.items()]
    return sorted(rows, key=lambda r: (-r.summary.features, r.name))
