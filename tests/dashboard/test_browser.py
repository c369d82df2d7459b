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
def server(demo_run, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "sample.duckdb"
    shutil.copy(demo_run[0], db)  # the Data page test writes to it
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


PAGES = {
    "": "Overview",
    "sentiment": "Sentiment",
    "topics": "Topics",
    "campaigns": "Campaigns",
    "suggestions": "Suggestions",
    "explore": "Explore",
    "data": "Data",
    "labeling": "Labeling",
    "report": "Report",
}


def page_problems(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    shown = driver.find_element(By.TAG_NAME, "body").text
    return [m for m in ("Traceback", "Something went wrong", "Error") if m in shown]


def test_overview_page_in_chromium(server, browser, screenshots):
    url, db = server
    browser.get(url)
    values = wait_for_text(browser, '[data-testid="stMetricValue"]')
    week = scalar(
        db,
        "SELECT count(*) FROM documents "
        "WHERE created_at >= (SELECT max(created_at)::DATE - 6 FROM documents)",
    )
    assert values[0] == f"{week:,}"
    assert not page_problems(browser)
    shot = screenshots / "overview.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("path", [p for p in PAGES if p])
def test_every_page_in_chromium(server, browser, screenshots, path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, _ = server
    browser.get(f"{url}/{path}")
    assert PAGES[path] in wait_for_text(browser, "h1")
    # Wait until the page has finished running: its tables, charts or forms are drawn.
    WebDriverWait(browser, 60).until(
        lambda d: d.find_elements(
            By.CSS_SELECTOR,
            '[data-testid="stDataFrame"], [data-testid="stFileUploader"], .js-plotly-plot, '
            '[data-testid="stText"], [data-testid="stDownloadButton"]',
        )
    )
    assert not page_problems(browser)
    shot = screenshots / f"{path}.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


HOSTILE = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'


def test_upload_a_csv_through_the_data_page(server, browser, screenshots, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, db = server
    before = scalar(db, "SELECT count(*) FROM documents")
    upload = tmp_path / "shop_reviews.csv"
    upload.write_text(
        "date,review,stars,brand\n"
        "2025-12-14 22:00,Best bottle I ever had,5,Tidewell\n"
        f'2025-12-14 23:00,"{HOSTILE.replace(chr(34), chr(34) * 2)}",1,Tidewell\n'
        "someday,No date here,2,Tidewell\n",
        encoding="utf-8",
    )
    browser.get(f"{url}/data")
    wait_for_text(browser, "h1")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "input[type=file]"))
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(upload))

    def ingest_button(driver):
        from selenium.common.exceptions import StaleElementReferenceException

        try:  # the page re-renders while the preview loads
            found = [b for b in driver.find_elements(By.TAG_NAME, "button") if b.text == "Ingest"]
        except StaleElementReferenceException:
            return False
        return found[0] if found else False

    WebDriverWait(browser, 60).until(ingest_button).click()
    WebDriverWait(browser, 120).until(
        lambda d: "shop_reviews.csv: read 3 rows" in d.find_element(By.TAG_NAME, "body").text
    )
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "2 inserted, 0 duplicates, 1 rejected" in body
    assert scalar(db, "SELECT count(*) FROM documents") == before + 2
    browser.save_screenshot(str(screenshots / "data-upload.png"))

    # The hostile post is now the newest: the post browser shows it as text, never as HTML.
    browser.get(f"{url}/explore")
    WebDriverWait(browser, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
    )
    time.sleep(2)
    assert browser.title != "pwned"
    assert not browser.find_elements(By.CSS_SELECTOR, 'img[src="x"]')
    assert not page_problems(browser)


def test_the_html_report_opens_offline_without_requests(demo_run, tmp_path):
    """The weekly report renders its charts in Chromium and asks no server for anything."""
    import json as json_module

    from click.testing import CliRunner
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from dashboard.cli import cli

    out = tmp_path / "week.html"
    result = CliRunner().invoke(
        cli, ["report", "--week", "2025-W41", "--out", str(out), "--db", str(demo_run[0])]
    )
    assert result.exit_code == 0, result.output
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    try:
        driver.get(out.as_uri())
        WebDriverWait(driver, 30).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg")) >= 2
        )
        requested = [
            json_module.loads(entry["message"])["message"]["params"]["request"]["url"]
            for entry in driver.get_log("performance")
            if '"Network.requestWillBeSent"' in entry["message"]
        ]
        assert driver.title == "Weekly report: 2025-W41"
    finally:
        driver.quit()
    assert [url for url in requested if not url.startswith(("file:", "data:", "blob:"))] == []


def test_report_page_downloads_the_weeks_pdf(server, browser, tmp_path):
    """One click on the Report page gives the chosen week's PDF, printed on demand."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.conftest import needs_renderer, pdf_page_images, pdf_page_text

    if needs_renderer.args[0]:
        pytest.skip(needs_renderer.kwargs["reason"])
    url, _ = server
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.get(f"{url}/report")
    title = WebDriverWait(browser, 60).until(  # the preview's heading
        lambda d: next(
            (h.text for h in d.find_elements(By.TAG_NAME, "h1") if h.text.startswith("Weekly")),
            None,
        )
    )
    week = title.rsplit(" ", 1)[-1]
    # The page has run to its end when the preview's two charts are drawn; a rerun still
    # replaces elements, so a stale button is looked up again.
    WebDriverWait(browser, 60).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot")) >= 2
    )

    def click_download(driver) -> bool:
        for button in driver.find_elements(By.TAG_NAME, "button"):
            if button.text == "Download PDF":
                button.click()
                return True
        return False

    WebDriverWait(browser, 60, ignored_exceptions=(StaleElementReferenceException,)).until(
        click_download
    )
    WebDriverWait(browser, 60).until(lambda _: list(downloads.glob("*.pdf")))
    [pdf] = downloads.glob("*.pdf")
    assert pdf.name == f"brandpulse-{week}.pdf"
    assert len(pdf_page_images(pdf, tmp_path)) == 3
    assert " ".join(pdf_page_text(pdf, 1).split()).startswith(title)
    assert not page_problems(browser)


def table_toolbar_labels(driver, page_url: str) -> list[str]:
    """The buttons of the first table's own toolbar (shown on hover), by their labels."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(page_url)
    table = WebDriverWait(driver, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
    )[0]
    ActionChains(driver).move_to_element(table).perform()
    buttons = WebDriverWait(driver, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stElementToolbar"] button')
    )
    return [b.get_attribute("aria-label") or b.text for b in buttons]


def test_tables_offer_no_csv_download_of_their_own(server, browser):
    """st.dataframe's toolbar download writes =formulas unchanged; the pages' own
    download buttons (formula-safe) are the export."""
    url, _ = server
    labels = table_toolbar_labels(browser, f"{url}/data")
    assert "Search" in labels and "Fullscreen" in labels  # the toolbar shows, without download
    assert not [label for label in labels if "download" in label.lower()], labels


def test_create_a_rule_through_the_rules_page(server, browser, screenshots):
    """Open Rules, pick a template, save it: the rule is stored and listed."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, db = server
    browser.get(f"{url}/rules")
    assert "Rules" in wait_for_text(browser, "h1")

    def clickable(css: str, text: str):
        def find(driver):
            try:  # the page re-renders while it runs
                found = [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.text == text]
            except StaleElementReferenceException:
                return False
            return found[0] if found else False

        return find

    template = WebDriverWait(browser, 60).until(
        lambda d: d.find_element(
            By.CSS_SELECTOR, '[data-testid="stMain"] [data-testid="stSelectbox"] input'
        )
    )
    template.click()
    WebDriverWait(browser, 30).until(clickable('[role="option"]', "Crisis words")).click()
    WebDriverWait(browser, 60).until(
        lambda d: "Words (separated by commas)" in d.find_element(By.TAG_NAME, "body").text
    )
    WebDriverWait(browser, 60).until(clickable("button", "Save the rule")).click()
    WebDriverWait(browser, 60).until(
        lambda d: "Rule 'Crisis words' saved" in d.find_element(By.TAG_NAME, "body").text
    )
    assert scalar(db, "SELECT condition FROM rules WHERE name = 'Crisis words'") == "keywords"

    # Listed: the picker of the rule to manage (labelled "Rule") holds it; the table of rules
    # is drawn on a canvas, which the browser cannot read back.
    def picker_shows_the_rule(driver) -> bool:
        try:
            picker = driver.find_elements(By.CSS_SELECTOR, 'input[aria-label="Rule"]')
            return bool(picker) and picker[0].get_attribute("value") == "Crisis words"
        except StaleElementReferenceException:
            return False

    WebDriverWait(browser, 60).until(picker_shows_the_rule)
    assert "Send a test notification" in browser.find_element(By.TAG_NAME, "body").text
    assert not page_problems(browser)
    browser.save_screenshot(str(screenshots / "rules.png"))
