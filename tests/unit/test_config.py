"""The config file: what a deployer sees when it is right, and when it is wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import ConfigError, load_config, read_token
from prompts import available_languages

ROOT = Path(__file__).resolve().parents[2]
LANGS = available_languages()
GOOD_TEAM = """
[[teams]]
id = "north"
name = "North"
coordinators = [123]
timezone = "Europe/London"

[[teams.resources]]
kind = "emergency"
name = "Emergency services"
how = "Call 999"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), LANGS)
    return caught.value.problems


def test_example_config_loads_with_defaults() -> None:
    config = load_config(ROOT / "config.example.toml", LANGS)
    assert config.database == Path("peer-reflect.sqlite3")
    assert config.retention_days == 90
    assert config.api_base_url == "https://api.telegram.org/bot"
    assert config.invites.days == 14
    assert config.invites.uses == 20
    team = config.teams[0]
    assert team.timezone == "Europe/London"
    assert team.thresholds.load == 7
    crisis = [r.name for r in team.resources if r.kind == "crisis"]
    assert crisis == ["Samaritans", "Shout", "NHS 111"]
    assert any("999" in r.how for r in team.resources if r.kind == "emergency")


def test_minimal_config_fills_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD_TEAM), LANGS)
    assert config.teams[0].language == "en"
    assert config.teams[0].country == "GB"
    assert config.coordinated_teams(123)[0].id == "north"
    assert config.coordinated_teams(999) == ()


def test_team_thresholds_override_the_global_ones(tmp_path: Path) -> None:
    text = "[thresholds]\nload = 6\n" + GOOD_TEAM + "\n[teams.thresholds]\nhard_shifts = 4\n"
    team = load_config(write(tmp_path, text), LANGS).teams[0]
    assert (team.thresholds.load, team.thresholds.hard_shifts) == (6, 4)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml", LANGS)
    assert caught.value.problems == [f"{tmp_path / 'nope.toml'}: no such file"]


def test_toml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    found = problems(tmp_path, '[bot]\nlog_level = "INFO"\ndatabase = \n')
    assert len(found) == 1
    assert "not valid TOML" in found[0]
    assert "line 3" in found[0]


def test_every_problem_is_listed_with_file_and_key(tmp_path: Path) -> None:
    text = """
[bot]
log_level = "LOUD"
colour = "blue"

[privacy]
retention_days = 0

[[teams]]
id = "north"
name = "North"
coordinators = [123, "abc", -4]
timezone = "Europe/Londn"
language = "fr"
country = "GBR"

[[teams]]
id = "north"
name = ""

[[teams.resources]]
kind = "hotline"
name = "X"
how = "Y"
url = "ftp://example"
"""
    found = problems(tmp_path, text)
    path = str(tmp_path / "config.toml")
    assert all(p.startswith(path + ": ") for p in found)
    joined = "\n".join(found)
    for expected in (
        "bot.log_level: must be one of DEBUG, INFO, WARNING, ERROR",
        "bot.colour: unknown key",
        "privacy.retention_days: must be between 1 and 3650, got 0",
        "teams[0].coordinators: 'abc' is not a Telegram user id",
        "teams[0].coordinators: -4 is not a Telegram user id",
        "teams[0].timezone: 'Europe/Londn' is not a known IANA time zone",
        "teams[0].language: must be one of en, de, got 'fr'",
        "teams[0].country: must be a two-letter country code, got 'GBR'",
        "teams[1].id: 'north' is used by another team",
        "teams[1].name: must be a non-empty string",
        "teams[1].resources[0].kind: must be one of crisis, emergency, support, selfcare",
        "teams[1].resources[0].url: must start with https://, http:// or tel:",
    ):
        assert expected in joined, expected


def test_no_teams_is_a_problem(tmp_path: Path) -> None:
    assert problems(tmp_path, "[bot]\n") == [
        f"{tmp_path / 'config.toml'}: teams: at least one [[teams]] entry is required"
    ]


def test_token_comes_only_from_the_environment() -> None:
    assert read_token({"PEER_REFLECT_TOKEN": " 1:abc "}) == "1:abc"
    assert read_token({}) is None
    assert read_token({"PEER_REFLECT_TOKEN": ""}) is None


def test_check_config_says_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", "--config", str(ROOT / "config.example.toml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("OK: ")
    assert not [line for line in lines if line.startswith("problem:")]


def test_check_config_lists_problems_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path, '[bot]\nlog_level = "LOUD"\n' + GOOD_TEAM.replace("Europe/London", "Mars/Olympus")
    )
    assert main(["check-config", "--config", str(path)]) == 2
    out = capsys.readouterr().out
    assert "bot.log_level" in out
    assert "teams[0].timezone" in out
    assert "2 problem(s) found." in out


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_bad_config_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "[[teams]]\nid = 5\n")
    result = run_cli(
        "run", "--config", str(path), env={"PATH": "/usr/bin:/bin", "PEER_REFLECT_TOKEN": "1:x"}
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "teams[0].id: must be a non-empty string" in result.stderr


def test_run_without_token_exits_2_with_one_line() -> None:
    result = run_cli("run", "--config", "config.example.toml", env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "PEER_REFLECT_TOKEN" in lines[0]


def test_a_team_without_crisis_lines_is_refused(tmp_path: Path) -> None:
    no_lines = GOOD_TEAM.split("[[teams.resources]]")[0]
    assert problems(tmp_path, no_lines) == [
        f"{tmp_path / 'config.toml'}: teams[0].resources: no crisis or emergency resource for "
        f'people using {lang!r}: add a [[teams.resources]] with kind = "crisis" (such as a '
        '24/7 line) or "emergency", without a language or with this one'
        for lang in LANGS
    ]


def test_crisis_lines_only_in_one_language_leave_the_other_uncovered(tmp_path: Path) -> None:
    english_only = GOOD_TEAM.replace('how = "Call 999"', 'how = "Call 999"\nlanguage = "en"')
    found = problems(tmp_path, english_only)
    assert len(found) == 1
    assert "people using 'de'" in found[0]
