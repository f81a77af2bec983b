"""The splitter on the bundled Beijing compendium (seeds/)."""

import re

import pytest
from conftest import SEED
from gwr.readers import decode_text
from gwr.split import Settings, match_toc, paragraph_records, split_corpus
from gwr.text import split_lines


@pytest.fixture(scope="module")
def corpus(settings):
    return split_corpus([str(SEED)], settings)


def test_exactly_three_reports_of_2024(corpus):
    headers = [
        (r.header.region, r.header.parent, r.header.level, r.header.year) for r in corpus.reports
    ]
    assert headers == [
        ("北京市", "", "province", 2024),
        ("东城区", "北京市", "district", 2024),
        ("西城区", "北京市", "district", 2024),
    ]


def test_dates_and_speakers_come_from_the_text(corpus):
    # Read in the text: "二〇二四年一月二十一日在北京市第十六届…", "北京市市长 殷勇",
    # "——2024年1月9日在北京市东城区第十七届", "北京市东城区人民政府区长  周金星".
    got = [(r.header.session_date, r.header.speaker) for r in corpus.reports]
    assert got == [
        ("2024-01-21", "市长 殷勇"),
        ("2024-01-09", "区长 周金星"),
        ("2024-01-09", "区长 刘东伟"),
    ]


def test_report_ids_are_ascii_unique_and_wildcard_safe(corpus):
    ids = [r.report_id for r in corpus.reports]
    assert len(set(ids)) == 3
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert ids == ["beijing-2024", "beijing-dongcheng-2024", "beijing-xicheng-2024"]


def test_each_body_runs_from_the_opening_to_the_closing_appeal(corpus):
    for report in corpus.reports:
        first, last = report.paragraphs[0], report.paragraphs[-1]
        assert first.text.startswith("各位代表"), report.report_id
        assert "现在，我代表" in first.text
        assert first.part == "opening"
        assert last.part == "closing"
        assert last.text.startswith("各位代表")
        assert "让我们" in last.text  # the closing appeal
        # Title, session and speaker lines stay out of the body.
        body = "".join(p.text for p in report.paragraphs)
        assert "政府工作报告" not in body[:20]
        assert "人民代表大会第" not in first.text


def test_parts_sections_and_headings(corpus):
    for report in corpus.reports:
        parts = [p.part for p in report.paragraphs]
        assert parts[0] == "opening" and parts[-1] == "closing"
        assert {"review", "plans", "government"} <= set(parts)
        # The review comes before the plans.
        assert parts.index("review") < parts.index("plans")
        top = [p.text for p in report.paragraphs if p.heading == 1]
        assert top[0].startswith("一、2023年")
        assert top[1].startswith("二、2024年")
    dongcheng = corpus.reports[1]
    conduct = [
        p
        for p in dongcheng.paragraphs
        if p.section[-1:] == ("（七）突出实干为先，加强政府自身建设",)
    ]
    assert conduct and all(p.part == "government" for p in conduct)
    plans = [p for p in dongcheng.paragraphs if p.part == "plans" and not p.heading]
    assert all(p.section[0] == "二、2024年工作安排" for p in plans)


def test_glossary_of_xicheng_has_46_entries_kept_out_of_the_body(corpus):
    xicheng = corpus.reports[2]
    assert [entry["number"] for entry in xicheng.glossary] == list(range(1, 47))
    terms = {entry["term"] for entry in xicheng.glossary}
    assert "红墙先锋工程" in terms
    assert "西有马连道" in terms
    assert all(p.part == "appendix" for p in xicheng.appendix)
    assert xicheng.appendix[0].text == "名词解释"
    body = "".join(p.text for p in xicheng.paragraphs)
    assert "名词解释" not in body
    assert sum(len(r.glossary) for r in corpus.reports) == 46


def test_table_of_contents_lists_17_and_three_are_found(corpus):
    rows = match_toc(corpus)
    assert len(rows) == 17
    assert rows[0]["listed_region"] == "北京市" and rows[0]["page"] == "1"
    found = [row["listed_region"] for row in rows if row["found"] == "yes"]
    assert found == ["北京市", "东城区", "西城区"]
    missing = [row["listed_region"] for row in rows if row["found"] == "no"]
    assert len(missing) == 14 and missing[0] == "朝阳区" and missing[-1] == "延庆区"


def test_web_debris_is_dropped_and_listed(corpus):
    source = corpus.sources[0]
    dropped = {row["text"].strip(): row["reason"] for row in source.dropped}
    for debris in ("阅读全文", "赏赞", "¥6.66", "分享:", "联系客服", "关于本文"):
        assert dropped.get(debris) == "web_debris", debris
    assert dropped["北京市及所属各区2024年政府工作报告汇编"] == "outside_report"
    toc_lines = [row for row in source.dropped if row["reason"] == "table_of_contents"]
    assert len(toc_lines) == 17
    text = "".join(p["text"] for r in corpus.reports for p in paragraph_records(r))
    for debris in ("阅读全文", "赏赞", "¥", "bibiwenku", "扫一扫"):
        assert debris not in text


def test_characters_kept_plus_dropped_equal_characters_read(corpus):
    data = SEED.read_bytes()
    text, encoding, _ = decode_text(data, str(SEED), ("utf-8",))
    read = sum(len(line) for line in split_lines(text))
    source = corpus.sources[0]
    kept = sum(r.source_characters for r in corpus.reports)
    assert source.characters == read
    assert kept + source.characters_dropped == read
    assert kept > 0.9 * read


def test_text_is_normalised(corpus):
    text = "".join(p.text for r in corpus.reports for p in r.paragraphs)
    # The seed writes ASCII commas and colons; the corpus uses Chinese punctuation.
    assert "," not in re.sub(r"\d,\d", "", text)
    assert "(" not in text and ")" not in text
    assert "\u00a0" not in text and "\u3000" not in text
    titles = [r.title for r in corpus.reports]
    assert titles[1] == "政府工作报告"  # letter-spaced in the source: "政 府 工 作 报 告"


def test_splitting_is_deterministic(settings):
    first = split_corpus([str(SEED)], settings)
    second = split_corpus([str(SEED)], Settings.from_params(dict(settings.__dict__)))
    assert [paragraph_records(r) for r in first.reports] == [
        paragraph_records(r) for r in second.reports
    ]
