"""The hall picture: a valid PNG within Telegram's photo size, the shown view
framed, the same bytes for the same input, and a cache key that follows the state."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from dialogs.seatmap.layout import plan_views
from domain.hall import Hall, RowSpec, SeatKind
from domain.seatmap import SeatMap, SeatState, build_seat_map
from infrastructure.catalog import load_catalog
from infrastructure.render import picture_key, render_hall_png
from infrastructure.render.hall_picture import FRAME, MAX_SIDE
from infrastructure.render.hall_pieces import fold

CATALOG = Path(__file__).resolve().parents[2] / "examples" / "cinema.yaml"
LEGEND = {
    SeatState.FREE: "Frei",
    SeatState.YOURS: "Ihre Plätze",
    SeatState.HELD: "Reserviert",
    SeatState.SOLD: "Belegt",
    SeatState.BLOCKED: "Gesperrt",
    SeatKind.VIP: "VIP",
    SeatKind.WHEELCHAIR: "Rollstuhl",
    SeatKind.COUCH: "Love Seat",  # the big hall has none: left out
}


def halls() -> dict[str, Hall]:
    return {h.ref: h for h in load_catalog(CATALOG).halls}


def busy_map(hall: Hall) -> SeatMap:
    codes = sorted(hall.seats)
    sold = {code: 2 for code in codes[::4]}
    holders = {code: "other" for code in codes[1::9] if code not in sold}
    holders |= {code: "me" for code in codes[5:7] if code not in sold}
    return build_seat_map(hall, sold, holders, owner="me", customer_id=1)


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def colour_mask(image: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """255 where the picture has exactly this colour, 0 elsewhere."""
    bands = [
        Image.eval(band, lambda v, want=want: 255 if v == want else 0)
        for band, want in zip(image.convert("RGB").split(), colour)
    ]
    return ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])


def colour_count(image: Image.Image, colour: tuple[int, int, int]) -> int:
    return colour_mask(image, colour).histogram()[255]


@pytest.fixture(name="big")
def big_fixture() -> SeatMap:
    return busy_map(halls()["palast"])


def test_the_big_hall_renders_to_a_png_within_telegram_size(big: SeatMap) -> None:
    view = plan_views(big.hall)[4]
    data = render_hall_png(big, framed=view, title="Saal 1 · Palast (IMAX)", screen_label="LEINWAND", legend=LEGEND)
    image = png(data)
    assert image.format == "PNG"
    assert image.width <= MAX_SIDE and image.height <= MAX_SIDE
    # Big enough to read: at least ~30 px from one seat to the next.
    assert image.width >= 30 * big.hall.width


def test_the_framed_view_is_outlined(big: SeatMap) -> None:
    views = plan_views(big.hall)
    framed = png(render_hall_png(big, framed=views[0]))
    assert colour_count(framed, FRAME) > 200
    assert colour_count(png(render_hall_png(big, framed=None)), FRAME) == 0


def test_the_frame_moves_with_the_view(big: SeatMap) -> None:
    views = plan_views(big.hall)

    def frame_box(index: int) -> tuple[int, int, int, int]:
        box = colour_mask(png(render_hall_png(big, framed=views[index])), FRAME).getbbox()
        assert box is not None
        return box

    front_left, back_right = frame_box(0), frame_box(5)
    # Right of it, and below it (the two frames share the edge between H and J).
    assert back_right[0] > front_left[2]
    assert back_right[1] > front_left[1] and back_right[3] > front_left[3]


def test_the_same_input_gives_the_same_bytes(big: SeatMap) -> None:
    view = plan_views(big.hall)[1]
    first = render_hall_png(big, framed=view, title="T", screen_label="SCREEN", legend=LEGEND, scale=2)
    again = render_hall_png(
        SeatMap(big.hall, dict(big.states)), framed=view, title="T", screen_label="SCREEN", legend=LEGEND, scale=2
    )
    assert first == again


def test_a_changed_seat_changes_the_key_and_the_picture(big: SeatMap) -> None:
    view = plan_views(big.hall)[0]
    free = next(code for code, state in big.states.items() if state is SeatState.FREE)
    changed = SeatMap(big.hall, big.states | {free: SeatState.YOURS})
    assert picture_key(big, view) == picture_key(SeatMap(big.hall, dict(big.states)), view)
    assert picture_key(big, view) != picture_key(changed, view)
    assert picture_key(big, view) != picture_key(big, plan_views(big.hall)[1])
    assert picture_key(big, view) != picture_key(big, None)
    assert picture_key(big, view) != picture_key(big, view, screen_label="SCREEN")
    assert picture_key(big, view) != picture_key(big, view, legend={SeatState.FREE: "free"})
    assert render_hall_png(big, framed=view) != render_hall_png(changed, framed=view)


def test_each_state_has_its_colour() -> None:
    from infrastructure.render.hall_pieces import BY_STATE, FREE_BY_KIND

    hall = Hall(None, "t", "T", (RowSpec("A", "sssss_v"),), frozenset({"A-5"}))
    seat_map = build_seat_map(hall, {"A-1": 1, "A-2": 2}, {"A-3": "x"}, owner="me", customer_id=1)
    image = png(render_hall_png(seat_map, framed=None))
    for colour in (BY_STATE[SeatState.YOURS], BY_STATE[SeatState.SOLD], BY_STATE[SeatState.HELD],
                   FREE_BY_KIND[SeatKind.STANDARD], FREE_BY_KIND[SeatKind.VIP]):
        assert colour_count(image, colour) > 50, colour


@pytest.mark.parametrize(
    "rows",
    [
        [(chr(65 + i), "s" * 40) for i in range(8)],  # very wide
        [(f"R{i}", "sssss_ssssssss_sssss") for i in range(30)],  # very long
        [("A", "dddd_dddd"), ("B", "..dd_dd..")],  # couches and gaps
        [("A", "s")],
    ],
)
def test_extreme_halls_stay_within_telegram_size(rows: list[tuple[str, str]]) -> None:
    hall = Hall(None, "x", "X", tuple(RowSpec(label, places) for label, places in rows))
    seat_map = busy_map(hall)
    image = png(render_hall_png(seat_map, framed=plan_views(hall)[-1], title="X", screen_label="S", legend=LEGEND))
    assert image.width <= MAX_SIDE and image.height <= MAX_SIDE
    assert colour_count(image, FRAME) > 0


def test_text_is_folded_for_the_built_in_font() -> None:
    assert fold("Ihre Plätze") == "Ihre Platze"
    assert fold("Straße – Köln") == "Strasse - Koln"
    assert fold("怪獣 Harbor") == "Harbor"


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not DEJAVU.exists(), reason="no DejaVu font on this machine")
def test_a_font_file_draws_text_beyond_ascii(big: SeatMap) -> None:
    data = render_hall_png(big, framed=None, title="Saal 1 – Köln", legend=LEGEND, font_path=DEJAVU)
    assert data != render_hall_png(big, framed=None, title="Saal 1 – Köln", legend=LEGEND)
    assert png(data).width <= MAX_SIDE


def test_kept_backgrounds_and_seats_follow_the_texts_and_the_hall(big: SeatMap) -> None:
    from infrastructure.render import hall_picture, hall_pieces

    view = plan_views(big.hall)[0]
    german = render_hall_png(big, framed=view, screen_label="LEINWAND", legend=LEGEND)
    english = render_hall_png(big, framed=view, screen_label="SCREEN", legend={SeatState.FREE: "free"})
    small = busy_map(Hall(None, "s", "S", (RowSpec("A", "sswv"),)))
    other_hall = render_hall_png(small, framed=None, screen_label="SCREEN", legend={SeatState.FREE: "free"})
    assert len({german, english, other_hall}) == 3
    # What was kept from earlier pictures gives the same bytes as drawing afresh.
    hall_picture._BACKGROUNDS.clear()
    hall_pieces.seat_in_palette.cache_clear()
    assert render_hall_png(big, framed=view, screen_label="SCREEN", legend={SeatState.FREE: "free"}) == english
    assert render_hall_png(big, framed=view, screen_label="LEINWAND", legend=LEGEND) == german
