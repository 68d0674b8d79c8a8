"""The built-in static files: vendored libraries present (with their licences), no CDN anywhere."""

from __future__ import annotations

import os
import re

import pytest

import otree

PACKAGE = os.path.dirname(os.path.abspath(otree.__file__))
STATIC = os.path.join(PACKAGE, "static", "otree")

# (path under static/otree, minimum size in bytes, a string the file must contain)
VENDORED = [
    ("css/bootstrap.min.css", 100_000, "Bootstrap  v5."),
    ("js/bootstrap.bundle.min.js", 50_000, "Bootstrap v5."),
    ("js/jquery.min.js", 50_000, "jQuery v3."),
    ("js/reconnecting-websocket-iife.min.js", 5_000, "ReconnectingWebSocket"),
    ("js/uPlot.iife.min.js", 30_000, "uPlot"),
]
LICENSES = [
    "css/bootstrap.LICENSE",
    "js/bootstrap.LICENSE",
    "js/jquery.LICENSE.txt",
    "js/reconnecting-websocket.LICENSE",
    "js/uPlot.LICENSE",
]
OWN = {
    "js/common.js": ["makeReconnectingWebSocket", "window.otree", "wss://"],
    "js/waitpage.js": ["otree-wait-page", "socketUrl", "tab_hidden", "visibilitychange", "reload"],
    "js/auto_advance.js": ["otree-auto-advance", "auto_advanced"],
    "js/formInputs.js": ["forminputs"],
    "js/monitor_view.js": ["otree:monitor-update", "uPlot", "m-changed", "aria-sort"],
    "js/browser_bot.js": ["otree-browser-bot", "form.submit()"],
    "js/select_all.js": ["otree-select-all", "indeterminate"],
    "css/monitor.css": [".m-presence", ".m-changed"],
    "css/debug.css": [".error-line", ".user-frame"],
    "css/otree.css": [".otree-body", ".otree-title", ".form-control-errors", ".otree-form-errors", "._formfield"],
}
CDN_PATTERN = re.compile(r"//cdn|googleapis|jsdelivr|unpkg|cdnjs", re.IGNORECASE)


def _read(relative: str) -> str:
    with open(os.path.join(STATIC, relative), encoding="utf-8") as f:
        return f.read()


@pytest.mark.parametrize("relative,min_size,marker", VENDORED)
def test_vendored_library_is_there(relative, min_size, marker):
    path = os.path.join(STATIC, relative)
    assert os.path.isfile(path), f"missing {relative}"
    assert os.path.getsize(path) >= min_size, f"{relative} is suspiciously small"
    assert marker in _read(relative)[:2000]


@pytest.mark.parametrize("relative", LICENSES)
def test_license_next_to_library(relative):
    text = _read(relative)
    assert "Permission is hereby granted" in text  # all three are MIT


@pytest.mark.parametrize("relative,needles", sorted(OWN.items()))
def test_own_scripts_and_styles(relative, needles):
    text = _read(relative)
    for needle in needles:
        assert needle in text, f"{relative} lacks {needle!r}"


def _text_files(*roots: str):
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                if name.endswith((".html", ".js", ".css", ".txt", ".py", ".json", ".svg")) or "LICENSE" in name:
                    yield os.path.join(folder, name)


def test_no_cdn_urls_in_static_files_or_templates():
    roots = [os.path.join(PACKAGE, "static"), os.path.join(PACKAGE, "templates")]
    offenders = []
    for path in _text_files(*roots):
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, start=1):
                if CDN_PATTERN.search(line):
                    offenders.append(f"{os.path.relpath(path, PACKAGE)}:{number}")
    assert not offenders, "CDN references (pages must work offline): " + ", ".join(offenders)


def test_static_files_are_package_data():
    tomllib = pytest.importorskip("tomllib")

    with open(os.path.join(os.path.dirname(PACKAGE), "pyproject.toml"), "rb") as f:
        data = tomllib.load(f)
    patterns = data["tool"]["setuptools"]["package-data"]["otree"]
    assert "static/**/*" in patterns


def test_own_scripts_behave_in_a_fake_browser():
    """common.js, waitpage.js, auto_advance.js and formInputs.js, run by Node with a minimal DOM."""
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js is required in CI (.ci/run installs Debian's nodejs)")
        pytest.skip("Node.js is not installed")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static_scripts_check.js")
    result = subprocess.run([node, script, os.path.join(STATIC, "js")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_static_file_the_built_in_templates_use_exists():
    templates = os.path.join(PACKAGE, "templates")
    assert os.path.isdir(templates), templates
    referenced = set()
    for path in _text_files(templates):
        with open(path, encoding="utf-8") as f:
            referenced.update(re.findall(r"/static/otree/([\w./-]+)", f.read()))
    missing = sorted(name for name in referenced if not os.path.isfile(os.path.join(STATIC, name)))
    assert not missing, f"templates reference missing static files: {missing}"
