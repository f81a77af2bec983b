"""Measure the gazetteer and the short-form rule on the 31 provincial reports of 2025.

    python config/places/measure.py [--corpus ../shared/corpora/provinces-2025] [--write-kept-out]

Prints what config/places/README.md reports: the divisions per level; how many short forms the
rule keeps out; for each report the share of its words that the gazetteer names, and how that
compares with jieba's own place tag `ns` (a second source, to estimate what the gazetteer
misses); and the threshold sweep: for each setting, how many occurrences of real place names it
keeps out and how many ordinary words it lets in, counted on tuning_labels.csv (every candidate
short form found in the reports, each occurrence judged by reading it in context).
`--write-kept-out` rewrites config/places/kept_out.csv, the table of kept-out short forms.

The words are those of jieba 0.42.1 with the project's shipped dictionary
(config/dictionary/policy_terms.txt and special_terms.txt), cut from the reports' text as it is.
"""

import argparse
import csv
import dataclasses
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from gwr import places  # noqa: E402

# The grid of the sweep; its lowest values made the candidates of tuning_labels.csv.
WORD_MIN_FREQ = (50, 100, 150, 200, 300)
PLACE_WORD_MIN_FREQ = (300, 500, 800, 1000, 10**9)
MIN_RATIO = (2, 3, 5, 10, 20)
# The ordinary words that the issue names: every setting worth having keeps them out.
REQUIRED_OUT = ("振兴", "中原", "平安", "富民", "安居", "新兴")
REQUIRED_OUT += ("和平", "共和", "新城", "江南", "东方")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def report_words(paths, cache: Path) -> dict[str, list[str]]:
    """Each report's words (tokens with a Chinese character), cut as the module docstring says;
    `cache` is jieba's cache folder."""
    from gwr.jieba_setup import make_tokenizer
    from gwr.wordlists import read_term_file

    tokenizer = make_tokenizer(cache)
    for name in ("policy_terms.txt", "special_terms.txt"):
        for term, freq, tag in read_term_file(str(ROOT / "config" / "dictionary" / name)):
            tokenizer.add_word(term, freq, tag)
    return {
        path.name: [w for w in tokenizer.lcut(path.read_text(encoding="utf-8")) if _CJK.search(w)]
        for path in sorted(Path(p) for p in paths)
    }


def read_labels(path: Path = HERE / "tuning_labels.csv") -> dict[str, tuple[int, int]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            row["short_form"]: (int(row["place_occurrences"]), int(row["other_occurrences"]))
            for row in csv.DictReader(handle)
        }


def errors(kept_out: set[str], labels: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Occurrences (and forms) of real places kept out and of ordinary words let in."""
    return {
        "place_occurrences_kept_out": sum(p for w, (p, _) in labels.items() if w in kept_out),
        "places_kept_out": sum(1 for w, (p, o) in labels.items() if w in kept_out and p > o),
        "word_occurrences_let_in": sum(o for w, (_, o) in labels.items() if w not in kept_out),
        "words_let_in": sum(1 for w, (p, o) in labels.items() if w not in kept_out and o > p),
    }


def sweep(gazetteer, base, labels):
    rows = []
    for t1 in WORD_MIN_FREQ:
        for t2 in PLACE_WORD_MIN_FREQ:
            for ratio in MIN_RATIO:
                settings = dataclasses.replace(
                    base, word_min_freq=t1, place_word_min_freq=t2, min_ratio=ratio
                )
                out = {k.short_form for k in places.place_terms(gazetteer, settings)[1]}
                row = {"word_min_freq": t1, "place_word_min_freq": t2, "min_ratio": ratio}
                row |= {"kept_out": len(out), **errors(out, labels)}
                row["required_out"] = all(word in out for word in REQUIRED_OUT)
                rows.append(row)
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus = ROOT.parent / "shared" / "corpora" / "provinces-2025"
    parser.add_argument("--corpus", type=Path, default=corpus)
    parser.add_argument("--write-kept-out", action="store_true")
    args = parser.parse_args(argv)

    gazetteer = places.load_gazetteer()
    settings = places.RuleSettings.project_defaults()
    names, kept_out = places.place_terms(gazetteer, settings)
    out = {k.short_form for k in kept_out}
    print(f"divisions: {gazetteer.level_counts()}; ethnic groups: {len(gazetteer.ethnic_groups)}")
    print(
        f"names taken for places: {len(names)}; short forms kept out: {len(out)} "
        f"({len(kept_out)} rows: short form, full name)"
    )
    reasons = Counter(k.reason.split(":")[0] for k in {k.short_form: k for k in kept_out}.values())
    print("reasons:", dict(reasons))
    if args.write_kept_out:
        with open(HERE / "kept_out.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, places.KEPT_OUT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(places.kept_out_rows(gazetteer, kept_out))
        print("wrote", HERE / "kept_out.csv")
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: nothing measured on the reports")
        return

    words = report_words(args.corpus.glob("*.txt"), ROOT / ".cache" / "jieba")
    _freq, tag = places.read_jieba_dictionary(places.default_jieba_dictionary())
    labels = read_labels()
    loose = dataclasses.replace(
        settings,
        word_min_freq=min(WORD_MIN_FREQ),
        place_word_min_freq=min(PLACE_WORD_MIN_FREQ),
        min_ratio=min(MIN_RATIO),
    )
    candidates = {k.short_form for k in places.place_terms(gazetteer, loose)[1]}
    found = {w for ws in words.values() for w in ws if w in candidates}
    print(
        f"\ncandidates found in the reports: {len(found)}; labelled: {len(found & set(labels))}"
        f"; unlabelled: {sorted(found - set(labels))}"
    )

    print("\nreport  words  place_words  share  jieba_ns  ns_in_gazetteer")
    total = Counter()
    missed = Counter()
    for name, ws in words.items():
        named = [w for w in ws if w in names]
        ns = [w for w in ws if tag.get(w) == "ns"]
        ns_in = [w for w in ns if w in names]
        missed.update(w for w in ns if w not in names)
        total.update(
            words=len(ws),
            named=len(named),
            ns=len(ns),
            ns_in=len(ns_in),
            named_not_ns=sum(tag.get(w) != "ns" for w in named),
        )
        print(
            f"{name:28s} {len(ws):6d} {len(named):5d} {len(named) / len(ws):6.2%} "
            f"{len(ns):5d} {len(ns_in) / max(len(ns), 1):5.0%}"
        )
    print(
        f"all: {dict(total)}; share {total['named'] / total['words']:.2%}; jieba ns named by "
        f"the gazetteer {total['ns_in'] / total['ns']:.0%}"
    )
    print(
        f"jieba ns words the gazetteer does not name: {sum(missed.values())} occurrences of "
        f"{len(missed)} words; one character: "
        f"{sum(c for w, c in missed.items() if len(w) == 1)}; kept out by the rule: "
        f"{sum(c for w, c in missed.items() if w in out)}"
    )
    print("most frequent:", " ".join(f"{w}{c}" for w, c in missed.most_common(60)))
    for word in ("雄安", "雄安新区", "前海", "横琴", "南沙", "浦东", "临港", "中关村", "虹桥"):
        count = sum(ws.count(word) for ws in words.values())
        print(f"  {word}: {count} occurrences, {'a place' if word in names else 'not a place'}")

    rows = sweep(gazetteer, settings, labels)
    for row in rows:
        row["errors"] = row["place_occurrences_kept_out"] + row["word_occurrences_let_in"]
    rows.sort(key=lambda r: (not r["required_out"], r["errors"], r["kept_out"]))
    print("\nsweep (best 15, then the chosen setting):")
    header = list(rows[0])
    print("  ".join(header))
    chosen = (settings.word_min_freq, settings.place_word_min_freq, settings.min_ratio)
    for row in rows[:15] + [r for r in rows if tuple(list(r.values())[:3]) == chosen]:
        print("  ".join(str(row[k]) for k in header))


if __name__ == "__main__":
    main()
