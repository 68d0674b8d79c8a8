"""Helpers of the room tests: a project with rooms, a browser-like client, tokens and socket URLs in pages."""

from __future__ import annotations

import asyncio
import os
import re

import httpx

from tests.support.projects import copy_project

LABELS = ["Alice", "Bob", "Charlie"]

ROOMS_SETTINGS = """
ROOMS = [
    dict(name='lab', display_name='Lab with labels', participant_label_file='_rooms/lab.txt'),
    dict(name='secure', display_name='Secure lab', participant_label_file='_rooms/lab.txt', use_secure_urls=True),
    dict(name='open', display_name='Open room'),
    dict(name='consent', display_name='Consent room', welcome_page='_rooms/consent.html'),
]
"""

CONSENT_PAGE = """<!DOCTYPE html>
<html><body>
<h1>Consent form of {{ room.display_name }}</h1>
<form method="post"><button type="submit">I agree</button></form>
<a id="continue" href="{{ continue_url }}">continue</a>
</body></html>
"""


def make_rooms_project(destination) -> str:
    """A copy of tests/projects/basic with ROOMS (3-player config `game`); returns its path."""
    path = copy_project("basic", destination)
    with open(os.path.join(path, "settings.py"), "a") as f:
        f.write(ROOMS_SETTINGS)
    os.makedirs(os.path.join(path, "_rooms"))
    with open(os.path.join(path, "_rooms", "lab.txt"), "w") as f:
        # blank lines and surrounding spaces are ignored
        f.write("Alice\n  Bob  \n\nCharlie\n")
    with open(os.path.join(path, "_rooms", "consent.html"), "w") as f:
        f.write(CONSENT_PAGE)
    return path


class Browser:
    """A client of the in-process app that keeps its cookies between requests, like one browser."""

    def __init__(self, app):
        self.app = app
        self.cookies = httpx.Cookies()

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        async def go():
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://testserver",
                                         cookies=self.cookies) as client:
                response = await client.request(method, url, **kwargs)
                self.cookies = httpx.Cookies(client.cookies)
                return response

        return asyncio.run(go())

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.request("POST", url, **kwargs)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrftoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def wait_socket_url(html: str) -> str:
    match = re.search(r'id="otree-wait-page" data-socket-url="([^"]+)"', html)
    assert match, "not the room's waiting page"
    return match.group(1).replace("&amp;", "&")
