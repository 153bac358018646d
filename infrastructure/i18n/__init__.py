"""The translation layer: Fluent (.ftl) messages per locale."""

from infrastructure.i18n.fluent import Translator

__all__ = ["Translator"]
