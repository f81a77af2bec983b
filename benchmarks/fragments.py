"""Fragments and enumeration markers among the kept tokens, before and after the segmenter drops
them (issue "What each region stresses", item 2: no fragments reach the models).

    python benchmarks/fragments.py [--out DIR] [--examples 12]

A fragment is what `gwr.segment.fragment_kind` says: a short token in neither jieba's dictionary
nor the project's that holds a numeral (一仗, 三大), a function character (这是, 之心, 以学,
多为) or that comes right after a number (1号线 -> 号线), or an enumeration marker (一是, 二要,
第三).

On each corpus of ../shared (the seed alone when ../shared is absent) — the seed, the 31 provincial
reports of 2025, the 49 national reports of 1954–2022 with their manifest — split as the workflow
splits and segmented in-process with the workflow's segmenter (`segmenter_from_config`), it counts

- the fragments kept with the fragment filter off (before) and on (after), by kind and by where
  they come from (jieba's HMM: tag `new`; a dictionary word: its tag);
- the tokens dropped with the reasons `fragment` and `enumeration`;
- the kept tokens that changed: every word as cut is compared before and after; a token may only
  go from kept to dropped with one of the two new reasons;
- the project's dictionary terms that hold a numeral or a function character (十四五, 两新,
  一带一路, 两个确立): occurrences, those inside one word of the cut, and those whose word is kept.

Writes DIR/fragments.csv (one row per corpus, stage and kind) and DIR/fragment_tokens.csv (every
fragment type found before, with its kind, tag and count); DIR is results/benchmarks by default.
"""

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import yaml  # noqa: E402
from gwr.dictionary import read_term_file  # noqa: E402
from gwr.io import write_csv  # noqa: E402
from gwr.names import NEW_WORD_TAG  # noqa: E402
from gwr.segment import (  # noqa: E402
    ENUMERATION_MARKER,
    FRAGMENT,
    NUMERAL_CHARS,
    count_fragments,
    segmenter_from_config,
)
from gwr.split import Settings, paragraph_records, read_manifest, split_corpus  # noqa: E402

SEED = ROOT / "seeds" / "beijing_2024_reports_compendium.txt"
SHARED = ROOT.parent / "shared" / "corpora"
NEW_REASONS = (FRAGMENT, ENUMERATION_MARKER)


def corpora() -> dict[str, tuple[list[str], str | None]]:
    """name -> (files, manifest) of the corpora present."""
    found = {"seed": ([str(SEED)], None)}
    provinces = sorted(str(p) for p in (SHARED / "provinces-2025").glob("*.txt"))
    if provinces:
        found["provinces-2025"] = (provinces, None)
    national = SHARED / "national-1954-2022"
    if (national / "manifest.csv").exists():
        files = sorted(str(p) for p in national.glob("*.txt"))
        found["national-1954-2022"] = (files, str(national / "manifest.csv"))
    return found


def load(files, manifest, config, cache):
    """(segmenter, body paragraphs) of a corpus, as the workflow builds them."""
    corpus = split_corpus(files, Settings.from_params(config["split"]), read_manifest(manifest))
    segmenter, _ = segmenter_from_config(corpus, config, ROOT, cache)
    parts = config["segment"]["parts"]
    paragraphs = [
        record["text"]
        for report in corpus.reports
        for record in paragraph_records(report)
        if record["part"] in parts
    ]
    return segmenter, paragraphs


def compare(before, after, paragraphs) -> dict:
    """Kept tokens before and after, and how each changed."""
    changes: Counter = Counter()
    dropped: dict[str, Counter] = {reason: Counter() for reason in NEW_REASONS}
    for text in paragraphs:
        old = list(before.decisions(text))
        new = list(after.decisions(text))
        if [w for w, _, _ in old] != [w for w, _, _ in new]:
            raise AssertionError(f"the cut changed: {text[:40]}")
        for (word, _, was), (_, _, now) in zip(old, new, strict=True):
            changes["kept_before"] += was is None
            changes["kept_after"] += now is None
            if now in dropped:
                dropped[now][word] += 1
            if (was is None) != (now is None):
                changes["by_new_reason" if now in NEW_REASONS else "otherwise"] += 1
    return {"changes": changes, "dropped": dropped}


def terms_kept(segmenter, paragraphs, terms) -> tuple[int, int, int]:
    """(occurrences of `terms`, those inside one word of the cut, those whose word is kept)."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    found = whole = kept = 0
    for text in paragraphs:
        matches = [m.span() for m in pattern.finditer(text)]
        if not matches:
            continue
        spans, start = [], 0
        for word, _, reason in segmenter.decisions(text):
            spans.append((start, start + len(word), reason))
            start += len(word)
        for a, b in matches:
            found += 1
            inside = [reason for x, y, reason in spans if x <= a and b <= y]
            whole += bool(inside)
            kept += bool(inside) and inside[0] is None
    return found, whole, kept


def examples(counter: Counter, n: int) -> str:
    return " ".join(f"{token} {count}" for token, count in counter.most_common(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "benchmarks")
    parser.add_argument("--examples", type=int, default=12)
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text("utf-8"))
    cache = Path(tempfile.mkdtemp(prefix="jieba-fragments-"))
    shipped = {
        term
        for path in config["dictionary"]["files"]
        for term, _, _ in read_term_file(str(ROOT / path))
    }
    rows, token_rows = [], []
    for name, (files, manifest) in corpora().items():
        after, paragraphs = load(files, manifest, config, cache)
        before = after.with_fragments_dropped(False)
        at_risk = {
            t
            for t in shipped
            if not (NUMERAL_CHARS.isdisjoint(t) and after.function_chars.isdisjoint(t))
        }
        print(f"\n== {name}: {len(files)} files, {sum(map(len, paragraphs)):,} characters")
        for stage, segmenter in (("before", before), ("after", after)):
            found = count_fragments(segmenter, paragraphs)
            by_kind: dict[tuple[str, str], Counter] = {}
            for (token, tag, kind), count in found.items():
                source = "HMM new word" if tag == NEW_WORD_TAG else f"dictionary word ({tag})"
                by_kind.setdefault((kind, source), Counter())[token] += count
                if stage == "before":
                    token_rows.append(
                        {"corpus": name, "token": token, "tag": tag, "kind": kind, "count": count}
                    )
            total = Counter({token: c for (token, _, _), c in found.items()})
            print(f"{stage}: {len(total)} fragment types, {sum(total.values())} occurrences")
            for (kind, source), tokens in sorted(by_kind.items(), key=lambda kv: -kv[1].total()):
                print(
                    f"  {kind:13} {source:24} {len(tokens):4} types {tokens.total():5} occ: "
                    f"{examples(tokens, args.examples)}"
                )
                rows.append(
                    {
                        "corpus": name,
                        "stage": stage,
                        "kind": kind,
                        "source": source,
                        "types": len(tokens),
                        "occurrences": tokens.total(),
                        "examples": examples(tokens, args.examples),
                    }
                )
            if not found:
                rows.append(
                    {
                        "corpus": name,
                        "stage": stage,
                        "kind": "",
                        "source": "",
                        "types": 0,
                        "occurrences": 0,
                        "examples": "",
                    }
                )
        result = compare(before, after, paragraphs)
        changes = result["changes"]
        for reason, tokens in result["dropped"].items():
            print(
                f"dropped as {reason}: {len(tokens)} types, {tokens.total()} occurrences: "
                f"{examples(tokens, args.examples)}"
            )
        share = changes["by_new_reason"] / changes["kept_before"]
        print(
            f"kept tokens: {changes['kept_before']:,} before, {changes['kept_after']:,} after; "
            f"{changes['by_new_reason']:,} ({share:.2%}) dropped by the new reasons, "
            f"{changes['otherwise']} changed otherwise"
        )
        for label, segmenter in (("before", before), ("after", after)):
            found_terms, whole, kept = terms_kept(segmenter, paragraphs, at_risk)
            print(
                f"dictionary terms with a numeral or function character ({len(at_risk)} listed), "
                f"{label}: {found_terms} occurrences, {whole} whole, {kept} kept"
            )
        rows.append(
            {
                "corpus": name,
                "stage": "change",
                "kind": "kept tokens dropped by the new reasons",
                "source": f"of {changes['kept_before']} kept before",
                "types": "",
                "occurrences": changes["by_new_reason"],
                "examples": f"{share:.4%}; changed otherwise: {changes['otherwise']}; "
                f"dictionary terms at risk: {found_terms} occurrences, {whole} whole, {kept} kept",
            }
        )
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(
        args.out / "fragments.csv",
        ["corpus", "stage", "kind", "source", "types", "occurrences", "examples"],
        rows,
    )
    token_rows.sort(key=lambda r: (r["corpus"], -r["count"], r["token"]))
    write_csv(
        args.out / "fragment_tokens.csv", ["corpus", "token", "tag", "kind", "count"], token_rows
    )
    print(f"\nwrote {args.out / 'fragments.csv'} and {args.out / 'fragment_tokens.csv'}")


if __name__ == "__main__":
    main()
