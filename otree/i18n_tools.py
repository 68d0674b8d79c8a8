"""Maintaining oTree's translations with Babel: `python -m otree.i18n_tools extract|update|compile`.

extract  writes otree/locale/otree.pot from the texts marked in otree/ (N_() and gettext() in
         Python; {% trans "..." %} and _otree_gettext("...") in templates);
update   merges the template into every otree/locale/<language>/LC_MESSAGES/otree.po;
compile  writes the .mo files next to them (shipped in the wheel).

An app's own catalogs: pass --dir APP_FOLDER --domain messages (its locale/ folder), and
`init LANGUAGE` to start a new language.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from babel.messages import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from otree.i18n import DOMAIN, LOCALE_DIR

PACKAGE_DIR = os.path.dirname(LOCALE_DIR)
KEYWORDS = {"N_": None, "gettext": None, "_": None, "_otree_gettext": None, "ngettext": (1, 2)}
_TEMPLATE_TEXT = re.compile(r"""(?:\{%\s*trans\s+|_otree_gettext\(\s*)(["'])(.+?)\1""")


def extract_templates(fileobj, keywords, comment_tags, options):
    """Babel extraction method for templates: {% trans "text" %} and _otree_gettext("text")."""
    for lineno, line in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        for match in _TEMPLATE_TEXT.finditer(line):
            yield lineno, "gettext", match.group(2), []


METHODS = [("**/sample_project/**", "ignore"), ("**/project_template/**", "ignore"), ("**/app_template/**", "ignore"),
           ("**.py", "python"), ("**.html", "otree.i18n_tools:extract_templates")]


def extract(source: str) -> Catalog:
    catalog = Catalog(project="otree-asgi", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(source, METHODS, keywords=KEYWORDS):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _po_files(locale_dir: str, domain: str):
    for language in sorted(os.listdir(locale_dir)):
        path = os.path.join(locale_dir, language, "LC_MESSAGES", f"{domain}.po")
        if os.path.isfile(path):
            yield language, path


def update(locale_dir: str, domain: str, template: Catalog) -> None:
    for language, path in _po_files(locale_dir, domain):
        with open(path, "rb") as f:
            catalog = read_po(f, locale=language)
        catalog.update(template, no_fuzzy_matching=True)
        with open(path, "wb") as f:
            write_po(f, catalog, omit_header=False, width=100, ignore_obsolete=True)


def compile_all(locale_dir: str, domain: str) -> list[str]:
    written = []
    for language, path in _po_files(locale_dir, domain):
        with open(path, "rb") as f:
            catalog = read_po(f, locale=language)
        missing = [m.id for m in catalog if m.id and not m.string]
        if missing:
            print(f"{language}: {len(missing)} text(s) not translated yet, e.g. {missing[0]!r}", file=sys.stderr)
        with open(path[:-3] + ".mo", "wb") as f:
            write_mo(f, catalog)
        written.append(path[:-3] + ".mo")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m otree.i18n_tools", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["extract", "update", "compile", "init"])
    parser.add_argument("language", nargs="?", help="for init: the language (de, zh_Hans, pt_BR, ...)")
    parser.add_argument("--dir", default=PACKAGE_DIR, help="the folder whose texts are translated (default: oTree's)")
    parser.add_argument("--domain", default=None, help="catalog name (default: otree, or messages with --dir)")
    args = parser.parse_args(argv)
    source = os.path.abspath(args.dir)
    domain = args.domain or (DOMAIN if source == PACKAGE_DIR else "messages")
    locale_dir = os.path.join(source, "locale")
    os.makedirs(locale_dir, exist_ok=True)
    pot = os.path.join(locale_dir, f"{domain}.pot")
    if args.action == "extract":
        with open(pot, "wb") as f:
            write_po(f, extract(source), width=100, omit_header=False)
        print(f"Wrote {pot}")
    elif args.action == "update":
        update(locale_dir, domain, extract(source))
    elif args.action == "init":
        if not args.language:
            parser.error("init needs a language")
        folder = os.path.join(locale_dir, args.language, "LC_MESSAGES")
        os.makedirs(folder, exist_ok=True)
        catalog = extract(source)
        catalog.locale = args.language
        with open(os.path.join(folder, f"{domain}.po"), "wb") as f:
            write_po(f, catalog, width=100)
        print(f"Wrote {folder}/{domain}.po: translate its msgstr lines, then run compile")
    else:
        for path in compile_all(locale_dir, domain):
            print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
