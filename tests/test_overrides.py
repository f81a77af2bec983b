"""Config overrides on the command line, and code edits: each reruns exactly the jobs it affects.

Snakemake reads nested `--config` values as strings (YAML's BaseLoader); the workflow types them
by the schema (gwr.config.type_overrides), so `--config 'lda={k_choice: 8}'` means the integer 8.
"""

import json
import shutil

import pytest
from conftest import FIGURE_RULES, planned_jobs, run_snakemake
from gwr.io import read_csv

pytestmark = [pytest.mark.trust, pytest.mark.workflow]

FIGURES_AND_PAGE = FIGURE_RULES | {"report_page", "all"}
MODELS = {"split_reports", "build_dictionary", "segment", "vocabulary", "tfidf", "lda_prepare"}


@pytest.fixture()
def done(seed_run, tmp_path):
    """A copy of a completed seed run, free to change."""
    workdir = tmp_path / "project"
    shutil.copytree(seed_run, workdir, symlinks=True)
    return workdir


def dry_run(workdir, *args) -> dict[str, int]:
    return planned_jobs(run_snakemake(workdir, "--dry-run", *args).stdout)


def test_a_nested_override_equal_to_the_config_reruns_nothing(done):
    # '12' as Snakemake passes it is the integer 12 of config/config.yaml: nothing changed.
    output = run_snakemake(done, "--dry-run", "--config", "split={max_header_lines: 12}").stdout
    assert "Nothing to be done" in output
    every_k = "lda={k: [4, 6, 8, 10, 12, 14, 16, 18, 20]}"
    assert "Nothing to be done" in run_snakemake(done, "--dry-run", "--config", every_k).stdout


def test_a_nested_override_reruns_exactly_its_jobs_and_takes_effect(done):
    override = ("--config", "lda={k_choice: 8}")
    jobs = dry_run(done, *override)
    # The sweep fits a K named by lda.k_choice with every seed (it may have been screened out);
    # the corpus, the segmentation and TF-IDF stay.
    assert jobs["lda_choose"] == 1 and jobs["lda_sweep"] == 1
    assert not MODELS & set(jobs), jobs
    run_snakemake(done, *override)
    chosen = json.loads((done / "results" / "lda" / "chosen.json").read_text("utf-8"))
    assert chosen["k"] == 8
    assert len(read_csv(done / "results" / "lda" / "chosen" / "report_topics.csv")[0]) == 2 + 8
    # The same override again: up to date.
    assert "Nothing to be done" in run_snakemake(done, "--dry-run", *override).stdout


def test_an_override_of_a_split_parameter_reruns_the_split(done):
    jobs = dry_run(done, "--config", "split={max_header_lines: 20}")
    assert jobs["split_reports"] == 1
    # Only that key changes: the rest of `split` is merged in from config/config.yaml.
    run_snakemake(done, "--config", "split={max_header_lines: 20}")
    assert len(read_csv(done / "results" / "corpus" / "reports.csv")) == 3


def test_a_boolean_and_a_number_override(done):
    jobs = dry_run(done, "--config", "figures={wordcloud_seed: 2}")
    assert set(jobs) == {"fig_wordclouds", "report_page", "all"}
    jobs = dry_run(done, "--config", "segment={hmm: false}")
    assert jobs["segment"] >= 1 and "split_reports" not in jobs


def test_a_configfile_changes_many_values(done):
    (done / "my.yaml").write_text(
        "similarity:\n  shared_terms: 3\nreport:\n  pairs_shown: 2\n", encoding="utf-8"
    )
    jobs = dry_run(done, "--configfile", "my.yaml")
    assert set(jobs) == {
        "similarity",
        "fig_similarity",
        "fig_dendrograms",
        "fig_trends",  # its distance to the year before reads the similarity matrices
        "report_page",
        "all",
    }


def test_a_dotted_key_is_refused_by_snakemake_itself(done):
    # Snakemake's own parser allows no dots in --config keys (README, "Changing parameters").
    process = run_snakemake(done, "--dry-run", "--config", "lda.k_choice=8", check=False)
    assert process.returncode != 0


def edit(path):
    path.write_text(path.read_text("utf-8") + "\n# an edit\n", "utf-8")


def test_editing_a_shared_module_reruns_the_rules_that_import_it(done):
    # gwr/plotting.py: every figure (they all draw through it) and the page, nothing else.
    edit(done / "scripts" / "gwr" / "plotting.py")
    jobs = dry_run(done)
    assert FIGURES_AND_PAGE - {"report_page", "all"} <= set(jobs)
    assert not (MODELS | {"lda_sweep", "lda_choose", "similarity"}) & set(jobs), jobs


def test_editing_the_io_module_reruns_every_step(done):
    edit(done / "scripts" / "gwr" / "io.py")
    jobs = dry_run(done)
    assert {"split_reports", "report_page"} <= set(jobs)


def test_topic_names_reach_every_table_the_figures_and_the_page_without_a_refit(done):
    """lda.labels names a topic by its automatic label: the name replaces it everywhere, and
    only the choice and what follows it rerun; a name whose label is gone warns and is unused."""
    lda = done / "results" / "lda"
    auto = json.loads((lda / "chosen.json").read_text("utf-8"))["labels"]
    override = ("--config", f'lda={{labels: {{"{auto[1]}": 营商环境测试名}}}}')
    jobs = dry_run(done, *override)
    assert jobs["lda_choose"] == jobs["lda_shares"] == 1
    assert not (MODELS | {"lda_sweep"}) & set(jobs), jobs
    run_snakemake(done, *override)
    chosen = json.loads((lda / "chosen.json").read_text("utf-8"))
    assert chosen["labels"] == [auto[0], "营商环境测试名", *auto[2:]]
    assert chosen["auto_labels"] == auto and not chosen["label_warnings"]
    for table in ("topics.csv", "report_topic_shares.csv", "examples.csv"):
        named = {r["topic_label"] for r in read_csv(lda / "chosen" / table) if r["topic"] == "2"}
        assert named == {"营商环境测试名"}, table
    for page in (done / "results" / "report.html", lda / "topic_view.html"):
        assert "营商环境测试名" in page.read_text("utf-8"), page
    # A name for a label no topic has: a warning, and the automatic labels.
    run_snakemake(done, "--config", "lda={labels: {不存在·的·标签: 某名}}")
    chosen = json.loads((lda / "chosen.json").read_text("utf-8"))
    assert chosen["labels"] == auto
    assert "不存在·的·标签" in chosen["label_warnings"][0]
    assert "不存在·的·标签" in (done / "results" / "report.html").read_text("utf-8")
    assert "不存在·的·标签" in (done / "results" / "logs" / "lda_choose.log").read_text("utf-8")
