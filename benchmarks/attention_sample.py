"""Draw the paragraphs to label by hand for the policy-attention check
(tests/data/attention_labels.csv).

    python benchmarks/attention_sample.py RESULTS_DIR CORPUS COUNT SEED > sample.csv

RESULTS_DIR is the `results/` of a run on one of the shared corpora (only `split_reports` is
needed); COUNT body paragraphs (parts review, plans, government, and `other` where a report has
no numbered parts; headings excluded; at least MIN_CHARS characters) are drawn at random with
SEED, spread over the reports as evenly as their numbers allow. The test data was drawn with

    python benchmarks/attention_sample.py /tmp/prov/results provinces-2025 150 2025
    python benchmarks/attention_sample.py /tmp/nat/results national-1954-2022 80 1954

The output has the paragraph's text so that it can be read and labelled; the test data keeps
only the first characters of it (`excerpt`), to check that the paragraph is still the same one.
"""

import csv
import json
import random
import sys
from pathlib import Path

BODY_PARTS = ("review", "plans", "government", "other")
MIN_CHARS = 60
EXCERPT_CHARS = 24


def body_paragraphs(results: Path) -> dict[str, list[dict]]:
    reports = {}
    for path in sorted((results / "corpus" / "text").glob("*.jsonl")):
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        reports[path.stem] = [
            r
            for r in records
            if r["part"] in BODY_PARTS and r["heading"] == 0 and len(r["text"]) >= MIN_CHARS
        ]
    return reports


def draw(reports: dict[str, list[dict]], count: int, seed: int) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    pools = {report_id: rng.sample(rows, len(rows)) for report_id, rows in reports.items()}
    chosen: list[tuple[str, dict]] = []
    while len(chosen) < count and any(pools.values()):
        for report_id in sorted(pools):
            if pools[report_id] and len(chosen) < count:
                chosen.append((report_id, pools[report_id].pop()))
    return sorted(chosen, key=lambda pair: (pair[0], pair[1]["index"]))


def main() -> None:
    results, corpus = Path(sys.argv[1]), sys.argv[2]
    count, seed = int(sys.argv[3]), int(sys.argv[4])
    writer = csv.writer(sys.stdout)
    writer.writerow(["corpus", "report_id", "index", "part", "excerpt", "text"])
    for report_id, row in draw(body_paragraphs(results), count, seed):
        text = row["text"]
        writer.writerow([corpus, report_id, row["index"], row["part"], text[:EXCERPT_CHARS], text])


if __name__ == "__main__":
    main()
