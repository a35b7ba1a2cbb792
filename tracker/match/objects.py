"""Is a named target what a line launches, or a word that modifies something else?

"Add LangChain integration", "langchain instrumentation", "tracing support for the OpenAI
Responses endpoint", "bedrock support" launch an integration with the target. In "Add OpenAI
rate limiting to the evaluation client", "Anthropic cost tracking" or "Add Azure AD
authentication for the OpenAI client" the target only says which provider something else is
for: the line launches rate limiting, cost tracking or authentication, not an integration.

Within its clause, a target is the launch object when every word before it is a launch verb,
a filler, an integration word or a preposition after one ("support for the"), and the word
after it is an integration word, a product-type noun ("python SDK", "LLMs") or ends the
clause. Spans of capabilities the integration absorbs are skipped over.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.match.text import Reading

_CLAUSE_MARKS = frozenset(",;:()[]{}+&|")
_LAUNCH = frozenset(
    """add adds added adding introduce introduces introduced introducing support supports supported supporting
    new initial basic experimental native official first party launch launches launched release released
    releases enable enables enabled implement implements implemented integrate integrates integrated
    expose exposes exposed announcing announce now available full built in builtin auto automatic
    automatically allow allows this we our the a an also one line drop in replacement setup set up easy
    create creates created
    and or""".split()
)
_INTEGRATION = frozenset(
    """integration integrations instrumentation instrumentations instrumentor instrumentors instrument
    instruments instrumented tracing trace traces tracer tracers autolog autologging autologger observability
    monitoring callback callbacks handler handlers provider providers plugin plugins connector connectors
    exporter exporters logger loggers wrapper wrappers adapter adapters flavor flavour extension logging span
    spans""".split()
)
_PREPOSITIONS = frozenset("for of with to via through using into on in from".split())
# A verb ends the look back: what comes before it is the subject ("Phoenix now supports tracing for X").
_VERBS = frozenset(
    """adds added introduces introduced supports supported now launches launched releases released enables
    enabled implements implemented integrates integrated exposes exposed brings ships offers provides
    provided add introduce support launch release enable implement integrate expose ship offer provide""".split()
)
# Nouns naming the kind of thing integrated: "Anthropic python SDK", "Ollama LLMs", "Groq models".
_PRODUCT = frozenset(
    """sdk sdks api apis client clients library libraries package packages python typescript js javascript
    node go java llm llms model models chat embedding embeddings completions based hosted v1 v2 version
    versions support agent agents app apps runtime runs calls requests framework endpoint endpoints pipelines
    driver drivers""".split()
)
# Words between a target and its integration word: "llamaindex auto instrumentation".
_ADJECTIVES = frozenset("auto automatic native official experimental basic full new initial first class".split())
_FILLERS = frozenset("a an the for".split())  # words a label dash may be followed by around its launch words
_STOP_AFTER = frozenset(
    """is are was were has have had can could will would should now and or but with in on at by that which
    who when where as to into from via so it its s""".split()
)


def is_object(
    reading: Reading, start: int, end: int, skip: Iterable[tuple[int, int]] = (), others: Iterable[int] = (),
    own: frozenset[str] = frozenset(),
) -> bool:
    """Whether the target at words [start, end) is the object the line launches; `skip` are word spans
    that do not count (capabilities the integration absorbs, other targets); `others` are where other targets
    start; `own` are the words of the party's own name ("Instrument Feast using OpenTelemetry")."""
    spans = [(s, e) for s, e in skip if s >= 0]
    words, gaps = reading.words, reading.gaps
    if _by_means(reading, start, end):
        return True
    i = start - 1
    while i >= 0 and not _breaks(gaps[i + 1]):
        w = words[i]
        if w in _VERBS:
            break
        if not (_inside(i, spans) or w in _LAUNCH or w in _INTEGRATION or w in _PREPOSITIONS or w in own):
            return False
        i -= 1
    if _example(reading, start, {o for o in others if o != start}):
        return False
    j = end
    while j < len(words) and (_inside(j, spans) or (words[j] in _ADJECTIVES and not _breaks(gaps[j]))):
        j += 1
    if j >= len(words) or _breaks(gaps[j]):
        return True
    return words[j] in _INTEGRATION or words[j] in _PRODUCT or words[j] in _STOP_AFTER


def integration_object_ends(reading: Reading, start: int, end: int) -> bool:
    """After the integration target at words [start, end), does the line go on about the integration itself?

    False when a further thing of the target follows ("Instrument LlamaIndex streaming responses",
    "instrumentation for openai synchronous streaming": an extension of an integration already there) or,
    after a label dash or colon, a change that launches nothing ("Bedrock - cache IAM role credentials").
    """
    words, gaps = reading.words, reading.gaps
    j = end
    while j < len(words) and words[j] in _ADJECTIVES and not _breaks(gaps[j]):
        j += 1
    if j >= len(words):
        return True
    if " - " in gaps[j] or ":" in gaps[j] or "\u2013" in gaps[j] or "\u2014" in gaps[j]:
        # after a label dash, only a line about the integration itself launches it ("Bedrock - add support");
        # "Bedrock - support `us.deepseek.r1` model name" adds a further thing to it
        return all(w in _LAUNCH or w in _INTEGRATION or w in _PRODUCT or w in _STOP_AFTER or w.isdigit()
                   or w in _FILLERS for w in words[j:])
    if _breaks(gaps[j]):
        return True
    return words[j] in _INTEGRATION or words[j] in _PRODUCT or words[j] in _STOP_AFTER or words[j] in _BACKEND


# What a store or metrics backend is integrated as: "Cassandra online store", "Custom Prometheus metrics".
_BACKEND = frozenset("online offline store stores registry source sources backend backends metrics exporter".split())


def _by_means(reading: Reading, start: int, end: int) -> bool:
    """"... with the new OpenTelemetry exporter": a new integration named as the means of the launch."""
    words = reading.words
    if end >= len(words) or words[end] not in _INTEGRATION:
        return False
    i, fresh = start - 1, False
    while i >= 0 and words[i] in ("the", "a", "an", "new", "built", "in", "native", "official"):
        fresh = fresh or words[i] in ("new", "built", "native", "official")
        i -= 1
    return fresh and i >= 0 and words[i] == "with"


def _example(reading: Reading, start: int, others: set[int]) -> bool:
    """A target in a parenthesised list of several is an example: "libraries (OpenAI, Anthropic, LangChain, etc.)"."""
    gaps = reading.gaps
    opened = next((k for k in range(start, -1, -1) if "(" in gaps[k] or ")" in gaps[k]), None)
    if opened is None or ")" in gaps[opened] or opened == 0:
        return False
    closing = next((k for k in range(start + 1, len(gaps)) if ")" in gaps[k] or "(" in gaps[k]), len(gaps))
    return any(opened <= o < closing for o in others)


def _breaks(gap: str) -> bool:
    return any(c in _CLAUSE_MARKS for c in gap) or " - " in gap or ". " in gap


def _inside(i: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= i < e for s, e in spans)
