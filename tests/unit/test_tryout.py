"""`peer-reflect try`: a chat in the terminal through the real handlers, no token, no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def try_out(lines: list[str], *args: str, tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PEER_REFLECT_TOKEN"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "try",
            "--config",
            "config.example.toml",
            "--database",
            str(tmp_path / "try.sqlite3"),
            *args,
        ],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_member_joins_and_sees_their_data_in_the_terminal(tmp_path: Path) -> None:
    out = try_out(["1", "/mydata", "/quit"], tmp_path=tmp_path)
    assert "[1] I agree" in out
    assert "[2] No thanks" in out
    assert "You're now part of North East peer support team here." in out
    assert "<b>" not in out  # HTML is shown as plain text
    assert "Time zone: Europe/London" in out


def test_coordinator_can_make_an_invite(tmp_path: Path) -> None:
    out = try_out(["/invite 7 3"], "--as", "coordinator", tmp_path=tmp_path)
    assert "listed as a coordinator" in out
    assert "https://t.me/peer_reflect_bot?start=" in out
    assert "for up to 3 people" in out


def test_the_try_database_keeps_what_was_agreed(tmp_path: Path) -> None:
    try_out(["1"], tmp_path=tmp_path)
    out = try_out(["/mydata"], tmp_path=tmp_path)
    assert "Welcome back" in out
    assert "Role: team member" in out


def test_typing_a_buttons_label_presses_it(tmp_path: Path) -> None:
    out = try_out(["1", "/checkin", "8"], tmp_path=tmp_path)
    assert "→ 8" in out  # the scale button labelled 8, not the eighth button (7)
