"""Keyness: G² and log ratio against values worked out by hand from the formulas, and the key
terms of real reports."""

import math
from collections import Counter

import numpy as np
import pytest
from conftest import ROOT, SEED, SHIPPED_CONFIG
from gwr.keyness import critical_g2, g2, key_terms, log_ratio, matrix_of, p_value, significant_g2
from gwr.segment import segment_report, segmenter_from_config
from gwr.split import paragraph_records, report_rows, split_corpus
from gwr.structure import Settings
from keyness import documents, keyness_rows, part_characters


def by_hand_g2(a, b, c, d):
    """G² as Rayson and Garside (2000) write it, one term at a time (0 ln 0 = 0)."""
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    return 2 * sum(o * math.log(o / e) for o, e in ((a, e1), (b, e2)) if o)


@pytest.mark.parametrize(
    ("a", "b", "c", "d", "expected_g2", "expected_ratio"),
    [
        # a = 10 of c = 1,000 tokens against b = 20 of d = 9,000: E1 = 3, E2 = 27;
        # G² = 2 (10 ln(10/3) + 20 ln(20/27)) = 2 (12.039728 − 6.002092) = 12.075272;
        # log ratio = log2((10/1000) / (20/9000)) = log2(4.5) = 2.169925.
        (10, 20, 1000, 9000, 12.075272, 2.169925),
        # A term absent from the rest: b = 0 adds nothing to G², and is taken as 0.5 in the log
        # ratio. E1 = 5 · 1000 / 3000 = 5/3; G² = 2 · 5 ln(5 / (5/3)) = 10 ln 3 = 10.986123;
        # log ratio = log2((5/1000) / (0.5/2000)) = log2(20) = 4.321928.
        (5, 0, 1000, 2000, 10.986123, 4.321928),
        # The same relative frequency: G² 0, log ratio 0.
        (4, 8, 100, 200, 0.0, 0.0),
    ],
)
def test_g2_and_log_ratio_match_the_formulas_worked_by_hand(
    a, b, c, d, expected_g2, expected_ratio
):
    assert float(g2(a, b, c, d)) == pytest.approx(expected_g2, abs=1e-6)
    assert float(g2(a, b, c, d)) == pytest.approx(by_hand_g2(a, b, c, d), rel=1e-12)
    assert float(log_ratio(a, b, c, d)) == pytest.approx(expected_ratio, abs=1e-6)


def test_p_values_and_the_critical_values_of_chi_square():
    # χ² with one degree of freedom: 3.841 for p = 0.05, 6.635 for 0.01, 10.828 for 0.001.
    assert critical_g2(0.05) == pytest.approx(3.8415, abs=1e-4)
    assert critical_g2(0.001) == pytest.approx(10.8276, abs=1e-4)
    assert float(p_value(10.8276)) == pytest.approx(0.001, rel=1e-3)
    # scipy.special's functions are those scipy.stats.chi2 calls: the very same numbers.
    from scipy.stats import chi2

    values = np.array([0.0, 0.3, 3.84, 10.83, 57.5, 400.0])
    assert np.array_equal(p_value(values), chi2.sf(values, 1))
    assert all(critical_g2(p) == chi2.isf(p, 1) for p in (0.05, 0.01, 0.001, 1e-6))


def test_a_term_every_text_uses_is_never_a_key_term():
    import numpy as np

    texts = [
        Counter({"创新": 40, "海洋": 10}),
        Counter({"创新": 5, "草原": 12}),
        Counter({"创新": 5, "乡村": 12}),
    ]
    matrix, terms = matrix_of(texts)
    found = key_terms(matrix, terms, p_max=0.05, min_count=5, top_n=10)
    assert "创新" in [cell["term"] for cell in found[0]]  # over-represented in the first
    everywhere = np.asarray((matrix > 0).sum(axis=0)).ravel() > 0.9 * 3
    found = key_terms(matrix, terms, p_max=0.05, min_count=5, top_n=10, excluded=everywhere)
    assert "创新" not in [cell["term"] for cell in found[0]]
    assert "海洋" in [cell["term"] for cell in found[0]]


def test_key_terms_are_over_represented_significant_frequent_and_ranked():
    texts = [
        Counter({"低空经济": 30, "发展": 100, "新城": 6}),
        Counter({"海洋": 25, "发展": 100, "新城": 1}),
        Counter({"乡村": 20, "发展": 100, "新城": 1}),
    ]
    matrix, terms = matrix_of(texts)
    found = key_terms(matrix, terms, p_max=0.001, min_count=5, top_n=10)
    first = [cell["term"] for cell in found[0]]
    assert first[0] == "低空经济"
    assert "发展" not in first  # as frequent everywhere
    assert all(cell["p_value"] < 0.001 and cell["count"] >= 5 for cells in found for cell in cells)
    scores = [cell["g2"] for cell in found[0]]
    assert scores == sorted(scores, reverse=True)
    # The rest's count is the other texts' together.
    cell = found[0][0]
    assert (cell["count"], cell["count_rest"]) == (30, 0)
    # The full lists behind the top ones: the same G², and nothing not significant.
    full = significant_g2(matrix, p_max=0.001, min_count=5)
    column = terms.index("低空经济")
    assert full[0, column] == pytest.approx(cell["g2"])
    assert full[0, terms.index("发展")] == 0


@pytest.fixture(scope="module")
def seed_documents():
    """The seed split and segmented in-process: per (report, part) token counts and characters."""
    settings = Settings.from_params(SHIPPED_CONFIG["split"])
    corpus = split_corpus([str(SEED)], settings)
    segmenter, _ = segmenter_from_config(corpus, SHIPPED_CONFIG, ROOT, ROOT / ".cache" / "jieba")
    parts = SHIPPED_CONFIG["keyness"]["parts"]
    token_files, characters = [], {}
    for report in corpus.reports:
        records = paragraph_records(report)
        token_files.append((report.report_id, segment_report(records, segmenter, Counter())))
        characters[report.report_id] = part_characters(records, parts)
    return documents(token_files, parts), characters, report_rows(corpus), parts


def test_the_seed_s_key_terms(seed_documents):
    counts, characters, reports, parts = seed_documents
    rows = keyness_rows(counts, characters, reports, parts, SHIPPED_CONFIG["keyness"])
    by_report = {}
    for row in rows:
        if row["part"] == "all":
            by_report.setdefault(row["label"], []).append(row)
    assert set(by_report) == {"北京市", "东城区", "西城区"}
    # No key term is one all three reports use.
    used = {label: set() for label in by_report}
    for (report_id, part), counter in counts.items():
        if part == "all":
            used[next(r["label"] for r in reports if r["report_id"] == report_id)] |= set(counter)
    everywhere = set.intersection(*used.values())
    assert not {row["term"] for rows_ in by_report.values() for row in rows_} & everywhere
    for label, found in by_report.items():
        assert [row["rank"] for row in found] == list(range(1, len(found) + 1))
        for row in found:
            assert float(row["p_value"]) < SHIPPED_CONFIG["keyness"]["p_max"]
            assert row["count"] >= SHIPPED_CONFIG["keyness"]["min_count"]
            assert float(row["per_10k"]) > float(row["per_10k_rest"])
        assert found, label
    # Each part is compared with the same part of the others.
    assert {row["part"] for row in rows} <= {"all", *parts}
