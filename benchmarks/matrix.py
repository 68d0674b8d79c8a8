"""The whole benchmark matrix, oTree 6.0.15 (side A) against this server (side B), as ratios.

Scenarios (each one `run_pair.py` of the shared black-box load generator, rounds alternating
A B A B so both sides see the same machine; medians over the rounds):

  capacity_sqlite    public goods, N participants, think time 0, SQLite
  capacity_postgres  the same on PostgreSQL (a fresh database per side and round)
  lab_sqlite         think time 0.5-3 s (a realistic lab), SQLite
  workers_2, _4      this server only: 1 worker (A) against 2 or 4 (B), PostgreSQL + Redis
  bots               `otree test guess_two_thirds 150` on oTree's sample games (--bots-project): wall time
  memory             this server only: benchmarks/memory.py (1,000 and 2,000 idle participants)

    .venv/bin/python benchmarks/matrix.py --bench-dir PATH/TO/LOADGEN [--only capacity_sqlite,bots]

`--bench-dir` is the folder holding `run_pair.py` and `loadgen.py`. oTree 6.0.15 is installed in
`--otree6-venv` (created on first use, with `requests` for its bots). Every raw result is
written to benchmarks/results/, and a table of figures and ratios is printed and saved next to it as Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent
RESULTS = HERE / "results"
OURS = ROOT / ".venv" / "bin"
PG_ADMIN = os.environ.get("OTREE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("OTREE_BENCH_REDIS", "redis://127.0.0.1:6379/0")
COMMON_ENV = ["OTREE_PRODUCTION=1", "OTREE_AUTH_LEVEL=STUDY", "OTREE_REST_KEY=benchkey",
              "OTREE_ADMIN_PASSWORD=benchpw"]
SCENARIOS = ["capacity_sqlite", "capacity_postgres", "lab_sqlite", "workers_2", "workers_4", "bots", "memory"]


def log(*parts) -> None:
    print("[matrix]", *parts, file=sys.stderr, flush=True)


def ensure_otree6(venv: pathlib.Path) -> pathlib.Path:
    if not (venv / "bin" / "otree").exists():
        log("installing oTree 6.0.15 into", venv)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        packages = ["otree==6.0.15", "psycopg2-binary", "requests"]
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *packages], check=True)
    return venv / "bin"


def project_copy(workdir: pathlib.Path, name: str) -> pathlib.Path:
    target = workdir / name
    shutil.copytree(HERE / "project", target, ignore=shutil.ignore_patterns("db.sqlite3*", "__pycache__"))
    return target


def reset_database(name: str) -> str:
    """Drop and create database `name`; its URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{PG_ADMIN}/{name}"


def run_pair(args, name: str, a: dict, b: dict, loadgen: list[str]) -> dict:
    """Run the shared run_pair.py with sides a and b (dicts: label, bin, dir, env, pre, cmd_args)."""
    out = RESULTS / f"matrix-{name}-{args.stamp}.json"
    command = [sys.executable, str(args.bench_dir / "run_pair.py"), "--rounds", str(args.rounds),
               "--log-dir", str(args.workdir / f"logs-{name}"), "--out", str(out),
               "--loadgen-python", str(OURS / "python")]
    for env in COMMON_ENV:
        command += ["--common-env", env]
    for key, side in (("a", a), ("b", b)):
        command += [f"--{key}-label", side["label"], f"--{key}-dir", str(side["dir"]),
                    f"--{key}-cmd", f"{side['bin']}/otree prodserver 127.0.0.1:{{port}} {side.get('cmd_args', '')}",
                    f"--{key}-env", f"PATH={side['bin']}:/usr/bin:/bin"]
        for env in side.get("env", []):
            command += [f"--{key}-env", env]
        if side.get("pre"):
            command += [f"--{key}-pre", side["pre"]]
    command += ["--"] + loadgen
    log(name, "...")
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=4 * 3600)
    result = json.loads(out.read_text())
    return {"summary": result["summary"], "ratios": result["ratios"], "raw": str(out.relative_to(ROOT))}


def loadgen_args(args, think: str) -> list[str]:
    return ["--config", "public_goods_simple", "-n", str(args.n), "--think-ms", think,
            "--ramp-s", "5", "--timeout-s", "175"]


def sqlite_side(label: str, binary: pathlib.Path, folder: pathlib.Path, **extra) -> dict:
    return dict(label=label, bin=binary, dir=folder, pre="rm -f db.sqlite3*", **extra)


def postgres_side(label: str, binary: pathlib.Path, folder: pathlib.Path, database: str, **extra) -> dict:
    url = reset_database(database)
    env = [f"DATABASE_URL={url}"] + extra.pop("env", [])
    # A fresh schema before every round: resetdb on the side's own installation.
    return dict(label=label, bin=binary, dir=folder, env=env, pre=f"{binary}/otree resetdb --noinput", **extra)


def time_bots(binary: pathlib.Path, folder: pathlib.Path, rounds: int) -> dict:
    """Wall time of `otree test guess_two_thirds 150` (oTree's sample: 3 rounds), median of `rounds`."""
    env = dict(os.environ, PATH=f"{binary}:/usr/bin:/bin")
    env.pop("DATABASE_URL", None)
    seconds = []
    for _ in range(rounds):
        for stale in folder.glob("db.sqlite3*"):
            stale.unlink()
        t0 = time.perf_counter()
        subprocess.run([str(binary / "otree"), "test", "guess_two_thirds", "150"], cwd=folder, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=3600)
        seconds.append(time.perf_counter() - t0)
    return {"seconds": seconds, "median_s": statistics.median(seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-dir", type=pathlib.Path, required=True, help="folder of run_pair.py and loadgen.py")
    parser.add_argument("--otree6-venv", type=pathlib.Path, default=pathlib.Path("/tmp/otree6-venv"))
    parser.add_argument("--bots-project", type=pathlib.Path,
                        help="for the bots scenario: oTree's sample games (a checkout of github.com/oTree-org/oTree)")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated subset of " + ", ".join(SCENARIOS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-n", type=int, default=600, help="participants in the load scenarios")
    args = parser.parse_args()
    wanted = [s for s in args.only.split(",") if s]
    unknown = set(wanted) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {sorted(unknown)}")
    RESULTS.mkdir(exist_ok=True)
    args.stamp = time.strftime("%Y%m%dT%H%M%S")
    args.workdir = pathlib.Path(tempfile.mkdtemp(prefix="otree-matrix-"))
    otree6 = ensure_otree6(args.otree6_venv) if set(wanted) - {"workers_2", "workers_4", "memory"} else None
    table: dict[str, dict] = {}
    for name in wanted:
        a_dir, b_dir = project_copy(args.workdir, f"{name}-a"), project_copy(args.workdir, f"{name}-b")
        if name == "capacity_sqlite":
            table[name] = run_pair(args, name, sqlite_side("otree6", otree6, a_dir), sqlite_side("ours", OURS, b_dir),
                                   loadgen_args(args, "0,0"))
        elif name == "lab_sqlite":
            table[name] = run_pair(args, name, sqlite_side("otree6", otree6, a_dir), sqlite_side("ours", OURS, b_dir),
                                   loadgen_args(args, "500,3000"))
        elif name == "capacity_postgres":
            table[name] = run_pair(args, name, postgres_side("otree6", otree6, a_dir, "otree_matrix_a"),
                                   postgres_side("ours", OURS, b_dir, "otree_matrix_b"), loadgen_args(args, "0,0"))
        elif name.startswith("workers_"):
            workers = int(name.split("_")[1])
            redis = [f"REDIS_URL={REDIS}"]
            table[name] = run_pair(
                args, name,
                postgres_side("ours-1", OURS, a_dir, "otree_matrix_a", env=list(redis), cmd_args="--workers 1"),
                postgres_side(f"ours-{workers}", OURS, b_dir, "otree_matrix_b", env=list(redis),
                              cmd_args=f"--workers {workers}"),
                loadgen_args(args, "0,0"))
        elif name == "bots":
            if not args.bots_project:
                parser.error("the bots scenario needs --bots-project")
            samples = args.workdir / "bots_project"
            shutil.copytree(args.bots_project, samples, ignore=shutil.ignore_patterns("db.sqlite3*", "__pycache__"))
            a, b = time_bots(otree6, samples, args.rounds), time_bots(OURS, samples, args.rounds)
            table[name] = {"otree6": a, "ours": b, "ratio": a["median_s"] / b["median_s"]}
        elif name == "memory":
            subprocess.run([str(OURS / "python"), str(HERE / "memory.py"), "--counts", "1000,2000"], check=True)
            latest = max(RESULTS.glob("memory-*.json"))
            table[name] = {"figures": json.loads(latest.read_text()), "raw": str(latest.relative_to(ROOT))}
        log(name, json.dumps(table[name].get("ratios") or table[name].get("ratio") or ""))
    report = render(table, args)
    print(report)
    (RESULTS / f"matrix-{args.stamp}.md").write_text(report)
    (RESULTS / f"matrix-{args.stamp}.json").write_text(json.dumps(table, indent=2, default=str))
    log("server logs and project copies:", args.workdir)


def render(table: dict, args) -> str:
    lines = [f"Benchmark matrix {args.stamp}, N={args.n}, {args.rounds} rounds (medians)", "",
             "| scenario | A | B | pages/s A / B | ratio B/A | request p99 B | wake p99 B | errors B |",
             "|---|---|---|---|---|---|---|---|"]
    for name, row in table.items():
        if "summary" in row:
            (a_label, a), (b_label, b) = list(row["summary"].items())
            lines.append(f"| {name} | {a_label} | {b_label} | {a['pages_per_s']} / {b['pages_per_s']} | "
                         f"{row['ratios']['median_B_over_A_pages_per_s']}x | {b['p99_ms']} ms | "
                         f"{b['wake_p99_ms']} ms | {b['errors']} |")
    if "bots" in table:
        bots = table["bots"]
        lines += ["", f"Bots (`otree test guess_two_thirds 150`): oTree 6 {bots['otree6']['median_s']:.1f} s, "
                      f"ours {bots['ours']['median_s']:.1f} s ({bots['ratio']:.2f}x as fast)"]
    if "memory" in table:
        figures = table["memory"]["figures"]
        steps = ", ".join(f"{s['connected']}: {s['rss_mib']:.0f} MiB" for s in figures["steps"])
        lines += ["", f"Memory (idle participants on a wait page): {steps}; "
                      f"per extra 1,000: {figures.get('mib_per_extra_1000', 0):.0f} MiB"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
