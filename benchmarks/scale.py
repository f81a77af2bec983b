"""The scale benchmark: the workflow on synthetic corpora of N reports, and the targets of issue 7.

    python benchmarks/scale.py                      # N = 31, 300, 1000, 3000 (about an hour)
    python benchmarks/scale.py --sizes 31 300       # a quick look

For each N, a corpus of N synthetic reports resampled from the 31 provincial reports of
../shared/corpora/provinces-2025/ (benchmarks/synthetic.py) is analysed by a fresh copy of the
workflow with the shipped config (`snakemake --cores 2`), timed from the outside; at
N = --speedup-size it runs again with `--cores 1`. Then an up-to-date rerun is timed. In the same
run it times the stock notebook recipe (benchmarks/stock_notebook.py) and the workflow on the
bundled seed, cold, alternately, and measures the segmentation throughput
(benchmarks/segmentation.py). Writes to results/benchmarks/:

- scale_runs.csv: one row per run (N, cores, reports, characters, wall time, sum of the jobs'
  wall and CPU times, peak memory of any job, up-to-date rerun time);
- scale_rules.csv: per run and rule, jobs, wall time, CPU time and peak memory, from
  Snakemake's `benchmark:` files;
- targets.csv: each target, its measure, its threshold, met or not;
- scale.png / scale.svg: time and peak memory against N.
"""

import argparse
import csv
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import yaml  # noqa: E402
from gwr.io import read_csv, write_csv  # noqa: E402
from project_copy import copy_project  # noqa: E402
from synthetic import PROVINCES, template_files, write_corpus  # noqa: E402

SEED = ROOT / "seeds" / "beijing_2024_reports_compendium.txt"
SIZES = [31, 300, 1000, 3000]
# The targets of issue 7.
SEGMENTATION_RATIO_MIN = 0.8
SPEEDUP_MIN = 1.7
GROWTH_MAX = 3.3
PEAK_MB_MAX = 2048
RERUN_S_MAX = 3.0
SEED_VS_STOCK_MAX = 2.0
# One benchmark file per job: results/benchmarks/rules/<rule>[_shard-NNN].tsv.
_JOB_SUFFIX = re.compile(r"_shard-\d+$")

RUN_COLUMNS = [
    "corpus",
    "reports",
    "characters",
    "cores",
    "wall_s",
    "jobs",
    "jobs_wall_s",
    "jobs_cpu_s",
    "peak_job_mb",
    "peak_rule",
    "rerun_s",
]
RULE_COLUMNS = ["corpus", "reports", "cores", "rule", "jobs", "wall_s", "cpu_s", "peak_mb"]


def use_corpus(workdir: Path, corpus: Path) -> None:
    """Point a copy's config at a synthetic corpus and its manifest (nothing else changes)."""
    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text("utf-8"))
    config["inputs"] = [str(corpus / "*.txt")]
    config["manifest"] = str(corpus / "manifest.csv")
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")


def snakemake(workdir: Path, cores: int, log: Path, *args: str) -> float:
    """Run the workflow (with `args`: targets, options); return its wall time (s). A failed run
    stops the benchmark."""
    start = time.perf_counter()
    with log.open("a", encoding="utf-8") as handle:
        process = subprocess.run(
            [sys.executable, "-m", "snakemake", *args, "--cores", str(cores)],
            cwd=workdir,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"the workflow failed in {workdir}; see {log}")
    return seconds


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def rule_benchmarks(results: Path) -> list[dict]:
    """One row per job: rule, wall s, CPU s, peak memory (MB) from Snakemake's benchmark files."""
    jobs = []
    for path in sorted((results / "benchmarks" / "rules").glob("*.tsv")):
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        last = rows[-1]
        jobs.append(
            {
                "rule": _JOB_SUFFIX.sub("", path.stem),
                "wall_s": float(last["s"]),
                "cpu_s": float(last["cpu_time"]),
                "peak_mb": float(last["max_rss"]) if last["max_rss"] != "NA" else 0.0,
            }
        )
    return jobs


def by_rule(jobs: list[dict]) -> list[dict]:
    rules: dict[str, dict] = {}
    for job in jobs:
        row = rules.setdefault(
            job["rule"], {"rule": job["rule"], "jobs": 0, "wall_s": 0.0, "cpu_s": 0.0, "peak_mb": 0}
        )
        row["jobs"] += 1
        row["wall_s"] += job["wall_s"]
        row["cpu_s"] += job["cpu_s"]
        row["peak_mb"] = max(row["peak_mb"], job["peak_mb"])
    return sorted(rules.values(), key=lambda row: -row["wall_s"])


def corpus_size(workdir: Path) -> tuple[int, int]:
    reports = read_csv(workdir / "results" / "corpus" / "reports.csv")
    return len(reports), sum(int(r["characters"]) for r in reports)


def measure_run(
    name: str, workdir: Path, cores: int, log: Path, reruns: int, wall: float | None = None
) -> tuple:
    """Run the workflow in `workdir` (unless it has run: `wall`), time up-to-date reruns, and
    gather the jobs' benchmark files."""
    if wall is None:
        wall = snakemake(workdir, cores, log)
    rerun = statistics.median(snakemake(workdir, cores, log) for _ in range(reruns))
    jobs = rule_benchmarks(workdir / "results")
    reports, characters = corpus_size(workdir)
    peak = max(jobs, key=lambda job: job["peak_mb"])
    run = {
        "corpus": name,
        "reports": reports,
        "characters": characters,
        "cores": cores,
        "wall_s": round(wall, 2),
        "jobs": len(jobs),
        "jobs_wall_s": round(sum(j["wall_s"] for j in jobs), 2),
        "jobs_cpu_s": round(sum(j["cpu_s"] for j in jobs), 2),
        "peak_job_mb": round(peak["peak_mb"], 1),
        "peak_rule": peak["rule"],
        "rerun_s": round(rerun, 2),
    }
    rules = [
        {
            "corpus": name,
            "reports": reports,
            "cores": cores,
            **row,
            "wall_s": round(row["wall_s"], 2),
            "cpu_s": round(row["cpu_s"], 2),
            "peak_mb": round(row["peak_mb"], 1),
        }
        for row in by_rule(jobs)
    ]
    print(
        f"{name}: {reports} reports, {characters:,} characters, --cores {cores}: "
        f"{wall:.1f} s (jobs: {run['jobs_wall_s']} s wall, {run['jobs_cpu_s']} s CPU), "
        f"peak job {run['peak_job_mb']} MB ({run['peak_rule']}), rerun {rerun:.2f} s",
        flush=True,
    )
    return run, rules


def seed_and_stock(work: Path, cores: int, repeats: int, log: Path) -> dict:
    """The seed end to end, cold, and the stock recipe, alternately; medians (and the last
    seed run's folder and time)."""
    stock, seed = [], []
    for number in range(repeats):
        stock.append(
            timed(
                [sys.executable, str(ROOT / "benchmarks" / "stock_notebook.py"), str(SEED), "."],
                cwd=work,
            )
        )
        workdir = copy_project(work / f"seed-{number + 1}")
        seed.append(snakemake(workdir, cores, log))
        print(f"seed cold {seed[-1]:.1f} s, stock recipe {stock[-1]:.2f} s", flush=True)
    return {
        "stock_s": statistics.median(stock),
        "seed_s": statistics.median(seed),
        "workdir": workdir,
        "last_s": seed[-1],
    }


def segmentation_ratio(out: Path) -> float | None:
    """benchmarks/segmentation.py (it writes results/benchmarks/segment_throughput.csv of the
    project); the pipeline's throughput over raw jieba.lcut's."""
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "segmentation.py"), "--repeats", "3"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    table = ROOT / "results" / "benchmarks" / "segment_throughput.csv"
    if out.resolve() != table.parent.resolve():
        shutil.copyfile(table, out / table.name)
    for row in read_csv(table):
        if row["method"].startswith("pipeline"):
            return float(row["ratio_to_raw_lcut"])
    return None


def target_rows(runs: list[dict], seed: dict, ratio, speedup_size: int, cores: int) -> list[dict]:
    by_key = {(r["reports"], r["cores"]): r for r in runs if r["corpus"] != "seed"}
    sizes = sorted({n for n, c in by_key if c == cores})
    rows = []

    def add(target, measured, threshold, met, note=""):
        rows.append(
            {
                "target": target,
                "measured": "" if measured is None else measured,
                "threshold": threshold,
                "met": "not measured" if met is None else ("yes" if met else "NO"),
                "note": note,
            }
        )

    add(
        "segmentation with filtering / raw jieba.lcut throughput (one core)",
        ratio,
        f">= {SEGMENTATION_RATIO_MIN}",
        None if ratio is None else ratio >= SEGMENTATION_RATIO_MIN,
        "benchmarks/segmentation.py, best of 3",
    )
    one, two = by_key.get((speedup_size, 1)), by_key.get((speedup_size, cores))
    speedup = round(one["wall_s"] / two["wall_s"], 2) if one and two else None
    add(
        f"--cores {cores} speed-up over --cores 1 at N = {speedup_size}",
        speedup,
        f">= {SPEEDUP_MIN}",
        None if speedup is None else speedup >= SPEEDUP_MIN,
    )
    growth = None
    if len(sizes) >= 2 and sizes[-1] > speedup_size and (speedup_size, cores) in by_key:
        growth = round(by_key[(sizes[-1], cores)]["wall_s"] / two["wall_s"], 2)
    add(
        f"T({sizes[-1] if sizes else '?'}) / T({speedup_size})",
        growth,
        f"<= {GROWTH_MAX}",
        None if growth is None else growth <= GROWTH_MAX,
        "linear growth allows the ratio of the sizes, 3.0, plus 10 %",
    )
    largest = by_key.get((sizes[-1], cores)) if sizes else None
    peak = largest["peak_job_mb"] if largest else None
    add(
        f"peak memory of any job at N = {sizes[-1] if sizes else '?'} (MB)",
        peak,
        f"<= {PEAK_MB_MAX}",
        None if peak is None else peak <= PEAK_MB_MAX,
        f"rule {largest['peak_rule']}" if largest else "",
    )
    reruns = [r["rerun_s"] for r in runs]
    worst = max(reruns) if reruns else None
    add(
        "up-to-date rerun, slowest of the corpora (s)",
        worst,
        f"<= {RERUN_S_MAX}",
        None if worst is None else worst <= RERUN_S_MAX,
    )
    ratio_seed = round(seed["seed_s"] / seed["stock_s"], 2) if seed else None
    add(
        "seed end to end, cold / stock notebook recipe",
        ratio_seed,
        f"<= {SEED_VS_STOCK_MAX}",
        None if ratio_seed is None else ratio_seed <= SEED_VS_STOCK_MAX,
        f"{seed['seed_s']:.1f} s / {seed['stock_s']:.2f} s (medians)" if seed else "",
    )
    return rows


def scale_figure(runs: list[dict], cores: int, png: Path, svg: Path) -> None:
    from gwr.plotting import MIN_DPI, save_figure, setup_matplotlib

    setup_matplotlib(MIN_DPI)
    import matplotlib.pyplot as plt

    rows = sorted(
        (r for r in runs if r["corpus"] != "seed" and r["cores"] == cores),
        key=lambda r: r["reports"],
    )
    fig, (time_ax, memory_ax) = plt.subplots(1, 2, figsize=(11, 4.5))
    sizes = [r["reports"] for r in rows]
    time_ax.plot(sizes, [r["wall_s"] for r in rows], "o-", label=f"墙钟时间 wall (--cores {cores})")
    time_ax.plot(sizes, [r["jobs_cpu_s"] for r in rows], "s--", label="各任务 CPU 时间之和 CPU")
    single = [r for r in runs if r["cores"] == 1 and r["corpus"] != "seed"]
    if single:
        time_ax.plot(
            [r["reports"] for r in single], [r["wall_s"] for r in single], "^", label="--cores 1"
        )
    if rows:
        base = rows[0]
        time_ax.plot(
            sizes,
            [base["wall_s"] * n / base["reports"] for n in sizes],
            ":",
            color="grey",
            label="线性增长 linear",
        )
    time_ax.set(
        xscale="log",
        yscale="log",
        xlabel="报告数 N (reports)",
        ylabel="时间 (秒, s)",
        title="运行时间与报告数 Time vs N",
    )
    time_ax.legend(fontsize=8)
    memory_ax.plot(sizes, [r["peak_job_mb"] for r in rows], "o-", label="单个任务峰值内存")
    memory_ax.axhline(PEAK_MB_MAX, color="red", linestyle=":", label=f"目标 {PEAK_MB_MAX} MB")
    memory_ax.set(
        xscale="log",
        xlabel="报告数 N (reports)",
        ylabel="峰值内存 (MB)",
        title="任务峰值内存与报告数 Peak memory vs N",
    )
    memory_ax.set_ylim(bottom=0)
    memory_ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, png, svg, MIN_DPI)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--speedup-size", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3, help="seed/stock pairs timed")
    parser.add_argument("--reruns", type=int, default=3, help="up-to-date reruns timed per run")
    parser.add_argument("--templates", type=Path, default=PROVINCES)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "benchmarks")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()
    templates = template_files(args.templates)
    work = args.work or Path(tempfile.mkdtemp(prefix="gwr-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "snakemake.log"
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"working in {work}; Snakemake's output goes to {log}", flush=True)
    try:
        ratio = segmentation_ratio(args.out)
        print(f"segmentation: {ratio}x raw jieba.lcut", flush=True)
        seed = seed_and_stock(work, args.cores, args.repeats, log)
        runs, rules = [], []
        seed_run, seed_rules = measure_run(
            "seed", seed["workdir"], args.cores, log, args.reruns, wall=seed["last_s"]
        )
        runs.append(seed_run)
        rules += seed_rules
        for size in args.sizes:
            corpus = work / f"corpus-{size}"
            write_corpus(size, corpus, templates)
            plans = [args.cores] + ([1] if size == args.speedup_size and args.cores > 1 else [])
            for cores in plans:
                workdir = copy_project(work / f"run-{size}-cores{cores}")
                use_corpus(workdir, corpus)
                run, run_rules = measure_run("synthetic", workdir, cores, log, args.reruns)
                runs.append(run)
                rules += run_rules
            # Write as we go: a long benchmark that stops still leaves its measurements.
            write_csv(args.out / "scale_runs.csv", RUN_COLUMNS, runs)
            write_csv(args.out / "scale_rules.csv", RULE_COLUMNS, rules)
        write_csv(args.out / "scale_runs.csv", RUN_COLUMNS, runs)
        write_csv(args.out / "scale_rules.csv", RULE_COLUMNS, rules)
        targets = target_rows(runs, seed, ratio, args.speedup_size, args.cores)
        write_csv(
            args.out / "targets.csv", ["target", "measured", "threshold", "met", "note"], targets
        )
        scale_figure(runs, args.cores, args.out / "scale.png", args.out / "scale.svg")
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print("targets:")
    for row in targets:
        print(f"  {row['met']:>12}  {row['target']}: {row['measured']} ({row['threshold']})")
    print(f"written: {args.out}/scale_runs.csv, scale_rules.csv, targets.csv, scale.png")


if __name__ == "__main__":
    main()
