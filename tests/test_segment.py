"""Segmentation: dictionary harvesting, policy terms kept whole, filters, determinism."""

import re
from collections import Counter

import pytest
from conftest import ROOT, SEED
from gwr.dictionary import read_term_file, read_word_list
from gwr.jieba_setup import import_jieba
from gwr.segment import (
    ENUMERATION,
    NUMERAL_CHARS,
    count_fragments,
    is_fragment,
    segment_report,
    segmenter_from_config,
    terms_kept_whole,
)
from gwr.split import paragraph_records, read_manifest, split_corpus

EVAL_TERMS = read_word_list([ROOT / "tests" / "data" / "policy_terms_eval.txt"])
NATIONAL = ROOT.parent / "shared" / "corpora" / "national-1954-2022"


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
    assert {"stopword", "number", "place_name", "single_char", "fragment", "enumeration"} <= set(
        reasons
    )
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


# --- No fragments or enumeration markers reach the models ---------------------------------------


def body_paragraphs(corpus, config) -> list[str]:
    parts = config["segment"]["parts"]
    return [
        record["text"]
        for report in corpus.reports
        for record in paragraph_records(report)
        if record["part"] in parts
    ]


def assert_no_fragments(segmenter, paragraphs, kinds_before=("enumeration", "function_char")):
    """No kept token is a fragment (gwr.segment.fragment_kind, the issue's definition); with the
    filter off the measure finds them (it is not blind); nothing else changes."""
    unfiltered = segmenter.with_fragments_dropped(False)
    before = count_fragments(unfiltered, paragraphs)
    assert set(kinds_before) <= {kind for _, _, kind in before}, before.most_common(10)
    after = count_fragments(segmenter, paragraphs)
    assert not after, f"{sum(after.values())} fragments kept: {after.most_common(10)}"
    for text in paragraphs:
        old, new = unfiltered.decisions(text), segmenter.decisions(text)
        assert [w for w, _, r in new if r is None] == segmenter.segment(text, Counter())[0]
        for (word, _, was), (same, _, now) in zip(old, new, strict=True):
            assert word == same  # the cut is the same
            if (was is None) != (now is None):  # kept before, dropped now: only as a fragment
                assert was is None and now in ("fragment", "enumeration"), (word, was, now)


def test_no_fragments_in_the_seed(seed, seed_segmenter, seed_tokens, config):
    segmenter, _ = seed_segmenter
    assert_no_fragments(segmenter, body_paragraphs(seed, config))
    # The token records, checked with jieba's dictionary file instead of the segmenter's tables.
    tokens, _ = seed_tokens
    kept = {t for records in tokens.values() for r in records for t in r["tokens"]}
    assert not [t for t in kept if is_fragment(t, known=segmenter.terms)]


def test_is_fragment_out_of_context():
    for piece in ("一仗", "一关", "之心", "之战", "以学", "这是", "多为", "三要", "二要", "二是"):
        assert is_fragment(piece), piece
    assert is_fragment("号线", previous="1") and is_fragment("条超", previous="10")
    for word in ("十四五", "两新", "一带一路", "三农", "两个确立", "一体化", "城市更新", "号线"):
        assert not is_fragment(word), word
    assert not is_fragment("北交所", known={"北交所"})


def test_no_fragments_in_the_provinces(provinces, settings, config, tmp_path):
    corpus = split_corpus([str(p) for p in provinces], settings)
    segmenter, _ = make_segmenter(corpus, config, tmp_path / "jieba")
    kinds = ("enumeration", "function_char", "numeral", "measure_word")
    assert_no_fragments(segmenter, body_paragraphs(corpus, config), kinds)


def test_no_fragments_in_the_national_series(settings, config, tmp_path):
    files = sorted(NATIONAL.glob("*.txt"))
    if len(files) != 49 or not (NATIONAL / "manifest.csv").exists():
        pytest.skip(f"the national series is not at {NATIONAL} (../shared is absent)")
    corpus = split_corpus(
        [str(f) for f in files], settings, read_manifest(str(NATIONAL / "manifest.csv"))
    )
    segmenter, _ = make_segmenter(corpus, config, tmp_path / "jieba")
    kinds = ("enumeration", "function_char", "numeral", "measure_word")
    assert_no_fragments(segmenter, body_paragraphs(corpus, config), kinds)


def test_fragments_and_enumeration_markers_are_dropped_with_a_reason(seed_segmenter):
    segmenter, _ = seed_segmenter
    text = (
        "一要坚持稳中求进，二要扩大有效需求，三要深化改革开放。一是加快城市更新，二是推进乡村振兴。"
        "第一，坚持党的领导。地铁17号线开通，31个省。这是打好这一仗的关键，怀为民之心，以学铸魂，"
        "多为群众办实事。"
    )
    dropped = Counter()
    kept, _ = segmenter.segment(text, dropped)
    reasons = {token: reason for token, _, reason in dropped}
    for marker in ("二要", "三要", "一是", "二是", "第一"):
        assert reasons.get(marker) == "enumeration", marker
    for piece in ("号线", "个省", "一仗", "之心", "以学", "多为"):
        assert reasons.get(piece) == "fragment", piece
    assert not [t for t in kept if ENUMERATION.match(t)]
    assert {"城市更新", "乡村振兴", "稳中求进", "铸魂"} <= set(kept)
    # Without the filter, jieba's HMM guesses would have been kept.
    unfiltered, _ = segmenter.with_fragments_dropped(False).segment(text, Counter())
    assert {"二要", "一是", "号线", "一仗", "之心", "以学"} <= set(unfiltered)


def test_dictionary_terms_with_numerals_stay_whole_and_kept(seed, seed_segmenter, config):
    segmenter, _ = seed_segmenter
    text = (
        "编制“十四五”规划，深刻领悟“两个确立”的决定性意义，推进“两新”工作，共建“一带一路”，"
        "做好三农工作。"
    )
    kept, _ = segmenter.segment(text, Counter())
    assert {"十四五", "两个确立", "两新", "一带一路", "三农"} <= set(kept)
    # Every shipped term with a numeral or a function character, in the seed: whole and kept.
    at_risk = {
        term
        for path in config["dictionary"]["files"]
        for term, _, _ in read_term_file(str(ROOT / path))
        if not (NUMERAL_CHARS.isdisjoint(term) and segmenter.function_chars.isdisjoint(term))
    }
    paragraphs = body_paragraphs(seed, config)
    found, whole, present = terms_kept_whole(
        paragraphs, lambda t: [w for w, _ in segmenter.cut(t)], at_risk
    )
    assert found >= 100 and whole == found
    assert {"十四五", "两个确立", "一带一路"} <= present
    kept = Counter(
        word for text in paragraphs for word, _, r in segmenter.decisions(text) if r is None
    )
    dropped_terms = {
        word
        for text in paragraphs
        for word, _, r in segmenter.decisions(text)
        if r is not None and word in at_risk
    }
    assert not dropped_terms
    assert all(kept[term] > 0 for term in ("十四五", "两个确立", "一带一路"))


def test_place_names_of_the_gazetteer_are_kept_out_of_the_tokens_but_listed(
    seed, seed_segmenter, config, tmp_path_factory
):
    from gwr.places import gazetteer_place_names

    places = gazetteer_place_names(ROOT / config["segment"]["gazetteer"])
    assert config["segment"]["place_names"] == "all"
    records = [
        record
        for report in seed.reports
        for record in segment_report(paragraph_records(report), seed_segmenter[0], Counter())
    ]
    kept = [token for record in records for token in record["tokens"]]
    listed = [name for record in records for name in record["places"]]
    assert not set(kept) & places
    assert {"通州", "朝阳"} & set(listed)  # districts of Beijing the seed names
    # Ordinary words that are also short forms of counties stay words (the rule keeps them out).
    assert not {"振兴", "和平", "新城"} & places
    # `corpus`: only the corpus's own regions are kept out; the other places are tokens again.
    corpus_only = make_segmenter(
        seed,
        {**config, "segment": {**config["segment"], "place_names": "corpus"}},
        tmp_path_factory.mktemp("jieba-corpus"),
    )[0]
    tokens = {
        token
        for report in seed.reports
        for record in segment_report(paragraph_records(report), corpus_only, Counter())
        for token in record["tokens"]
    }
    assert tokens & places
