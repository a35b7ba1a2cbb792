"""The README documents every command and option, and our own CHANGELOG parses like any other."""

from __future__ import annotations

import datetime as dt
import re

import typer

from conftest import ROOT
from tracker.cli import app
from tracker.parse.markdown import parse_changelog
from tracker.parse.model import EntryKind, ParseOptions

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group, prefix: str = "tracker"):  # type: ignore[no-untyped-def]
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):
            yield from commands(command, path)
        else:
            yield path, command


def test_every_command_and_option_is_in_the_readme() -> None:
    root = typer.main.get_command(app)
    missing = []
    for option in root.params:
        missing += [o for o in option.opts if o.startswith("--") and o not in README]
    for path, command in commands(root):
        if f"`{path}" not in README:
            missing.append(path)
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help" and not re.search(rf"{re.escape(path)}[^`\n]*{opt}\b", README):
                    missing.append(f"{path} {opt}")
    assert not missing, f"not documented in README.md: {missing}"


def test_the_tracker_parses_its_own_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    doc = parse_changelog(text, url="https://github.com/tracker-ci/tracker/blob/HEAD/CHANGELOG.md",
                          options=ParseOptions(today=dt.date(2026, 12, 31)))
    releases = {r.version: r for r in doc.releases}
    # ("Unreleased" has no entries)
    assert list(releases)[:9] == ["0.2.7", "0.2.6", "0.2.5", "0.2.4", "0.2.3", "0.2.2", "0.2.1", "0.2.0", "0.1.0"]
    assert releases["0.2.7"].date == releases["0.2.6"].date == releases["0.2.5"].date == dt.date(2026, 12, 5)
    assert releases["0.2.4"].date == releases["0.2.3"].date == releases["0.2.2"].date == releases["0.2.1"].date == releases["0.2.0"].date \
        == dt.date(2026, 12, 4)
    assert releases["0.1.0"].date == dt.date(2026, 11, 29)
    for release in releases.values():
        kinds = {e.kind for e in release.entries}
        assert EntryKind.FEATURE in kinds and EntryKind.SECURITY in kinds
    assert EntryKind.FIX in {e.kind for e in releases["0.2.0"].entries}
    assert EntryKind.FIX in {e.kind for e in releases["0.2.1"].entries}
    assert EntryKind.FIX in {e.kind for e in releases["0.2.2"].entries}
    assert EntryKind.FIX in {e.kind for e in releases["0.2.4"].entries}
    assert all(r.date is not None for r in doc.releases)
