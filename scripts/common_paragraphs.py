"""Rule common_paragraphs: the paragraphs most reports share (the yearly formula, the closing
appeal), flagged so that they are never offered as the reason two reports are alike
(results/corpus/common_paragraphs.csv; the rule in gwr.common_text)."""

from gwr.common_text import common_paragraphs
from gwr.io import read_csv, read_jsonl, setup_logging, write_csv
from gwr.names import APPENDIX

COLUMNS = ["report_id", "label", "index", "part", "section", "share", "text"]


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "common_paragraphs")
    settings = dict(snakemake.params.settings)
    reports = {row["report_id"]: row for row in read_csv(snakemake.input.reports)}
    texts = {
        report_id: [
            p
            for p in read_jsonl(f"{snakemake.input.text}/{report_id}.jsonl")
            if p["part"] != APPENDIX
        ]
        for report_id in reports
    }
    found = common_paragraphs(texts, settings)
    by_key = {(i, p["index"]): p for i, paragraphs in texts.items() for p in paragraphs}
    rows = []
    for row in found:
        paragraph = by_key[(row["report_id"], row["index"])]
        rows.append(
            {
                "report_id": row["report_id"],
                "label": reports[row["report_id"]]["label"],
                "index": row["index"],
                "part": paragraph["part"],
                "section": " / ".join(paragraph["section"]),
                "share": f"{row['share']:.3f}",
                "text": paragraph["text"],
            }
        )
    write_csv(snakemake.output.common, COLUMNS, rows)
    log.info(
        "%d of %d paragraphs are common to most reports",
        len(rows),
        sum(len(paragraphs) for paragraphs in texts.values()),
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/common_paragraphs.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("common_paragraphs")
    main(snakemake)  # noqa: F821
