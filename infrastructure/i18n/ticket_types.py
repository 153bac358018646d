"""A ticket type's name in the reader's language, by its code ("adult" -> "Взрослый").

The one rule wherever a ticket type is named outside the chat's own screens (the
PDF, the pay pages): the translation ``ticket-<code>`` when there is one, else the
code as the catalog wrote it, never the bare message id.
"""

from __future__ import annotations

from infrastructure.i18n.fluent import Translator


def ticket_type_name(translator: Translator, locale: str, code: str) -> str:
    key = f"ticket-{code}"
    # Every locale has the same messages (tests/unit/test_translations.py): asking
    # the default locale says whether the type is a known one.
    return translator.get(locale, key) if translator.has(translator.default, key) else code
