"""Safe, stable file names for pages named after scraped or configured text.

A slug is lower-case ASCII letters, digits and single hyphens, at most 64 characters,
never empty and never a dot-path: it cannot climb out of its folder whatever the name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_UNSAFE = re.compile(r"[^a-z0-9]+")
MAX_LENGTH = 64


def slugify(name: str) -> str:
    """`"Weights & Biases"` -> `"weights-biases"`; a name with no usable characters gets a hash."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE.sub("-", ascii_name.lower()).strip("-")[:MAX_LENGTH].strip("-")
    if not slug:
        slug = "x-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
    return slug


class SlugBook:
    """Assigns each name one unique slug; collisions get `-2`, `-3`, ... in sorted-name order."""

    def __init__(self, names: Iterable[str]) -> None:
        self._slugs: dict[str, str] = {}
        taken: set[str] = set()
        for name in sorted(set(names)):
            base = slugify(name)
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            self._slugs[name] = slug

    def __getitem__(self, name: str) -> str:
        return self._slugs[name]

    def __contains__(self, name: object) -> bool:
        return name in self._slugs

    def items(self) -> list[tuple[str, str]]:
        return sorted(self._slugs.items())
