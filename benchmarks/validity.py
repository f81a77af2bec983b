"""Do the findings hold up? The validity checks of "What each region stresses", measured on the
shared real corpora by running the workflow on them.

    python benchmarks/validity.py            # both corpora (a few minutes each on 2 cores)
    python benchmarks/validity.py --corpora mixed

Corpora (from ../shared, beside the project):
- `mixed`: the seed (北京市, 东城区, 西城区, 2024) with the 31 provincial reports of 2025 — the same
  region (北京市) in two years;
- `national`: the 49 reports of the State Council, 1954–2022, with their manifest — one region
  over 70 years.

Checks, per corpus, on each report's top 15 key terms (keyness, whole body):
- place names among them, counted with a second source of place names that is not the list the
  workflow removed them with: jieba's own dictionary tag `ns` (place name), and the names of the
  corpus's own regions. jieba tags many ordinary words `ns` (海洋, 山区, 普及): the words found
  are reviewed by hand in benchmarks/data/places_reviewed.csv (place or not, and what kind of
  place: regional, zone, feature, macro_region, foreign); a word not yet reviewed counts as a
  place and is listed, to be reviewed;
- fragments among them (gwr.segment's definition, when it has one);
- words used by nearly every report (in at least 90% of them, from results/terms/frequency.csv);
- the same region in another year as its nearest neighbour by TF-IDF cosine and by topic shares
  (Jensen–Shannon distance) (mixed: 北京市 2024 and 2025; national: the report of the nearest
  available year, before or after);
- each report's halves (its odd and its even paragraphs) finding each other by topic shares
  (results/lda/chosen/checks.csv).

Writes results/benchmarks/validity.csv and prints it.
"""

import argparse
import csv
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gwr.io import read_csv, write_csv  # noqa: E402
from project_copy import copy_project  # noqa: E402

SHARED = ROOT.parent / "shared"
REVIEWED = ROOT / "benchmarks" / "data" / "places_reviewed.csv"
PLACE_KINDS = ("regional", "zone", "macro_region", "feature", "foreign", "not reviewed")
TOP = 15
NEARLY_EVERY = 0.9
COLUMNS = ["corpus", "check", "value", "of", "share", "examples"]


def run(workdir: Path, inputs: list[str], manifest: str = "", target: str = "all") -> None:
    import subprocess

    import yaml

    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text("utf-8"))
    config["inputs"], config["manifest"] = inputs, manifest
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    subprocess.run(
        [sys.executable, "-m", "snakemake", target, "--cores", "2", "--quiet"],
        cwd=workdir,
        check=True,
    )


def jieba_places() -> set[str]:
    """Words jieba's own dictionary tags `ns` (place names): the second source."""
    import jieba

    dictionary = Path(jieba.__file__).parent / "dict.txt"
    places = set()
    for line in dictionary.read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "ns":
            places.add(parts[0])
    return places


def checks(results: Path, corpus: str) -> list[dict]:
    from gwr.regions import place_names

    reports = read_csv(results / "corpus" / "reports.csv")
    keyness = [r for r in read_csv(results / "keyness" / "keyness.csv") if r["part"] == "all"]
    top = {}
    for row in keyness:
        if int(row["rank"]) <= TOP:
            top.setdefault(row["report_id"], []).append(row["term"])
    terms = [term for found in top.values() for term in found]
    places = jieba_places() | place_names(reports)
    rows = []

    def add(check, found, of, examples=()):
        rows.append(
            {
                "corpus": corpus,
                "check": check,
                "value": found,
                "of": of,
                "share": f"{found / of:.4f}" if of else "",
                "examples": "、".join(list(dict.fromkeys(examples))[:15]),
            }
        )

    reviewed = {row["term"]: row for row in read_csv(REVIEWED)}
    named = [
        term
        for term in terms
        if term in places and reviewed.get(term, {}).get("place", "yes") == "yes"
    ]
    add(
        f"place names among the top {TOP} key terms (jieba ns + corpus regions, reviewed)",
        len(named),
        len(terms),
        named,
    )
    for kind in PLACE_KINDS:
        found = [t for t in named if reviewed.get(t, {}).get("kind", "not reviewed") == kind]
        if found:
            add(f"  of which {kind}", len(found), len(terms), found)
    try:
        from gwr.segment import is_fragment
    except ImportError:
        is_fragment = None
    if is_fragment is not None:
        # The merged dictionary's terms (harvested ones too) are words, not fragments.
        user_dict = results / "tokens" / "user_dict.txt"
        known = {line.split(" ")[0] for line in user_dict.read_text("utf-8").splitlines()}
        fragments = [term for term in terms if is_fragment(term, known)]
        add(f"fragments among the top {TOP} key terms", len(fragments), len(terms), fragments)
    frequency = read_csv(results / "terms" / "frequency.csv")
    holders = Counter(row["term"] for row in frequency)
    common = {term for term, n in holders.items() if n >= NEARLY_EVERY * len(reports)}
    universal = [term for term in terms if term in common]
    add(
        f"words in {NEARLY_EVERY:.0%}+ of reports among the top {TOP}",
        len(universal),
        len(terms),
        universal,
    )
    by_id = {row["report_id"]: row for row in reports}
    years: dict[str, list[tuple[int, str]]] = {}
    for row in reports:
        key = (row["parent"], row["region"])
        years.setdefault(key, []).append((int(row["year"]), row["report_id"]))
    for measure, name in (("tfidf_cosine", "TF-IDF"), ("topic_jsd", "topic shares, JSD")):
        nearest = {
            row["report_id"]: row["nearest_report_id"]
            for row in read_csv(results / "similarity" / "nearest.csv")
            if row["measure"] == measure
        }
        hits, tried, misses = 0, 0, []
        for found in years.values():
            if len(found) < 2:
                continue
            found.sort()
            for number, (_, report_id) in enumerate(found):
                neighbours = [found[j][1] for j in (number - 1, number + 1) if 0 <= j < len(found)]
                tried += 1
                if nearest.get(report_id) in neighbours:
                    hits += 1
                else:
                    other = by_id[nearest[report_id]]["label"]
                    misses.append(f"{by_id[report_id]['label']}→{other}")
        check = f"the same region's adjacent year is the nearest neighbour ({name})"
        add(check, hits, tried, misses)
    # Do the topic shares tell reports apart? Each report's two halves (odd and even paragraphs)
    # should find each other (lda_shares' check).
    for check in read_csv(results / "lda" / "chosen" / "checks.csv"):
        misses = check["misses"].split("、") if check["misses"] else []
        add(check["check"], int(check["value"] or 0), int(check["of"]), misses)
    return rows


CORPORA = {
    "mixed": lambda: (
        ["seeds/beijing_2024_reports_compendium.txt", str(SHARED / "corpora/provinces-2025/*.txt")],
        "",
    ),
    "national": lambda: (
        [str(SHARED / "corpora/national-1954-2022/*.txt")],
        str(SHARED / "corpora/national-1954-2022/manifest.csv"),
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="+", default=sorted(CORPORA), choices=sorted(CORPORA))
    parser.add_argument(
        "--keep",
        type=Path,
        help="run in this folder (one subfolder per corpus) and keep it; a corpus whose "
        "subfolder holds a finished run is checked again without rerunning",
    )
    args = parser.parse_args()
    if not (SHARED / "corpora").is_dir():
        sys.exit(f"the shared corpora are not at {SHARED / 'corpora'}")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for corpus in args.corpora:
            workdir = (args.keep or Path(scratch)) / corpus
            if not (workdir / "results" / "report.html").is_file():
                copy_project(workdir)
                inputs, manifest = CORPORA[corpus]()
                run(workdir, inputs, manifest)
            rows.extend(checks(workdir / "results", corpus))
    target = ROOT / "results" / "benchmarks" / "validity.csv"
    write_csv(target, COLUMNS, rows)
    writer = csv.writer(sys.stdout)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in COLUMNS])


if __name__ == "__main__":
    main()
