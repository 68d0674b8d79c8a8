"""Live-page round trip: liveSend -> live_method -> delivery to every member of the group.

Starts `otree prodserver` on a copy of benchmarks/project, creates a session of the
`live_bench` config (groups of 3), opens every participant's live socket, then runs rounds in
which one member of every group sends a bid at the same moment. A round trip is the time from
sending until the last member of that group has received the broadcast.

    .venv/bin/python benchmarks/live_roundtrip.py [--groups 100] [--rounds 30] [--workers 1]
    DATABASE_URL=postgresql://postgres@127.0.0.1/bench_live REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/live_roundtrip.py --workers 2

Prints one JSON line (and writes it to benchmarks/results/): p50/p99 of the round trip (ms), live
messages per second and deliveries per second. The clients run on the same machine as the server,
so they take CPU from it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx
import websockets

HERE = os.path.dirname(os.path.abspath(__file__))
OTREE = os.path.join(os.path.dirname(sys.executable), "otree")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    log = open(os.path.join(workdir, "server.log"), "w")
    process = subprocess.Popen([OTREE, "prodserver", f"127.0.0.1:{port}", "--workers", str(workers)],
                               cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(200):
        if process.poll() is not None:
            raise SystemExit(f"server exited: {open(log.name).read()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/otree_version", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def open_participant(client: httpx.AsyncClient, ws_base: str, code: str):
    response = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
    match = re.search(r'data-socket-url="([^"]+)" data-since="(\d+)"', response.text)
    assert match, "no live socket on the page"
    url = ws_base + match.group(1).replace("&amp;", "&") + f"&otree_since={match.group(2)}"
    return await websockets.connect(url, max_queue=None)


async def run(base_url: str, ws_base: str, codes_by_group: list[list[str]], rounds: int) -> dict:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        groups = []
        for codes in codes_by_group:
            groups.append([await open_participant(client, ws_base, code) for code in codes])
    latencies: list[float] = []

    async def one_round(members, round_number: int) -> None:
        sender = members[round_number % len(members)]
        started = time.perf_counter()
        await sender.send(json.dumps({"bid": round_number, "seq": round_number}))

        async def until_received(ws):
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if message["live_method_payload"]["seq"] == round_number:
                    return

        await asyncio.gather(*(until_received(ws) for ws in members))
        latencies.append((time.perf_counter() - started) * 1000)

    # one warm-up round, not counted
    await asyncio.gather(*(one_round(members, 0) for members in groups))
    latencies.clear()
    began = time.perf_counter()
    for round_number in range(1, rounds + 1):
        await asyncio.gather(*(one_round(members, round_number) for members in groups))
    elapsed = time.perf_counter() - began
    for members in groups:
        for ws in members:
            await ws.close()
    messages = len(groups) * rounds
    return dict(
        groups=len(groups), rounds=rounds, messages=messages,
        p50_ms=round(statistics.median(latencies), 1), p99_ms=round(percentile(latencies, 0.99), 1),
        max_ms=round(max(latencies), 1), messages_per_s=round(messages / elapsed, 1),
        deliveries_per_s=round(messages * len(groups[0]) / elapsed, 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="otree-live-bench-")
    shutil.copytree(os.path.join(HERE, "project"), workdir, dirs_exist_ok=True)
    env = dict(os.environ, OTREE_PRODUCTION="1")
    env.setdefault("DATABASE_URL", f"sqlite:///{os.path.join(workdir, 'db.sqlite3')}")
    subprocess.run([OTREE, "resetdb", "--noinput"], cwd=workdir, env=env, check=True, capture_output=True)
    port = free_port()
    server = start_server(workdir, port, args.workers, env)
    try:
        base = f"http://127.0.0.1:{port}"
        created = httpx.post(f"{base}/api/sessions", json=dict(
            session_config_name="live_bench", num_participants=3 * args.groups), timeout=120)
        created.raise_for_status()
        session = httpx.get(f"{base}/api/sessions/{created.json()['code']}", timeout=60).json()
        codes = [p["code"] for p in sorted(session["participants"], key=lambda p: p["id_in_session"])]
        # groups are formed in order of id_in_session (3 per group)
        codes_by_group = [codes[i:i + 3] for i in range(0, len(codes), 3)]
        result = asyncio.run(run(base, f"ws://127.0.0.1:{port}", codes_by_group, args.rounds))
        result.update(workers=args.workers, database=env["DATABASE_URL"].split(":")[0],
                      redis=bool(env.get("REDIS_URL")), groups=args.groups, rounds=args.rounds,
                      started=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
        out = os.path.join(HERE, "results", f"live-g{args.groups}-w{args.workers}-{result['database']}-"
                                            f"{time.strftime('%Y%m%d-%H%M%S')}.json")
        with open(out, "w") as f:
            json.dump(result, f, indent=2)
        print(json.dumps(result))
    finally:
        server.terminate()
        server.wait(20)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
