"""Policy attention, stated targets and change over the years on the report page and in the seed
run's tables (rules targets, fig_targets; gwr.page_policy)."""

import csv
import re

from gwr.io import read_csv
from gwr.page_policy import (
    finding_targets,
    latest_changes,
    most_above,
    target_text,
    targets_section,
    trends_section,
)
from gwr.targets import TARGET_COLUMNS


def table(anchor, header, rows, *, csv=None, total=None):
    return {"id": anchor, "header": header, "rows": rows, "csv": csv, "total": total}


def statement(zh, en, *links):
    return {"zh": zh, "en": en, "evidence": links}


def change(region, year_from, year_to, term, change, g2, count_from=1, count_to=9):
    return {
        "parent": "",
        "region": region,
        "year_from": str(year_from),
        "year_to": str(year_to),
        "term": term,
        "change": change,
        "g2": str(g2),
        "count_from": str(count_from),
        "count_to": str(count_to),
    }


def test_the_latest_pair_of_each_region_gives_its_largest_rises_and_falls():
    changes = [
        change("全国", 2020, 2021, "旧词", "gone", 50, 8, 0),
        change("全国", 2021, 2022, "退税", "new", 30, 0, 12),
        change("全国", 2021, 2022, "疫情", "falling", 40, 30, 9),
        change("全国", 2021, 2022, "稳岗", "rising", 10, 2, 9),
    ]
    reports = [
        {
            "report_id": f"quanguo-{y}",
            "parent": "",
            "region": "全国",
            "label": f"全国{y}",
            "year": str(y),
        }
        for y in (2020, 2021, 2022)
    ]
    latest = latest_changes(changes, reports)
    entry = latest[("", "全国")]
    assert (entry["year_from"], entry["year_to"]) == ("2021", "2022")
    assert [r["term"] for r in entry["up"]] == ["退税", "稳岗"]  # by G², 2020→2021 left out
    assert [r["term"] for r in entry["down"]] == ["疫情"]
    section = trends_section(changes, reports, table)
    (row,) = section["table"]["rows"]
    assert row[0] == "全国" and row[1] == "2021→2022"
    assert "退税 0→12（新 new）" in row[2] and "疫情 30→9" in row[3]
    # A region of two years without a significant change says so; one of one year is not shown.
    reports += [
        {
            "report_id": f"beijing-{y}",
            "parent": "",
            "region": "北京市",
            "label": f"北京市{y}",
            "year": str(y),
        }
        for y in (2024, 2025)
    ] + [
        {
            "report_id": "dongcheng-2024",
            "parent": "北京市",
            "region": "东城区",
            "label": "东城区",
            "year": "2024",
        }
    ]
    rows = {r[0]: r for r in trends_section(changes, reports, table)["table"]["rows"]}
    assert set(rows) == {"全国", "北京市"}
    none = "无显著变化 no significant change"
    assert rows["北京市"][1:] == ["2024→2025", none, none]


def test_a_target_reads_as_the_report_states_it():
    assert target_text({"low": "5", "high": "5", "unit": "%", "qualifier": "左右"}) == "5%左右"
    assert target_text({"low": "5", "high": "5.5", "unit": "%", "qualifier": ""}) == "5–5.5%"


def test_growth_targets_come_from_gdp_or_the_older_series():
    rows = [
        {"report_id": "a", "kind": "target", "indicator": "gnp_growth", "low": "6", "high": "6",
         "unit": "%", "qualifier": ""},
        {"report_id": "b", "kind": "achieved", "indicator": "gdp_growth", "low": "9", "high": "9",
         "unit": "%", "qualifier": ""},
        {"report_id": "b", "kind": "target", "indicator": "gdp_growth", "low": "8", "high": "8",
         "unit": "%", "qualifier": "左右"},
    ]  # fmt: skip
    regions = {"a": "全国1992", "b": "全国2005", "c": "全国2000"}
    section = targets_section(rows, regions, table)
    cells = {row[0]: row[1] for row in section["table"]["rows"]}
    assert cells == {"全国1992": "6%", "全国2005": "8%左右", "全国2000": ""}
    assert section["stated"] == 2
    (found,) = finding_targets(rows, regions, statement)
    assert "2/3" in found["zh"] and found["zh"].index("全国1992") < found["zh"].index("全国2005")


def test_the_domain_most_above_the_mean_skips_none():
    rows = [
        {"domain": "none", "share": "0.5"},
        {"domain": "health", "share": "0.3"},
        {"domain": "education", "share": "0.2"},
    ]
    means = {"none": 0.1, "health": 0.25, "education": 0.05}
    assert most_above(rows, means)["domain"] == "education"
    assert most_above(rows, {"none": 0.9, "health": 0.9, "education": 0.9}) is None


def test_the_seed_run_states_beijings_targets_and_the_page_shows_them(seed_run):
    results = seed_run / "results"
    path = results / "targets" / "targets.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == TARGET_COLUMNS
    rows = read_csv(path)
    # 北京市 2024 (the text: "地区生产总值增长5%左右 … 城镇调查失业率控制在5%以内").
    beijing = {(r["indicator"], r["kind"]): r for r in rows if r["report_id"] == "beijing-2024"}
    gdp = beijing[("gdp_growth", "target")]
    assert (gdp["low"], gdp["high"], gdp["unit"], gdp["qualifier"]) == ("5", "5", "%", "左右")
    assert "地区生产总值增长5%左右" in gdp["sentence"]
    jobless = beijing[("unemployment_rate", "target")]
    assert (jobless["low"], jobless["qualifier"]) == ("5", "以内")
    # Every report of the seed states a growth target.
    assert {r["report_id"] for r in rows if r["indicator"] == "gdp_growth"} == {
        r["report_id"] for r in read_csv(results / "corpus" / "reports.csv")
    }
    page = (results / "report.html").read_text("utf-8")
    for anchor in ("attention", "targets", "trends"):
        assert f'<section id="{anchor}">' in page and f'href="#{anchor}"' in page
    assert "经济增长预期目标（3/3 份报告）" in page
    assert "5%左右" in page
    # The seed has one year per region: no figure over the years on the page.
    assert "fig-attention-years" not in page and "fig-targets-years" not in page
    assert re.search(r'<figure id="fig-targets">', page)
    for name in ("targets", "targets_years"):
        assert (results / "figures" / f"{name}.png").stat().st_size > 0
