"""Brandpulse as a user installs it: a built wheel in a fresh venv, far from the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def run(command: list[str | Path], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, timeout=900, **kwargs
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding only the wheel; third-party packages come from the test venv's
    site-packages through a plain path line, which (unlike a site dir) runs no .pth files,
    so the checkout's editable install cannot leak in."""
    root = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools writes build/ and *.egg-info into the folder it builds.
    source = root / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", ".*cache*", ".hypothesis", "sample_data", "tests"
    ))  # fmt: skip
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", root / "dist", source]
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("brandpulse-*.whl")
    venv = root / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", venv]).returncode == 0
    python = venv / "bin" / "python"
    site = Path(
        run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    (site / "brandpulse-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q"]
    installing = run([*pip, wheel])
    assert installing.returncode == 0, installing.stderr
    return venv


def test_the_wheel_installs_its_own_code_and_data(installed: Path, tmp_path: Path):
    probe = (
        "import loaders, analysis.sentiment.seed_corpus as s, loaders.store as st;"
        "print(loaders.__file__); print(len(s.build_seed_corpus())); print(st.LATEST_VERSION)"
    )
    result = run([installed / "bin" / "python", "-c", probe], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    where, examples, version = result.stdout.split()
    assert where.startswith(str(installed)) and not where.startswith(str(REPO))
    assert int(examples) > 1000 and int(version) >= 1  # seed sentences and migrations shipped


def test_brandpulse_help_and_sample_from_any_folder(installed: Path, tmp_path: Path):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("BRANDPULSE_SAMPLE_DIR", None)
    brandpulse = installed / "bin" / "brandpulse"
    helped = run([brandpulse, "--help"], cwd=tmp_path, env=env)
    assert helped.returncode == 0, helped.stderr
    assert "sample" in helped.stdout and "demo" in helped.stdout
    sampled = run([brandpulse, "sample"], cwd=tmp_path, env=env)
    assert sampled.returncode == 0, sampled.stderr
    folder = tmp_path / "data" / "brandpulse" / "sample_data"
    assert sorted(p.name for p in folder.iterdir()) == [
        "campaigns.csv",
        "ground_truth.csv",
        "reviews.csv",
        "social_posts.csv",
    ]
    # The same generator as the checkout's committed sample: the files are byte-identical.
    assert (folder / "reviews.csv").read_bytes() == (
        REPO / "sample_data" / "reviews.csv"
    ).read_bytes()
