"""Put a rendered site in place all at once, so a full disk or a crash mid-write never leaves a
half-written report (pages without an index, an index pointing at missing pages).

The site is written into a staging folder beside the target; only when every file is
written is the old site renamed away and the new one renamed in (two renames on one
filesystem), and the old one deleted. Files of the old folder that the report does not
make (the digest, which the daily job writes next to it) are copied over first. A folder
that holds anything else (`--out` pointed at a folder of the user's) is never renamed:
the site is then written into it in place, page by page, the index last.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

DIGEST_FILES = ("digest.md", "digest.html")


def _write(path: Path, data: bytes) -> None:
    """One file of the staged site: nobody reads the staging folder, so no temporary name is needed."""
    with open(path, "wb") as f:
        f.write(data)


def _write_staged(staging: Path, files: Sequence[tuple[str, bytes]]) -> None:
    folders: set[Path] = set()
    for relative, data in files:
        path = staging.joinpath(*relative.split("/"))
        if path.parent not in folders:  # each folder made once, not once per page
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        _write(path, data)


def _replace(path: Path, data: bytes) -> None:
    """One file of a site written in place: a reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _ours(out: Path, names: frozenset[str]) -> bool:
    """The folder is missing, empty, or holds only what a report (and its digest) is made of."""
    if not out.exists():
        return True
    return all(entry.name in names or entry.name.startswith(".") for entry in out.iterdir())


def publish(out: Path, files: Sequence[tuple[str, bytes]], *, report_names: Iterable[str],
            page_folders: Sequence[str] = ()) -> int:
    """Write `files` (relative path, bytes) as the site at `out`; return the bytes written.

    `report_names` are the top-level names a report is made of (pages, folders, static files)."""
    names = frozenset(report_names) | frozenset(DIGEST_FILES)
    ordered = sorted(files, key=lambda item: item[0] == "index.html")  # the index last
    if not _ours(out, names):
        return _in_place(out, ordered, page_folders, names)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _write_staged(staging, ordered)
        if out.exists():
            for name in DIGEST_FILES:
                if (out / name).is_file() and not (staging / name).exists():
                    shutil.copy2(out / name, staging / name)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sum(len(data) for _, data in files)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.replace(out)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    out.replace(old)
    try:
        staging.replace(out)
    except OSError:
        old.replace(out)  # put the previous site back
        raise
    shutil.rmtree(old, ignore_errors=True)


def _in_place(out: Path, ordered: Sequence[tuple[str, bytes]], page_folders: Sequence[str],
              names: frozenset[str]) -> int:
    written: set[Path] = set()
    for relative, data in ordered:
        path = out.joinpath(*relative.split("/"))
        _replace(path, data)
        written.add(path)
    # Pages this report no longer has (a feature that disappeared); nothing else is touched.
    for name in names - set(DIGEST_FILES):
        page = out / name
        if page.is_file() and page not in written:
            page.unlink()
    for folder in page_folders:
        for old in (out / folder).glob("*.html"):
            if old not in written:
                old.unlink()
    return sum(len(data) for _, data in ordered)
