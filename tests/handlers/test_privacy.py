"""/mydata, /export and /forget: a person can see, take and erase what is kept."""

from __future__ import annotations

import json

from tests.conftest import COORDINATOR, MEMBER, STRANGER, Harness, texts


async def test_mydata_lists_everything_in_plain_words(bot: Harness) -> None:
    await bot.join(MEMBER)
    text = texts(await bot.send(MEMBER, "/mydata"))
    for expected in (
        f"Telegram user id: {MEMBER}",
        "Team: North peer team",
        "Role: team member",
        "Language: English",
        "Time zone: Europe/London",
        "You agreed on: 23 Nov 2026, 18:30",
        "Messages from me: on",
        "I never keep your name",
    ):
        assert expected in text


async def test_mydata_for_someone_unknown(bot: Harness) -> None:
    assert "I don't hold any data about you." in texts(await bot.send(STRANGER, "/mydata"))
    coordinator = texts(await bot.send(COORDINATOR, "/mydata"))
    assert "listed as a coordinator in this bot's settings file" in coordinator


async def test_export_sends_a_json_file_of_the_stored_data(bot: Harness) -> None:
    await bot.join(MEMBER)
    calls = await bot.send(MEMBER, "/export")
    document = next(c for c in calls if c.method == "sendDocument")
    assert document.chat_id == MEMBER
    ((name, content),) = document.files.values()
    assert name == "peer-reflect-my-data.json"
    data = json.loads(content)
    assert data["member"]["telegram_user_id"] == MEMBER
    assert data["member"]["team"] == "north"
    assert data["member"]["consented_at_utc"] == "2026-11-23T18:30:00+00:00"
    assert "Everything I hold about you" in document.text


async def test_export_for_a_stranger_sends_no_file(bot: Harness) -> None:
    calls = await bot.send(STRANGER, "/export")
    assert [c.method for c in calls] == ["sendMessage"]
    assert "I don't hold any data" in texts(calls)


async def test_forget_erases_after_confirmation(bot: Harness) -> None:
    await bot.join(MEMBER)
    calls = await bot.send(MEMBER, "/forget")
    assert "Erase everything I hold about you?" in texts(calls)
    assert bot.db_rows("SELECT COUNT(*) FROM members") == [(1,)], "not before confirming"
    calls = await bot.press_label(MEMBER, calls, "Yes, erase everything")
    assert "Everything I held about you has been erased." in texts(calls)
    assert bot.db_rows("SELECT COUNT(*) FROM members") == [(0,)]
    assert any(c.method == "deleteMyCommands" for c in calls)
    assert "I don't hold any data" in texts(await bot.send(MEMBER, "/mydata"))


async def test_forget_confirmed_twice(bot: Harness) -> None:
    await bot.join(MEMBER)
    confirm = await bot.send(MEMBER, "/forget")
    await bot.press_label(MEMBER, confirm, "Yes, erase everything")
    calls = await bot.press_label(MEMBER, confirm, "Yes, erase everything")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["text"] == "Your data has already been erased."
    assert bot.db_rows("SELECT COUNT(*) FROM members") == [(0,)]


async def test_forget_declined_keeps_everything(bot: Harness) -> None:
    await bot.join(MEMBER)
    calls = await bot.press_label(MEMBER, await bot.send(MEMBER, "/forget"), "No, keep it")
    assert "nothing has been erased" in texts(calls)
    assert bot.db_rows("SELECT COUNT(*) FROM members") == [(1,)]


async def test_forged_forget_button_erases_nothing(bot: Harness) -> None:
    await bot.join(MEMBER)
    await bot.send(MEMBER, "/forget")
    calls = await bot.press(MEMBER, "forget:yes:forgedNonce")
    assert calls[0].params["text"] == "This button no longer works."
    assert bot.db_rows("SELECT COUNT(*) FROM members") == [(1,)]


async def test_forget_for_a_stranger(bot: Harness) -> None:
    calls = await bot.send(STRANGER, "/forget")
    assert "nothing to erase" in texts(calls)
    assert calls[-1].buttons == []


async def test_rejoining_after_forget_needs_a_new_invite_and_consent(bot: Harness) -> None:
    await bot.join(MEMBER)
    confirm = await bot.send(MEMBER, "/forget")
    await bot.press_label(MEMBER, confirm, "Yes, erase everything")
    assert "ask your coordinator" in texts(await bot.send(MEMBER, "/start"))
    await bot.join(MEMBER)
    assert bot.db_rows("SELECT COUNT(*) FROM members") == [(1,)]
