"""Participants' texts in the project's language (settings.LANGUAGE_CODE), with gettext catalogs.

oTree's own texts ("Next", wait pages, the timer, form validation, the end page) come
from the catalogs in otree/locale/<language>/LC_MESSAGES/otree.mo. Apps can translate
their own texts the same way, from a `locale/` folder next to their __init__.py:

    from otree.i18n import translator
    _ = translator(__file__)
    ...
    label=_("How old are you?")

The language is looked up when a text is shown, so changing LANGUAGE_CODE (or tests that
override it) needs no restart. `python -m otree.i18n_tools` extracts and compiles catalogs.
"""

from __future__ import annotations

import functools
import os
from typing import Callable

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations

LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
DOMAIN = "otree"
APP_DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a text for extraction where it is defined; it is translated where it is shown."""
    return message


def language_code() -> str:
    from otree.conf import settings

    return str(settings.LANGUAGE_CODE or "en")


@functools.lru_cache(maxsize=64)
def _locale_names(code: str) -> tuple[str, ...]:
    """Catalog folder names to try for a LANGUAGE_CODE, most specific first: zh-hans -> zh_Hans, zh."""
    try:
        locale = Locale.parse(code.replace("-", "_"), sep="_")
    except (UnknownLocaleError, ValueError):
        return (code.replace("-", "_"), code.split("-")[0].split("_")[0])
    names = [str(locale)]
    if locale.script:
        names.append(f"{locale.language}_{locale.script}")
    names.append(locale.language)
    return tuple(dict.fromkeys(names))


@functools.lru_cache(maxsize=256)
def catalog(directory: str, domain: str, code: str) -> NullTranslations:
    """The compiled catalog of `domain` in `directory` for the language; NullTranslations if none."""
    return Translations.load(directory, list(_locale_names(code)), domain)


def gettext(message: str) -> str:
    """oTree's own text `message` in the current language."""
    return catalog(LOCALE_DIR, DOMAIN, language_code()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """oTree's own text with a number, in the right plural form of the current language."""
    return catalog(LOCALE_DIR, DOMAIN, language_code()).ngettext(singular, plural, n)


def translator(module_file: str, domain: str = APP_DOMAIN) -> Callable[[str], str]:
    """A gettext for an app: catalogs in `locale/` next to `module_file` (usually __file__)."""
    directory = os.path.join(os.path.dirname(os.path.abspath(module_file)), "locale")

    def app_gettext(message: str) -> str:
        return catalog(directory, domain, language_code()).gettext(message)

    return app_gettext


def html_lang() -> str:
    """The value for <html lang="...">: zh-Hans, de, pt-BR."""
    code = language_code()
    try:
        return str(Locale.parse(code.replace("-", "_"), sep="_")).replace("_", "-")
    except (UnknownLocaleError, ValueError):
        return code
