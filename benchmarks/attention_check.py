"""How well does the policy-attention method agree with its two references? Measured on the
shared real corpora, for the shipped settings and for the seed terms alone.

    python benchmarks/attention_check.py          # both corpora (about a minute)

References (README, "Policy attention"):
- the reports' own section headings: each paragraph under a heading whose seed terms (or an
  umbrella word) name domains is classified with the headings' words removed, on a corpus
  without them (gwr.attention.heading_check), and is right when it gets one of the heading's
  domains;
- the 230 paragraphs labelled by hand (tests/data/attention_labels.csv: 150 of the provincial
  reports, 80 of the national series, drawn by benchmarks/attention_sample.py): right when the
  classifier gives the reader's domain or, where the reader saw the paragraph split between two,
  the second (`lenient`); `strict` counts the first only.

Prints one row per corpus (and `both`, the hand labels pooled), method and reference:
paragraphs, accuracy, macro-F1; writes them to results/benchmarks/attention_check.csv.
"""

import csv
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import yaml  # noqa: E402
from gwr.attention import (  # noqa: E402
    SeedMatcher,
    Settings,
    agreement,
    body_paragraphs,
    classify,
    heading_check,
    read_codebook,
)
from gwr.io import read_csv, write_csv  # noqa: E402
from project_copy import copy_project  # noqa: E402
from validity import SHARED, run  # noqa: E402

CORPORA = {
    "provinces-2025": ([str(SHARED / "corpora/provinces-2025/*.txt")], ""),
    "national-1954-2022": (
        [str(SHARED / "corpora/national-1954-2022/*.txt")],
        str(SHARED / "corpora/national-1954-2022/manifest.csv"),
    ),
}
LABELS = ROOT / "tests" / "data" / "attention_labels.csv"
COLUMNS = ["corpus", "method", "reference", "paragraphs", "accuracy", "macro_f1"]


def shipped_settings(**changes) -> Settings:
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text("utf-8"))["attention"]
    config.update(changes)
    return Settings.from_params({k: v for k, v in config.items() if k != "codebook"})


def corpus_paragraphs(results: Path, parts) -> dict[str, list[dict]]:
    paragraphs = {}
    for path in sorted((results / "corpus" / "text").glob("*.jsonl")):
        records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        paragraphs[path.stem] = body_paragraphs(records, parts)
    return paragraphs


def rows_for(
    corpus: str, paragraphs, labels, method: str, settings: Settings, codebook, pooled: dict
):
    matcher = SeedMatcher(codebook.domains)
    check, _ = heading_check(paragraphs, matcher, codebook.umbrellas, settings)
    keys = [(rid, p["index"]) for rid, rows in paragraphs.items() for p in rows]
    given = classify([p["text"] for rows in paragraphs.values() for p in rows], matcher, settings)
    domain_of = {key: row["domain"] for key, row in zip(keys, given, strict=True)}
    lenient, strict = [], []
    for label in labels:
        if label["corpus"] != corpus:
            continue
        domain = domain_of[(label["report_id"], int(label["index"]))]
        right = domain in {label["domain"], label["second"]}
        lenient.append((domain if right else label["domain"], domain))
        strict.append((label["domain"], domain))
    out = [[corpus, method, "headings", check["paragraphs"], check["accuracy"], check["macro_f1"]]]
    for name, pairs in (("hand, lenient", lenient), ("hand, strict", strict)):
        pooled.setdefault((method, name), []).extend(pairs)
        accuracy, macro = agreement(pairs)
        out.append([corpus, method, name, len(pairs), f"{accuracy:.3f}", f"{macro:.3f}"])
    return out


def main() -> None:
    if not (SHARED / "corpora").is_dir():
        sys.exit(f"the shared corpora are not at {SHARED / 'corpora'}")
    codebook = read_codebook(ROOT / "config" / "attention" / "codebook.yaml")
    labels = read_csv(LABELS)
    methods = {"classifier": shipped_settings(), "seeds": shipped_settings(method="seeds")}
    rows = []
    pooled: dict[tuple[str, str], list] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for corpus, (inputs, manifest) in CORPORA.items():
            workdir = Path(scratch) / corpus
            copy_project(workdir)
            run(workdir, inputs, manifest, target="results/corpus/reports.csv")
            paragraphs = corpus_paragraphs(workdir / "results", methods["classifier"].parts)
            for method, settings in methods.items():
                rows.extend(
                    rows_for(corpus, paragraphs, labels, method, settings, codebook, pooled)
                )
    for (method, name), pairs in pooled.items():
        accuracy, macro = agreement(pairs)
        rows.append(["both", method, name, len(pairs), f"{accuracy:.3f}", f"{macro:.3f}"])
    target = ROOT / "results" / "benchmarks" / "attention_check.csv"
    write_csv(target, COLUMNS, rows)
    writer = csv.writer(sys.stdout)
    writer.writerow(COLUMNS)
    writer.writerows(rows)


if __name__ == "__main__":
    main()
