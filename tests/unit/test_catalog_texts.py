"""A movie's texts in the customer's language: genres by code through the translation
layer, titles and synopses per language with one fallback, and the catalog file
that carries them (validated, exported and read back)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from domain.catalog import Movie
from domain.genres import VOCABULARY, canonical_genres, genre_code, genre_names
from domain.services.catalog_admin import CatalogError
from infrastructure.catalog import dump_catalog, load_catalog, parse_catalog
from infrastructure.i18n import Translator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cinema.yaml"
TODAY = date(2026, 11, 23)

FILE = """
cinema: {timezone: Europe/Berlin, currency: EUR}
movies:
  - ref: fuchs
    title: Fuchs und Krähe
    runtime_min: 92
    genres: [Familie, Animation, Heimatfilm, family]
    synopsis: Ein Fuchs und eine Krähe.
    titles: {en: The Fox and the Crow, ru: Лис и ворона}
    synopses: {ru: Лис и ворона.}
"""


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator()


def _movie(**texts: object) -> Movie:
    return Movie(None, "m", "Der Wintergarten", 100, synopsis="Drei Schwestern.", **texts)  # type: ignore[arg-type]


def refused(extra: str) -> str:
    text = f"""
cinema: {{timezone: Europe/Berlin, currency: EUR}}
movies:
  - {{ref: dune, title: Dune, runtime_min: 150, {extra}}}
"""
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, today=TODAY)
    return str(caught.value)


# --- genres ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("family", "family"), ("Familie", "family"), ("семейный", "family"),
        ("Science-Fiction", "science-fiction"), ("sci-fi", "science-fiction"), ("Фантастика", "science-fiction"),
        ("KOMÖDIE", "comedy"), ("Weihnachten", "christmas"), ("Romantik", "romance"), ("  Thriller ", "thriller"),
        ("Мультфильм", "animation"), ("Приключения", "adventure"),
    ],
)
def test_a_genre_is_known_by_its_code_or_a_name_in_a_common_language(name: str, code: str) -> None:
    assert genre_code(name) == code


def test_every_name_of_the_vocabulary_means_its_own_genre() -> None:
    # Two genres sharing a name would make one of them unreachable.
    wrong = {name: genre_code(name) for code, names in VOCABULARY.items() for name in names if genre_code(name) != code}
    assert wrong == {}


def test_genres_are_stored_as_codes_once_each_and_unknown_ones_as_written() -> None:
    assert canonical_genres(["Familie", " Animation", "Heimatfilm ", "family", "", "heimatfilm"]) == (
        "family", "animation", "Heimatfilm", "heimatfilm",
    )


def test_every_genre_has_a_name_in_every_locale_that_reads_back_as_its_code(translator: Translator) -> None:
    # What a customer is shown, written into a catalog, means the same genre again.
    for locale in translator.locales:
        for code in VOCABULARY:
            assert translator.has(locale, f"genre-{code}"), (locale, code)
            assert genre_code(translator.get(locale, f"genre-{code}")) == code, (locale, code)


def test_genres_are_shown_in_the_readers_language_and_unknown_ones_as_written(translator: Translator) -> None:
    movie = _movie(genres=("science-fiction", "Drama", "Heimatfilm"))
    assert movie.genres_in(translator("ru")) == ("Фантастика", "Драма", "Heimatfilm")
    assert movie.genres_in(translator("en")) == ("Science fiction", "Drama", "Heimatfilm")
    # A locale the bot does not speak reads the default language's names.
    assert genre_names(("family",), translator("de")) == ("Family",)


# --- titles and synopses ---------------------------------------------------------------


def test_a_title_and_synopsis_of_the_readers_language_else_the_default() -> None:
    movie = _movie(titles={"ru": "Зимний сад", "en": "The Winter Garden"}, synopses={"ru": "Три сестры."})
    assert movie.title_in("ru") == "Зимний сад" and movie.synopsis_in("ru") == "Три сестры."
    assert movie.title_in("en") == "The Winter Garden" and movie.synopsis_in("en") == "Drei Schwestern."
    assert movie.title_in("ru-RU") == movie.title_in("RU") == movie.title_in("ru_ua") == "Зимний сад"
    assert movie.title_in("de") == movie.title_in("") == "Der Wintergarten"
    assert _movie().title_in("ru") == "Der Wintergarten"


# --- the catalog file --------------------------------------------------------------------


def test_the_file_gives_titles_synopses_and_genre_codes() -> None:
    movie = parse_catalog(FILE, today=TODAY).movies[0]
    assert movie.genres == ("family", "animation", "Heimatfilm")
    assert movie.titles == {"en": "The Fox and the Crow", "ru": "Лис и ворона"}
    assert movie.synopses == {"ru": "Лис и ворона."}
    assert movie.title == "Fuchs und Krähe" and movie.synopsis == "Ein Fuchs und eine Krähe."


def test_export_writes_texts_per_language_and_genre_codes_and_reads_back_the_same() -> None:
    data = parse_catalog(FILE, today=TODAY)
    text = dump_catalog(data)
    written = yaml.safe_load(text)["movies"][0]
    assert written["genres"] == ["family", "animation", "Heimatfilm"]
    assert written["titles"] == {"en": "The Fox and the Crow", "ru": "Лис и ворона"}
    assert written["synopses"] == {"ru": "Лис и ворона."}
    assert parse_catalog(text, today=TODAY).movies == data.movies


def test_a_movie_without_texts_per_language_exports_none() -> None:
    data = parse_catalog(FILE.split("    titles:")[0], today=TODAY)
    written = yaml.safe_load(dump_catalog(data))["movies"][0]
    assert "titles" not in written and "synopses" not in written


def test_export_writes_genres_stored_before_the_vocabulary_as_codes() -> None:
    data = parse_catalog(FILE, today=TODAY)
    data.movies[0].genres = ("Familie", "Heimatfilm")  # as an older import stored them
    assert yaml.safe_load(dump_catalog(data))["movies"][0]["genres"] == ["family", "Heimatfilm"]


def test_the_sample_gives_every_movie_english_and_russian_texts_and_known_genres() -> None:
    for movie in load_catalog(EXAMPLE, today=TODAY).movies:
        assert set(movie.titles) >= {"en", "ru"} and set(movie.synopses) >= {"en", "ru"}, movie.ref
        assert movie.genres and all(g in VOCABULARY for g in movie.genres), movie.ref


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("titles: {ua: Дюна}", "movies[0] (ref dune): titles.ua: unknown language 'ua': use a language code like en, ru or de"),
        ("synopses: {english: Sand.}", "synopses.english: unknown language 'english'"),
        ("titles: {EN: Dune}", "titles.EN: unknown language 'EN'"),
        ("titles: Dune", "movies[0] (ref dune): titles: expected one text per language code, like {en: ..., ru: ...}"),
        ("synopses: [Sand.]", "synopses: expected one text per language code"),
        ("titles: {ru: [Дюна]}", "titles.ru: Input should be a valid string"),
        ("titles: {ru: " + "Д" * 201 + "}", "titles.ru: String should have at most 200 characters"),
        ("titles: {ru: ''}", "titles.ru: String should have at least 1 character"),
        ("synopses: {ru: " + "п" * 4001 + "}", "synopses.ru: String should have at most 4000 characters"),
    ],
)
def test_bad_texts_per_language_are_refused_naming_the_movie_and_the_field(extra: str, message: str) -> None:
    error = refused(extra)
    assert message in error and "\n" not in error
