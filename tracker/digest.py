"""The digest of a run: the verdict and what changed, the watchlist, new launches and fast copies.

A digest is short on purpose (a few kilobytes of Markdown on a typical day); the full lists
stay in the report. "New" is the report's definition (`report.history`): what the run's
match detected first. `build_digest` is pure; `digest_markdown` and `digest_html` render
it (scraped text escaped, only http(s) links); `digest_for_run` reads the catalog for the
daily job and keeps each run's headline figures (`run.headline`) for the next one to
compare with; `write_digest` puts `digest.md` and `digest.html` in the report folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tracker.catalog import runs
from tracker.config import Settings
from tracker.errors import ReportError
from tracker.evidence import evidence_url, is_web_url
from tracker.metrics import Presence, Timeline, summarize
from tracker.metrics.stats import Stats, compute_stats, headline_sentence
from tracker.model import NATIVE
from tracker.redact import redact_url
from tracker.report import fmt
from tracker.report.headtohead import copy_pairs
from tracker.report.history import WhatsNew, whats_new
from tracker.report.scope import Verdict, verdict
from tracker.report.site_map import ReportParams, SiteMap
from tracker.report.watchlist import Watch, watches

MAX_ITEMS = 5  # per list in digest.md / digest.html; the report has everything
MAX_WATCH = 3  # per watchlist line
QUOTE_CHARS = 90


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
    role: str = NATIVE  # the first mover's role: a `support` line is an integration, not a launch
    page: str = ""  # the line on its feature page in the report (relative), the stable record


@dataclass(frozen=True, slots=True)
class CopyNews:
    """A counted copy first detected in this run: `party` shipped what `first_party` shipped first."""

    key: str
    name: str
    party: str
    first_party: str
    lag_days: int
    estimated: bool
    date: dt.date
    text: str
    link: str
    page: str = ""  # the line on its feature page in the report (relative), the stable record


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
    features: tuple[FeatureNews, ...] = ()  # every new feature, newest first mover first
    copies: tuple[CopyNews, ...] = ()  # every new counted copy, newest first
    failures: tuple[SourceProblem, ...] = ()
    report: str = ""
    verdict: Verdict | None = None
    change: str = ""  # the headline figures against the previous run's
    watches: tuple[Watch, ...] = ()
    window: int = 90
    first_match: bool = False  # the catalog's first match: everything is new
    uncounted: int = 0  # new follower arrivals that are not counted copies (tracked too late, undated, ...)
    figures_json: str = ""  # this run's headline figures, for `run.headline`

    @property
    def worth_sending(self) -> bool:
        """Webhooks are told only about news: new features, copies, or a source that just broke."""
        return bool(self.features or self.copies or any(f.new for f in self.failures))

    @property
    def launches(self) -> tuple[FeatureNews, ...]:
        return tuple(f for f in self.features if f.role == NATIVE)

    @property
    def fast_copies(self) -> tuple[CopyNews, ...]:
        return tuple(c for c in self.copies if not c.estimated and c.lag_days <= self.window)

    def headline(self) -> str:
        return (
            f"{self.sources_ok} sources ok, {self.sources_failed} failed · {self.new_releases} new releases · "
            f"{self.new_entries} new entries · {fmt.count(len(self.features), 'new feature')} · "
            f"{fmt.count(len(self.copies), 'new copy', 'new copies')}"
        )

    def run_line(self) -> str:
        line = (f"This run: {fmt.count(self.new_releases, 'new release')}, {fmt.count(self.new_entries, 'new entry', 'new entries')}; "
                f"{fmt.count(len(self.features), 'new feature')}, {fmt.count(len(self.copies), 'new copy', 'new copies')}")
        if self.uncounted:
            line += (f" (and {fmt.count(self.uncounted, 'arrival')} not counted as a copy: no countable lag, "
                     "see the report)")
        return line + "."

    def attention(self) -> str:
        """The one line about failing sources; `tracker status` has the details."""
        if not self.failures:
            return ""
        new = sum(1 for f in self.failures if f.new)
        fresh = f", {new} new in this run" if new else ""
        return (f"Sources needing attention: {self.sources_failed} of {self.sources_ok + self.sources_failed} "
                f"failed{fresh}. Run tracker status for which and why.")


# --------------------------------------------------------------------------- headline figures and their change


def headline_figures(timelines: Sequence[Timeline], p: ReportParams, stats: Stats | None = None) -> dict[str, Any]:
    """The figures a run keeps in `run.headline`, to compare with the next run."""
    s = summarize(timelines, as_of=p.as_of, k=p.k, window=p.window)
    e = (stats or compute_stats(timelines, as_of=p.as_of, k=p.k)).first_copy
    return {"as_of": p.as_of.isoformat(), "features": s.features, "copied": s.copied, "pressure": s.pressure,
            "pressure_judged": s.pressure_judged, "median_lag": s.median_lag, "lags": s.follower_mentions,
            "first_copy_median": e.median_days, "first_copy_n": e.n, "still_exclusive": e.censored,
            "copied_within_window": e.share_within.get(p.window)}


def change_line(now: dict[str, Any], previous: dict[str, Any] | None, previous_when: str = "") -> str:
    """"Since the previous run (DATE): half copied within 228 days (was 230 days); pressure 7% (unchanged); ..."."""
    if previous is None:
        return "No earlier run recorded its figures, so there is nothing to compare with yet."

    def pct(v: Any) -> str:
        return fmt.pct(v) if isinstance(v, int | float) else "—"

    def days(v: Any) -> str:
        return fmt.days(v) if isinstance(v, int | float) else "—"

    parts = []
    for label, key, show in (("half of the leads copied within", "first_copy_median", days),
                             ("still exclusive", "still_exclusive", str), ("pressure", "pressure", pct),
                             ("features", "features", str)):
        if key not in now:
            continue
        a, b = show(now.get(key)), show(previous.get(key))
        parts.append(f"{label} {a} ({'unchanged' if a == b else f'was {b}'})")
    when = f" ({previous_when[:16]})" if previous_when else ""
    return f"Since the previous run{when}: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------- building


def _evidence(presence: Presence) -> tuple[str, str]:
    m = presence.first_mention
    return m.text, evidence_url(m.source_url, m.line, m.release_url)


def _page(site: SiteMap | None, key: str, presence: Presence) -> str:
    """The quoted line on the report's feature page (`feature/x.html#e12`), when the report has the feature."""
    href = site.feature(key) if site is not None else ""
    return f"{href}#e{presence.first_mention.entry_id}" if href else ""


def build_digest(
    timelines: Sequence[Timeline],
    new: WhatsNew,
    *,
    params: ReportParams,
    when: dt.datetime,
    previous: tuple[str, str] | None = None,
    watched: Sequence[Watch] = (),
    sources_ok: int = 0,
    sources_failed: int = 0,
    new_releases: int = 0,
    new_entries: int = 0,
    failures: Sequence[SourceProblem] = (),
    report: str = "",
    site: SiteMap | None = None,
) -> Digest:
    """What is new after a run (`new`, from `report.history.whats_new`), with the verdict and its change.

    `site`: the report's page map, to link each item to its line on the report's feature page.
    """
    features = []
    for t in new.features:
        text, link = _evidence(t.first)
        features.append(FeatureNews(t.key, t.feature.name, t.feature.category, t.first.party, t.first.first_seen,
                                    t.first.estimated, text, link, len(t.parties), t.first.role,
                                    _page(site, t.key, t.first)))
    copies = []
    for c in new.counted_copies:
        assert c.pair is not None
        text, link = _evidence(c.presence)
        copies.append(CopyNews(c.timeline.key, c.timeline.feature.name, c.presence.party, c.pair.leader,
                               c.pair.lag_days, c.presence.estimated, c.presence.first_seen, text, link,
                               _page(site, c.timeline.key, c.presence)))
    features.sort(key=lambda f: (f.estimated, -f.date.toordinal(), f.name.casefold(), f.key))
    copies.sort(key=lambda c: (-c.date.toordinal(), c.lag_days, c.name.casefold(), c.party.casefold()))
    stats = compute_stats(timelines, as_of=params.as_of, k=params.k) if timelines else None
    figures = headline_figures(timelines, params, stats) if timelines else {}
    before = None
    if previous is not None:
        try:
            loaded = json.loads(previous[1])
            before = loaded if isinstance(loaded, dict) else None
        except ValueError:
            before = None
    s = summarize(timelines, as_of=params.as_of, k=params.k, window=params.window)
    return Digest(
        when, sources_ok, sources_failed, new_releases, new_entries, tuple(features), tuple(copies), tuple(failures),
        report, verdict=_verdict(verdict(s, params), stats) if stats is not None else None,
        change=change_line(figures, before, previous[0] if previous else "") if timelines else "",
        watches=tuple(watched), window=params.window, first_match=new.first,
        uncounted=len(new.copies) - len(new.counted_copies),
        figures_json=json.dumps(figures, sort_keys=True) if timelines else "",
    )


def _verdict(level: Verdict, stats: Stats) -> Verdict:
    """The overview's verdict level, said with its honest sentence (Kaplan–Meier time to first copy)."""
    return Verdict(level.level, level.headline, headline_sentence(stats))


def digest_for_run(
    conn: sqlite3.Connection,
    settings: Settings,
    *,
    run_id: int,
    when: dt.datetime,
    matched: bool,
    home: Sequence[str] = (),
    sources_ok: int = 0,
    sources_failed: int = 0,
    new_releases: int = 0,
    new_entries: int = 0,
    failures: Sequence[SourceProblem] = (),
    report: str = "",
) -> Digest:
    """The daily job's digest, read from the catalog; its `figures_json` is for this run's `run.headline`."""
    from tracker.report.site import read_site_data  # the report's one reader of the catalog

    data = read_site_data(conn, today=when.date())
    timelines = data.timelines
    # as of the newest dated entry, like the report, so both judge the same window
    params = ReportParams(when, data.as_of or when.date(), settings.metrics.commodity_k, settings.metrics.window_days)
    pairs = list(copy_pairs(timelines))
    # A run whose match failed found nothing: the latest match is an earlier run's, already told.
    new = whats_new(timelines, data.matched_at if matched else None, pairs)
    site = SiteMap((t.key for t in timelines), {x.party for t in timelines for x in t.parties} | set(home),
                   {t.feature.category for t in timelines})
    return build_digest(
        timelines, new, params=params, when=when, previous=runs.previous_headline(conn, run_id),
        watched=watches(home, timelines, pairs, site, as_of=params.as_of, window=params.window),
        sources_ok=sources_ok, sources_failed=sources_failed, new_releases=new_releases, new_entries=new_entries,
        failures=failures, report=report, site=site,
    )


# --------------------------------------------------------------------------- Markdown

# CommonMark lets a backslash make any ASCII punctuation literal, so scraped text is escaped that
# way: no emphasis, links, headings, tables or raw HTML, and no HTML entities in the file either.
# Parentheses need no escape: with "[" escaped they can never close a link.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&])")


def md_escape(text: str) -> str:
    """Scraped text as literal Markdown: no links, emphasis or HTML can sneak in."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def safe_link(url: str) -> str:
    """An http(s) URL, credentials redacted, with the characters that end a Markdown or Slack link
    percent-encoded; else ''."""
    if not is_web_url(url):
        return ""
    return quote(redact_url(url), safe=":/?#[]@!$&'*+,;=%~-._")


def _clip(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _md_link(url: str) -> str:
    link = safe_link(url)
    return f" [source]({link})" if link else ""


def _more(total: int, shown: int, what: str = "in the report") -> list[str]:
    return [f"- … and {total - shown} more {what}"] if total > shown else []


def _inline(items: Sequence[str], total: int) -> str:
    text = "; ".join(items) if items else "none"
    return text + (f"; and {total - len(items)} more" if total > len(items) else "")


def _names(names: Sequence[str], shown: int = 2) -> str:
    return ", ".join(names[:shown]) + (f" +{len(names) - shown}" if len(names) > shown else "")


def _watch_md(w: Watch, window: int) -> list[str]:
    e = md_escape
    copied = [f"{e(c.name)} by {e(c.follower)} (+{c.lag_days} d)" for c in w.copied[:MAX_WATCH]]
    missing = [f"{e(m.name)} ({e(_names(m.launchers))}, {m.launched_on})" for m in w.missing[:MAX_WATCH]]
    exclusive = [f"{e(x.name)} ({'undated' if x.days is None else f'{x.days} d'})" for x in w.exclusive[:MAX_WATCH]]
    return [
        "", f"## {e(w.party)}: exposure over the last {window} days", "",
        f"- **Copied by rivals ({len(w.copied)}):** {_inline(copied, len(w.copied))}",
        f"- **Rivals' launches it lacks ({len(w.missing)}):** {_inline(missing, len(w.missing))}",
        f"- **Leads still exclusive ({len(w.exclusive)}):** {_inline(exclusive, len(w.exclusive))}",
    ]


def digest_markdown(digest: Digest, *, max_items: int = MAX_ITEMS) -> str:
    d = digest
    lines = [f"# tracker digest — {d.when:%Y-%m-%d}"]
    for w in d.watches:  # the home parties' exposure leads
        lines += _watch_md(w, d.window)
    lines.append("")
    if d.watches:
        lines += ["## The market", ""]
    if d.verdict:  # the verdict and change lines are the tracker's own words, not scraped text
        lines += [f"**{d.verdict.headline}.** {d.verdict.sentence}", ""]
    if d.change:
        lines += [d.change, ""]
    lines.append(d.run_line())
    if not (d.features or d.copies):
        lines += ["", "Nothing new was matched in this run."]
    if d.features:
        of = f" of {len(d.features)} new features" if len(d.launches) != len(d.features) else ""
        lines += ["", f"## New launches ({len(d.launches)}{of})", ""]
        if d.first_match:
            lines += ["The catalog's first match: every feature is new; the newest are listed.", ""]
        for f in d.launches[:max_items]:
            date = f"{f.date}{' (date estimated)' if f.estimated else ''}"
            lines.append(f"- **{md_escape(f.name)}** — {md_escape(f.party)}, {date}: "
                         f"“{md_escape(_clip(f.text))}”{_md_link(f.link)}")
        lines += _more(len(d.launches), max_items)
    if d.copies:
        lines += ["", f"## New copies within {d.window} days ({len(d.fast_copies)} of {len(d.copies)} new copies)", ""]
        for c in d.fast_copies[:max_items]:
            lines.append(f"- **{md_escape(c.name)}**: {md_escape(c.party)} +{c.lag_days} d after "
                         f"{md_escape(c.first_party)} ({c.date}): “{md_escape(_clip(c.text))}”{_md_link(c.link)}")
        if not d.fast_copies:
            lines.append(f"- None within {d.window} days.")
        lines += _more(len(d.fast_copies), max_items)
    if d.failures:
        lines += ["", d.attention().replace("tracker status", "`tracker status`")]
    if d.report:
        path = f"`{d.report}`" if "`" not in d.report else md_escape(d.report)  # a code span needs no escapes
        lines += ["", f"Full lists in the report: {path}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- HTML


def digest_html(digest: Digest, *, max_items: int = MAX_ITEMS, report_href: str = "") -> str:
    from tracker.report.render import environment  # the report's autoescaping Jinja environment

    return environment().get_template("digest.html").render(
        d=digest, max_items=max_items, max_watch=MAX_WATCH, clip=_clip, link=safe_link, report_href=report_href)


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
