"""Timeout lateness with closed browsers: N participants whose deadlines fall in the same second.

Starts `otree prodserver` on a copy of benchmarks/project, creates a `timeout_burst` session
over the REST API, opens every participant's start link (so each one's timer starts; the
deadlines are spread over one second, `lead` seconds ahead), then sends nothing more, as if
every browser had been closed. The server's task loop must submit every page as timed out.
Lateness = when before_next_page ran (the page time's `epoch_time_completed`) minus the deadline.

    .venv/bin/python benchmarks/timeouts.py [-n 600] [--workers 1] [--lead-s 40]
    DATABASE_URL=postgresql://postgres@127.0.0.1/otree_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/timeouts.py -n 600 --workers 2
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx
from sqlalchemy import text

HERE = os.path.dirname(os.path.abspath(__file__))
OTREE = os.path.join(os.path.dirname(sys.executable), "otree")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=600)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--lead-s", type=float, default=40, help="deadlines fall this long after the session starts")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="otree-timeouts-bench-")
    shutil.copytree(os.path.join(HERE, "project"), work, dirs_exist_ok=True)
    env = dict(os.environ, OTREE_PRODUCTION="1")
    database_url = env.setdefault("DATABASE_URL", f"sqlite:///{os.path.join(work, 'db.sqlite3')}")
    subprocess.run([OTREE, "resetdb", "--noinput"], cwd=work, env=env, check=True, capture_output=True)
    port = free_port()
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen([OTREE, "prodserver", f"127.0.0.1:{port}", "--workers", str(args.workers)],
                              cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/api/otree_version", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=60) as api:
            created = api.post("/api/sessions", json={"session_config_name": "timeout_burst",
                                                      "num_participants": args.n}).json()
            code = created["code"]
            deadline_at = time.time() + args.lead_s
            api.post(f"/api/session_vars/{code}", json={"vars": {"deadline_at": deadline_at}}).raise_for_status()
            participants = api.post(f"/api/get_session/{code}", json={}).json()["participants"]

        def open_link(participant_code: str) -> None:
            with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as client:
                page = client.get(f"/InitializeParticipant/{participant_code}")
                assert "/timeout_burst/Question/1" in str(page.url), page.text[:300]

        opening = time.time()
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(open_link, [p["code"] for p in participants]))
        opened = time.time()
        if opened >= deadline_at:
            print(f"opening the start links took {opened - opening:.1f} s, past the deadlines: use a larger --lead-s",
                  file=sys.stderr)
            return 1
        print(f"{args.n} start links opened in {opened - opening:.1f} s; deadlines in {deadline_at - opened:.1f} s",
              flush=True)

        from otree.db.engine import build_engine

        engine = build_engine(database_url)
        query = text("SELECT p.id_in_session, t.epoch_time_completed, t.timeout_happened FROM otree_pagetime t "
                     "JOIN otree_participant p ON p.id = t.participant_id WHERE t.page_name = 'Question'")
        limit = deadline_at + 1 + 120
        rows: list = []
        time.sleep(max(0.0, deadline_at - time.time()))
        while time.time() < limit:
            with engine.connect() as conn:
                rows = conn.execute(query).all()
            if len(rows) >= args.n:
                break
            time.sleep(0.5)
        time.sleep(1)
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        engine.dispose()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        log.close()

    per_participant: dict[int, list] = {}
    for id_in_session, completed, timed_out in rows:
        per_participant.setdefault(id_in_session, []).append((completed, bool(timed_out)))
    lateness = [completed - (deadline_at + (i - 1) / args.n)
                for i, applied in per_participant.items() for completed, _ in applied]
    result = dict(
        n=args.n, workers=args.workers, database=database_url.split(":", 1)[0],
        redis=bool(os.environ.get("REDIS_URL")), timed_out=sum(1 for a in per_participant.values() if a[0][1]),
        applied_twice=sum(1 for a in per_participant.values() if len(a) > 1),
        missing=args.n - len(per_participant),
        lateness_p50_ms=round(statistics.median(lateness) * 1000, 1) if lateness else None,
        lateness_p99_ms=round(percentile(lateness, 99) * 1000, 1) if lateness else None,
        lateness_max_ms=round(max(lateness) * 1000, 1) if lateness else None,
        earliest_ms=round(min(lateness) * 1000, 1) if lateness else None,
    )
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    out = os.path.join(HERE, "results", f"timeouts-n{args.n}-w{args.workers}-{result['database']}-"
                                        f"{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))
    shutil.rmtree(work, ignore_errors=True)
    return 0 if result["missing"] == 0 and result["applied_twice"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
