"""Grouping by arrival time, and wait pages' texts and templates, through the web app."""

from __future__ import annotations

import asyncio
import re

import httpx
from sqlalchemy import select

from otree.db import unit_of_work
from otree.session import create_session
from otree.web.app import create_app


class Browser:
    """One participant's HTTP client, following oTree's redirects by hand."""

    def __init__(self, client: httpx.AsyncClient, code: str):
        self.client, self.code, self.url = client, code, ""

    async def go(self, url: str) -> httpx.Response:
        response = await self.client.get(url)
        while response.status_code == 302:
            response = await self.client.get(response.headers["location"])
        self.url = str(response.url.path)
        return response

    async def start(self) -> httpx.Response:
        return await self.go(f"/InitializeParticipant/{self.code}")

    async def reload(self) -> httpx.Response:
        return await self.go(self.url)

    async def next(self) -> httpx.Response:
        response = await self.client.post(self.url)
        assert response.status_code == 302
        return await self.go(response.headers["location"])


def play(project, config: str, n: int, scenario) -> None:
    app = create_app(project)
    with unit_of_work():
        codes = [p.code for p in create_session(config, n).get_participants()]

    async def main():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            await scenario([Browser(client, code) for code in codes])

    asyncio.run(main())


def test_group_by_arrival_time_groups_in_arrival_order(load):
    project = load("waits")

    async def scenario(b):
        # Participants 4 and 2 arrive first and are grouped together; 1 waits until 3 comes.
        for browser in (b[3], b[1], b[0]):
            page = await browser.start()
        assert page.headers.get("oTree-Wait-Page") == "1"
        page4 = await b[3].reload()
        await b[1].reload()
        assert "/gbat/Play/2" in b[3].url and "/gbat/Play/2" in b[1].url
        assert sorted(page4.text.split('id="partners">')[1].split("<")[0].split()) == sorted([b[3].code, b[1].code])
        assert (await b[0].reload()).headers.get("oTree-Wait-Page") == "1"  # still alone
        page3 = await b[2].start()
        assert b[2].url.endswith("/gbat/Play/2")
        assert sorted(page3.text.split('id="partners">')[1].split("<")[0].split()) == sorted([b[0].code, b[2].code])
        await b[0].reload()
        assert b[0].url.endswith("/gbat/Play/2")

    play(project, "gbat", 4, scenario)
    app = project.apps["gbat"]
    with unit_of_work() as db:
        round1 = db.scalars(select(app.Subsession).filter_by(round_number=1)).one()
        matrix = round1.get_group_matrix()
        assert sorted(sorted(row) for row in matrix) == [[1, 3], [2, 4]]
        assert all(g.formed for g in round1.get_groups())  # after_all_players_arrive ran per new group


def test_group_by_arrival_time_method(load):
    project = load("waits")

    async def scenario(b):
        for browser in b[:2]:
            assert (await browser.start()).headers.get("oTree-Wait-Page") == "1"
        await b[2].start()
        assert b[2].url.endswith("/gbat_method/Play/2")
        for browser in b[:2]:
            await browser.reload()
            assert browser.url.endswith("/gbat_method/Play/2")
        assert (await b[3].start()).headers.get("oTree-Wait-Page") == "1"  # one alone: no group of three

    play(project, "gbat_method", 4, scenario)


def test_wait_page_title_body_and_own_template(load):
    project = load("waits")

    async def scenario(b):
        await b[0].start()
        page = await b[0].next()
        assert page.headers["oTree-Wait-Page"] == "1"
        assert re.search(r"<title>(\[\w+/P\d+\] )?Hold on</title>", page.text)
        assert "Your partner is still reading." in page.text
        await b[1].start()
        await b[1].next()  # completes CustomTexts; b[1] goes on to OwnTemplate and waits there
        own = await b[1].reload()
        assert "Our own wait page" in own.text and 'id="own">Waiting for player 3' in own.text
        assert "/wait_page?" in own.text  # the socket script is still there
        await b[0].reload()  # b[0] passes CustomTexts and is the last to arrive at OwnTemplate
        assert b[0].url.endswith("/texts/End/4")
        await b[1].reload()
        assert b[1].url.endswith("/texts/End/4")

    play(project, "texts", 2, scenario)
