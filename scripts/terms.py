"""Rule terms: how often each report uses each term, the watched policy terms, and keywords in
context (results/terms/).

- `frequency.csv`: every term of the models' vocabulary a report uses, with its token count and
  the count per 10,000 characters of the report's body;
- `watch.csv`: the terms of `terms.watch`, counted in the text itself, inside longer words
  too (统一大市场 inside 全国统一大市场; 人工智能 inside 人工智能+), so that a term every report
  uses, which no "distinctive" method can show, can still be compared;
- `kwic.csv`: the sentences around the watched terms and around each report's top key terms
  (keyness, part all): where the numbers on the page come from.
"""

from collections import Counter

from gwr.io import iter_token_files, read_csv, read_jsonl, setup_logging, write_csv
from gwr.keyness import per_10k
from gwr.names import ALL_PARTS, APPENDIX

FREQUENCY_COLUMNS = ["report_id", "label", "term", "count", "per_10k"]
WATCH_COLUMNS = ["report_id", "label", "region", "year", "term", "count", "per_10k"]
KWIC_COLUMNS = ["report_id", "label", "term", "index", "section", "left", "match", "right"]


def body(paragraphs: list[dict]) -> list[dict]:
    """The paragraphs of the body (every part but the appendix)."""
    return [p for p in paragraphs if p["part"] != APPENDIX]


def occurrences(text: str, term: str):
    """Start positions of `term` in `text`, overlapping ones too."""
    start = text.find(term)
    while start >= 0:
        yield start
        start = text.find(term, start + 1)


def frequency_rows(report: dict, tokens: Counter, characters: int):
    for term in sorted(tokens, key=lambda t: (-tokens[t], t)):
        yield {
            "report_id": report["report_id"],
            "label": report["label"],
            "term": term,
            "count": tokens[term],
            "per_10k": f"{per_10k(tokens[term], characters):.3f}",
        }


def watch_rows(report: dict, paragraphs: list[dict], watch: list[str], characters: int):
    for term in watch:
        count = sum(len(list(occurrences(p["text"], term))) for p in paragraphs)
        yield {
            "report_id": report["report_id"],
            "label": report["label"],
            "region": report["region"],
            "year": report["year"],
            "term": term,
            "count": count,
            "per_10k": f"{per_10k(count, characters):.3f}",
        }


def kwic_rows(report: dict, paragraphs: list[dict], terms: list[str], width: int, per_term: int):
    """Up to `per_term` occurrences of each term, in reading order, with `width` characters of
    context on each side (within the paragraph)."""
    for term in terms:
        found = 0
        for paragraph in paragraphs:
            text = paragraph["text"]
            for start in occurrences(text, term):
                if found == per_term:
                    break
                end = start + len(term)
                yield {
                    "report_id": report["report_id"],
                    "label": report["label"],
                    "term": term,
                    "index": paragraph["index"],
                    "section": " / ".join(paragraph["section"]),
                    "left": text[max(0, start - width) : start],
                    "match": text[start:end],
                    "right": text[end : end + width],
                }
                found += 1
            if found == per_term:
                break


def cited_terms(keyness: list[dict], count: int) -> dict[str, list[str]]:
    """Each report's top `count` key terms of its whole body (part all), in rank order."""
    cited: dict[str, list[str]] = {}
    for row in keyness:
        if row["part"] == ALL_PARTS and int(row["rank"]) <= count:
            cited.setdefault(row["report_id"], []).append(row["term"])
    return cited


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "terms")
    settings = dict(snakemake.params.settings)
    watch = list(dict.fromkeys(settings["watch"]))
    reports = {row["report_id"]: row for row in read_csv(snakemake.input.reports)}
    cited = cited_terms(read_csv(snakemake.input.keyness), settings["kwic_key_terms"])
    texts = {
        report_id: body(read_jsonl(f"{snakemake.input.text}/{report_id}.jsonl"))
        for report_id in reports
    }
    characters = {i: sum(len(p["text"]) for p in paragraphs) for i, paragraphs in texts.items()}

    def frequencies():
        for report_id, records in iter_token_files(snakemake.input.shards):
            tokens = Counter(token for record in records for token in record["tokens"])
            yield from frequency_rows(reports[report_id], tokens, characters[report_id])

    write_csv(snakemake.output.frequency, FREQUENCY_COLUMNS, frequencies())
    watched = [
        row
        for report_id, paragraphs in texts.items()
        for row in watch_rows(reports[report_id], paragraphs, watch, characters[report_id])
    ]
    write_csv(snakemake.output.watch, WATCH_COLUMNS, watched)
    kwic = [
        row
        for report_id, paragraphs in texts.items()
        for row in kwic_rows(
            reports[report_id],
            paragraphs,
            list(dict.fromkeys(watch + cited.get(report_id, []))),
            settings["kwic_chars"],
            settings["kwic_per_term"],
        )
    ]
    write_csv(snakemake.output.kwic, KWIC_COLUMNS, kwic)
    log.info(
        "%d reports; %d watched terms (%d occurrences); %d lines in context",
        len(reports),
        len(watch),
        sum(row["count"] for row in watched),
        len(kwic),
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/terms.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("terms")
    main(snakemake)  # noqa: F821
