"""The bots' HTML check: the fields a bot submits, and a submit button, must be in the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .api import BotError

_FORM_TAGS = {"input", "select", "textarea", "button"}

# Parsing a whole page with HTMLParser cost the bots a twentieth of their time; only the start
# tags of form controls matter, outside scripts, styles and comments (whose text is not markup).
_NOT_MARKUP = re.compile(r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->", re.S | re.I)
_FORM_START_TAG = re.compile(r"""<(?:input|select|textarea|button)\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.I)


class _FormScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: set[str] = set()
        self.has_submit = False

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = {k: (v or "") for k, v in attrs}
        if tag in _FORM_TAGS and attributes.get("name"):
            self.names.add(attributes["name"])
        kind = attributes.get("type", "").lower()
        if tag == "button" and kind in ("", "submit"):
            self.has_submit = True
        elif tag == "input" and kind in ("submit", "image"):
            self.has_submit = True


def check_html(html: str, field_names: list[str], page: str) -> None:
    scanner = _FormScanner()
    scanner.feed("".join(_FORM_START_TAG.findall(_NOT_MARKUP.sub(" ", html))))
    scanner.close()
    missing = [name for name in field_names if name not in scanner.names]
    if missing:
        raise BotError(
            f"The bot submits {', '.join(repr(m) for m in missing)} on page {page}, but the page's HTML has no "
            f"input, select, textarea or button with that name. Add it to form_fields (and the template), "
            f"or pass check_html=False to Submission if the field is filled by JavaScript."
        )
    if not scanner.has_submit:
        raise BotError(
            f"Page {page} has no submit button (use {{{{ next_button }}}} in the template), so a participant "
            f"could not submit it. Pass check_html=False to Submission if the page is submitted by JavaScript."
        )
