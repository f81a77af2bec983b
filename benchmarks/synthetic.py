"""Synthetic corpora for the scale benchmark, resampled from the 31 real provincial reports.

    python benchmarks/synthetic.py --reports 300 --out /tmp/corpus-300

Synthetic report n takes real report n mod 31 as its template and keeps its shape: the same
lines in the same order (title, source and session lines, 各位代表, headings, numbered lead
paragraphs, the closing appeal, appendices), with every plain body paragraph replaced by a
paragraph drawn at random from all the reports' plain body paragraphs. The draw is seeded by n, so
a corpus is the same on every machine, and the corpus of N reports is a prefix of the corpus of
any larger N. Each synthetic report gets its own year (2025, 2024, … going back one year for each
round of 31, down to 1949, the earliest plausible year, then again from 2025 with a parent of its
own, 合成1, 合成2 …), written to a manifest (file, region, year, parent; the region is left empty,
so that the report's own header names it), so that region and year stay unique and plausible.
"""

import argparse
import csv
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ROOT.parent / "shared" / "corpora" / "provinces-2025"
# A plain body paragraph: a sentence-bearing line of some length that is not a heading, a
# numbered lead paragraph (一、 （一） 1.), an address to the deputies or a glossary entry.
MIN_PARAGRAPH_CHARS = 40
NUMERAL = "一二三四五六七八九十"
NUMBERED = re.compile(rf"^\s*(?:[{NUMERAL}]+、|[（(][{NUMERAL}\d]+[)）]|\d+[.．、])")
ADDRESS = "各位代表"
FIRST_YEAR = 2025
# The earliest year the splitter takes as plausible (gwr.header.FIRST_YEAR).
EARLIEST_YEAR = 1949


def template_files(folder: Path = PROVINCES) -> list[Path]:
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise SystemExit(
            f"{folder}: no provincial reports (*.txt) found. The scale benchmark resamples the "
            "31 reports of ../shared/corpora/provinces-2025/; pass --templates to use another "
            "folder of one-report files."
        )
    return files


def body_span(lines: list[str]) -> tuple[int, int]:
    """First and last line (indices) of the body: from the first 各位代表 to the last."""
    addresses = [i for i, line in enumerate(lines) if line.strip().startswith(ADDRESS)]
    if not addresses:
        return 0, -1
    return addresses[0], addresses[-1]


def is_plain_paragraph(line: str) -> bool:
    text = line.strip()
    return (
        len(text) >= MIN_PARAGRAPH_CHARS
        and "。" in text
        and not text.startswith(ADDRESS)
        and not NUMBERED.match(text)
    )


def paragraph_slots(lines: list[str]) -> list[int]:
    """Indices of the template's plain body paragraphs (the lines a synthetic report redraws)."""
    first, last = body_span(lines)
    return [i for i in range(first + 1, last) if is_plain_paragraph(lines[i])]


def read_templates(files: list[Path]) -> list[list[str]]:
    return [path.read_text("utf-8").split("\n") for path in files]


def paragraph_pool(templates: list[list[str]]) -> list[str]:
    return [lines[i] for lines in templates for i in paragraph_slots(lines)]


def synthetic_report(n: int, templates: list[list[str]], pool: list[str], seed: int) -> str:
    """Report n: template n mod len(templates), its plain paragraphs redrawn from the pool."""
    lines = list(templates[n % len(templates)])
    rng = random.Random(f"{seed}-{n}")
    for i in paragraph_slots(lines):
        lines[i] = rng.choice(pool)
    return "\n".join(lines)


def year_and_parent(n: int, templates: int) -> dict:
    """Report n's year and parent: one year back per round of `templates` reports, from 2025
    down to 1949, then again from 2025 under a parent of its own (合成1 …)."""
    cycle, back = divmod(n // templates, FIRST_YEAR - EARLIEST_YEAR + 1)
    return {"year": FIRST_YEAR - back, "parent": f"合成{cycle}" if cycle else ""}


def write_corpus(
    count: int, out: Path, files: list[Path] | None = None, seed: int = 1
) -> tuple[list[Path], Path]:
    """Write `count` synthetic reports and their manifest into `out`; return (files, manifest)."""
    files = files or template_files()
    templates = read_templates(files)
    pool = paragraph_pool(templates)
    out.mkdir(parents=True, exist_ok=True)
    written, rows = [], []
    for n in range(count):
        name = f"synthetic_{n + 1:05d}.txt"
        path = out / name
        path.write_text(synthetic_report(n, templates, pool, seed), "utf-8")
        written.append(path)
        rows.append({"file": name, "region": "", **year_and_parent(n, len(templates))})
    manifest = out / "manifest.csv"
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["file", "region", "year", "parent"])
        writer.writeheader()
        writer.writerows(rows)
    return written, manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, required=True, help="number of reports N")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--templates", type=Path, default=PROVINCES)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    written, manifest = write_corpus(
        args.reports, args.out, template_files(args.templates), args.seed
    )
    chars = sum(len(p.read_text("utf-8")) for p in written)
    print(f"{len(written)} reports, {chars:,} characters, manifest {manifest}", file=sys.stderr)


if __name__ == "__main__":
    main()
