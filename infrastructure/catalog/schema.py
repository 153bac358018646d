"""The catalog file's shape (pydantic v2): what each section may hold.

Only per-field rules live here; rules across fields and sections (exactly one of two
fields, refs between sections, time zones) are applied by ``convert.to_data``.
Validation errors become one-line CatalogErrors naming the item and the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from domain.hall import SeatKind
from domain.money import is_currency
from domain.services.catalog_admin import DEFAULT_CLEANING_MINUTES, CatalogError
from infrastructure.catalog.fields import (
    Clock,
    DEFAULT_CURRENCY,
    Day,
    Minutes,
    Moment,
    MomentOrDay,
    Money,
    Name,
    Percent,
    PriceTable,
    Ref,
    RowText,
    SeatCode,
    Short,
    ShowtimeRef,
    StartDay,
    Synopses,
    Titles,
    _currency,
    _promo_code,
    _ticket_code,
    _zone,
)


# --- the sections -------------------------------------------------------------------


class _Model(BaseModel):
    # coerce_numbers_to_str: a title like 1917 or a ref like 2046 is text, not a number.
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True, frozen=True
    )


class CinemaModel(_Model):
    name: str = ""
    address: str = ""
    timezone: Annotated[str, AfterValidator(_zone)]
    currency: Annotated[str, AfterValidator(_currency)]
    cleaning_minutes: Annotated[int, Field(ge=0, le=240)] = DEFAULT_CLEANING_MINUTES


class MovieModel(_Model):
    ref: Ref
    title: Name
    original_title: str = ""
    runtime_min: Annotated[int, Field(ge=1, le=600)]
    age_rating: Annotated[str, Field(max_length=20)] = ""
    genres: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    subtitles: list[str] = Field(default_factory=list)
    synopsis: str = ""
    poster: str = ""
    # Per language, beside title and synopsis (the default where a language has none).
    titles: Titles = Field(default_factory=dict)
    synopses: Synopses = Field(default_factory=dict)


class HallModel(_Model):
    ref: Ref
    name: Name
    rows: Annotated[list[RowText], Field(min_length=1)]
    blocked: list[SeatCode] = Field(default_factory=list)


class _Screening(_Model):
    """What a showtime and a schedule share."""

    movie: Ref
    hall: Ref
    format: Short = "2D"
    language: Short = ""
    subtitles: Short = ""
    price_list: Ref | None = None
    prices: PriceTable | None = None
    sales_close_minutes: Minutes = 0


class ShowtimeModel(_Screening):
    ref: ShowtimeRef
    starts_at: Moment


class ScheduleModel(_Screening):
    start: StartDay
    until: Day | None = None
    days: Annotated[int, Field(ge=1, le=366)] | None = None
    times: Annotated[list[Clock], Field(min_length=1)]
    weekdays: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | None = None


class TicketTypeModel(_Model):
    code: Annotated[str, AfterValidator(_ticket_code)]
    name: Name
    percent: Percent | None = None
    minus: Money | None = None
    fixed: Money | None = None
    needs_proof: bool = False
    position: int | None = None


class PromoModel(_Model):
    code: Annotated[str, AfterValidator(_promo_code)]
    percent: Percent | None = None
    amount_off: Money | None = None
    valid_from: MomentOrDay | None = None
    valid_until: MomentOrDay | None = None
    max_uses: Annotated[int, Field(ge=1)] | None = None
    max_uses_per_customer: Annotated[int, Field(ge=1)] | None = None
    min_tickets: Annotated[int, Field(ge=1, le=100)] = 1
    movies: list[Ref] = Field(default_factory=list)
    showtimes: list[ShowtimeRef] = Field(default_factory=list)
    seat_kinds: list[SeatKind] = Field(default_factory=list)
    active: bool = True


class CatalogFile(_Model):
    version: Literal[1] = 1
    cinema: CinemaModel
    movies: list[MovieModel] = Field(default_factory=list)
    halls: list[HallModel] = Field(default_factory=list)
    price_lists: dict[Ref, PriceTable] = Field(default_factory=dict)
    ticket_types: list[TicketTypeModel] = Field(default_factory=list)
    showtimes: list[ShowtimeModel] = Field(default_factory=list)
    schedules: list[ScheduleModel] = Field(default_factory=list)
    promo_codes: list[PromoModel] = Field(default_factory=list)

    @field_validator(
        "movies", "halls", "price_lists", "ticket_types", "showtimes", "schedules", "promo_codes",
        mode="before",
    )
    @classmethod
    def _empty_section(cls, value: Any, info: ValidationInfo) -> Any:
        # A section written with nothing under it reads as null: treat it as empty.
        if value is None:
            return {} if info.field_name == "price_lists" else []
        return value


ITEM_SECTIONS: dict[str, type[_Model]] = {
    "movies": MovieModel,
    "halls": HallModel,
    "ticket_types": TicketTypeModel,
    "showtimes": ShowtimeModel,
    "schedules": ScheduleModel,
    "promo_codes": PromoModel,
}


# --- validation errors as one line -------------------------------------------------------


def validate_file(raw: object) -> CatalogFile:
    """The parsed YAML as a CatalogFile, or a CatalogError for its first problem."""
    if not isinstance(raw, dict):
        raise CatalogError(
            "file", "", "expected a mapping with the sections cinema, movies, halls, ... (see docs/catalog.md)"
        )
    cinema = raw.get("cinema")
    currency = cinema.get("currency") if isinstance(cinema, dict) else None
    # Amounts are read in the file's own currency; a bad code fails on its own field.
    code = currency.strip() if isinstance(currency, str) else ""
    context = {"currency": code if is_currency(code) else DEFAULT_CURRENCY}
    try:
        return CatalogFile.model_validate(raw, context=context)
    except ValidationError as exc:
        raise _catalog_error(exc, raw) from None


def _catalog_error(exc: ValidationError, raw: dict[str, Any]) -> CatalogError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = list(first["loc"])
    place, rest, model = _place(loc, raw)
    message = _message(first, model if len(rest) == 1 else None)
    if "[key]" in rest:
        message += " (in a key)"
    if len(errors) > 1:
        more = len(errors) - 1
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return CatalogError(place, _path(rest), message)


def _place(loc: list[Any], raw: dict[str, Any]) -> tuple[str, list[Any], type[BaseModel] | None]:
    """Split a location into the item (with its ref) and the path inside it."""
    if len(loc) == 1 and loc[0] not in CatalogFile.model_fields:
        return "file", loc, CatalogFile
    section = str(loc[0]) if loc else "file"
    if section in ITEM_SECTIONS and len(loc) > 1 and isinstance(loc[1], int):
        items = raw.get(section)
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        return f"{section}[{loc[1]}]{_describe(item)}", loc[2:], ITEM_SECTIONS[section]
    if section == "price_lists" and len(loc) > 1:
        return f"price_lists.{loc[1]}", loc[2:], None
    if section == "cinema":
        return "cinema", loc[1:], CinemaModel
    return section, loc[1:], None


def _describe(item: Any) -> str:
    if not isinstance(item, dict):
        return ""
    for key in ("ref", "code"):
        if isinstance(item.get(key), (str, int)):
            return f" ({key} {item[key]})"
    if "movie" in item and "hall" in item:
        return f" (movie {item['movie']}, hall {item['hall']})"
    return ""


def _path(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        if part == "[key]":
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: Any, model: type[BaseModel] | None) -> str:
    kind, message = error["type"], str(error["msg"])
    if kind == "extra_forbidden":
        allowed = f": expected one of {', '.join(model.model_fields)}" if model else ""
        return f"unknown field{allowed} (see docs/catalog.md)"
    if kind == "missing":
        return "required, but missing"
    if message.startswith("Value error, "):
        return message.removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, (str, int, float, bool)) and len(repr(value)) <= 40:
        message += f", got {value!r}"
    return message
