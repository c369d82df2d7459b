"""What import-linter cannot see: importing any package never loads torch or streamlit.

Which package may import which is the import-linter contracts' job (pyproject.toml, run by
.ci/run); these tests run the imports for real in a fresh interpreter.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

from tests.conftest import REPO


def modules(package: str) -> list[str]:
    path = REPO / package
    # walk_packages imports each subpackage to look inside it; an error there must fail here.
    found = pkgutil.walk_packages([str(path)], prefix=f"{package}.", onerror=_raise)
    return [package] + [m.name for m in found]


def _raise(name: str) -> None:
    raise ImportError(f"could not import {name} to list its modules")


def imported_after(names: list[str]) -> set[str]:
    code = (
        "import sys\n" + "".join(f"import {n}\n" for n in names) + "print('\\n'.join(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_loaders_and_analysis_do_not_import_streamlit_or_torch():
    loaded = imported_after(modules("loaders") + modules("analysis"))
    assert "streamlit" not in loaded
    assert "torch" not in loaded
    assert "ray" not in loaded  # engine='ray' imports it when it runs


def test_dashboard_cli_does_not_load_torch():
    assert "torch" not in imported_after(["dashboard.cli"])


def test_readme_documents_every_setting():
    from loaders.config import Settings

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in Settings.field_docs()
        if f"`{name}`" not in readme or f"BRANDPULSE_{name.upper()}" not in readme
    ]
    assert not missing
