"""Load config.toml into frozen settings; the one place that applies precedence.

Precedence, lowest first: built-in defaults < config.toml < TRACKER_* environment
variables < command-line flags. Every mistake in the file ends in a `ConfigError`
that names the file, the line or key, and the fix.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from tracker.errors import ConfigError
from tracker.fetch.settings import FetchSettings
from tracker.redact import redact_url
from tracker.sources import KINDS as SOURCE_KINDS

PARTY_KINDS = ("startup", "incumbent", "vendor", "oss")
DATE_ORDERS = ("", "mdy", "dmy")
DEFAULT_CONFIG = Path("config.toml")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class HtmlSelectorConfig:
    release: str = ""
    title: str = ""
    date: str = ""
    entries: str = ""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """Where one party publishes release notes, and how to read it."""

    name: str
    kind: str
    url: str
    party: str
    scope: tuple[str, ...] = ()  # keep only entries whose scope matches one of these globs
    glob: tuple[str, ...] = ()  # for `posts`: paths in the git tree listing to read
    date_order: str = ""  # "mdy" / "dmy" for ambiguous numeric dates
    selectors: HtmlSelectorConfig = HtmlSelectorConfig()
    max_pages: int = 5  # GitHub API pagination
    enabled: bool = True
    tags: str = ""  # a git repository whose tags date undated version headers (changelog sources)
    tag_format: str = "{version}"  # the tag of a version: "v{version}", "ai@{version}"


@dataclass(frozen=True, slots=True)
class PartyConfig:
    name: str
    kind: str
    category: str
    sources: tuple[SourceConfig, ...] = ()
    company: str = ""  # the company behind it, when it has several product lines; statistics count a company once


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """[match]: what the matcher knows and how boldly it discovers."""

    taxonomy: Path | None = None  # None: the taxonomy shipped inside the package
    discover: bool = True  # find capabilities the taxonomy lacks (phrases several parties announce)
    discovery_min_parties: int = 2  # parties that must announce a phrase ...
    discovery_window_days: int = 365  # ... within this many days of one another

    def __post_init__(self) -> None:
        if self.discovery_min_parties < 2:
            raise ConfigError(f"discovery_min_parties = {self.discovery_min_parties} must be at least 2: "
                              "a phrase one party uses is not shared")
        if not 1 <= self.discovery_window_days <= 3650:
            raise ConfigError(f"discovery_window_days = {self.discovery_window_days} must be a number of days "
                              "from 1 to 3650")


# Before 0.2 the metric knobs sat in [match]; they are still read from there.
LEGACY_MATCH_KEYS = ("commodity_k", "window_days")


@dataclass(frozen=True, slots=True)
class MetricsConfig:
    """[metrics]: the knobs of the statistics (copy lag, commodity, pressure)."""

    commodity_k: int = 3  # time to commodity: days until k parties offer a feature
    window_days: int = 90  # crowding and pressure windows

    def __post_init__(self) -> None:
        if self.commodity_k < 2:
            raise ConfigError(f"commodity_k = {self.commodity_k} must be at least 2: a feature is a commodity "
                              "once k parties offer it, and one party alone is a first mover")
        if not 1 <= self.window_days <= 3650:
            raise ConfigError(f"window_days = {self.window_days} must be a number of days from 1 to 3650")


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    at: str = "06:00"
    timezone: str = "UTC"
    misfire_grace_seconds: int = 3600


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """The [report] table: how the report and the digest are focused."""

    home: tuple[str, ...] = ()  # the user's own parties: the overview and the digest lead with their exposure


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path = Path("data/tracker.db")
    report_dir: Path = Path("data/reports")
    mirror: Path | None = None
    fetch: FetchSettings = FetchSettings()  # the [fetch] table is the fetch layer's own settings
    match: MatchConfig = MatchConfig()
    metrics: MetricsConfig = MetricsConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    report: ReportConfig = ReportConfig()
    webhooks: tuple[WebhookConfig, ...] = ()
    parties: tuple[PartyConfig, ...] = ()
    config_path: Path | None = None

    def sources(self) -> list[SourceConfig]:
        return [s for p in self.parties for s in p.sources]

    def party(self, name: str) -> PartyConfig | None:
        lowered = name.casefold()
        return next((p for p in self.parties if p.name.casefold() == lowered), None)


# ---------------------------------------------------------------- validation helpers


_TYPE_NAMES = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}


class _Reader:
    """Reads one TOML table, remembering where it is for error messages."""

    def __init__(self, file: Path, where: str, table: Mapping[str, Any]) -> None:
        self.file, self.where, self.table = file, where, table

    def fail(self, message: str) -> ConfigError:
        return ConfigError(f"{self.file}: {self.where}: {message}")

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.table:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                raise self.fail(f"unknown key {key!r}; allowed keys are: {hint}")

    def get(self, key: str, kind: type, default: Any = None, *, required: bool = False) -> Any:
        if key not in self.table:
            if required:
                raise self.fail(f"missing required key {key!r}; add {key} = ...")
            return default
        value = self.table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is tuple:
            if isinstance(value, str):
                return (value,)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise self.fail(f"{key!r} must be a string or a list of strings")
            return tuple(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(f"{key!r} must be {_TYPE_NAMES.get(kind, kind.__name__)}, not {value!r}")
        return value


def _refuse_userinfo(reader: _Reader, url: str) -> None:
    """A user name or password in a URL would be copied into logs, reports and chat messages."""
    if "@" in re.split(r"[/?#]", url.split("://", 1)[-1], maxsplit=1)[0]:
        raise reader.fail(
            f"url {redact_url(url)!r} carries a user name or password; remove it from config.toml and put "
            "credentials in the environment instead (as GITHUB_TOKEN is for GitHub)"
        )


def _dataclass_from(reader: _Reader, cls: type, base: Any, hidden: frozenset[str] = frozenset()) -> Any:
    names = {f.name for f in fields(cls)} - hidden
    reader.check_keys(names)
    changes = {}
    for f in fields(cls):
        if f.name in reader.table and f.name in names:
            current = getattr(base, f.name)
            is_path = isinstance(current, Path) or str(f.type).startswith("Path")  # `Path | None` defaults to None
            value = reader.get(f.name, str if is_path else type(current))
            changes[f.name] = Path(value) if is_path else value
    try:
        return replace(base, **changes)
    except ConfigError as error:
        raise reader.fail(error.message) from None


def _read_source(file: Path, party: str, index: int, table: Mapping[str, Any]) -> SourceConfig:
    r = _Reader(file, f"party {party!r}, source #{index + 1}", table)
    r.check_keys({f.name for f in fields(SourceConfig)} - {"party"})
    url = r.get("url", str, required=True)
    if not re.match(r"^https?://[^\s/]+", url):
        raise r.fail(f"url {url!r} is not an http(s) URL; write the full address, e.g. https://example.com/changelog")
    _refuse_userinfo(r, url)
    kind = r.get("kind", str, required=True)
    if kind not in SOURCE_KINDS:
        raise r.fail(f"unknown source kind {kind!r}; use one of: {', '.join(SOURCE_KINDS)}")
    default_name = re.sub(r"[^a-z0-9._-]+", "-", f"{party}-{kind}".lower()).strip("-")
    name = r.get("name", str, default_name)
    if not _NAME.match(name):
        raise r.fail(f"source name {name!r} must be lower-case letters, digits, '.', '_' or '-'")
    date_order = r.get("date_order", str, "")
    if date_order not in DATE_ORDERS:
        raise r.fail(f"date_order {date_order!r} must be \"mdy\" or \"dmy\"")
    glob = r.get("glob", tuple, ())
    if kind == "posts" and not glob:
        raise r.fail("a 'posts' source needs glob = \"path/in/repo/*.md\" to pick posts from the tree listing")
    selectors = HtmlSelectorConfig()
    if "selectors" in table:
        sel = table["selectors"]
        if not isinstance(sel, dict):
            raise r.fail("selectors must be a table: selectors = { release = \"article\", date = \"time\" }")
        selectors = _dataclass_from(_Reader(file, r.where + ", selectors", sel), HtmlSelectorConfig, selectors)
    max_pages = r.get("max_pages", int, 5)
    if max_pages < 1:
        raise r.fail("max_pages must be at least 1")
    tags, tag_format = _read_tag_options(r, kind)
    return SourceConfig(
        name=name, kind=kind, url=url, party=party, scope=r.get("scope", tuple, ()), glob=glob,
        date_order=date_order, selectors=selectors, max_pages=max_pages, enabled=r.get("enabled", bool, True),
        tags=tags, tag_format=tag_format,
    )


def _read_tag_options(r: _Reader, kind: str) -> tuple[str, str]:
    tags = r.get("tags", str, "").strip()
    tag_format = r.get("tag_format", str, "{version}")
    if not tags:
        if "tag_format" in r.table:
            raise r.fail("tag_format needs tags = \"https://github.com/OWNER/REPO\", the repository whose tags it names")
        return "", tag_format
    if kind != "changelog":
        raise r.fail(f"tags date the version headers of a changelog; a {kind!r} source has its own dates, remove tags")
    _refuse_userinfo(r, tags)
    if not re.match(r"^https?://[^\s/?#]+(?:/[^\s/?#]+){2,}/?$", tags):
        raise r.fail(f"tags {tags!r} is not a repository URL; write tags = \"https://github.com/OWNER/REPO\"")
    if tag_format.count("{version}") != 1 or re.search(r"\s", tag_format):
        raise r.fail(f"tag_format {tag_format!r} must contain {{version}} exactly once and no spaces, "
                     "e.g. \"v{version}\" or \"ai@{version}\"")
    return tags, tag_format


def _read_parties(file: Path, raw: Any) -> tuple[PartyConfig, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{file}: 'party' must be an array of tables: write [[party]] blocks")
    parties: list[PartyConfig] = []
    seen_parties: set[str] = set()
    seen_sources: dict[str, str] = {}
    for i, table in enumerate(raw):
        r = _Reader(file, f"party #{i + 1}", table)
        name = r.get("name", str, required=True).strip()
        r.where = f"party {name!r}"
        r.check_keys({"name", "kind", "category", "company", "source"})
        if name.casefold() in seen_parties:
            raise r.fail("duplicate party; merge the two [[party]] blocks into one")
        seen_parties.add(name.casefold())
        kind = r.get("kind", str, required=True)
        if kind not in PARTY_KINDS:
            raise r.fail(f"unknown party kind {kind!r}; use one of: {', '.join(PARTY_KINDS)}")
        category = r.get("category", str, required=True).strip()
        if not category:
            raise r.fail("category is empty; name a market category such as \"llm-observability\"")
        raw_sources = table.get("source", [])
        if not isinstance(raw_sources, list):
            raise r.fail("'source' must be an array of tables: write [[party.source]] blocks")
        sources = tuple(_read_source(file, name, j, s) for j, s in enumerate(raw_sources))
        for s in sources:
            if s.name in seen_sources:
                raise r.fail(
                    f"source name {s.name!r} is already used by party {seen_sources[s.name]!r}; give it a unique name"
                )
            seen_sources[s.name] = name
        company = r.get("company", str, "").strip()
        parties.append(PartyConfig(name, kind, category, sources, company))
    return tuple(parties)


def _toml_error(file: Path, error: tomllib.TOMLDecodeError) -> ConfigError:
    return ConfigError(f"{file}: TOML syntax error: {error}; fix that line (strings need quotes, tables [brackets])")


def read_file(path: Path, base: Settings) -> Settings:
    """Apply one config file on top of `base`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file; create it or pass --config PATH") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the config file as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(path, error) from None
    top = _Reader(path, "top level", data)
    top.check_keys({"tracker", "fetch", "match", "metrics", "schedule", "report", "webhook", "party"})
    settings = replace(base, config_path=path)
    root = path.parent
    if "tracker" in data:
        r = _Reader(path, "[tracker]", data["tracker"])
        r.check_keys({"db", "report_dir", "mirror"})
        if (db := r.get("db", str)) is not None:
            settings = replace(settings, db_path=root / db)
        if (out := r.get("report_dir", str)) is not None:
            settings = replace(settings, report_dir=root / out)
        if (mirror := r.get("mirror", str)) is not None:
            settings = replace(settings, mirror=root / mirror if mirror else None)
    if isinstance(data.get("match"), dict) and any(k in data["match"] for k in LEGACY_MATCH_KEYS):
        legacy = {k: data["match"][k] for k in LEGACY_MATCH_KEYS if k in data["match"]}
        data = {**data, "match": {k: v for k, v in data["match"].items() if k not in LEGACY_MATCH_KEYS}}
        newer = data.get("metrics")
        data["metrics"] = {**legacy, **(newer if isinstance(newer, dict) else {})}  # [metrics] wins where both say
    for key, cls, attr in (("fetch", FetchSettings, "fetch"), ("match", MatchConfig, "match"),
                           ("metrics", MetricsConfig, "metrics"), ("schedule", ScheduleConfig, "schedule"),
                           ("report", ReportConfig, "report")):
        if key in data:
            if not isinstance(data[key], dict):
                raise ConfigError(f"{path}: [{key}] must be a table")
            # A token is a secret: it comes from GITHUB_TOKEN, never from a file that gets committed.
            hidden = frozenset({"github_token"}) if key == "fetch" else frozenset()
            value = _dataclass_from(_Reader(path, f"[{key}]", data[key]), cls, getattr(settings, attr), hidden)
            settings = replace(settings, **{attr: value})
    taxonomy = settings.match.taxonomy
    if taxonomy is not None and not taxonomy.is_absolute() and "match" in data and "taxonomy" in data["match"]:
        settings = replace(settings, match=replace(settings.match, taxonomy=root / taxonomy))
    if "webhook" in data:
        hooks = []
        for i, table in enumerate(data["webhook"] if isinstance(data["webhook"], list) else [None]):
            if not isinstance(table, dict):
                raise ConfigError(f"{path}: 'webhook' must be written as [[webhook]] blocks with url = \"https://...\"")
            r = _Reader(path, f"webhook #{i + 1}", table)
            r.check_keys({"url", "name"})
            url = r.get("url", str, required=True)
            if not url.startswith(("http://", "https://")):
                raise r.fail(f"url {url!r} is not an http(s) URL")
            _refuse_userinfo(r, url)
            hooks.append(WebhookConfig(url=url, name=r.get("name", str, "")))
        settings = replace(settings, webhooks=tuple(hooks))
    if "party" in data:
        settings = replace(settings, parties=_read_parties(path, data["party"]))
    if settings.report.home:
        settings = with_home(settings, settings.report.home, f"{path}: [report] home")
    _check_schedule(settings.schedule, str(path))
    return settings


def with_home(settings: Settings, names: tuple[str, ...] | list[str], where: str = "--home") -> Settings:
    """`settings` with `names` as the home parties, spelled as configured; an unknown name is a ConfigError."""
    home: list[str] = []
    for name in names:
        found = settings.party(name.strip())
        if found is None:
            known = ", ".join(p.name for p in settings.parties[:6]) + (", ..." if len(settings.parties) > 6 else "")
            raise ConfigError(f"{where}: unknown party {name!r}; use the name of a [[party]] block"
                              + (f" ({known})" if known else ""))
        if found.name not in home:
            home.append(found.name)
    return replace(settings, report=replace(settings.report, home=tuple(home)))


_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _check_schedule(schedule: ScheduleConfig, where: str) -> None:
    if not _HHMM.match(schedule.at):
        raise ConfigError(f"{where}: schedule time {schedule.at!r} is not HH:MM; write e.g. \"06:30\"")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(schedule.timezone)
    except Exception:
        raise ConfigError(
            f"{where}: unknown timezone {schedule.timezone!r}; use an IANA name such as \"Europe/Berlin\" or \"UTC\""
        ) from None


def apply_env(settings: Settings, env: Mapping[str, str]) -> Settings:
    """TRACKER_* variables override the file; GITHUB_TOKEN is read as well."""
    if v := env.get("TRACKER_DB"):
        settings = replace(settings, db_path=Path(v))
    if v := env.get("TRACKER_REPORT_DIR"):
        settings = replace(settings, report_dir=Path(v))
    if v := env.get("TRACKER_MIRROR"):
        settings = replace(settings, mirror=Path(v))
    token = env.get("TRACKER_GITHUB_TOKEN") or env.get("GITHUB_TOKEN")
    if token:
        settings = replace(settings, fetch=replace(settings.fetch, github_token=token))
    if v := env.get("TRACKER_SCHEDULE_AT"):
        settings = replace(settings, schedule=replace(settings.schedule, at=v))
    if v := env.get("TRACKER_TIMEZONE"):
        settings = replace(settings, schedule=replace(settings.schedule, timezone=v))
    if v := env.get("TRACKER_USER_AGENT"):
        settings = replace(settings, fetch=replace(settings.fetch, user_agent=v))
    if v := env.get("TRACKER_TAXONOMY"):
        settings = replace(settings, match=replace(settings.match, taxonomy=Path(v)))
    _check_schedule(settings.schedule, "environment")
    return settings


@dataclass(frozen=True, slots=True)
class Overrides:
    """Command-line flags: the highest precedence."""

    config: Path | None = None
    db: Path | None = None
    mirror: Path | None = None
    report_dir: Path | None = None


def load_settings(overrides: Overrides = Overrides(), env: Mapping[str, str] | None = None) -> Settings:
    """Defaults < config.toml < environment < flags."""
    env = os.environ if env is None else env
    path = overrides.config or (Path(env["TRACKER_CONFIG"]) if env.get("TRACKER_CONFIG") else None)
    settings = Settings()
    if path is not None:
        settings = read_file(path, settings)
    elif DEFAULT_CONFIG.exists():
        settings = read_file(DEFAULT_CONFIG, settings)
    settings = apply_env(settings, env)
    if overrides.db is not None:
        settings = replace(settings, db_path=overrides.db)
    if overrides.mirror is not None:
        settings = replace(settings, mirror=overrides.mirror)
    if overrides.report_dir is not None:
        settings = replace(settings, report_dir=overrides.report_dir)
    if settings.mirror is not None and not settings.mirror.is_dir():
        raise ConfigError(f"mirror folder {settings.mirror} does not exist; pass --mirror with a folder laid out as <host>/<path>")
    return settings
