"""Per-document caps on releases and entries, so one runaway document cannot flood the catalog.

A changelog is sentences, not a payload: a 19 MB file of tiny releases (337,232 of them)
is kept to its first releases in document order, newest first in nearly every changelog,
and the source says so in a warning.
"""

from __future__ import annotations

from dataclasses import replace

from tracker.parse.model import ParsedDocument


def cap_document(doc: ParsedDocument, *, max_releases: int, max_entries: int) -> ParsedDocument:
    """`doc` with at most `max_releases` releases and `max_entries` entries, and a warning when cut."""
    releases = doc.releases[:max_releases]
    kept = []
    room = max_entries
    for rel in releases:
        if room <= 0:
            break
        if len(rel.entries) > room:
            rel = replace(rel, entries=rel.entries[:room])
        room -= len(rel.entries)
        kept.append(rel)
    cut_releases = len(doc.releases) > max_releases
    cut_entries = len(kept) < len(releases) or sum(len(r.entries) for r in releases) > max_entries
    if not cut_releases and not cut_entries:
        return doc
    limit = f"{max_releases:,} releases" if cut_releases else f"{max_entries:,} entries"
    warning = (f"{doc.url} holds more than {limit}, the per-document cap; only the first "
               f"{len(kept):,} releases ({sum(len(r.entries) for r in kept):,} entries) in document order were kept; "
               "check that the source is a changelog")
    return replace(doc, releases=tuple(kept), warnings=(warning, *doc.warnings))
