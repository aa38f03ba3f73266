"""Check-in scripts as data: loading the default, and every kind of mistake a team can make."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from prompts import PROMPTS_DIR, Prompts
from prompts.scripts import ScriptError, load_script

ROOT = Path(__file__).resolve().parents[2]
GOOD = """
[[steps]]
id = "load"
kind = "scale"
template = "checkin_load"

[[steps]]
id = "need"
kind = "choice"
template = "checkin_need"
choices = ["rest", "talk"]

[[rules]]
flag = "talk"
when = [{ step = "need", equals = "talk" }]
"""


def load(tmp_path: Path, text: str, prompts: Prompts) -> object:
    path = tmp_path / "team.toml"
    path.write_text(text, encoding="utf-8")
    return load_script(path, prompts.has_template, prompts.has_label)


def problems(tmp_path: Path, text: str, prompts: Prompts) -> list[str]:
    with pytest.raises(ScriptError) as caught:
        load(tmp_path, text, prompts)
    return [str(p) for p in caught.value.problems]


def test_default_script_is_the_designed_check_in(prompts: Prompts) -> None:
    script = prompts.load_scripts()["default"]
    assert [(s.id, s.kind, s.optional) for s in script.steps] == [
        ("load", "scale", False),
        ("stayed", "text", True),
        ("own_story", "choice", False),
        ("boundaries", "choice", False),
        ("helped", "text", True),
        ("need", "choice", False),
    ]
    assert script.steps[5].choices == ("rest", "talk", "practical", "nothing")
    assert script.load_step is not None
    assert script.load_step.id == "load"


@pytest.mark.parametrize(
    ("answers", "threshold", "flags"),
    [
        ({"load": 6, "need": "rest"}, 7, set()),
        ({"load": 7, "need": "rest"}, 7, {"high_load"}),
        ({"load": 10, "need": "talk"}, 7, {"high_load", "talk"}),
        ({"load": 8, "own_story": "yes"}, 7, {"high_load", "own_story"}),
        ({"load": 5, "own_story": "yes"}, 7, set()),
        ({"load": 8, "own_story": "a_little"}, 7, {"high_load"}),
        ({"load": 8, "own_story": "yes"}, 9, set()),
        ({"load": 2, "boundaries": "no", "need": "practical"}, 7, {"boundaries", "practical"}),
        ({}, 7, set()),
    ],
)
def test_default_rules_flag_at_the_team_threshold(
    prompts: Prompts, answers: dict[str, int | str], threshold: int, flags: set[str]
) -> None:
    assert prompts.load_scripts()["default"].flags(answers, threshold) == flags


def test_a_valid_custom_script_loads(tmp_path: Path, prompts: Prompts) -> None:
    script = load(tmp_path, GOOD, prompts)
    assert [s.id for s in script.steps] == ["load", "need"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('kind = "scale"', 'kind = "slider"'), "team.toml:2: step 'load': unknown kind 'slider'"),
        (
            ('template = "checkin_need"', 'template = "checkin_nope"'),
            "team.toml:7: step 'need': missing template 'checkin_nope'",
        ),
        (('id = "need"', 'id = "load"'), "team.toml:7: duplicate step id 'load' (first on line 2)"),
        (
            ('step = "need", equals', 'step = "mood", equals'),
            "team.toml:13: rule 'talk' names a missing step 'mood'",
        ),
        (
            ('equals = "talk"', 'equals = "chat"'),
            "team.toml:13: rule 'talk' names a missing choice 'chat' of step 'need'",
        ),
        (
            ('flag = "talk"', 'flag = "panic"'),
            "team.toml:13: rule flag 'panic' is not one of high_load, talk",
        ),
        (
            ('equals = "talk"', "at_least = 3"),
            "team.toml:13: rule 'talk': 'at_least' needs a scale step, 'need' is choice",
        ),
        (
            ('choices = ["rest", "talk"]', 'choices = ["rest", "shrug"]'),
            "team.toml:7: step 'need': no label 'choice_shrug' in labels.j2",
        ),
        (('choices = ["rest", "talk"]', 'choices = ["rest"]'), "needs two or more choice ids"),
        (('kind = "scale"', 'kind = "text"'), "a script needs a 'scale' step"),
        (('id = "load"', 'id = "Load!"'), "team.toml:2: step id 'Load!' must be lower-case"),
        (
            ('template = "checkin_load"', 'template = "checkin_load"\ncolour = 1'),
            "team.toml:2: unknown key 'colour' in a step",
        ),
    ],
)
def test_every_mistake_is_reported_with_file_and_line(
    tmp_path: Path, prompts: Prompts, change: tuple[str, str], expected: str
) -> None:
    found = problems(tmp_path, GOOD.replace(*change, 1), prompts)
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "team.toml")) for p in found)


def test_several_mistakes_are_all_listed(tmp_path: Path, prompts: Prompts) -> None:
    text = GOOD.replace('kind = "choice"', 'kind = "dial"').replace('equals = "talk"', "x = 1")
    found = problems(tmp_path, text, prompts)
    assert len(found) >= 2


def test_toml_syntax_error_names_the_line(tmp_path: Path, prompts: Prompts) -> None:
    found = problems(tmp_path, GOOD.replace('id = "need"', 'id = "need'), prompts)
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'team.toml'}:8: not valid TOML")


def _broken_prompts(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (root / "scripts" / "default.toml").write_text(
        GOOD.replace('kind = "choice"', 'kind = "dial"'), encoding="utf-8"
    )
    return root


def test_check_config_reports_a_broken_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _broken_prompts(tmp_path)
    monkeypatch.setattr("bot.__main__.Prompts", lambda: Prompts(root))
    assert main(["check-config", "--config", str(ROOT / "config.example.toml")]) == 2
    out = capsys.readouterr().out
    assert (
        f"problem: {root / 'scripts' / 'default.toml'}:7: step 'need': unknown kind 'dial'" in out
    )


def test_the_bot_refuses_to_build_with_a_broken_script(tmp_path: Path) -> None:
    from bot.app import build_application
    from bot.config import load_config
    from prompts import available_languages

    config = load_config(ROOT / "config.example.toml", available_languages())
    with pytest.raises(ScriptError):
        build_application(config, "1:x", prompts=Prompts(_broken_prompts(tmp_path)))


def test_a_team_naming_a_missing_script_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(text.replace('script = "default"', 'script = "ours"'), encoding="utf-8")
    assert main(["check-config", "--config", str(path)]) == 2
    assert "teams[0].script: no script 'ours' in prompts/scripts/" in capsys.readouterr().out
