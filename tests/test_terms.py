"""Term tables: frequencies, watched terms counted in the text, keywords in context."""

from collections import Counter

import pytest
from conftest import SEED, SHIPPED_CONFIG
from gwr.split import paragraph_records, report_rows, split_corpus
from gwr.structure import Settings
from terms import body, cited_terms, frequency_rows, kwic_rows, occurrences, watch_rows


@pytest.fixture(scope="module")
def seed():
    corpus = split_corpus([str(SEED)], Settings.from_params(SHIPPED_CONFIG["split"]))
    rows = {row["report_id"]: row for row in report_rows(corpus)}
    return {r.report_id: (rows[r.report_id], body(paragraph_records(r))) for r in corpus.reports}


def test_occurrences_overlap_and_count_inside_longer_words():
    assert list(occurrences("全国统一大市场和统一大市场", "统一大市场")) == [2, 8]
    assert list(occurrences("人工智能+行动，人工智能", "人工智能")) == [0, 8]
    assert list(occurrences("人工智能+行动，人工智能", "人工智能+")) == [0]


def test_watched_terms_are_counted_in_the_text_per_10k_characters(seed):
    report, paragraphs = seed["beijing-2024"]
    text = "".join(p["text"] for p in paragraphs)
    characters = len(text)
    assert characters == int(report["characters"])  # the body, as reports.csv counts it
    rows = {row["term"]: row for row in watch_rows(report, paragraphs, ["新质生产力"], characters)}
    count = text.count("新质生产力")
    assert count > 0 and rows["新质生产力"]["count"] == count
    assert float(rows["新质生产力"]["per_10k"]) == pytest.approx(count * 10_000 / characters, 1e-3)
    assert rows["新质生产力"]["label"] == "北京市"


def test_keywords_in_context_quote_the_text_around_each_occurrence(seed):
    report, paragraphs = seed["beijing-dongcheng-2024"]
    rows = list(kwic_rows(report, paragraphs, ["文化"], width=10, per_term=3))
    assert len(rows) == 3
    by_index = {p["index"]: p for p in paragraphs}
    for row in rows:
        text = by_index[row["index"]]["text"]
        assert row["left"] + row["match"] + row["right"] in text
        assert row["match"] == "文化" and len(row["left"]) <= 10 and len(row["right"]) <= 10
        assert row["section"] == " / ".join(by_index[row["index"]]["section"])
    # In reading order.
    assert [row["index"] for row in rows] == sorted(row["index"] for row in rows)


def test_frequencies_are_long_form_most_frequent_first():
    report = {"report_id": "x-2025", "label": "某地"}
    rows = list(frequency_rows(report, Counter({"创新": 3, "改革": 3, "开放": 5}), 10_000))
    assert [(row["term"], row["count"], row["per_10k"]) for row in rows] == [
        ("开放", 5, "5.000"),
        ("创新", 3, "3.000"),
        ("改革", 3, "3.000"),
    ]


def test_cited_terms_are_each_report_s_top_key_terms():
    keyness = [
        {"report_id": "a", "part": "all", "rank": "1", "term": "海洋"},
        {"report_id": "a", "part": "all", "rank": "2", "term": "港口"},
        {"report_id": "a", "part": "review", "rank": "1", "term": "渔业"},
        {"report_id": "b", "part": "all", "rank": "1", "term": "草原"},
    ]
    assert cited_terms(keyness, 1) == {"a": ["海洋"], "b": ["草原"]}
