"""One-shot commands on the database: `catalog import|export`, `payments reconcile`."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import AsyncIterator

from sqlalchemy.exc import DBAPIError

from bot.cli import fail, fail_all
from bot.container import Container, build_container
from bot.settings import Settings
from domain.services.catalog_admin import CatalogError


@contextlib.asynccontextmanager
async def _container(settings: Settings) -> AsyncIterator[Container]:
    """A container for one command; a database without the schema is a one-line
    error that says what to do."""
    container = build_container(settings)
    try:
        yield container
    except DBAPIError as exc:
        first = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        fail(f"database not ready ({first}); run `cinebooker migrate` first")
    finally:
        await container.close()


async def import_catalog(settings: Settings, file: Path) -> None:
    from bot.cinema import disagreements
    from infrastructure.catalog.yamlfile import load_catalog

    try:
        size = file.stat().st_size
    except FileNotFoundError:
        fail(f"{file}: no such file — check the path")
    except OSError as exc:
        fail(f"{file}: cannot read it: {exc.strerror or exc}")
    if size > settings.catalog_max_bytes:
        # Refused before parsing: a huge file would keep the command busy for minutes.
        fail(
            f"{file}: {size:,} bytes, over the cap of {settings.catalog_max_bytes:,} bytes; split the catalog, "
            "or raise CINEBOOKER_CATALOG_MAX_BYTES"
        )
    try:
        data = load_catalog(file)
    except CatalogError as exc:
        fail(str(exc))
    # The file describes the cinema; a setting given explicitly that says otherwise
    # is a mistake somewhere, said before anything is written.
    fail_all([f"{file}: {line}" for line in disagreements(settings, data.cinema)])
    async with _container(settings) as container:
        try:
            report = await container.catalog_admin.import_catalog(data)
        except CatalogError as exc:
            fail(f"{file}: {exc}")
    print(f"imported {file}: {report.summary()}")


async def export_catalog(settings: Settings, file: Path | None) -> None:
    from infrastructure.catalog.yamlfile import dump_catalog

    async with _container(settings) as container:
        data = await container.catalog_admin.export_catalog()
    text = dump_catalog(data)
    if file is None:
        sys.stdout.write(text)
    else:
        file.write_text(text, encoding="utf-8")
        print(f"exported the catalog to {file}")


async def reconcile_payments(settings: Settings, days: int) -> None:
    """Every payment it could not settle is a line on stderr; the others are settled
    anyway, and the exit status is 1 at the end if any was not."""
    async with _container(settings) as container:
        report = await container.payments.reconcile(days)
    print(f"reconciled: {report.summary()}")
    for line in report.needs_staff:
        print(f"for staff: {line}")
    for line in report.failures:
        print(f"cinebooker: not settled: {line}", file=sys.stderr)
    if report.failures:
        raise SystemExit(1)
