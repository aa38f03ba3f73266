"""/settings: language and time zone, validated."""

from __future__ import annotations

import pytest

from tests.conftest import MEMBER, STRANGER, Harness, texts


async def test_settings_show_current_values_with_buttons(bot: Harness) -> None:
    await bot.join(MEMBER)
    calls = await bot.send(MEMBER, "/settings")
    assert "Language: English" in texts(calls)
    assert "Time zone: Europe/London" in texts(calls)
    assert [label for label, _ in calls[-1].buttons] == ["Language", "Time zone"]


async def test_language_change_by_buttons_switches_every_reply(bot: Harness) -> None:
    await bot.join(MEMBER)
    calls = await bot.press_label(MEMBER, await bot.send(MEMBER, "/settings"), "Language")
    assert [label for label, _ in calls[-1].buttons] == ["English", "Deutsch"]
    calls = await bot.press_label(MEMBER, calls, "Deutsch")
    assert "Ich schreibe dir jetzt auf Deutsch" in texts(calls)
    menu = next(c for c in calls if c.method == "setMyCommands")
    assert {"command": "mydata", "description": "Sehen, was ich über dich habe"} in (
        menu.params["commands"]
    )
    assert "Was du tun kannst" in texts(await bot.send(MEMBER, "/help"))
    assert bot.db_rows("SELECT language FROM members") == [("de",)]


async def test_language_one_liner_and_unknown_language(bot: Harness) -> None:
    await bot.join(MEMBER)
    assert "Ich schreibe dir" in texts(await bot.send(MEMBER, "/settings language de"))
    assert "Ich kann: en, de" in texts(await bot.send(MEMBER, "/settings language fr"))
    assert bot.db_rows("SELECT language FROM members") == [("de",)]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Asia/Singapore", "Asia/Singapore"),
        ("europe/berlin", "Europe/Berlin"),
        (" America/New York ", "America/New_York"),
        ("London", "Europe/London"),
        ("new york", "America/New_York"),
        ("UTC", "UTC"),
    ],
)
async def test_time_zone_typed_after_the_button(bot: Harness, typed: str, stored: str) -> None:
    await bot.join(MEMBER)
    calls = await bot.press_label(MEMBER, await bot.send(MEMBER, "/settings"), "Time zone")
    assert "Send me the new one" in texts(calls)
    calls = await bot.send(MEMBER, typed)
    assert f"your time zone is now {stored}" in texts(calls)
    assert bot.db_rows("SELECT timezone FROM members") == [(stored,)]
    # the next message is not taken as a time zone
    assert "I don't keep messages like this one" in texts(await bot.send(MEMBER, "Europe/Paris"))


@pytest.mark.parametrize("typed", ["Mars/Olympus", "../../etc/passwd", "UTC" * 40, "Europe"])
async def test_unknown_time_zone_is_asked_again(bot: Harness, typed: str) -> None:
    await bot.join(MEMBER)
    await bot.press_label(MEMBER, await bot.send(MEMBER, "/settings"), "Time zone")
    assert "I don't know that time zone" in texts(await bot.send(MEMBER, typed))
    assert "I don't know that time zone" in texts(await bot.feed(bot.updates.sticker(MEMBER)))
    assert bot.db_rows("SELECT timezone FROM members") == [("Europe/London",)]
    assert "Stopped" in texts(await bot.send(MEMBER, "/cancel"))
    assert "I don't keep messages like this one" in texts(await bot.send(MEMBER, "Asia/Tokyo"))
    assert bot.db_rows("SELECT timezone FROM members") == [("Europe/London",)]


async def test_time_zone_one_liner(bot: Harness) -> None:
    await bot.join(MEMBER)
    assert "now Asia/Tokyo" in texts(await bot.send(MEMBER, "/settings timezone Asia/Tokyo"))
    assert "now America/New_York" in texts(
        await bot.send(MEMBER, "/settings timezone America/New York")
    )


async def test_settings_are_for_members(bot: Harness) -> None:
    assert "Settings are for team members" in texts(await bot.send(STRANGER, "/settings"))
    calls = await bot.press(STRANGER, "set:lg:de")
    assert calls[0].params["text"] == "That's for team members."
    assert bot.db_rows("SELECT COUNT(*) FROM members") == [(0,)]
