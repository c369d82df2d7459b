"""engine='ray' without Ray, or with an unreachable cluster: one line that says what to do."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from analysis.scale.cluster import check_reachable, connected
from dashboard.cli import cli
from loaders.errors import ClusterError
from tests.conftest import REPO


def test_engine_ray_without_ray_installed_is_a_one_line_error(settings, monkeypatch):
    from analysis.jobs.analysis_pass import analyze_all

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if not installed
    ray_settings = type(settings)(**{**settings.__dict__, "engine": "ray"})
    with pytest.raises(ClusterError) as raised:
        analyze_all(ray_settings)
    message = str(raised.value)
    assert "\n" not in message
    assert "not installed" in message and "pip install 'brandpulse[ray]'" in message

    ran = CliRunner().invoke(cli, ["analyze", "--db", str(settings.db), "--engine", "ray"])
    assert ran.exit_code != 0
    assert "Traceback" not in ran.output
    assert "needs Ray, which is not installed" in ran.output


def test_an_unreachable_address_fails_fast_in_one_line(settings, monkeypatch):
    ray = pytest.importorskip("ray")
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    started = time.monotonic()
    bad = type(settings)(**{**settings.__dict__, "engine": "ray", "ray_address": "127.0.0.1:1"})
    with pytest.raises(ClusterError) as raised, connected(bad):
        pass
    assert time.monotonic() - started < 10  # Ray itself would retry for minutes
    message = str(raised.value)
    assert "\n" not in message and "Cannot reach the Ray cluster at 127.0.0.1:1" in message
    assert "Fix:" in message

    ran = CliRunner().invoke(
        cli, ["analyze", "--db", str(settings.db), "--engine", "ray", "--address", "127.0.0.1:1"]
    )
    assert ran.exit_code != 0 and "Traceback" not in ran.output
    assert "Cannot reach the Ray cluster" in ran.output


def test_a_malformed_address_is_named():
    with pytest.raises(ClusterError, match="not an address"):
        check_reachable("head-node:port")


def test_the_local_engine_never_imports_ray(tmp_path):
    code = (
        "import sys\n"
        "from analysis.jobs.analysis_pass import analyze_all\n"
        "from loaders.config import Settings\n"
        f"analyze_all(Settings(db={str(tmp_path / 'x.duckdb')!r}))\n"
        "print('ray' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
