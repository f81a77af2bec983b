"""Similarity between regions: the matrices, the ranks, and the reasons given for a pair.

Built from the real texts of the seed, with the shipped policy terms as a cheap stand-in for jieba
(as in test_figures.py); to have many regions, the seed's paragraphs are also dealt out, in
reading order, into PSEUDO_REPORTS reports of their own. Each fast path is checked against the
plain computation it replaced, and the work done per pair against the pairs actually listed.
"""

import csv
import io
import re

import numpy as np
import pytest
import similarity
from conftest import ROOT, SEED, SHIPPED_CONFIG
from gwr.io import csv_text

TFIDF = SHIPPED_CONFIG["tfidf"]
TOPICS = 8
PSEUDO_REPORTS = 30
# The shipped similarity settings (their keys, as the rule receives them).
SETTINGS = {
    key: value
    for key, value in SHIPPED_CONFIG["similarity"].items()
    if not key.startswith("common_")
}


def policy_term_pattern() -> re.Pattern:
    lines = (ROOT / "config" / "dictionary" / "policy_terms.txt").read_text("utf-8").splitlines()
    terms = {line.split()[0] for line in lines if line.strip() and not line.startswith("#")}
    return re.compile("|".join(map(re.escape, sorted(terms, key=len, reverse=True))))


class Corpus:
    """Reports' rows, paragraphs and tokens, TF-IDF and topic-like shares: similarity's inputs."""

    def __init__(self, reports: list[dict], paragraphs: dict[str, list[dict]]):
        from tfidf import run as run_tfidf

        pattern = policy_term_pattern()
        self.reports = reports
        self.paragraphs = paragraphs
        self.token_files = [
            (
                report_id,
                [
                    {"index": p["index"], "part": p["part"], "tokens": pattern.findall(p["text"])}
                    for p in records
                ],
            )
            for report_id, records in paragraphs.items()
        ]
        by_id = {row["report_id"]: row for row in reports}
        _, _, matrix, terms, ids = run_tfidf(self.token_files, by_id, TFIDF)
        self.tfidf = (matrix, list(terms), ids)
        counts = np.array(
            [[t.sum() for t in np.array_split(row, TOPICS)] for row in matrix.toarray() > 0]
        )
        shares = (counts + 1.0) / (counts + 1.0).sum(axis=1, keepdims=True)
        self.shares_rows = [
            {
                "report_id": report_id,
                "label": by_id[report_id]["label"],
                **{f"topic_{k + 1}": f"{v:.6f}" for k, v in enumerate(row)},
            }
            for report_id, row in zip(ids, shares, strict=True)
        ]

    def texts(self, report_id: str) -> list[dict]:
        return self.paragraphs[report_id]

    def compute(self, settings=SETTINGS, token_files=None, texts=None, common=frozenset()):
        return similarity.compute(
            self.reports,
            self.tfidf,
            self.shares_rows,
            self.token_files if token_files is None else token_files,
            self.texts if texts is None else texts,
            settings,
            common,
        )


def body(records: list[dict]) -> list[dict]:
    return [p for p in records if p["part"] != "appendix"]


@pytest.fixture(scope="module")
def seed(settings):
    from gwr.split import paragraph_records, report_rows, split_corpus

    corpus = split_corpus([str(SEED)], settings)
    paragraphs = {r.report_id: body(paragraph_records(r)) for r in corpus.reports}
    return Corpus(report_rows(corpus), paragraphs)


@pytest.fixture(scope="module")
def many(seed):
    """PSEUDO_REPORTS reports, each a run of the seed's real paragraphs (in reading order)."""
    records = [p for report in seed.paragraphs.values() for p in report]
    paragraphs, reports = {}, []
    for number, run in enumerate(np.array_split(np.arange(len(records)), PSEUDO_REPORTS)):
        report_id = f"pseudo-{number + 1:02d}"
        paragraphs[report_id] = [dict(records[i], index=k) for k, i in enumerate(run)]
        region = f"地区{number + 1:02d}"
        reports.append(
            {"report_id": report_id, "label": region, "region": region, "parent": "", "year": ""}
        )
    return Corpus(reports, paragraphs)


# --- Reference computations: what similarity.py did before it was made to scale ----------------


def reference_ranks(matrix, higher_is_closer):
    i, j = np.triu_indices(len(matrix), k=1)
    values = matrix[i, j]
    order = np.lexsort((j, i, -values if higher_is_closer else values))
    return {(int(i[o]), int(j[o])): rank for rank, o in enumerate(order, start=1)}


def reference_shared_terms(counts, terms, a, b, n, p_max, min_count):
    """Terms over-represented in both reports against the rest (every other report), worked
    out one term at a time from the formula."""
    from gwr.keyness import critical_g2

    dense = counts.toarray()
    rest_rows = [r for r in range(dense.shape[0]) if r not in (a, b)]
    rest, rest_size = dense[rest_rows].sum(axis=0), dense[rest_rows].sum()

    def key(row, t):
        count, size = dense[row, t], dense[row].sum()
        if count < min_count or count / size <= rest[t] / rest_size:
            return 0.0
        total = size + rest_size
        e1, e2 = size * (count + rest[t]) / total, rest_size * (count + rest[t]) / total
        score = 2 * sum(o * np.log(o / e) for o, e in ((count, e1), (rest[t], e2)) if o)
        return score if score >= critical_g2(p_max) else 0.0

    both = [(min(key(a, t), key(b, t)), terms[t]) for t in range(dense.shape[1])]
    ranked = sorted((item for item in both if item[0] > 0), key=lambda x: (-round(x[0], 9), x[1]))
    return [term for _, term in ranked[:n]]


# --- Tests -----------------------------------------------------------------------------------


def test_matrices_in_blocks_equal_the_pairwise_computation(many, monkeypatch):
    from scipy.spatial.distance import jensenshannon

    monkeypatch.setattr(similarity, "BLOCK_VALUES", 50)  # many blocks of a few rows
    shares = np.array(
        [[float(v) for k, v in r.items() if k.startswith("topic_")] for r in many.shares_rows]
    )
    n = len(shares)
    jsd = similarity.jsd_matrix(shares)
    hellinger = similarity.hellinger_matrix(shares)
    for i in range(n):
        for j in range(n):
            expected = 0.0 if i == j else jensenshannon(shares[i], shares[j], base=2)
            assert jsd[i, j] == expected, (i, j)
            roots = np.sqrt(shares[i]) - np.sqrt(shares[j])
            assert hellinger[i, j] == np.sqrt(0.5 * (roots**2).sum()), (i, j)


def test_ranks_are_ranks_among_all_pairs_ties_first_come_first(many):
    cosine = similarity.cosine_matrix(many.tfidf[0])
    cosine[2, 5] = cosine[5, 2] = cosine[1, 7] = cosine[7, 1] = 0.5  # a tie
    for higher in (True, False):
        expected = reference_ranks(cosine, higher)
        ranks = similarity.pair_ranks(cosine, higher)
        pairs = list(expected)
        at = similarity.pair_index(len(cosine), [a for a, _ in pairs], [b for _, b in pairs])
        assert ranks[at].tolist() == [expected[pair] for pair in pairs]
        assert sorted(ranks.tolist()) == list(range(1, len(pairs) + 1))


def test_shared_terms_are_distinctive_of_both_as_the_formula_says(many):
    from collections import Counter

    from gwr.keyness import matrix_of

    counters = [Counter(t for r in records for t in r["tokens"]) for _, records in many.token_files]
    counts, terms = matrix_of(counters)
    # Looser than the shipped settings: the small pseudo-reports then share some terms.
    p_max, min_count = 0.05, 2
    pair_terms = similarity.PairTerms(counts, terms, p_max, min_count)
    found_any = False
    for a in range(counts.shape[0]):
        for b in range(a + 1, counts.shape[0]):
            for n in (1, 8):
                expected = reference_shared_terms(counts, terms, a, b, n, p_max, min_count)
                assert similarity.distinctive_shared(pair_terms, a, b, n) == expected
                found_any |= bool(expected)
    assert found_any


def test_best_paragraphs_in_blocks_equal_one_pair_at_a_time(many, monkeypatch):
    index = similarity.ParagraphIndex(iter(many.token_files), SETTINGS["min_paragraph_tokens"])
    ids = [row["report_id"] for row in many.reports]

    def one_pair(a, b, count):
        rows_a, rows_b = index.rows[a], index.rows[b]
        values = (index.matrix[list(rows_a)] @ index.matrix[list(rows_b)].T).toarray()
        best = []
        for _ in range(min(count, *values.shape)):
            i, k = np.unravel_index(int(np.argmax(values)), values.shape)
            if best and values[i, k] <= 0:
                break
            best.append((index.keys[rows_a[i]], index.keys[rows_b[k]], float(values[i, k])))
            values[i, :] = values[:, k] = -1
        return best

    monkeypatch.setattr(similarity, "BLOCK_VALUES", 200)  # a few partners per product
    for count in (1, 3):
        for a in ids[:5]:
            found = index.best_pairs(a, ids[5:], count)
            assert found == {b: one_pair(a, b, count) for b in ids[5:]}
            for pairs in found.values():
                # No paragraph twice, best first.
                assert len({p[0] for p in pairs}) == len(pairs) == len({p[1] for p in pairs})
                assert [p[2] for p in pairs] == sorted((p[2] for p in pairs), reverse=True)


def test_per_pair_work_is_done_for_the_listed_pairs_only(many, monkeypatch):
    settings = {**SETTINGS, "all_pairs_max": 5, "neighbours": 2}
    n = len(many.reports)
    shared_calls, paragraph_calls, text_calls = [], [], []
    original_shared = similarity.distinctive_shared
    original_best = similarity.ParagraphIndex.best_pairs

    def counting_shared(pair_terms, a, b, count):
        shared_calls.append((a, b))
        return original_shared(pair_terms, a, b, count)

    def counting_best(self, report_a, partners, count=1):
        paragraph_calls.extend((report_a, b) for b in partners)
        return original_best(self, report_a, partners, count)

    def counting_texts(report_id):
        text_calls.append(report_id)
        return many.texts(report_id)

    monkeypatch.setattr(similarity, "distinctive_shared", counting_shared)
    monkeypatch.setattr(similarity.ParagraphIndex, "best_pairs", counting_best)
    # Tokens are read once, as they come: a generator will do.
    tokens = (item for item in many.token_files)
    labels, matrices, rows, *_ = many.compute(settings, tokens, counting_texts)

    pairs = similarity.selected_pairs(matrices["tfidf_cosine"], settings)
    listed = {(row["report_id_a"], row["report_id_b"]) for row in rows}
    assert len(rows) == len(pairs) < n * (n - 1) // 2 / 3
    ids = [row["report_id"] for row in many.reports]
    assert sorted(shared_calls) == pairs
    assert sorted(paragraph_calls) == sorted(listed) == sorted((ids[a], ids[b]) for a, b in pairs)
    quoted = {row["report_id_a"] for row in rows if row["paragraph_a"]}
    quoted |= {row["report_id_b"] for row in rows if row["paragraph_b"]}
    assert set(text_calls) >= quoted and len(text_calls) == len(set(text_calls))
    # Each region's nearest neighbours are among its pairs, with ranks among all pairs.
    ranks = [row["tfidf_cosine_rank"] for row in rows]
    assert ranks == sorted(ranks) and ranks[0] == 1 and max(ranks) <= n * (n - 1) // 2


def test_the_seed_lists_every_pair_with_its_reasons(seed):
    labels, matrices, rows, paragraph_rows, nearest, agreement = seed.compute()
    assert labels == ["北京市", "东城区", "西城区"]
    assert len(rows) == 3 and [row["tfidf_cosine_rank"] for row in rows] == [1, 2, 3]
    for row in rows:
        a, b = labels.index(row["label_a"]), labels.index(row["label_b"])
        assert row["tfidf_cosine"] == f"{matrices['tfidf_cosine'][a, b]:.6f}"
        assert row["paragraph_a"] and row["paragraph_b"]
        assert float(row["paragraph_similarity"]) > 0
    assert any(row["shared_terms"] for row in rows)
    # Up to paragraph_pairs pairs of paragraphs per pair of reports, the first as in pairs.csv.
    for row in rows:
        key = (row["label_a"], row["label_b"])
        listed = [p for p in paragraph_rows if (p["label_a"], p["label_b"]) == key]
        assert 1 <= len(listed) <= SETTINGS["paragraph_pairs"]
        assert listed[0]["text_a"] == row["paragraph_a"] and listed[0]["rank"] == 1
    # Each report's nearest neighbour by each measure, and how the measures agree.
    assert len(nearest) == 3 * len(matrices)
    assert {(r["measure_a"], r["measure_b"]) for r in agreement} == {
        ("tfidf_cosine", "topic_jsd"),
        ("tfidf_cosine", "topic_hellinger"),
        ("topic_jsd", "topic_hellinger"),
    }


def test_common_paragraphs_are_never_offered_as_a_reason(seed):
    from gwr.common_text import common_paragraphs

    found = common_paragraphs(seed.paragraphs, {**SHIPPED_CONFIG["similarity"]})
    common = {(row["report_id"], row["index"]) for row in found}
    texts = {
        (i, p["index"]): p["text"] for i, paragraphs in seed.paragraphs.items() for p in paragraphs
    }
    # The yearly formula (今年政府工作的总体要求是…) is common to the three reports.
    assert sum("总体要求是" in texts[key][:40] for key in common) >= 2
    _, _, rows, paragraph_rows, _, _ = seed.compute(common=common)
    for row in paragraph_rows:
        assert (row["report_id_a"], row["index_a"]) not in common
        assert (row["report_id_b"], row["index_b"]) not in common


def test_no_paragraph_long_enough_leaves_the_reasons_blank(seed):
    labels, _, rows, *_ = seed.compute({**SETTINGS, "min_paragraph_tokens": 10**6})
    assert len(rows) == 3 and not any(row.get("paragraph_a") for row in rows)


def test_matrix_files_have_the_bytes_of_the_csv_module(tmp_path):
    labels = ["甲", 'a,"b"', "乙"]
    matrix = np.array([[1.0, 0.1234564, 1 / 3], [0.1234564, 1.0, 2e-7], [1 / 3, 2e-7, 1.0]])
    target = tmp_path / "m.csv"
    similarity.write_matrix(target, matrix, labels)
    expected = csv_text(
        ["label", *labels],
        [[label, *(f"{v:.6f}" for v in row)] for label, row in zip(labels, matrix, strict=True)],
    )
    assert target.read_bytes() == expected.encode("utf-8-sig")
    table = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    assert table[2][0] == 'a,"b"' and table[1][2] == "0.123456"
