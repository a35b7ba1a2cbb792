"""Discover capabilities the taxonomy does not know: key phrases that several parties share.

Every announcing entry contributes its candidate phrases: runs of two or three adjacent
content words of prose (no stopwords, generic changelog words, vendor or target names, numbers,
code identifiers such as `audio_timestamp`, and not opening with a verb form). At the end
of a run a phrase becomes a discovered feature when, after light stemming,

* at least `min_parties` different parties announce it, the first `min_parties` of them within
  `window_days` of one another (a new noun phrase picked up by rivals, not a word that turns
  up years apart),
* the taxonomy does not already cover it (no capability matches the phrase itself, and no
  single capability holds most of its entries),
* it is not too common (below `max_entry_share` of all admitted entries).

Phrases with largely the same entries (or one inside the other) are merged; the phrase used
by the most parties names the feature and gives its stable key. Everything is computed from
the set of records with deterministic tie-breaks, so batch order cannot change the result.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tracker.match.announces import PART_NOUNS
from tracker.match.linker import find_hits
from tracker.match.state import EntryRecord
from tracker.match.taxonomy import Taxonomy
from tracker.match.text import read, stem, words

MAX_WORDS = 40  # phrases come from the head of a line, where the capability is named
KEY_PREFIX = 6  # letters of a word that identify it when phrases are compared
MIN_ENTRY_LIMIT = 25  # small catalogs: a phrase in this many entries is never "too common"

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either else etc even ever every few for
    from further had has have having he her here hers how i if in into is it its itself just let like may me
    might more most much must my no nor not now of off on once only or other our ours out over own per same
    she should so some such than that the their them then there these they this those through thus to too
    under until up upon us very via was we were what when where whether which while who whom why will with
    within without would yet you your yours e g eg ie vs""".split()
)
# Words every changelog uses for every capability: they name no capability on their own.
GENERIC = frozenset(
    """add adds added adding new support supports supported supporting fix fixes fixed fixing bug bugs issue
    issues update updates updated updating improve improves improved improvement improvements enhance enhanced
    enhancement enhancements allow allows allowed enable enables enabled enabling disable disabled introduce
    introduces introduced introducing implement implements implemented implementation release releases released
    remove removes removed removing deprecate deprecated deprecation change changes changed changing make makes
    made use uses used using ability able option options optional parameter parameters param params argument
    arguments arg args field fields property properties attribute attributes method methods function functions
    class classes type types value values default defaults object objects instance instances list lists
    api apis sdk sdks client clients server library package packages module modules version versions model models
    error errors exception exceptions warning warnings message messages log logs logging docs doc documentation
    example examples test tests testing readme guide guides tutorial tutorials notebook notebooks cookbook
    request requests response responses call calls config configs configuration configurations setting settings
    user users team teams project projects page pages button buttons view views ui ux tab tabs modal screen
    feature features functionality behavior behaviour behaviors handling handle handles case cases
    better more less faster slower easier simple simpler additional extra various several multiple many
    data file files name names id ids key keys path paths url urls string strings text number numbers
    python typescript javascript node js ts java go golang rust cli command commands flag flags env
    environment variable variables available availability general generally preview beta alpha experimental
    public private internal initial basic first latest old legacy existing custom native full proper properly
    correct correctly automatically automatic now also well way ways thing things time times date dates
    across within including include includes included able unable level levels based related specific
    able get gets set sets create creates created creating delete deletes deleted list listing read write
    run runs running result results output outputs input inputs check checks start stop new newly whole
    minor major small large patch patches note notes see section changelog refer details detail
    integration integrations provider providers service services endpoint endpoints resource resources
    backward backwards compatibility compatible size sizes blog post posts snippet snippets column columns
    selection getting started lazy load loading concurrent concurrency max min maximum minimum progress bar
    third party parties click completion completions chat generate generates generated generation
    content metric metrics helper helpers definition definitions execution system aspect ratio context
    token tokens tool tools step steps table tables format formats schema schemas payload payloads
    mode modes status state states event events header headers timeout timeouts limit limits retry
    query queries filter filters sort sorting search page pagination row rows cell cells icon icons
    link links tooltip tooltips dialog menu sidebar layout theme color colors width height display
    improved improve simplified cleaner clearer easier faster robust reliable reliability performance
    span spans trace traces tracing run runs job jobs task tasks workflow workflows pipeline pipelines
    enum enums literal literals flag flags entry point points reason reasons finish""".split()
)
_HAS_DIGIT = re.compile(r"\d")
# `code`, snake_case, dotted.names and paths: identifiers, not the words a capability is named with
# (an identifier is tried only where a token starts: the same matches, without rescanning every token)
_IDENTIFIER = re.compile(r"`[^`]*`|(?<![^\s`])\S*[A-Za-z0-9][_./][A-Za-z0-9]\S*")
# A phrase opening with a verb form or an adverb describes an action, not a thing that is launched.
_VERBAL = re.compile(r"^(?:\w+(?:ing|ly)|avoid|follow|save|pass|access|allow|enable|make|use|get|set|send|let)$")
SHORT_HEADING = 6  # a line this short is a title: all of it names the launch
_CUES = frozenset(
    "add adds added adding introduce introduces introduced introducing launch launches launched launching "
    "new support supports supported release releases released implement implements implemented enable "
    "enables enabled announcing announce".split()
)
_SKIP = frozenset("a an the for of to our your new support supports initial basic experimental beta preview".split())
_CONTAINER = frozenset("to into in on within".split())  # right after a launch cue: where a code object goes


@dataclass(frozen=True, slots=True)
class Discovered:
    key: str
    name: str
    phrase: str  # canonical surface phrase
    phrases: tuple[str, ...]  # stem keys of all merged phrases
    parties: tuple[str, ...]
    category: str
    entry_ids: tuple[int, ...]


def candidate_phrases(text: str | Sequence[str], ignore_words: frozenset[str]) -> tuple[str, ...]:
    """Two- and three-word phrases naming what a line launches, sorted and unique.

    Only the launch object is read: the words after the first launch cue ("add X",
    "introducing X", "support for X", "new X"), the words before "support" ("X support"),
    or the whole line when it is a short heading. Prose around it is ignored, and so are
    code identifiers (a field name is an API detail, not a capability's name). A phrase ends
    where the object's content words end, at its head noun: "multi-turn" in "multi-turn
    jailbreak", "multi-turn conversation" and "multi-turn input" qualifies three different
    things and names none of them.
    """
    found: set[str] = set()
    ws = words(_IDENTIFIER.sub(" ", text)) if isinstance(text, str) else list(text)
    for run in _launch_objects(ws[:MAX_WORDS], ignore_words):
        for n in (2, 3):  # a phrase ends where its run ends: English puts the head noun last
            if len(run) >= n:
                found.add(" ".join(run[-n:]))
    return tuple(sorted(found))


def _launch_objects(ws: list[str], ignore_words: frozenset[str]) -> list[list[str]]:
    def content(w: str) -> bool:
        return len(w) >= 3 and not _HAS_DIGIT.search(w) and w not in STOPWORDS and w not in GENERIC \
            and w not in ignore_words

    def run_from(i: int) -> list[str]:
        if i < len(ws) and ws[i] in _CONTAINER:
            return []  # "add `TOO_MANY_TOOL_CALLS` to FinishReason": the object was code; what follows holds it
        while i < len(ws) and ws[i] in _SKIP:
            i += 1
        run: list[str] = []
        while i < len(ws) and content(ws[i]) and len(run) < 4:
            run.append(ws[i])
            i += 1
        if i < len(ws) and stem(ws[i]) in PART_NOUNS:
            return []  # "add WebSocket stream IDs": the object is a part of the thing the run names
        return run

    runs: list[list[str]] = []
    if len(ws) <= SHORT_HEADING:
        runs.append(run_from(0))
    for i, w in enumerate(ws):
        if w in _CUES:
            runs.append(run_from(i + 1))
            break
    for i, w in enumerate(ws):
        if w in ("support", "integration") and i:
            j = i
            while j > 0 and content(ws[j - 1]) and i - j < 3:
                j -= 1
            runs.append(ws[j:i])
            break
    return [r for r in runs if len(r) >= 2]


def phrase_key(surface: str) -> str:
    """Words cut to their first letters: "prompt optimizer" and "prompt optimization" meet."""
    return " ".join(stem(w)[:KEY_PREFIX] for w in surface.split())


def discover(
    records: Mapping[int, EntryRecord],
    links: Mapping[int, Iterable[str]],
    taxonomy: Taxonomy,
    *,
    min_parties: int,
    max_entry_share: float,
    coverage: float,
    merge_overlap: float,
    window_days: int | None = None,
) -> list[Discovered]:
    """Discovered features of the whole record set; `links` maps entry ids to taxonomy keys."""
    postings: defaultdict[str, set[int]] = defaultdict(set)
    surfaces: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for eid, rec in records.items():
        for surface in rec.phrases:
            key = phrase_key(surface)
            postings[key].add(eid)
            surfaces[key][surface] += 1
    limit = max(MIN_ENTRY_LIMIT, int(max_entry_share * len(records)))
    candidates: list[_Candidate] = []
    for key, eids in postings.items():
        if not min_parties <= len(eids) <= limit:
            continue
        parties = tuple(sorted({records[e].party for e in eids}))
        if len(parties) < min_parties or _VERBAL.match(key.split()[0]):
            continue
        if window_days is not None and not _close_enough(eids, records, min_parties, window_days):
            continue
        if _covered(eids, links, taxonomy, coverage, surfaces[key]):
            continue
        candidates.append((key, frozenset(eids), parties))
    # the phrase of the most parties and entries names the feature; of equals, the fullest ("shadow traffic
    # mirroring", not "traffic mirroring")
    candidates.sort(key=lambda c: (-len(c[2]), -len(c[1]), -len(c[0].split()), c[0]))
    return sorted(
        (_feature(c, records, surfaces) for c in _cluster(candidates, merge_overlap)), key=lambda d: d.key
    )


_Candidate = tuple[str, frozenset[int], tuple[str, ...]]


def _close_enough(eids: Iterable[int], records: Mapping[int, EntryRecord], need: int, window_days: int) -> bool:
    """Whether `need` parties first used the phrase within `window_days` of one another."""
    first: dict[str, int] = {}
    for e in eids:
        rec = records[e]
        day = rec.date.toordinal()
        if rec.party not in first or day < first[rec.party]:
            first[rec.party] = day
    days = sorted(first.values())
    return any(days[i + need - 1] - days[i] <= window_days for i in range(len(days) - need + 1))


def _cluster(candidates: list[_Candidate], overlap: float) -> list[list[_Candidate]]:
    """Greedy merge in rank order; only clusters sharing an entry with a candidate are compared."""
    clusters: list[list[_Candidate]] = []
    by_entry: defaultdict[int, list[int]] = defaultdict(list)
    for cand in candidates:
        near = sorted({c for e in cand[1] for c in by_entry.get(e, ())})
        target = next((c for c in near if _mergeable(clusters[c][0], cand, overlap)), None)
        if target is None:
            target = len(clusters)
            clusters.append([])
        clusters[target].append(cand)
        for e in cand[1]:
            if target not in by_entry[e]:
                by_entry[e].append(target)
    return clusters


def _covered(
    eids: set[int], links: Mapping[int, Iterable[str]], taxonomy: Taxonomy, coverage: float, surfaces: Counter[str],
) -> bool:
    """A phrase the taxonomy matches itself, or whose entries mostly share one taxonomy feature."""
    surface = _best_surface(surfaces)
    if find_hits(read(surface), taxonomy):
        return True
    counts: Counter[str] = Counter(k for e in eids for k in set(links.get(e, ())))
    return bool(counts) and max(counts.values()) >= coverage * len(eids)


def _mergeable(head: _Candidate, cand: _Candidate, overlap: float) -> bool:
    """Largely the same entries, or one phrase inside the other with a shared core."""
    a, b = head[1], cand[1]
    shared = len(a & b)
    if not shared:
        return False
    inside = f" {head[0]} " in f" {cand[0]} " or f" {cand[0]} " in f" {head[0]} "
    if inside and shared >= overlap * min(len(a), len(b)):
        return True
    return shared >= overlap * len(a | b)


def _best_surface(surfaces: Counter[str]) -> str:
    return min(surfaces.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _feature(
    cluster: list[_Candidate],
    records: Mapping[int, EntryRecord],
    surfaces: Mapping[str, Counter[str]],
) -> Discovered:
    head = cluster[0][0]
    surface = _best_surface(surfaces[head])
    eids = sorted(set().union(*(c[1] for c in cluster)))
    parties = tuple(sorted({records[e].party for e in eids}))
    categories = Counter(records[e].category for e in eids)
    category = min(categories.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return Discovered(
        key="discovered-" + "-".join(surface.split()),
        name=surface[:1].upper() + surface[1:],
        phrase=surface,
        phrases=tuple(sorted(c[0] for c in cluster)),
        parties=parties,
        category=category,
        entry_ids=tuple(eids),
    )
