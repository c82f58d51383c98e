"""Interface strings (gettext catalogues in ``locales/``) and language negotiation."""

from bot.i18n.catalogs import Catalogs
from bot.i18n.languages import native_name, negotiate

__all__ = ["Catalogs", "native_name", "negotiate"]
