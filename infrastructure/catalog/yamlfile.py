"""Reading and writing the catalog YAML file (format: docs/catalog.md).

Only ``yaml.safe_load``: a catalog file is data and never builds Python objects.
Every problem ends as one CatalogError line naming the place and the field.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from domain.services.catalog_admin import CatalogData, CatalogError
from infrastructure.catalog.convert import to_data, to_document
from infrastructure.catalog.schema import validate_file

HEADER = "# CineBooker catalog (format: docs/catalog.md). Times are local to cinema.timezone.\n"


def load_catalog(path: str | Path, *, today: date | None = None) -> CatalogData:
    """Read and check a catalog file. ``today`` fixes what ``start: today`` means
    (default: the current date in the cinema's time zone)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(str(file), "", "no such file — check the path") from None
    except IsADirectoryError:
        raise CatalogError(str(file), "", "is a directory, not a catalog file") from None
    except UnicodeDecodeError as exc:
        raise CatalogError(str(file), "", f"not UTF-8 text (bad byte at offset {exc.start})") from None
    except OSError as exc:
        raise CatalogError(str(file), "", f"cannot be read: {exc.strerror or exc}") from None
    return parse_catalog(text, today=today)


def parse_catalog(text: str, *, today: date | None = None) -> CatalogData:
    """Like load_catalog, for text already in memory."""
    try:
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = exc.problem or "cannot be parsed"
        context = f" ({exc.context})" if exc.context else ""
        raise CatalogError(place, "", f"YAML syntax error: {problem}{context}") from None
    except yaml.YAMLError as exc:
        raise CatalogError("file", "", f"YAML syntax error: {exc}") from None
    except (ValueError, OverflowError) as exc:
        # safe_load builds timestamps and tagged values itself: "2001-02-30", "!!int abc".
        raise CatalogError("file", "", f"a value YAML cannot read: {' '.join(str(exc).split())[:200]}") from None
    except RecursionError:
        raise CatalogError("file", "", "nested too deeply") from None
    return to_data(validate_file(raw), today=today)


def dump_catalog(data: CatalogData, zone: ZoneInfo | str | None = None) -> str:
    """The data as catalog YAML; times written in ``zone`` (default: the data's
    cinema time zone). Loading the text gives the same data back. Only plain YAML
    comes out (a SafeDumper), readable by safe_load."""
    if zone is None:
        zone = data.cinema.timezone
    if isinstance(zone, str):
        zone = ZoneInfo(zone)
    body = yaml.dump(
        _styled(to_document(data, zone)),
        Dumper=_dumper(),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=240,
    )
    return HEADER + body


class _FlowList(list[Any]):
    """Written inline: [a, b]."""


class _FlowMap(dict[str, Any]):
    """Written inline: {a: 1, b: 2}."""


def _dumper() -> type[yaml.SafeDumper]:
    # A SafeDumper that writes the marked collections inline, so that an export of
    # hundreds of showtimes stays one line per showtime.
    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(
        _FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
    )
    Dumper.add_representer(
        _FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True)
    )
    return Dumper


def _inline(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _FlowList(v) if isinstance(v, list) else v for k, v in item.items()}


def _styled(doc: dict[str, Any]) -> dict[str, Any]:
    """Mark what reads best inline: short lists, price tables, and one line per
    ticket type, showtime and promo code. Hall rows stay one per line."""
    styled = dict(doc)
    styled["movies"] = [_inline(m) for m in doc["movies"]]
    styled["halls"] = [
        {k: _FlowList(v) if k == "blocked" else v for k, v in h.items()} for h in doc["halls"]
    ]
    styled["price_lists"] = {name: _FlowMap(table) for name, table in doc["price_lists"].items()}
    for section in ("ticket_types", "showtimes", "promo_codes"):
        styled[section] = [_FlowMap(_inline(item)) for item in doc[section]]
    return styled
