"""The shipped taxonomy loads and is well-formed; broken taxonomy files fail with a useful ConfigError."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest


from tracker.errors import ConfigError
from tracker.match.taxonomy import Taxonomy, load_taxonomy, shipped_taxonomy_path

TAXONOMY = shipped_taxonomy_path()

GOOD = """
categories = ["llm-api", "observability"]

[[capability]]
key = "prompt-caching"
name = "Prompt caching"
category = "llm-api"
definition = "The provider reuses a processed prompt prefix."
aliases = ["prompt caching"]
near_miss_of = ["cache-token-tracking"]

[[capability]]
key = "cache-token-tracking"
name = "Cache-token tracking"
category = "observability"
definition = "Observability tools record cache token counts."
patterns = ['cach\\w* read tokens?']
"""


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(TAXONOMY)


def test_shipped_taxonomy_is_broad(taxonomy: Taxonomy) -> None:
    assert len(taxonomy.capabilities) >= 150
    assert len(taxonomy.categories) >= 10
    assert {c.category for c in taxonomy.capabilities} <= set(taxonomy.categories)


def test_every_capability_is_defined_and_findable(taxonomy: Taxonomy) -> None:
    for cap in taxonomy.capabilities:
        assert cap.name and cap.definition.endswith("."), cap.key
        assert cap.aliases or cap.patterns, cap.key


def test_every_pattern_compiles_and_is_blocked(taxonomy: Taxonomy) -> None:
    # Loading compiled every rule; an unanchored pattern would run on every entry.
    assert all(rule.regex is not None or rule.stems for rule in taxonomy.rules)
    assert taxonomy.unanchored == ()


@pytest.mark.parametrize(("pattern", "matches", "misses"), [
    # every word a pattern needs is checked before its regex runs: one missing word and it is never tried
    (r"(?:prompt|context) cach\w* (?:for|on) (?:bedrock|vertex)", "context caching for vertex ai",
     "context caching for claude"),
    (r"batch(?:es)? (?:inference|predictions?)(?: jobs?)?", "new batch inference jobs", "batch size limit"),
    (r"guardrails? (?:for )?(?:tool calls?|agents?)", "guardrails for agents", "guardrail tests"),
])
def test_pattern_requirements_are_exactly_what_a_match_needs(pattern: str, matches: str, misses: str) -> None:
    import re

    from tracker.match.blocking import pattern_requirements
    from tracker.match.text import block_key

    required = pattern_requirements(pattern)
    assert len(required) >= 2  # more than the one set the index already uses
    for text, should in ((matches, True), (misses, False)):
        keys = {block_key(w) for w in text.split()}
        assert bool(re.search(r"\b(?:" + pattern + ")", text)) is should
        assert all(not keys.isdisjoint(needed) for needed in required) is should, (text, required)


def test_near_misses_are_symmetric_and_known(taxonomy: Taxonomy) -> None:
    pos = taxonomy.position
    for a, b in [
        ("prompt-caching", "cache-token-tracking"),
        ("prompt-caching", "semantic-cache"),
        ("batch-inference-api", "hosted-evaluation-jobs"),
        ("llm-as-judge", "online-evaluation"),
        ("annotation-queues", "human-feedback-scores"),
    ]:
        assert (pos[a], pos[b]) in taxonomy.near_miss
        assert (pos[b], pos[a]) in taxonomy.near_miss


def test_digest_changes_with_content(tmp_path: pathlib.Path) -> None:
    first = tmp_path / "a.toml"
    first.write_text(GOOD)
    second = tmp_path / "b.toml"
    second.write_text(GOOD.replace('aliases = ["prompt caching"]', 'aliases = ["prompt caching", "context caching"]'))
    assert load_taxonomy(first).digest != load_taxonomy(second).digest
    assert load_taxonomy(first).digest == load_taxonomy(first).digest


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (("patterns = ['cach\\w* read tokens?']", "patterns = ['cach(read']"), "cache-token-tracking"),
        (('near_miss_of = ["cache-token-tracking"]', 'near_miss_of = ["no-such-thing"]'), "no-such-thing"),
        (('definition = "The provider reuses a processed prompt prefix."\n', ""), "prompt-caching"),
        (('category = "observability"', 'category = "nowhere"'), "cache-token-tracking"),
        (("patterns = ['cach\\w* read tokens?']", "patterns = ['Cache-Read']"), "cache-token-tracking"),
        (('key = "cache-token-tracking"', 'key = "prompt-caching"'), "prompt-caching"),
        (('aliases = ["prompt caching"]', 'aliases = ["prompt caching"]\ncolour = "red"'), "colour"),
        (('aliases = ["prompt caching"]', 'aliases = ["prompt caching"]\nscoped_aliases = ["caching"]'),
         "alias_scope"),
    ],
)
def test_broken_taxonomy_names_the_key(tmp_path: pathlib.Path, change: tuple[str, str], needle: str) -> None:
    old, new = change
    assert old in GOOD
    path = tmp_path / "taxonomy.toml"
    path.write_text(GOOD.replace(old, new))
    with pytest.raises(ConfigError) as err:
        load_taxonomy(path)
    message = str(err.value)
    assert str(path) in message and needle in message


def test_a_scoped_alias_counts_only_at_parties_of_its_categories(tmp_path: pathlib.Path) -> None:
    from tracker.match.matcher import MatchSettings, match
    from tracker.model import Mention

    path = tmp_path / "taxonomy.toml"
    path.write_text(GOOD.replace('aliases = ["prompt caching"]',
                                 'aliases = ["prompt caching"]\nscoped_aliases = ["caching"]\nalias_scope = ["llm-api"]'))
    taxonomy = load_taxonomy(path)

    def linked(category: str) -> list[str]:
        mention = Mention(entry_id=1, party="Acme", party_kind="startup", category=category,
                          source_url="https://example.com/CHANGELOG.md", line=3, version="1.0",
                          date=dt.date(2025, 1, 2), date_estimated=False, kind="feature", section="Added",
                          text="Add caching", context="", scope="", raw="- Add caching")
        return [link.feature_key for link in match([mention], taxonomy, settings=MatchSettings(discover=False)).links]

    assert linked("llm-api") == ["prompt-caching"]  # a model provider's "caching" is its prompt caching
    assert linked("gateway") == []  # a gateway's "caching" may be response caching


def test_unreadable_taxonomy_files(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_taxonomy(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[capability]\nkey = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_taxonomy(bad)


@pytest.mark.parametrize("written", ["LangChain", "Langchain", "langchain", "Lang Chain", "lang-chain"])
def test_a_target_name_matches_however_a_party_spaces_or_capitalises_it(taxonomy: Taxonomy, written: str) -> None:
    """One name, one rule: every spelling is found, and every hit carries the same alias (so a held-out
    party writing "Langchain" is not scored against a rule only "LangChain" writers support)."""
    from tracker.match.targets import find_targets
    from tracker.match.text import read

    targets = taxonomy.targets
    hits = find_targets(read(f"Add {written} tracing integration"), targets)
    assert [targets.targets[h.target].key for h in hits] == ["langchain"]
    assert hits[0].alias == "lang chain"


def test_a_name_listed_only_in_camel_case_matches_written_as_one_word(tmp_path: pathlib.Path) -> None:
    from tracker.match.targets import find_targets
    from tracker.match.text import read

    path = tmp_path / "taxonomy.toml"
    path.write_text(GOOD + '\n[[target]]\nkey = "hf"\nname = "Hugging Face"\nkind = "provider"\n'
                    'aliases = ["HuggingFace"]\n', encoding="utf-8")
    targets = load_taxonomy(path).targets
    for written in ("HuggingFace", "Huggingface", "huggingface"):
        hits = find_targets(read(f"Add {written} models"), targets)
        assert [(targets.targets[h.target].key, h.alias) for h in hits] == [("hf", "hugging face")], written


_TARGET = """
[[target]]
key = "acme-sdk"
name = "Acme SDK"
kind = "framework"
aliases = ["acme sdk"]
exclude = ['{pattern}']
"""


@pytest.mark.parametrize("pattern", [r"(?:\w+ )+cached", r"(?:cach\w*)*", r"(?:read|reads?)+ tokens"])
@pytest.mark.parametrize("where", ["patterns", "exclude", "target"])
def test_a_pattern_that_can_backtrack_without_end_is_refused(tmp_path: pathlib.Path, pattern: str, where: str) -> None:
    # a repetition inside an unbounded repetition (or of alternatives) takes exponential time on a long line
    # that almost matches: a shared taxonomy file must not be able to stall every match
    text = {
        "patterns": GOOD.replace("patterns = ['cach\\w* read tokens?']", f"patterns = ['{pattern}']"),
        "exclude": GOOD + f"exclude = ['{pattern}']\n",
        "target": GOOD + _TARGET.format(pattern=pattern),
    }[where]
    path = tmp_path / "taxonomy.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="exponential time") as err:
        load_taxonomy(path)
    message = str(err.value)
    assert repr(pattern) in message and str(path) in message
    assert ("target 'acme-sdk'" if where == "target" else "capability 'cache-token-tracking'") in message


def test_a_bounded_repetition_does_the_same_job(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "taxonomy.toml"
    path.write_text(GOOD.replace("patterns = ['cach\\w* read tokens?']", "patterns = ['(?:\\w+ ){0,3}cached tokens']"))
    taxonomy = load_taxonomy(path)
    rule = next(r for r in taxonomy.rules if r.regex is not None)
    assert rule.regex.search("count the prompt cached tokens")
