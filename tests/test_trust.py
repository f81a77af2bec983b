"""Trust: reruns redo exactly what a change affects, identical results, resumable runs, hostile
inputs. Run them all with `pytest -m trust`."""

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import FIGURE_RULES, SEED, copy_project, planned_jobs, run_snakemake, set_config
from gwr.io import read_csv

pytestmark = [pytest.mark.trust, pytest.mark.workflow]

SEED_LINES = SEED.read_text("utf-8").split("\n")
DONGCHENG = [line for line in SEED_LINES[229:360] if line.strip()]  # title to closing appeal


def dry_run_after(workdir, change) -> dict[str, int]:
    """Jobs a dry run plans after `change(workdir)`; the project is restored afterwards."""
    files = [p for p in (workdir / "config").rglob("*") if p.is_file()]
    files += list((workdir / "scripts").rglob("*.py"))
    saved = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    try:
        change(workdir)
        return planned_jobs(run_snakemake(workdir, "--dry-run").stdout)
    finally:
        # Content and time stamp: Snakemake reruns a script's jobs when the script is newer.
        for path, (data, mtime) in saved.items():
            if path.read_bytes() != data:
                path.write_bytes(data)
                os.utime(path, ns=(mtime, mtime))


def test_each_config_section_reruns_exactly_its_jobs(seed_run):
    def change(**values):
        return dry_run_after(seed_run, lambda w: set_config(w, **values))

    # similarity: the matrices, their figures and the page.
    assert set(change(**{"similarity.shared_terms": 3})) == {
        "similarity",
        "fig_similarity",
        "fig_dendrograms",
        "fig_trends",  # its distance to the year before reads the similarity matrices
        "report_page",
        "all",
    }
    # policy attention: its step, its figure and the page; the targets likewise.
    assert set(change(**{"attention.alpha": 0.5})) == {
        "attention",
        "fig_attention",
        "report_page",
        "all",
    }
    assert set(change(**{"targets.max_gap": 20})) == {
        "targets",
        "fig_targets",
        "report_page",
        "all",
    }
    # report page: the page only.
    assert set(change(**{"report.pairs_shown": 3})) == {"report_page", "all"}
    # figures: every figure and the page, no model.
    jobs = change(**{"figures.dpi": 200})
    assert set(jobs) == FIGURE_RULES | {"report_page", "all"}
    # splitting: from the split on (the checkpoint's downstream jobs are known after it runs).
    jobs = change(**{"split.max_heading_chars": 50})
    assert jobs["split_reports"] == 1
    # inputs: adding a text reruns the split.
    jobs = change(inputs=["seeds/*.txt"])  # the same file, written as a glob: nothing new
    assert "split_reports" not in jobs


def test_adding_an_input_reruns_the_split(seed_run):
    def add(workdir):
        (workdir / "seeds" / "extra.txt").write_text("\n".join(DONGCHENG) + "\n", "utf-8")
        set_config(workdir, inputs=["seeds/beijing_2024_reports_compendium.txt", "seeds/extra.txt"])

    try:
        assert dry_run_after(seed_run, add)["split_reports"] == 1
    finally:
        (seed_run / "seeds" / "extra.txt").unlink(missing_ok=True)


def test_editing_a_script_reruns_its_jobs(seed_run):
    def edit(workdir):
        path = workdir / "scripts" / "tfidf.py"
        path.write_text(path.read_text("utf-8") + "\n# an edit\n", "utf-8")

    jobs = dry_run_after(seed_run, edit)
    assert jobs["tfidf"] == 1
    assert not {"split_reports", "segment", "lda_sweep"} & set(jobs)
    assert "Nothing to be done" in run_snakemake(seed_run, "--dry-run").stdout


# Files that are not byte-identical from run to run, and why:
# - logs/ and benchmarks/ hold times;
# - gensim pickles its model objects (lda.gensim, lda.gensim.state), whose bytes vary between
#   processes although the parameters are the same: the test compares the models' arrays instead.
PICKLED = (".gensim", ".state")


def result_files(results):
    return {
        path.relative_to(results): path.read_bytes()
        for path in sorted(results.rglob("*"))
        if path.is_file()
        and path.relative_to(results).parts[0] not in ("logs", "benchmarks")
        and path.name != ".snakemake_timestamp"
        and not path.name.endswith(PICKLED)
        and "snakemake-report" not in path.name
    }


def same_models(ours, theirs) -> bool:
    import numpy as np
    from gensim.models import LdaModel

    for path in sorted(ours.rglob("lda.gensim")):
        mine = LdaModel.load(str(path))
        other = LdaModel.load(str(theirs / path.relative_to(ours)))
        if not np.array_equal(mine.get_topics(), other.get_topics()):
            return False
    return True


def test_two_clean_runs_give_identical_files_figures_and_page(seed_run, tmp_path):
    workdir = copy_project(tmp_path)
    run_snakemake(workdir)
    ours = result_files(workdir / "results")
    theirs = result_files(seed_run / "results")
    assert set(ours) == set(theirs)
    different = sorted(str(path) for path in ours if ours[path] != theirs[path])
    assert different == [], different
    assert any(str(p).endswith(".png") for p in ours) and any(str(p).endswith(".svg") for p in ours)
    assert "report.html" in {str(p) for p in ours}
    assert same_models(workdir / "results", seed_run / "results")


def test_a_run_killed_during_the_lda_sweep_resumes_to_the_same_results(seed_run, tmp_path):
    workdir = copy_project(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--cores", "2"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    lda = workdir / "results" / "lda"
    deadline = time.monotonic() + 300
    sweep_log = workdir / "results" / "logs" / "lda_sweep.log"
    while time.monotonic() < deadline and not sweep_log.exists():
        time.sleep(0.2)
    assert sweep_log.exists(), "the LDA sweep did not start in time"
    time.sleep(1.0)  # into the fits
    assert not (lda / "chosen.json").exists(), "the sweep ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)  # no chance to clean up
    process.wait()
    # Nothing that looks finished is half-written: no temporary file was renamed into place.
    run_snakemake(workdir, "--unlock")
    run_snakemake(workdir, "--rerun-incomplete")
    ours = result_files(workdir / "results")
    theirs = result_files(seed_run / "results")
    different = sorted(str(path) for path in ours if ours[path] != theirs.get(path))
    assert different == [], different
    assert same_models(workdir / "results", seed_run / "results")
    leftovers = [p for p in (workdir / "results").rglob(".*.tmp")]
    assert leftovers == [] or all(not p.exists() for p in leftovers)


# --- hostile inputs -----------------------------------------------------------------------------


def run_on(tmp_path, files: dict[str, bytes], **config):
    """Run the workflow on `files`: one report has too few paragraphs for the default sweep up to
    K=20 (a clear error, tested below), so these runs sweep K over 2 and 4."""
    workdir = copy_project(tmp_path)
    for name, data in files.items():
        (workdir / "seeds" / name).write_bytes(data)
    config = {"lda.k": [2, 4], "lda.seeds": [1, 2], **config}
    set_config(workdir, inputs=[f"seeds/{name}" for name in files], **config)
    return workdir, run_snakemake(workdir, check=False)


def test_a_report_on_one_line_is_cut_into_paragraphs(tmp_path):
    workdir, process = run_on(tmp_path, {"one_line.txt": "".join(DONGCHENG).encode()})
    assert process.returncode == 0, process.stdout[-3000:]
    (report,) = read_csv(workdir / "results" / "corpus" / "reports.csv")
    assert (report["region"], report["year"]) == ("东城区", "2024")
    assert int(report["paragraphs"]) > 10
    (source,) = read_csv(workdir / "results" / "corpus" / "sources.csv")
    assert source["long_lines_cut"] == "1" and source["lines"] == "1"
    assert "paragraph breaks seem lost" in process.stdout
    assert (workdir / "results" / "report.html").exists()


def test_region_names_with_path_and_shell_characters_stay_inside_results(tmp_path):
    header = DONGCHENG[:4]
    hostile = [
        line.replace("北京市东城区第十七届", "北京市东/../$(touch PWNED);区第十七届")
        for line in header
    ]
    text = "\n".join(hostile + DONGCHENG[4:]) + "\n"
    workdir, process = run_on(tmp_path, {"hostile.txt": text.encode()})
    assert process.returncode == 0, process.stdout[-3000:]
    (report,) = read_csv(workdir / "results" / "corpus" / "reports.csv")
    # The name stays as the header gives it (normalised: full-width brackets and semicolon,
    # spaces closed up).
    assert report["region"] == "东/../$（touchPWNED）；区", report["region"]
    assert report["report_id"].replace("-", "").isalnum() and report["report_id"].isascii()
    assert not (workdir / "PWNED").exists() and not (tmp_path / "PWNED").exists()
    assert (workdir / "results" / "corpus" / "text" / f"{report['report_id']}.jsonl").exists()
    outside = [p for p in tmp_path.rglob("*.jsonl") if "results" not in p.parts]
    assert outside == []


def test_an_html_page_is_read_as_text(tmp_path):
    import html

    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in DONGCHENG)
    page = (
        "<!DOCTYPE html><html><head><title>政府工作报告</title><script>var x='<p>';</script>"
        f"</head><body>{body}<div>版权所有 © 2024</div></body></html>"
    )
    workdir, process = run_on(tmp_path, {"page.html": page.encode()})
    assert process.returncode == 0, process.stdout[-3000:]
    (source,) = read_csv(workdir / "results" / "corpus" / "sources.csv")
    assert "HTML converted to text" in source["encoding"]
    text = (workdir / "results" / "corpus" / "text" / "beijing-dongcheng-2024.jsonl").read_text(
        "utf-8"
    )
    assert "<p>" not in text and "var x" not in text and "版权所有" not in text


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        # Title, session and speaker, then only the salutation: a fragment, not a report.
        (DONGCHENG[:4] + ["各位代表：", "阅读全文"], "holds only a fragment of a report"),
        # Only boilerplate (every word a stopword), and long enough to be a report.
        (
            DONGCHENG[:4] + ["各位代表：" + "我们要坚持推进，加强落实，深入推进。" * 80],
            "no token left",
        ),
    ],
)
def test_a_report_left_empty_stops_with_a_clear_error(tmp_path, lines, message):
    text = "\n".join(lines) + "\n"
    workdir, process = run_on(tmp_path, {"empty.txt": text.encode()})
    assert process.returncode != 0
    assert message in process.stdout
    # The message names the report (segmentation) or the file (the split).
    assert "beijing-dongcheng-2024" in process.stdout or "empty.txt" in process.stdout
    assert not (workdir / "results" / "tokens" / "vocabulary.csv").exists()


def test_more_topics_than_documents_is_a_clear_error(tmp_path):
    workdir = copy_project(tmp_path)
    set_config(
        workdir,
        **{"lda.unit": "report", "lda.k": [2, 4], "lda.seeds": [1], "lda.no_below": 1},
        **{"lda.no_above": 1.0},
    )
    process = run_snakemake(workdir, check=False)
    assert process.returncode != 0
    assert "lda.k holds K=4, more topics than the 3 documents" in process.stdout
    assert not (workdir / "results" / "lda" / "k4" / "metrics.json").exists()
    assert not (workdir / "results" / "lda" / "k4").exists() or not any(
        (workdir / "results" / "lda" / "k4").iterdir()
    )
