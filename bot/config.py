"""The deployment's configuration: one TOML file, loaded into frozen dataclasses.

Every problem found is collected (not just the first), so that `check-config` can list them all,
and each names the file, the key and what is wrong.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TOKEN_ENV = "PEER_REFLECT_TOKEN"  # noqa: S105 (a variable name, not a secret)
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
RESOURCE_KINDS = ("crisis", "emergency", "support", "selfcare")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(Exception):
    """The configuration cannot be used; `problems` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Resource:
    """One place a person can turn to: a crisis line, the coordinator, occupational health."""

    kind: str
    name: str
    how: str
    url: str = ""
    language: str = ""  # empty: shown in every language


@dataclass(frozen=True)
class Thresholds:
    load: int = 7
    hard_shifts: int = 3
    hard_shift_days: int = 14


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    coordinators: frozenset[int]
    timezone: str
    language: str
    country: str
    thresholds: Thresholds
    resources: tuple[Resource, ...] = ()
    script: str = "default"

    def resources_for(self, language: str) -> tuple[Resource, ...]:
        """Resources meant for everyone plus those written for this language."""
        return tuple(r for r in self.resources if r.language in ("", language))


@dataclass(frozen=True)
class InviteDefaults:
    days: int = 14
    uses: int = 20
    max_days: int = 90
    max_uses: int = 500


@dataclass(frozen=True)
class CheckinSettings:
    idle_minutes: int = 30
    nudge_grace_minutes: int = 30


@dataclass(frozen=True)
class SupervisionSettings:
    reminder_offsets_hours: tuple[float, ...] = (24.0, 1.0)
    grace_minutes: int = 30


@dataclass(frozen=True)
class Config:
    path: Path
    database: Path
    log_level: str
    default_language: str
    api_base_url: str
    retention_days: int
    invites: InviteDefaults
    teams: tuple[Team, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    checkin: CheckinSettings = field(default_factory=CheckinSettings)
    supervision: SupervisionSettings = field(default_factory=SupervisionSettings)

    def team(self, team_id: str) -> Team | None:
        """The team with this id, or None when the config no longer lists it."""
        return next((t for t in self.teams if t.id == team_id), None)

    def coordinated_teams(self, user_id: int) -> tuple[Team, ...]:
        """Teams this Telegram user coordinates; the config is the only source of that role."""
        return tuple(t for t in self.teams if user_id in t.coordinators)


def read_token(environ: Mapping[str, str] | None = None) -> str | None:
    """The bot token, from the environment only, so it never sits in a committed file."""
    value = (environ if environ is not None else os.environ).get(TOKEN_ENV, "").strip()
    return value or None


class _Reader:
    """Walks the parsed TOML, recording problems instead of stopping at the first one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.path}: {key}: {message}")

    def table(self, data: Mapping[str, Any], key: str, allowed: set[str]) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, "must be a table")
            return {}
        for unknown in sorted(set(value) - allowed):
            self.problem(f"{key}.{unknown}", "unknown key (a typo?)")
        return value

    def string(
        self, data: Mapping[str, Any], key: str, where: str, default: str | None = None
    ) -> str:
        value = data.get(key, default)
        if value is None:
            self.problem(f"{where}{key}", "is required")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{where}{key}", "must be a non-empty string")
            return default or ""
        return value.strip()

    def integer(
        self, data: Mapping[str, Any], key: str, where: str, default: int, low: int, high: int
    ) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"{where}{key}", f"must be a whole number, got {value!r}")
            return default
        if not low <= value <= high:
            self.problem(f"{where}{key}", f"must be between {low} and {high}, got {value}")
            return default
        return value


def _valid_timezone(name: str) -> bool:
    if not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _thresholds(r: _Reader, data: Mapping[str, Any], where: str, base: Thresholds) -> Thresholds:
    for unknown in sorted(set(data) - {"load", "hard_shifts", "hard_shift_days"}):
        r.problem(f"{where}{unknown}", "unknown key (a typo?)")
    return Thresholds(
        load=r.integer(data, "load", where, base.load, 0, 10),
        hard_shifts=r.integer(data, "hard_shifts", where, base.hard_shifts, 1, 50),
        hard_shift_days=r.integer(data, "hard_shift_days", where, base.hard_shift_days, 1, 365),
    )


def _resources(r: _Reader, raw: Any, where: str, languages: tuple[str, ...]) -> list[Resource]:
    if not isinstance(raw, list):
        r.problem(where.rstrip("."), "must be a list of tables ([[teams.resources]])")
        return []
    resources = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]."
        if not isinstance(item, dict):
            r.problem(at.rstrip("."), "must be a table")
            continue
        for unknown in sorted(set(item) - {"kind", "name", "how", "url", "language"}):
            r.problem(f"{at}{unknown}", "unknown key (a typo?)")
        kind = r.string(item, "kind", at)
        if kind and kind not in RESOURCE_KINDS:
            r.problem(f"{at}kind", f"must be one of {', '.join(RESOURCE_KINDS)}, got {kind!r}")
        language = item.get("language", "")
        if language and language not in languages:
            r.problem(f"{at}language", f"must be one of {', '.join(languages)}, got {language!r}")
        url = item.get("url", "")
        schemes = ("https://", "http://", "tel:")
        if url and (not isinstance(url, str) or not url.startswith(schemes)):
            r.problem(f"{at}url", "must start with https://, http:// or tel:")
            url = ""
        resources.append(
            Resource(
                kind=kind,
                name=r.string(item, "name", at),
                how=r.string(item, "how", at),
                url=url if isinstance(url, str) else "",
                language=language if isinstance(language, str) else "",
            )
        )
    return resources


def _teams(
    r: _Reader,
    raw: Any,
    languages: tuple[str, ...],
    thresholds: Thresholds,
    scripts: tuple[str, ...],
) -> list[Team]:
    if raw is None or raw == []:
        r.problem("teams", "at least one [[teams]] entry is required")
        return []
    if not isinstance(raw, list):
        r.problem("teams", "must be a list of tables ([[teams]])")
        return []
    teams: list[Team] = []
    seen: set[str] = set()
    allowed = {
        "id",
        "name",
        "coordinators",
        "timezone",
        "language",
        "country",
        "thresholds",
        "resources",
        "script",
    }
    for i, item in enumerate(raw):
        at = f"teams[{i}]."
        if not isinstance(item, dict):
            r.problem(f"teams[{i}]", "must be a table")
            continue
        for unknown in sorted(set(item) - allowed):
            r.problem(f"{at}{unknown}", "unknown key (a typo?)")
        team_id = r.string(item, "id", at)
        if team_id and not team_id.replace("-", "").replace("_", "").isalnum():
            r.problem(f"{at}id", "may hold only letters, digits, '-' and '_'")
        if team_id in seen:
            r.problem(f"{at}id", f"{team_id!r} is used by another team")
        seen.add(team_id)
        coordinators_raw = item.get("coordinators", [])
        coordinators: set[int] = set()
        if not isinstance(coordinators_raw, list):
            r.problem(f"{at}coordinators", "must be a list of Telegram user ids")
        else:
            for value in coordinators_raw:
                if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                    r.problem(
                        f"{at}coordinators",
                        f"{value!r} is not a Telegram user id (a positive whole number)",
                    )
                else:
                    coordinators.add(value)
        timezone = r.string(item, "timezone", at, "Europe/London")
        if not _valid_timezone(timezone):
            r.problem(f"{at}timezone", f"{timezone!r} is not a known IANA time zone")
        language = r.string(item, "language", at, languages[0])
        if language not in languages:
            r.problem(f"{at}language", f"must be one of {', '.join(languages)}, got {language!r}")
        country = r.string(item, "country", at, "GB")
        if len(country) != 2 or not country.isalpha():
            r.problem(f"{at}country", f"must be a two-letter country code, got {country!r}")
        team_thresholds = item.get("thresholds", {})
        if not isinstance(team_thresholds, dict):
            r.problem(f"{at}thresholds", "must be a table")
            team_thresholds = {}
        script = r.string(item, "script", at, "default")
        if scripts and script not in scripts:
            r.problem(
                f"{at}script",
                f"no script {script!r} in prompts/scripts/ (have: {', '.join(scripts)})",
            )
        teams.append(
            Team(
                script=script,
                id=team_id,
                name=r.string(item, "name", at),
                coordinators=frozenset(coordinators),
                timezone=timezone,
                language=language,
                country=country.upper(),
                thresholds=_thresholds(r, team_thresholds, f"{at}thresholds.", thresholds),
                resources=tuple(
                    _resources(r, item.get("resources", []), f"{at}resources", languages)
                ),
            )
        )
        # Someone whose words show risk must always be shown somewhere to turn, in their
        # language: a team without crisis lines is not safe to run.
        for lang in languages:
            if not any(
                res.kind in ("crisis", "emergency") for res in teams[-1].resources_for(lang)
            ):
                r.problem(
                    f"{at}resources",
                    f"no crisis or emergency resource for people using {lang!r}: add a "
                    '[[teams.resources]] with kind = "crisis" (such as a 24/7 line) or '
                    '"emergency", without a language or with this one',
                )
    return teams


def parse_config(
    data: Mapping[str, Any],
    path: Path,
    languages: tuple[str, ...],
    scripts: tuple[str, ...] = (),
) -> Config:
    """Turn parsed TOML into a Config, or raise ConfigError listing every problem."""
    r = _Reader(path)
    for unknown in sorted(
        set(data)
        - {"bot", "telegram", "privacy", "invites", "thresholds", "teams", "checkin", "supervision"}
    ):
        r.problem(unknown, "unknown section (a typo?)")
    bot = r.table(data, "bot", {"database", "log_level", "default_language"})
    telegram = r.table(data, "telegram", {"api_base_url"})
    privacy = r.table(data, "privacy", {"retention_days"})
    invites = r.table(data, "invites", {"default_days", "default_uses", "max_days", "max_uses"})
    thresholds_raw = r.table(data, "thresholds", {"load", "hard_shifts", "hard_shift_days"})

    database = r.string(bot, "database", "bot.", "./peer-reflect.sqlite3")
    log_level = r.string(bot, "log_level", "bot.", "INFO").upper()
    if log_level not in LOG_LEVELS:
        r.problem("bot.log_level", f"must be one of {', '.join(LOG_LEVELS)}")
        log_level = "INFO"
    default_language = r.string(bot, "default_language", "bot.", languages[0])
    if default_language not in languages:
        r.problem("bot.default_language", f"must be one of {', '.join(languages)}")
        default_language = languages[0]
    api_base_url = r.string(telegram, "api_base_url", "telegram.", DEFAULT_API_BASE_URL)
    if not api_base_url.startswith(("https://", "http://")):
        r.problem("telegram.api_base_url", "must start with https:// or http://")
    max_days = r.integer(invites, "max_days", "invites.", 90, 1, 3650)
    max_uses = r.integer(invites, "max_uses", "invites.", 500, 1, 100_000)
    invite_defaults = InviteDefaults(
        days=r.integer(invites, "default_days", "invites.", 14, 1, max_days),
        uses=r.integer(invites, "default_uses", "invites.", 20, 1, max_uses),
        max_days=max_days,
        max_uses=max_uses,
    )
    retention_days = r.integer(privacy, "retention_days", "privacy.", 90, 1, 3650)
    thresholds = _thresholds(r, thresholds_raw, "thresholds.", Thresholds())
    checkin_raw = r.table(data, "checkin", {"idle_minutes", "nudge_grace_minutes"})
    checkin = CheckinSettings(
        idle_minutes=r.integer(checkin_raw, "idle_minutes", "checkin.", 30, 2, 24 * 60),
        nudge_grace_minutes=r.integer(
            checkin_raw, "nudge_grace_minutes", "checkin.", 30, 1, 24 * 60
        ),
    )
    supervision_raw = r.table(data, "supervision", {"reminder_offsets_hours", "grace_minutes"})
    offsets = supervision_raw.get("reminder_offsets_hours", [24, 1])
    if (
        not isinstance(offsets, list)
        or not 1 <= len(offsets) <= 4
        or not all(isinstance(h, int | float) and not isinstance(h, bool) for h in offsets)
        or not all(0 < h <= 144 for h in offsets)
        or len(set(offsets)) != len(offsets)
    ):
        r.problem(
            "supervision.reminder_offsets_hours",
            "must list 1 to 4 different numbers of hours, each above 0 and at most 144",
        )
        offsets = [24, 1]
    supervision = SupervisionSettings(
        reminder_offsets_hours=tuple(sorted((float(h) for h in offsets), reverse=True)),
        grace_minutes=r.integer(supervision_raw, "grace_minutes", "supervision.", 30, 1, 24 * 60),
    )
    teams = _teams(r, data.get("teams"), languages, thresholds, scripts)
    if r.problems:
        raise ConfigError(r.problems)
    return Config(
        path=path,
        # Relative to where the bot is started, like any command-line tool's paths.
        database=Path(database).expanduser(),
        log_level=log_level,
        default_language=default_language,
        api_base_url=api_base_url.rstrip("/"),
        retention_days=retention_days,
        invites=invite_defaults,
        teams=tuple(teams),
        thresholds=thresholds,
        checkin=checkin,
        supervision=supervision,
    )


def load_config(
    path: str | Path, languages: tuple[str, ...], scripts: tuple[str, ...] = ()
) -> Config:
    """Read and validate the config file; ConfigError says what is wrong and where."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such file"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot be read ({exc.strerror})"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None
    return parse_config(data, path, languages, scripts)
