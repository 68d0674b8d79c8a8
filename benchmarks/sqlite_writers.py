"""SQLite write throughput with the in-process writer queue against SQLite's busy handler alone.

Many threads (the server's worker threads) run short write transactions shaped like a page
submission: read the participant, update it, update the player, insert a page-time row.
Both engines are built by `otree.db.engine.build_engine`, one with `writer_queue=False`; the
rounds alternate so both see the same machine. Prints a table and writes the raw figures to
benchmarks/results/sqlite_writers-<timestamp>.json.

    .venv/bin/python benchmarks/sqlite_writers.py [--threads 40] [--transactions 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import tempfile
import threading
import time

from sqlalchemy import text

from otree.db.engine import build_engine

RESULTS = pathlib.Path(__file__).parent / "results"

SCHEMA = [
    "CREATE TABLE participant (id INTEGER PRIMARY KEY, idx INTEGER, vars TEXT)",
    "CREATE TABLE player (id INTEGER PRIMARY KEY, participant_id INTEGER, answer INTEGER)",
    "CREATE TABLE page_time (id INTEGER PRIMARY KEY, participant_id INTEGER, at REAL)",
]


def prepare(url: str, participants: int) -> None:
    engine = build_engine(url)
    with engine.begin() as conn:
        for statement in SCHEMA:
            conn.execute(text(statement))
        for i in range(participants):
            conn.execute(text("INSERT INTO participant VALUES (:i, 1, '{}')"), {"i": i})
            conn.execute(text("INSERT INTO player VALUES (:i, :i, NULL)"), {"i": i})
    engine.dispose()


def submission(conn, pid: int) -> None:
    idx = conn.execute(text("SELECT idx FROM participant WHERE id = :p"), {"p": pid}).scalar_one()
    conn.execute(text("UPDATE player SET answer = :a WHERE participant_id = :p"), {"a": idx, "p": pid})
    conn.execute(text("UPDATE participant SET idx = :i WHERE id = :p"), {"i": idx + 1, "p": pid})
    conn.execute(text("INSERT INTO page_time (participant_id, at) VALUES (:p, :t)"), {"p": pid, "t": time.time()})


def run(url: str, queue: bool, threads: int, transactions: int) -> dict:
    engine = build_engine(url, writer_queue=queue)
    latencies: list[float] = []
    lock = threading.Lock()
    start_line = threading.Barrier(threads + 1)

    def worker(n: int) -> None:
        mine = []
        start_line.wait()
        for _ in range(transactions):
            t0 = time.perf_counter()
            with engine.begin() as conn:
                submission(conn, n)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    start_line.wait()
    t0 = time.perf_counter()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - t0
    engine.dispose()
    latencies.sort()
    return {
        "queue": queue,
        "transactions_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99) - 1],
        "max_ms": 1000 * latencies[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=40)
    parser.add_argument("--transactions", type=int, default=50, help="per thread")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        prepare(url, args.threads)
        for _ in range(args.rounds):
            for queue in (False, True):
                runs.append(run(url, queue, args.threads, args.transactions))
    summary = {}
    for queue in (False, True):
        mine = [r for r in runs if r["queue"] is queue]
        summary["queue" if queue else "busy_handler"] = {
            key: statistics.median(r[key] for r in mine) for key in ("transactions_per_s", "p50_ms", "p99_ms", "max_ms")
        }
    print(f"{args.threads} threads x {args.transactions} transactions, median of {args.rounds} rounds")
    print(f"{'':14} {'txn/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, figures in summary.items():
        print(f"{name:14} {figures['transactions_per_s']:8.0f} {figures['p50_ms']:8.1f} "
              f"{figures['p99_ms']:8.1f} {figures['max_ms']:8.1f}")
    ratio = summary["queue"]["transactions_per_s"] / summary["busy_handler"]["transactions_per_s"]
    print(f"queue / busy handler throughput: {ratio:.2f}x")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"sqlite_writers-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"args": vars(args), "runs": runs, "summary": summary, "ratio": ratio}, indent=2))
    print(f"raw figures: {out}")


if __name__ == "__main__":
    main()
