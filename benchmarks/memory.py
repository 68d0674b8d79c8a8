"""Resident memory of a server with 1,000, 2,000, ... idle participants connected on a wait page.

Starts a server on a copy of `project/` (ours by default; any oTree-compatible server with
`--cmd`), creates one `idle_wait` session over the REST API with one participant more than the
largest count, and brings participants in step by step: each opens its start link, lands on
the wait page (which never completes: the extra participant never arrives) and keeps its wait
page WebSocket open. After each step it waits until the server is idle and sums the resident
memory (VmRSS) of the server's process group. Writes JSON to benchmarks/results/.

    .venv/bin/python benchmarks/memory.py --counts 1000,2000
    .venv/bin/python benchmarks/memory.py --cmd '/tmp/otree6/bin/otree prodserver 127.0.0.1:{port}'
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import httpx
import websockets

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent
REST_KEY = "benchkey"
# Wait pages name their socket in one of two ways (ours: data-socket-url; oTree's: its script call).
SOCKET_URL = re.compile(r"""(?:data-socket-url=|makeReconnectingWebSocket\()\s*["']([^"']+)["']""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_rss_kib(pgid: int) -> int:
    """The summed VmRSS of every process in process group `pgid` (the server and its workers)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.getpgid(int(entry)) != pgid:
                continue
            with open(f"/proc/{entry}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total


async def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                await client.get(base + "/", timeout=2)
                return
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    raise RuntimeError("the server did not start")


async def create_session(client: httpx.AsyncClient, base: str, participants: int) -> list[str]:
    headers = {"otree-rest-key": REST_KEY}
    r = await client.post(base + "/api/sessions", headers=headers, timeout=300,
                          json=dict(session_config_name="idle_wait", num_participants=participants))
    r.raise_for_status()
    code = r.json()["code"]
    r = await client.post(base + f"/api/get_session/{code}", headers=headers, json={}, timeout=300)
    if r.status_code != 200:
        r = await client.get(base + f"/api/sessions/{code}", headers=headers, timeout=300)
    r.raise_for_status()
    people = sorted(r.json()["participants"], key=lambda p: p["id_in_session"])
    return [p["code"] for p in people]


async def arrive(client: httpx.AsyncClient, base: str, ws_base: str, code: str, sockets: list) -> None:
    page = await client.get(base + f"/InitializeParticipant/{code}", follow_redirects=True, timeout=120)
    match = SOCKET_URL.search(page.text)
    if not match:
        raise RuntimeError(f"participant {code} is not on a wait page: {page.url}")
    sockets.append(await websockets.connect(ws_base + html.unescape(match.group(1)), open_timeout=120))


async def measure(args) -> dict:
    work = pathlib.Path(tempfile.mkdtemp())
    shutil.copytree(HERE / "project", work / "project")
    port = free_port()
    base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    env = dict(os.environ, OTREE_PRODUCTION="1", OTREE_REST_KEY=REST_KEY, OTREE_AUTH_LEVEL="STUDY",
               OTREE_ADMIN_PASSWORD="benchpw")
    command = args.cmd.format(port=port)
    log = open(work / "server.log", "w")
    server = subprocess.Popen(command, shell=True, cwd=work / "project", env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    figures: dict = {"command": command, "steps": []}
    sockets: list = []
    try:
        await wait_until_up(base)
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(limits=limits) as client:
            counts = [int(c) for c in args.counts.split(",")]
            codes = await create_session(client, base, max(counts) + 1)
            await asyncio.sleep(args.settle_s)
            figures["rss_mib_no_participant"] = group_rss_kib(server.pid) / 1024
            done = 0
            for count in counts:
                batch = codes[done:count]
                for start in range(0, len(batch), 50):
                    # A fresh client per batch: the server closes idle keep-alive connections.
                    async with httpx.AsyncClient(limits=limits) as batch_client:
                        await asyncio.gather(*(arrive(batch_client, base, ws_base, code, sockets)
                                               for code in batch[start:start + 50]))
                done = count
                await asyncio.sleep(args.settle_s)
                rss = group_rss_kib(server.pid) / 1024
                figures["steps"].append({"connected": len(sockets), "rss_mib": rss})
                print(f"{len(sockets):6d} participants connected: {rss:8.1f} MiB", flush=True)
    except BaseException:
        log.flush()
        print((work / "server.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        for ws in sockets:
            await ws.close()
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    steps = figures["steps"]
    if len(steps) >= 2:
        figures["mib_per_extra_1000"] = (
            (steps[-1]["rss_mib"] - steps[0]["rss_mib"]) / (steps[-1]["connected"] - steps[0]["connected"]) * 1000
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1000,2000", help="participants connected at each step")
    parser.add_argument("--cmd", default=f"{ROOT / '.venv/bin/otree'} prodserver 127.0.0.1:{{port}}",
                        help="the server command; {port} is replaced")
    parser.add_argument("--settle-s", type=float, default=5.0)
    args = parser.parse_args()
    figures = asyncio.run(measure(args))
    print(f"no participant: {figures['rss_mib_no_participant']:.1f} MiB; "
          f"per extra 1,000: {figures.get('mib_per_extra_1000', float('nan')):.1f} MiB")
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    out = results / f"memory-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(figures, indent=2))
    print(f"raw figures: {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
