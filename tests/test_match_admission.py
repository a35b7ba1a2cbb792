"""Which lines can announce a launch: the admission rules, on lines written for these tests."""

from __future__ import annotations

import pytest

from tracker.match.admission import LAUNCH, RETIREMENT, announcement


@pytest.mark.parametrize(
    ("kind", "text", "scope", "expected"),
    [
        ("feature", "add prompt caching to the messages API", "api", LAUNCH),
        ("other", "Added `jobs.cancel` method for cancelling batch runs.", "", LAUNCH),
        ("fix", "fix a crash when structured outputs are empty", "", None),
        ("fix", "add support for webhooks", "", LAUNCH),  # a launch filed under fixes still counts
        ("fix", "add missing webhook signature header", "", None),  # ... but not a repair
        ("docs", "add a guide to prompt caching", "", None),
        ("deps", "bump the batch client to 2.0", "", None),
        ("chore", "add internal helpers for tool calling", "internal", None),
        ("feature", "add hero image for the red teaming blog post", "site", None),
        ("feature", "No major prompt management changes in this release.", "", None),
        ("feature", "We are working on annotation queues, coming soon", "", None),
        ("breaking", "Removed the legacy completions endpoint", "", RETIREMENT),
        ("feature", "The async interface has been deprecated from Sandbox.from_id", "", RETIREMENT),
        ("breaking", "Web functions are now required to take no arguments", "", None),
        ("fix", "Anthropic integration", "New integration", LAUNCH),  # the label says what the line is
        ("fix", "Anthropic integration", "", None),
    ],
)
def test_admission(kind: str, text: str, scope: str, expected: str | None) -> None:
    assert announcement(kind, text, scope) == expected
