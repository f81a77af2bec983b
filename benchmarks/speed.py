"""The speed benchmark: the targets of issue "Speed", each measured side by side on this machine.

    python benchmarks/speed.py                        # everything (about an hour on 2 cores)
    python benchmarks/speed.py --sizes 1000           # without N = 3000
    python benchmarks/speed.py --sizes                # the seed and the 62 reports only

1. The seed end to end, cold, against the stock notebook recipe (benchmarks/stock_notebook.py:
   raw jieba.lcut, a tiny stopword list, one LdaModel, one heatmap), alternately, --repeats
   times; medians.
2. The 62-report benchmark corpus (the 31 provincial reports of 2025 and the national reports
   1987–2022 of ../shared/corpora), cold, against the stock recipe reading the same 62 files
   from one folder.
3. Synthetic corpora of N reports (benchmarks/synthetic.py, resampled from the provincial
   reports) analysed by this workflow and by the commit the batch started from (--baseline),
   one after the other, with the shipped config of each; then the tokens of this workflow's run
   against a segmentation of the same corpus with `segment.engine: jieba` (the results are the
   same when the tokens are: every later step is deterministic).
4. Peak memory of any job (Snakemake's benchmark files), an up-to-date rerun, and a rerun of the
   seed after one stopword is added (its most frequent token).
5. The LDA sweep (issue "Topics a reader can trust": at least 3.5x faster at equal or better
   coherence and stability) on the 80 reports of ../shared (provinces and the national series):
   this workflow with and without screening, and the batch's first commit, each run up to the
   choice of K; the lda_sweep job's wall time from its benchmark file. Met when the screened
   sweep chooses the full sweep's K with the same coherence and stability (the screen loses
   nothing); the old commit's chosen figures are printed beside, but they are measured on its
   own tokens and dictionary (the fits' quality at equal K on one corpus: lda_fit.py).

Writes results/benchmarks/speed_targets.csv (target, measured, threshold, met, note) and
speed_rules.csv (CPU and wall time per rule and run: the profile behind a missed target).
"""

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gwr.io import read_csv, write_csv  # noqa: E402
from project_copy import PROJECT_ITEMS, copy_project, set_config  # noqa: E402
from scale import by_rule, rule_benchmarks, snakemake, timed  # noqa: E402
from synthetic import PROVINCES, template_files, write_corpus  # noqa: E402

SEED = ROOT / "seeds" / "beijing_2024_reports_compendium.txt"
NATIONAL = ROOT.parent / "shared" / "corpora" / "national-1954-2022"
BENCHMARK_YEARS = (1987, 2022)  # the national reports of the 62-report corpus
# The commit the batch of issues 12-19 started from (the last of 2026-11-27).
BASELINE = "0ce0c2a"
SIZES = [1000, 3000]
# The targets of issue "Speed".
VS_STOCK_MAX = 4.0
SPEEDUP_MIN = 3.0
PEAK_MB_MAX = 2048
RERUN_S_MAX = 2.0
STOPWORD_RERUN_S_MAX = 8.0
STOPWORD_LIST = "config/stopwords/government_boilerplate.txt"

# What the benchmark measures, in this order (--stages picks some).
STAGES = ("seed", "corpus", "sweep", "sizes")
RULE_COLUMNS = ["run", "rule", "jobs", "wall_s", "cpu_s", "peak_mb"]
TARGET_COLUMNS = ["target", "measured", "threshold", "met", "note"]


def stock(source: Path, work: Path) -> float:
    script = ROOT / "benchmarks" / "stock_notebook.py"
    return timed([sys.executable, str(script), str(source), "stock-out"], cwd=work)


# --- the corpora ---------------------------------------------------------------------------------


def benchmark_corpus(work: Path) -> tuple[list[str], Path, Path]:
    """(inputs, manifest, folder of the 62 files for the stock recipe)."""
    provinces = template_files(PROVINCES)
    with open(NATIONAL / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if BENCHMARK_YEARS[0] <= int(row["year"]) <= BENCHMARK_YEARS[1]
        ]
    folder = work / "corpus-62"
    folder.mkdir(parents=True, exist_ok=True)
    files = [*provinces, *(NATIONAL / row["file"] for row in rows)]
    for path in files:
        target = folder / path.name
        if not target.exists():
            target.symlink_to(path)
    # The workflow refuses manifest rows that match no input: the rows of these years only.
    manifest = work / "manifest-62.csv"
    with open(manifest, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [str(path) for path in files], manifest, folder


def baseline_copy(commit: str, target: Path) -> Path | None:
    """The workflow as it was at `commit` (git archive), or None where git cannot give it."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, *PROJECT_ITEMS],
        capture_output=True,
    )
    if archive.returncode != 0:
        print(f"baseline {commit} not available: {archive.stderr.decode().strip()}", flush=True)
        return None
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


# --- measures ------------------------------------------------------------------------------------


class Results:
    def __init__(self, out: Path):
        self.out = out
        self.targets: list[dict] = []
        self.rules: list[dict] = []

    def target(self, name, measured, threshold: str, met, note="") -> None:
        self.targets.append(
            {
                "target": name,
                "measured": "" if measured is None else measured,
                "threshold": threshold,
                "met": "not measured" if met is None else ("yes" if met else "NO"),
                "note": note,
            }
        )
        print(f"{self.targets[-1]['met']:>12}  {name}: {measured} ({threshold}) {note}", flush=True)
        self.write()

    def profile(self, run: str, workdir: Path) -> list[dict]:
        jobs = rule_benchmarks(workdir / "results")
        rows = [
            {
                "run": run,
                **row,
                "wall_s": round(row["wall_s"], 2),
                "cpu_s": round(row["cpu_s"], 2),
                "peak_mb": round(row["peak_mb"], 1),
            }
            for row in by_rule(jobs)
        ]
        self.rules += rows
        self.write()
        return rows

    def write(self) -> None:
        write_csv(self.out / "speed_targets.csv", TARGET_COLUMNS, self.targets)
        write_csv(self.out / "speed_rules.csv", RULE_COLUMNS, self.rules)


def top_rules(rows: list[dict], n: int = 4) -> str:
    """The rules of most CPU time: the profile behind a ratio."""
    ranked = sorted(rows, key=lambda row: -row["cpu_s"])[:n]
    return "; ".join(f"{r['rule']} {r['cpu_s']:.1f} CPU-s" for r in ranked)


def cpu_total(rows: list[dict]) -> float:
    return round(sum(row["cpu_s"] for row in rows), 1)


def seed_against_stock(work: Path, cores: int, repeats: int, log: Path, results: Results):
    stock_s, seed_s = [], []
    for number in range(repeats):
        stock_s.append(stock(SEED, work))
        workdir = copy_project(work / f"seed-{number + 1}")
        seed_s.append(snakemake(workdir, cores, log))
        print(f"seed cold {seed_s[-1]:.1f} s, stock recipe {stock_s[-1]:.2f} s", flush=True)
    ratio = round(statistics.median(seed_s) / statistics.median(stock_s), 2)
    rows = results.profile("seed", workdir)
    results.target(
        "the seed end to end, cold / the stock recipe",
        ratio,
        f"<= {VS_STOCK_MAX}",
        ratio <= VS_STOCK_MAX,
        f"{statistics.median(seed_s):.1f} s / {statistics.median(stock_s):.2f} s (medians of "
        f"{repeats}); jobs {cpu_total(rows)} CPU-s: {top_rules(rows)}",
    )
    return workdir


def reruns(workdir: Path, name: str, cores: int, log: Path, results: Results, count=3) -> None:
    seconds = statistics.median(snakemake(workdir, cores, log) for _ in range(count))
    results.target(
        f"an up-to-date rerun ({name})",
        round(seconds, 2),
        f"<= {RERUN_S_MAX}",
        seconds <= RERUN_S_MAX,
        f"median of {count}",
    )


def stopword_rerun(workdir: Path, cores: int, log: Path, results: Results) -> None:
    """Add the seed's most frequent kept token to a stopword list and rerun."""
    vocabulary = read_csv(workdir / "results" / "tokens" / "vocabulary.csv")
    word = max(vocabulary, key=lambda row: int(row["count"]))["term"]
    with open(workdir / STOPWORD_LIST, "a", encoding="utf-8") as handle:
        handle.write(f"\n{word}\n")
    seconds = snakemake(workdir, cores, log)
    rows = results.profile("seed, one stopword added", workdir)
    results.target(
        "a rerun of the seed after one stopword is added",
        round(seconds, 2),
        f"<= {STOPWORD_RERUN_S_MAX}",
        seconds <= STOPWORD_RERUN_S_MAX,
        f"stopword {word}; reran every step that reads the tokens: {top_rules(rows)}",
    )


def corpus_against_stock(work: Path, cores: int, log: Path, results: Results) -> None:
    if not (NATIONAL / "manifest.csv").exists() or not PROVINCES.is_dir():
        results.target("the 62-report corpus / the stock recipe", None, "", None, "no ../shared")
        return
    inputs, manifest, folder = benchmark_corpus(work)
    stock_s = stock(folder, work)
    workdir = copy_project(work / "corpus-62-run")
    set_config(workdir, inputs=inputs, manifest=str(manifest))
    seconds = snakemake(workdir, cores, log)
    rows = results.profile("62 reports", workdir)
    ratio = round(seconds / stock_s, 2)
    results.target(
        "the 62-report benchmark corpus, cold / the stock recipe",
        ratio,
        f"<= {VS_STOCK_MAX}",
        ratio <= VS_STOCK_MAX,
        f"{seconds:.1f} s / {stock_s:.2f} s; jobs {cpu_total(rows)} CPU-s: {top_rules(rows)}",
    )
    reruns(workdir, "62 reports", cores, log, results)


def same_tokens(workdir: Path, cores: int, log: Path) -> tuple[bool, str]:
    """This run's tokens against a segmentation of the same corpus with jieba."""
    reference = workdir.parent / f"{workdir.name}-jieba"
    if reference.exists():
        shutil.rmtree(reference)
    copy_project(reference)
    shutil.copyfile(workdir / "config" / "config.yaml", reference / "config" / "config.yaml")
    set_config(reference, **{"segment.engine": "jieba"})
    snakemake(reference, cores, log, "results/tokens/vocabulary.csv")
    ours = sorted((workdir / "results" / "tokens").glob("shard-*/*.jsonl"))
    theirs = sorted((reference / "results" / "tokens").glob("shard-*/*.jsonl"))
    names = [p.relative_to(workdir / "results") for p in ours]
    if names != [p.relative_to(reference / "results") for p in theirs] or not ours:
        return False, "the token files differ in number or name"
    differ = [
        str(n)
        for n, a, b in zip(names, ours, theirs, strict=True)
        if a.read_bytes() != b.read_bytes()
    ]
    vocabulary = "vocabulary.csv"
    same_vocabulary = (workdir / "results" / "tokens" / vocabulary).read_bytes() == (
        reference / "results" / "tokens" / vocabulary
    ).read_bytes()
    shutil.rmtree(reference, ignore_errors=True)
    note = (
        f"{len(ours)} token files, {len(differ)} differ; vocabulary.csv identical: "
        f"{same_vocabulary}"
    )
    return not differ and same_vocabulary, note


def synthetic(size: int, work: Path, cores: int, log: Path, results: Results, baseline) -> None:
    corpus = work / f"corpus-{size}"
    write_corpus(size, corpus, template_files(PROVINCES))
    values = {"inputs": [str(corpus / "*.txt")], "manifest": str(corpus / "manifest.csv")}
    now = copy_project(work / f"run-{size}")
    set_config(now, **values)
    seconds = snakemake(now, cores, log)
    rows = results.profile(f"N={size}", now)
    peak = max(rows, key=lambda row: row["peak_mb"])
    results.target(
        f"peak memory of any job at N = {size} (MB)",
        peak["peak_mb"],
        f"<= {PEAK_MB_MAX}",
        peak["peak_mb"] <= PEAK_MB_MAX,
        f"rule {peak['rule']}",
    )
    reruns(now, f"N = {size}", cores, log, results)
    same, note = same_tokens(now, cores, log)
    results.target(f"N = {size}: the tokens of rjieba are jieba's", same, "identical", same, note)
    if baseline is None:
        results.target(f"N = {size}: speed-up over {BASELINE}", None, f">= {SPEEDUP_MIN}", None)
        return
    old = work / f"baseline-{size}"
    shutil.copytree(baseline, old)
    set_config(old, **values)
    old_seconds = snakemake(old, cores, log)
    old_rows = results.profile(f"N={size}, {BASELINE}", old)
    speedup = round(old_seconds / seconds, 2)
    results.target(
        f"N = {size}: speed-up over the batch's first commit {BASELINE}",
        speedup,
        f">= {SPEEDUP_MIN}",
        speedup >= SPEEDUP_MIN,
        f"{old_seconds:.0f} s -> {seconds:.0f} s; jobs {cpu_total(old_rows)} -> {cpu_total(rows)} "
        f"CPU-s; now: {top_rules(rows)}",
    )
    shutil.rmtree(old, ignore_errors=True)


def sweep_corpus() -> tuple[list[str], str]:
    """The 31 provincial reports and the 49 national reports (80), with the national manifest."""
    return (
        [str(PROVINCES / "*.txt"), str(NATIONAL / "*.txt")],
        str(NATIONAL / "manifest.csv"),
    )


def chosen_quality(workdir: Path) -> dict:
    """The chosen K of a run, its mean c_npmi and its stability (model_selection.csv)."""
    rows = read_csv(workdir / "results" / "lda" / "model_selection.csv")
    row = next(r for r in rows if r["chosen"] == "yes")
    return {
        "k": int(row["k"]),
        "c_npmi": float(row["c_npmi_mean"]),
        "stability": float(row["stability"]),
    }


def sweep_job(workdir: Path) -> dict:
    job = next(j for j in rule_benchmarks(workdir / "results") if j["rule"] == "lda_sweep")
    return job


def sweep_against_baseline(work: Path, cores: int, log: Path, results: Results, baseline) -> None:
    """The LDA sweep on the 80 reports: this workflow (with and without screening) against the
    batch's first commit, each run up to the choice of K."""
    if baseline is None or not (NATIONAL / "manifest.csv").exists():
        results.target("the LDA sweep, 80 reports: speed-up", None, ">= 3.5", None)
        return
    inputs, manifest = sweep_corpus()
    target = "results/lda/model_selection.csv"
    runs = {}
    for name, source, values in (
        ("now", None, {}),
        ("now, no screening", None, {"lda.screen_passes": 0}),
        (BASELINE, baseline, {}),
    ):
        workdir = work / f"sweep-{len(runs)}"
        if source is None:
            copy_project(workdir)
        else:
            shutil.copytree(source, workdir)
        set_config(workdir, inputs=inputs, manifest=manifest, **values)
        snakemake(workdir, cores, log, target)
        runs[name] = {"job": sweep_job(workdir), **chosen_quality(workdir)}
        print(f"sweep {name}: {runs[name]}", flush=True)
        shutil.rmtree(workdir, ignore_errors=True)
    old, now = runs[BASELINE], runs["now"]
    speedup = round(old["job"]["wall_s"] / now["job"]["wall_s"], 2)
    unscreened = runs["now, no screening"]
    # The screen must lose nothing: the chosen K and its figures are the full sweep's. (The old
    # commit's figures are measured on its own tokens, stopwords and dictionary: not the same
    # scale; the fits' quality at equal K on one corpus is benchmarks/lda_fit.py's.)
    same = all(now[key] == unscreened[key] for key in ("k", "c_npmi", "stability"))
    results.target(
        f"the LDA sweep on the 80 reports: speed-up over {BASELINE}",
        speedup,
        ">= 3.5, choosing the full sweep's K and model",
        speedup >= 3.5 and same,
        f"{old['job']['wall_s']:.0f} s ({old['job']['cpu_s']:.0f} CPU-s), K={old['k']} c_npmi "
        f"{old['c_npmi']:+.4f} stability {old['stability']:.3f} -> {now['job']['wall_s']:.0f} s "
        f"({now['job']['cpu_s']:.0f} CPU-s), K={now['k']} c_npmi {now['c_npmi']:+.4f} stability "
        f"{now['stability']:.3f}; without screening {unscreened['job']['wall_s']:.0f} s "
        f"({old['job']['wall_s'] / unscreened['job']['wall_s']:.2f}x), K={unscreened['k']} "
        f"c_npmi {unscreened['c_npmi']:+.4f} stability {unscreened['stability']:.3f}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=SIZES)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3, help="seed/stock pairs timed")
    parser.add_argument("--baseline", default=BASELINE, help="the commit compared with")
    parser.add_argument(
        "--stages",
        nargs="+",
        default=list(STAGES),
        choices=list(STAGES),
        help="what to measure (default: all)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "benchmarks")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="gwr-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    log = work / "snakemake.log"
    print(f"working in {work}; Snakemake's output goes to {log}", flush=True)
    results = Results(args.out)
    try:
        if "seed" in args.stages:
            seed = seed_against_stock(work, args.cores, args.repeats, log, results)
            reruns(seed, "the seed", args.cores, log, results)
            stopword_rerun(seed, args.cores, log, results)
        if "corpus" in args.stages:
            corpus_against_stock(work, args.cores, log, results)
        baseline = baseline_copy(args.baseline, work / "baseline")
        if "sweep" in args.stages:
            sweep_against_baseline(work, args.cores, log, results, baseline)
        if "sizes" in args.stages:
            for size in args.sizes:
                synthetic(size, work, args.cores, log, results, baseline)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(f"written: {args.out}/speed_targets.csv, speed_rules.csv")


if __name__ == "__main__":
    main()
