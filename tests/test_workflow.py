"""The real workflow, run with Snakemake in temporary directories."""

import json

import pytest
import yaml
from conftest import SEED, copy_project, run_snakemake, set_config
from gwr.io import read_csv

pytestmark = pytest.mark.workflow

CORPUS_TABLES = ["reports", "toc", "glossary", "dropped", "sources"]


def test_seed_run_writes_the_corpus(seed_run):
    corpus = seed_run / "results" / "corpus"
    for name in CORPUS_TABLES:
        data = (corpus / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), f"{name}.csv has no BOM (Excel/WPS need it)"
        data.decode("utf-8")
    reports = read_csv(corpus / "reports.csv")
    assert [(r["region"], r["parent"], r["year"]) for r in reports] == [
        ("北京市", "", "2024"),
        ("东城区", "北京市", "2024"),
        ("西城区", "北京市", "2024"),
    ]
    assert sorted(p.name for p in (corpus / "text").glob("*.jsonl")) == sorted(
        f"{r['report_id']}.jsonl" for r in reports
    )
    for row in reports:
        lines = (corpus / "text" / f"{row['report_id']}.jsonl").read_text(encoding="utf-8")
        records = [json.loads(line) for line in lines.splitlines()]
        body = [r for r in records if r["part"] != "appendix"]
        assert len(body) == int(row["paragraphs"])
        assert [r["index"] for r in records] == list(range(len(records)))
        assert set(records[0]) == {"index", "part", "section", "heading", "line", "text"}
        assert body[0]["part"] == "opening" and body[-1]["part"] == "closing"
        assert sum(len(r["text"]) for r in body) == int(row["characters"])
    toc = read_csv(corpus / "toc.csv")
    assert len(toc) == 17 and sum(row["found"] == "yes" for row in toc) == 3
    assert len(read_csv(corpus / "glossary.csv")) == 46


def test_characters_add_up_in_the_tables(seed_run):
    corpus = seed_run / "results" / "corpus"
    (source,) = read_csv(corpus / "sources.csv")
    dropped = read_csv(corpus / "dropped.csv")
    reports = read_csv(corpus / "reports.csv")
    read = sum(len(line) for line in SEED.read_text(encoding="utf-8").split("\n"))
    assert int(source["characters_read"]) == read
    kept = sum(int(r["source_characters"]) for r in reports)
    assert int(source["characters_kept"]) == kept
    assert kept + sum(int(row["characters"]) for row in dropped) == read
    assert {row["reason"] for row in dropped} >= {"table_of_contents", "web_debris"}


def test_missing_reports_are_named_in_the_log(seed_run):
    log = (seed_run / "results" / "logs" / "split_reports.log").read_text(encoding="utf-8")
    assert "14 reports listed in a table of contents are not in the text" in log
    for district in ("朝阳区", "海淀区", "延庆区"):
        assert district in log


def test_an_up_to_date_workflow_runs_nothing(seed_run):
    process = run_snakemake(seed_run, "--dry-run")
    assert "Nothing to be done" in process.stdout


def test_reordering_the_config_reruns_nothing(seed_run):
    path = seed_run / "config" / "config.yaml"
    original = path.read_text(encoding="utf-8")
    try:
        # safe_dump sorts the keys and drops the comments: same values, another text.
        path.write_text(yaml.safe_dump(yaml.safe_load(original), allow_unicode=True), "utf-8")
        assert "Nothing to be done" in run_snakemake(seed_run, "--dry-run").stdout
    finally:
        path.write_text(original, encoding="utf-8")


def test_changing_a_split_parameter_reruns_the_split(seed_run, tmp_path):
    workdir = copy_project(tmp_path)
    run_snakemake(workdir)
    config_path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["split"]["max_header_lines"] = 10
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    process = run_snakemake(workdir, "--dry-run")
    assert "split_reports" in process.stdout
    assert "Params have changed" in process.stdout or "params" in process.stdout.lower()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"split.max_header_line": 3}, "config key 'split.max_header_line' is unknown"),
        ({"split.max_header_lines": "ten"}, "config key 'split.max_header_lines'"),
        ({"split.max_header_lines": 0}, "at least 1"),
        ({"inputs": ["seeds/no_such_file.txt"]}, "'seeds/no_such_file.txt' does not exist"),
        ({"inputs": ["seeds/*.docx"]}, "'seeds/*.docx' matches no file"),
        ({"manifest": "config/missing.csv"}, "config key 'manifest'"),
        # Caught at start-up, before any work (issue: config mistakes caught late).
        ({"split.debris_lines": ["阅读全文", "(未闭合"]}, "'split.debris_lines.1'"),
        ({"split.encodings": ["utf-8", "gbk2"]}, "'gbk2' is not an encoding Python knows"),
        ({"figures.cmap": "YlGnBuu"}, "did you mean 'YlGnBu'?"),
        ({"figures.cmap_diverging": "RdBu_rr"}, "config key 'figures.cmap_diverging'"),
        ({"lda.k_choice": 7}, "config key 'lda.k_choice': 7 is not one of lda.k"),
        ({"segment.stopwords": ["config/stopwords/none.txt"]}, "'segment.stopwords.0'"),
        ({"dictionary.files": ["config/dictionary/none.txt"]}, "'dictionary.files.0'"),
    ],
)
def test_a_bad_config_stops_the_run_naming_the_key(tmp_path, changes, expected):
    workdir = copy_project(tmp_path)
    set_config(workdir, **changes)
    process = run_snakemake(workdir, check=False)
    assert process.returncode != 0
    assert expected in process.stdout
    errors = [line for line in process.stdout.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and expected in errors[0], process.stdout[-2000:]
    assert "Traceback" not in process.stdout and 'File "' not in process.stdout
    assert not (workdir / "results").exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"tfidf.min_df": 5}, "config key 'tfidf.min_df': 5 is more than the 3 report(s)"),
        ({"tfidf.min_df": 2, "tfidf.max_df": 0.5}, "config key 'tfidf.max_df': 0.5 keeps"),
    ],
)
def test_settings_impossible_for_the_corpus_stop_right_after_the_split(tmp_path, changes, expected):
    workdir = copy_project(tmp_path)
    set_config(workdir, **changes)
    process = run_snakemake(workdir, check=False)
    assert process.returncode != 0
    errors = [line for line in process.stdout.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and expected in errors[0], process.stdout[-2000:]
    assert "Traceback" not in process.stdout
    # The split ran (the number of reports is known only then); nothing after it did.
    assert (workdir / "results" / "corpus" / "reports.csv").is_file()
    assert not (workdir / "results" / "tokens").exists()


def test_a_failed_split_leaves_no_partial_output(tmp_path):
    workdir = copy_project(tmp_path)
    (workdir / "seeds" / "copy.txt").write_bytes(SEED.read_bytes())
    set_config(workdir, inputs=["seeds/*.txt"])
    process = run_snakemake(workdir, check=False)
    assert process.returncode != 0
    # The same text twice: the duplicate check names both files.
    assert "the same report twice" in process.stdout
    assert "seeds/copy.txt" in process.stdout
    corpus = workdir / "results" / "corpus"
    leftovers = [p.name for p in corpus.iterdir()] if corpus.exists() else []
    assert leftovers == []
