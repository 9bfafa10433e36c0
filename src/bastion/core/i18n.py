"""Compile and check the translation catalogues without GNU gettext (polib).

`python -m bastion.core.i18n compile` writes the .mo files;
`python -m bastion.core.i18n check` fails if a zh_Hans string is untranslated or fuzzy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def compile_all() -> None:
    for po_path in catalogues():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


def untranslated(language: str = "zh_Hans") -> list[str]:
    problems: list[str] = []
    for po_path in LOCALE_DIR.glob(f"{language}/LC_MESSAGES/*.po"):
        po = polib.pofile(str(po_path))
        problems += [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
        problems += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    return problems


if __name__ == "__main__":
    if sys.argv[1:] == ["compile"]:
        compile_all()
    elif sys.argv[1:] == ["check"]:
        found = untranslated()
        print("\n".join(found) or "all strings translated")
        sys.exit(1 if found else 0)
    else:
        sys.exit("usage: python -m bastion.core.i18n compile|check")
