"""Check-in scripts as data: `prompts/scripts/<name>.toml`.

A script is an ordered list of steps (`scale` 0-10, `choice`, `text`) and a list of rules that
raise flags from the answers. The wording lives in templates (`prompts/<lang>/<template>.j2`)
and choice labels in `labels.j2` (`choice_<id>`), so a team can change its questions without
touching Python. `validate` reports every problem with file and line, and the bot refuses to
start with a broken script.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPTS_DIR = Path(__file__).resolve().parent / "scripts"
KINDS = ("scale", "choice", "text")
# Flags a rule may raise; each has its own signposting response.
RULE_FLAGS = ("high_load", "talk", "own_story", "boundaries", "practical")
# Flags raised by the bot itself, not by rules.
RISK = "risk"
RUN = "run"
ALL_FLAGS = (*RULE_FLAGS, RISK, RUN)
THRESHOLD = "threshold"
_ID = re.compile(r"^[a-z][a-z0-9_]{0,19}$")


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    template: str
    optional: bool = False
    choices: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Condition:
    """One test on one answer: equal to a choice, one of several, or a scale at least N."""

    step: str
    equals: tuple[str, ...] = ()
    at_least: int | str | None = None  # a number, or "threshold" for the team's load threshold

    def holds(self, answers: Mapping[str, Any], threshold: int) -> bool:
        value = answers.get(self.step)
        if value is None:
            return False
        if self.equals:
            return str(value) in self.equals
        if self.at_least is not None:
            limit = threshold if self.at_least == THRESHOLD else int(self.at_least)
            return isinstance(value, int) and value >= limit
        return False


@dataclass(frozen=True)
class Rule:
    """Raise `flag` when every condition holds."""

    flag: str
    when: tuple[Condition, ...]
    line: int = 0

    def fires(self, answers: Mapping[str, Any], threshold: int) -> bool:
        return all(c.holds(answers, threshold) for c in self.when)


@dataclass(frozen=True)
class Script:
    name: str
    path: Path
    steps: tuple[Step, ...]
    rules: tuple[Rule, ...] = ()
    close_template: str = "checkin_close"

    @property
    def key(self) -> str:
        """Name and a fingerprint of the steps: a check-in under way belongs to exactly this
        version of the script, so one edited in between is noticed, not misread."""
        shape = "|".join(f"{s.id}:{s.kind}:{','.join(s.choices)}" for s in self.steps)
        return f"{self.name}@{hashlib.sha256(shape.encode()).hexdigest()[:10]}"

    def step_index(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)

    def flags(self, answers: Mapping[str, Any], threshold: int) -> set[str]:
        """The rule flags these answers raise (risk and runs are added by the bot)."""
        return {r.flag for r in self.rules if r.fires(answers, threshold)}

    @property
    def load_step(self) -> Step | None:
        """The first 0-10 scale: the load a trend and team figures are drawn from."""
        return next((s for s in self.steps if s.kind == "scale"), None)


@dataclass(frozen=True)
class ScriptProblem:
    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else (f"{self.file}: {self.message}")
        )


class ScriptError(Exception):
    def __init__(self, problems: list[ScriptProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class _Lines:
    """Where each [[steps]] and [[rules]] table starts, since tomllib keeps no positions."""

    steps: list[int] = field(default_factory=list)
    rules: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> _Lines:
        found = cls()
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("[[steps]]"):
                found.steps.append(number)
            elif stripped.startswith("[[rules]]"):
                found.rules.append(number)
        return found

    @staticmethod
    def at(lines: list[int], index: int) -> int:
        return lines[index] if index < len(lines) else 0


def load_script(
    path: Path,
    template_exists: Callable[[str], bool] | None = None,
    label_exists: Callable[[str], bool] | None = None,
) -> Script:
    """Read and check one script; ScriptError lists every problem with file and line."""
    problems: list[ScriptProblem] = []

    def problem(line: int | None, message: str) -> None:
        problems.append(ScriptProblem(path, line or None, message))

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptError([ScriptProblem(path, None, f"cannot be read ({exc.strerror})")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ScriptError(
            [ScriptProblem(path, int(match.group(1)) if match else None, f"not valid TOML: {exc}")]
        ) from None
    lines = _Lines.of(text)
    for unknown in sorted(set(data) - {"steps", "rules", "close_template", "description"}):
        problem(None, f"unknown key {unknown!r}")
    raw_steps = data.get("steps", [])
    if not isinstance(raw_steps, list) or not raw_steps:
        problem(None, "a script needs at least one [[steps]] entry")
        raw_steps = []
    steps: list[Step] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_steps):
        line = _Lines.at(lines.steps, index)
        step = _step(raw, line, problem)
        if step is None:
            continue
        if step.id in seen:
            problem(line, f"duplicate step id {step.id!r} (first on line {seen[step.id]})")
            continue
        seen[step.id] = line
        if template_exists is not None and step.template and not template_exists(step.template):
            problem(line, f"step {step.id!r}: missing template {step.template!r}")
        if label_exists is not None:
            for choice in step.choices:
                if not label_exists(f"choice_{choice}"):
                    problem(line, f"step {step.id!r}: no label 'choice_{choice}' in labels.j2")
        steps.append(step)
    if not any(s.kind == "scale" for s in steps) and steps:
        problem(None, "a script needs a 'scale' step: the load that trends are drawn from")
    by_id = {s.id: s for s in steps}
    rules: list[Rule] = []
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        problem(None, "'rules' must be a list of [[rules]] tables")
        raw_rules = []
    for index, raw in enumerate(raw_rules):
        rule = _rule(raw, _Lines.at(lines.rules, index), by_id, problem)
        if rule is not None:
            rules.append(rule)
    close = data.get("close_template", "checkin_close")
    if not isinstance(close, str) or (template_exists is not None and not template_exists(close)):
        problem(None, f"close_template: missing template {close!r}")
    if problems:
        raise ScriptError(problems)
    return Script(path.stem, path, tuple(steps), tuple(rules), close)


def _step(raw: Any, line: int, problem: Callable[[int | None, str], None]) -> Step | None:
    if not isinstance(raw, dict):
        problem(line, "a step must be a table")
        return None
    for unknown in sorted(set(raw) - {"id", "kind", "template", "optional", "choices"}):
        problem(line, f"unknown key {unknown!r} in a step")
    step_id = raw.get("id")
    if not isinstance(step_id, str) or not _ID.match(step_id):
        problem(line, f"step id {step_id!r} must be lower-case letters, digits and '_'")
        return None
    kind = raw.get("kind")
    if kind not in KINDS:
        problem(line, f"step {step_id!r}: unknown kind {kind!r} (use {', '.join(KINDS)})")
        return None
    template = raw.get("template", "")
    if not isinstance(template, str) or not template:
        problem(line, f"step {step_id!r}: 'template' names the template that words it")
        template = ""
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        problem(line, f"step {step_id!r}: 'optional' must be true or false")
        optional = False
    choices = raw.get("choices", [])
    if kind == "choice":
        if (
            not isinstance(choices, list)
            or len(choices) < 2
            or not all(isinstance(c, str) and _ID.match(c) for c in choices)
        ):
            problem(line, f"step {step_id!r}: a choice step needs two or more choice ids")
            choices = []
        elif len(set(choices)) != len(choices):
            problem(line, f"step {step_id!r}: a choice is listed twice")
    elif choices:
        problem(line, f"step {step_id!r}: only a choice step has choices")
        choices = []
    return Step(step_id, kind, template, optional, tuple(choices), line)


def _rule(
    raw: Any, line: int, steps: Mapping[str, Step], problem: Callable[[int | None, str], None]
) -> Rule | None:
    if not isinstance(raw, dict):
        problem(line, "a rule must be a table")
        return None
    for unknown in sorted(set(raw) - {"flag", "when"}):
        problem(line, f"unknown key {unknown!r} in a rule")
    flag = raw.get("flag")
    if flag not in RULE_FLAGS:
        problem(line, f"rule flag {flag!r} is not one of {', '.join(RULE_FLAGS)}")
        return None
    when = raw.get("when")
    if isinstance(when, dict):
        when = [when]
    if not isinstance(when, list) or not when:
        problem(line, f"rule {flag!r}: 'when' lists one or more conditions")
        return None
    conditions: list[Condition] = []
    ok = True
    for cond in when:
        if not isinstance(cond, dict):
            problem(line, f"rule {flag!r}: a condition must be a table")
            ok = False
            continue
        step_id = cond.get("step")
        step = steps.get(step_id) if isinstance(step_id, str) else None
        if step is None:
            problem(line, f"rule {flag!r} names a missing step {step_id!r}")
            ok = False
            continue
        if "equals" in cond:
            wanted = cond["equals"]
            values = tuple(wanted) if isinstance(wanted, list) else (wanted,)
            if step.kind != "choice":
                problem(
                    line, f"rule {flag!r}: 'equals' needs a choice step, {step.id!r} is {step.kind}"
                )
                ok = False
                continue
            missing = [v for v in values if v not in step.choices]
            if missing:
                problem(
                    line, f"rule {flag!r} names a missing choice {missing[0]!r} of step {step.id!r}"
                )
                ok = False
                continue
            conditions.append(Condition(step.id, equals=tuple(str(v) for v in values)))
        elif "at_least" in cond:
            limit = cond["at_least"]
            if step.kind != "scale":
                problem(
                    line,
                    f"rule {flag!r}: 'at_least' needs a scale step, {step.id!r} is {step.kind}",
                )
                ok = False
                continue
            if limit != THRESHOLD and (
                isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= 10
            ):
                problem(line, f"rule {flag!r}: 'at_least' is 0-10 or \"threshold\"")
                ok = False
                continue
            conditions.append(Condition(step.id, at_least=limit))
        else:
            problem(line, f"rule {flag!r}: a condition needs 'equals' or 'at_least'")
            ok = False
    return Rule(str(flag), tuple(conditions), line) if ok else None


def script_path(name: str, root: Path = SCRIPTS_DIR) -> Path:
    return root / f"{name}.toml"


def available_scripts(root: Path = SCRIPTS_DIR) -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in root.glob("*.toml")))
