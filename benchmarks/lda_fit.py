"""How do the LDA training settings (chunking, passes, update rule) affect topic quality and cost?
Measured on the shared real corpora, with the sweep's own functions (scripts/lda_sweep.py).

    python benchmarks/lda_fit.py                      # corpora P and B (about 25 min on 2 cores)
    python benchmarks/lda_fit.py --corpora P S N --workdir /tmp/lda_fit   # keep the copies

Corpora (from ../shared/corpora): `P` the 31 provincial reports of 2025; `N` the national series
1954–2022 with its manifest; `B` the 62-report benchmark (P and the national reports 1987–2022,
the manifest cut to those years); `S` the bundled seed. For each, a copy of the workflow (as
project_copy makes it) is run up to the prepared corpus (results/lda/corpus); an existing one in
--workdir is reused.

Every fit runs --passes passes (20, cut by lda.training_budget) and records the
topic-word matrix and the CPU time (time.process_time, BLAS on one thread) after each pass: the
model after pass p is the model a fit with `passes=p` gives (checked, with `--check`), so the
variants with fewer passes and the early stops are read off the same fits. Variants:
`current` (chunks of lda.chunksize: the last chunk of a pass is short, but blended like a full
one), `equal` (the same number of chunks, of equal size: ceil(N / ceil(N / chunksize))),
`equal500` (equal chunks of at most 500), `batch` (update_every 0: one M-step per pass), `decay07`
(equal chunks, decay 0.7), `iter50`, `iter1000` (equal chunks, 50 or 1,000 inference iterations
per document instead of lda.iterations), `batched` (equal chunks, the batched E-step of
lda.inference on the corpus held in memory: what the sweep fits by default). At K=10 every
variant is fitted with seeds 1–5 (or those of --variants); `current` and `equal` also across
lda.k with seeds 1–3 (unless --no-sweep).

Prints (and writes to --out, with each corpus's raw measures as a pickle):
1. at K=10: c_npmi mean ± sd over seeds, stability (mean matched cosine between seeds), CPU per
   fit, and the matched cosine to the same fit's last pass, after 5, 10 and all passes;
2. the drift: the first pass whose topics are within matched cosine 0.99 of the last pass's,
   and the early stops (after the first pass p >= 2 whose topics are within cosine tau of pass
   p-1's): where they stop, and how close to the last pass;
3. sweep strategies: their CPU against today's 27 fits, and the K and topic labels
   lda_choose.choose_k picks with them.
"""

import argparse
import csv
import math
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from gensim.models.callbacks import Metric

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from project_copy import copy_project  # noqa: E402

# The workflow's own functions, imported from the scripts of the copy that prepared the corpus
# (see `use_scripts`): what is measured is the code that ran.
W = SimpleNamespace()
SHARED = ROOT.parent / "shared" / "corpora"
NATIONAL = "national-1954-2022"
VARIANTS = {
    "current": {"chunks": "fixed"},
    "equal": {"chunks": "equal"},
    "equal500": {"chunks": "equal", "chunksize": 500},
    "batch": {"chunks": "fixed", "update_every": 0},
    "decay07": {"chunks": "equal", "decay": 0.7},
    "iter50": {"chunks": "equal", "iterations": 50},
    "iter1000": {"chunks": "equal", "iterations": 1000},
    # gwr.lda_inference's batched E-step on the in-memory corpus, as the sweep fits today
    "batched": {"chunks": "equal", "inference": "batched"},
}
SWEEP_VARIANTS = ["current", "equal"]
K10, SEEDS10 = 10, [1, 2, 3, 4, 5]
CLOSE = 0.99
TAUS = [0.99, 0.995, 0.998, 0.999, 0.9995]


# --- the prepared corpora ------------------------------------------------------------------------


def corpus_inputs(name: str, shared: Path, workdir: Path):
    """(inputs, manifest) of corpus `name`, or None for the seed (the config unchanged)."""
    national = shared / NATIONAL
    provinces = [str(shared / "provinces-2025" / "*.txt")]
    if name == "S":
        return None
    if name == "P":
        return provinces, ""
    if name == "N":
        return [str(national / "*.txt")], str(national / "manifest.csv")
    with open(national / "manifest.csv", encoding="utf-8-sig", newline="") as f:
        rows = [row for row in csv.DictReader(f) if 1987 <= int(row["year"]) <= 2022]
    # The workflow refuses manifest rows that match no input: write the rows of these years.
    manifest = workdir / "manifest_1987-2022.csv"
    with open(manifest, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return provinces + [str(national / row["file"]) for row in rows], str(manifest)


def prepare(name: str, workdir: Path, shared: Path) -> Path:
    """A copy of the workflow in `workdir`, run up to results/lda/corpus (reused if there)."""
    import yaml

    corpus_dir = workdir / "results" / "lda" / "corpus"
    if (corpus_dir / "samples.json").exists():
        return corpus_dir
    copy_project(workdir)
    inputs = corpus_inputs(name, shared, workdir)
    if inputs is not None:
        path = workdir / "config" / "config.yaml"
        config = yaml.safe_load(path.read_text("utf-8"))
        config["inputs"], config["manifest"] = inputs
        path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    targets = ["results/lda/corpus", "results/lda/documents.csv"]
    subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *targets, "--quiet", "all"],
        cwd=workdir,
        check=True,
    )
    return corpus_dir


def use_scripts(scripts: Path) -> None:
    """Import the sweep's functions from `scripts` (a copy's scripts folder) into W."""
    sys.path.insert(0, str(scripts))
    import lda_choose
    import lda_sweep
    from gwr.lda import load_prepared, single_threaded

    for name in ("SweepCorpus", "coherence_scores", "effective_passes", "matched_similarity"):
        setattr(W, name, getattr(lda_sweep, name))
    # describe_topics and term_shares moved from lda_sweep to lda_choose.
    for name in ("describe_topics", "term_shares"):
        setattr(W, name, getattr(lda_sweep, name, None) or getattr(lda_choose, name))
    W.train, W.prior, W.choose_k = lda_sweep.train, lda_sweep._prior, lda_choose.choose_k
    W.load_prepared, W.single_threaded = load_prepared, single_threaded
    try:  # the batched E-step (lda.inference), since it exists
        from gwr import lda_inference
    except ImportError:
        lda_inference = None
    W.lda_inference = lda_inference


def lda_settings(workdir: Path) -> dict:
    import yaml

    return yaml.safe_load((workdir / "config" / "config.yaml").read_text("utf-8"))["lda"]


# --- fits, pass by pass --------------------------------------------------------------------------


def chunk_size(documents: int, variant: dict, settings: dict) -> int:
    size = variant.get("chunksize", settings["chunksize"])
    if variant["chunks"] == "equal":
        return math.ceil(documents / math.ceil(documents / size))
    return size


class PassRecorder(Metric):
    """A gensim callback metric: the topic-word matrix and the CPU time after each pass."""

    title, logger, viz_env = "passes", None, None

    def __init__(self):
        self.start = time.process_time()
        self.topics, self.cpu = [], []

    def get_value(self, model=None, **_):
        self.cpu.append(time.process_time() - self.start)
        self.topics.append(model.get_topics().copy())
        return 0.0


def fit(corpus, k: int, seed: int, settings: dict, variant: dict, passes=None):
    """A fit as lda_sweep.train makes it, under `variant`; returns (model, PassRecorder)."""
    from gensim.models import LdaModel

    documents = len(corpus.train)
    recorder = PassRecorder()
    model_class, training = LdaModel, corpus.train
    if variant.get("inference") == "batched":
        model_class, training = W.lda_inference.BatchedLdaModel, corpus.in_memory()
    model = W.single_threaded(
        lambda: model_class(
            corpus=training,
            id2word=corpus.dictionary,
            num_topics=k,
            random_state=seed,
            passes=passes or W.effective_passes(documents, settings),
            iterations=variant.get("iterations", settings["iterations"]),
            alpha=W.prior(settings["alpha"]),
            eta=W.prior(settings["eta"]),
            chunksize=chunk_size(documents, variant, settings),
            update_every=variant.get("update_every", 1),
            decay=variant.get("decay", 0.5),
            offset=variant.get("offset", 1.0),
            eval_every=None,
            minimum_probability=0.0,
            callbacks=[recorder],
        )
    )
    return model, recorder


def diagonal_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Mean cosine of each topic with itself in another pass of the same fit."""
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return float((a * b).sum(axis=1).mean())


def run_fit(corpus, k, seed, settings, name) -> dict:
    _, recorder = fit(corpus, k, seed, settings, VARIANTS[name])
    snaps = recorder.topics
    return {
        "variant": name,
        "k": k,
        "seed": seed,
        "cpu": recorder.cpu,
        "topics": np.stack(snaps),
        "to_last": [W.matched_similarity(s, snaps[-1]) for s in snaps],
        "to_previous": [float("nan")]
        + [diagonal_cosine(snaps[p], snaps[p - 1]) for p in range(1, len(snaps))],
    }


def checks(corpus, settings) -> dict:
    """Which variant is lda_sweep.train, and is the recorded pass p the model of `passes=p`?"""
    reference = W.single_threaded(W.train, corpus.train, corpus.dictionary, K10, 1, settings)
    result = {}
    for name in SWEEP_VARIANTS:
        model, recorder = fit(corpus, K10, 1, settings, VARIANTS[name])
        result[f"train_is_{name}"] = bool(np.allclose(reference.get_topics(), model.get_topics()))
    five, _ = fit(corpus, K10, 1, settings, VARIANTS[name], passes=5)
    result["pass5_is_passes5"] = bool(np.allclose(recorder.topics[4], five.get_topics()))
    # update() called pass by pass is not multi-pass training: it counts each call's documents
    # as new ones (state.numdocs grows) and decays rho by them.
    stepped, _ = fit(corpus, K10, 1, settings, VARIANTS[name], passes=1)
    for _ in range(4):
        W.single_threaded(stepped.update, corpus.train)
    result["update_x5_cos_to_pass5"] = W.matched_similarity(
        stepped.get_topics(), recorder.topics[4]
    )
    return result


def sweep_corpus(corpus_dir: Path, settings: dict):
    """The sweep's corpus with gensim's E-step (the training corpus streamed from its file), and
    `in_memory()`, the training corpus as the batched E-step's sweep holds it."""
    import inspect

    if len(inspect.signature(W.SweepCorpus).parameters) == 1:  # before lda.inference
        corpus = W.SweepCorpus(corpus_dir)
    else:
        corpus = W.SweepCorpus(corpus_dir, {**settings, "inference": "gensim"})
    held = []

    def in_memory():
        if not held:
            held.append(W.lda_inference.ArrayCorpus(corpus.train))
        return held[0]

    corpus.in_memory = in_memory
    return corpus


def measure(name: str, corpus_dir: Path, settings: dict, ks, variants, do_checks: bool) -> dict:
    corpus = sweep_corpus(corpus_dir, settings)
    fits = []
    jobs = [(v, K10, s) for v in variants for s in SEEDS10]
    jobs += [(v, k, s) for v in SWEEP_VARIANTS for k in ks if k != K10 for s in settings["seeds"]]
    for number, (variant, k, seed) in enumerate(jobs, start=1):
        fits.append(run_fit(corpus, k, seed, settings, variant))
        print(
            f"{name}: fit {number}/{len(jobs)} {variant} K={k} seed={seed} "
            f"{fits[-1]['cpu'][-1]:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    # Coherence of every pass of every fit: the co-occurrences gathered once (lda_sweep's way).
    topn = settings["coherence_topn"]
    terms = corpus.dictionary
    sets = [
        [[terms[w] for w in np.argsort(-row, kind="stable")[:topn]] for row in snap]
        for f in fits
        for snap in f["topics"]
    ]
    scores = iter(
        W.single_threaded(
            W.coherence_scores, "c_npmi", sets, corpus.texts, terms, corpus.bows, topn
        )
    )
    top = settings["diversity_topn"]
    for f in fits:
        f["c_npmi"] = [next(scores) for _ in f["topics"]]
        f["diversity"] = [
            len({w for row in snap for w in np.argsort(-row)[:top]}) / (top * len(snap))
            for snap in f["topics"]
        ]
    dictionary, bows, _ = W.load_prepared(corpus_dir)
    return {
        "corpus": name,
        "documents": len(corpus.train),
        "passes": W.effective_passes(len(corpus.train), settings),
        "chunks": {v: chunk_size(len(corpus.train), VARIANTS[v], settings) for v in VARIANTS},
        "share": W.term_shares(bows, len(dictionary)),
        "variants": list(variants),
        "sweep": bool(ks),
        "fits": fits,
        "checks": checks(corpus, settings) if do_checks else {},
    }


# --- summaries -----------------------------------------------------------------------------------


def find(data, variant, k, seed):
    return next(f for f in data["fits"] if (f["variant"], f["k"], f["seed"]) == (variant, k, seed))


def stop_pass(f: dict, rule) -> int:
    """The pass (index) a fit stops after: a number of passes, or ('tau', τ) for early stop."""
    last = len(f["cpu"]) - 1
    if isinstance(rule, int):
        return min(rule, last + 1) - 1
    return next((p for p in range(1, last) if f["to_previous"][p] >= rule[1]), last)


def labels_of(topics: np.ndarray, dictionary, share, settings) -> list[str]:
    """The topic labels lda_sweep.describe_topics gives a model of these topics."""
    model = type("Topics", (), {"num_topics": len(topics), "get_topics": lambda _: topics})()
    return W.describe_topics(model, dictionary, share, settings)[1]


def summary(data, variant, k, seeds, rule, settings, dictionary=None) -> dict:
    """One K's measures in lda_sweep's form (what choose_k reads), its medoid's labels, cost."""
    fits = [find(data, variant, k, s) for s in seeds]
    at = [stop_pass(f, rule) for f in fits]
    topics = [f["topics"][p] for f, p in zip(fits, at, strict=True)]
    npmi = [f["c_npmi"][p] for f, p in zip(fits, at, strict=True)]
    n = len(fits)
    pairs = {
        (i, j): W.matched_similarity(topics[i], topics[j])
        for i in range(n)
        for j in range(n)
        if i < j
    }
    agree = [
        np.mean([pairs[tuple(sorted((i, j)))] for j in range(n) if j != i]) if n > 1 else 1
        for i in range(n)
    ]
    kept = max(range(n), key=lambda i: (round(agree[i], 9), round(npmi[i], 9), -i))
    result = {
        "k": k,
        "seeds": seeds,
        "summary": {
            "c_npmi": {
                "mean": round(float(np.mean(npmi)), 6),
                "sd": round(float(np.std(npmi, ddof=1)), 6) if n > 1 else 0.0,
            },
            "topic_diversity": {
                "mean": round(
                    float(np.mean([f["diversity"][p] for f, p in zip(fits, at, strict=True)])), 6
                )
            },
        },
        "stability": round(float(np.mean(list(pairs.values()))), 6) if pairs else 1.0,
        "cpu": float(sum(f["cpu"][p] for f, p in zip(fits, at, strict=True))),
        "passes": [p + 1 for p in at],
        "to_last": [f["to_last"][p] for f, p in zip(fits, at, strict=True)],
        "kept": kept,
        "kept_topics": topics[kept],
    }
    if dictionary is not None:
        result["labels"] = labels_of(topics[kept], dictionary, data["share"], settings)
    return result


def k10_table(data, settings) -> list[str]:
    lines = [
        "| variant | passes | c_npmi mean ± sd | stability | CPU s/fit | × current | "
        "cos to last pass |",
        "|---|---|---|---|---|---|---|",
    ]
    base = summary(data, "current", K10, SEEDS10, data["passes"], settings)["cpu"]
    for variant in data["variants"]:
        for passes in sorted({5, 10, data["passes"]}):
            s = summary(data, variant, K10, SEEDS10, passes, settings)
            c = s["summary"]["c_npmi"]
            lines.append(
                f"| {variant} (chunks {data['chunks'][variant]}) | {passes} | {c['mean']:+.3f} ± "
                f"{c['sd']:.3f} | {s['stability']:.3f} | {s['cpu'] / len(SEEDS10):.1f} | "
                f"{s['cpu'] / base:.2f} | {np.mean(s['to_last']):.3f} |"
            )
    return lines


def drift_table(data) -> list[str]:
    lines = [
        "| variant | fits | first pass cos ≥ 0.99 to last: median [max] | "
        + " | ".join(f"stop τ={t}: pass, cos to last (min)" for t in TAUS)
        + " |",
        "|---|---|---|" + "---|" * len(TAUS),
    ]
    for variant in data["variants"]:
        fits = [f for f in data["fits"] if f["variant"] == variant]
        close = [next(p + 1 for p, c in enumerate(f["to_last"]) if c >= CLOSE) for f in fits]
        cells = []
        for tau in TAUS:
            at = [stop_pass(f, ("tau", tau)) for f in fits]
            cos = [f["to_last"][p] for f, p in zip(fits, at, strict=True)]
            cells.append(
                f"{np.median(at) + 1:.0f} [{min(at) + 1}–{max(at) + 1}], "
                f"{np.mean(cos):.3f} ({min(cos):.3f})"
            )
        lines.append(
            f"| {variant} | {len(fits)} | {np.median(close):.0f} [{max(close)}] | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def k_table(data, settings, ks) -> list[str]:
    """Each K's mean c_npmi ± sd and stability over seeds 1-3, by variant and passes."""
    columns = [("current", data["passes"])] + [
        ("equal", p) for p in sorted({data["passes"], 10, 5}, reverse=True)
    ]
    lines = [
        "| K | " + " | ".join(f"{v} {p} passes: c_npmi, stability" for v, p in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for k in ks:
        cells = []
        for variant, passes in columns:
            s = summary(data, variant, k, settings["seeds"], passes, settings)
            c = s["summary"]["c_npmi"]
            cells.append(f"{c['mean']:+.3f} ± {c['sd']:.3f}, {s['stability']:.2f}")
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return lines


def strategies(data) -> dict:
    """Sweep strategies: name -> [(variant, Ks or None (all), seeds, rule)] stages; a stage
    with Ks None screens with one seed and hands its `keep` best K to the next."""
    full = data["passes"]
    plans = {"today: current, all passes": [("current", None, None, full)]}
    for passes in sorted({full, 10, 5}, reverse=True):
        plans[f"equal, {passes} passes"] = [("equal", None, None, passes)]
    for tau in TAUS[1:]:
        plans[f"equal, early stop τ={tau}"] = [("equal", None, None, ("tau", tau))]
    for keep in (3, 4):
        for screen, refine in ((3, 10), (5, 10), (5, ("tau", 0.998))):
            label = refine if isinstance(refine, int) else f"stop τ={refine[1]}"
            plans[f"halving: screen 1 seed × {screen} passes, top {keep} K × 3 seeds × {label}"] = [
                ("equal", "screen", keep, screen),
                ("equal", None, None, refine),
            ]
    return plans


def run_strategy(data, plan, ks, settings, dictionary) -> dict:
    seeds = settings["seeds"]
    cpu, chosen_ks = 0.0, list(ks)
    for variant, stage, keep, rule in plan:
        if stage == "screen":
            screened = [summary(data, variant, k, [seeds[0]], rule, settings) for k in chosen_ks]
            cpu += sum(s["cpu"] for s in screened)
            fine = [
                s
                for s in screened
                if s["summary"]["topic_diversity"]["mean"] >= settings["min_topic_diversity"]
            ]
            best = sorted(fine or screened, key=lambda s: -s["summary"]["c_npmi"]["mean"])
            chosen_ks = sorted(s["k"] for s in best[:keep])
            continue
        metrics = [summary(data, variant, k, seeds, rule, settings, dictionary) for k in chosen_ks]
        cpu += sum(m["cpu"] for m in metrics)
    k, _ = W.choose_k(metrics, {**settings, "k_choice": "auto"})
    m = next(m for m in metrics if m["k"] == k)
    return {
        "k": k,
        "cpu": cpu,
        "labels": m["labels"],
        "topics": m["kept_topics"],
        "seed": m["seeds"][m["kept"]],
        "refined": chosen_ks,
    }


def strategy_table(data, settings, ks) -> list[str]:
    dictionary = W.load_prepared(data["corpus_dir"])[0]
    results = {
        name: run_strategy(data, plan, ks, settings, dictionary)
        for name, plan in strategies(data).items()
    }
    today = results["today: current, all passes"]
    reference = results[f"equal, {data['passes']} passes"]
    lines = [
        "| strategy | K refined | CPU s | × today | K chosen | kept seed | labels shared with "
        "equal-full's (matched cos of the kept topics) | the same with the kept seed's "
        "equal-full fit |",
        "|---|---|---|---|---|---|---|---|",
    ]
    full = {}  # (K, seed) -> labels and topics of that seed's fit with equal chunks, all passes
    for name, r in results.items():
        same = "–"
        if r["k"] == reference["k"]:
            shared = len(set(r["labels"]) & set(reference["labels"]))
            same = (
                f"{shared}/{r['k']} ({W.matched_similarity(r['topics'], reference['topics']):.3f})"
            )
        key = (r["k"], r["seed"])
        if key not in full:
            topics = find(data, "equal", *key)["topics"][-1]
            full[key] = labels_of(topics, dictionary, data["share"], settings), topics
        labels, topics = full[key]
        own = (
            f"{len(set(r['labels']) & set(labels))}/{r['k']} "
            f"({W.matched_similarity(r['topics'], topics):.3f})"
        )
        lines.append(
            f"| {name} | {','.join(map(str, r['refined']))} | {r['cpu']:.0f} | "
            f"{r['cpu'] / today['cpu']:.2f} | {r['k']} | {r['seed']} | {same} | {own} |"
        )
    for name, r in (("today", today), ("equal-full", reference)):
        lines.append(f"\n{name}'s labels (K={r['k']}): {', '.join(r['labels'])}")
    return lines


def report(data, settings, ks) -> str:
    c = data["checks"]
    parts = [
        f"## {data['corpus']}: {data['documents']} documents, {data['passes']} passes, chunks "
        + ", ".join(f"{v} {n}" for v, n in data["chunks"].items()),
        "",
        f"Checks: {c}" if c else "",
        "",
        f"### K={K10}, seeds {SEEDS10[0]}–{SEEDS10[-1]}",
        *k10_table(data, settings),
        "",
        "### Drift (all fits of the variant; stop: first pass p >= 2 with mean cosine to pass p-1 "
        ">= τ)",
        *drift_table(data),
        "",
    ]
    if data["sweep"]:
        parts += [
            f"### The sweep, seeds {settings['seeds']}",
            *k_table(data, settings, ks),
            "",
            f"### Sweep strategies (K {ks}, seeds {settings['seeds']}, choose_k)",
            *strategy_table(data, settings, ks),
            "",
        ]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="+", default=["P", "B"], choices=["P", "N", "B", "S"])
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the copies here")
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "benchmarks" / "lda_fit")
    parser.add_argument("--no-check", action="store_true", help="skip the equivalence checks")
    parser.add_argument(
        "--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS), help="at K=10"
    )
    parser.add_argument("--no-sweep", action="store_true", help="K=10 only, no sweep across K")
    parser.add_argument(
        "--passes",
        type=int,
        default=20,
        help="passes of every fit (the fewer passes are read off them); default 20, the old "
        "setting, against which lda.passes (10) is measured",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        base = args.workdir or Path(scratch)
        for name in args.corpora:
            workdir = base / name
            corpus_dir = prepare(name, workdir, args.shared)
            if not vars(W):
                use_scripts(workdir / "scripts")
            settings = {**lda_settings(workdir), "passes": args.passes}
            ks = [int(k) for k in settings["k"]]
            raw = args.out / f"{name}.pkl"
            if raw.exists():
                data = pickle.loads(raw.read_bytes())
            else:
                variants = list(dict.fromkeys([*SWEEP_VARIANTS, *args.variants]))
                sweep_ks = [] if args.no_sweep else ks
                data = measure(name, corpus_dir, settings, sweep_ks, variants, not args.no_check)
                raw.write_bytes(pickle.dumps(data))
            data["corpus_dir"] = corpus_dir
            data.setdefault("variants", list(dict.fromkeys(f["variant"] for f in data["fits"])))
            data.setdefault("sweep", True)
            text = report(data, settings, ks)
            (args.out / f"{name}.md").write_text(text, "utf-8")
            print(text, flush=True)


if __name__ == "__main__":
    main()
