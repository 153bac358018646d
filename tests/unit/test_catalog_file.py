"""The catalog file: the sample cinema, the refusal of bad input, and export round trips."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.catalog import PriceRule
from domain.hall import SeatKind
from domain.promo import PromoKind
from domain.services.catalog_admin import CatalogData, CatalogError, check_catalog
from infrastructure.catalog import dump_catalog, load_catalog, parse_catalog

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cinema.yaml"
TODAY = date(2026, 11, 23)
BERLIN = ZoneInfo("Europe/Berlin")

MINIMAL = """
cinema: {timezone: Europe/Berlin, currency: EUR}
movies:
  - {ref: dune, title: Dune, runtime_min: 150}
  - {ref: short, title: Short, runtime_min: 30}
halls:
  - ref: h1
    name: Hall 1
    rows:
      - A ss_ss
      - B vv_vv
price_lists:
  base: {standard: "10.00", vip: "14.00"}
showtimes:
  - {ref: dune-1, movie: dune, hall: h1, starts_at: "2026-12-01 19:00", price_list: base}
"""


@pytest.fixture(scope="module")
def example() -> CatalogData:
    return load_catalog(EXAMPLE, today=TODAY)


def refused(text: str) -> CatalogError:
    """The error a text gets from loading plus the file-only check."""
    with pytest.raises(CatalogError) as caught:
        check_catalog(parse_catalog(text, today=TODAY))
    error = caught.value
    assert "\n" not in str(error)
    return error


# --- the sample cinema ------------------------------------------------------------


def test_the_sample_has_three_halls_one_big_with_three_blocks_vip_and_wheelchair(example: CatalogData) -> None:
    assert len(example.halls) >= 3
    big = max(example.halls, key=lambda h: h.capacity)
    assert big.capacity >= 300
    assert big.blocks() == 3
    assert {SeatKind.VIP, SeatKind.WHEELCHAIR, SeatKind.COMPANION} <= big.kinds()
    assert big.blocked, "a few seats are out of order"
    vip_rows = {s.row_index for s in big.seats.values() if s.kind is SeatKind.VIP}
    assert min(vip_rows) > len(big.rows) / 2, "VIP rows are at the back"
    sizes = sorted(h.capacity for h in example.halls)
    assert sizes[0] <= 80 and any(120 <= size <= 180 for size in sizes)
    assert any(SeatKind.COUCH in h.kinds() for h in example.halls)


def test_the_sample_has_eight_movies_ticket_types_and_promo_codes(example: CatalogData) -> None:
    assert len(example.movies) == 8
    assert all(m.runtime_min > 0 and m.age_rating.startswith("FSK") for m in example.movies)
    assert example.cinema.timezone == "Europe/Berlin" and example.cinema.currency == "EUR"
    types = {t.code: t for t in example.ticket_types}
    assert {"adult", "child", "student", "senior"} <= set(types)
    assert (types["adult"].rule, types["adult"].value) == (PriceRule.PERCENT, 10_000)
    promos = {p.code: p for p in example.promos}
    assert any(p.kind is PromoKind.PERCENT for p in promos.values())
    assert any(p.kind is PromoKind.FIXED for p in promos.values())
    assert any(p.max_uses for p in promos.values())
    assert any(p.movie_refs for p in promos.values())
    assert any(SeatKind.VIP in p.seat_kinds for p in promos.values())


def test_the_sample_programme_covers_two_weeks_without_overlaps(example: CatalogData) -> None:
    local_days = {s.starts_at.astimezone(BERLIN).date() for s in example.showtimes}
    assert min(local_days) == TODAY
    assert max(local_days) >= date(2026, 12, 7)
    assert len(local_days) >= 14
    assert {s.format for s in example.showtimes} >= {"2D", "3D", "IMAX"}
    assert any(s.subtitles and s.language != "de" for s in example.showtimes), "original version with subtitles"
    check_catalog(example)  # no overlaps, every seat kind priced, refs resolve
    runtime = {m.ref: m.runtime_min for m in example.movies}
    by_hall = defaultdict(list)
    for s in example.showtimes:
        end = s.starts_at + timedelta(minutes=runtime[s.movie_ref] + example.cleaning_minutes)
        by_hall[s.hall_ref].append((s.starts_at, end))
    for slots in by_hall.values():
        slots.sort()
        assert all(a[1] <= b[0] for a, b in zip(slots, slots[1:]))


def test_schedule_refs_are_stable_and_times_are_utc(example: CatalogData) -> None:
    show = next(s for s in example.showtimes if s.ref == "letzte-sternwarte-palast-20261201-1900")
    assert show.starts_at == datetime(2026, 12, 1, 18, 0, tzinfo=timezone.utc)  # 19:00 CET
    assert load_catalog(EXAMPLE, today=TODAY).showtimes == example.showtimes


def test_start_today_follows_the_given_date() -> None:
    later = load_catalog(EXAMPLE, today=date(2027, 3, 1))
    first = min(s.starts_at for s in later.showtimes if s.ref != "lebkuchen-nikolaus-preview")
    assert first.astimezone(BERLIN).date() == date(2027, 3, 1)


def test_a_wall_clock_time_skipped_by_the_clock_change_is_refused() -> None:
    text = MINIMAL.replace("2026-12-01 19:00", "2026-03-29 02:30")
    assert "does not exist" in str(refused(text))


# --- bad input --------------------------------------------------------------------


def test_an_unknown_hall_is_refused_naming_place_and_field() -> None:
    error = refused(MINIMAL.replace("hall: h1, starts_at", "hall: h9, starts_at"))
    assert str(error) == (
        "showtimes[0] (ref dune-1): hall: unknown hall 'h9' — define it under halls or fix the ref"
    )
    assert (error.place, error.field) == ("showtimes[0] (ref dune-1)", "hall")


def test_overlapping_showtimes_in_one_hall_are_refused() -> None:
    # Dune runs 150 min from 19:00, plus 15 min cleaning by default: the hall is busy until 21:45.
    text = MINIMAL + (
        '  - {ref: short-1, movie: short, hall: h1, starts_at: "2026-12-01 21:40", price_list: base}\n'
    )
    error = refused(text)
    assert error.place == "showtimes[1] (ref short-1)" and error.field == "starts_at"
    assert "overlaps showtime 'dune-1'" in str(error)
    # Five minutes later it fits.
    check_catalog(parse_catalog(text.replace("21:40", "21:45"), today=TODAY))


def test_cleaning_minutes_are_set_in_the_file() -> None:
    text = MINIMAL.replace("currency: EUR}", "currency: EUR, cleaning_minutes: 30}") + (
        '  - {ref: short-1, movie: short, hall: h1, starts_at: "2026-12-01 21:45", price_list: base}\n'
    )
    assert refused(text).field == "starts_at"


def test_overlaps_made_by_a_schedule_name_the_schedule() -> None:
    text = MINIMAL + """
schedules:
  - {movie: short, hall: h1, start: 2026-12-01, days: 2, times: ["20:00"], price_list: base}
"""
    error = refused(text)
    assert error.place == "schedules[0] (ref short-h1-20261201-2000)" and error.field == "times"


def test_a_duplicate_row_label_is_refused() -> None:
    error = refused(MINIMAL.replace("- B vv_vv", "- A vv_vv"))
    assert str(error) == "halls[0] (ref h1): rows: row 'A': duplicate row label"


def test_a_seat_blocked_twice_or_missing_is_refused() -> None:
    twice = refused(MINIMAL.replace("      - B vv_vv\n", "      - B vv_vv\n    blocked: [A-1, A-1]\n"))
    assert (twice.place, twice.field) == ("halls[0] (ref h1)", "blocked")
    missing = refused(MINIMAL.replace("      - B vv_vv\n", "      - B vv_vv\n    blocked: [C-1]\n"))
    assert missing.field == "blocked" and "C-1" in str(missing)


def test_a_bad_layout_character_is_refused_with_the_layout_message() -> None:
    error = refused(MINIMAL.replace("A ss_ss", "A sx_ss"))
    assert str(error) == "halls[0] (ref h1): rows: row A, place 2: unknown character 'x' (use s v w c d _ .)"


def test_a_negative_price_is_refused() -> None:
    error = refused(MINIMAL.replace('standard: "10.00"', 'standard: "-10.00"'))
    assert (error.place, error.field) == ("price_lists.base", "standard")
    assert "negative" in str(error)


def test_a_float_price_is_refused_with_a_hint_to_quote_it() -> None:
    error = refused(MINIMAL.replace('vip: "14.00"', "vip: 14.5"))
    assert str(error) == (
        'price_lists.base: vip: write an amount in quotes, like "14.50": an unquoted 14.5 is a YAML float'
    )


def test_a_seat_kind_without_a_price_is_refused() -> None:
    error = refused(MINIMAL.replace(', vip: "14.00"', ""))
    assert (error.field, error.place) == ("prices", "showtimes[0] (ref dune-1)")
    assert "no price for vip seats" in str(error)


def test_schema_errors_name_the_item_and_the_field() -> None:
    error = refused(MINIMAL.replace("runtime_min: 30", "runtime_min: half an hour"))
    assert error.place == "movies[1] (ref short)" and error.field == "runtime_min"
    unknown = refused(MINIMAL.replace("runtime_min: 30", "runtime_min: 30, rating: 5"))
    assert unknown.field == "rating" and "unknown field" in str(unknown)


def test_duplicate_refs_are_refused() -> None:
    error = refused(MINIMAL.replace("ref: short", "ref: dune"))
    assert str(error) == "movies[1] (ref dune): ref: duplicate ref 'dune', already used by movies[0] (ref dune)"


def test_unquoted_times_are_refused_with_a_hint() -> None:
    text = MINIMAL + """
schedules:
  - {movie: short, hall: h1, start: 2026-12-02, days: 1, times: [14:00], price_list: base}
"""
    error = refused(text)
    assert error.field == "times[0]" and 'like "14:00"' in str(error)


def test_malformed_yaml_is_refused_with_line_and_column() -> None:
    error = refused(MINIMAL.replace("runtime_min: 30}", "runtime_min: 30"))
    assert error.place.startswith("line ") and ", column " in error.place
    assert "YAML syntax error" in str(error)


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    assert refused("- just\n- a list\n").place == "file"
    assert refused("").place == "file"


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: no such file — check the path"


# --- export -------------------------------------------------------------------------


def test_dump_then_load_gives_the_same_data(example: CatalogData) -> None:
    text = dump_catalog(example, "Europe/Berlin")
    assert parse_catalog(text, today=TODAY) == example


def test_the_dump_keeps_a_time_repeated_by_the_clock_change() -> None:
    # 02:30 happens twice on 2026-10-25 in Berlin; the second one needs its offset.
    data = parse_catalog(MINIMAL, today=TODAY)
    data.showtimes[0].starts_at = datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)  # 02:30 CET
    text = dump_catalog(data)
    assert "2026-10-25 02:30+01:00" in text
    assert parse_catalog(text, today=TODAY) == data
