"""TF-IDF and LDA in the real workflow: outputs, sums, determinism, reruns, provinces."""

import json
import os
import shutil
from collections import Counter

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
    sweep_topics = read_csv(seed_run / "results" / "lda" / "sweep_topics.csv")
    assert list(sweep_topics[0])[:3] == ["k", "topic", "topic_label"]
    for k in config["k"]:
        folder = seed_run / "results" / "lda" / f"k{k}"
        metrics = json.loads((folder / "metrics.json").read_text("utf-8"))
        assert {"c_v", "c_npmi", "u_mass", "perplexity", "topic_diversity"} <= set(
            metrics["summary"]
        )
        if metrics["screened_out"]:  # one quick fit (lda.screen_passes): no stability
            assert [run["seed"] for run in metrics["seeds"]] == config["seeds"][:1]
            assert metrics["passes"] == config["screen_passes"] and metrics["stability"] is None
        else:
            assert len(metrics["seeds"]) == len(config["seeds"])
            assert metrics["kept_seed"] in config["seeds"]
        refined = [r for r in selection if int(r["seeds"]) == len(config["seeds"])]
        topics = [r for r in sweep_topics if r["k"] == str(k)]
        assert len(topics) == k * config["top_terms"] * 2
        assert {int(r["topic"]) for r in topics} == set(range(1, k + 1))
        labels = [r["topic_label"] for r in topics if r["rank"] == "1"][::2]
        assert len(set(labels)) == k
    # Successive halving: screen_keep K refined with every seed (and with screen_smaller every
    # K below them), the chosen among them.
    assert config["screen_keep"] <= len(refined) < len(config["k"])
    smallest = min(int(r["k"]) for r in refined)
    assert config["screen_smaller"]
    assert all(int(r["k"]) > smallest for r in selection if r not in refined)
    assert next(r for r in selection if r["chosen"] == "yes") in refined
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
    selection = read_csv(lda / "model_selection.csv")
    ks = [int(r["k"]) for r in selection if int(r["seeds"]) == len(settings["seeds"])][:2]
    # Two K of those the screen refined: fewer than screen_keep, so fitted with every seed.
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
    from lda_shares import document_topics

    lda = seed_run / "results" / "lda"
    corpus = corpus_stream(lda / "corpus")
    vectors = {
        processes: np.vstack(
            list(
                document_topics(
                    lda / "chosen" / "model", corpus, 40, "batched", processes, min_chunks=1
                )
            )
        )
        for processes in (1, 2)
    }
    assert len(vectors[1]) == len(corpus) > 40 * 3  # several chunks
    assert np.array_equal(vectors[1], vectors[2])
    # What the workflow wrote (its corpus is one chunk: in one process).
    doc_topics = read_csv(lda / "chosen" / "doc_topics.csv")
    # (lda_shares rounds the vectors to the tables' decimals before it uses them.)
    assert [[f"{v:.6f}" for v in np.round(vector, 6)] for vector in vectors[2]] == [
        [v for k, v in row.items() if k.startswith("topic_")] for row in doc_topics
    ]


def test_shared_coherence_counts_give_gensims_values(seed_run):
    from gensim.models import CoherenceModel
    from gwr.lda import load_prepared
    from lda_sweep import coherence_scores

    dictionary, _, texts = load_prepared(str(seed_run / "results" / "lda" / "corpus"))
    tokens = [t["tokens"] for t in texts]
    bows = [dictionary.doc2bow(t) for t in tokens]
    topics = [
        r for r in read_csv(seed_run / "results" / "lda" / "sweep_topics.csv") if r["k"] == "4"
    ]
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
    assert (lda / "chosen" / "metrics.json").read_bytes() == (source / "metrics.json").read_bytes()
    # No names given (lda.labels): the chosen topics are the chosen K's of sweep_topics.csv.
    sweep = [r for r in read_csv(lda / "sweep_topics.csv") if r.pop("k") == str(chosen["k"])]
    assert read_csv(lda / "chosen" / "topics.csv") == sweep
    assert chosen["labels"] == chosen["auto_labels"] and not chosen["label_warnings"]
    assert chosen["reason_zh"] and chosen["reason_en"]
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


def test_words_shared_by_many_topics_never_lead_a_topic_or_its_label(seed_run):
    """The seed's words common to many topics (服务, 创新 …: `shared`) are ranked last by relevance
    and kept out of the labels; no label repeats a word or a part of one."""
    lda = seed_run / "results" / "lda"
    chosen = json.loads((lda / "chosen.json").read_text("utf-8"))
    rows = read_csv(lda / "chosen" / "topics.csv")
    shared = {r["term"] for r in rows if r["shared"] == "yes"}
    assert shared and set(chosen["shared_terms"]) == shared
    for topic in range(1, chosen["k"] + 1):
        ranked = [r for r in rows if r["topic"] == str(topic) and r["ranking"] == "relevance"]
        flags = [r["shared"] == "yes" for r in ranked]
        assert flags == sorted(flags), topic  # the shared words last
        assert not flags[0], topic
    for label in chosen["labels"]:
        words = label.split(" (")[0].split("·")
        assert not set(words) & shared, label
        for a in words:
            assert not any(a != b and a in b for b in words), label
    # The figure and the page rank a topic's words as its label does: by relevance.
    first = {
        r["topic"]: r["term"] for r in rows if r["ranking"] == "relevance" and r["rank"] == "1"
    }
    assert all(label.startswith(first[str(t + 1)]) for t, label in enumerate(chosen["labels"]))


def test_examples_intervals_and_halves_of_the_chosen_model(seed_run):
    lda = seed_run / "results" / "lda" / "chosen"
    chosen = json.loads((lda.parent / "chosen.json").read_text("utf-8"))
    config = config_of(seed_run)["lda"]
    examples = read_csv(lda / "examples.csv")
    doc_topics = {(r["report_id"], r["index"]): r for r in read_csv(lda / "doc_topics.csv")}
    for topic in range(1, chosen["k"] + 1):
        found = [r for r in examples if r["topic"] == str(topic)]
        assert len(found) == config["examples"], topic
        assert [r["rank"] for r in found] == [str(i) for i in range(1, len(found) + 1)]
        shares = [float(r["share"]) for r in found]
        assert shares == sorted(shares, reverse=True)
        for r in found:
            document = doc_topics[(r["report_id"], r["index"])]
            assert float(document[f"topic_{topic}"]) == pytest.approx(float(r["share"]))
            assert int(document["kept_tokens"]) >= config["example_min_tokens"]
            assert r["text"] and len(r["text"]) <= config["example_chars"] + 1
        assert max(Counter(r["report_id"] for r in found).values()) <= config["examples_per_report"]
    long = read_csv(lda / "report_topic_shares.csv")
    wide = {r["report_id"]: r for r in read_csv(lda / "report_topics.csv")}
    assert len(long) == len(wide) * chosen["k"]
    for r in long:
        assert float(r["ci_low"]) <= float(r["share"]) <= float(r["ci_high"])
        assert r["share"] == wide[r["report_id"]][f"topic_{r['topic']}"]
        assert r["topic_label"] == chosen["labels"][int(r["topic"]) - 1]
    # The intervals are real: a report's paragraphs differ, so no interval is a single point.
    assert all(float(r["ci_high"]) > float(r["ci_low"]) for r in long)
    (halves,) = read_csv(lda / "checks.csv")
    assert halves["of"] == str(2 * len(wide))


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
    # Choosing another K: the sweep (which fits a named K with every seed, screened out or
    # not), the choice and what shows it; not the corpus.
    jobs = with_lda(seed_run, **{"lda.k_choice": ks[0]})
    assert jobs["lda_choose"] == 1 and jobs["lda_sweep"] == 1 and "tfidf" not in jobs
    assert not set(jobs) & {*UPSTREAM, "lda_prepare"}
    # The choice's own floors and the labels: the choice, not the fits.
    jobs = with_lda(seed_run, **{"lda.min_stability": 0.5})
    assert jobs["lda_choose"] == 1 and "lda_sweep" not in jobs
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

    jobs = plan_after_editing("lda_shares.py")
    assert jobs["lda_shares"] == 1 and downstream <= set(jobs)
    assert not set(jobs) & {*UPSTREAM, "tfidf", "lda_prepare", "lda_sweep", "lda_choose"}
    jobs = plan_after_editing("lda_choose.py")
    assert jobs["lda_choose"] == jobs["lda_shares"] == 1 and downstream <= set(jobs)
    assert not set(jobs) & {*UPSTREAM, "tfidf", "lda_prepare", "lda_sweep"}
    jobs = plan_after_editing("lda_sweep.py")
    assert jobs["lda_sweep"] == 1 and jobs["lda_choose"] == 1
    assert not set(jobs) & {*UPSTREAM, "tfidf", "lda_prepare"}
    jobs = plan_after_editing("lda_prepare.py")
    assert jobs["lda_prepare"] == jobs["lda_sweep"] == jobs["lda_choose"] == 1
    assert not set(jobs) & {*UPSTREAM, "tfidf"}
    jobs = plan_after_editing("gwr/lda.py")
    steps = ("lda_prepare", "lda_sweep", "lda_choose", "lda_shares")
    assert [jobs[step] for step in steps] == [1, 1, 1, 1]
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
