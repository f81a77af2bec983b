"""Benchmark of the segmentation step: speed and policy terms kept whole.

    python benchmarks/segmentation.py [--repeats 5] [--corpus DIR]

Reads the 31 provincial reports of ../shared/corpora/provinces-2025/ and the bundled seed (the
seed alone when that folder is absent), splits and normalises them as the workflow does, then

- times the pipeline's segmentation (engine + dictionary + tag lookup + filters; with either
  engine of segment.engine, rjieba and jieba) against raw `jieba.lcut`, raw `rjieba.cut` and
  `jieba.posseg.lcut` over all body paragraphs, on one core, interleaving the
  methods and keeping the best of the repeats so that a noisy machine disturbs the ratio as little
  as possible -> results/benchmarks/segment_throughput.csv;
- counts, for the terms of tests/data/policy_terms_eval.txt, the share of their occurrences that
  stock jieba and the pipeline keep as one token -> results/benchmarks/term_integrity.csv.
"""

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import yaml  # noqa: E402
from gwr.dictionary import read_word_list  # noqa: E402
from gwr.io import write_csv  # noqa: E402
from gwr.jieba_setup import RustEngine, import_jieba, make_tokenizer  # noqa: E402
from gwr.segment import segmenter_from_config, terms_kept_whole  # noqa: E402
from gwr.split import Settings, split_corpus  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "provinces-2025"


SEED = ROOT / "seeds" / "beijing_2024_reports_compendium.txt"
EVAL_TERMS = ROOT / "tests" / "data" / "policy_terms_eval.txt"


def load(corpus_dir: Path):
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text("utf-8"))
    files = [SEED, *sorted(corpus_dir.glob("*.txt"))]
    corpus = split_corpus([str(f) for f in files], Settings.from_params(config["split"]))
    paragraphs = [
        p.text for r in corpus.reports for p in r.paragraphs if p.part in config["segment"]["parts"]
    ]
    return config, corpus, paragraphs, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    config, corpus, paragraphs, files = load(args.corpus)
    characters = sum(map(len, paragraphs))
    cache = Path(tempfile.mkdtemp(prefix="jieba-bench-"))
    jieba = import_jieba()

    raw = make_tokenizer(cache)
    posseg = jieba.posseg.POSTokenizer(make_tokenizer(cache))
    rust = RustEngine()
    segmenters = {}
    for engine in ("rjieba", "jieba"):
        engine_config = {**config, "segment": {**config["segment"], "engine": engine}}
        segmenters[engine] = segmenter_from_config(corpus, engine_config, ROOT, cache)[0]
    segmenter = segmenters[config["segment"]["engine"]]
    methods = {
        "jieba.lcut (raw)": lambda text: raw.lcut(text),
        "rjieba.cut (raw)": lambda text: rust.lcut(text, True),
        **{
            f"pipeline, {engine}: cut + dictionary + tags + filters": (
                lambda text, s=s: s.segment(text, Counter())
            )
            for engine, s in segmenters.items()
        },
        "jieba.posseg.lcut": lambda text: posseg.lcut(text),
    }
    best = {name: float("inf") for name in methods}
    for _ in range(args.repeats):
        for name, method in methods.items():
            start = time.perf_counter()
            for text in paragraphs:
                method(text)
            best[name] = min(best[name], time.perf_counter() - start)
    reference = characters / best["jieba.lcut (raw)"]
    rows = [
        {
            "method": name,
            "seconds": f"{seconds:.3f}",
            "characters_per_second": round(characters / seconds),
            "ratio_to_raw_lcut": f"{characters / seconds / reference:.2f}",
        }
        for name, seconds in best.items()
    ]
    integrity = term_integrity(paragraphs, raw, segmenter)
    write_csv(
        ROOT / "results" / "benchmarks" / "term_integrity.csv",
        ["method", "terms_found", "occurrences", "kept_whole", "share"],
        integrity,
    )
    out = ROOT / "results" / "benchmarks" / "segment_throughput.csv"
    write_csv(out, ["method", "seconds", "characters_per_second", "ratio_to_raw_lcut"], rows)
    print(f"{len(files)} files, {len(paragraphs)} paragraphs, {characters} characters, one core")
    print(f"best of {args.repeats} repeats:")
    for row in rows:
        print(
            f"  {row['method']:<48} {row['characters_per_second']:>9,} chars/s"
            f"  x{row['ratio_to_raw_lcut']}"
        )
    print("policy terms kept whole (tests/data/policy_terms_eval.txt):")
    for row in integrity:
        print(
            f"  {row['method']:<48} {row['kept_whole']}/{row['occurrences']} occurrences"
            f" = {row['share']} ({row['terms_found']} terms found)"
        )
    print(f"written: {out.relative_to(ROOT)}, results/benchmarks/term_integrity.csv")


def term_integrity(paragraphs, raw, segmenter) -> list[dict]:
    """Occurrences of the evaluation terms that lie inside one token, stock jieba vs pipeline."""
    terms = read_word_list([EVAL_TERMS])
    cuts = {
        "stock jieba.lcut": raw.lcut,
        "pipeline": lambda text: [word for word, _ in segmenter.cut(text)],
    }
    rows = []
    for name, cut in cuts.items():
        found, whole, terms_found = terms_kept_whole(paragraphs, cut, terms)
        rows.append(
            {
                "method": name,
                "terms_found": len(terms_found),
                "occurrences": found,
                "kept_whole": whole,
                "share": f"{whole / found:.3f}",
            }
        )
    return rows


if __name__ == "__main__":
    main()
