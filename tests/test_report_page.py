"""The report page: rendered from data, self-contained, and checked in headless Chromium."""

import os
import re
import shutil
import subprocess

import pytest
from report_page import FIGURES, render

pytestmark = pytest.mark.workflow


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium) to open the report page")


def rendered_dom(page, profile) -> str:
    process = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr[-2000:]
    return process.stdout


def test_report_page_opens_with_every_image_loaded(seed_run, tmp_path):
    page = seed_run / "results" / "report.html"
    text = page.read_text("utf-8")
    # Self-contained: no resource from the network.
    assert not re.search(r"""(src|href)=["']https?://""", text)
    dom = rendered_dom(page, tmp_path / "chromium-profile")
    total = int(re.search(r'data-images-total="(\d+)"', dom).group(1))
    loaded = int(re.search(r'data-images-loaded="(\d+)"', dom).group(1))
    assert total == len(FIGURES) and loaded == total
    for key_text in (
        "分析了什么",
        "北京市",
        "东城区",
        "西城区",
        "朝阳区",  # listed in the table of contents, missing from the text
        "所选主题数",
        "为什么 Why",
        "哪些地区相似，为什么",
        "本次运行的参数",
    ):
        assert key_text in dom, key_text
    # The links to the tables point at files that exist.
    for link in re.findall(r'href="([^"]+\.csv)"', text):
        assert (seed_run / "results" / link).exists(), link


def test_snakemake_report_is_written(seed_run):
    from conftest import run_snakemake

    run_snakemake(seed_run, "--report", "results/snakemake-report.html")
    assert (seed_run / "results" / "snakemake-report.html").stat().st_size > 10000


def test_render_escapes_text():
    data = {
        "reports": [
            {
                "region": "<script>",
                "parent": "",
                "level": "district",
                "year": "2024",
                "session_date": "",
                "speaker": "",
                "paragraphs": "1",
                "characters": "1",
                "glossary_terms": "0",
                "report_id": "x-2024",
            }
        ],
        "toc": [],
        "sources": [],
        "glossary": [],
        "top_terms": [],
        "by_part": [],
        "selection": [],
        "chosen": {
            "k": 2,
            "labels": ["a", "b"],
            "reason": "r",
            "kept_seed": 1,
            "kept_because": "m",
            "stability": 1.0,
        },
        "topics": [],
        "report_topics": [],
        "pairs": [],
        "figures": {},
    }
    page = render(
        data, {"inputs": ["x"]}, {"keywords_shown": 5, "pairs_shown": 5, "embed_font": True}
    )
    assert "<td>&lt;script&gt;</td>" in page
    assert page.count("<script>") == 1  # only the page's own image check
