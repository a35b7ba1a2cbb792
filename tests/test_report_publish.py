"""The report is put in place all at once: a full disk mid-write leaves the previous report whole;
the digest beside it survives; the report it replaced is kept, hidden, until the next one, which
rewrites it in place as its staging folder (never through a link); a folder of the user's is
written into, never swapped away."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from tracker.report import publish as publishing
from tracker.report.publish import Staging, previous_site, publish, write_page

NAMES = ("index.html", "features.html", "feature", "report.css")


def site(version: str, features: int = 3) -> list[tuple[str, bytes]]:
    files = [("report.css", b"body{}"), ("index.html", f"index {version}".encode()),
             ("features.html", f"features {version}".encode())]
    return files + [(f"feature/f{i}.html", f"feature {i} {version}".encode()) for i in range(features)]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_report_replaces_the_old_one_whole_and_drops_stale_pages(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    publish(out, site("v1", features=3), report_names=NAMES, page_folders=("feature",))
    (out / "digest.md").write_text("# digest", encoding="utf-8")
    publish(out, site("v2", features=2), report_names=NAMES, page_folders=("feature",))
    assert snapshot(out) == {**dict(site("v2", features=2)), "digest.md": b"# digest"}
    # no staging folder left behind; the replaced report is kept, hidden, until the next one
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.previous", "reports"]
    assert snapshot(previous_site(out)) == {**dict(site("v1", features=3)), "digest.md": b"# digest"}


def test_only_the_report_before_the_latest_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    for version in ("v1", "v2", "v3"):
        publish(out, site(version), report_names=NAMES, page_folders=("feature",))
    assert snapshot(previous_site(out)) == dict(site("v2"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.previous", "reports"]


def test_the_next_report_rewrites_the_kept_one_in_place_and_drops_what_it_no_longer_has(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    publish(out, site("v1", features=3), report_names=NAMES, page_folders=("feature",))
    publish(out, site("v2", features=3), report_names=NAMES, page_folders=("feature",))
    (previous_site(out) / "digest.md").write_text("# old digest", encoding="utf-8")
    (previous_site(out) / "feature" / "stray").mkdir()
    inode = (previous_site(out) / "feature" / "f0.html").stat().st_ino
    staging = Staging.open(out, NAMES)  # the kept site (v1) becomes the staging folder
    assert staging is not None and not previous_site(out).exists()
    assert (staging.folder / "feature" / "f0.html").stat().st_ino == inode
    publish(out, site("v3", features=2), report_names=NAMES, page_folders=("feature",), staging=staging)
    assert snapshot(out) == dict(site("v3", features=2))  # no f2 page, no old digest
    assert not (out / "feature" / "stray").exists()  # nor the empty folder
    assert (out / "feature" / "f0.html").stat().st_ino == inode  # rewritten, not created anew
    assert snapshot(previous_site(out)) == dict(site("v2", features=3))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.previous", "reports"]


def test_a_longer_page_rewritten_shorter_keeps_nothing_of_the_old_one(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    publish(out, [(path, data * 50) for path, data in site("v1")], report_names=NAMES, page_folders=("feature",))
    publish(out, site("v2"), report_names=NAMES, page_folders=("feature",))
    publish(out, site("v3"), report_names=NAMES, page_folders=("feature",))  # rewrites the long v1 pages
    assert snapshot(out) == dict(site("v3"))


def test_links_in_the_kept_report_are_removed_never_written_through(tmp_path: Path) -> None:
    out, mine = tmp_path / "reports", tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    (mine / "f0.html").write_text("mine too", encoding="utf-8")
    publish(out, site("v1"), report_names=NAMES, page_folders=("feature",))
    publish(out, site("v2"), report_names=NAMES, page_folders=("feature",))
    kept = previous_site(out)
    (kept / "index.html").unlink()
    (kept / "index.html").symlink_to(mine / "notes.txt")  # a page that is a link to a file of the user's
    shutil.rmtree(kept / "feature")
    (kept / "feature").symlink_to(mine, target_is_directory=True)  # a page folder that is a link
    publish(out, site("v3"), report_names=NAMES, page_folders=("feature",))
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (mine / "f0.html").read_text(encoding="utf-8") == "mine too"
    assert snapshot(out) == dict(site("v3")) and not any(p.is_symlink() for p in out.rglob("*"))


def test_a_link_planted_while_the_report_is_written_is_replaced_not_followed(tmp_path: Path) -> None:
    out, mine = tmp_path / "reports", tmp_path / "mine.txt"
    mine.write_text("mine", encoding="utf-8")
    staging = Staging.open(out, NAMES)
    assert staging is not None
    (staging.folder / "index.html").symlink_to(mine)
    publish(out, site("v1"), report_names=NAMES, page_folders=("feature",), staging=staging)
    assert mine.read_text(encoding="utf-8") == "mine" and snapshot(out) == dict(site("v1"))


def test_a_kept_report_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    out, mine = tmp_path / "reports", tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    previous_site(out).symlink_to(mine, target_is_directory=True)
    publish(out, site("v1"), report_names=NAMES, page_folders=("feature",))
    publish(out, site("v2"), report_names=NAMES, page_folders=("feature",))
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert snapshot(out) == dict(site("v2"))


def test_a_full_disk_mid_write_leaves_the_previous_report_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "reports"
    publish(out, site("v1"), report_names=NAMES, page_folders=("feature",))
    before = snapshot(out)
    real_write, written = publishing._write, []

    def fill_up(path: Path, data: bytes) -> None:
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        real_write(path, data)

    monkeypatch.setattr(publishing, "_write", fill_up)
    with pytest.raises(OSError, match="No space left"):
        publish(out, site("v2"), report_names=NAMES, page_folders=("feature",))
    assert snapshot(out) == before and (out / "index.html").read_bytes() == b"index v1"
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]


def test_a_folder_of_the_users_is_written_into_not_swapped(tmp_path: Path) -> None:
    out = tmp_path / "desktop"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    publish(out, site("v1"), report_names=NAMES, page_folders=("feature",))
    publish(out, site("v2", features=1), report_names=NAMES, page_folders=("feature",))
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert snapshot(out) == {**dict(site("v2", features=1)), "notes.txt": b"mine"}


def test_pages_a_worker_wrote_into_the_staging_folder_are_published_with_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    publish(out, site("v1"), report_names=NAMES, page_folders=("feature",))
    staging = Staging.open(out, NAMES)
    assert staging is not None and snapshot(out) == dict(site("v1"))  # the live site is untouched meanwhile
    v2 = site("v2")
    worker = [(path, write_page(staging.folder, path, data)) for path, data in v2 if path.startswith("feature/")]
    rest = [(path, data) for path, data in v2 if not path.startswith("feature/")]
    size = publish(out, rest + worker, report_names=NAMES, page_folders=("feature",), staging=staging)
    assert snapshot(out) == dict(v2) and size == sum(len(data) for _, data in v2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.previous", "reports"]


def test_a_failed_publish_removes_the_staging_folder_a_worker_wrote_into(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "reports"
    publish(out, site("v1"), report_names=NAMES, page_folders=("feature",))
    staging = Staging.open(out, NAMES)
    assert staging is not None
    written = [("feature/f0.html", write_page(staging.folder, "feature/f0.html", b"feature 0 v2"))]

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publishing, "_write", full)
    with pytest.raises(OSError, match="No space left"):
        publish(out, [("index.html", b"index v2"), *written], report_names=NAMES, staging=staging)
    assert snapshot(out) == dict(site("v1"))
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]  # no staging folder left


def test_a_users_folder_gets_no_staging_folder(tmp_path: Path) -> None:
    out = tmp_path / "desktop"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert Staging.open(out, NAMES) is None
