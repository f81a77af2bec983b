"""Segmentation in the real workflow: outputs, jieba's cache and logging, shards, reruns."""

import json

import pytest
import yaml
from conftest import copy_project, planned_jobs, run_snakemake
from gwr.io import read_csv

pytestmark = pytest.mark.workflow


def test_tokens_are_written_for_every_report(seed_run):
    tokens = seed_run / "results" / "tokens"
    reports = read_csv(seed_run / "results" / "corpus" / "reports.csv")
    index = read_csv(tokens / "index.csv")
    assert sorted(row["report_id"] for row in index) == sorted(r["report_id"] for r in reports)
    for row in index:
        path = seed_run / row["tokens_file"]
        records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        assert len(records) == int(row["paragraphs"]) > 0
        assert sum(len(r["tokens"]) for r in records) == int(row["tokens"]) > 1000
        text = (seed_run / "results" / "corpus" / "text" / path.name).read_text("utf-8")
        corpus = {r["index"]: r for r in map(json.loads, text.splitlines())}
        for record in records:
            assert corpus[record["index"]]["part"] == record["part"] != "appendix"
    for name in ("harvested_terms", "vocabulary", "dropped_tokens", "index"):
        assert (tokens / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_user_dictionary_and_vocabulary(seed_run):
    tokens = seed_run / "results" / "tokens"
    lines = (tokens / "user_dict.txt").read_text("utf-8").splitlines()
    entries = {line.rsplit(" ", 2)[0] for line in lines}
    assert {"接诉即办", "京津冀协同发展", "马连道·数据街"} <= entries
    harvested = read_csv(tokens / "harvested_terms.csv")
    assert {row["source"] for row in harvested} >= {"glossary", "quoted"}
    assert {row["term"] for row in harvested} <= entries
    vocabulary = {row["term"]: row for row in read_csv(tokens / "vocabulary.csv")}
    assert vocabulary["接诉即办"]["source"] == "shipped"
    assert int(vocabulary["接诉即办"]["reports"]) >= 2
    for gone in ("推进", "加强", "阅读全文", "北京", "2024年"):
        assert gone not in vocabulary
    dropped = {(row["token"], row["reason"]) for row in read_csv(tokens / "dropped_tokens.csv")}
    assert ("推进", "stopword") in dropped and ("北京", "place_name") in dropped


def test_the_default_engine_builds_no_jieba_cache(seed_run):
    """rjieba (segment.engine's default) builds its dictionary in memory: no jieba cache."""
    assert not (seed_run / ".cache" / "jieba" / "jieba.cache").exists()
    log = (seed_run / "results" / "logs" / "build_dictionary.log").read_text("utf-8")
    assert "Prefix dict" not in log


def test_jieba_cache_is_project_local_and_quiet(tmp_path):
    """The jieba engine keeps its cache in the folder it is given (the workflow's
    .cache/jieba/), and its start-up messages go to the step's log."""
    import logging

    from gwr.jieba_setup import make_engine

    log = logging.getLogger("test_jieba_cache")
    handler = logging.FileHandler(tmp_path / "step.log", encoding="utf-8")
    log.addHandler(handler)
    try:
        engine = make_engine("jieba", tmp_path / "cache", log)
        assert engine.lcut("接诉即办", True)
    finally:
        handler.close()
        log.removeHandler(handler)
    assert (tmp_path / "cache" / "jieba.cache").exists()
    assert "Prefix dict has been built" in (tmp_path / "step.log").read_text("utf-8")


def test_jieba_prints_nothing_to_the_console(tmp_path):
    workdir = copy_project(tmp_path)
    process = run_snakemake(workdir)
    for message in ("Building prefix dict", "Loading model", "Prefix dict has been built"):
        assert message not in process.stdout
    assert "pkg_resources" not in process.stdout


def set_segment(workdir, **values):
    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text("utf-8"))
    config["segment"].update(values)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")


def token_files(workdir):
    return {
        path.name: path.read_bytes()
        for path in sorted((workdir / "results" / "tokens").glob("shard-*/*.jsonl"))
    }


def test_shards_do_not_change_the_tokens(seed_run, tmp_path):
    workdir = copy_project(tmp_path)
    set_segment(workdir, min_jobs=1)
    run_snakemake(workdir)
    assert len(list((workdir / "results" / "tokens").glob("shard-*"))) == 1
    assert len(list((seed_run / "results" / "tokens").glob("shard-*"))) == 2
    assert token_files(workdir) == token_files(seed_run)
    for name in ("vocabulary", "dropped_tokens", "harvested_terms"):
        ours = (workdir / "results" / "tokens" / f"{name}.csv").read_bytes()
        assert ours == (seed_run / "results" / "tokens" / f"{name}.csv").read_bytes(), name


def test_a_segmentation_parameter_reruns_segmentation_only(seed_run):
    workdir = seed_run
    path = workdir / "config" / "config.yaml"
    original = path.read_text("utf-8")
    try:
        set_segment(workdir, drop_single_chars=False)
        jobs = planned_jobs(run_snakemake(workdir, "--dry-run").stdout)
        # Segmentation and what depends on it; not the split, not the dictionary.
        assert jobs["segment"] == 2 and jobs["vocabulary"] == 1
        assert "split_reports" not in jobs and "build_dictionary" not in jobs
    finally:
        path.write_text(original, "utf-8")
    assert "Nothing to be done" in run_snakemake(workdir, "--dry-run").stdout


def test_a_dictionary_parameter_reruns_the_dictionary_and_what_follows(seed_run):
    path = seed_run / "config" / "config.yaml"
    original = path.read_text("utf-8")
    try:
        config = yaml.safe_load(original)
        config["dictionary"]["quoted_min_count"] = 2
        path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
        jobs = planned_jobs(run_snakemake(seed_run, "--dry-run").stdout)
        assert jobs["build_dictionary"] == 1 and jobs["segment"] == 2
        assert "split_reports" not in jobs
    finally:
        path.write_text(original, "utf-8")
