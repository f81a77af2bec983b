"""The report page in headless Chromium, at a desktop's width (1400 px) and a phone's (390 px):
the findings are there, the page never scrolls sideways, every image loads, the contents links
land on their sections, a figure opens full size and closes, and markup injected through a
report's region name or text never runs.

Debian's `chromium`, driven through Debian's `chromium-driver` with Selenium (the `test` extra);
nothing downloads a browser or a driver (Selenium Manager is kept offline and never needed, as
both paths are given). Without them the tests skip, saying what to install; in CI they fail.
"""

import os
import shutil
from pathlib import Path

import pytest
from test_report_page import INJECTED, PAGE_BYTES_62, SETTINGS, hostile_data

WIDTHS = (1400, 390)
HEIGHT = 900
# Where Debian puts the browser and its driver, if not on PATH.
BROWSERS = ("chromium", "chromium-browser", "/usr/lib/chromium/chromium")
DRIVERS = ("chromedriver", "/usr/lib/chromium/chromedriver", "/usr/bin/chromedriver")


def missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} (.ci/run installs Debian's chromium and chromium-driver)")
    pytest.skip(what)


def find(candidates) -> str | None:
    for name in candidates:
        path = shutil.which(name) or (name if Path(name).is_file() else None)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module's tests."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("selenium is not installed (pip install -e '.[test]') to open the report page")
    binary = find(BROWSERS)
    if binary is None:
        missing("chromium is not installed (apt-get install chromium) to open the report page")
    driver_path = find(DRIVERS)
    if driver_path is None:
        missing("chromedriver is not installed (apt-get install chromium-driver)")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager: never fetch a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--window-size={WIDTHS[0]},{HEIGHT}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver, page: Path, width: int) -> None:
    """Open `page` in a viewport `width` CSS pixels wide (a phone's, touch and viewport meta
    honoured, below 800)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": width < 800},
    )
    driver.get(page.as_uri())
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all(Array.from(document.images, i => i.decode().catch(() => null)))"
        ".then(() => document.fonts.ready).then(() => done(true));"
    )


def viewport(driver) -> dict:
    return driver.execute_script(
        "return {inner: window.innerWidth, scroll: document.scrollingElement.scrollWidth,"
        " height: document.scrollingElement.scrollHeight};"
    )


def check_page(driver, page: Path, width: int) -> None:
    open_page(driver, page, width)
    size = viewport(driver)
    # The viewport tag makes a phone lay the page out at its own width ...
    assert size["inner"] == width, size
    # ... and nothing makes the page scroll sideways (wide tables scroll in their own box).
    assert size["scroll"] <= size["inner"], (size, wide_elements(driver, width))
    findings = driver.execute_script(
        "const s = document.getElementById('findings'); return s && s.innerText;"
    )
    assert findings and "主要发现" in findings and "Findings" in findings
    images = driver.execute_script(
        "return Array.from(document.images, i => [i.alt, i.complete, i.naturalWidth]);"
    )
    assert images and all(complete and natural > 0 for _, complete, natural in images), images
    # The embedded cut of Noto Sans SC draws the page's Chinese.
    assert driver.execute_script(
        "return Array.from(document.fonts).some(f => f.family === 'ReportCJK'"
        " && f.status === 'loaded') && document.fonts.check('16px ReportCJK', '主要发现');"
    )
    check_contents_links(driver)
    check_lightbox(driver)


def wide_elements(driver, width: int) -> list[str]:
    """What sticks out of the page (for a failure's message)."""
    return driver.execute_script(
        "const out = [];"
        "document.querySelectorAll('body *').forEach(e => {"
        " const r = e.getBoundingClientRect(); if (r.right <= arguments[0] + 1) return;"
        " for (let p = e.parentElement; p; p = p.parentElement)"
        "  if (getComputedStyle(p).overflowX !== 'visible') return;"
        " out.push(e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(r.right)); });"
        "return out.slice(0, 10);",
        width,
    )


def check_contents_links(driver) -> None:
    """Each link of the contents, clicked, brings its section to the top of the viewport (or,
    near the end, scrolls as far as the page goes with the section in view)."""
    from selenium.webdriver.common.by import By

    links = driver.find_elements(By.CSS_SELECTOR, "nav.contents a")
    targets = [link.get_attribute("href").rsplit("#", 1)[1] for link in links]
    assert "findings" in targets and len(targets) >= 7
    for number, target in enumerate(targets):
        driver.execute_script("window.scrollTo(0, 0);")
        link = driver.find_elements(By.CSS_SELECTOR, "nav.contents a")[number]
        link.click()
        place = driver.execute_script(
            "const e = document.getElementById(arguments[0]);"
            "const r = e.getBoundingClientRect(), s = document.scrollingElement;"
            "return {top: r.top, bottom_of_page:"
            " Math.ceil(s.scrollTop + window.innerHeight) >= s.scrollHeight - 1,"
            " hash: location.hash};",
            target,
        )
        assert place["hash"] == f"#{target}", place
        at_top = abs(place["top"]) <= 2
        assert at_top or (place["bottom_of_page"] and 0 <= place["top"] < HEIGHT), (target, place)


def check_lightbox(driver) -> None:
    """A click on a figure opens it over the page at its full size; "close" closes it."""
    from selenium.webdriver.common.by import By

    driver.execute_script("window.scrollTo(0, 0);")
    zoom = driver.find_elements(By.CSS_SELECTOR, "a.zoom")[0]
    driver.execute_script("arguments[0].scrollIntoView();", zoom)
    zoom.click()
    state = driver.execute_script(
        "const a = arguments[0], img = a.querySelector('img'), r = a.getBoundingClientRect();"
        "return {position: getComputedStyle(a).position, left: r.left, top: r.top,"
        " width: r.width, shown: img.getBoundingClientRect().width, natural: img.naturalWidth,"
        " inner: window.innerWidth};",
        zoom,
    )
    assert state["position"] == "fixed" and state["left"] == 0 and state["top"] == 0, state
    assert state["width"] == state["inner"], state
    assert state["shown"] >= min(state["natural"], state["inner"] - 20), state
    close = zoom.find_element(By.XPATH, "following-sibling::a[@class='close']")
    close.click()
    assert driver.execute_script("return getComputedStyle(arguments[0]).position;", zoom) != (
        "fixed"
    )


@pytest.mark.workflow
@pytest.mark.parametrize("width", WIDTHS)
def test_seed_page_in_chromium(seed_run, browser, width):
    check_page(browser, seed_run / "results" / "report.html", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_markup_in_region_names_and_texts_never_runs(browser, tmp_path, width):
    from report_page import render

    page = tmp_path / "report.html"
    page.write_text(render(hostile_data(), {"inputs": [INJECTED]}, SETTINGS), "utf-8")
    open_page(browser, page, width)
    state = browser.execute_script(
        "return {flag: window.__xss === undefined ? null : window.__xss,"
        " scripts: document.scripts.length,"
        " handlers: document.querySelectorAll('[onerror]').length,"
        " text: document.body.innerText};"
    )
    assert state["flag"] is None, state["flag"]
    assert state["scripts"] == 0 and state["handlers"] == 0
    # The markup is shown as the text it is.
    assert INJECTED in state["text"]
    assert viewport(browser)["scroll"] <= width


@pytest.mark.workflow
def test_provincial_page_in_chromium(provinces, browser, tmp_path):
    """The 31 provincial reports: the page stays light (under the limit for 62 reports) and
    fits a phone, with every image loaded."""
    import yaml
    from conftest import copy_project, run_snakemake

    workdir = copy_project(tmp_path)
    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text("utf-8"))
    config["inputs"] = [str(p) for p in provinces]
    # A short sweep: the point is the page on 31 reports, not the best model.
    config["lda"].update(k=[8, 12], seeds=[1, 2], passes=3, iterations=50)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    run_snakemake(workdir, "results/report.html")
    page = workdir / "results" / "report.html"
    assert page.stat().st_size <= PAGE_BYTES_62
    for width in WIDTHS:
        check_page(browser, page, width)
