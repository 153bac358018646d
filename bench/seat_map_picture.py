"""Measure: how big a seat of the seat map's picture is on a phone, before (the
whole hall, hall_picture.py) and after (the keyboard's block zoomed,
block_picture.py), for every view of the sample cinema's halls; and how long the
zoomed picture takes to draw.

A seat's size is measured in the picture, not taken from the code: the view's
back row is made the customer's (green), and the span of green in the lower half
of the picture, over the row's columns, is the px from one seat to the next,
scaled to the width a phone gives the picture (390 px). It is a little under the
real pitch (the two outer seats' margins are left out).

A human table goes to stderr; the last line on stdout is one JSON object.

    .venv/bin/python bench/seat_map_picture.py [--phone 390] [--runs 20]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # run as a plain script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageChops  # noqa: E402

from dialogs.seatmap.layout import View, plan_views  # noqa: E402
from domain.hall import Hall  # noqa: E402
from domain.seatmap import SeatMap, SeatState  # noqa: E402
from infrastructure.catalog import load_catalog  # noqa: E402
from infrastructure.fonts import SANS  # noqa: E402
from infrastructure.render import block_picture, render_block_png, render_hall_png  # noqa: E402
from infrastructure.render.hall_pieces import BY_STATE  # noqa: E402

CATALOG = Path(__file__).resolve().parents[1] / "examples" / "cinema.yaml"
GREEN = BY_STATE[SeatState.YOURS]


def seat_px(picture: bytes, hall: Hall, view: View, phone: int) -> float:
    image = Image.open(io.BytesIO(picture)).convert("RGB")
    lower = image.crop((0, image.height // 2, image.width, image.height))
    bands = [Image.eval(band, lambda v, want=want: 255 if v == want else 0) for band, want in zip(lower.split(), GREEN)]
    box = ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2]).getbbox()
    if box is None:
        raise SystemExit(f"{hall.ref} view {view.index}: no seat of the back row found")
    back = [hall.seats[c] for c in view.grid[-1] if c]
    columns = max(s.column for s in back) - min(s.column for s in back) + 1
    return (box[2] - box[0]) / columns * phone / image.width


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phone", type=int, default=390, help="px a phone shows the picture across")
    parser.add_argument("--runs", type=int, default=20, help="renders timed per view")
    args = parser.parse_args()
    before: dict[str, float] = {}
    after: dict[str, float] = {}
    timings: list[float] = []
    print(f"{'hall':8} {'view':>4} {'rows':>6} {'seats':>6}  before px  after px  after size", file=sys.stderr)
    for hall in load_catalog(CATALOG).halls:
        for view in plan_views(hall):
            back = {c for c in view.grid[-1] if c}
            seat_map = SeatMap(hall, {c: SeatState.YOURS if c in back else SeatState.FREE for c in hall.seats})
            # As the cache drew it before: scale 2 for halls under 120 seats.
            whole = render_hall_png(seat_map, framed=view, screen_label="SCREEN", font_path=SANS,
                                    scale=2 if hall.capacity < 120 else 1)
            zoomed = render_block_png(seat_map, area=view, screen_label="SCREEN", font_path=SANS)
            was, now = seat_px(whole, hall, view, args.phone), seat_px(zoomed, hall, view, args.phone)
            before[hall.ref] = min(before.get(hall.ref, was), was)
            after[hall.ref] = min(after.get(hall.ref, now), now)
            size = Image.open(io.BytesIO(zoomed)).size
            print(f"{hall.ref:8} {view.index:>4} {view.rows_label:>6} {view.seats_label:>6}  {was:9.1f}  "
                  f"{now:8.1f}  {size[0]}x{size[1]}", file=sys.stderr)
            for _ in range(args.runs):
                block_picture._BACKGROUNDS.clear()  # the worst case: a block not drawn before
                start = time.perf_counter()
                render_block_png(seat_map, area=view, screen_label="SCREEN", font_path=SANS)
                timings.append((time.perf_counter() - start) * 1000)
    result = {
        "phone_px": args.phone,
        "before_seat_px": {ref: round(v, 1) for ref, v in before.items()},
        "after_seat_px": {ref: round(v, 1) for ref, v in after.items()},
        "render_ms_p50": round(statistics.median(timings), 1),
        "render_ms_p95": round(statistics.quantiles(timings, n=20)[-1], 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
