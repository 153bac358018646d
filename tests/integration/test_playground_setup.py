"""The playground prepares the embedded database itself: the sample cinema goes
into an empty catalog once, on the default settings too (the catalog says where the
cinema is), and not at all (with the reason said) when a setting given explicitly
contradicts it."""

from __future__ import annotations

from bot.container import build_container
from bot.playground import prepare_database
from bot.settings import Settings


def _settings(tmp_path, zone: str | None) -> Settings:
    explicit = {"timezone": zone} if zone else {}
    return Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'var' / 'c.db'}", **explicit)


async def _movies(settings: Settings) -> int:
    container = build_container(settings)
    try:
        async with container.deps.uow() as uow:
            return len(await uow.movies.list())
    finally:
        await container.close()


async def test_the_sample_cinema_is_loaded_once(tmp_path):
    settings = _settings(tmp_path, "Europe/Berlin")
    said = await prepare_database(settings)
    assert said is not None and said.startswith("Loaded the sample cinema") and await _movies(settings) == 8
    assert await prepare_database(settings) is None  # a restart keeps what is there
    assert await _movies(settings) == 8


async def test_on_the_default_settings_the_sample_is_loaded(tmp_path):
    """Outside `make playground`, nothing set: it used to stay empty ("Nothing is on
    sale right now") because the default zone was UTC."""
    settings = _settings(tmp_path, None)
    said = await prepare_database(settings)
    assert said is not None and said.startswith("Loaded the sample cinema") and await _movies(settings) == 8


async def test_an_explicit_setting_of_another_zone_is_told_why_nothing_was_loaded(tmp_path):
    settings = _settings(tmp_path, "UTC")
    said = await prepare_database(settings)
    assert said is not None and "NOT loaded" in said and "CINEBOOKER_TIMEZONE=UTC contradicts" in said
    assert await _movies(settings) == 0
