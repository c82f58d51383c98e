"""Gettext catalogues compiled from ``locales/<lang>/LC_MESSAGES/messages.po`` at load.

Compiling in memory from the ``.po`` each time means a translator's edit can
never be shadowed by a stale ``.mo``, and nothing needs a build step to run.
"""

from __future__ import annotations

import gettext
import io
import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

__all__ = ["DOMAIN", "Catalogs"]

DOMAIN = "messages"
log = logging.getLogger(__name__)


class Catalogs:
    """One ``GNUTranslations`` per language; unknown languages get the source text."""

    def __init__(self, locales_dir: Path, languages: tuple[str, ...] | list[str]) -> None:
        self.locales_dir = locales_dir
        self._by_lang: dict[str, gettext.NullTranslations] = {}
        for lang in languages:
            self._by_lang[lang] = self._load(lang)

    def _load(self, lang: str) -> gettext.NullTranslations:
        po_path = self.locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po_path.is_file():
            return gettext.NullTranslations()
        try:
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=None, domain=DOMAIN)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            buffer.seek(0)
            return gettext.GNUTranslations(buffer)
        except Exception as exc:  # a broken .po must not stop the bot
            log.error("cannot read %s: %s; using English for the interface", po_path, exc)
            return gettext.NullTranslations()

    def get(self, lang: str) -> gettext.NullTranslations:
        return self._by_lang.get(lang) or gettext.NullTranslations()

    def gettext(self, lang: str, message: str) -> str:
        return self.get(lang).gettext(message)
