"""The HTML report: a self-contained static site answering "is AI infra a tarpit?" with evidence.

    render_report(conn, settings, out_dir=None, now=None) -> ReportResult

Modules: `plan` (pure: which pages, with which view-models), `scope`, `feature_page`,
`party_page`, `evidence_pages`, `overview`, `tables`, `cadence`, `charts` (view-models and
chart geometry), `history` (what is new since the previous report), `render` (Jinja2),
`site` (reads the catalog, writes the files).
"""

from __future__ import annotations

from tracker.report.site import ReportResult, render_report

__all__ = ["ReportResult", "render_report"]
