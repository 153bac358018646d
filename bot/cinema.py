"""The cinema's zone and currency at process start: from the catalog stored in the
database (their one home), not from the settings, which only stand in before any
catalog is imported. A setting given explicitly that disagrees is a one-line error."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from bot.settings import Settings
from bot.startup import StartupFailed
from domain.catalog import CinemaInfo

FIELDS = ("timezone", "currency")


async def stored_cinema(database_url: str) -> CinemaInfo | None:
    """The cinema row, or None (no catalog imported yet, or not migrated)."""
    from infrastructure.db.engine import create_engine, session_factory
    from infrastructure.db.uow import SqlUnitOfWorkFactory

    engine = create_engine(database_url)
    try:
        async with SqlUnitOfWorkFactory(session_factory(engine))() as uow:
            return await uow.cinema.get()
    except DBAPIError:
        return None  # `migrate` has not run: the command that needs the schema says so
    finally:
        await engine.dispose()


def disagreements(settings: Settings, cinema: CinemaInfo) -> list[str]:
    """One line per setting given explicitly (environment, .env) that the catalog contradicts."""
    return [
        f"CINEBOOKER_{field.upper()}={getattr(settings, field)} contradicts the catalog, whose cinema is in "
        f"{getattr(cinema, field)}: unset CINEBOOKER_{field.upper()} (the catalog is where the cinema's "
        f"{field} lives) or import a catalog that says {getattr(settings, field)}"
        for field in FIELDS
        if field in settings.model_fields_set and getattr(settings, field) != getattr(cinema, field)
    ]


def with_cinema(settings: Settings, cinema: CinemaInfo | None) -> Settings:
    """The settings with the stored cinema's zone and currency (unchanged without one)."""
    if cinema is None:
        return settings
    return settings.model_copy(update={field: getattr(cinema, field) for field in FIELDS})


class CinemaContradicted(StartupFailed):
    """Settings given explicitly that the stored catalog contradicts, a line each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


async def resolved(settings: Settings) -> Settings:
    """The settings a process runs on: the stored cinema's zone and currency in place of
    the stand-ins; CinemaContradicted when an explicit setting says otherwise."""
    cinema = await stored_cinema(settings.database_url)
    if cinema is None:
        return settings
    contradicted = disagreements(settings, cinema)
    if contradicted:
        raise CinemaContradicted(contradicted)
    return with_cinema(settings, cinema)
