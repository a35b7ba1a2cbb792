"""The title of a post that has none in its front matter: its first heading, else the words of its path."""

from __future__ import annotations

import re

from tracker.parse.blocks import Block, Heading
from tracker.parse.clean import strip_markup
from tracker.parse.kinds import section_kind

_HAS_WORD = re.compile(r"[A-Za-z]{2}")
_GENERIC_FILE = frozenset({"src", "index", "page", "readme", "content", "post"})
_PATH_DATE = re.compile(r"(?<!\d)\d{4}-?\d{2}-?\d{2}(?!\d)")


def path_slug(url: str) -> str:
    """The words a post's path names it by: `20250328-online-evaluators-ui/src.mdx` -> "Online evaluators ui"."""
    segments = url.split("?", 1)[0].rstrip("/").split("/")
    stem = segments[-1].rsplit(".", 1)[0]
    if stem.lower() in _GENERIC_FILE and len(segments) > 1:
        stem = segments[-2]
    words = " ".join(_PATH_DATE.sub(" ", stem).replace("-", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:] if _HAS_WORD.search(words) else ""


def post_title(blocks: list[Block], url: str) -> str:
    """The title of a post without one in its front matter: its first heading, else its path.

    A first heading that is only a section label ("What's new") loses to a path that names the
    post; the bare file name ("2025-05-23.mdx") is the last resort.
    """
    heading = next((strip_markup(b.text) for b in blocks if isinstance(b, Heading)), "")
    slug = path_slug(url)
    if heading and not (slug and section_kind(heading) is not None and len(heading.split()) <= 4):
        return heading
    return slug or heading or url.rsplit("/", 1)[-1]
