"""The pages of one session: links, description, data (HTML and JSON), payments, reports, edit."""

from __future__ import annotations

import re

from tests.support.admin import all_sessions, new_session, post


def participant_codes(code: str) -> list[str]:
    from sqlalchemy import select

    from otree.db import unit_of_work
    from otree.db.core import Participant, Session

    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session).filter_by(code=code)).one()
        return list(db.scalars(select(Participant.code).filter_by(session_id=session.id)
                               .order_by(Participant.id_in_session)))


def test_start_links(make_client):
    client = make_client()
    code = new_session(num=4)
    page = client.get(f"/SessionStartLinks/{code}").text
    for participant in participant_codes(code):
        assert f'href="http://testserver/InitializeParticipant/{participant}"' in page
    anonymous = re.search(r'href="http://testserver/join/([a-z]{8})"', page)
    assert anonymous
    assert f'href="/SessionSplitScreen/{code}"' in page
    # the tabs, the monitor's included
    for tab in ("SessionDescription", "SessionStartLinks", "SessionMonitor", "SessionData", "SessionPayments",
                "AdminReport", "SessionEditProperties"):
        assert f'href="/{tab}/{code}"' in page
    split = client.get(f"/SessionSplitScreen/{code}").text
    assert split.count("<iframe") == 4
    assert all(f'src="http://testserver/InitializeParticipant/{p}"' in split for p in participant_codes(code))


def test_split_screen_shows_at_most_six(make_client):
    client = make_client()
    code = new_session(num=8)
    assert client.get(f"/SessionSplitScreen/{code}").text.count("<iframe") == 6
    assert client.get(f"/SessionDemoGridView/{code}").text.count("<iframe") == 8


def test_unknown_session_is_a_404_page(make_client):
    client = make_client()
    for path in ("SessionStartLinks", "SessionDescription", "SessionData", "SessionPayments", "AdminReport",
                 "SessionEditProperties", "SessionSplitScreen"):
        response = client.get(f"/{path}/nosuchcode")
        assert response.status_code == 404, path
        assert "no session with code" in response.text
    assert client.get("/session_data/nosuchcode").status_code == 404


def test_description(make_client):
    client = make_client()
    code = new_session(num=2)
    page = client.get(f"/SessionDescription/{code}").text
    assert "A session with an admin report." in page
    assert "Pairs; round 1 payoffs are set when the session is created." in page
    assert "<th>treatment</th><td>blue</td>" in page and "<th>weights</th><td>1, 2</td>" in page


def test_data_json_and_page(make_client, db_url):
    client = make_client()
    code = new_session(num=2)
    tables = client.get(f"/session_data/{code}").json()
    assert [(t["app_name"], t["round_number"]) for t in tables] == [("reported", 1), ("reported", 2)]
    assert tables[0]["headers"] == ["participant", "group", "player.id_in_group", "player.payoff", "player.guess",
                                    "group.total", "subsession.treatment"]
    assert tables[0]["rows"] == [["P1", 1, 1, 10, None, 30, "blue"], ["P2", 1, 2, 20, None, 30, "blue"]]
    assert tables[1]["rows"] == [["P1", 1, 1, 0, None, None, "blue"], ["P2", 1, 2, 0, None, None, "blue"]]

    # A participant plays: the data shows it at the next refresh.
    first = participant_codes(code)[0]
    page_url = client.get(f"/InitializeParticipant/{first}").headers["location"]
    assert client.post(page_url, data={"guess": "42"}).status_code == 302
    tables = client.get(f"/session_data/{code}").json()
    assert tables[0]["rows"][0] == ["P1", 1, 1, 10, 42, 30, "blue"]

    page = client.get(f"/SessionData/{code}").text
    assert 'data-url="/session_data/' + code + '"' in page
    assert "<th>subsession.treatment</th>" in page and "<td>42</td>" in page


def test_payments(make_client, db_url):
    client = make_client()
    code = new_session(num=2)  # payoffs 10 and 20 points; 0.50 per point; fee 2.00
    page = client.get(f"/SessionPayments/{code}").text
    cells = re.findall(r'class="otree-payoff(?:-real|-total)?">([^<]+)<', page)
    assert cells == ["10 points", "$5.00", "$7.00", "20 points", "$10.00", "$12.00"]
    assert '<td id="otree-participation-fee">$2.00</td>' in page
    assert '<td id="otree-total-payments">$19.00</td>' in page
    assert '<td id="otree-mean-payment">$9.50</td>' in page


def test_admin_report(make_client, db_url):
    client = make_client()
    code = new_session(num=2)
    page = client.get(f"/AdminReport/{code}")
    assert page.status_code == 200
    assert '<p id="report-summary">Treatment blue; round 1; total 30 points.</p>' in page.text
    round_two = client.get(f"/AdminReport/{code}?app_name=reported&round_number=2").text
    assert '<p id="report-summary">Treatment blue; round 2; total 0 points.</p>' in round_two
    # an out-of-range round falls back to the current one
    assert "round 1;" in client.get(f"/AdminReport/{code}?round_number=99").text


def test_admin_report_when_no_app_has_one(make_client):
    client = make_client()
    code = new_session("trio", 3)
    page = client.get(f"/AdminReport/{code}")
    assert page.status_code == 200
    assert "No app in this session has an admin report" in page.text


def test_admin_report_error_is_shown(make_client, monkeypatch):
    client = make_client()
    code = new_session(num=2)
    from otree.project import get_project

    module = get_project().apps["reported"].module

    def broken(subsession):
        raise KeyError("missing_var")

    monkeypatch.setattr(module, "vars_for_admin_report", broken)
    page = client.get(f"/AdminReport/{code}")
    assert page.status_code == 500
    assert "KeyError" in page.text and "missing_var" in page.text


def test_edit_properties(make_client, db_url):
    client = make_client()
    code = new_session(num=2)
    form = client.get(f"/SessionEditProperties/{code}").text
    assert 'name="participation_fee" type="number" step="any" min="0" value="2.0"' in form
    response = post(client, f"/SessionEditProperties/{code}", {
        "participation_fee": "4.25", "real_world_currency_per_point": "0.1", "label": "Room 2",
        "comment": "fire alarm at 10:40"})
    assert response.status_code == 302
    assert response.headers["location"] == f"/SessionEditProperties/{code}?saved=1"
    assert "Saved." in client.get(response.headers["location"]).text
    (session,) = all_sessions()
    assert session.config["participation_fee"] == 4.25 and session.config["real_world_currency_per_point"] == 0.1
    assert session.label == "Room 2" and session.comment == "fire alarm at 10:40"
    payments = client.get(f"/SessionPayments/{code}").text
    assert '<td id="otree-total-payments">$11.50</td>' in payments  # 1.00 + 4.25, 2.00 + 4.25
    assert "fire alarm at 10:40" in client.get(f"/SessionDescription/{code}").text


def test_edit_properties_validation(make_client):
    client = make_client()
    code = new_session(num=2)
    response = post(client, f"/SessionEditProperties/{code}", {
        "participation_fee": "lots", "real_world_currency_per_point": "-1", "label": "changed"})
    assert response.status_code == 200
    assert "Enter a number." in response.text and "This must not be negative." in response.text
    (session,) = all_sessions()
    assert session.config["participation_fee"] == 2.0 and session.label == ""


def test_server_check(make_client):
    client = make_client()
    page = client.get("/server_check").text
    assert "otree-asgi" in page and "sqlite" in page
    assert "DEBUG mode" in page and "Auth level" in page and "in-memory" in page
    assert "correct horse" not in page
