"""Risk wording: case-, accent- and spacing-insensitive, on whole words, in every language."""

from __future__ import annotations

import pytest

from prompts.risk import RiskMatcher, normalise


@pytest.fixture(scope="module")
def risk() -> RiskMatcher:
    return RiskMatcher.from_files(languages=("en", "de"))


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",
        "i WANT to DIE",
        "some days I want   to\n die, honestly",
        "thinking about suicide again",
        "I can't go on like this",
        "I can’t go on like this",
        "I cant go on",
        "Ich will nicht mehr leben",
        "ich bin so LEBENSMÜDE",
        "ich bin so lebensmude",
        "Gedanken an Suizid",
        "want to hurt myself...",
        "self-harm",
        "ich bring mich um",
        "Ich möchte sterben",
        "ich tu mir was an",
        "seit Tagen Suizidgedanken",
        "wieder Selbstmordgedanken",
        "I want to take my life",
        "I don't want to live anymore",
        "I feel like ending it",
        "suicidal thoughts again",
    ],
)
def test_risk_wording_is_seen(risk: RiskMatcher, text: str) -> None:
    assert risk.matches(text)


@pytest.mark.parametrize(
    "text",
    [
        "It was a long day but a good one",
        "I could die laughing at that meeting",  # no phrase: "die" alone is not on the list
        "we talked about overdoses of coffee",  # whole words only: 'overdoses' is not 'overdose'
        "killing time before the bus",
        "the presuicidal syndrome lecture",  # a stem matches at the start of a word only
        "",
        "🙂",
    ],
)
def test_ordinary_words_are_not_risk(risk: RiskMatcher, text: str) -> None:
    assert not risk.matches(text)


def test_normalise_folds_case_accents_and_spacing() -> None:
    assert normalise("  Ça   VA?\tÜber-Dosis!  ") == "ca va uber dosis"
