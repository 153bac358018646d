"""QR modules merged into rectangles (infrastructure/pdf/qr.py)."""

from __future__ import annotations

import random

from infrastructure.pdf.qr import module_rects, ticket_matrix


def _paint(rects: list[tuple[int, int, int, int]], size: int) -> list[list[bool]]:
    grid = [[False] * size for _ in range(size)]
    for col, row, width, height in rects:
        for y in range(row, row + height):
            for x in range(col, col + width):
                assert not grid[y][x], f"module {x},{y} painted twice"
                grid[y][x] = True
    return grid


def test_rectangles_cover_exactly_the_dark_modules() -> None:
    matrix = ticket_matrix("s3cr3t-C1-Zq8xWk2mPv")
    assert len(matrix) == 25  # version 2: a 22-character secret at level M
    rects = module_rects(matrix)
    assert _paint(rects, 25) == [list(row) for row in matrix]
    dark = sum(sum(row) for row in matrix)
    assert len(rects) < dark / 2  # merged, not one square per module


def test_runs_grow_down_and_stop_where_the_shape_changes() -> None:
    matrix = [
        [True, True, False, True],
        [True, True, False, False],
        [True, False, False, True],
        [True, True, True, True],
    ]
    rects = module_rects(matrix)
    assert sorted(rects) == sorted([(0, 0, 2, 2), (3, 0, 1, 1), (0, 2, 1, 1), (3, 2, 1, 1), (0, 3, 4, 1)])


def test_random_matrices_round_trip() -> None:
    rng = random.Random(5)
    for _ in range(50):
        size = rng.randint(1, 30)
        matrix = [[rng.random() < 0.5 for _ in range(size)] for _ in range(size)]
        assert _paint(module_rects(matrix), size) == matrix


def test_the_code_depends_only_on_the_secret() -> None:
    assert ticket_matrix("abc") == ticket_matrix("abc")
    assert ticket_matrix("abc") != ticket_matrix("abd")
