"""Segmentation: dictionary harvesting, policy terms kept whole, filters, determinism."""

import re
from collections import Counter

import pytest
from conftest import ROOT, SEED
from gwr.dictionary import read_word_list
from gwr.jieba_setup import import_jieba
from gwr.segment import segment_report, segmenter_from_config, terms_kept_whole
from gwr.split import paragraph_records, split_corpus

EVAL_TERMS = read_word_list([ROOT / "tests" / "data" / "policy_terms_eval.txt"])


def make_segmenter(corpus, config, cache_dir):
    """The pipeline's segmenter for `corpus`, built as the workflow builds it."""
    return segmenter_from_config(corpus, config, ROOT, cache_dir)


@pytest.fixture(scope="module")
def seed(settings):
    return split_corpus([str(SEED)], settings)


@pytest.fixture(scope="module")
def seed_segmenter(seed, config, tmp_path_factory):
    return make_segmenter(seed, config, tmp_path_factory.mktemp("jieba"))


@pytest.fixture(scope="module")
def seed_tokens(seed, seed_segmenter):
    segmenter, _ = seed_segmenter
    dropped = Counter()
    tokens = {
        r.report_id: segment_report(paragraph_records(r), segmenter, dropped) for r in seed.reports
    }
    return tokens, dropped


def whole_share(paragraphs, cut) -> tuple[float, int]:
    found, whole, _ = terms_kept_whole(paragraphs, cut, EVAL_TERMS)
    return whole / found, found


def test_harvest_finds_glossary_and_quoted_terms(seed_segmenter):
    _, harvested = seed_segmenter
    by_source = {}
    for row in harvested:
        by_source.setdefault(row["source"], set()).add(row["term"])
    assert {"glossary", "quoted"} <= set(by_source)
    # Harvested terms are new to the dictionary: not shipped, not in jieba's own dictionary.
    assert any(len(term) >= 3 for term in by_source["quoted"])
    for row in harvested:
        assert 2 <= len(row["term"]) <= 10 and row["count"] >= 1


def test_policy_terms_come_out_whole_in_the_seed(seed, seed_segmenter):
    segmenter, _ = seed_segmenter
    jieba = import_jieba()
    paragraphs = [p.text for r in seed.reports for p in r.paragraphs]
    stock, found = whole_share(paragraphs, jieba.lcut)
    ours, _ = whole_share(paragraphs, lambda t: [w for w, _ in segmenter.cut(t)])
    assert found >= 50
    assert ours == 1.0, f"pipeline keeps {ours:.0%} of {found} occurrences whole"
    assert stock < 0.8


def test_special_characters_in_terms(seed_segmenter):
    segmenter, _ = seed_segmenter
    words = [w for w, _ in segmenter.cut("组建“马连道·数据街”合作发展联盟，实施“人工智能+”行动。")]
    assert "马连道·数据街" in words
    assert "人工智能+" in words


def test_stopwords_boilerplate_places_numbers_and_debris_are_gone(seed_tokens, config):
    tokens, dropped = seed_tokens
    stopwords = read_word_list(str(ROOT / p) for p in config["segment"]["stopwords"])
    all_tokens = Counter(t for records in tokens.values() for r in records for t in r["tokens"])
    assert not set(all_tokens) & stopwords
    for gone in (
        "推进",
        "加强",
        "坚持",
        "深入",
        "全面",
        "北京",
        "东城",
        "西城区",
        "阅读全文",
        "赏",
    ):
        assert gone not in all_tokens, gone
    assert not [t for t in all_tokens if re.match(r"^[\d.%]+$", t)]
    assert all(len(t) > 1 for t in all_tokens)
    reasons = Counter(reason for (_, _, reason) in dropped)
    assert {"stopword", "number", "place_name", "single_char"} <= set(reasons)
    for term in ("接诉即办", "城市更新", "营商环境"):
        assert all_tokens[term] > 0, term


def test_token_records_match_the_corpus_paragraphs(seed, seed_tokens):
    tokens, _ = seed_tokens
    for report in seed.reports:
        records = tokens[report.report_id]
        body = [p for p in paragraph_records(report) if p["part"] != "appendix"]
        assert [r["index"] for r in records] == [p["index"] for p in body]
        assert [r["part"] for r in records] == [p["part"] for p in body]
        for record in records:
            assert len(record["tokens"]) == len(record["tags"])


def test_segmentation_is_deterministic(seed, seed_segmenter, seed_tokens):
    segmenter, _ = seed_segmenter
    again = {
        r.report_id: segment_report(paragraph_records(r), segmenter, Counter())
        for r in seed.reports
    }
    assert again == seed_tokens[0]


def test_policy_terms_in_the_provinces(provinces, settings, config, tmp_path):
    corpus = split_corpus([str(p) for p in provinces], settings)
    segmenter, harvested = make_segmenter(corpus, config, tmp_path / "jieba")
    jieba = import_jieba()
    paragraphs = [p.text for r in corpus.reports for p in r.paragraphs]
    stock, found = whole_share(paragraphs, jieba.lcut)
    ours, _ = whole_share(paragraphs, lambda t: [w for w, _ in segmenter.cut(t)])
    assert found >= 300
    assert ours == 1.0, f"pipeline keeps {ours:.0%} of {found} occurrences whole"
    assert stock < 0.8
    assert any(row["source"] == "glossary" for row in harvested)
    stopwords = read_word_list(str(ROOT / path) for path in config["segment"]["stopwords"])
    dropped = Counter()
    kept = Counter(
        token
        for report in corpus.reports
        for record in segment_report(paragraph_records(report), segmenter, dropped)
        for token in record["tokens"]
    )
    assert not set(kept) & stopwords
    for gone in ("推进", "加强", "坚持", "深入", "全面", "各位代表", "安徽", "广西", "2025年"):
        assert gone not in kept, gone
    # Topical words that jieba's own tags would have dropped are kept (pos_overrides.txt).
    for topical in ("创新", "就业", "养老", "治理", "健康"):
        assert kept[topical] >= 30, topical


def test_collocations_are_sought_in_whole_reports_of_a_large_corpus():
    from gwr.dictionary import sample_reports

    reports = [[f"{n}号报告" * 20, "段落" * 40] for n in range(10)]  # 80 + 80 characters each
    assert sample_reports(reports, 10**6, seed=1) == reports  # a small corpus: all of it
    sample = sample_reports(reports, 500, seed=1)
    assert len(sample) == 4  # whole reports until 500 characters are reached (3 hold 480)
    assert sample == sorted(sample, key=reports.index)  # in corpus order
    assert sample == sample_reports(reports, 500, seed=1) != sample_reports(reports, 500, seed=2)
