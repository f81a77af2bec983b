"""Do the topic shares tell reports apart, and what would make them? One LDA fit per document
unit and K on the shared real corpora, and two checks of each:

    python benchmarks/topic_levers.py                         # mixed and national, a while
    python benchmarks/topic_levers.py --corpora mixed --ks 10 40 --keep /tmp/levers

- halves: each report cut into its odd and its even paragraphs; is each half's nearest half by
  topic shares (Jensen–Shannon distance) its own other half? (lda_shares' check, with the
  shares weighted by tokens as the workflow weighs them, and unweighted);
- adjacent: is a report's nearest report by topic shares the same region's adjacent year?

Levers: the training unit (`paragraph`, the workflow's default, or `section`: a section's
paragraphs as one document; the shares are still those of the paragraphs, inferred by the
section-trained model) and K. The fits use the workflow's own `train` (equal chunks, lda.passes)
with seed 1, on the workflow's prepared corpus (a run of the copy up to results/lda/corpus;
`--keep` reuses one). Corpora as in benchmarks/validity.py: `mixed` (the seed with the 31
provincial reports of 2025) and `national` (the State Council's 49 reports, 1954–2022).

Writes results/benchmarks/topic_levers.csv (corpus, unit, documents, k, halves_weighted,
halves_mean, adjacent, of) and prints it.
"""

import argparse
import csv
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gwr.io import read_csv, write_csv  # noqa: E402
from validity import CORPORA, SHARED, run  # noqa: E402

COLUMNS = ["corpus", "unit", "documents", "k", "halves_weighted", "halves_mean", "adjacent", "of"]
UNITS = ("paragraph", "section")


def prepared(workdir: Path, corpus: str) -> Path:
    from project_copy import copy_project

    results = workdir / "results"
    if not (results / "lda" / "corpus").is_dir():
        copy_project(workdir)
        inputs, manifest = CORPORA[corpus]()
        run(workdir, inputs, manifest, target="results/lda/documents.csv")
    return results


def merge(bows):
    bag: dict[int, float] = {}
    for bow in bows:
        for term, count in bow:
            bag[term] = bag.get(term, 0) + count
    return sorted(bag.items())


def nearest_is(profiles: np.ndarray, wanted) -> int:
    """How many profiles' nearest other profile (JSD) satisfies wanted(i, j)."""
    from scipy.spatial.distance import jensenshannon

    distance = jensenshannon(profiles[:, None, :], profiles[None, :, :], axis=-1, base=2)
    np.fill_diagonal(distance, np.inf)
    return sum(bool(wanted(i, int(j))) for i, j in enumerate(distance.argmin(axis=1)))


def levers(results: Path, corpus: str, ks: list[int], settings: dict) -> list[dict]:
    from gwr.lda import load_prepared
    from lda_sweep import train

    dictionary, stream, _ = load_prepared(results / "lda" / "corpus")
    bows = list(stream)
    documents = [r for r in read_csv(results / "lda" / "documents.csv") if r["used"] == "yes"]
    reports = {r["report_id"]: r for r in read_csv(results / "corpus" / "reports.csv")}
    by_report: dict[str, list[int]] = {}
    sections: dict[tuple, list[int]] = {}
    for n, d in enumerate(documents):
        by_report.setdefault(d["report_id"], []).append(n)
        sections.setdefault((d["report_id"], d["section"] or d["part"]), []).append(n)
    ids = sorted(by_report)
    weights = np.array([int(d["kept_tokens"]) for d in documents], float)
    halves = [(r, h) for r in ids for h in (by_report[r][0::2], by_report[r][1::2])]
    years: dict[tuple, list[tuple[int, str]]] = {}
    for r in ids:
        key = (reports[r]["parent"], reports[r]["region"])
        years.setdefault(key, []).append((int(reports[r]["year"]), r))
    neighbours = {}
    for found in years.values():
        found.sort()
        for i, (_, r) in enumerate(found):
            neighbours[r] = {found[j][1] for j in (i - 1, i + 1) if 0 <= j < len(found)}
    tried = [r for r in ids if neighbours.get(r)]
    owners = [r for r, _ in halves]

    def twin(i: int, j: int) -> bool:
        return owners[i] == owners[j]

    def adjacent_year(i: int, j: int) -> bool:
        return ids[j] in neighbours.get(ids[i], ())

    rows = []
    for unit in UNITS:
        training = (
            bows
            if unit == "paragraph"
            else [merge(bows[n] for n in ns) for ns in sections.values()]
        )
        for k in ks:
            model = train(training, dictionary, k, 1, settings)
            gamma, _ = model.inference(bows)
            theta = gamma / gamma.sum(axis=1, keepdims=True)
            weighted = np.array([weights[h] @ theta[h] / weights[h].sum() for _, h in halves])
            mean = np.array([theta[h].mean(axis=0) for _, h in halves])
            profiles = np.array([weights[by_report[r]] @ theta[by_report[r]] for r in ids])
            profiles /= profiles.sum(axis=1, keepdims=True)
            adjacent = nearest_is(profiles, adjacent_year)
            rows.append(
                {
                    "corpus": corpus,
                    "unit": unit,
                    "documents": len(training),
                    "k": k,
                    "halves_weighted": f"{nearest_is(weighted, twin) / len(halves):.3f}",
                    "halves_mean": f"{nearest_is(mean, twin) / len(halves):.3f}",
                    "adjacent": adjacent if tried else "",
                    "of": len(tried),
                }
            )
            print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="+", default=sorted(CORPORA), choices=sorted(CORPORA))
    parser.add_argument("--ks", nargs="+", type=int, default=[10, 20, 40, 60])
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it")
    args = parser.parse_args()
    if not SHARED.joinpath("corpora").is_dir():
        sys.exit(f"the shared corpora are not at {SHARED / 'corpora'}")
    import yaml

    settings = yaml.safe_load((ROOT / "config" / "config.yaml").read_text("utf-8"))["lda"]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for corpus in args.corpora:
            results = prepared((args.keep or Path(scratch)) / corpus, corpus)
            rows.extend(levers(results, corpus, args.ks, settings))
    write_csv(ROOT / "results" / "benchmarks" / "topic_levers.csv", COLUMNS, rows)
    writer = csv.writer(sys.stdout)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in COLUMNS])


if __name__ == "__main__":
    main()
