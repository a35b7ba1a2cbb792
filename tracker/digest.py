"""The digest of a run: features first seen, copies detected, sources failing.

`build_digest` is a pure function of the run's match outcome and the feature timelines;
`digest_markdown` and `digest_html` render it (scraped text escaped, only http(s)
links); `write_digest` puts `digest.md` and `digest.html` in the report folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment

from tracker.errors import ReportError
from tracker.evidence import evidence_url, is_web_url
from tracker.metrics import Presence, Timeline
from tracker.redact import redact_url, redact_urls

MAX_ITEMS = 100  # per section in digest.md / digest.html; the report has everything


@dataclass(frozen=True, slots=True)
class FeatureNews:
    """A feature linked for the first time in this run, and its first mover."""

    key: str
    name: str
    category: str
    party: str
    date: dt.date
    estimated: bool
    text: str
    link: str
    parties: int


@dataclass(frozen=True, slots=True)
class CopyNews:
    """A party seen offering a feature another party shipped first."""

    key: str
    name: str
    party: str
    first_party: str
    lag_days: int
    estimated: bool
    date: dt.date
    text: str
    link: str


@dataclass(frozen=True, slots=True)
class SourceProblem:
    name: str
    party: str
    error: str
    since: str
    new: bool  # started failing in this run


@dataclass(frozen=True, slots=True)
class Digest:
    when: dt.datetime
    sources_ok: int = 0
    sources_failed: int = 0
    new_releases: int = 0
    new_entries: int = 0
    features: tuple[FeatureNews, ...] = ()
    copies: tuple[CopyNews, ...] = ()
    failures: tuple[SourceProblem, ...] = ()
    report: str = ""

    @property
    def worth_sending(self) -> bool:
        """Webhooks are told only about news: new features, copies, or a source that just broke."""
        return bool(self.features or self.copies or any(f.new for f in self.failures))

    def headline(self) -> str:
        return (
            f"{self.sources_ok} sources ok, {self.sources_failed} failed · {self.new_releases} new releases · "
            f"{self.new_entries} new entries · {_count(len(self.features), 'new feature')} · "
            f"{_count(len(self.copies), 'new copy', 'new copies')}"
        )


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _evidence(presence: Presence) -> tuple[str, str]:
    m = presence.first_mention
    return m.text, evidence_url(m.source_url, m.line, m.release_url)


def build_digest(
    timelines: Iterable[Timeline],
    *,
    new_features: Iterable[str],
    new_copies: Iterable[tuple[str, str]],
    when: dt.datetime,
    sources_ok: int = 0,
    sources_failed: int = 0,
    new_releases: int = 0,
    new_entries: int = 0,
    failures: Sequence[SourceProblem] = (),
    report: str = "",
) -> Digest:
    """What is new after a run. `new_copies` pairs whose party is the first mover are not copies."""
    by_key = {t.key: t for t in timelines}
    features = []
    for key in set(new_features):
        if (t := by_key.get(key)) is None:
            continue
        text, link = _evidence(t.first)
        features.append(FeatureNews(key, t.feature.name, t.feature.category, t.first.party, t.first.first_seen,
                                    t.first.estimated, text, link, len(t.parties)))
    copies = []
    for key, party in set(new_copies):
        if (t := by_key.get(key)) is None:
            continue
        presence = next((p for p in t.followers if p.party == party), None)
        if presence is None:
            continue
        text, link = _evidence(presence)
        copies.append(CopyNews(key, t.feature.name, party, t.first.party, presence.lag_days, presence.estimated,
                               presence.first_seen, text, link))
    features.sort(key=lambda f: (-f.date.toordinal(), f.name.casefold(), f.key))
    copies.sort(key=lambda c: (-c.date.toordinal(), c.name.casefold(), c.party.casefold()))
    return Digest(when, sources_ok, sources_failed, new_releases, new_entries, tuple(features), tuple(copies),
                  tuple(failures), report)


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~!])")


def md_escape(text: str) -> str:
    """Scraped text as literal Markdown: no links, emphasis or HTML can sneak in."""
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_link(url: str) -> str:
    """An http(s) URL, credentials redacted, with the characters that end a Markdown or Slack link
    percent-encoded; else ''."""
    if not is_web_url(url):
        return ""
    return quote(redact_url(url), safe=":/?#[]@!$&'*+,;=%~-._")


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date(day: dt.date, estimated: bool) -> str:
    return f"{day.isoformat()}{' (date estimated)' if estimated else ''}"


def _lag(c: CopyNews) -> str:
    return f"{c.lag_days} day{'s' if c.lag_days != 1 else ''}{' (estimated)' if c.estimated else ''}"


def _md_link(url: str) -> str:
    link = safe_link(url)
    return f" [source]({link})" if link else ""


def digest_markdown(digest: Digest, *, max_items: int = MAX_ITEMS) -> str:
    lines = [f"# tracker digest — {digest.when:%Y-%m-%d %H:%M} UTC", "", digest.headline()]
    if digest.report:
        lines += ["", f"Report: {md_escape(digest.report)}"]
    if not (digest.features or digest.copies):
        lines += ["", "Nothing new was matched in this run."]
    if digest.features:
        lines += ["", f"## New features ({len(digest.features)})", ""]
        for f in digest.features[:max_items]:
            lines.append(
                f"- **{md_escape(f.name)}** ({md_escape(f.category)}) — first seen at {md_escape(f.party)} on "
                f"{_date(f.date, f.estimated)}: “{md_escape(_clip(f.text))}”{_md_link(f.link)}"
            )
        lines += _more(len(digest.features), max_items)
    if digest.copies:
        lines += ["", f"## Copies detected ({len(digest.copies)})", ""]
        for c in digest.copies[:max_items]:
            lines.append(
                f"- **{md_escape(c.name)}**: {md_escape(c.party)} followed {md_escape(c.first_party)} after {_lag(c)} "
                f"({_date(c.date, c.estimated)}): “{md_escape(_clip(c.text))}”{_md_link(c.link)}"
            )
        lines += _more(len(digest.copies), max_items)
    if digest.failures:
        lines += ["", f"## Failing sources ({len(digest.failures)})", ""]
        for p in digest.failures[:max_items]:
            since = "new in this run" if p.new else f"since {p.since}"
            error = md_escape(_clip(redact_urls(p.error), 300))
            lines.append(f"- {md_escape(p.name)} ({md_escape(p.party)}, {since}): {error}")
        lines += _more(len(digest.failures), max_items)
    return "\n".join(lines) + "\n"


def _more(total: int, shown: int) -> list[str]:
    return [f"- … and {total - shown} more in the report"] if total > shown else []


# --------------------------------------------------------------------------- HTML

_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tracker digest — {{ d.when.strftime('%Y-%m-%d') }}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
li { margin: .4rem 0; } q { color: #444; } .meta { color: #666; } .est { color: #a60; }
</style>
</head>
<body>
<h1>tracker digest — {{ d.when.strftime('%Y-%m-%d %H:%M') }} UTC</h1>
<p class="meta">{{ d.headline() }}</p>
{% if d.report %}<p class="meta">Report: {% if report_href %}<a href="{{ report_href }}">{{ d.report }}</a>{% else %}{{ d.report }}{% endif %}</p>{% endif %}
{% if not (d.features or d.copies) %}<p>Nothing new was matched in this run.</p>{% endif %}
{% if d.features %}
<h2>New features ({{ d.features|length }})</h2>
<ul>
{% for f in d.features[:max_items] %}
<li><strong>{{ f.name }}</strong> ({{ f.category }}) — first seen at {{ f.party }} on {{ f.date }}
{%- if f.estimated %} <span class="est">(date estimated)</span>{% endif %}:
<q>{{ clip(f.text) }}</q>{% if link(f.link) %} <a href="{{ link(f.link) }}" rel="noopener noreferrer">source</a>{% endif %}</li>
{% endfor %}
{% if d.features|length > max_items %}<li>… and {{ d.features|length - max_items }} more in the report</li>{% endif %}
</ul>
{% endif %}
{% if d.copies %}
<h2>Copies detected ({{ d.copies|length }})</h2>
<ul>
{% for c in d.copies[:max_items] %}
<li><strong>{{ c.name }}</strong>: {{ c.party }} followed {{ c.first_party }} after {{ lag(c) }} ({{ c.date }}
{%- if c.estimated %} <span class="est">date estimated</span>{% endif %}):
<q>{{ clip(c.text) }}</q>{% if link(c.link) %} <a href="{{ link(c.link) }}" rel="noopener noreferrer">source</a>{% endif %}</li>
{% endfor %}
{% if d.copies|length > max_items %}<li>… and {{ d.copies|length - max_items }} more in the report</li>{% endif %}
</ul>
{% endif %}
{% if d.failures %}
<h2>Failing sources ({{ d.failures|length }})</h2>
<ul>
{% for p in d.failures[:max_items] %}
<li>{{ p.name }} ({{ p.party }}, {% if p.new %}new in this run{% else %}since {{ p.since }}{% endif %}): {{ clip(redact(p.error), 300) }}</li>
{% endfor %}
</ul>
{% endif %}
</body>
</html>
"""

_ENV = Environment(autoescape=True, keep_trailing_newline=True)
_TEMPLATE = _ENV.from_string(_HTML)


def digest_html(digest: Digest, *, max_items: int = MAX_ITEMS, report_href: str = "") -> str:
    return _TEMPLATE.render(d=digest, max_items=max_items, clip=_clip, link=safe_link, lag=_lag,
                            report_href=report_href, redact=redact_urls)


@dataclass(frozen=True, slots=True)
class DigestFiles:
    markdown: Path
    html: Path


def write_digest(digest: Digest, folder: Path) -> DigestFiles:
    """Write digest.md and digest.html into `folder` (the report folder)."""
    # A relative, percent-encoded href: a local path can never become a javascript: link.
    report_href = quote(os.path.relpath(digest.report, folder), safe="/") if digest.report else ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        md, html = folder / "digest.md", folder / "digest.html"
        md.write_text(digest_markdown(digest), encoding="utf-8")
        html.write_text(digest_html(digest, report_href=report_href), encoding="utf-8")
    except OSError as error:
        raise ReportError(
            f"cannot write the digest to {folder}: {error.strerror}; check the folder is writable"
        ) from None
    return DigestFiles(md, html)
