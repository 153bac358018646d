"""A first walk through the bot over real HTTP."""

from tests.e2e.conftest import running_bot, settings_for


async def test_start_shows_the_menu_and_now_showing(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        await client.send_text(ann["id"], "/start", user_id=ann["id"])
        menu = await client.wait_for_text(ann["id"], "Hello, Ann")
        assert menu["reply_markup"]
        await client.click_button(ann["id"], "🎬 Now showing", user_id=ann["id"])
        listing = await client.wait_for_text(ann["id"], "Now showing:")
        print(listing)
