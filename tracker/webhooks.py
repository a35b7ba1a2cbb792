"""Send the digest to Slack-compatible webhooks: retried with backoff, never failing the run.

The payload is `{"text": <mrkdwn>, "blocks": [...]}`; scraped text is escaped as Slack
asks (`&`, `<`, `>`), links are `<url|label>` with http(s) URLs only, credentials in
them redacted. A webhook URL is a secret (Slack puts the token in it), so logs and
messages name a hook by its `name` or host, never by its URL. Each attempt has one
wall-clock deadline (`DeadlineTransport`), and a hook at a link-local or cloud
metadata address is never posted to.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from tracker.config import WebhookConfig
from tracker.digest import CopyNews, Digest, FeatureNews, SourceProblem, safe_link
from tracker.fetch.addresses import lookup_now, resolve_now
from tracker.fetch.deadline import DeadlineTransport
from tracker.redact import redact_urls

log = logging.getLogger("tracker.webhooks")

MAX_ITEMS = 15  # per section: a chat message is a teaser, the report has everything
SECTION_CHARS = 2900  # Slack refuses section text over 3000 characters
TEXT_CHARS = 39000  # and truncates `text` at 40000
RETRY_AFTER_MAX = 30.0


@dataclass(frozen=True, slots=True)
class WebhookPolicy:
    attempts: int = 3
    backoff: float = 1.0  # seconds before the second attempt, doubled each time
    timeout: float = 10.0  # one wall-clock deadline per attempt: connect, send, answer
    allow_link_local: bool = False  # [fetch] allow_link_local: post to 169.254.x and other metadata addresses


@dataclass(frozen=True, slots=True)
class Delivery:
    hook: str  # the hook's name or host
    ok: bool
    status: int  # the last HTTP status, 0 when no answer came
    attempts: int
    error: str = ""


# --------------------------------------------------------------------------- payload


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(url: str, label: str) -> str:
    """`<url|label>`, or the bare escaped label when the URL is not http(s)."""
    link = safe_link(url).replace("|", "%7C")  # safe_link redacts credentials
    return f"<{link}|{slack_escape(label).replace('|', '¦')}>" if link else slack_escape(label)


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date(day: Any, estimated: bool) -> str:
    return f"{day}{' (est.)' if estimated else ''}"


def _feature_line(f: FeatureNews) -> str:
    return (f"• *{slack_escape(f.name)}* — first seen at {slack_escape(f.party)} on {_date(f.date, f.estimated)}: "
            f"{slack_link(f.link, _clip(f.text))}")


def _copy_line(c: CopyNews) -> str:
    lag = f"{c.lag_days} day{'s' if c.lag_days != 1 else ''}{' (est.)' if c.estimated else ''}"
    return (f"• *{slack_escape(c.name)}*: {slack_escape(c.party)} followed {slack_escape(c.first_party)} "
            f"after {lag}: {slack_link(c.link, _clip(c.text))}")


def _failure_line(p: SourceProblem) -> str:
    since = "new" if p.new else f"since {p.since}"
    error = slack_escape(_clip(redact_urls(p.error), 200))
    return f"• {slack_escape(p.name)} ({slack_escape(p.party)}, {since}): {error}"


def _section(title: str, lines: list[str], total: int) -> list[str]:
    if total > len(lines):
        lines = [*lines, f"… and {total - len(lines)} more in the report"]
    return [f"*{title} ({total})*", *lines]


def _chunks(lines: list[str], limit: int = SECTION_CHARS) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def slack_payload(digest: Digest, *, max_items: int = MAX_ITEMS) -> dict[str, Any]:
    """The digest as a Slack message: `text` (mrkdwn) for notifications, `blocks` for display."""
    title = f"tracker digest — {digest.when:%Y-%m-%d}"
    parts: list[list[str]] = [[slack_escape(digest.headline())]]
    if digest.features:
        parts.append(_section("New features", [_feature_line(f) for f in digest.features[:max_items]],
                              len(digest.features)))
    if digest.copies:
        parts.append(_section("Copies detected", [_copy_line(c) for c in digest.copies[:max_items]],
                              len(digest.copies)))
    if digest.failures:
        parts.append(_section("Failing sources", [_failure_line(p) for p in digest.failures[:max_items]],
                              len(digest.failures)))
    if digest.report:
        parts.append([f"Report: {slack_escape(digest.report)}"])
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    for part in parts:
        blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in _chunks(part)]
    text = "\n\n".join([f"*{slack_escape(title)}*", *("\n".join(p) for p in parts)])
    return {"text": text[:TEXT_CHARS], "blocks": blocks[:50]}


# --------------------------------------------------------------------------- delivery


def hook_label(hook: WebhookConfig) -> str:
    return hook.name or urlsplit(hook.url).hostname or "webhook"


def _retry_delay(response: httpx.Response | None, attempt: int, policy: WebhookPolicy) -> float:
    if response is not None and (value := response.headers.get("retry-after", "")).strip().isdigit():
        return min(float(value), RETRY_AFTER_MAX)
    return policy.backoff * 2.0 ** (attempt - 1)


def hook_refusal(
    hook: WebhookConfig, *, allow_link_local: bool, resolve: Callable[[str], list[str]] = resolve_now
) -> str:
    """Why `hook` must not be posted to ("" when it may): its host is or resolves to a metadata address."""
    try:
        found = lookup_now(urlsplit(hook.url).hostname or "", resolve)
    except ValueError:
        return "its host is no valid address; fix the webhook url in config.toml"
    address = found.link_local()
    if address is None or allow_link_local:
        return ""
    return (f"its address {address} is link-local or cloud metadata; refused "
            "(set allow_link_local = true in [fetch] only if the hook really lives there)")


def deliver(
    client: httpx.Client,
    hook: WebhookConfig,
    payload: dict[str, Any],
    *,
    policy: WebhookPolicy = WebhookPolicy(),
    sleep: Callable[[float], None] = time.sleep,
    resolve: Callable[[str], list[str]] = resolve_now,
) -> Delivery:
    """POST `payload` to one hook; retry timeouts, 429 and 5xx; never raise."""
    label = hook_label(hook)
    refusal = hook_refusal(hook, allow_link_local=policy.allow_link_local, resolve=resolve)
    if refusal:
        log.error("webhook %s: not posted: %s", label, refusal)
        return Delivery(label, False, 0, 0, refusal)
    status, error = 0, ""
    for attempt in range(1, policy.attempts + 1):
        response: httpx.Response | None = None
        try:
            response = client.post(hook.url, json=payload, timeout=policy.timeout)
            status = response.status_code
            if response.is_success:
                return Delivery(label, True, status, attempt)
            error = f"HTTP {status}"
            retry = status == 429 or status >= 500
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            error, retry = f"{type(exc).__name__}: {redact_urls(str(exc))}" if str(exc) else type(exc).__name__, True
        if not retry or attempt == policy.attempts:
            break
        delay = _retry_delay(response, attempt, policy)
        log.warning("webhook %s: attempt %d failed (%s); retrying in %.1f s", label, attempt, error, delay)
        sleep(delay)
    log.error("webhook %s: not delivered after %d attempt%s (%s); the run's results are saved",
              label, attempt, "" if attempt == 1 else "s", error)
    return Delivery(label, False, status, attempt, error)


def post_webhooks(
    hooks: Sequence[WebhookConfig],
    payload: dict[str, Any],
    *,
    client: httpx.Client | None = None,
    policy: WebhookPolicy = WebhookPolicy(),
    sleep: Callable[[float], None] = time.sleep,
    resolve: Callable[[str], list[str]] = resolve_now,
) -> list[Delivery]:
    """Deliver `payload` to every hook, one after the other; failures are returned, never raised."""
    if not hooks:
        return []
    own = client is None
    # The deadline transport honours proxies from the environment itself; the outer client must not.
    http = client or httpx.Client(transport=DeadlineTransport(), trust_env=False, follow_redirects=False,
                                  headers={"user-agent": "tracker-webhook"})
    try:
        return [deliver(http, hook, payload, policy=policy, sleep=sleep, resolve=resolve) for hook in hooks]
    finally:
        if own:
            http.close()
