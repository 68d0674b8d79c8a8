"""The sample games' live pages in headless Chromium: trading in the market (with a reload in the
middle of it), and chatting in the prisoner's dilemma."""

from __future__ import annotations

import os
import shutil

from otree.web.rendering import PACKAGE_DIR
from tests.support.participants import create


def sample_project(tmp_path) -> str:
    path = str(tmp_path / "sample_project")
    shutil.copytree(os.path.join(PACKAGE_DIR, "sample_project"), path,
                    ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3*"))
    return path


def book(page) -> dict:
    """The order book and trades as the page shows them."""
    def rows(tbody):
        return page.eval_on_selector_all(
            f"#{tbody} tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))")
    return dict(bids=rows("bids"), asks=rows("asks"), trades=rows("trades"))


def wait_for_book(page, expected: dict, timeout: float = 10_000) -> None:
    page.wait_for_function(
        """expected => {
            const rows = id => Array.from(document.querySelectorAll('#' + id + ' tr'))
                .map(r => Array.from(r.cells).map(c => c.textContent));
            return JSON.stringify({bids: rows('bids'), asks: rows('asks'), trades: rows('trades')})
                === JSON.stringify(expected);
        }""", arg=expected, timeout=timeout)


def order(page, price: int) -> None:
    page.fill("#price", str(price))
    page.click("#send-order")


def test_two_traders_and_a_reload_mid_trade(tmp_path, live_server, chromium):
    path = sample_project(tmp_path)
    db_url = f"sqlite:///{os.path.join(path, 'db.sqlite3')}"
    buyer_code, seller_code = create(path, db_url, "market", 2)
    server = live_server(path, db_url)
    buyer, seller = (chromium.new_context().new_page() for _ in range(2))
    errors = []
    for page in (buyer, seller):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    buyer.goto(f"{server.url}/InitializeParticipant/{buyer_code}")
    seller.goto(f"{server.url}/InitializeParticipant/{seller_code}")
    assert "a buyer" in buyer.inner_text(".otree-form") and "a seller" in seller.inner_text(".otree-form")

    # values are at least 70 and costs at most 70, so these orders are always allowed
    order(buyer, 65)
    order(seller, 90)
    waiting = dict(bids=[["65", "1"]], asks=[["90", "2"]], trades=[])
    for page in (buyer, seller):
        wait_for_book(page, waiting)

    # the seller reloads: the page rebuilds the same book from the server
    seller.reload()
    wait_for_book(seller, waiting)

    # the seller is away (page closed) while the buyer raises the bid; coming back shows it
    url = seller.url
    seller.goto("about:blank")
    order(buyer, 70)
    raised = dict(bids=[["70", "1"]], asks=[["90", "2"]], trades=[])
    wait_for_book(buyer, raised)
    seller.goto(url)
    wait_for_book(seller, raised)

    # the seller accepts: both see the trade at the bid's price, and the book is empty
    order(seller, 70)
    traded = dict(bids=[], asks=[], trades=[["70", "1", "2"]])
    for page in (buyer, seller):
        wait_for_book(page, traded)
    buyer.reload()
    wait_for_book(buyer, traded)
    assert buyer.inner_text("#units-left") == "1"

    # the seller's connection drops (the page stays open) while the buyer bids again: when it
    # reconnects, live.js asks for the replies it missed and the page catches up
    seller.evaluate("window.liveSocket.close()")
    order(buyer, 60)
    again = dict(bids=[["60", "1"]], asks=[], trades=[["70", "1", "2"]])
    wait_for_book(buyer, again)
    seller.wait_for_timeout(300)
    assert book(seller) == traded  # not connected: nothing yet
    seller.evaluate("window.liveSocket.reconnect()")
    wait_for_book(seller, again)
    assert not errors, errors


def test_chat_in_the_prisoners_dilemma_shows_text_as_text(tmp_path, live_server, chromium):
    path = sample_project(tmp_path)
    db_url = f"sqlite:///{os.path.join(path, 'db.sqlite3')}"
    codes = create(path, db_url, "prisoner", 2)
    server = live_server(path, db_url)
    pages = [chromium.new_context().new_page() for _ in codes]
    for page, code in zip(pages, codes):
        page.goto(f"{server.url}/InitializeParticipant/{code}")
        page.click("button.otree-btn-next")  # Introduction -> Decision, which has the chat
        page.wait_for_selector(".otree-chat")
    hostile = '<img src=x onerror="window.hacked=1">cooperate?'
    pages[0].fill(".otree-chat__input", hostile)
    pages[0].press(".otree-chat__input", "Enter")  # sends the message, does not submit the page
    for page in pages:
        page.wait_for_selector(".otree-chat__msg")
    assert "/Decision/" in pages[0].url
    assert pages[0].inner_text(".otree-chat__nickname") == "Participant 1 (Me)"
    assert pages[1].inner_text(".otree-chat__nickname") == "Participant 1"
    for page in pages:
        assert page.inner_text(".otree-chat__body") == hostile
        assert page.evaluate("document.querySelector('.otree-chat__body img') === null && !window.hacked")
    # history survives a reload
    pages[1].reload()
    pages[1].wait_for_selector(".otree-chat__msg")
    assert pages[1].inner_text(".otree-chat__body") == hostile
