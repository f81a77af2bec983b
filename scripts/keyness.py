"""Rule keyness: what each report stresses — its key terms against all the other reports, for
the whole body (`part` = all) and for each part of `keyness.parts` against the same part of the
others (results/keyness/keyness.csv; statistics in gwr.keyness).
"""

from collections import Counter

import numpy as np
from gwr.io import iter_token_files, read_csv, read_jsonl, setup_logging, write_csv
from gwr.keyness import key_terms, matrix_of, per_10k
from gwr.names import ALL_PARTS

COLUMNS = [
    "report_id",
    "label",
    "region",
    "year",
    "part",
    "rank",
    "term",
    "count",
    "count_rest",
    "per_10k",
    "per_10k_rest",
    "g2",
    "p_value",
    "log_ratio",
]


def documents(token_files, parts):
    """{(report_id, part): Counter of tokens} for the whole body and each of `parts`."""
    counts: dict[tuple[str, str], Counter] = {}
    for report_id, records in token_files:
        counts[(report_id, ALL_PARTS)] = Counter(t for r in records for t in r["tokens"])
        for part in parts:
            counts[(report_id, part)] = Counter(
                t for r in records if r["part"] == part for t in r["tokens"]
            )
    return counts


def part_characters(paragraphs, parts) -> dict[str, int]:
    """Characters of the body (every part but the appendix) and of each part of `parts`."""
    characters = {ALL_PARTS: sum(len(p["text"]) for p in paragraphs if p["part"] != "appendix")}
    for part in parts:
        characters[part] = sum(len(p["text"]) for p in paragraphs if p["part"] == part)
    return characters


def keyness_rows(counts, characters, reports, parts, settings) -> list[dict]:
    """The rows of keyness.csv: for each part (all, then `parts`), each report's key terms."""
    rows = []
    report_ids = [row["report_id"] for row in reports]
    for part in (ALL_PARTS, *parts):
        ids = [i for i in report_ids if sum(counts[(i, part)].values())]
        if len(ids) < 2:
            continue
        matrix, terms = matrix_of([counts[(i, part)] for i in ids])
        total_characters = sum(characters[i][part] for i in ids)
        # A term nearly every text uses says what all reports say, not what one stresses (the
        # watched-terms table compares such terms).
        holders = np.asarray((matrix > 0).sum(axis=0)).ravel()
        found = key_terms(
            matrix,
            terms,
            p_max=settings["p_max"],
            min_count=settings["min_count"],
            top_n=settings["top_n"],
            excluded=holders > settings["max_report_share"] * len(ids),
        )
        by_id = {row["report_id"]: row for row in reports}
        for report_id, cells in zip(ids, found, strict=True):
            own = characters[report_id][part]
            rest = total_characters - own
            report = by_id[report_id]
            for rank, cell in enumerate(cells, start=1):
                rows.append(
                    {
                        "report_id": report_id,
                        "label": report["label"],
                        "region": report["region"],
                        "year": report["year"],
                        "part": part,
                        "rank": rank,
                        "term": cell["term"],
                        "count": cell["count"],
                        "count_rest": cell["count_rest"],
                        "per_10k": f"{per_10k(cell['count'], own):.3f}",
                        "per_10k_rest": f"{per_10k(cell['count_rest'], rest):.3f}",
                        "g2": f"{cell['g2']:.4f}",
                        "p_value": f"{cell['p_value']:.3e}",
                        "log_ratio": f"{cell['log_ratio']:.4f}",
                    }
                )
    return rows


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "keyness")
    settings = dict(snakemake.params.settings)
    parts = list(settings["parts"])
    reports = read_csv(snakemake.input.reports)
    counts = documents(iter_token_files(snakemake.input.shards), parts)
    characters = {
        row["report_id"]: part_characters(
            read_jsonl(f"{snakemake.input.text}/{row['report_id']}.jsonl"), parts
        )
        for row in reports
    }
    rows = keyness_rows(counts, characters, reports, parts, settings)
    write_csv(snakemake.output.keyness, COLUMNS, rows)
    log.info(
        "%d key terms for %d reports and %d parts (G² at p < %s, count >= %d)",
        len(rows),
        len(reports),
        len(parts) + 1,
        settings["p_max"],
        settings["min_count"],
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/keyness.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("keyness")
    main(snakemake)  # noqa: F821
