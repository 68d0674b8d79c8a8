"""`otree test [CONFIG] [N] [--export [PATH]]` (alias `otree bots`)."""

from __future__ import annotations

import datetime
import os
import sys
import tempfile

from otree.cli import arguments, command

from .browser import browser_arguments, run_browser_bots


def _configure(parser) -> None:
    parser.add_argument("session_config_name", nargs="?", help="a session config name (default: all)")
    parser.add_argument("num_participants", nargs="?", type=int, help="default: num_demo_participants")
    parser.add_argument("--export", nargs="?", const="", default=None, metavar="PATH",
                        help="write the CSV exports of the played sessions to PATH")


@command("test", "Run the bots of the session configs (every case)")
@arguments(_configure)
def test(args) -> int:
    from .run import run_bots

    with tempfile.TemporaryDirectory(prefix="otree-bots-") as folder:
        export_path = None
        if args.export is not None:
            export_path = args.export or f"__temp_bots_{datetime.datetime.now():%Y-%m-%d_%H-%M-%S}"
        ok = run_bots(
            config_name=args.session_config_name,
            num_participants=args.num_participants,
            database_url=f"sqlite:///{os.path.join(folder, 'bots.sqlite3')}",
            export_path=export_path,
            out=sys.stdout,
        )
    return 0 if ok else 1


command("browser_bots", "Play the bots of tests.py in browser tabs, on the running server")(
    arguments(browser_arguments)(run_browser_bots))
