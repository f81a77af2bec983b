"""Rule lda_prepare: the documents of the LDA models and their dictionary (results/lda/corpus/,
results/lda/documents.csv).

The documents are paragraphs, sections or whole reports (lda.unit), made of the token records of
the segmentation, which carry each paragraph's part and section. The gensim dictionary drops
terms by document frequency (lda.no_below, lda.no_above, lda.keep_n); documents left with fewer
than lda.min_doc_tokens tokens are left out (listed, with why, in documents.csv). The bag-of-words
corpus is serialised to disk (Matrix Market) so that a large corpus is streamed, not held in
memory; on a large corpus, the samples the sweep trains on (lda.training_budget) and is judged on
(lda.evaluation_documents) are drawn here (see gwr.lda for the folder's files).
"""

import json

import numpy as np
from gwr.io import (
    InputError,
    atomic_directory,
    iter_token_files,
    read_csv,
    setup_logging,
    write_csv,
    write_json,
)
from gwr.lda import CORPUS, DICTIONARY, SAMPLES, TEXTS, TRAIN

DOCUMENT_COLUMNS = [
    "doc",
    "report_id",
    "label",
    "region",
    "part",
    "unit",
    "index",
    "section",
    "tokens",
    "kept_tokens",
    "used",
]
# How a section path is written in the tables (TABLES.md: headings joined by " / ").
SECTION_SEPARATOR = " / "


def build_documents(token_files, unit: str) -> list[dict]:
    """Documents of the chosen unit: their report, part, a readable key (`unit`), the paragraph's
    index (paragraphs only) and section path (paragraphs and sections), and their tokens."""
    documents = []
    for report_id, records in token_files:
        groups: dict[str, dict] = {}
        for record in records:
            section = SECTION_SEPARATOR.join(record["section"])
            if unit == "paragraph":
                key, index = str(record["index"]), record["index"]
            elif unit == "section":
                # Paragraphs before the first heading: their part names their section.
                key, index = section or record["part"], ""
            else:
                key, index, section = "report", "", ""
            group = groups.setdefault(
                key, {"parts": [], "tokens": [], "index": index, "section": section}
            )
            group["parts"].append(record["part"])
            group["tokens"].extend(record["tokens"])
        for key, group in groups.items():
            parts = group["parts"]
            documents.append(
                {
                    "report_id": report_id,
                    # A section or report spans parts: name the most frequent (first on ties).
                    "part": max(dict.fromkeys(parts), key=parts.count),
                    "unit": key,
                    "index": group["index"],
                    "section": group["section"],
                    "tokens": group["tokens"],
                }
            )
    for number, document in enumerate(documents):
        document["doc"] = number
    return documents


def prepare(documents: list[dict], settings: dict):
    """Filter the dictionary; return (dictionary, bag-of-words per used document, rows, texts)."""
    from gensim.corpora import Dictionary

    dictionary = Dictionary(document["tokens"] for document in documents)
    dictionary.filter_extremes(
        no_below=settings["no_below"], no_above=settings["no_above"], keep_n=settings["keep_n"]
    )
    bows, texts, rows = [], [], []
    for document in documents:
        kept = [token for token in document["tokens"] if token in dictionary.token2id]
        used = len(kept) >= settings["min_doc_tokens"]
        if used:
            bows.append(dictionary.doc2bow(kept))
            texts.append({"doc": document["doc"], "tokens": kept})
        rows.append(
            {
                "doc": document["doc"],
                "report_id": document["report_id"],
                "part": document["part"],
                "unit": document["unit"],
                "index": document["index"],
                "section": document["section"],
                "tokens": len(document["tokens"]),
                "kept_tokens": len(kept),
                "used": "yes" if used else "no",
            }
        )
    return dictionary, bows, rows, texts


def prepare_corpus(token_files, reports: list[dict], settings: dict):
    """(dictionary, bags of words of the used documents, documents.csv rows, token lists of the
    used documents) of the token records `token_files`; `reports`: rows of reports.csv."""
    dictionary, bows, rows, texts = prepare(
        build_documents(token_files, settings["unit"]), settings
    )
    by_id = {report["report_id"]: report for report in reports}
    for row in rows:
        report = by_id.get(row["report_id"], {})
        row["label"] = report.get("label", "")
        row["region"] = report.get("region", "")
    if not bows:
        raise InputError(
            f"no {settings['unit']} has {settings['min_doc_tokens']} or more tokens left after the "
            "dictionary filter (lda.no_below, lda.no_above): the corpus is too small for these "
            "settings. Lower lda.no_below or lda.min_doc_tokens, or raise lda.no_above."
        )
    return dictionary, bows, rows, texts


def sample_indices(count: int, size: int, seed: int) -> list[int]:
    """At most `size` of `count` positions, drawn at random with `seed`, in their order."""
    if count <= size:
        return list(range(count))
    rng = np.random.default_rng(seed)
    return sorted(int(i) for i in rng.choice(count, size=size, replace=False))


def write_corpus(target, dictionary, bows, texts, settings: dict) -> dict:
    """Write the corpus folder (see gwr.lda) whole; return its samples.json."""
    from gensim.corpora import MmCorpus

    # A large corpus: the K sweep trains on a sample and is judged on a (smaller) sample.
    training = sample_indices(len(bows), settings["training_budget"], settings["sample_seed"])
    evaluation = sample_indices(
        len(bows), settings["evaluation_documents"], settings["sample_seed"]
    )
    samples = {
        "documents": len(bows),
        "training_documents": len(training),
        "evaluation_documents": len(evaluation),
        "seed": settings["sample_seed"],
    }
    with atomic_directory(target) as staging:
        dictionary.save_as_text(str(staging / DICTIONARY))
        MmCorpus.serialize(str(staging / CORPUS), bows)
        MmCorpus.serialize(str(staging / TRAIN), [bows[i] for i in training])
        (staging / TEXTS).write_text(
            "".join(json.dumps(texts[i], ensure_ascii=False) + "\n" for i in evaluation),
            encoding="utf-8",
        )
        write_json(staging / SAMPLES, samples)
    return samples


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "lda_prepare")
    settings = dict(snakemake.params.settings)
    dictionary, bows, rows, texts = prepare_corpus(
        iter_token_files(snakemake.input.shards), read_csv(snakemake.input.reports), settings
    )
    samples = write_corpus(snakemake.output.corpus, dictionary, bows, texts, settings)
    write_csv(snakemake.output.documents, DOCUMENT_COLUMNS, rows)
    log.info(
        "%d %ss, %d used (%d left out: fewer than %d tokens after filtering); %d terms; "
        "the sweep trains on %d and is judged on %d of them",
        len(rows),
        settings["unit"],
        len(bows),
        sum(row["used"] == "no" for row in rows),
        settings["min_doc_tokens"],
        len(dictionary),
        samples["training_documents"],
        samples["evaluation_documents"],
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/lda_prepare.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("lda_prepare")
    main(snakemake)  # noqa: F821
