"""Turn a raw changelog line into the text a reader (and the matcher) wants.

Removes bullet markers, PR and issue links, commit hashes, author handles, images,
MDX comments and markdown emphasis; keeps link text; pulls out the conventional-commit
type and the scope (`**api:**`, `feat(anthropic):`, AWS's `(**bedrockagent**)`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from tracker.parse.kinds import section_kind
from tracker.parse.model import EntryKind

_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
# Terminal escape sequences (CSI `ESC [31m`, OSC `ESC ]...BEL`, two-byte `ESC x`), then any other
# C0/C1 control character: scraped text must never drive a terminal that prints it.
_ESCAPE_SEQUENCE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[@-_]?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CHANGESET_HASH = re.compile(r"^[0-9a-f]{7,40}:\s+")
_MDX_COMMENT = re.compile(r"\{/\*.*?\*/\}")
_HTML_COMMENT = re.compile(r"<!--.*?-->")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_BARE_URL = re.compile(r"<?https?://[^\s)>\]]+>?")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_EMPTY_PARENS = re.compile(r"(?<![\w)\]])(?:\(\s*(?:,\s*)*\)|\[\s*\])")
# What removing references leaves of a reference list: "(#1 @a; #2, #3 @b)" -> "(, ; , )",
# "(#509, #524 -- thanks @x!)" -> "(, -- !)", "(#215, see [docs][7])" -> "(, see docs)".
_REF_DEBRIS = re.compile(
    r"\(\s*[,;][^()]*\)|\(\s*(?:(?:[,;!\-–—]+|and|in|by|thanks|to|cc|from)\s*)+\)", re.IGNORECASE
)
_SEPARATOR_RUN = re.compile(r"(?:\s*[,;])+\s*(?=\))|([,;])(?:\s*[,;])+")
_ISSUE_REF = re.compile(r"\(\s*(?:#\d+|GH-\d+)(?:\s*,\s*#\d+)*\s*\)|(?<![\w/])#\d{2,}\b")
_HASH_REF = re.compile(r"\(\s*[0-9a-f]{7,40}\s*\)")
_HANDLE = re.compile(
    r"(?:\b(?:by|thanks(?: to)?|from|cc)\s+)?(?<![\w.])@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?\b"
    r"(?:\s+in\s*$)?",
)
_EMPHASIS = re.compile(r"(\*\*|__|~~)(.+?)\1")
_SINGLE_EMPHASIS = re.compile(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`+([^`]*)`+")
_JUNK = " \t,;:–—-"  # stripped from both ends of a cleaned line

# `feat(scope)!: text`, `fix: text`, `chore(deps): text`
_CONVENTIONAL = re.compile(
    r"^(feat|feature|fix|bugfix|hotfix|perf|refactor|docs?|chore|build|ci|test|tests|style|revert|deps|security|breaking)"
    r" ?(?:\(([^)]{1,60})\))?(!)?:\s+",
    re.IGNORECASE,
)
# release-please and AWS scopes, read before emphasis is stripped: `**api:** text`, `(**bedrock**) text`
_BOLD_SCOPE = re.compile(r"^\*\*([^*]{1,60}?):\*\*\s*")
_AWS_SCOPE = re.compile(r"^\(\*\*([A-Za-z0-9._-]{1,60})\*\*\)\s*")
# MLflow's `[Tracking] Fix ...`, vLLM's `[Bugfix][Kernel] ...`: tags before the sentence (not links).
_BRACKET_TAGS = re.compile(r"^(?:\[([^\]\[]{1,40})\](?!\()\s*)+")
_BRACKET_TAG = re.compile(r"\[([^\]\[]{1,40})\]")
# Vertex's `GenAI - Add ...`, LiteLLM's `Anthropic - handle ...`: a short product prefix and a dash.
_DASH_SCOPE = re.compile(r"^([A-Z][\w.+/]*(?: [A-Z][\w.+/]*){0,2}) [-–—] (?=\S)")
_VERBS = frozenset(
    "add adds added allow allows bump bumps change changed deprecate deprecated drop enable enables fix fixes "
    "fixed improve improves improved introduce introduces make makes move moved new refactor remove removes "
    "removed rename renamed support supports update updates updated upgrade upgraded use uses".split()
)
_QUOTES = frozenset("\"'“")
_QUOTED = re.compile(r'^(["\'“])(.+)(["\'”])$')
# A tag that names a kind of change ("Bugfix", "CI/Build", "Docs") types the line; others are its scope.
_KIND_TYPES = {EntryKind.FIX: "fix", EntryKind.FEATURE: "feat", EntryKind.DOCS: "docs", EntryKind.CHORE: "chore",
               EntryKind.DEPS: "deps", EntryKind.SECURITY: "security", EntryKind.BREAKING: "breaking"}


def _tag_type(tag: str) -> str:
    kind = section_kind(tag)
    return _KIND_TYPES.get(kind, "") if kind is not None else ""

_PLAIN_SCOPE = re.compile(r"^([A-Za-z][\w .+/-]{0,40}?):\s+(?=\S)")

# Link texts that carry no meaning of their own: PR numbers, hashes, "PR", handles.
_NOISE_LINK_TEXT = re.compile(
    r"^(?:#?\d+|PR|PR\s*#?\d+|pull request|[0-9a-f]{7,40}|@?[\w-]+\[bot\]|@[\w-]+|commit|diff|compare|link|here|details)$",
    re.IGNORECASE,
)
_GITHUB_USER_URL = re.compile(r"^https?://github\.com/[A-Za-z0-9-]+/?$")


@dataclass(frozen=True, slots=True)
class CleanLine:
    text: str
    scope: str = ""
    commit_type: str = ""  # lower-case conventional-commit type, "" when none
    breaking: bool = False


def _replace_link(m: re.Match[str]) -> str:
    text, url = m[1].strip(), m[2]
    if not text or _NOISE_LINK_TEXT.match(text) or _GITHUB_USER_URL.match(url):
        return ""
    return text


def strip_control(text: str) -> str:
    """`text` without terminal escape sequences and C0/C1 control characters (tabs and newlines stay)."""
    if text.isprintable() or not _CONTROL.search(text):  # isprintable: the fast way to say "nothing to do"
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def strip_markup(text: str) -> str:
    """Markdown/HTML to plain words; noise links dropped, meaningful link text kept."""
    text = strip_control(text)
    # Each pass is guarded by a cheap substring test: most lines need only a few of them.
    had_refs = "#" in text or "@" in text or "http" in text
    if "{/*" in text:
        text = _MDX_COMMENT.sub("", text)
    if "<!--" in text:
        text = _HTML_COMMENT.sub("", text)
    if "](" in text:
        if "![" in text:
            text = _IMAGE.sub("", text)
        text = _LINK.sub(_replace_link, text)
    if "][" in text:
        text = _REF_LINK.sub(r"\1", text)
    if "http" in text:
        text = _BARE_URL.sub("", text)
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "(" in text:
        text = _HASH_REF.sub("", text)
    if "#" in text:
        text = _ISSUE_REF.sub("", text)
    if "@" in text:
        text = _HANDLE.sub("", text)
    if "**" in text or "__" in text or "~~" in text:
        for _ in range(2):
            text = _EMPHASIS.sub(r"\2", text)
    if "*" in text:
        text = _SINGLE_EMPHASIS.sub(r"\1", text)
    if "`" in text:
        text = _CODE.sub(r"\1", text)
    if "\\" in text:
        text = text.replace("\\_", "_").replace("\\*", "*")
    if "&" in text:
        text = html.unescape(text)
    if "(" in text or "[" in text:
        text = _EMPTY_PARENS.sub("", text)
        if had_refs and ("( " in text or " )" in text or "(," in text or "(;" in text or ",)" in text
                         or ";)" in text or ", ," in text or ", ;" in text or "; ," in text or "; ;" in text):
            text = _SEPARATOR_RUN.sub(lambda m: m[1] or "", _REF_DEBRIS.sub("", text))
    return " ".join(text.split()).strip(_JUNK)


_EMPTY_CELL = frozenset({"", "-", "–", "—", "n/a", "N/A"})


def table_row_text(header: tuple[str, ...], cells: tuple[str, ...]) -> str:
    """A table row as one line that says what each cell is: "Provider: Nebius AI; Endpoints: /search"."""
    parts = []
    for i, cell in enumerate(cells):
        value = strip_markup(cell)
        if value in _EMPTY_CELL:
            continue
        name = strip_markup(header[i]) if i < len(header) else ""
        parts.append(f"{name}: {value}" if name and name != value else value)
    return "; ".join(parts)


def clean_line(raw: str) -> CleanLine:
    """Clean one changelog line and read its scope and conventional-commit type."""
    # Every rule is guarded by a cheap look at the text: this runs once per entry of every crawl.
    text = _BULLET.sub("", strip_control(raw), count=1).strip()
    if ":" in text[:44]:
        text = _CHANGESET_HASH.sub("", text, count=1)
    if text[:1] in _QUOTES and (m := _QUOTED.match(text)):
        text = m[2].strip()
    scope = ""
    tag_type = ""
    if text[:1] == "[" and (m := _BRACKET_TAGS.match(text)):
        tags = [t.strip() for t in _BRACKET_TAG.findall(m[0])]
        types = [_tag_type(t) for t in tags]
        tag_type = next((t for t in types if t), "")
        scope = next((tag for tag, typed in zip(tags, types, strict=True) if not typed), "")
        text = text[m.end():]
    if text[:3] == "(**" and (m := _AWS_SCOPE.match(text)):
        scope, text = m[1], text[m.end():]
    elif text[:2] == "**" and (m := _BOLD_SCOPE.match(text)):
        scope, text = m[1].strip(), text[m.end():]
    commit_type, breaking = tag_type, tag_type == "breaking"
    if ":" in text[:72] and (m := _CONVENTIONAL.match(text)):
        commit_type = m[1].lower()
        scope = scope or (m[2] or "").strip()
        breaking = bool(m[3]) or commit_type == "breaking"
        text = text[m.end():]
    text = strip_markup(text)
    head = text[:72]
    if not commit_type and ":" in head and (m := _CONVENTIONAL.match(text)):
        commit_type = m[1].lower()
        scope = scope or (m[2] or "").strip()
        breaking = bool(m[3])
        text = text[m.end():]
    if scope:
        pass
    elif (" - " in head or " – " in head or " — " in head) and (m := _DASH_SCOPE.match(text)) \
            and m[1].split()[0].lower() not in _VERBS:
        scope, text = m[1], text[m.end():]
    elif ":" in head and (m := _PLAIN_SCOPE.match(text)) and m[1].count(" ") <= 2:
        # "sessions: add details page" style scopes, only when short and lower-case like a tag
        candidate = m[1]
        if candidate.islower() and " " not in candidate:
            scope, text = candidate, text[m.end():]
    return CleanLine(text.strip(), scope, commit_type, breaking)
