"""`brandpulse --help` loads the command line and the settings, nothing heavy: the commands
import the store and the analysis modules when they run (issue #16)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

HELP_THEN_MODULES = (
    "import sys\n"
    "from dashboard.cli import cli\n"
    "try:\n"
    "    cli(['--help'], prog_name='brandpulse')\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('\\n'.join(sys.modules), file=sys.stderr)\n"
)
# Besides dashboard.cli's own modules: the settings, and the constants the report and copy
# format options offer.
LIGHT = {
    "analysis",
    "analysis.report",
    "analysis.report.formats",
    "analysis.suggestions",
    "analysis.suggestions.grounding",
    "dashboard",
    "loaders",
    "loaders.config",
    "loaders.errors",
    "loaders.safe_text",
}
HEAVY = ("torch", "transformers", "streamlit", "duckdb", "pandas", "pyarrow", "sklearn")


def test_help_imports_only_the_command_line_and_settings():
    run = subprocess.run(
        [sys.executable, "-c", HELP_THEN_MODULES], cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "Usage: brandpulse" in run.stdout
    loaded = set(run.stderr.split())
    ours = {m for m in loaded if m.split(".")[0] in ("loaders", "analysis", "dashboard")}
    assert ours - LIGHT == {m for m in ours if m.startswith("dashboard.cli")}
    # 20, then 21 with dashboard.cli.rules, 22 and 23 with .replies and .copy (command modules).
    assert len(ours) <= 23
    assert not [m for m in HEAVY if m in loaded]
