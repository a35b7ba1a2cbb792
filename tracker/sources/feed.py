"""Source kind `feed`: an RSS 2.0 or Atom feed of release notes or product updates."""

from __future__ import annotations

from tracker.config import SourceConfig
from tracker.fetch import FetchResult
from tracker.parse.feeds import parse_feed
from tracker.parse.model import ParsedDocument, ParseOptions
from tracker.sources.base import SingleDocumentKind


def parse(result: FetchResult, source: SourceConfig, options: ParseOptions) -> ParsedDocument:
    return parse_feed(result.content, url=result.url, options=options)


KIND = SingleDocumentKind(
    "feed", "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5", parse
)
