"""Risk wording: per-language phrase lists matched case-, accent- and spacing-insensitively on
whole words. A match pauses a check-in and puts the crisis resources first.

The lists (`prompts/<lang>/risk_phrases.txt`, one phrase a line, `#` for comments) are meant to
be edited by the team. They err towards showing support: a peer supporter writing about a
client's words will see the resources too, and can say "that's not what I meant".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from prompts import FALLBACK_LANGUAGE, PROMPTS_DIR

_NOT_WORD = re.compile(r"[^\w]+")
PHRASES_FILE = "risk_phrases.txt"


def normalise(text: str) -> str:
    """Lower-case, accents stripped, every run of spaces and punctuation one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("ß", "ss").replace("'", "").replace("’", "")
    return " ".join(_NOT_WORD.sub(" ", plain).split())


class RiskMatcher:
    """Phrases of every language, since people mix languages; built once at start-up.

    A phrase ending in `*` matches its last word as a stem: `suizid*` finds "Suizidgedanken",
    which whole-word matching alone would miss in a language that builds compound words.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        whole: set[str] = set()
        stems: set[str] = set()
        for raw in phrases:
            stem = raw.strip().endswith("*")
            phrase = normalise(raw.strip().rstrip("*"))
            if phrase:
                (stems if stem else whole).add(phrase)
        self.phrases = tuple(sorted(whole))
        self.stems = tuple(sorted(stems))

    @classmethod
    def from_files(cls, root: Path = PROMPTS_DIR, languages: Iterable[str] = ()) -> RiskMatcher:
        phrases: list[str] = []
        for lang in (*languages, FALLBACK_LANGUAGE):
            path = root / lang / PHRASES_FILE
            if path.exists():
                phrases.extend(read_phrases(path))
        return cls(phrases)

    def matches(self, text: str) -> bool:
        """True when any phrase stands in the text as whole words."""
        padded = f" {normalise(text)} "
        return any(f" {phrase} " in padded for phrase in self.phrases) or any(
            f" {stem}" in padded for stem in self.stems
        )


def read_phrases(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
