"""Prolific's parameters on a room link: they survive the welcome page, become the label and vars,
and the same PROLIFIC_PID gets the same participant back; bad ones get a clear page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .test_rooms_http import create_in_room, joined_code, participant

PID, STUDY, SESSION = "5f1a2b3c4d5e6f7a8b9c0d1e", "60aa11bb22cc33dd44ee55ff", "61ab12bc23cd34de45ef56f0"
PARAMS = {"PROLIFIC_PID": PID, "STUDY_ID": STUDY, "SESSION_ID": SESSION}


def test_room_link_with_prolific_parameters(browser):
    b = browser()
    create_in_room(b, "open")
    welcome = b.get("/room/open", params=PARAMS)
    assert welcome.status_code == 200 and 'name="welcome_page_ok"' in welcome.text
    assert f'name="PROLIFIC_PID" value="{PID}"' in welcome.text  # carried through the welcome page

    entered = b.get("/room/open", params=dict(PARAMS, welcome_page_ok="1"))
    code = joined_code(entered)
    query = parse_qs(urlsplit(entered.headers["location"]).query)
    assert query["PROLIFIC_PID"] == [PID] and query["STUDY_ID"] == [STUDY] and query["participant_label"] == [PID]
    started = b.get(entered.headers["location"])
    assert started.status_code == 302
    seen = participant(code)
    assert seen.label == PID
    assert (seen.vars["prolific_pid"], seen.vars["prolific_study_id"], seen.vars["prolific_session_id"]) == (
        PID, STUDY, SESSION)

    # The same Prolific participant, from another browser: the same participant.
    again = browser().get("/room/open", params=dict(PARAMS, welcome_page_ok="1"))
    assert joined_code(again) == code
    other = browser().get("/room/open", params=dict(PARAMS, PROLIFIC_PID="5f1a2b3c4d5e6f7a8b9c0d99",
                                                    welcome_page_ok="1"))
    assert joined_code(other) != code


def test_room_link_with_bad_prolific_parameters_gets_a_clear_page(browser):
    b = browser()
    create_in_room(b, "open")
    partial = b.get("/room/open", params={"PROLIFIC_PID": PID, "welcome_page_ok": "1"})
    assert partial.status_code == 400 and "STUDY_ID, SESSION_ID is missing" in partial.text
    bad = b.get("/room/open", params=dict(PARAMS, SESSION_ID="x y", welcome_page_ok="1"))
    assert bad.status_code == 400 and "SESSION_ID is malformed" in bad.text
    # A start link with bad parameters too (never a server error).
    start = b.get("/InitializeParticipant/nobody", params={"STUDY_ID": STUDY})
    assert start.status_code == 400
