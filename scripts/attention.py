"""Rule attention: each body paragraph's policy domain and each report's attention to every
domain, with the check against the reports' own section headings (results/attention/).

Paragraphs of the parts outside `attention.parts` (the opening address, the closing appeal, the
appendix) are not classified; the log says how many of each part.

- `paragraphs.csv`: report_id, label, index, domain, score, and the paragraph's part, section,
  characters, seed label and the seed terms found (`evidence`);
- `shares.csv`: each report's share of characters per domain (`none` included) with its
  bootstrap interval;
- `checks.csv`: the heading check (accuracy, macro-F1) on this corpus;
- `heading_check.csv`: every paragraph of that check, with its heading, the heading's domains
  and the domain given without the heading's words.

Method and definitions in gwr.attention; codebook in config/attention/codebook.yaml.
"""

from collections import Counter

import numpy as np
from gwr.attention import (
    CHECK_COLUMNS,
    DECIMALS,
    NONE,
    PARAGRAPH_COLUMNS,
    SHARE_COLUMNS,
    SeedMatcher,
    Settings,
    body_paragraphs,
    classify,
    heading_check,
    read_codebook,
)
from gwr.io import InputError, read_csv, read_jsonl, setup_logging, write_csv
from gwr.shares import bootstrap_interval, report_seed, weighted_shares

HEADING_CHECK_COLUMNS = [
    "report_id",
    "index",
    "heading",
    "heading_domains",
    "domain",
    "right",
]


def share_rows(report: dict, rows: list[dict], codes: list[str], codebook, settings: Settings):
    """One row per domain (and `none`) of a report: its share of the classified characters."""
    weights = np.array([row["characters"] for row in rows], dtype=float)
    vectors = np.zeros((len(rows), len(codes)))
    for number, row in enumerate(rows):
        vectors[number, codes.index(row["domain"])] = 1.0
    if not len(rows) or weights.sum() == 0:
        return []
    shares = weighted_shares(vectors, weights)
    low, high = bootstrap_interval(
        vectors,
        weights,
        settings.bootstrap,
        settings.interval,
        report_seed(settings.bootstrap_seed, report["report_id"]),
    )
    out = []
    for number, code in enumerate(codes):
        members = vectors[:, number] > 0
        out.append(
            {
                "report_id": report["report_id"],
                "label": report["label"],
                "region": report["region"],
                "year": report["year"],
                "domain": code,
                "domain_zh": codebook.name_zh(code),
                "domain_en": codebook.name_en(code),
                "share": f"{shares[number]:.{DECIMALS}f}",
                "ci_low": f"{low[number]:.{DECIMALS}f}",
                "ci_high": f"{high[number]:.{DECIMALS}f}",
                "characters": int(weights[members].sum()),
                "paragraphs": int(members.sum()),
            }
        )
    return out


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "attention")
    settings = Settings.from_params(snakemake.params.settings)
    try:
        codebook = read_codebook(snakemake.input.codebook)
    except InputError as error:
        log.error("%s", error)
        raise
    matcher = SeedMatcher(codebook.domains)
    codes = [d.code for d in codebook.domains] + [NONE]
    reports = read_csv(snakemake.input.reports)
    records = {
        r["report_id"]: read_jsonl(f"{snakemake.input.text}/{r['report_id']}.jsonl")
        for r in reports
    }
    left_out = Counter(
        p["part"]
        for rows in records.values()
        for p in rows
        if not p["heading"] and p["part"] not in settings.parts
    )
    paragraphs = {
        report_id: body_paragraphs(rows, settings.parts) for report_id, rows in records.items()
    }
    flat = [(r, p) for r in reports for p in paragraphs[r["report_id"]]]
    labels = classify([p["text"] for _, p in flat], matcher, settings)
    rows_by_report: dict[str, list[dict]] = {r["report_id"]: [] for r in reports}
    for (report, paragraph), label in zip(flat, labels, strict=True):
        rows_by_report[report["report_id"]].append(
            {
                "report_id": report["report_id"],
                "label": report["label"],
                "index": paragraph["index"],
                "domain": label["domain"],
                "score": f"{label['score']:.{DECIMALS}f}",
                "part": paragraph["part"],
                "section": " / ".join(paragraph["section"]),
                "characters": len(paragraph["text"]),
                "seed_domain": label["seed_domain"],
                "evidence": label["evidence"],
            }
        )
    shares = [
        row
        for report in reports
        for row in share_rows(
            report, rows_by_report[report["report_id"]], codes, codebook, settings
        )
    ]
    check, details = heading_check(paragraphs, matcher, codebook.umbrellas, settings)
    write_csv(
        snakemake.output.paragraphs,
        PARAGRAPH_COLUMNS,
        [row for report in reports for row in rows_by_report[report["report_id"]]],
    )
    write_csv(snakemake.output.shares, SHARE_COLUMNS, shares)
    write_csv(snakemake.output.checks, CHECK_COLUMNS, [check])
    write_csv(snakemake.output.heading_check, HEADING_CHECK_COLUMNS, details)
    log.info(
        "not classified (attention.parts): %s",
        ", ".join(f"{count} paragraphs of part {part}" for part, count in sorted(left_out.items()))
        or "none",
    )
    classified = sum(1 for row in labels if row["domain"] != NONE)
    log.info(
        "%d paragraphs of %d reports: %d with a domain, %d none; heading check on %d paragraphs "
        "(%d under no domain's heading): accuracy %s, macro-F1 %s",
        len(labels),
        len(reports),
        classified,
        len(labels) - classified,
        check["paragraphs"],
        check["skipped"],
        check["accuracy"] or "n/a",
        check["macro_f1"] or "n/a",
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/attention.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("attention")
    main(snakemake)  # noqa: F821
