"""How robust is the choice of K? The LDA sweep refitted on bootstrap resamples of the
paragraphs, and the rule of lda_choose applied to each.

    python benchmarks/k_bootstrap.py                       # the seed, 10 resamples
    python benchmarks/k_bootstrap.py --corpus provinces --resamples 5 --keep /tmp/kboot

The workflow runs in a copy (benchmarks/project_copy.py) up to the prepared corpus
(results/lda/corpus); each resample draws as many training paragraphs as there are, with
replacement (seeded: --seed and the resample's number), writes them as the corpus's train.mm in
a folder of its own and runs lda_sweep's `sweep` on it with the shipped settings (lda.k,
lda.seeds, lda.passes …); `choose_k` then chooses. Every run of the workflow already reports how
the choice moves over the sweep's seeds (results/lda/chosen.json, `robustness`); this refits the
sweep, so it is a benchmark, not a step.

Prints the K chosen on the corpus itself and on each resample, and how often each K is chosen;
writes results/benchmarks/k_bootstrap.csv (resample, k, c_npmi_mean, c_npmi_sd, stability,
topic_diversity, chosen).
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gwr.io import write_csv  # noqa: E402
from project_copy import copy_project  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpora"
CORPORA = {
    "seed": [],
    "provinces": [str(SHARED / "provinces-2025" / "*.txt")],
}
COLUMNS = ["resample", "k", "c_npmi_mean", "c_npmi_sd", "stability", "topic_diversity", "chosen"]


def prepare(workdir: Path, inputs: list[str]) -> Path:
    """Run the workflow in `workdir` up to the prepared LDA corpus; return its folder."""
    import yaml

    corpus_dir = workdir / "results" / "lda" / "corpus"
    if corpus_dir.is_dir():
        return corpus_dir
    copy_project(workdir)
    if inputs:
        path = workdir / "config" / "config.yaml"
        config = yaml.safe_load(path.read_text("utf-8"))
        config["inputs"] = inputs
        path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    # (The target first: --quiet would take it for one of its own values.)
    target = "results/lda/corpus"
    command = [sys.executable, "-m", "snakemake", target, "--cores", "2", "--quiet"]
    subprocess.run(command, cwd=workdir, check=True)
    return corpus_dir


def resampled(corpus_dir: Path, target: Path, seed: list[int]) -> Path:
    """A copy of the prepared corpus whose training documents are a bootstrap resample."""
    from gensim.corpora import MmCorpus
    from gwr.lda import TRAIN, corpus_stream

    shutil.copytree(corpus_dir, target)
    documents = list(corpus_stream(corpus_dir, TRAIN))
    rng = np.random.default_rng(seed)
    drawn = rng.integers(0, len(documents), size=len(documents))
    for name in Path(target).glob(TRAIN + "*"):
        name.unlink()
    MmCorpus.serialize(str(target / TRAIN), [documents[i] for i in drawn])
    return target


def choose(corpus_dir: Path, settings: dict, processes: int) -> tuple[int, list[dict]]:
    """The sweep on `corpus_dir`, and the K the rule chooses."""
    from gwr.lda import read_samples
    from lda_choose import choose_k
    from lda_sweep import metrics_record, sweep

    ks = sorted(set(settings["k"]))
    documents = read_samples(corpus_dir)["documents"]
    results = sweep(corpus_dir, ks, settings, processes)
    metrics = [metrics_record(r, settings, documents, 0) for r in results]
    return choose_k(metrics, settings)[0], metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="seed")
    parser.add_argument("--resamples", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it")
    args = parser.parse_args()
    if args.corpus != "seed" and not SHARED.is_dir():
        sys.exit(f"the shared corpora are not at {SHARED}")
    import yaml

    settings = yaml.safe_load((ROOT / "config" / "config.yaml").read_text("utf-8"))["lda"]
    rows, chosen = [], []
    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or Path(scratch)
        corpus_dir = prepare(base / args.corpus, CORPORA[args.corpus])
        for resample in range(args.resamples + 1):
            folder = corpus_dir
            if resample:  # 0: the corpus itself
                folder = resampled(corpus_dir, base / f"resample{resample}", [args.seed, resample])
            k, metrics = choose(folder, settings, args.processes)
            chosen.append(k)
            print(f"resample {resample or 'none'}: K = {k}", flush=True)
            for m in metrics:
                rows.append(
                    {
                        "resample": resample,
                        "k": m["k"],
                        "c_npmi_mean": m["summary"]["c_npmi"]["mean"],
                        "c_npmi_sd": m["summary"]["c_npmi"]["sd"],
                        "stability": m["stability"],
                        "topic_diversity": m["summary"]["topic_diversity"]["mean"],
                        "chosen": "yes" if m["k"] == k else "",
                    }
                )
            if resample and not args.keep:
                shutil.rmtree(folder)
    write_csv(ROOT / "results" / "benchmarks" / "k_bootstrap.csv", COLUMNS, rows)
    counts = Counter(chosen[1:])
    print(
        f"corpus itself: K = {chosen[0]}; over {args.resamples} resamples: "
        + ", ".join(f"K = {k}: {n}" for k, n in sorted(counts.items()))
    )


if __name__ == "__main__":
    main()
