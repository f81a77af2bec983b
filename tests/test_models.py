"""TF-IDF and LDA: the pure functions, and the rule for choosing K."""

import numpy as np
import pytest
from gwr.io import InputError
from lda_choose import (
    choose_k,
    label_words,
    named_labels,
    plain_reason,
    relevance_ranking,
    runner_up,
    seed_choices,
    shared_terms,
)
from lda_prepare import build_documents, prepare, sample_indices, write_corpus
from lda_shares import bootstrap_interval, halves_check, share_tables
from lda_sweep import effective_passes, matched_similarity, screen_reasons, screening, sweep
from tfidf import run as run_tfidf

TFIDF = {
    "top_n": 5,
    "parts": ["review", "plans"],
    "sublinear_tf": True,
    "smooth_idf": True,
    "norm": "l2",
    "min_df": 1,
    "max_df": 1.0,
}


def token_files():
    def record(index, part, tokens, section=()):
        return {
            "index": index,
            "part": part,
            "section": list(section),
            "tokens": tokens,
            "tags": ["n"] * len(tokens),
        }

    return [
        (
            "a",
            [
                record(0, "review", ["养老", "养老", "医疗", "教育"], ["一、回顾"]),
                record(1, "plans", ["金融"], ["二、任务", "（一）金融"]),
            ],
        ),
        (
            "b",
            [
                record(0, "review", ["金融", "金融", "教育"], ["一、回顾"]),
                record(1, "plans", ["科技", "教育"], ["一、回顾"]),
            ],
        ),
        ("c", [record(0, "plans", ["教育", "文化", "文化"])]),
    ]


def test_tfidf_ranks_distinctive_terms_first():
    reports = {"a": {"report_id": "a", "label": "甲区", "region": "甲区"}}
    rows, part_rows, matrix, terms, ids = run_tfidf(token_files(), reports, TFIDF)
    assert ids == ["a", "b", "c"] and matrix.shape == (3, len(terms))
    assert np.allclose(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel(), 1.0)
    top = {r["report_id"]: r["term"] for r in rows if r["rank"] == 1}
    assert top == {"a": "养老", "b": "金融", "c": "文化"}
    assert all(r["label"] == r["region"] == "甲区" for r in rows if r["report_id"] == "a")
    for report_id in ("a", "b", "c"):
        scores = [float(r["tfidf"]) for r in rows if r["report_id"] == report_id]
        assert scores == sorted(scores, reverse=True)
    # 教育 is in every report: lowest IDF, ranked after the report's own terms.
    a_terms = [r["term"] for r in rows if r["report_id"] == "a"]
    assert a_terms.index("教育") > a_terms.index("医疗")
    assert {(r["report_id"], r["part"]) for r in part_rows} == {
        ("a", "review"),
        ("a", "plans"),
        ("b", "review"),
        ("b", "plans"),
        ("c", "plans"),
    }


def test_documents_by_unit():
    files = token_files()
    paragraphs = build_documents(files, "paragraph")
    assert [(d["report_id"], d["unit"], d["index"], d["section"]) for d in paragraphs] == [
        ("a", "0", 0, "一、回顾"),
        ("a", "1", 1, "二、任务 / （一）金融"),
        ("b", "0", 0, "一、回顾"),
        ("b", "1", 1, "一、回顾"),
        ("c", "0", 0, ""),
    ]
    reports = build_documents(files, "report")
    assert [(d["unit"], d["index"], d["section"]) for d in reports] == [("report", "", "")] * 3
    # Sections come from the token records; paragraphs before any heading: their part.
    documents = build_documents(files, "section")
    assert [(d["report_id"], d["unit"], d["index"], d["section"]) for d in documents] == [
        ("a", "一、回顾", "", "一、回顾"),
        ("a", "二、任务 / （一）金融", "", "二、任务 / （一）金融"),
        ("b", "一、回顾", "", "一、回顾"),
        ("c", "plans", "", ""),
    ]
    assert documents[2]["tokens"] == ["金融", "金融", "教育", "科技", "教育"]


def summary(npmi, sd, diversity=0.8, stability=0.6, k=None):
    return {
        "k": k,
        "seeds": [1, 2, 3],
        "stability": stability,
        "summary": {"c_npmi": {"mean": npmi, "sd": sd}, "topic_diversity": {"mean": diversity}},
    }


CHOICE = {"k_choice": "auto", "min_topic_diversity": 0.5, "min_stability": 0.3}


def test_choose_k_takes_the_smallest_k_within_one_spread_of_the_best():
    metrics = [
        dict(summary(-0.10, 0.01), k=4),
        dict(summary(-0.05, 0.02), k=8),
        dict(summary(-0.04, 0.02), k=12),
        dict(summary(-0.01, 0.01, diversity=0.3), k=16),  # best, but topics overlap: not eligible
    ]
    k, reason = choose_k(metrics, CHOICE)
    assert k == 8
    assert "K=12" in reason and "K=8" in reason
    assert choose_k(metrics, dict(CHOICE, k_choice=16))[0] == 16
    with pytest.raises(InputError, match="not in lda.k"):
        choose_k(metrics, dict(CHOICE, k_choice=5))
    # No K passes the floors: all are considered, and the reason says so.
    k, reason = choose_k(metrics, dict(CHOICE, min_stability=0.9))
    assert k == 16 and "all K considered" in reason


def with_seeds(metrics, per_seed):
    """`metrics` with each seed's own c_npmi (per_seed: {k: [npmi of seed 1, 2, 3]})."""
    return [
        {
            **m,
            "seeds": [
                {"seed": seed, "c_npmi": npmi, "topic_diversity": 0.8}
                for seed, npmi in enumerate(per_seed[m["k"]], start=1)
            ],
        }
        for m in metrics
    ]


def test_each_seed_alone_and_the_runner_up_say_how_fragile_k_is():
    metrics = with_seeds(
        [
            dict(summary(-0.10, 0.01), k=4),
            dict(summary(-0.05, 0.02), k=8),
            dict(summary(-0.04, 0.02), k=12),
        ],
        {4: [-0.10, -0.11, -0.09], 8: [-0.03, -0.06, -0.06], 12: [-0.06, -0.02, -0.04]},
    )
    assert choose_k(metrics, CHOICE)[0] == 8
    # Seed 1 alone: K=8 is best; seed 2 alone: K=12; seed 3 alone: K=12.
    assert seed_choices(metrics, CHOICE) == {1: 8, 2: 12, 3: 12}
    assert runner_up(metrics, 8, CHOICE) == 12
    zh, en = plain_reason(8, metrics, CHOICE)
    assert "K = 12" in zh and "K = 8" in zh and "K = 12 has the most coherent" in en
    # The best K among the eligible ones is named, not an ineligible one.
    ineligible = [*metrics, dict(summary(-0.01, 0.01, diversity=0.3), k=16, seeds=[])]
    assert "K = 16" not in plain_reason(8, ineligible, CHOICE)[1]
    assert "set in the config" in plain_reason(8, metrics, dict(CHOICE, k_choice=8))[1]


def test_matched_similarity_ignores_topic_order():
    rng = np.random.default_rng(0)
    topics = rng.random((5, 40))
    assert matched_similarity(topics, topics[::-1]) == pytest.approx(1.0)
    assert matched_similarity(topics, rng.random((5, 40))) < 0.9


def test_relevance_with_lambda_one_is_the_weight():
    phi = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    share = np.array([0.4, 0.15, 0.45])
    assert np.allclose(relevance_ranking(phi, share, 1.0), np.log(phi))
    lift = relevance_ranking(phi, share, 0.0)
    assert lift[0].argmax() == 0 and lift[1].argmax() == 2


SHARES = {"bootstrap": 200, "bootstrap_seed": 1, "interval": 0.95}


def test_report_shares_are_length_weighted_and_sum_to_one():
    theta = np.array([[0.9, 0.1], [0.1, 0.9], [0.5, 0.5]])
    docs = [
        {"report_id": "a", "kept_tokens": "30"},
        {"report_id": "a", "kept_tokens": "10"},
        {"report_id": "b", "kept_tokens": "5"},
    ]
    wide, long = share_tables(theta, docs, {"a": "甲区"}, ["甲", "乙"], SHARES)
    assert wide[0] == {
        "report_id": "a",
        "label": "甲区",
        "topic_1": "0.700000",
        "topic_2": "0.300000",
    }
    assert sum(float(v) for k, v in wide[1].items() if k.startswith("topic_")) == 1.0
    assert [(r["topic"], r["topic_label"], r["share"]) for r in long[:2]] == [
        (1, "甲", "0.700000"),
        (2, "乙", "0.300000"),
    ]
    # One document: nothing to resample, the interval is the share itself.
    assert long[2]["ci_low"] == long[2]["ci_high"] == long[2]["share"] == "0.500000"


def test_bootstrap_intervals_hold_the_share_and_widen_with_disagreeing_documents():
    rng = np.random.default_rng(0)
    alike = np.tile([0.6, 0.4], (40, 1)) + rng.normal(0, 0.01, (40, 2))
    mixed = np.vstack([np.tile([0.95, 0.05], (20, 1)), np.tile([0.25, 0.75], (20, 1))])
    weights = np.full(40, 10.0)
    narrow = bootstrap_interval(alike, weights, 500, 0.95, [1, 2])
    wide = bootstrap_interval(mixed, weights, 500, 0.95, [1, 2])
    assert narrow[0][0] < 0.6 < narrow[1][0]
    assert wide[0][0] < 0.6 < wide[1][0]
    assert (wide[1][0] - wide[0][0]) > 5 * (narrow[1][0] - narrow[0][0])
    # Seeded: the same interval again.
    again = bootstrap_interval(mixed, weights, 500, 0.95, [1, 2])
    assert np.array_equal(wide[0], again[0]) and np.array_equal(wide[1], again[1])


def test_halves_find_their_twin_only_when_reports_differ():
    rng = np.random.default_rng(0)
    profiles = np.eye(4) * 0.7 + 0.075
    theta = np.vstack([rng.dirichlet(profiles[r] * 30, 10) for r in range(4)])
    docs = [{"report_id": f"r{r}", "kept_tokens": "20"} for r in range(4) for _ in range(10)]
    assert halves_check(theta, docs, {})["share"] == "1.0000"
    same = rng.dirichlet(np.full(4, 5.0), 40)
    assert float(halves_check(same, docs, {})["share"]) < 1.0


def test_labels_skip_shared_words_and_words_held_by_others():
    assert label_words(["城市更新", "更新", "服务", "就业", "养老"], {"服务"}, 3) == [
        "城市更新",
        "就业",
        "养老",
    ]
    assert label_words(["养老服务", "服务", "家庭"], set(), 3) == ["养老服务", "家庭"]
    # Too few words of its own: a shared word fills in.
    assert label_words(["企业", "创新"], {"企业"}, 2) == ["创新", "企业"]
    topic_word = np.array([[0.5, 0.3, 0.2, 0.0], [0.5, 0.0, 0.2, 0.3], [0.4, 0.3, 0.0, 0.3]])
    assert shared_terms(topic_word, 2, 0.5) == {0, 1}
    assert shared_terms(topic_word, 1, 0.5) == {0}


def test_topic_names_apply_to_their_automatic_label_and_warn_when_it_is_gone():
    labels, warnings = named_labels(["甲·乙", "丙·丁"], {"丙·丁": "营商环境"}, 2)
    assert labels == ["甲·乙", "营商环境"] and not warnings
    labels, warnings = named_labels(["甲·乙", "戊·己"], {"丙·丁": "营商环境"}, 2)
    assert labels == ["甲·乙", "戊·己"]
    assert len(warnings) == 1 and "丙·丁" in warnings[0] and "营商环境" in warnings[0]
    labels, warnings = named_labels(["甲", "乙"], {"甲": "同名", "乙": "同名"}, 2)
    assert labels == ["同名", "乙"] and "both named" in warnings[0]


LDA = {
    "unit": "paragraph",
    "no_below": 1,
    "no_above": 1.0,
    "keep_n": 1000,
    "min_doc_tokens": 1,
    "seeds": [1, 2],
    "passes": 2,
    "iterations": 20,
    "inference": "batched",
    "alpha": "symmetric",
    "eta": "symmetric",
    "chunksize": 100,
    "coherence_topn": 3,
    "diversity_topn": 3,
    "training_budget": 1000,
    # No screening (see test_screening_…): every K with every seed.
    "screen_passes": 0,
    "screen_keep": 1,
    "screen_smaller": False,
    "min_topic_diversity": 0.0,
}


SAMPLES = {"training_budget": 1000, "evaluation_documents": 1000, "sample_seed": 1}


def prepared_corpus(folder):
    """The toy corpus, prepared as lda_prepare writes it."""
    dictionary, bows, rows, texts = prepare(build_documents(token_files(), "paragraph"), LDA)
    write_corpus(folder, dictionary, bows, texts, SAMPLES)
    return folder, len(bows)


def test_more_topics_than_documents_is_a_clear_error(tmp_path):
    corpus_dir, documents = prepared_corpus(tmp_path / "corpus")
    assert documents == 5
    with pytest.raises(InputError, match="K=6, more topics than the 5 documents"):
        sweep(corpus_dir, [2, 6], LDA)


def test_fitting_is_deterministic_and_independent_of_the_processes(tmp_path):
    """Worker processes (spawned: each loads the corpus from its folder) give the very metrics,
    medoids and topics of one process."""
    corpus_dir, _ = prepared_corpus(tmp_path / "corpus")
    first = sweep(corpus_dir, [2, 3], LDA, processes=1)
    second = sweep(corpus_dir, [2, 3], LDA, processes=2)
    for a, b in zip(first, second, strict=True):
        assert a["summary"] == b["summary"] and a["kept"] == b["kept"]
        assert a["stability"] == b["stability"] and a["agreement"] == b["agreement"]
        for run_a, run_b in zip(a["runs"], b["runs"], strict=True):
            assert run_a["metrics"] == run_b["metrics"]
            assert np.array_equal(run_a["model"].get_topics(), run_b["model"].get_topics())


def test_screening_refits_the_best_k_with_every_seed_and_keeps_the_others_apart(tmp_path):
    """Successive halving: one quick fit per K, the best `screen_keep` refitted with every seed
    exactly as an unscreened sweep fits them; the others keep their one fit, marked; the same
    with worker processes."""
    corpus_dir, _ = prepared_corpus(tmp_path / "corpus")
    screened = dict(LDA, screen_passes=1, screen_keep=1)
    assert screening([2, 3, 4], screened) and not screening([2, 3, 4], LDA)
    assert not screening([2], screened)  # nothing to screen out
    assert not screening([2, 3], screened, forced=3)  # keep 1 + the named K: both
    full = sweep(corpus_dir, [2, 3, 4], LDA)
    # With as many passes as a full fit, the screening fit is the refined K's first fit, kept.
    again = sweep(corpus_dir, [2, 3, 4], dict(screened, screen_passes=LDA["passes"]))
    for result in (r for r in again if not r.get("screened_out")):
        same = next(r for r in full if r["k"] == result["k"])
        assert same["summary"] == result["summary"] and same["kept"] == result["kept"]
    one, two = (sweep(corpus_dir, [2, 3, 4], screened, processes=n) for n in (1, 2))
    for a, b in zip(one, two, strict=True):
        assert a["summary"] == b["summary"] and a.get("screened_out") == b.get("screened_out")
    kept = [r for r in one if not r.get("screened_out")]
    out = [r for r in one if r.get("screened_out")]
    assert len(kept) == 1 and len(out) == 2
    assert [len(r["runs"]) for r in out] == [1, 1] and all(r["stability"] is None for r in out)
    assert all(r["passes"] == 1 for r in out) and kept[0]["passes"] == LDA["passes"]
    same = next(r for r in full if r["k"] == kept[0]["k"])
    assert same["summary"] == kept[0]["summary"] and same["kept"] == kept[0]["kept"]
    for run_a, run_b in zip(same["runs"], kept[0]["runs"], strict=True):
        assert np.array_equal(run_a["model"].get_topics(), run_b["model"].get_topics())
    # A K named by lda.k_choice is refined too.
    forced = sweep(corpus_dir, [2, 3, 4], screened, forced=out[0]["k"])
    assert {r["k"] for r in forced if not r.get("screened_out")} == {kept[0]["k"], out[0]["k"]}
    # Each refined K says why: the screen's best, smaller than it, or named by lda.k_choice.
    why = {r["k"]: r.get("refined_by") for r in forced if not r.get("screened_out")}
    assert why == {kept[0]["k"]: "screen", out[0]["k"]: "k_choice"}
    assert all(r.get("refined_by") is None for r in full)
    smaller = sweep(corpus_dir, [2, 3, 4], dict(screened, screen_smaller=True))
    refined = {r["k"]: r["refined_by"] for r in smaller if not r.get("screened_out")}
    assert refined == {
        k: ("screen" if k == kept[0]["k"] else "smaller") for k in (2, 3, 4) if k <= kept[0]["k"]
    }


def screen_choice(screened, settings, forced=None) -> list[int]:
    """The K the screen refines, in order."""
    return sorted(screen_reasons(screened, settings, forced))


def test_screen_choice_keeps_the_most_coherent_distinct_k():
    fits = {
        4: {"c_npmi": -0.10, "topic_diversity": 0.8},
        8: {"c_npmi": -0.02, "topic_diversity": 0.7},
        12: {"c_npmi": -0.05, "topic_diversity": 0.6},
        16: {"c_npmi": 0.05, "topic_diversity": 0.3},  # most coherent, but its topics overlap
    }
    settings = {"screen_keep": 2, "min_topic_diversity": 0.5, "screen_smaller": False}
    assert screen_choice(fits, settings) == [8, 12]
    # With screen_smaller, every K below the picks too (4: the rule may choose it)
    assert screen_choice(fits, dict(settings, screen_smaller=True)) == [4, 8, 12]
    assert screen_choice(fits, dict(settings, screen_keep=1, screen_smaller=True)) == [4, 8]
    assert screen_choice(fits, settings, forced=4) == [4, 8, 12]
    assert screen_choice(fits, dict(settings, min_topic_diversity=0.9)) == [8, 16]  # none: all


def test_choose_k_only_among_the_k_fitted_with_every_seed():
    metrics = [
        dict(summary(-0.05, 0.01), k=4),
        dict(summary(-0.04, 0.01), k=8),
        {**summary(0.10, 0.0), "k": 12, "screened_out": True, "stability": None, "passes": 3},
    ]
    k, reason = choose_k(metrics, CHOICE)
    assert k == 4 and "Screened out" in reason and "K [12]" in reason
    with pytest.raises(InputError, match="screened out"):
        choose_k(metrics, dict(CHOICE, k_choice=12))
    zh, en = plain_reason(4, metrics, CHOICE)
    assert "筛选" in zh and "screened by one quick fit (one seed, 3 passes)" in en


def test_passes_and_samples_shrink_only_on_a_large_corpus():
    settings = {"passes": 20, "training_budget": 100_000}
    assert effective_passes(190, settings) == 20  # the seed: the configured passes
    assert effective_passes(30_000, settings) == 3
    assert effective_passes(250_000, settings) == 1  # never less than one pass
    assert sample_indices(5, 10, seed=1) == [0, 1, 2, 3, 4]
    sample = sample_indices(1000, 100, seed=1)
    assert len(set(sample)) == 100 and sample == sorted(sample) and sample[-1] < 1000
    assert sample == sample_indices(1000, 100, seed=1) != sample_indices(1000, 100, seed=2)


def test_nearest_halves_are_found_block_by_block_as_all_at_once(monkeypatch):
    """The halves check's nearest neighbours by JSD, a few rows at a time (6,000 half reports
    at once held 6,000 × 6,000 × K numbers: 10 GB at N = 3000), are those of the full matrix,
    ties to the first."""
    from gwr import shares
    from scipy.spatial.distance import jensenshannon

    rng = np.random.default_rng(1)
    halves = rng.dirichlet(np.ones(12), size=300)
    halves[7] = halves[3]  # a tie: both are nearest to each other
    full = jensenshannon(halves[:, None, :], halves[None, :, :], axis=-1, base=2)
    np.fill_diagonal(full, np.inf)
    monkeypatch.setattr(shares, "BLOCK_VALUES", 12 * 300 * 7)  # blocks of 7 rows
    found = shares.nearest_by_jsd(halves)
    assert np.array_equal(found, full.argmin(axis=1))
    assert found[7] == 3 and found[3] == 7
