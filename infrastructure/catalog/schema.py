"""The catalog file's shape (pydantic v2): what each section may hold.

Only per-field rules live here; rules across fields and sections (exactly one of two
fields, refs between sections, time zones) are applied by ``convert.to_data``.
Validation errors become one-line CatalogErrors naming the item and the field.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from domain.hall import SEAT_CODE, SeatKind
from domain.money import decimal_text, exponent, is_currency, parse_decimal
from domain.promo import normalize_code
from domain.services.catalog_admin import DEFAULT_CLEANING_MINUTES, CatalogError

REF = re.compile(r"[a-z0-9][a-z0-9._-]*")
TICKET_CODE = re.compile(r"[a-z][a-z0-9_]{0,15}")
PROMO_CODE = re.compile(r"[A-Z0-9_-]{1,32}")
ROW = re.compile(r"(\S+)\s+(\S+)")
CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- field types ------------------------------------------------------------------


def _ref_checker(max_length: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > max_length or not REF.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a ref: use 1-{max_length} of a-z 0-9 . _ - starting with a letter or digit"
            )
        return value

    return AfterValidator(check)


# Only when the file's own currency cannot be read (its error is reported on its field).
DEFAULT_CURRENCY = "EUR"

Ref = Annotated[str, _ref_checker(40)]
# Showtime refs made by schedules join a movie ref, a hall ref, a date and a time.
ShowtimeRef = Annotated[str, _ref_checker(100)]


def _amount(value: Any, what: str, currency: str | None) -> int:
    """Minor units of ``currency`` (or basis points without one) from a decimal string;
    floats are refused because YAML's 12.5 is a binary fraction, and money must be exact."""
    example = _example(currency)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f'expected {what} like "{example}"')
    if isinstance(value, float):
        raise ValueError(f'write {what} in quotes, like "{value:.2f}": an unquoted {value} is a YAML float')
    try:
        # An int here is whole units: 12 means 12.00.
        amount = parse_decimal(str(value).strip(), 2 if currency is None else exponent(currency))
    except ValueError:
        places = 2 if currency is None else exponent(currency)
        rule = f"at most {places} decimals" if places else f"no decimals ({currency} has no minor unit)"
        raise ValueError(f'expected {what} with {rule}, like "{example}", got {value!r}') from None
    if amount < 0:
        raise ValueError(f"{what} cannot be negative, got {value!r}")
    return amount


def _example(currency: str | None) -> str:
    """An amount written as the currency wants it: "12.50" EUR, "12" JPY, "12.500" KWD."""
    if currency is None:
        return "12.50"
    digits = exponent(currency)
    return decimal_text(12 * 10**digits + (5 * 10 ** (digits - 1) if digits else 0), currency)


def _money(value: Any, info: ValidationInfo) -> int:
    # The cinema's currency says how many decimals an amount has (validate_file passes it).
    currency = (info.context or {}).get("currency") or DEFAULT_CURRENCY
    return _amount(value, "an amount", currency)


def _percent(value: Any) -> int:
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    return _amount(value, "a percentage", None)


Money = Annotated[int, BeforeValidator(_money)]  # minor units
Percent = Annotated[int, BeforeValidator(_percent)]  # basis points: "15" -> 1500


def _clock(value: Any) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 19:00 as the base-60 number 1140.
        hours, minutes = divmod(value, 60)
        raise ValueError(f'write times in quotes, like "{hours}:{minutes:02d}": unquoted, YAML reads it as {value}')
    match = CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f'expected a time like "19:30" (24 hours), got {value!r}')
    return time(int(match[1]), int(match[2]))


# A programme lives in these years; the edges of Python's calendar (year 1, 9999)
# would overflow on the way to UTC or the next day.
YEARS = range(2000, 2200)


def _in_years(value: date) -> None:
    if value.year not in YEARS:
        raise ValueError(f"expected a date between {YEARS.start} and {YEARS.stop - 1}, got {value.isoformat()}")


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"expected a date like 2026-11-23 without a time, got {value}")
    if isinstance(value, date):
        _in_years(value)
        return value
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"expected a date like 2026-11-23, got {value!r}") from None
    _in_years(day)
    return day


def _start_day(value: Any) -> date | str:
    if isinstance(value, str) and value.strip() == "today":
        return "today"
    try:
        return _day(value)
    except ValueError:
        raise ValueError(f"expected a date like 2026-11-23, or today, got {value!r}") from None


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        _in_years(value)
        return value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            _in_years(moment)
            return moment
    raise ValueError(
        f'expected a local date and time like "2026-11-23 19:30" (or with an offset, '
        f'"2026-11-23 19:30+01:00"), got {value!r}'
    )


def _moment_or_day(value: Any) -> datetime | date:
    if isinstance(value, date):  # YAML built it (unquoted): bounded like text
        _in_years(value)
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return _day(value)
    return _moment(value)


def _zone(value: str) -> str:
    try:
        # OSError: a tzdata folder ("Europe") or a name too long for the file system.
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f'unknown time zone {value!r}: use an IANA name like "Europe/Berlin"') from None
    return value


def _currency(value: str) -> str:
    if not is_currency(value):
        raise ValueError(f'expected an ISO 4217 currency code like "EUR", got {value!r}')
    return value


def _row(value: str) -> str:
    if not ROW.fullmatch(value):
        raise ValueError(f"write a row as 'LABEL PLACES', like 'A ss_ssss_ss', got {value!r}")
    return value


def _seat_code(value: str) -> str:
    if not SEAT_CODE.fullmatch(value):
        raise ValueError(f"expected a seat code like 'F-12' (row label, dash, number), got {value!r}")
    return value


def _ticket_code(value: str) -> str:
    if not TICKET_CODE.fullmatch(value):
        raise ValueError(f"{value!r} is not a ticket type code: use 1-16 of a-z 0-9 _ starting with a letter")
    return value


def _promo_code(value: str) -> str:
    code = normalize_code(value)
    if not PROMO_CODE.fullmatch(code):
        raise ValueError(f"{value!r} is not a promo code: use 1-32 of A-Z 0-9 _ -")
    return code


Clock = Annotated[time, BeforeValidator(_clock)]
Day = Annotated[date, BeforeValidator(_day)]
StartDay = Annotated[date | Literal["today"], BeforeValidator(_start_day)]
Moment = Annotated[datetime, BeforeValidator(_moment)]  # naive = the cinema's local time
MomentOrDay = Annotated[datetime | date, BeforeValidator(_moment_or_day)]
RowText = Annotated[str, AfterValidator(_row)]
SeatCode = Annotated[str, AfterValidator(_seat_code)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Short = Annotated[str, Field(max_length=16)]
PriceTable = dict[SeatKind, Money]
Minutes = Annotated[int, Field(ge=0, le=1440)]


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
