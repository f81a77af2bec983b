"""The screenshot of the report page that the README shows (docs/report_page.png).

    snakemake --cores all                 # the bundled seed's run
    python docs/screenshot.py             # results/report.html -> docs/report_page.png

Opens the page in headless Chromium (Debian's `chromium` and `chromium-driver`, driven with
Selenium from the `test` extra; nothing is downloaded), at a laptop's width, and saves the top of
the page: the title, the contents and the findings. Options: the page, the output file, the width
and height in CSS pixels.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "/usr/lib/chromium/chromium")
DRIVERS = ("chromedriver", "/usr/lib/chromium/chromedriver", "/usr/bin/chromedriver")


def find(candidates) -> str | None:
    for name in candidates:
        path = shutil.which(name) or (name if Path(name).is_file() else None)
        if path:
            return path
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", type=Path, default=ROOT / "results" / "report.html")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "report_page.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1400)
    args = parser.parse_args()
    if not args.page.is_file():
        sys.exit(f"{args.page}: no report page; run `snakemake --cores all` first")
    binary, driver_path = find(BROWSERS), find(DRIVERS)
    if binary is None or driver_path is None:
        sys.exit(
            "needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager: never fetch a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                     f"--window-size={args.width},{args.height}"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": args.width, "height": args.height, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.get(args.page.resolve().as_uri())
        driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "document.fonts.ready.then(() => done(true));"
        )
        args.output.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(args.output))
    finally:
        driver.quit()
    print(f"{args.output} ({args.width}×{args.height} px) from {args.page}")


if __name__ == "__main__":
    main()
