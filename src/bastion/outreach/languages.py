"""The languages a notice can be written in: Chinese first and required, then those of the county's peoples."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeLanguage:
    code: str
    name: str
    """In the language itself, as a reader looks for it."""
    rtl: bool = False
    font_lang: str = ""
    """ISO 639 code fontconfig knows the script by (the poster's font), when it differs from ``code``."""


CHINESE = "zh-hans"
NOTICE_LANGUAGES = [
    NoticeLanguage(CHINESE, "中文"),
    NoticeLanguage("kk-arab", "قازاقشا", rtl=True, font_lang="ar"),
    NoticeLanguage("ug", "ئۇيغۇرچە", rtl=True, font_lang="ug"),
    NoticeLanguage("kk-cyrl", "Қазақша", font_lang="kk"),
    NoticeLanguage("mn", "Монгол", font_lang="mn"),
    NoticeLanguage("ru", "Русский", font_lang="ru"),
    NoticeLanguage("en", "English", font_lang="en"),
]
BY_CODE = {language.code: language for language in NOTICE_LANGUAGES}


def in_order(texts: dict[str, object]) -> list[str]:
    """The language codes of ``texts`` in the order of ``NOTICE_LANGUAGES`` (Chinese first), whatever order the
    database keeps a JSON object's keys in (PostgreSQL's jsonb sorts them)."""
    return [language.code for language in NOTICE_LANGUAGES if language.code in texts]
