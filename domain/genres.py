"""The genres the cinema knows: a code for each, the names that mean it, and how a
customer reads it.

The one home of the genre rule. A catalog may write a genre by its code
(``family``) or by a known name in a common language (``Familie``, ``Family``,
``семейный``); it is stored as the code and shown in the customer's language
through the message ``genre-<code>``. A genre not in this vocabulary is kept and
shown as written, so a cinema never loses a word it chose.
"""

from __future__ import annotations

from typing import Any, Iterable, Protocol

MESSAGE_PREFIX = "genre-"

# code -> names that mean it in English, German, French, Spanish, Italian and
# Russian (the code itself always counts). Compared without case, spaces,
# hyphens or dots, so "Sci-Fi" and "scifi" are one name.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "action": ("Action", "Acción", "Azione", "Боевик", "Экшен"),
    "adventure": ("Adventure", "Abenteuer", "Aventure", "Aventura", "Avventura", "Приключения"),
    "animation": ("Animation", "Animationsfilm", "Trickfilm", "Animación", "Animazione", "Анимация", "Мультфильм"),
    "biography": ("Biography", "Biopic", "Biografie", "Biographie", "Biografía", "Biografia", "Биография"),
    "christmas": ("Christmas", "Weihnachten", "Weihnachtsfilm", "Noël", "Navidad", "Natale", "Рождество", "Рождественский"),
    "comedy": ("Comedy", "Komödie", "Comédie", "Comedia", "Commedia", "Комедия"),
    "crime": ("Crime", "Krimi", "Kriminalfilm", "Policier", "Crimen", "Poliziesco", "Криминал"),
    "documentary": ("Documentary", "Dokumentarfilm", "Doku", "Documentaire", "Documental", "Documentario", "Документальный"),
    "drama": ("Drama", "Drame", "Dramma", "Драма"),
    "family": ("Family", "Familie", "Familienfilm", "Famille", "Familiar", "Famiglia", "Семейный"),
    "fantasy": ("Fantasy", "Fantastique", "Fantasía", "Фэнтези"),
    "history": ("History", "Historical", "Historienfilm", "Geschichte", "Historique", "Historia", "Storico", "История", "Исторический"),
    "horror": ("Horror", "Épouvante", "Terror", "Ужасы"),
    "music": ("Music", "Musik", "Musique", "Música", "Musica", "Музыка"),
    "musical": ("Musical", "Comédie musicale", "Musicale", "Мюзикл"),
    "mystery": ("Mystery", "Mystère", "Misterio", "Mistero", "Детектив"),
    "romance": ("Romance", "Romantik", "Liebesfilm", "Romantique", "Romántico", "Romantico", "Мелодрама", "Романтика"),
    "science-fiction": ("Science Fiction", "Sci-Fi", "Science-fiction", "Ciencia ficción", "Fantascienza", "Фантастика", "Научная фантастика"),
    "sport": ("Sport", "Sports", "Deporte", "Спорт"),
    "thriller": ("Thriller", "Suspense", "Триллер"),
    "war": ("War", "Kriegsfilm", "Krieg", "Guerre", "Bélico", "Guerra", "Военный"),
    "western": ("Western", "Вестерн"),
}


def _key(name: str) -> str:
    # ё is written as е as often as not in Russian.
    return "".join(ch for ch in name.casefold().replace("ё", "е") if ch.isalnum())


_BY_NAME: dict[str, str] = {
    _key(name): code for code, names in VOCABULARY.items() for name in (code, *names)
}


def genre_code(name: str) -> str | None:
    """The code a genre name means, or None for a genre outside the vocabulary."""
    return _BY_NAME.get(_key(name))


def canonical_genres(names: Iterable[str]) -> tuple[str, ...]:
    """Genres as stored: a known one as its code, another as written (trimmed);
    in the given order, each once ("Familie" and "family" are one genre)."""
    seen: dict[str, None] = {}
    for name in names:
        text = name.strip()
        if text:
            seen.setdefault(genre_code(text) or text, None)
    return tuple(seen)


class Texts(Protocol):
    """The texts of the reader's locale: a message id in, the text out."""

    def __call__(self, key: str, **args: Any) -> str: ...


def genre_names(genres: Iterable[str], t: Texts) -> tuple[str, ...]:
    """Genres as the reader of ``t`` reads them; an unknown genre as written."""
    names = []
    for genre in genres:
        code = genre_code(genre)
        names.append(t(MESSAGE_PREFIX + code) if code else genre)
    return tuple(names)
