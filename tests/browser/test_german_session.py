"""A session with LANGUAGE_CODE = 'de' in Chromium: oTree's texts, the app's own texts, number formats."""

from __future__ import annotations

import os

from otree import i18n_tools
from tests.support.participants import create
from tests.support.projects import copy_project


def test_german_session(tmp_path, live_server, chromium):
    path = copy_project("german", tmp_path)
    # the app's catalog, compiled with the same tool as oTree's own
    assert i18n_tools.main(["compile", "--dir", os.path.join(path, "umfrage")]) == 0
    db_url = f"sqlite:///{os.path.join(path, 'db.sqlite3')}"
    codes = create(path, db_url, "umfrage", 2)
    server = live_server(path, db_url, env={"OTREE_PRODUCTION": "1"})

    page = chromium.new_context().new_page()
    page.goto(f"{server.url}/InitializeParticipant/{codes[0]}")
    assert page.get_attribute("html", "lang") == "de"
    assert page.title() == "Willkommen zur Studie"  # the app's text, from its own catalog
    body = page.inner_text("body")
    assert "Wie alt sind Sie?" in body and "Sind Sie einverstanden?" in body
    assert "Verbleibende Zeit für diese Seite:" in body
    assert page.inner_text("label[for='id_agrees-0']").strip() == "Ja"
    assert page.inner_text("label[for='id_agrees-1']").strip() == "Nein"
    assert page.inner_text("button.otree-btn-next").strip() == "Weiter"
    # numbers and money as German readers write them
    assert page.inner_text("#bonus") == "1234,5 Punkte"
    assert page.inner_text("#money") == "3,50 €"
    assert page.inner_text("#share") == "0,25"

    # validation messages in German
    page.evaluate("document.getElementById('form').noValidate = true")
    page.fill("#id_age", "5")
    page.click("button.otree-btn-next")
    page.wait_for_selector(".otree-form-errors")
    assert page.inner_text(".otree-form-errors").strip() == "Bitte korrigieren Sie die Fehler."
    assert "Der Wert muss größer oder gleich 18 sein." in page.inner_text("body")
    assert "Dieses Feld ist erforderlich." in page.inner_text("body")  # agrees was left empty

    page.evaluate("document.getElementById('form').noValidate = true")
    page.fill("#id_age", "30")
    page.check("#id_agrees-0")
    page.click("button.otree-btn-next")
    page.wait_for_selector(".otree-wait-page")
    assert page.title() == "Bitte warten"
    assert "Warten auf die anderen Teilnehmenden." in page.inner_text("body")
