"""oTree's catalogs: complete in every language, compiled from their current sources, placeholders intact."""

from __future__ import annotations

import os
import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from otree import i18n, i18n_tools
from otree.conf import settings
from otree.currency import Currency

LANGUAGES = ["de", "fr", "es", "it", "nl", "pt", "ru", "zh_Hans", "ja", "ko"]
PLACEHOLDER = re.compile(r"\{\w+\}")


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def po_path(language: str) -> str:
    return os.path.join(i18n.LOCALE_DIR, language, "LC_MESSAGES", "otree.po")


def test_the_template_lists_every_marked_text():
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in i18n_tools.extract(i18n_tools.PACKAGE_DIR) if m.id}
    with open(os.path.join(i18n.LOCALE_DIR, "otree.pot"), "rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert extracted == template, "run: python -m otree.i18n_tools extract && python -m otree.i18n_tools update"
    assert {"Next", "Please wait", "Please fix the errors.", "This field is required.", "point"} <= extracted


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_compiled(language):
    with open(os.path.join(i18n.LOCALE_DIR, "otree.pot"), "rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with open(po_path(language), "rb") as f:
        catalog = read_po(f, locale=language)
    have = {m.id: m.string for m in catalog if m.id}
    assert set(have) == wanted
    for msgid, text in have.items():
        forms = text if isinstance(text, tuple) else (text,)
        assert all(forms), f"{language}: {msgid!r} is not translated"
        source = msgid if isinstance(msgid, str) else msgid[0]
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(source)), (language, msgid)
    with open(po_path(language)[:-3] + ".mo", "rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    assert compiled == {_key(k): _key(v) for k, v in have.items()}, (
        f"{language}: the .mo is older than the .po (python -m otree.i18n_tools compile)")


@pytest.mark.parametrize("code, expected", [("de", "Weiter"), ("fr", "Suivant"), ("zh-hans", "下一页"),
                                            ("pt-br", "Seguinte"), ("ko", "다음"), ("en", "Next"), ("sw", "Next")])
def test_language_codes_find_their_catalog(code, expected):
    with settings.override(LANGUAGE_CODE=code):
        assert i18n.gettext("Next") == expected


def test_points_take_the_plural_form_of_the_language():
    with settings.override(LANGUAGE_CODE="ru", USE_POINTS=True, POINTS_DECIMAL_PLACES=0):
        assert [str(Currency(n)) for n in (1, 3, 5, 21)] == ["1 балл", "3 балла", "5 баллов", "21 балл"]
    with settings.override(LANGUAGE_CODE="de", USE_POINTS=True, POINTS_DECIMAL_PLACES=1):
        assert str(Currency(1)) == "1,0 Punkt" and str(Currency(2.5)) == "2,5 Punkte"


def test_room_pages_follow_the_language():
    from otree.templating import TemplateEngine

    engine = TemplateEngine([os.path.join(i18n_tools.PACKAGE_DIR, "templates")])
    context = dict(room_display_name="Lab <1>", participant_label="A7", ask_for_label=False,
                   validate_url="/room/lab", welcome_page_ok_fields="", socket_url="/wait_for_session/lab")
    with settings.override(LANGUAGE_CODE="de"):
        waiting = engine.render("otree/rooms/WaitForSession.html", context)
        welcome = engine.render("otree/rooms/Welcome.html", context)
    assert "<title>Bitte warten</title>" in waiting
    assert "Warten auf den Beginn der Sitzung in Lab &lt;1&gt;." in waiting  # the room's name stays escaped
    assert "Teilnehmerkennzeichen: A7" in waiting
    assert "Willkommen bei Lab &lt;1&gt;." in welcome and ">Weiter</button>" in welcome
    with settings.override(LANGUAGE_CODE="en"):
        page = engine.render("otree/rooms/WaitForSession.html", context)
        assert "Waiting for the session in Lab &lt;1&gt; to begin." in page
