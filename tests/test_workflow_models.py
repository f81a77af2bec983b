"""TF-IDF and LDA in the real workflow: outputs, sums, determinism, reruns, provinces."""

import json

import pytest
import yaml
from conftest import ROOT, copy_project, planned_jobs, run_snakemake
from gwr_common import read_csv

pytestmark = pytest.mark.workflow


def config_of(workdir):
    return yaml.safe_load((workdir / "config" / "config.yaml").read_text("utf-8"))


def shares(row):
    return [float(v) for k, v in row.items() if k.startswith("topic_")]


def test_tfidf_tables(seed_run):
    top_n = config_of(seed_run)["tfidf"]["top_n"]
    rows = read_csv(seed_run / "results" / "tfidf" / "top_terms.csv")
    reports = {row["report_id"] for row in rows}
    assert len(reports) == 3
    for report_id in reports:
        ranks = [int(r["rank"]) for r in rows if r["report_id"] == report_id]
        assert ranks == list(range(1, top_n + 1))
    assert {
        r["part"] for r in read_csv(seed_run / "results" / "tfidf" / "top_terms_by_part.csv")
    } == {
        "review",
        "plans",
    }
    assert (seed_run / "results" / "tfidf" / "matrix.npz").stat().st_size > 0


def test_every_table_has_a_byte_order_mark(seed_run):
    tables = sorted((seed_run / "results").rglob("*.csv"))
    assert len(tables) > 20
    for path in tables:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path


def test_every_k_is_fitted_and_described(seed_run):
    config = config_of(seed_run)["lda"]
    selection = read_csv(seed_run / "results" / "lda" / "model_selection.csv")
    assert [int(r["k"]) for r in selection] == config["k"]
    assert sum(r["chosen"] == "yes" for r in selection) == 1
    for k in config["k"]:
        folder = seed_run / "results" / "lda" / f"k{k}"
        metrics = json.loads((folder / "metrics.json").read_text("utf-8"))
        assert {"c_v", "c_npmi", "u_mass", "perplexity", "topic_diversity"} <= set(
            metrics["summary"]
        )
        assert len(metrics["seeds"]) == len(config["seeds"])
        assert metrics["kept_seed"] in config["seeds"] and len(metrics["labels"]) == k
        topics = read_csv(folder / "topics.csv")
        assert len(topics) == k * config["top_terms"] * 2
        assert {int(r["topic"]) for r in topics} == set(range(1, k + 1))
        for row in read_csv(folder / "doc_topics.csv"):
            assert len(shares(row)) == k
            assert sum(shares(row)) == pytest.approx(1.0, abs=1e-4)
        for row in read_csv(folder / "report_topics.csv"):
            assert sum(shares(row)) == pytest.approx(1.0, abs=1e-5)


def test_the_chosen_model_is_copied_and_explained(seed_run):
    lda = seed_run / "results" / "lda"
    chosen = json.loads((lda / "chosen.json").read_text("utf-8"))
    source = lda / f"k{chosen['k']}"
    for name in ("topics.csv", "doc_topics.csv", "report_topics.csv", "metrics.json"):
        assert (lda / "chosen" / name).read_bytes() == (source / name).read_bytes()
    assert (lda / "chosen" / "model" / "lda.gensim").exists()
    assert chosen["reason"].startswith("auto: best mean c_npmi")
    assert "medoid" in chosen["kept_because"]
    report_topics = read_csv(lda / "chosen" / "report_topics.csv")
    assert [r["region"] for r in report_topics] == ["北京市", "东城区", "西城区"]


def test_no_boilerplate_among_the_topics_top_ten(seed_run):
    boilerplate = set(
        (ROOT / "config" / "stopwords" / "government_boilerplate.txt").read_text("utf-8").split()
    )
    for row in read_csv(seed_run / "results" / "lda" / "chosen" / "topics.csv"):
        if row["ranking"] == "weight" and int(row["rank"]) <= 10:
            assert row["term"] not in boilerplate, row


TABLES = ("*.csv", "*.json", "*.jsonl", "*.txt", "*.npz", "*.mm")


def test_two_clean_runs_give_identical_tables(seed_run, tmp_path):
    workdir = copy_project(tmp_path)
    run_snakemake(workdir)
    ours = workdir / "results"
    theirs = seed_run / "results"
    compared = 0
    for pattern in TABLES:
        for path in sorted(ours.rglob(pattern)):
            relative = path.relative_to(ours)
            if relative.parts[0] in ("logs", "benchmarks"):
                continue
            assert path.read_bytes() == (theirs / relative).read_bytes(), relative
            compared += 1
    assert compared > 40


def with_lda(workdir, **values):
    path = workdir / "config" / "config.yaml"
    original = path.read_text("utf-8")
    config = yaml.safe_load(original)
    for key, value in values.items():
        section, name = key.split(".")
        config[section][name] = value
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    try:
        return planned_jobs(run_snakemake(workdir, "--dry-run").stdout)
    finally:
        path.write_text(original, "utf-8")


UPSTREAM = ("split_reports", "build_dictionary", "segment", "vocabulary")


def test_reruns_touch_only_what_a_change_affects(seed_run):
    ks = config_of(seed_run)["lda"]["k"]
    # Choosing another K: only the choice and what shows it (similarity, figures, page).
    jobs = with_lda(seed_run, **{"lda.k_choice": ks[0]})
    assert jobs["lda_choose"] == 1 and "lda_fit" not in jobs and "tfidf" not in jobs
    assert not set(jobs) & {*UPSTREAM, "lda_prepare"}
    # One more K: one more fit, no refit of the others.
    jobs = with_lda(seed_run, **{"lda.k": [*ks, 7]})
    assert jobs["lda_fit"] == 1 and jobs["lda_choose"] == 1
    assert not set(jobs) & {*UPSTREAM, "lda_prepare", "tfidf"}
    # A training parameter: every K is refitted, the corpus is not rebuilt.
    jobs = with_lda(seed_run, **{"lda.passes": 5})
    assert jobs["lda_fit"] == len(ks) and "lda_prepare" not in jobs
    assert not set(jobs) & set(UPSTREAM)
    # The dictionary filter: the LDA corpus and every fit, the segmentation untouched.
    jobs = with_lda(seed_run, **{"lda.no_below": 3})
    assert jobs["lda_prepare"] == 1 and jobs["lda_fit"] == len(ks)
    assert not set(jobs) & set(UPSTREAM)
    # TF-IDF: keywords and what shows them, no topic model.
    jobs = with_lda(seed_run, **{"tfidf.top_n": 10})
    assert jobs["tfidf"] == 1 and not set(jobs) & {*UPSTREAM, "lda_prepare", "lda_fit"}
    # A figure parameter: figures and the page only.
    jobs = with_lda(seed_run, **{"figures.dpi": 200})
    assert set(jobs) - {"all", "report_page"} and all(
        rule.startswith("fig_") for rule in set(jobs) - {"all", "report_page"}
    )
    assert "Nothing to be done" in run_snakemake(seed_run, "--dry-run").stdout


def test_provincial_corpus_end_to_end(provinces, tmp_path):
    workdir = copy_project(tmp_path)
    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text("utf-8"))
    config["inputs"] = [str(p) for p in provinces]
    # A short sweep: the point is the shapes on 31 reports, not the best model.
    config["lda"].update(k=[8, 12], seeds=[1, 2], passes=3, iterations=50)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    run_snakemake(workdir)
    results = workdir / "results"
    reports = read_csv(results / "corpus" / "reports.csv")
    assert len(reports) == 31
    top = read_csv(results / "tfidf" / "top_terms.csv")
    assert len({r["report_id"] for r in top}) == 31
    chosen = json.loads((results / "lda" / "chosen.json").read_text("utf-8"))
    assert chosen["k"] in (8, 12)
    rows = read_csv(results / "lda" / "chosen" / "report_topics.csv")
    assert len(rows) == 31
    for row in rows:
        assert sum(shares(row)) == pytest.approx(1.0, abs=1e-5)
    documents = read_csv(results / "lda" / "documents.csv")
    assert sum(r["used"] == "yes" for r in documents) > 2000
