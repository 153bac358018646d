"""How a movie is named to a customer: its title in their language, with its genres."""

from __future__ import annotations

from dialogs.context import Texts
from dialogs.formatting import clip
from domain.catalog import Movie

TITLE_LIMIT = 60  # a title long enough to recognise, short enough for a button or a card line


def movie_title(movie: Movie, t: Texts, limit: int = TITLE_LIMIT) -> str:
    return clip(movie.title_in(t.locale), limit)


def title_with_genres(movie: Movie, t: Texts) -> str:
    """"Лис и ворона · Анимация, Семейный"; the title alone for a movie without genres."""
    genres = ", ".join(movie.genres_in(t))
    title = movie_title(movie, t)
    return t("movie-title-genres", title=title, genres=genres) if genres else title
