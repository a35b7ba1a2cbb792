"""Where a template turns autoescaping off (the chart bodies, thousands of coordinates a page), every
value it prints is a number, a class name or a site path, or text escaped by hand with `|e`."""

from __future__ import annotations

import pytest
from jinja2 import nodes

from tracker.report.render import TEMPLATES, environment

# Attributes that hold numbers, tone class names or site-relative paths (made by the report, never scraped).
TRUSTED_ATTRIBUTES = frozenset({
    "x", "y", "x_start", "width", "height", "left", "right", "top", "bottom", "half_y", "median_x", "window_x",
    "observed_x", "pos", "cx", "cy", "tone", "href", "path",
})
TRUSTED_NAMES = frozenset({"root", "window", "mx", "my", "label_gap"})  # the page's way back to the root; numbers
SAFE_MACROS = frozenset({"svg_open", "y_grid", "chart_end"})  # chart macros: their own bodies are checked here too
NUMERIC_FILTERS = frozenset({"round"})


def _unsafe(expr: nodes.Node) -> list[str]:
    """The parts of one printed expression that could carry unescaped text."""
    if isinstance(expr, nodes.Filter) and expr.name in ("e", "escape"):
        return []
    if isinstance(expr, nodes.Filter) and expr.name in NUMERIC_FILTERS:
        return _unsafe(expr.node)
    if isinstance(expr, nodes.Call) and isinstance(expr.node, nodes.Name) and expr.node.name in SAFE_MACROS:
        return []
    if isinstance(expr, nodes.Getattr):
        return [] if expr.attr in TRUSTED_ATTRIBUTES else [f"{_name(expr)}"]
    if isinstance(expr, nodes.Name):
        return [] if expr.name in TRUSTED_NAMES else [expr.name]
    if isinstance(expr, nodes.Const):
        return [] if isinstance(expr.value, int | float) else [repr(expr.value)]
    if isinstance(expr, nodes.BinExpr | nodes.UnaryExpr):
        return [part for child in expr.iter_child_nodes() for part in _unsafe(child)]
    return [type(expr).__name__]


def _name(expr: nodes.Node) -> str:
    if isinstance(expr, nodes.Getattr):
        return f"{_name(expr.node)}.{expr.attr}"
    return expr.name if isinstance(expr, nodes.Name) else type(expr).__name__


def _unescaped_regions(tree: nodes.Node) -> list[nodes.ScopedEvalContextModifier]:
    return [n for n in tree.find_all(nodes.ScopedEvalContextModifier)
            if any(k.key == "autoescape" and not (isinstance(k.value, nodes.Const) and k.value.value)
                   for k in n.options)]


TEMPLATE_NAMES = sorted(p.name for p in TEMPLATES.glob("*.html"))


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_text_printed_without_autoescaping_is_escaped_by_hand(name: str) -> None:
    env = environment()
    tree = env.parse(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
    unsafe = [(name, expr.lineno, part)
              for region in _unescaped_regions(tree)
              for output in region.find_all(nodes.Output)
              for expr in output.nodes if not isinstance(expr, nodes.TemplateData)
              for part in _unsafe(expr)]
    assert not unsafe, unsafe


def test_the_charts_are_the_templates_that_turn_autoescaping_off() -> None:
    env = environment()
    off = [n for n in TEMPLATE_NAMES if _unescaped_regions(env.parse(env.loader.get_source(env, n)[0]))]  # type: ignore[union-attr]
    assert off == ["_charts.html"]  # a new region is a decision to review, not a convenience
