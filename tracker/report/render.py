"""Jinja2 rendering of planned pages: autoescaping on for every template, strict undefineds.

Templates live inside the package (`tracker/templates/`, package data, so an installed
wheel renders too); all of them extend `base.html`.
Scraped text is only ever inserted as data, so autoescaping makes it inert; the only
URLs emitted in `href`s are site-relative paths and `evidence_url` results (http/https).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2

from tracker.report import fmt
from tracker.report.plan import Page
from tracker.report.site_map import ReportParams
from tracker.report.tables import dot_grid

TEMPLATES = Path(str(resources.files("tracker") / "templates"))
STATIC_FILES = ("report.css", "tables.js", "favicon.svg")
NAV = (("overview", "index.html", "Overview"), ("new", "new.html", "What's new"),
       ("features", "features.html", "Features"), ("parties", "parties.html", "Parties"),
       ("head-to-head", "head-to-head.html", "Head to head"), ("categories", "categories.html", "Categories"),
       ("method", "method.html", "Method"))


@lru_cache(maxsize=4)
def environment(folder: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates ship with the package: no need to stat them on every page
    )
    env.filters.update(fmt.FILTERS)
    env.filters["grid"] = dot_grid
    return env


def root_of(path: str) -> str:
    """The relative way back to the report's root from a page ("" or "../")."""
    return "../" * path.count("/")


def render_page(page: Page, params: ReportParams, *, has_nav: bool = True) -> str:
    template = environment().get_template(page.template)
    return template.render(
        **page.view(), root=root_of(page.path), title=page.title, nav_active=page.nav, params=params,
        nav=NAV if has_nav else (), here=page.path,
    )


def static_file(name: str) -> bytes:
    return (TEMPLATES / name).read_bytes()
