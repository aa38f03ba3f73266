"""All user-visible wording: Jinja2 templates under `prompts/<lang>/`.

Messages are HTML templates (`<name>.j2`), rendered with autoescaping so a person's own words
can never inject markup. Short plain labels (buttons, the command menu, month names) live in
`<lang>/labels.j2` as `{% set name = "..." %}` lines. A language without a template falls back
to English, so a half-finished translation still works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from prompts.scripts import (
    Script,
    ScriptError,
    ScriptProblem,
    available_scripts,
    load_script,
    script_path,
)

PROMPTS_DIR = Path(__file__).resolve().parent
FALLBACK_LANGUAGE = "en"
_LANG_DIR = re.compile(r"^[a-z]{2}$")
_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def available_languages(root: Path = PROMPTS_DIR) -> tuple[str, ...]:
    """Languages with a folder of templates, English first."""
    found = sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and _LANG_DIR.match(p.name) and (p / "labels.j2").exists()
    )
    return tuple(sorted(found, key=lambda code: code != FALLBACK_LANGUAGE))


@dataclass(frozen=True)
class Problem:
    """Something wrong with a template, with where it is."""

    file: str
    line: int | None
    message: str
    # A missing translation falls back to English: worth fixing, not worth refusing to start.
    fatal: bool = True

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class Prompts:
    """One Jinja environment, built once at start-up, shared by every handler."""

    def __init__(self, root: Path = PROMPTS_DIR) -> None:
        self.root = root
        self.languages = available_languages(root)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(root)),
            # select_autoescape() does not cover .j2 names, so escape everything.
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._labels: dict[str, Any] = {}

    def language(self, code: str | None, default: str = FALLBACK_LANGUAGE) -> str:
        """Our language for a Telegram language_code such as 'de-AT', else the default."""
        if code:
            base = code.split("-")[0].split("_")[0].lower()
            if base in self.languages:
                return base
        return default if default in self.languages else FALLBACK_LANGUAGE

    def _template(self, name: str, lang: str) -> jinja2.Template:
        try:
            return self.env.get_template(f"{lang}/{name}.j2")
        except jinja2.TemplateNotFound:
            if lang == FALLBACK_LANGUAGE:
                raise
            return self.env.get_template(f"{FALLBACK_LANGUAGE}/{name}.j2")

    def render(self, name: str, lang: str, **values: Any) -> str:
        """The message `name` in `lang` (HTML), with every value escaped."""
        text = self._template(name, lang).render(lang=lang, **values)
        # Templates may leave blank lines around optional paragraphs: keep at most one.
        return _BLANK_RUNS.sub("\n\n", _TRAILING_SPACE.sub("\n", text)).strip()

    def label(self, name: str, lang: str, **values: Any) -> str:
        """A short plain-text label (a button, a menu entry), falling back to English."""
        for code in (lang, FALLBACK_LANGUAGE):
            module = self._labels_module(code)
            if module is not None and hasattr(module, name):
                text = str(getattr(module, name))
                return text.format(**values) if values else text
        raise KeyError(f"no label {name!r} in {lang} or {FALLBACK_LANGUAGE}")

    def _labels_module(self, lang: str) -> Any:
        if lang not in self._labels:
            try:
                self._labels[lang] = self.env.get_template(f"{lang}/labels.j2").module
            except jinja2.TemplateNotFound:
                self._labels[lang] = None
        return self._labels[lang]

    def format_day(self, moment: datetime, lang: str, with_time: bool = False) -> str:
        """A date as people write it ('7 Dec 2026'), with month names from the labels."""
        months = self.label("months", lang).split()
        text = self.label(
            "date_pattern", lang, day=moment.day, month=months[moment.month - 1], year=moment.year
        )
        if with_time:
            text += f", {moment:%H:%M}"
        return text

    def has_template(self, name: str) -> bool:
        """Whether English (the fallback every language can use) has this template."""
        return (self.root / FALLBACK_LANGUAGE / f"{name}.j2").is_file()

    def has_label(self, name: str) -> bool:
        module = self._labels_module(FALLBACK_LANGUAGE)
        return module is not None and hasattr(module, name)

    def load_scripts(self) -> dict[str, Script]:
        """Every script under prompts/scripts/, checked against the templates and labels.

        Raises ScriptError listing every problem in every script.
        """
        scripts: dict[str, Script] = {}
        problems: list[ScriptProblem] = []
        for name in available_scripts(self.root / "scripts"):
            try:
                scripts[name] = load_script(
                    script_path(name, self.root / "scripts"), self.has_template, self.has_label
                )
            except ScriptError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ScriptError(problems)
        return scripts

    def check(self) -> list[Problem]:
        """Every template parses and every language has what English has.

        Run by `peer-reflect check-config` so a co-produced wording change that breaks a
        template is found before the bot starts, with its file and line.
        """
        problems: list[Problem] = []
        if FALLBACK_LANGUAGE not in self.languages:
            problems.append(Problem(str(self.root), None, "the English templates are missing"))
            return problems
        names: dict[str, set[str]] = {}
        for lang in self.languages:
            names[lang] = set()
            for path in sorted((self.root / lang).glob("*.j2")):
                names[lang].add(path.stem)
                source = path.read_text(encoding="utf-8")
                try:
                    self.env.parse(source, name=path.stem, filename=str(path))
                except jinja2.TemplateSyntaxError as exc:
                    problems.append(Problem(str(path), exc.lineno, exc.message or "syntax error"))
        for lang in self.languages:
            for missing in sorted(names[FALLBACK_LANGUAGE] - names[lang]):
                problems.append(
                    Problem(
                        str(self.root / lang / f"{missing}.j2"),
                        None,
                        "missing: this language has no such template (English would be shown)",
                        fatal=False,
                    )
                )
        if not any(p.fatal for p in problems):
            problems.extend(self._check_labels())
        try:
            self.load_scripts()
        except ScriptError as exc:
            problems.extend(Problem(str(p.file), p.line, p.message) for p in exc.problems)
        return problems

    def _check_labels(self) -> list[Problem]:
        problems = []
        english = self._labels_module(FALLBACK_LANGUAGE)
        wanted = {k for k in dir(english) if not k.startswith("_")}
        for lang in self.languages:
            module = self._labels_module(lang)
            have = {k for k in dir(module) if not k.startswith("_")}
            for missing in sorted(wanted - have):
                problems.append(
                    Problem(
                        str(self.root / lang / "labels.j2"),
                        None,
                        f"missing label {missing!r} (English would be shown)",
                        fatal=False,
                    )
                )
            if len(str(getattr(module, "months", "")).split()) != 12:
                problems.append(
                    Problem(
                        str(self.root / lang / "labels.j2"),
                        None,
                        "'months' must list twelve month names",
                    )
                )
        return problems
