"""The splitter on 31 real provincial reports, one report per file (../shared/corpora)."""

import re
from collections import Counter

import pytest
from conftest import PROVINCES
from gwr.split import report_rows, split_corpus


@pytest.fixture(scope="module")
def corpus(provinces, settings):
    return split_corpus([str(path) for path in provinces], settings)


@pytest.fixture(scope="module")
def listed_names(provinces):
    """Short region names from the corpus README's table (its `first line` column)."""
    names = {}
    for line in (PROVINCES / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| (prov_\w+\.txt) \| \d+ \| 2025年(.+)政府工作报告 \|", line)
        if match:
            names[match.group(1)] = match.group(2)
    assert len(names) == 31
    return names


def test_one_report_per_file_with_region_and_year(corpus, listed_names):
    assert len(corpus.reports) == 31
    for report in corpus.reports:
        name = listed_names[report.source_file.rsplit("/", 1)[-1]]
        assert report.header.region.startswith(name), (report.source_file, report.header.region)
        assert report.header.year == 2025
        assert report.header.session_date.startswith("2025-01-")
        assert report.header.level == "province"
        assert report.header.parent == ""
    regions = [r.header.region for r in corpus.reports]
    assert len(set(regions)) == 31
    # Full official names come from the session line, not the short title (广西 -> 广西壮族自治区).
    assert {
        "广西壮族自治区",
        "宁夏回族自治区",
        "新疆维吾尔自治区",
        "西藏自治区",
        "内蒙古自治区",
    } <= set(regions)


def test_wrong_source_lines_do_not_mislead(corpus):
    # 云南's 来源 line says 北京日报 and 宁夏's says 青海日报 (errors of the source).
    by_file = {r.source_file.rsplit("/", 1)[-1]: r.header.region for r in corpus.reports}
    assert by_file["prov_yunnan_2025.txt"] == "云南省"
    assert by_file["prov_ningxia_2025.txt"] == "宁夏回族自治区"
    assert by_file["prov_shaanxi_2025.txt"] == "陕西省"
    assert by_file["prov_shanxi_2025.txt"] == "山西省"


def test_ids_are_unique_and_readable(corpus):
    ids = [r.report_id for r in corpus.reports]
    assert len(set(ids)) == 31
    assert "shaanxi-2025" in ids and "shanxi-2025" in ids
    assert all(re.fullmatch(r"[a-z]+-2025", i) for i in ids), ids


def test_opening_and_closing_are_first_and_last_body_paragraphs(corpus):
    for report in corpus.reports:
        first, last = report.paragraphs[0], report.paragraphs[-1]
        assert first.text.startswith("各位代表"), report.source_file
        assert "我代表" in first.text[:20], report.source_file
        assert first.part == "opening"
        closing = [p for p in report.paragraphs if p.part == "closing"]
        assert closing and closing[0].text.startswith("各位代表"), report.source_file
        assert last.part == "closing"
        # The appeal: "让我们更加紧密地团结在…周围" (or "我们要更加紧密地团结…").
        assert re.search("更加紧密(地)?团结", "".join(p.text for p in closing)), report.source_file


def test_title_and_source_lines_and_appendices_are_out_of_the_body(corpus):
    for report in corpus.reports:
        for paragraph in report.paragraphs:
            assert not paragraph.text.startswith("来源"), paragraph.text[:30]
            assert not re.match(r"[—-]*2025年1月\d+日", paragraph.text), paragraph.text[:30]
            assert "政府工作报告" not in paragraph.text[:12]
            assert "名词解释" not in paragraph.text and not paragraph.text.startswith("附件")
    with_appendix = {r.source_file.rsplit("/", 1)[-1]: r for r in corpus.reports if r.appendix}
    assert set(with_appendix) == {
        "prov_guangdong_2025.txt",
        "prov_jiangxi_2025.txt",
        "prov_sichuan_2025.txt",
        "prov_yunnan_2025.txt",
    }
    # 云南's appendix holds its glossary and its list of 民生实事 after 附件.
    yunnan = with_appendix["prov_yunnan_2025.txt"]
    assert any("惠民实事" in p.text for p in yunnan.appendix)


def test_glossaries_are_numbered_without_gaps(corpus):
    glossaries = {
        r.source_file.rsplit("/", 1)[-1]: r.glossary for r in corpus.reports if r.glossary
    }
    assert set(glossaries) == {
        "prov_guangdong_2025.txt",
        "prov_jiangxi_2025.txt",
        "prov_sichuan_2025.txt",
        "prov_yunnan_2025.txt",
    }
    for name, entries in glossaries.items():
        assert [e["number"] for e in entries] == list(range(1, len(entries) + 1)), name
        assert len(entries) >= 10
        assert all(e["term"] and e["definition"] for e in entries)


def test_every_report_has_review_and_plans(corpus):
    for report in corpus.reports:
        parts = Counter(p.part for p in report.paragraphs)
        assert parts["review"] >= 5 and parts["plans"] >= 10, (report.source_file, parts)
        assert parts["other"] == 0
        order = [p.part for p in report.paragraphs]
        assert order.index("review") < order.index("plans")


def test_nothing_is_lost(corpus):
    for source in corpus.sources:
        kept = sum(r.source_characters for r in source.reports)
        assert kept + source.characters_dropped == source.characters
    rows = report_rows(corpus)
    assert all(row["characters"] > 9000 for row in rows)
