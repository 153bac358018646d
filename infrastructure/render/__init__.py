"""Pictures drawn with Pillow: the seat plan of a hall."""

from infrastructure.render.hall_picture import picture_key, render_hall_png

__all__ = ["picture_key", "render_hall_png"]
