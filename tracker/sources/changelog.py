"""Source kind `changelog`: one markdown or MDX changelog file (CHANGELOG.md, release-notes.mdx)."""

from __future__ import annotations

from dataclasses import replace

from tracker.config import SourceConfig
from tracker.fetch import FetchResult, decode_text
from tracker.parse.markdown import parse_changelog
from tracker.parse.model import ParsedDocument, ParseOptions
from tracker.sources.base import SingleDocumentKind


def parse(result: FetchResult, source: SourceConfig, options: ParseOptions) -> ParsedDocument:
    if source.date_order:
        options = replace(options, date_order=source.date_order)
    return parse_changelog(decode_text(result), url=result.url, options=options)


KIND = SingleDocumentKind("changelog", "text/markdown, text/plain;q=0.9, */*;q=0.5", parse)
