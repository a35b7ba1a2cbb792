"""Make small git repositories with tags at fixed dates, for the tag-dating tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
           "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"}


def git(repo: Path, *args: str, when: str = "") -> str:
    env = {**GIT_ENV, **({"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when} if when else {})}
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True).stdout


def commit_and_tag(repo: Path, tag: str, when: str, *, annotated: bool = False) -> None:
    (repo / "CHANGELOG.md").write_text(f"## {tag}\n", encoding="utf-8")
    git(repo, "add", "CHANGELOG.md")
    git(repo, "commit", "-q", "-m", f"release {tag}", when=when)
    if annotated:
        git(repo, "tag", "-a", tag, "-m", tag, when=when)
    else:
        git(repo, "tag", tag)
