"""Pictures drawn with Pillow: the seat plan of a hall, whole or by block."""

from infrastructure.render.block_picture import block_picture_key, render_block_png
from infrastructure.render.hall_picture import picture_key, render_hall_png

__all__ = ["block_picture_key", "picture_key", "render_block_png", "render_hall_png"]
