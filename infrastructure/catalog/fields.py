"""The catalog file's field types (pydantic v2): refs, amounts in the file's own
currency, times, days and moments (within the years a programme lives in), zones,
currencies, codes and language codes. The sections built from them are in schema.py."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.localedata import exists as babel_knows
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from domain.hall import SEAT_CODE, SeatKind
from domain.money import decimal_text, exponent, is_currency, parse_decimal
from domain.promo import normalize_code

REF = re.compile(r"[a-z0-9][a-z0-9._-]*")
TICKET_CODE = re.compile(r"[a-z][a-z0-9_]{0,15}")
PROMO_CODE = re.compile(r"[A-Z0-9_-]{1,32}")
ROW = re.compile(r"(\S+)\s+(\S+)")
CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LANGUAGE = re.compile(r"[a-z]{2,3}")


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


def _language(value: str) -> str:
    # Any language CLDR knows, not only the bot's: a title in a language the bot
    # learns later is kept meanwhile, and a typo ("ua", "rus") is refused.
    if not LANGUAGE.fullmatch(value) or not babel_knows(value):
        raise ValueError(f"unknown language {value!r}: use a language code like en, ru or de")
    return value


def _per_language(value: Any) -> Any:
    if not isinstance(value, dict):
        raise ValueError("expected one text per language code, like {en: ..., ru: ...}")
    return value


Clock = Annotated[time, BeforeValidator(_clock)]
Day = Annotated[date, BeforeValidator(_day)]
StartDay = Annotated[date | Literal["today"], BeforeValidator(_start_day)]
Moment = Annotated[datetime, BeforeValidator(_moment)]  # naive = the cinema's local time
MomentOrDay = Annotated[datetime | date, BeforeValidator(_moment_or_day)]
RowText = Annotated[str, AfterValidator(_row)]
SeatCode = Annotated[str, AfterValidator(_seat_code)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Language = Annotated[str, AfterValidator(_language)]
Titles = Annotated[dict[Language, Name], BeforeValidator(_per_language)]
Synopsis = Annotated[str, Field(min_length=1, max_length=4000)]  # a chat message holds 4096
Synopses = Annotated[dict[Language, Synopsis], BeforeValidator(_per_language)]
Short = Annotated[str, Field(max_length=16)]
PriceTable = dict[SeatKind, Money]
Minutes = Annotated[int, Field(ge=0, le=1440)]
