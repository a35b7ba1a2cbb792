"""Load the shared changelog corpus as matcher `Mention`s, for tests and benchmarks.

Stands in for the catalog until it lands: walks `../shared/corpus/<snapshot>/raw.githubusercontent.com`,
maps each file back to its URL, parses it as a changelog or as a dated post (folder sources),
attaches party, party kind and category from the manifests, keeps only Bedrock and SageMaker
entries of the all-services AWS changelog, and gives every entry a stable synthetic id.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import pathlib
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from tracker.model import Mention
from tracker.parse.markdown import parse_changelog, parse_post
from tracker.parse.model import ParseOptions

SHARED = pathlib.Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold" / "dev.toml"
TODAY = dt.date(2026, 11, 29)
# Undated releases (changesets, Sentry, Datadog) get the day the crawl first saw them.
FIRST_SEEN = dt.date(2026, 8, 24)
_POST_FORMATS = {"release-notes-folder", "dated-posts"}
_AWS_SCOPES = ("bedrock*", "sagemaker*")
_AWS_URL = "https://raw.githubusercontent.com/awslabs/aws-sdk-kotlin/HEAD/CHANGELOG.md"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    party: str
    party_kind: str
    category: str
    post: bool  # one release per file (parse_post)


def corpus_available() -> bool:
    return (CORPUS / "current" / "raw.githubusercontent.com").is_dir() and GOLD.is_file()


@lru_cache(maxsize=1)
def _manifest_rows() -> tuple[tuple[str, str, SourceInfo], ...]:
    """(url, url_glob, info) rows of every manifest; exact urls first."""
    rows: list[tuple[str, str, SourceInfo]] = []
    for path in sorted(CORPUS.glob("manifest-*.toml")):
        for src in tomllib.loads(path.read_text(encoding="utf-8")).get("source", []):
            info = SourceInfo(src["party"], src["party_kind"], src["category"], src.get("format") in _POST_FORMATS)
            rows.append((src.get("url", ""), src.get("url_glob", ""), info))
    rows.sort(key=lambda r: (r[0] == "", r[0], r[1]))
    return tuple(rows)


def source_info(url: str) -> SourceInfo | None:
    for exact, pattern, info in _manifest_rows():
        if (exact and exact == url) or (pattern and fnmatch.fnmatchcase(url, pattern)):
            return info
    return None


def entry_id(url: str, line: int) -> int:
    digest = hashlib.blake2b(f"{url}#{line}".encode(), digest_size=6).digest()
    return int.from_bytes(digest, "big")


def _keep(url: str, scope: str) -> bool:
    if url != _AWS_URL:
        return True
    return any(fnmatch.fnmatch(scope.lower(), p) for p in _AWS_SCOPES)


def iter_files(snapshot: str = "current") -> Iterator[tuple[str, pathlib.Path]]:
    root = CORPUS / snapshot
    base = root / "raw.githubusercontent.com"
    for path in sorted(base.rglob("*")):
        if path.is_file():
            yield "https://" + path.relative_to(root).as_posix(), path


def iter_mentions(snapshot: str = "current") -> Iterator[Mention]:
    options = ParseOptions(today=TODAY)
    for url, path in iter_files(snapshot):
        info = source_info(url)
        if info is None:
            continue
        parse = parse_post if info.post else parse_changelog
        doc = parse(path.read_text(encoding="utf-8", errors="replace"), url=url, options=options)
        for rel in doc.releases:
            for e in rel.entries:
                if not _keep(url, e.scope):
                    continue
                yield Mention(
                    entry_id=entry_id(url, e.line),
                    party=info.party,
                    party_kind=info.party_kind,
                    category=info.category,
                    source_url=url,
                    version=rel.version,
                    date=rel.date or FIRST_SEEN,
                    date_estimated=rel.date is None,
                    kind=str(e.kind),
                    section=e.section,
                    text=e.text,
                    context=e.context,
                    scope=e.scope,
                    raw=e.raw,
                    line=e.line,
                )


@lru_cache(maxsize=2)
def load_mentions(snapshot: str = "current") -> tuple[Mention, ...]:
    """Every entry of the snapshot, in file and line order; cached per process."""
    return tuple(iter_mentions(snapshot))


FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "match"


def load_fixture(name: str = "launches.toml") -> tuple[tuple[Mention, ...], dict[int, frozenset[str]]]:
    """Hand-written entries of invented parties, and the capabilities each must be linked to."""
    data = tomllib.loads((FIXTURES / name).read_text(encoding="utf-8"))
    mentions: list[Mention] = []
    expected: dict[int, frozenset[str]] = {}
    for row in data["entry"]:
        url = f"https://example.invalid/{row['party'].lower().replace(' ', '-')}/CHANGELOG.md"
        mentions.append(Mention(
            entry_id=row["id"],
            party=row["party"],
            party_kind=row["party_kind"],
            category=row["category"],
            source_url=url,
            version=row.get("version", ""),
            date=row["date"],
            date_estimated=False,
            kind=row["kind"],
            section=row.get("section", ""),
            text=row["text"],
            context=row.get("context", ""),
            scope=row.get("scope", ""),
            raw=row.get("raw", f"- {row['text']}"),
            line=row["id"],
        ))
        expected[row["id"]] = frozenset(row.get("expect", ()))
    return tuple(mentions), expected


def fixture_rows(name: str) -> dict[int, dict[str, object]]:
    """The raw [[entry]] tables of a fixture by id, for expectations beyond `expect` (roles, ...)."""
    data = tomllib.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return {row["id"]: row for row in data["entry"]}
