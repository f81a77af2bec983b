"""The report page: rendered from data, self-contained, its size bounded whatever the number of
regions, and checked in headless Chromium."""

import os
import re
import shutil
import subprocess

import pytest
from gwr.regions import report_labels
from report_page import FIGURES, render


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


@pytest.mark.workflow
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


@pytest.mark.workflow
def test_snakemake_report_is_written(seed_run):
    from conftest import run_snakemake

    run_snakemake(seed_run, "--report", "results/snakemake-report.html")
    assert (seed_run / "results" / "snakemake-report.html").stat().st_size > 10000


def test_render_escapes_text():
    data = {
        "reports": [
            {
                "region": "<script>",
                "label": "<script>",
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
    page = render(data, {"inputs": ["x"]}, {**SETTINGS, "keywords_shown": 5, "pairs_shown": 5})
    assert "<td>&lt;script&gt;</td>" in page
    assert page.count("<script>") == 1  # only the page's own image check


SETTINGS = {"keywords_shown": 15, "pairs_shown": 50, "regions_shown": 50, "embed_font": False}
CHOSEN = {
    "k": 2,
    "labels": ["甲", "乙"],
    "reason": "r",
    "kept_seed": 1,
    "kept_because": "m",
    "stability": 1.0,
}


def many_regions(count: int) -> dict:
    """The page's data for `count` reports, one input file each, two named 朝阳区."""
    ids = [f"r{number:04d}" for number in range(count)]
    regions = ["朝阳区", "朝阳区", *(f"地区{number:04d}" for number in range(2, count))]
    reports = [
        {
            "report_id": report_id,
            "region": region,
            "parent": ["北京市", "长春市"][number] if number < 2 else "",
            "level": "district",
            "year": "2024",
            "session_date": "",
            "speaker": "",
            "paragraphs": "1",
            "characters": "1",
            "glossary_terms": "0",
        }
        for number, (report_id, region) in enumerate(zip(ids, regions, strict=True))
    ]
    for row, label in zip(reports, report_labels(reports), strict=True):
        row["label"] = label
    terms = [
        {"report_id": r["report_id"], "label": r["label"], "rank": str(k), "term": f"词{k}"}
        for r in reports
        for k in range(1, 4)
    ]
    return {
        "reports": reports,
        "toc": [],
        "sources": [
            {
                "source_file": f"{report_id}.txt",
                "encoding": "utf-8",
                "characters_read": "1",
                "characters_kept": "1",
                "characters_dropped": "0",
            }
            for report_id in ids
        ],
        "glossary": [],
        "top_terms": terms,
        "by_part": [{**row, "part": "review"} for row in terms],
        "selection": [],
        "chosen": CHOSEN,
        "topics": [],
        "report_topics": [
            {"report_id": r["report_id"], "label": r["label"], "topic_1": "0.5", "topic_2": "0.5"}
            for r in reports
        ],
        "pairs": [],
        "figures": {},
    }


def table_rows(page: str, heading: str) -> int:
    """Rows of the first table after `heading`."""
    start = page.index(heading)
    body = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    return body.count("<tr>")


def test_tables_list_at_most_regions_shown_and_say_where_the_rest_are():
    page = render(many_regions(300), {"inputs": ["x"]}, SETTINGS)
    assert table_rows(page, "分析了什么") == 50  # reports found
    assert table_rows(page, "输入文件 source") == 50
    assert table_rows(page, "各地强调什么") == 50  # keywords
    assert table_rows(page, "分部分 By part") == 50  # keywords by part
    assert table_rows(page, "各地区主题占比") == 50  # topic shares
    for note in (
        "显示前 50 份报告（共 300）",
        "显示前 50 个输入文件（共 300）",
        "显示前 50 个地区（共 300）",
        'href="corpus/reports.csv"',
        'href="tfidf/top_terms.csv"',
        'href="lda/chosen/report_topics.csv"',
    ):
        assert note in page, note
    # The same regions throughout (the first in corpus order), named as the figures name them.
    assert "<td>北京市朝阳区</td>" in page and "<td>长春市朝阳区</td>" in page
    assert "地区0049" in page and "地区0050" not in page

    small = render(many_regions(30), {"inputs": ["x"]}, SETTINGS)
    assert table_rows(small, "分析了什么") == 30 and "显示前" not in small
