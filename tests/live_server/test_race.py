"""All members of many groups submit at the same instant, through two server processes:
after_all_players_arrive runs exactly once per group, and everyone gets through."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from sqlalchemy import func, select

from otree.db import unit_of_work
from otree.project import get_project
from tests.support.participants import create, start
from tests.support.projects import copy_project

GROUPS = 8
SIZE = 3


def play_simultaneously(servers, codes: list[str]) -> list[str]:
    """Every participant loads their page, then all submit at once (barrier); returns final URLs."""
    barrier = threading.Barrier(len(codes))
    finals: list[str] = [""] * len(codes)
    errors: list[str] = []

    def run(i: int, code: str) -> None:
        try:
            # Alternate servers so group members land on different processes.
            with httpx.Client(base_url=servers[i % len(servers)].url, timeout=60) as client:
                page = start(client, code)
                barrier.wait(timeout=60)
                response = client.post(str(page.url), data={"number": str(i)})
                assert response.status_code == 302, response.text
                url = response.headers["location"]
                deadline = time.monotonic() + 60
                # Waiting members poll their wait page (a browser would be woken by its socket).
                while "/Results/" not in url and time.monotonic() < deadline:
                    response = client.get(url)
                    if response.status_code == 302:
                        url = response.headers["location"]
                    else:
                        assert response.headers.get("oTree-Wait-Page") == "1", response.text
                        time.sleep(0.05)
                finals[i] = url
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(f"participant {i}: {exc}")

    threads = [threading.Thread(target=run, args=(i, code)) for i, code in enumerate(codes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        pytest.fail("\n\n".join(errors))
    return finals


@pytest.mark.parametrize("config", ["race", "race_all"])
def test_after_all_players_arrive_runs_exactly_once_per_group(tmp_path, db_url, live_server, config):
    path = copy_project("race", tmp_path)
    codes = create(path, db_url, config, GROUPS * SIZE)
    servers = [live_server(path, db_url), live_server(path, db_url)]

    finals = play_simultaneously(servers, codes)
    assert all("/race/Results/" in url for url in finals), finals

    app = get_project().apps["race"]
    AapaRun, SubsessionRun = (
        next(m for m in app.extra_models if m.__name__ == n) for n in ("AapaRun", "SubsessionRun"))
    with unit_of_work() as db:
        runs = dict(db.execute(select(AapaRun.group_id, func.count()).group_by(AapaRun.group_id)).all())
        assert len(runs) == GROUPS
        assert set(runs.values()) == {1}, runs
        for group in db.scalars(select(app.Group)):
            numbers = [p.number for p in group.get_players()]
            assert group.total == sum(numbers)
            assert all(p.payoff == sum(numbers) for p in group.get_players())
        # No accepted answer was lost or overwritten.
        submitted = {code: i for i, code in enumerate(codes)}
        for player in db.scalars(select(app.Player)):
            assert player.number == submitted[player.participant.code]
        subsession_runs = db.scalar(select(func.count()).select_from(SubsessionRun))
        assert subsession_runs == (1 if config == "race_all" else 0)
