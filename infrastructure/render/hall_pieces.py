"""The hall picture's colours and palette, and the pieces drawn once per size and
pasted: seats, seat numbers, the wheelchair pictogram, the screen; and text the
fonts can draw.

ImageDraw does not anti-alias, so shapes are drawn 4x larger and scaled down, which
is too slow to do per seat. The palette holds every colour of the scheme and the
blends between them, so pictures are saved as palette PNGs.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from domain.hall import Hall, Seat, SeatKind
from domain.seatmap import SeatMap, SeatState

SUPERSAMPLE = 4

RGB = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

BACKGROUND: RGB = (22, 24, 30)
TEXT: RGB = (226, 229, 236)
MUTED: RGB = (139, 146, 162)
INK: RGB = (18, 20, 26)  # digits on seats
SCREEN: RGB = (196, 220, 255)
FRAME: RGB = (255, 214, 10)  # used for nothing else, so the frame can be found
FREE_BY_KIND: dict[SeatKind, RGB] = {
    SeatKind.STANDARD: (74, 135, 228),
    SeatKind.VIP: (176, 112, 222),
    SeatKind.WHEELCHAIR: (32, 170, 150),
    SeatKind.COMPANION: (98, 196, 222),
    SeatKind.COUCH: (222, 102, 140),
}
BY_STATE: dict[SeatState, RGB] = {
    SeatState.YOURS: (52, 199, 89),
    SeatState.HELD: (236, 154, 44),
    SeatState.SOLD: (64, 68, 80),
    SeatState.BLOCKED: (64, 68, 80),  # drawn as an outline with a cross
}


WHEELCHAIR_MARK = "wheelchair"  # the pictogram instead of a seat number

# What Pillow's built-in scalable font (a subset of Aileron) can draw; anything
# else would come out as boxes. Pass font_path for text beyond it.
_DEFAULT_FONT_CHARS = frozenset(
    "".join(chr(c) for c in range(0x20, 0x7F)) + "©«°±´·»‘’“”…‹›⁄™"
)
_FOLD = {"ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Ø": "O", "ø": "o",
         "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "–": "-", "—": "-", "•": "·"}


# --- a seat's look -----------------------------------------------------------------


def seat_state(seat_map: SeatMap, seat: Seat) -> SeatState:
    if seat.blocked:
        return SeatState.BLOCKED
    # A seat missing from the map is never shown as sellable.
    return seat_map.state(seat.code) or SeatState.BLOCKED


def seat_fill(seat: Seat, state: SeatState) -> RGB:
    return FREE_BY_KIND[seat.kind] if state is SeatState.FREE else BY_STATE[state]


def couch_side(hall: Hall, seat: Seat) -> str:
    """Which side of its cell a couch half joins its partner at: "right", "left", ""."""
    if seat.couch_partner is None:
        return ""
    return "right" if hall.seats[seat.couch_partner].column > seat.column else "left"


# --- the palette -----------------------------------------------------------------


def in_palette(image: Image.Image) -> Image.Image:
    return image.quantize(palette=_palette(), dither=Image.Dither.NONE)


@lru_cache(maxsize=1)
def _palette_indices() -> dict[RGB, int]:
    colours = _palette().getpalette() or []
    indices: dict[RGB, int] = {}
    for i in range(len(colours) // 3):
        indices.setdefault((colours[3 * i], colours[3 * i + 1], colours[3 * i + 2]), i)
    return indices


def palette_index(colour: RGB) -> int:
    return _palette_indices()[colour]


@lru_cache(maxsize=1)
def _palette() -> Image.Image:
    """Every flat colour of the scheme and steps of the blends anti-aliasing makes
    between them (edges on the background, digits on seats, text), so quantizing
    keeps flat colours exact and edges smooth."""
    fills = list(FREE_BY_KIND.values()) + list(BY_STATE.values())
    flat = [BACKGROUND, TEXT, MUTED, INK, SCREEN, FRAME, *fills, *map(_shade, fills)]
    blends = [(c, BACKGROUND) for c in (TEXT, MUTED, SCREEN, *fills, *map(_shade, fills))]
    blends += [(INK, c) for c in fills] + [(c, _shade(c)) for c in fills]
    colours = list(dict.fromkeys(flat))
    steps = (256 - len(colours)) // len(blends)
    for a, b in blends:
        colours += [_mix(a, b, i / (steps + 1)) for i in range(1, steps + 1)]
    colours = list(dict.fromkeys(colours))[:256]
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for c in colours for v in c])
    return palette


# --- pieces drawn once per size -------------------------------------------------


def _shade(colour: RGB) -> RGB:
    return (colour[0] * 3 // 4, colour[1] * 3 // 4, colour[2] * 3 // 4)


def _mix(a: RGB, b: RGB, share_of_a: float) -> RGB:
    return (
        round(a[0] * share_of_a + b[0] * (1 - share_of_a)),
        round(a[1] * share_of_a + b[1] * (1 - share_of_a)),
        round(a[2] * share_of_a + b[2] * (1 - share_of_a)),
    )


@lru_cache(maxsize=256)
def seat_sprite(u: int, colour: RGB, couch_side: str, outline: bool) -> Image.Image:
    """One cell with its seat: a rounded square with a darker backrest at the
    bottom (seats face the screen). A couch half runs to the cell edge it shares
    with its partner, so the pair reads as one piece."""
    k = SUPERSAMPLE
    size = u * k
    inset = max(1, round(0.12 * u)) * k
    box = [inset, inset, size - inset, size - inset]
    corners = (True, True, True, True)
    if couch_side == "right":
        box[2], corners = size, (True, False, False, True)
    elif couch_side == "left":
        box[0], corners = 0, (False, True, True, False)
    radius = max(1, round(0.2 * u)) * k
    big = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(big)
    if outline:
        line = max(1, round(u / 18)) * k
        draw.rounded_rectangle(box, radius, outline=colour, width=line, corners=corners)
        pad = round(0.24 * u) * k
        for a, b in (((box[0] + pad, box[1] + pad), (box[2] - pad, box[3] - pad)),
                     ((box[0] + pad, box[3] - pad), (box[2] - pad, box[1] + pad))):
            draw.line((a, b), fill=colour, width=line)
    else:
        draw.rounded_rectangle(box, radius, fill=_shade(colour), corners=corners)
        back = max(1, round(0.16 * u)) * k
        draw.rounded_rectangle((box[0], box[1], box[2], box[3] - back), radius, fill=colour, corners=corners)
        if couch_side == "right":  # a seam between the two halves
            draw.rectangle((size - k, box[1] + radius, size, box[3] - back), fill=_shade(colour))
    return big.reduce(k)


@lru_cache(maxsize=4096)
def seat_in_palette(
    u: int, colour: RGB, side: str, outline: bool, mark: str, number_size: int, path: str | None
) -> Image.Image:
    """A cell with its seat and its number (or pictogram), in the palette."""
    cell = seat_sprite(u, colour, side, outline).copy()
    if mark == WHEELCHAIR_MARK:
        cell.paste(INK, (0, 0), wheelchair_mask(u))
    elif mark:
        mask, (dx, dy) = label_mask(mark, number_size, path)
        cell.paste(INK, (u // 2 + dx, round(0.43 * u) + dy), mask)
    return in_palette(cell)


@lru_cache(maxsize=2048)
def label_mask(text: str, size: int, path: str | None) -> tuple[Image.Image, tuple[int, int]]:
    """Text as an alpha mask and the offset of its box from the anchor point."""
    font = load_font(size, path)
    left, top, right, bottom = (int(v) for v in font.getbbox(text, anchor="mm"))
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255, anchor="mm")
    return mask, (left, top)


@lru_cache(maxsize=16)
def wheelchair_mask(u: int) -> Image.Image:
    """The wheelchair pictogram (head, back and seat, wheel) over a whole cell."""
    k = SUPERSAMPLE
    s = 0.2 * u * k  # pictogram unit
    cx, cy = u * k / 2, 0.43 * u * k
    line = max(1, round(u / 16)) * k
    mask = Image.new("L", (u * k, u * k), 0)
    draw = ImageDraw.Draw(mask)
    head = 0.3 * s
    draw.ellipse((cx - 0.25 * s - head, cy - 1.1 * s - head, cx - 0.25 * s + head, cy - 1.1 * s + head), fill=255)
    draw.line(
        [(cx - 0.3 * s, cy - 0.6 * s), (cx - 0.3 * s, cy + 0.1 * s), (cx + 0.5 * s, cy + 0.1 * s),
         (cx + 0.85 * s, cy + 0.9 * s)],
        fill=255, width=line, joint="curve",
    )
    r = 0.75 * s
    draw.arc((cx - 0.35 * s - r, cy + 0.35 * s - r, cx - 0.35 * s + r, cy + 0.35 * s + r), 300, 200, fill=255, width=line)
    return mask.reduce(k)


@lru_cache(maxsize=16)
def screen_patch(width: int, height: int, u: int) -> Image.Image:
    """A shallow arc with a glow under it: a screen curving towards the seats."""
    k = SUPERSAMPLE
    big = Image.new("RGB", (width * k, height * k), BACKGROUND)
    draw = ImageDraw.Draw(big)
    w, sag = width * k, 0.45 * u * k
    thick = max(1, round(0.14 * u)) * k
    # The top edge of an ellipse 1.2x as wide as the seats, dropping by ``sag``
    # at their ends.
    half_height = sag / (1 - (1 - (0.5 / 0.6) ** 2) ** 0.5)
    box = (-0.1 * w, k, 1.1 * w, k + 2 * half_height)
    # Widest and faintest first: the light the screen throws towards the seats.
    for glow, share in ((6.0, 0.04), (4.5, 0.08), (3.2, 0.14), (2.0, 0.25), (1.0, 1.0)):
        draw.arc(box, 180, 360, fill=_mix(SCREEN, BACKGROUND, share), width=round(thick * glow))
    return big.reduce(k)


@lru_cache(maxsize=32)
def load_font(size: int, path: str | None) -> Font:
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path, size=size)


# --- text ------------------------------------------------------------------------


def fit_text(text: str, u: int, share: float, room: float, path: str | None) -> tuple[str, Font]:
    """The text in the largest font from ``share`` of a pitch down to 70 % of it
    that fits ``room``; shortened with an ellipsis if even the smallest is too wide."""
    for step in (1.0, 0.85, 0.7):
        font = load_font(max(7, round(share * step * u)), path)
        if font.getlength(text) <= room:
            return text, font
    while text and font.getlength(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…", font


def fold(text: str) -> str:
    """Text the built-in font can draw: accents dropped ("Köln" -> "Koln"), other
    characters without an ASCII form left out."""
    out: list[str] = []
    for char in text:
        if char in _DEFAULT_FONT_CHARS:
            out.append(char)
        elif char in _FOLD:
            out.append(_FOLD[char])
        else:
            out.extend(c for c in unicodedata.normalize("NFKD", char) if c in _DEFAULT_FONT_CHARS)
    return " ".join("".join(out).split())
