"""The scale benchmark's pieces: synthetic corpora, the workflow reading them, the targets."""

import pytest
from conftest import copy_project, run_snakemake, set_config
from gwr.io import read_csv
from scale import by_rule, rule_benchmarks, target_rows  # benchmarks/ (on the path: conftest)
from synthetic import paragraph_slots, read_templates, write_corpus, year_and_parent


def test_synthetic_reports_keep_a_real_reports_shape(provinces, tmp_path):
    files, manifest = write_corpus(33, tmp_path / "a", provinces)
    again, _ = write_corpus(40, tmp_path / "b", provinces)
    templates = read_templates(provinces)
    pool = {line for lines in templates for i in paragraph_slots(lines) for line in [lines[i]]}
    for n, path in enumerate(files):
        lines = path.read_text("utf-8").split("\n")
        template = templates[n % len(templates)]
        slots = set(paragraph_slots(template))
        assert len(lines) == len(template) and slots
        # Every line but the plain paragraphs is the template's; those are drawn from the pool.
        assert all(lines[i] == template[i] for i in range(len(lines)) if i not in slots)
        assert all(lines[i] in pool for i in slots)
        assert sum(lines[i] != template[i] for i in slots) > len(slots) / 2
        # Deterministic, and a smaller corpus is a prefix of a larger one.
        assert path.read_bytes() == again[n].read_bytes()
    rows = read_csv(manifest)
    assert [r["year"] for r in rows] == ["2025"] * 31 + ["2024"] * 2
    assert {r["region"] for r in rows} == {""}  # the report's own header names it


@pytest.mark.workflow
def test_the_workflow_reads_a_synthetic_corpus_and_its_manifest(provinces, tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(33, corpus, provinces)
    workdir = copy_project(tmp_path / "project")
    set_config(workdir, inputs=[str(corpus / "*.txt")], manifest=str(corpus / "manifest.csv"))
    run_snakemake(workdir, "results/corpus/reports.csv")
    reports = read_csv(workdir / "results" / "corpus" / "reports.csv")
    assert len(reports) == 33
    years = sorted(int(r["year"]) for r in reports)
    assert years == [2024, 2024] + [2025] * 31
    # The first two provinces' reports come back as earlier years (the manifest's), same region.
    second_round = {r["region"] for r in reports if r["year"] == "2024"}
    assert len(second_round) == 2 and second_round <= {
        r["region"] for r in reports if r["year"] == "2025"
    }


def test_rule_benchmarks_are_summed_by_rule(tmp_path):
    folder = tmp_path / "results" / "benchmarks" / "rules"
    folder.mkdir(parents=True)
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    for name, seconds, rss in (
        ("segment_shard-001", 2.0, 190.0),
        ("segment_shard-002", 3.0, 210.5),
        ("lda_sweep", 10.0, 400.0),
    ):
        (folder / f"{name}.tsv").write_text(
            header + f"{seconds}\t0:00:0{int(seconds)}\t{rss}\t1\t1\t1\t0\t0\t50\t{seconds / 2}\n"
        )
    rules = {row["rule"]: row for row in by_rule(rule_benchmarks(tmp_path / "results"))}
    assert rules["segment"] == {
        "rule": "segment",
        "jobs": 2,
        "wall_s": 5.0,
        "cpu_s": 2.5,
        "peak_mb": 210.5,
    }
    assert rules["lda_sweep"]["jobs"] == 1


def test_targets_are_judged_on_the_measured_runs():
    def run(reports, cores, wall, peak=500.0, rerun=1.5):
        return {
            "corpus": "synthetic",
            "reports": reports,
            "cores": cores,
            "wall_s": wall,
            "peak_job_mb": peak,
            "peak_rule": "lda_sweep",
            "rerun_s": rerun,
        }

    runs = [run(1000, 2, 100.0), run(1000, 1, 180.0), run(3000, 2, 340.0, peak=2500.0)]
    seed = {"seed_s": 9.0, "stock_s": 5.0}
    met = {row["target"]: row["met"] for row in target_rows(runs, seed, 0.9, 1000, 2)}
    assert list(met.values()) == ["yes", "yes", "NO", "NO", "yes", "yes"]
    # Nothing measured at N = 3000: the growth and memory targets say so.
    met = [row["met"] for row in target_rows(runs[:2], seed, None, 1000, 2)]
    assert met[0] == "not measured" and met[2] == "not measured"


def test_synthetic_reports_keep_plausible_unique_years_at_any_size():
    from gwr.header import FIRST_YEAR

    keys = [(n % 31, *year_and_parent(n, 31).values()) for n in range(5000)]
    assert len(set(keys)) == len(keys)  # region (the template), year and parent unique
    assert min(year for _, year, _ in keys) >= FIRST_YEAR
    assert max(year for _, year, _ in keys) == 2025


def test_the_62_report_benchmark_corpus_is_the_provinces_and_the_national_reports_of_1987_on(
    provinces, tmp_path
):
    """benchmarks/speed.py's corpus: 31 provincial reports and the 31 national ones 1987–2022,
    the manifest cut to those years (the workflow refuses rows that match no input), and one
    folder of the same 62 files for the stock recipe."""
    from speed import NATIONAL, benchmark_corpus

    if not (NATIONAL / "manifest.csv").exists():
        pytest.skip(f"the national series is not at {NATIONAL} (../shared is absent)")
    inputs, manifest, folder = benchmark_corpus(tmp_path)
    assert len(inputs) == 62 == len(list(folder.glob("*.txt")))
    years = [int(row["year"]) for row in read_csv(manifest)]
    assert len(years) == 31 and min(years) == 1987 and max(years) == 2022
    assert {row["file"] for row in read_csv(manifest)} <= {p.name for p in folder.iterdir()}
