"""Put a rendered site in place all at once, so a full disk or a crash mid-write never leaves a
half-written report (pages without an index, an index pointing at missing pages).

The site is written into a staging folder beside the target; only when every file is
written is the old site renamed away and the new one renamed in (two renames on one
filesystem). Files of the old folder that the report does not make (the digest, which the
daily job writes next to it) are copied over first. A folder that holds anything else
(`--out` pointed at a folder of the user's) is never renamed: the site is then written into
it in place, page by page, the index last.

The site a report replaces is kept beside it, hidden, as `.NAME.previous` (the report before
the latest, to compare with or go back to), until the next report starts: that one deletes it
in a child process (`clear_previous`) while it reads the catalog, when one of the two cores
has nothing to do, instead of after its own swap, when the deletion (a few hundred unlinks, about
0.08 s) would be the last thing the user waits for.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from tracker.children import end_child, receive, start_child

DIGEST_FILES = ("digest.md", "digest.html")
PREVIOUS = ".{name}.previous"
WAIT_SECONDS = 60.0  # far above the ~0.1 s a report's few hundred files take


def previous_site(out: Path) -> Path:
    """Where the site that `out`'s latest report replaced is kept."""
    return out.with_name(PREVIOUS.format(name=out.name))


class PreviousCleared:
    """The deletion of a kept previous site, running in a child process; `wait` before the next swap
    (it deletes the site itself when no child could start, or the child did not finish)."""

    def __init__(self, old: Path, child: tuple[BaseProcess, Connection] | None = None) -> None:
        self._old: Path | None = old
        self._process: BaseProcess | None = child[0] if child else None
        self._connection: Connection | None = child[1] if child else None

    def wait(self) -> None:
        old, process, connection = self._old, self._process, self._connection
        self._old = self._process = self._connection = None
        if connection is not None:
            receive(connection, WAIT_SECONDS)
            end_child(process, connection)
        if old is not None and old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)


def clear_previous(out: Path) -> PreviousCleared:
    """Start deleting the site kept from the report before the latest, in a forked child (none kept:
    nothing to do). A child, not a thread: the unlinks then share nothing with this process, and a
    thread would keep the report from forking its own helpers (`children.can_fork`)."""
    old = previous_site(out)
    if not old.is_dir() or old.is_symlink():
        return PreviousCleared(old)
    return PreviousCleared(old, start_child(_clear, old, name="tracker-clear-previous", duplex=False))


def _clear(connection: Connection, parent_end: Connection, old: Path) -> None:
    parent_end.close()
    try:
        shutil.rmtree(old, ignore_errors=True)
        connection.send(True)
    finally:
        connection.close()


def _write(path: Path, data: bytes) -> None:
    """One file of the staged site: nobody reads the staging folder, so no temporary name is needed."""
    with open(path, "wb") as f:
        f.write(data)


def _write_staged(staging: Path, files: Sequence[tuple[str, bytes | int]]) -> None:
    made: set[Path] = set()
    for relative, data in files:
        if not isinstance(data, int):  # (a size: written into the staging folder already, by a page worker)
            write_page(staging, relative, data, made)


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


class Staging:
    """The hidden folder beside `out` that a site is written into before `publish` swaps it in.

    Opened before the pages are rendered, so a page worker can write its pages there itself
    (`write_page`); `publish` writes the rest and swaps, `discard` removes it after a failure."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folder = out.with_name(f".{out.name}.new-{os.getpid()}")

    @classmethod
    def open(cls, out: Path, report_names: Iterable[str]) -> Staging | None:
        """A fresh staging folder for `out`; None when `out` holds files of the user's (the site is
        then written into it in place)."""
        if not _ours(out, frozenset(report_names) | frozenset(DIGEST_FILES)):
            return None
        staging = cls(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging.folder, ignore_errors=True)
        staging.folder.mkdir()
        return staging

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def write_page(folder: Path, relative: str, data: bytes, made: set[Path] | None = None) -> int:
    """Write one page into a staging folder (from any process); its size, which `publish` takes in
    place of the bytes. `made`: the folders made so far, each made once rather than once per page."""
    path = folder.joinpath(*relative.split("/"))
    if made is None or path.parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(path.parent)
    _write(path, data)
    return len(data)


def publish(out: Path, files: Sequence[tuple[str, bytes | int]], *, report_names: Iterable[str],
            page_folders: Sequence[str] = (), cleared: PreviousCleared | None = None,
            staging: Staging | None = None) -> int:
    """Write `files` (relative path, bytes) as the site at `out`; return the bytes written.

    `report_names` are the top-level names a report is made of (pages, folders, static files);
    `cleared` is the deletion of the previous site the caller started (`clear_previous`), if any;
    `staging` the staging folder the caller opened (`Staging.open`), where files given by their size
    instead of their bytes were written already."""
    if cleared is None:
        cleared = PreviousCleared(previous_site(out))  # deleted here, right before the swap
    names = frozenset(report_names) | frozenset(DIGEST_FILES)
    ordered = sorted(files, key=lambda item: item[0] == "index.html")  # the index last
    if staging is None:
        staging = Staging.open(out, names)
    if staging is None:  # `out` holds files of the user's: written into in place
        cleared.wait()
        pages = [(relative, data) for relative, data in ordered if not isinstance(data, int)]
        if len(pages) != len(ordered):
            raise ValueError("pages written into a staging folder cannot be published without it")
        return _in_place(out, pages, page_folders, names)
    folder = staging.folder
    try:
        _write_staged(folder, ordered)
        if out.exists():
            for name in DIGEST_FILES:
                if (out / name).is_file() and not (folder / name).exists():
                    shutil.copy2(out / name, folder / name)
        cleared.wait()
        _swap(folder, out)
    except BaseException:
        staging.discard()
        raise
    return sum(data if isinstance(data, int) else len(data) for _, data in files)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.replace(out)
        return
    kept = previous_site(out)
    try:
        out.replace(kept)  # (fails when another report keeps its previous site there right now)
    except OSError:
        kept = out.with_name(f".{out.name}.old-{os.getpid()}")
        shutil.rmtree(kept, ignore_errors=True)
        out.replace(kept)
    try:
        staging.replace(out)
    except OSError:
        kept.replace(out)  # put the previous site back
        raise
    if kept != previous_site(out):
        shutil.rmtree(kept, ignore_errors=True)


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
