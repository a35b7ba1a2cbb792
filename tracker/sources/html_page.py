"""Source kind `html`: a vendor's HTML changelog page, read with per-source selectors or a heuristic."""

from __future__ import annotations

from tracker.config import SourceConfig
from tracker.fetch import FetchResult, decode_text
from tracker.parse.html_page import HtmlSelectors, parse_html_page
from tracker.parse.model import ParsedDocument, ParseOptions
from tracker.sources.base import SingleDocumentKind


def parse(result: FetchResult, source: SourceConfig, options: ParseOptions) -> ParsedDocument:
    s = source.selectors
    selectors = HtmlSelectors(release=s.release, title=s.title, date=s.date, entries=s.entries)
    configured = any((s.release, s.title, s.date, s.entries))
    return parse_html_page(
        decode_text(result), url=result.url, options=options, selectors=selectors if configured else None
    )


KIND = SingleDocumentKind("html", "text/html, application/xhtml+xml;q=0.9, */*;q=0.5", parse)
