"""Gather the segmentation shards: vocabulary, dropped tokens and an index of the token files.

- `vocabulary.csv`: every kept term with its count, in how many reports and paragraphs it occurs,
  its part of speech and the dictionary it came from (shipped, glossary, quoted, collocation:
  the project's dictionary; jieba: jieba's own dictionary; new_word: found by jieba's HMM).
- `dropped_tokens.csv`: every dropped token with its reason and count, summed over the shards.
- `index.csv`: one row per report: where its token file is, and how many paragraphs and tokens.
"""

from collections import Counter
from pathlib import Path

from gwr.io import read_csv, read_jsonl, setup_logging, write_csv
from gwr.names import DROPPED_TOKEN_COLUMNS as DROPPED_COLUMNS
from gwr.names import NEW_WORD_TAG
from gwr.wordlists import read_term_file

VOCABULARY_COLUMNS = ["term", "count", "reports", "paragraphs", "tag", "source"]
INDEX_COLUMNS = [
    "report_id",
    "label",
    "region",
    "tokens_file",
    "paragraphs",
    "empty_paragraphs",
    "tokens",
]


def gather(shard_dirs, reports, user_dict_terms, harvested):
    """Return (vocabulary rows, dropped rows, index rows) from the shards' files."""
    by_id = {report["report_id"]: report for report in reports}
    counts: Counter = Counter()
    report_freq: Counter = Counter()
    paragraph_freq: Counter = Counter()
    tags: dict[str, Counter] = {}
    dropped: Counter = Counter()
    index = []
    for shard in sorted(Path(d) for d in shard_dirs):
        for path in sorted(shard.glob("*.jsonl")):
            records = read_jsonl(path)
            seen: set[str] = set()
            for record in records:
                counts.update(record["tokens"])
                paragraph_freq.update(set(record["tokens"]))
                seen.update(record["tokens"])
                for token, tag in zip(record["tokens"], record["tags"], strict=True):
                    tags.setdefault(token, Counter())[tag] += 1
            report_freq.update(seen)
            index.append(
                {
                    "report_id": path.stem,
                    "label": by_id.get(path.stem, {}).get("label", ""),
                    "region": by_id.get(path.stem, {}).get("region", ""),
                    "tokens_file": path.as_posix(),
                    "paragraphs": len(records),
                    "empty_paragraphs": sum(not r["tokens"] for r in records),
                    "tokens": sum(len(r["tokens"]) for r in records),
                }
            )
        for row in read_csv(shard / "dropped_tokens.csv"):
            dropped[(row["token"], row["tag"], row["reason"])] += int(row["count"])
    sources = {row["term"]: row["source"] for row in harvested}
    vocabulary = []
    for term, count in counts.items():
        tag = tags[term].most_common(1)[0][0]
        if term in sources:
            source = sources[term]
        elif term in user_dict_terms:
            source = "shipped"
        elif tag == NEW_WORD_TAG:
            source = "new_word"
        else:
            source = "jieba"
        vocabulary.append(
            {
                "term": term,
                "count": count,
                "reports": report_freq[term],
                "paragraphs": paragraph_freq[term],
                "tag": tag,
                "source": source,
            }
        )
    vocabulary.sort(key=lambda row: (-row["count"], row["term"]))
    dropped_rows = [
        {"token": token, "tag": tag, "reason": reason, "count": count}
        for (token, tag, reason), count in dropped.items()
    ]
    dropped_rows.sort(key=lambda row: (-row["count"], row["reason"], row["token"], row["tag"]))
    index.sort(key=lambda row: row["report_id"])
    return vocabulary, dropped_rows, index


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "vocabulary")
    user_dict_terms = {term for term, _, _ in read_term_file(snakemake.input.user_dict)}
    vocabulary, dropped, index = gather(
        list(snakemake.input.shards),
        read_csv(snakemake.input.reports),
        user_dict_terms,
        read_csv(snakemake.input.harvested),
    )
    write_csv(snakemake.output.vocabulary, VOCABULARY_COLUMNS, vocabulary)
    write_csv(snakemake.output.dropped, DROPPED_COLUMNS, dropped)
    write_csv(snakemake.output.index, INDEX_COLUMNS, index)
    empty = [row["report_id"] for row in index if row["tokens"] == 0]
    if empty:
        log.warning("reports with no tokens after filtering: %s", ", ".join(empty))
    log.info(
        "%d terms, %d tokens kept, %d dropped",
        len(vocabulary),
        sum(row["count"] for row in vocabulary),
        sum(row["count"] for row in dropped),
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/vocabulary.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("vocabulary")
    main(snakemake)  # noqa: F821
