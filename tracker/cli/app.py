"""The typer application, its global options, and the consoles commands print to."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tracker.config import Overrides, Settings, load_settings

app = typer.Typer(
    name="tracker",
    help="Track AI-infrastructure changelogs, match features across parties, and measure copy lag.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class CliState:
    overrides: Overrides = field(default_factory=Overrides)
    _settings: Settings | None = None

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
