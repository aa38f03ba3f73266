"""Wording: escaping, fallback language, and the checks check-config runs."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest

from prompts import PROMPTS_DIR, Prompts


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def test_values_are_escaped(prompts: Prompts) -> None:
    text = prompts.render("consent_given", "en", team_name="<b>Team</b> & co", coordinator=False)
    assert "&lt;b&gt;Team&lt;/b&gt; &amp; co" in text
    assert "<b>Team</b>" not in text.replace("<b>&lt;", "")


def test_missing_value_is_an_error_not_a_blank(prompts: Prompts) -> None:
    with pytest.raises(jinja2.UndefinedError):
        prompts.render("consent_given", "en")


def test_languages_shipped(prompts: Prompts) -> None:
    assert prompts.languages == ("en", "de")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("de", "de"),
        ("de-AT", "de"),
        ("DE", "de"),
        ("en-GB", "en"),
        ("fr", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_language_from_telegram_code(prompts: Prompts, code: str | None, expected: str) -> None:
    assert prompts.language(code) == expected


def test_unknown_language_uses_the_given_default(prompts: Prompts) -> None:
    assert prompts.language("fr", default="de") == "de"


def test_german_is_german(prompts: Prompts) -> None:
    assert prompts.label("consent_agree", "de") == "Einverstanden"
    assert "Kein Problem" in prompts.render("consent_declined", "de")


def test_shipped_wording_has_no_problems(prompts: Prompts) -> None:
    assert prompts.check() == []


def test_missing_translation_falls_back_to_english(copy: Path) -> None:
    (copy / "de" / "consent_declined.j2").unlink()
    prompts = Prompts(copy)
    assert prompts.render("consent_declined", "de").startswith("No problem.")
    problems = prompts.check()
    assert not any(p.fatal for p in problems), "a missing translation must not stop the bot"
    assert [str(p) for p in problems] == [
        f"{copy / 'de' / 'consent_declined.j2'}: missing: this language has "
        "no such template (English would be shown)"
    ]


def test_missing_label_falls_back_and_is_reported(copy: Path) -> None:
    labels = copy / "de" / "labels.j2"
    labels.write_text(
        labels.read_text(encoding="utf-8").replace('{% set forget_no = "Nein, behalten" %}\n', ""),
        encoding="utf-8",
    )
    prompts = Prompts(copy)
    assert prompts.label("forget_no", "de") == "No, keep it"
    problems = prompts.check()
    assert [str(p) for p in problems] == [
        f"{labels}: missing label 'forget_no' (English would be shown)"
    ]
    assert not problems[0].fatal


def test_syntax_error_is_reported_with_file_and_line(copy: Path) -> None:
    broken = copy / "en" / "mydata.j2"
    broken.write_text("line one\nline two {% if %}\n", encoding="utf-8")
    problems = Prompts(copy).check()
    assert len(problems) == 1
    assert problems[0].file == str(broken)
    assert problems[0].line == 2


def test_dates_read_naturally(prompts: Prompts) -> None:
    moment = datetime(2026, 12, 7, 18, 5, tzinfo=UTC)
    assert prompts.format_day(moment, "en") == "7 Dec 2026"
    assert prompts.format_day(moment, "de", with_time=True) == "7. Dez. 2026, 18:05"
