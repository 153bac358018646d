"""Pure pieces of the seat-map window: a hall cut into keyboard-sized views."""

from dialogs.seatmap.layout import (
    SeatCell,
    SeatSymbols,
    View,
    neighbours,
    plan_views,
    render_view,
    seat_item_ok,
    view_of_seat,
    views_with_free,
)

__all__ = [
    "SeatCell",
    "SeatSymbols",
    "View",
    "neighbours",
    "plan_views",
    "render_view",
    "seat_item_ok",
    "view_of_seat",
    "views_with_free",
]
