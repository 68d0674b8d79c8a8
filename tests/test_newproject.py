"""A project from `otree startproject`: its own secret key, a requirements.txt that installs;
a quiet `otree help | head`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.test_cli import OTREE, run

PIP = [sys.executable, "-m", "pip"]


def test_each_project_gets_its_own_secret_key(tmp_path):
    keys = []
    for name, answer in (("first", "n\n"), ("second", "y\n")):
        assert run("startproject", name, cwd=tmp_path, input=answer).returncode == 0
        text = (tmp_path / name / "settings.py").read_text()
        keys.append(re.search(r"^SECRET_KEY = '([^']+)'$", text, flags=re.M).group(1))
    assert keys[0] != keys[1] and all(len(k) >= 32 for k in keys)
    assert "{{" not in "".join(keys)


def test_sample_project_has_a_real_secret_key():
    import otree

    path = f"{otree.__path__[0]}/sample_project/settings.py"
    key = re.search(r"^SECRET_KEY = '([^']+)'$", open(path).read(), flags=re.M).group(1)
    assert len(key) >= 32 and "{" not in key


def test_requirements_txt_installs(tmp_path):
    assert run("startproject", "study", "--noinput", cwd=tmp_path).returncode == 0
    requirements = (tmp_path / "study" / "requirements.txt").read_text()
    assert "pip install -r requirements.txt" in requirements  # the instructions are next to it
    report = tmp_path / "report.json"
    result = subprocess.run(
        [*PIP, "install", "--dry-run", "--no-deps", "--quiet", "--report", str(report), "-r", "requirements.txt"],
        cwd=tmp_path / "study", capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    installs = json.loads(report.read_text())["install"]
    assert [item["metadata"]["name"] for item in installs] == ["otree-asgi"]
    assert "postgres" in installs[0].get("requested_extras", [])


def test_help_into_a_closed_pipe_exits_quietly():
    process = subprocess.Popen([OTREE, "help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # like `| head` that has read enough
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""
    shell = subprocess.run(f"'{OTREE}' help | head -1", shell=True, capture_output=True, text=True, timeout=60)
    assert shell.stdout.startswith("Usage: otree") and shell.stderr == ""
