"""TF-IDF and LDA in the real workflow: outputs, sums, determinism, reruns, provinces."""

import json
import os
import shutil

import numpy as np
import pytest
import yaml
from conftest import ROOT, copy_project, planned_jobs, run_snakemake, set_config
from gwr.io import read_csv

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
        assert list(topics[0])[:2] == ["topic", "topic_label"]
        assert [r["topic_label"] for r in topics if r["rank"] == "1"][::2] == metrics["labels"]
    # Only the chosen K is applied to every document (results/lda/chosen).
    assert not list((seed_run / "results" / "lda").glob("k*/doc_topics.csv"))
    documents = read_csv(seed_run / "results" / "lda" / "documents.csv")
    doc_topics = read_csv(seed_run / "results" / "lda" / "chosen" / "doc_topics.csv")
    assert [r["doc"] for r in doc_topics] == [r["doc"] for r in documents if r["used"] == "yes"]
    for row in doc_topics:
        assert sum(shares(row)) == pytest.approx(1.0, abs=1e-4)
    for row in read_csv(seed_run / "results" / "lda" / "chosen" / "report_topics.csv"):
        assert sum(shares(row)) == pytest.approx(1.0, abs=1e-5)


def test_document_tables_name_the_report_paragraph_and_section(seed_run):
    """documents.csv and doc_topics.csv: the report's label (copied from reports.csv), the
    paragraph's index and its section path, as in corpus/text."""
    results = seed_run / "results"
    labels = {r["report_id"]: r["label"] for r in read_csv(results / "corpus" / "reports.csv")}
    sections = {
        (path.stem, str(record["index"])): " / ".join(record["section"])
        for path in (results / "corpus" / "text").glob("*.jsonl")
        for record in map(json.loads, path.read_text("utf-8").splitlines())
    }
    documents = read_csv(results / "lda" / "documents.csv")
    doc_topics = read_csv(results / "lda" / "chosen" / "doc_topics.csv")
    assert list(documents[0]) == [
        *("doc", "report_id", "label", "region", "part", "unit", "index", "section"),
        *("tokens", "kept_tokens", "used"),
    ]
    assert list(doc_topics[0])[:8] == [
        *("doc", "report_id", "label", "part", "unit", "index", "section", "kept_tokens"),
    ]
    assert any(" / " in row["section"] for row in documents)
    by_doc = {row["doc"]: row for row in documents}
    for row in documents + doc_topics:
        assert row["label"] == labels[row["report_id"]]
        assert row["index"] == row["unit"]  # lda.unit: paragraph
        assert row["section"] == sections[(row["report_id"], row["index"])]
    for row in doc_topics:
        assert {k: row[k] for k in ("report_id", "label", "index", "section")} == {
            k: by_doc[row["doc"]][k] for k in ("report_id", "label", "index", "section")
        }


def test_the_parallel_sweep_gives_the_serial_results(seed_run):
    """The workflow fitted every K in two worker processes, with one set of co-occurrence counts
    for all models; fitting two K alone, in this process, gives the same metrics and models."""
    from gensim.models import LdaModel
    from lda_sweep import sweep

    settings = config_of(seed_run)["lda"]
    lda = seed_run / "results" / "lda"
    assert "2 process(es)" in (seed_run / "results" / "logs" / "lda_sweep.log").read_text()
    ks = settings["k"][:2]
    for result in sweep(lda / "corpus", ks, settings, processes=1):
        metrics = json.loads((lda / f"k{result['k']}" / "metrics.json").read_text("utf-8"))
        for run, recorded in zip(result["runs"], metrics["seeds"], strict=True):
            assert {m: round(v, 6) for m, v in run["metrics"].items()} == {
                m: recorded[m] for m in run["metrics"]
            }
        kept = result["runs"][result["kept"]]
        assert metrics["kept_seed"] == kept["seed"]
        saved = LdaModel.load(str(lda / f"k{result['k']}" / "model" / "lda.gensim"))
        assert np.array_equal(kept["model"].get_topics(), saved.get_topics())


def test_topic_shares_in_worker_processes_are_the_serial_ones(seed_run):
    from gwr.lda import corpus_stream
    from lda_choose import document_topics

    lda = seed_run / "results" / "lda"
    corpus = corpus_stream(lda / "corpus")
    vectors = {
        processes: np.vstack(
            list(document_topics(lda / "chosen" / "model", corpus, 40, processes, min_chunks=1))
        )
        for processes in (1, 2)
    }
    assert len(vectors[1]) == len(corpus) > 40 * 3  # several chunks
    assert np.array_equal(vectors[1], vectors[2])
    # What the workflow wrote (its corpus is one chunk: in one process).
    doc_topics = read_csv(lda / "chosen" / "doc_topics.csv")
    assert [[f"{v:.6f}" for v in vector] for vector in vectors[2]] == [
        [v for k, v in row.items() if k.startswith("topic_")] for row in doc_topics
    ]


def test_shared_coherence_counts_give_gensims_values(seed_run):
    from gensim.models import CoherenceModel
    from gwr.lda import load_prepared
    from lda_sweep import coherence_scores

    dictionary, _, texts = load_prepared(str(seed_run / "results" / "lda" / "corpus"))
    tokens = [t["tokens"] for t in texts]
    bows = [dictionary.doc2bow(t) for t in tokens]
    topics = read_csv(seed_run / "results" / "lda" / "k4" / "topics.csv")
    model_a = [
        [r["term"] for r in topics if r["topic"] == str(t) and r["ranking"] == "weight"][:10]
        for t in range(1, 5)
    ]
    model_b = [list(reversed(topic)) for topic in model_a[::-1]] + [model_a[0][::2]]
    for measure in ("c_v", "c_npmi", "u_mass"):
        shared = coherence_scores(measure, [model_a, model_b], tokens, dictionary, bows, 10)
        alone = [
            CoherenceModel(
                topics=topic_set,
                texts=tokens if measure != "u_mass" else None,
                corpus=bows if measure == "u_mass" else None,
                dictionary=dictionary,
                coherence=measure,
                topn=10,
                processes=1,
            ).get_coherence()
            for topic_set in (model_a, model_b)
        ]
        assert shared == pytest.approx(alone, rel=1e-12), measure


def test_the_chosen_model_is_copied_and_explained(seed_run):
    lda = seed_run / "results" / "lda"
    chosen = json.loads((lda / "chosen.json").read_text("utf-8"))
    source = lda / f"k{chosen['k']}"
    for name in ("topics.csv", "metrics.json"):
        assert (lda / "chosen" / name).read_bytes() == (source / name).read_bytes()
    assert (lda / "chosen" / "model" / "lda.gensim").exists()
    assert chosen["reason"].startswith("auto: best mean c_npmi")
    assert "medoid" in chosen["kept_because"]
    report_topics = read_csv(lda / "chosen" / "report_topics.csv")
    assert list(report_topics[0]) == ["report_id", "label"] + [
        f"topic_{t}" for t in range(1, chosen["k"] + 1)
    ]
    reports = read_csv(seed_run / "results" / "corpus" / "reports.csv")
    assert [(r["report_id"], r["label"]) for r in report_topics] == [
        (r["report_id"], r["label"]) for r in reports
    ]
    assert [r["label"] for r in report_topics] == ["北京市", "东城区", "西城区"]


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
    assert jobs["lda_choose"] == 1 and "lda_sweep" not in jobs and "tfidf" not in jobs
    assert not set(jobs) & {*UPSTREAM, "lda_prepare"}
    # One more K: the sweep (one job) and the choice; the corpus is not rebuilt.
    jobs = with_lda(seed_run, **{"lda.k": [*ks, 7]})
    assert jobs["lda_sweep"] == 1 and jobs["lda_choose"] == 1
    assert not set(jobs) & {*UPSTREAM, "lda_prepare", "tfidf"}
    # A training parameter: the sweep again, the corpus is not rebuilt.
    jobs = with_lda(seed_run, **{"lda.passes": 5})
    assert jobs["lda_sweep"] == 1 and "lda_prepare" not in jobs
    assert not set(jobs) & set(UPSTREAM)
    # The dictionary filter or the samples: the LDA corpus and the sweep, not the segmentation.
    for change in ({"lda.no_below": 3}, {"lda.training_budget": 1000}):
        jobs = with_lda(seed_run, **change)
        assert jobs["lda_prepare"] == 1 and jobs["lda_sweep"] == 1, change
        assert not set(jobs) & set(UPSTREAM)
    # The number of worker processes changes no result: only the page that lists the config.
    assert set(with_lda(seed_run, **{"lda.threads": 1})) <= {"all", "report_page"}
    # TF-IDF: keywords and what shows them, no topic model.
    jobs = with_lda(seed_run, **{"tfidf.top_n": 10})
    assert jobs["tfidf"] == 1 and not set(jobs) & {*UPSTREAM, "lda_prepare", "lda_sweep"}
    # A figure parameter: figures and the page only.
    jobs = with_lda(seed_run, **{"figures.dpi": 200})
    assert set(jobs) - {"all", "report_page"} and all(
        rule.startswith("fig_") for rule in set(jobs) - {"all", "report_page"}
    )
    assert "Nothing to be done" in run_snakemake(seed_run, "--dry-run").stdout


def test_editing_a_step_script_reruns_that_step_and_what_follows(seed_run, tmp_path):
    """One script per LDA step: editing how K is chosen does not refit the sweep, editing the
    sweep does not rebuild the corpus; an edit of the shared gwr/lda.py reruns all three."""
    workdir = tmp_path / "run"
    shutil.copytree(seed_run, workdir, symlinks=True)
    scripts = workdir / "scripts"
    downstream = {"similarity", "report_page"}

    def plan_after_editing(name):
        path = scripts / name
        original, stat = path.read_bytes(), path.stat()
        path.write_bytes(original + b"\n# edited\n")
        try:
            return planned_jobs(run_snakemake(workdir, "--dry-run").stdout)
        finally:
            # Snakemake tells a script's edit by its time: restore that too.
            path.write_bytes(original)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    jobs = plan_after_editing("lda_choose.py")
    assert jobs["lda_choose"] == 1 and downstream <= set(jobs)
    assert not set(jobs) & {*UPSTREAM, "tfidf", "lda_prepare", "lda_sweep"}
    jobs = plan_after_editing("lda_sweep.py")
    assert jobs["lda_sweep"] == 1 and jobs["lda_choose"] == 1
    assert not set(jobs) & {*UPSTREAM, "tfidf", "lda_prepare"}
    jobs = plan_after_editing("lda_prepare.py")
    assert jobs["lda_prepare"] == jobs["lda_sweep"] == jobs["lda_choose"] == 1
    assert not set(jobs) & {*UPSTREAM, "tfidf"}
    jobs = plan_after_editing("gwr/lda.py")
    assert jobs["lda_prepare"] == jobs["lda_sweep"] == jobs["lda_choose"] == 1
    assert not set(jobs) & {*UPSTREAM, "tfidf"}
    assert "Nothing to be done" in run_snakemake(workdir, "--dry-run").stdout


def test_a_large_corpus_is_sampled_for_the_sweep_and_fully_described(tmp_path):
    """A training budget below the corpus: the sweep trains on a sample (one pass) and is
    judged on a smaller one; the chosen model still gives every document its topics."""
    workdir = copy_project(tmp_path)
    set_config(
        workdir,
        **{"lda.k": [4, 6], "lda.seeds": [1, 2], "lda.training_budget": 120},
        **{"lda.evaluation_documents": 100},
    )
    run_snakemake(workdir)
    lda = workdir / "results" / "lda"
    samples = json.loads((lda / "corpus" / "samples.json").read_text("utf-8"))
    used = [r for r in read_csv(lda / "documents.csv") if r["used"] == "yes"]
    assert samples["documents"] == len(used) > 120
    assert samples["training_documents"] == 120 and samples["evaluation_documents"] == 100
    assert f"on 120 of {len(used)} documents, 1 passes" in (
        workdir / "results" / "logs" / "lda_sweep.log"
    ).read_text("utf-8")
    assert len(read_csv(lda / "chosen" / "doc_topics.csv")) == len(used)


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
