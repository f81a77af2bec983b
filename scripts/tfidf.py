"""TF-IDF keywords: what each region stresses compared with the others (scikit-learn).

One document per report (its modelled paragraphs' tokens), and also one per report and part, so
that the review of the past year can be set beside the plans for this year. Terms are ranked by
TF-IDF within each document; ties go to the more frequent, then the alphabetically first term, so
that the tables are the same on every run. The report × term matrix is saved for later steps.
"""

from collections import Counter

import numpy as np
from gwr.io import iter_token_files, read_csv, setup_logging, write_csv, write_npz

TOP_COLUMNS = ["report_id", "label", "region", "rank", "term", "tfidf", "count"]
PART_COLUMNS = ["report_id", "label", "region", "part", "rank", "term", "tfidf", "count"]
DECIMALS = 6


def _identity(tokens):
    return tokens


def vectorize(documents: list[list[str]], settings: dict):
    """Fit TF-IDF on pre-tokenised documents; return (matrix, terms)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer=_identity,
        lowercase=False,
        sublinear_tf=settings["sublinear_tf"],
        smooth_idf=settings["smooth_idf"],
        norm=settings["norm"] or None,
        min_df=settings["min_df"],
        # A share of the documents (the schema's meaning): scikit-learn would read an integer 1
        # as one document.
        max_df=float(settings["max_df"]),
    )
    matrix = vectorizer.fit_transform(documents)
    return matrix.tocsr(), vectorizer.get_feature_names_out()


def top_terms(matrix, terms, documents: list[list[str]], top_n: int) -> list[list[dict]]:
    """The top_n terms of each row by TF-IDF (ties: higher count, then term)."""
    result = []
    for row, tokens in enumerate(documents):
        counts = Counter(tokens)
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        cells = [
            (round(float(value), DECIMALS), terms[column])
            for column, value in zip(matrix.indices[start:end], matrix.data[start:end], strict=True)
        ]
        cells.sort(key=lambda cell: (-cell[0], -counts[cell[1]], cell[1]))
        result.append(
            [
                {
                    "rank": rank,
                    "term": term,
                    "tfidf": f"{score:.{DECIMALS}f}",
                    "count": counts[term],
                }
                for rank, (score, term) in enumerate(cells[:top_n], start=1)
            ]
        )
    return result


def _names(reports: dict[str, dict], report_id: str) -> dict[str, str]:
    row = reports.get(report_id, {})
    return {"label": row.get("label", ""), "region": row.get("region", "")}


def report_documents(token_files, parts=None):
    """(report_id, tokens) per report, or per (report, part) when `parts` is given."""
    for report_id, records in token_files:
        if parts is None:
            yield (report_id, None), [t for r in records for t in r["tokens"]]
            continue
        for part in parts:
            yield (report_id, part), [t for r in records if r["part"] == part for t in r["tokens"]]


def run(token_files, reports: dict[str, dict], settings: dict):
    """Return (top-term rows, by-part rows, matrix, terms, report ids).

    `reports`: the rows of reports.csv by report id (their `label` and `region` are copied).
    """
    token_files = list(token_files)
    keys, documents = zip(*report_documents(token_files), strict=True)
    matrix, terms = vectorize(list(documents), settings)
    rows = [
        {"report_id": report_id, **_names(reports, report_id), **cell}
        for ((report_id, _), cells) in zip(
            keys, top_terms(matrix, terms, list(documents), settings["top_n"]), strict=True
        )
        for cell in cells
    ]
    part_keys, part_documents = zip(*report_documents(token_files, settings["parts"]), strict=True)
    nonempty = [i for i, doc in enumerate(part_documents) if doc]
    part_rows = []
    if nonempty:
        docs = [part_documents[i] for i in nonempty]
        part_matrix, part_terms = vectorize(docs, settings)
        for i, cells in zip(
            nonempty, top_terms(part_matrix, part_terms, docs, settings["top_n"]), strict=True
        ):
            report_id, part = part_keys[i]
            part_rows.extend(
                {"report_id": report_id, **_names(reports, report_id), "part": part, **c}
                for c in cells
            )
    return rows, part_rows, matrix, terms, [key[0] for key in keys]


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "tfidf")
    settings = dict(snakemake.params.settings)
    reports = {r["report_id"]: r for r in read_csv(snakemake.input.reports)}
    rows, part_rows, matrix, terms, report_ids = run(
        iter_token_files(snakemake.input.shards), reports, settings
    )
    write_csv(snakemake.output.top_terms, TOP_COLUMNS, rows)
    write_csv(snakemake.output.by_part, PART_COLUMNS, part_rows)
    write_npz(
        snakemake.output.matrix,
        data=matrix.data,
        indices=matrix.indices,
        indptr=matrix.indptr,
        shape=np.array(matrix.shape),
        terms=np.array(terms, dtype=str),
        report_ids=np.array(report_ids, dtype=str),
    )
    log.info("%d reports x %d terms; top %d terms each", *matrix.shape, settings["top_n"])


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/tfidf.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("tfidf")
    main(snakemake)  # noqa: F821
