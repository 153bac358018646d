"""Every text has an English and a Russian version, and every key the code asks
for exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.booking import BookingStatus
from domain.promo import PromoRefusal
from infrastructure.i18n import Translator

ROOT = Path(__file__).resolve().parents[2]
LITERAL_KEY = re.compile(r"""\b(?:T|t|texts)\(\s*"([a-z0-9-]+)\"""")
NOTE_KEY = re.compile(r"""(?:"note": |_menu\(dialog_manager, )"([a-z-]+)\"""")


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator()


def test_locales_have_the_same_keys(translator):
    assert translator.locales == ["en", "ru"]
    assert translator.message_ids("en") == translator.message_ids("ru")


def _keys_in_code() -> set[str]:
    keys: set[str] = set()
    for folder in ("dialogs", "handlers", "bot", "infrastructure/render"):
        for file in (ROOT / folder).rglob("*.py"):
            text = file.read_text(encoding="utf-8")
            keys |= set(LITERAL_KEY.findall(text)) | set(NOTE_KEY.findall(text))
    return keys


def test_every_key_used_in_code_exists(translator):
    keys = _keys_in_code()
    assert len(keys) > 60  # the scan really found the texts
    missing = sorted(k for k in keys if not translator.has("en", k))
    assert missing == []


def test_keys_built_from_data_exist(translator):
    dynamic = (
        [f"promo-refused-{r}" for r in PromoRefusal]
        + [f"status-{s}" for s in BookingStatus]
        + [f"card-{s}" for s in BookingStatus if s != BookingStatus.AWAITING_PAYMENT]
        + [f"ticket-{t}" for t in ("adult", "child", "student", "senior")]
        + [f"command-{c}" for c in ("start", "mybookings", "language", "help", "cancel")]
    )
    for locale in translator.locales:
        assert [k for k in dynamic if not translator.has(locale, k)] == []


def test_variables_are_filled_and_language_codes_resolve(translator):
    assert translator.get("ru", "seat-taken", seat="F3") == "Место F3 занято. Выберите другое — схема обновлена."
    assert translator.resolve("ru-RU") == "ru" and translator.resolve("pt-br") == "en" and translator.resolve(None) == "en"
    assert translator.get("de", "menu-help") == translator.get("en", "menu-help")  # unknown locale falls back
    assert translator.get("en", "no-such-key") == "no-such-key"


def test_command_descriptions_fit_telegram(translator):
    for locale in translator.locales:
        for command in ("start", "mybookings", "language", "help", "cancel"):
            assert 1 <= len(translator.get(locale, f"command-{command}")) <= 256


def test_texts_are_formatted_once_per_locale_key_and_arguments():
    translator = Translator()
    first = translator.get("en", "seat-taken", seat="F-3")
    assert translator.get("en", "seat-taken", seat="F-3") is first  # kept
    assert translator.get("en", "seat-taken", seat="F-4") == first.replace("F-3", "F-4")
    assert translator.get("ru", "seat-taken", seat="F-3") != first
    # Arguments that cannot be a key are formatted every time.
    assert translator.get("en", "seat-taken", seat=["F-3"]) != ""
    translator.CACHE_SIZE = 2
    for seat in ("A-1", "A-2", "A-3"):
        assert seat in translator.get("en", "seat-taken", seat=seat)
    assert len(translator._texts) <= 2  # noqa: SLF001 - bounded
