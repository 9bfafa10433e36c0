"""Names kept in several languages, as {language code: text}, shown in the reader's language."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language

PRIMARY_LANGUAGE = "zh-hans"


def localized(names: dict[str, str], language: str | None = None) -> str:
    """The name in ``language`` (default: the active one), else Chinese, else any given."""
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    for code in (language, language.split("-")[0], PRIMARY_LANGUAGE):
        if names.get(code):
            return names[code]
    return next((text for text in names.values() if text), "")


def language_codes() -> list[str]:
    return [code for code, _label in settings.LANGUAGES]
