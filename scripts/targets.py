"""Rule targets: the quantities each report states (results/targets/targets.csv) — this year's
expected targets (kind `target`, from the plans) and last year's results (kind `achieved`, from
the review): one row per stated quantity with its indicator, range, unit, qualifier, the
sentence it stands in and the paragraph's index.

Definitions (what is read, how a figure gets its indicator and its kind) in gwr.targets; the
indicators' names and the cue words in config/targets/indicators.yaml.
"""

from collections import Counter

from gwr.io import InputError, read_csv, read_jsonl, setup_logging, write_csv
from gwr.targets import GROWTH_INDICATORS, TARGET_COLUMNS, TargetSettings, extract


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "targets")
    params = dict(snakemake.params.settings)
    params["indicators"] = snakemake.input.indicators
    try:
        settings = TargetSettings.from_params(params)
    except InputError as error:
        log.error("%s", error)
        raise
    rows = []
    for report in read_csv(snakemake.input.reports):
        paragraphs = read_jsonl(f"{snakemake.input.text}/{report['report_id']}.jsonl")
        year = int(report["year"]) if report["year"] else None
        for row in extract(paragraphs, settings, year):
            rows.append(
                {
                    "report_id": report["report_id"],
                    "label": report["label"],
                    "region": report["region"],
                    "year": report["year"],
                    **row,
                }
            )
    write_csv(snakemake.output.targets, TARGET_COLUMNS, rows)
    kinds = Counter((row["kind"], row["indicator"] == "other") for row in rows)
    with_growth = {
        row["report_id"]
        for row in rows
        if row["kind"] == "target" and row["indicator"] in GROWTH_INDICATORS
    }
    log.info(
        "%d quantities: %d targets (%d of them other), %d achieved; a growth target in %d reports",
        len(rows),
        kinds[("target", False)] + kinds[("target", True)],
        kinds[("target", True)],
        kinds[("achieved", False)] + kinds[("achieved", True)],
        len(with_growth),
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/targets.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("targets")
    main(snakemake)  # noqa: F821
