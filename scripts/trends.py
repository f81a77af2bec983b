"""Rule trends: how each region's reports change from year to year (results/trends/).

- `term_changes.csv`: the terms whose frequency changes significantly between a region's
  consecutive reports (`new`, `rising`, `falling`, `gone`; G² and log ratio as in keyness);
- `quotes.csv`: for each pair, its largest rises and falls with the first sentence that holds the
  term (later report for a rise, earlier for a fall);
- `first_seen.csv`: each term's first year in a region's series, with its count then;
- `topic_shares.csv`: each report's topic shares (lda/chosen) with its region and year;
- `watch.csv`: the watched terms (terms/watch.csv) by region and year.

Definitions in gwr.trends. With no region of two or more reports, the tables of changes hold
their header only.
"""

from gwr.io import read_csv, read_jsonl, setup_logging, write_csv
from gwr.trends import (
    CHANGE_COLUMNS,
    FIRST_SEEN_COLUMNS,
    QUOTE_COLUMNS,
    TOPIC_COLUMNS,
    WATCH_COLUMNS,
    body_characters,
    change_rows,
    first_seen_rows,
    quote_rows,
    series,
    token_counts,
    topic_rows,
    watch_counts,
    watch_trend_rows,
    with_series,
)


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "trends")
    settings = dict(snakemake.params.settings)
    by_region = series(read_csv(snakemake.input.reports))
    trended = with_series(by_region)
    ids = {report["report_id"] for rows in trended.values() for report in rows}
    paragraphs = {
        report_id: read_jsonl(f"{snakemake.input.text}/{report_id}.jsonl")
        for report_id in sorted(ids)
    }
    characters = {report_id: body_characters(records) for report_id, records in paragraphs.items()}
    tokens = token_counts(snakemake.input.frequency, ids)
    watch = read_csv(snakemake.input.watch)
    watched = {i: c for i, c in watch_counts(watch).items() if i in ids}

    changes = list(
        change_rows(
            trended,
            tokens,
            characters,
            p_max=settings["p_max"],
            min_count=settings["min_count"],
        )
    )
    write_csv(snakemake.output.term_changes, CHANGE_COLUMNS, changes)
    labels = {report["report_id"]: report["label"] for rows in trended.values() for report in rows}
    quotes = list(
        quote_rows(
            changes,
            paragraphs,
            labels,
            per_direction=settings["quotes"],
            max_chars=settings["quote_chars"],
        )
    )
    write_csv(snakemake.output.quotes, QUOTE_COLUMNS, quotes)
    first = list(
        first_seen_rows(
            trended, tokens, watched, characters, min_count=settings["first_seen_min_count"]
        )
    )
    write_csv(snakemake.output.first_seen, FIRST_SEEN_COLUMNS, first)
    write_csv(
        snakemake.output.topic_shares,
        TOPIC_COLUMNS,
        topic_rows(by_region, read_csv(snakemake.input.topic_shares)),
    )
    write_csv(snakemake.output.watch, WATCH_COLUMNS, watch_trend_rows(by_region, watch))
    pair_count = sum(len(rows) - 1 for rows in trended.values())
    if not trended:
        log.warning(
            "no region has reports of two or more years (%d regions of one report each): "
            "term_changes.csv and first_seen.csv hold their header only",
            len(by_region),
        )
    log.info(
        "%d of %d regions with two or more reports, %d pairs of consecutive reports: "
        "%d significant changes (p < %s, count >= %d), %d terms first seen",
        len(trended),
        len(by_region),
        pair_count,
        len(changes),
        settings["p_max"],
        settings["min_count"],
        len(first),
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/trends.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("trends")
    main(snakemake)  # noqa: F821
