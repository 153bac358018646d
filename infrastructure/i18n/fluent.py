"""Fluent translations: one bundle per locale, English as the fallback.

Every text the customer sees is a message id here; the files live in
``locales/<locale>/*.ftl`` beside this module.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

LOCALES_DIR = Path(__file__).with_name("locales")
log = logging.getLogger(__name__)


class Translator:
    # Formatted texts kept, by locale, id and arguments: a seat map formats the
    # same dozen texts on every click, and fluent's formatting is pure Python.
    # The bundles never change after loading, so a text never goes stale.
    CACHE_SIZE = 4096

    def __init__(self, locales_dir: Path = LOCALES_DIR, default: str = "en") -> None:
        self.default = default
        self._bundles: dict[str, FluentBundle] = {}
        self._texts: dict[tuple[Any, ...], str] = {}
        for folder in sorted(p for p in locales_dir.iterdir() if p.is_dir()):
            # No Unicode isolation marks: Telegram shows them as stray characters.
            bundle = FluentBundle([folder.name], use_isolating=False)
            for file in sorted(folder.glob("*.ftl")):
                bundle.add_resource(FluentResource(file.read_text(encoding="utf-8")))
            self._bundles[folder.name] = bundle
        if default not in self._bundles:
            raise ValueError(f"no translations for the default locale {default!r} in {locales_dir}")

    @property
    def locales(self) -> list[str]:
        return sorted(self._bundles)

    def resolve(self, language_code: str | None) -> str:
        """The best locale for a Telegram language code ("ru", "pt-br", None)."""
        if language_code:
            base = language_code.lower().replace("_", "-").split("-")[0]
            if base in self._bundles:
                return base
        return self.default

    def has(self, locale: str, key: str) -> bool:
        return self._bundles[locale].has_message(key)

    def message_ids(self, locale: str) -> set[str]:
        return set(self._bundles[locale]._messages)  # noqa: SLF001 - no public listing

    def get(self, locale: str, key: str, **args: Any) -> str:
        # The type too: True == 1 but formats otherwise.
        cache_key = (locale, key, *((name, type(value), value) for name, value in sorted(args.items())))
        try:
            text = self._texts.get(cache_key)
        except TypeError:  # an argument that cannot be a key: format every time
            return self._format(locale, key, args)
        if text is None:
            text = self._format(locale, key, args)
            if len(self._texts) >= self.CACHE_SIZE:
                self._texts.clear()
            self._texts[cache_key] = text
        return text

    def _format(self, locale: str, key: str, args: dict[str, Any]) -> str:
        bundle = self._bundles.get(locale) or self._bundles[self.default]
        if not bundle.has_message(key):
            bundle = self._bundles[self.default]
            if not bundle.has_message(key):
                log.error("missing translation %s", key)
                return key
        message = bundle.get_message(key)
        if message.value is None:
            return key
        text, errors = bundle.format_pattern(message.value, args)
        for error in errors:
            log.warning("translation %s/%s: %s", locale, key, error)
        return text

    def __call__(self, locale: str) -> LocaleTexts:
        return LocaleTexts(self, locale)


class LocaleTexts:
    """The texts of one locale: ``t("key", name=value)``."""

    def __init__(self, translator: Translator, locale: str) -> None:
        self.translator = translator
        self.locale = locale

    def __call__(self, key: str, **args: Any) -> str:
        return self.translator.get(self.locale, key, **args)
