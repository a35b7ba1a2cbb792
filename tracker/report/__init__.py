"""The HTML report: a self-contained static site answering "is AI infra a tarpit?" with evidence.

    render_report(conn, settings, out_dir=None, now=None) -> ReportResult

Modules: `plan` (pure: which pages, with which view-models), `scope`, `feature_page`,
`party_page`, `evidence_pages`, `new_page`, `overview`, `tables`, `cadence`, `charts` (view-models
and chart geometry), `history` (what is new since the previous report), `render` (Jinja2),
`site` (reads the catalog, writes the files).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.report.site import ReportResult, render_report

__all__ = ["ReportResult", "render_report"]


def __getattr__(name: str) -> Any:
    """`render_report` and `ReportResult` load the renderer (Jinja2) on first use, so the report's
    pure view-model modules (status wording, site map) import cheaply."""
    if name in __all__:
        from tracker.report import site

        return getattr(site, name)
    raise AttributeError(f"module 'tracker.report' has no attribute {name!r}")
