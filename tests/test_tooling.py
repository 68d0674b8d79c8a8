"""House tooling: ruff and mypy pass (configured in pyproject.toml), plain `pytest` finds the test
helpers, and docstrings stand on their own (no citations of documents outside the repository)."""

from __future__ import annotations

import ast
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent
# Files under otree/ must not point readers at documents that are not in the repository.
OUTSIDE_DOCUMENTS = ("../shared", "otree-reference.md", "design.md")


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess:
    """`name` from this interpreter's environment (the venv that installed the `test` extra)."""
    tool = BIN / name
    if not tool.exists():
        pytest.fail(f"{name} is not installed next to {sys.executable}: pip install -e '.[test]'")
    return subprocess.run([str(tool), *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing():
    result = run_tool("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing():
    result = run_tool("mypy", "--no-incremental")
    assert result.returncode == 0, result.stdout + result.stderr


def _texts(folder: pathlib.Path, suffixes: tuple[str, ...]):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            yield path, path.read_text(encoding="utf-8", errors="replace")


def test_no_file_under_otree_cites_documents_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path, text in _texts(ROOT / "otree", (".py", ".html", ".js", ".css", ".md", ".txt"))
        for number, line in enumerate(text.splitlines(), start=1)
        if any(document in line for document in OUTSIDE_DOCUMENTS)
    ]
    assert not found, "\n".join(found)


def _test_modules():
    for path in sorted((ROOT / "tests").rglob("*.py")):
        parts = path.relative_to(ROOT / "tests").parts
        if parts[0] != "projects" and "projects" not in parts[:-1] and "__pycache__" not in parts:
            yield path


def test_test_modules_import_helpers_from_tests_support_not_from_conftest():
    offenders = []
    for path in _test_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any(name == "conftest" or name.endswith(".conftest") for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, "import helpers from tests.support instead: " + ", ".join(offenders)


def test_plain_pytest_collects_the_whole_suite():
    """`pytest` without `python -m` (so without the current folder on sys.path) imports every test module."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(BIN / "pytest"), "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=env,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    assert " collected" in result.stdout and "error" not in result.stdout.splitlines()[-1], result.stdout[-2000:]


def test_benchmark_results_are_kept_in_the_repository():
    """benchmarks/*.py and run_loadgen.sh write their raw JSON to benchmarks/results/, which git keeps."""
    gitignore = (ROOT / ".gitignore").read_text().splitlines()
    assert not [line for line in gitignore if "results" in line and not line.startswith("#")], gitignore
    assert (ROOT / "benchmarks" / "results" / "README.md").is_file()
    for script in ("run_loadgen.sh", "live_roundtrip.py", "timeouts.py"):
        assert "results" in (ROOT / "benchmarks" / script).read_text(), f"{script} does not write to results/"
