"""The typer application, its global options, and the consoles commands print to.

Commands import what they need inside their own bodies, so `tracker search` never loads
the crawl, match or report stacks (tests/test_cli_imports.py keeps it that way).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.config import Overrides, Settings, load_settings
from tracker.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console


class LazyConsole:
    """A rich Console made on first use: importing rich costs more than most queries."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


app = typer.Typer(
    name="tracker",
    help="Track AI-infrastructure changelogs, match features across parties, and measure copy lag.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = LazyConsole(highlight=False, soft_wrap=True)
err = LazyConsole(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class CliState:
    overrides: Overrides = field(default_factory=Overrides)

    def settings(self, *, mirror: Path | None = None, report_dir: Path | None = None) -> Settings:
        o = self.overrides
        return load_settings(Overrides(config=o.config, db=o.db, mirror=mirror, report_dir=report_dir))


@app.callback()
def global_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", help="config file (default: ./config.toml, or $TRACKER_CONFIG)")
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="catalog database (default: data/tracker.db, or $TRACKER_DB)")] = None,
) -> None:
    """Track AI-infrastructure changelogs, match features across parties, and measure copy lag."""
    ctx.obj = CliState(Overrides(config=config, db=db))


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


def parse_day(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option value, or one UsageError naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-01-31") from None
