"""Put a rendered site in place all at once, so a full disk or a crash mid-write never leaves a
half-written report (pages without an index, an index pointing at missing pages).

The site is written into a staging folder beside the target; only when every file is
written is the old site renamed away and the new one renamed in (two renames on one
filesystem). Files of the old folder that the report does not make (the digest, which the
daily job writes next to it) are copied over first. A folder that holds anything else
(`--out` pointed at a folder of the user's) is never renamed: the site is then written into
it in place, page by page, the index last.

The site a report replaces is kept beside it, hidden, as `.NAME.previous` (the report before
the latest, to compare with or go back to), until the next report starts: that one takes the
kept folder as its staging folder and rewrites its pages in place (`Staging.open`), then removes
the pages it did not write. Rewriting a file that exists costs a few microseconds; creating one
(and deleting the old one) costs a quarter of a millisecond on an ext4 disk, about 0.2 s for a
report's few hundred pages. A symbolic link in the kept folder is removed, never written through.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

DIGEST_FILES = ("digest.md", "digest.html")
PREVIOUS = ".{name}.previous"
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def previous_site(out: Path) -> Path:
    """Where the site that `out`'s latest report replaced is kept."""
    return out.with_name(PREVIOUS.format(name=out.name))


def _remove(path: Path) -> None:
    """A file, a link or a folder, whichever it is (a link is removed, not followed)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    """One file of the staged site, rewritten in place when it exists (nobody reads the staging folder,
    so no temporary name is needed); a link or a folder where the page goes is replaced, never followed."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | _NO_FOLLOW, 0o644)
    except OSError:
        if not (path.is_symlink() or path.exists()):
            raise  # (not a link or a folder in the way: a full disk, a missing permission)
        _remove(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.truncate()  # (what a longer old page had past the new end)


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
    (`write_page`); `publish` writes the rest and swaps, `discard` removes it after a failure.
    It is the site kept from the report before the latest, when there is one (`recycled`): its
    pages are rewritten in place, and those the new site does not have are removed (`sweep`)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folder = out.with_name(f".{out.name}.new-{os.getpid()}")
        self.recycled: frozenset[str] = frozenset()  # relative paths of the kept site's files
        self._folders: tuple[str, ...] = ()  # ... and of its folders

    @classmethod
    def open(cls, out: Path, report_names: Iterable[str]) -> Staging | None:
        """A staging folder for `out`; None when `out` holds files of the user's (the site is then
        written into it in place)."""
        if not _ours(out, frozenset(report_names) | frozenset(DIGEST_FILES)):
            return None
        staging = cls(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging.folder, ignore_errors=True)
        kept = previous_site(out)
        if kept.is_dir() and not kept.is_symlink():
            try:
                kept.replace(staging.folder)
            except OSError:
                pass  # (taken by another report right now: a fresh folder, and the swap keeps its own)
            else:
                staging.recycled, staging._folders = _files_without_links(staging.folder)
                return staging
        staging.folder.mkdir()
        return staging

    def sweep(self, written: Iterable[str]) -> None:
        """Remove the kept site's files that the new site did not write (a feature that disappeared, an
        old digest), and the folders that leaves empty."""
        folder = self.folder
        for relative in sorted(self.recycled - frozenset(written)):
            (folder / relative).unlink(missing_ok=True)
        for relative in sorted(self._folders, key=lambda r: -r.count("/")):  # the deepest first
            try:
                (folder / relative).rmdir()  # only when empty
            except OSError:
                pass

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _files_without_links(folder: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    """The files and the folders under `folder` (relative, "/"-separated), after removing every symbolic
    link in it, so nothing written there can land outside it."""
    files, folders = [], []
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        for name in list(dirs):
            if (here / name).is_symlink():
                (here / name).unlink()
                dirs.remove(name)
            else:
                folders.append((here / name).relative_to(folder).as_posix())
        for name in names:
            path = here / name
            if path.is_symlink():
                path.unlink()
            else:
                files.append(path.relative_to(folder).as_posix())
    return frozenset(files), tuple(folders)


def write_page(folder: Path, relative: str, data: bytes, made: set[Path] | None = None) -> int:
    """Write one page into a staging folder (from any process); its size, which `publish` takes in
    place of the bytes. `made`: the folders made so far, each made once rather than once per page."""
    path = folder.joinpath(*relative.split("/"))
    if made is None or path.parent not in made:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a file where the folder goes (in a kept site): replaced by the folder
            _remove(path.parent)
            path.parent.mkdir(parents=True)
        if made is not None:
            made.add(path.parent)
    _write(path, data)
    return len(data)


def publish(out: Path, files: Sequence[tuple[str, bytes | int]], *, report_names: Iterable[str],
            page_folders: Sequence[str] = (), staging: Staging | None = None) -> int:
    """Write `files` (relative path, bytes) as the site at `out`; return the bytes written.

    `report_names` are the top-level names a report is made of (pages, folders, static files);
    `staging` the staging folder the caller opened (`Staging.open`), where files given by their size
    instead of their bytes were written already."""
    names = frozenset(report_names) | frozenset(DIGEST_FILES)
    ordered = sorted(files, key=lambda item: item[0] == "index.html")  # the index last
    if staging is None:
        staging = Staging.open(out, names)
    if staging is None:  # `out` holds files of the user's: written into in place
        pages = [(relative, data) for relative, data in ordered if not isinstance(data, int)]
        if len(pages) != len(ordered):
            raise ValueError("pages written into a staging folder cannot be published without it")
        return _in_place(out, pages, page_folders, names)
    folder = staging.folder
    try:
        _write_staged(folder, ordered)
        staging.sweep(relative for relative, _ in files)
        if out.exists():
            for name in DIGEST_FILES:
                if (out / name).is_file() and not (folder / name).exists():
                    shutil.copy2(out / name, folder / name)
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
