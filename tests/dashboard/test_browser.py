"""The dashboard in a real browser: Debian's Chromium driven by Selenium against a live server.

Starts `brandpulse dashboard` on a free localhost port over the sample database that the
demo fixture builds, visits each page and saves a screenshot per page into
``$BRANDPULSE_SCREENSHOTS`` (default: the test's temporary folder).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, scalar

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")),
        reason="Chromium is not installed (`.ci/run` installs chromium and chromium-driver)",
    ),
]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1400,1000",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_run):
    db, _ = demo_run
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "dashboard", "--db", str(db), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the dashboard did not start within 60 s")
    yield url, db
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("BRANDPULSE_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_for_text(driver, css: str, timeout: float = 60) -> list[str]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        lambda d: any(e.text.strip() for e in d.find_elements(By.CSS_SELECTOR, css))
    )
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]


def test_overview_page_in_chromium(server, browser, screenshots):
    url, db = server
    browser.get(url)
    values = wait_for_text(browser, '[data-testid="stMetricValue"]')
    documents = scalar(db, "SELECT count(*) FROM documents")
    assert f"{documents:,}" in values
    assert "Traceback" not in browser.page_source
    shot = screenshots / "overview.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_explore_page_in_chromium(server, browser, screenshots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, _ = server
    browser.get(f"{url}/explore")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "textarea"))
    assert "Explore with SQL" in wait_for_text(browser, "h1")
    browser.save_screenshot(str(screenshots / "explore.png"))
    assert (screenshots / "explore.png").stat().st_size > 10_000
