"""Similarity between regions, and why.

Three measures, each a region × region matrix labelled with the regions' Chinese names:

- `tfidf_cosine`: cosine similarity of the reports' TF-IDF vectors (1: the same distinctive words);
- `topic_jsd`: Jensen–Shannon distance (scipy, base 2: from 0, the same topic shares, to 1) of the
  regions' full topic vectors in the chosen LDA model;
- `topic_hellinger`: Hellinger distance of the same vectors (0 to 1).

`pairs.csv` gives every pair (for a large corpus: each region's nearest neighbours), each measure
with its rank among all pairs (1: the most alike), and the reasons: the terms distinctive of both
reports (highest smaller TF-IDF of the two), and the most similar pair of paragraphs (cosine of
paragraph TF-IDF vectors) with both texts and their sections.
"""

from pathlib import Path

import numpy as np
from gwr_common import (
    csv_text,
    iter_token_files,
    read_csv,
    read_jsonl,
    setup_logging,
    unique_labels,
    write_text,
)

DECIMALS = 6
PAIR_COLUMNS = [
    "region_a",
    "region_b",
    "report_a",
    "report_b",
    "tfidf_cosine",
    "tfidf_cosine_rank",
    "topic_jsd",
    "topic_jsd_rank",
    "topic_hellinger",
    "topic_hellinger_rank",
    "shared_terms",
    "paragraph_similarity",
    "paragraph_a_section",
    "paragraph_a",
    "paragraph_b_section",
    "paragraph_b",
]


def load_tfidf(path: str):
    from scipy.sparse import csr_matrix

    with np.load(path, allow_pickle=False) as data:
        matrix = csr_matrix((data["data"], data["indices"], data["indptr"]), shape=data["shape"])
        return matrix, list(data["terms"]), list(data["report_ids"])


def cosine_matrix(matrix) -> np.ndarray:
    from sklearn.metrics.pairwise import cosine_similarity

    similarity = cosine_similarity(matrix)
    np.fill_diagonal(similarity, 1.0)
    return np.clip(similarity, 0.0, 1.0)


def jsd_matrix(shares: np.ndarray) -> np.ndarray:
    from scipy.spatial.distance import jensenshannon

    n = len(shares)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            out[i, j] = out[j, i] = jensenshannon(shares[i], shares[j], base=2)
    return out


def hellinger_matrix(shares: np.ndarray) -> np.ndarray:
    roots = np.sqrt(shares)
    differences = roots[:, None, :] - roots[None, :, :]
    return np.sqrt(0.5 * (differences**2).sum(axis=2))


def matrix_rows(matrix: np.ndarray, labels: list[str]) -> tuple[list[str], list[list]]:
    header = ["region", *labels]
    rows = [
        [label, *(f"{v:.{DECIMALS}f}" for v in row)]
        for label, row in zip(labels, matrix, strict=True)
    ]
    return header, rows


def pair_ranks(matrix: np.ndarray, higher_is_closer: bool) -> dict[tuple[int, int], int]:
    """Rank of every pair among all pairs, 1 = the most alike (ties: the earlier pair first)."""
    i, j = np.triu_indices(len(matrix), k=1)
    values = matrix[i, j]
    order = np.lexsort((j, i, -values if higher_is_closer else values))
    return {(int(i[o]), int(j[o])): rank for rank, o in enumerate(order, start=1)}


def shared_terms(matrix, terms, a: int, b: int, n: int) -> list[str]:
    """Terms distinctive of both reports: highest min(TF-IDF in a, TF-IDF in b).

    In a corpus of more than two reports, a term that every report uses says nothing about why
    these two are alike, so it is left out.
    """
    row_a = matrix.getrow(a).toarray().ravel()
    row_b = matrix.getrow(b).toarray().ravel()
    both = np.minimum(row_a, row_b)
    if matrix.shape[0] > 2:
        everywhere = np.asarray((matrix > 0).sum(axis=0)).ravel() == matrix.shape[0]
        both[everywhere] = 0
    candidates = np.flatnonzero(both > 0)
    ranked = sorted(candidates, key=lambda t: (-round(float(both[t]), 9), terms[t]))
    return [terms[t] for t in ranked[:n]]


def selected_pairs(cosine: np.ndarray, settings: dict) -> list[tuple[int, int]]:
    """All pairs of a small corpus; for a large one, each region's nearest neighbours."""
    n = len(cosine)
    if n <= settings["all_pairs_max"]:
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    pairs = set()
    for i in range(n):
        order = [j for j in np.argsort(-cosine[i], kind="stable") if j != i]
        for j in order[: settings["neighbours"]]:
            pairs.add((min(i, int(j)), max(i, int(j))))
    return sorted(pairs)


class ParagraphIndex:
    """TF-IDF vectors of every paragraph, to find the most similar paragraph of two reports."""

    def __init__(self, token_files, min_tokens: int):
        from sklearn.feature_extraction.text import TfidfVectorizer

        keys, documents = [], []
        for report_id, records in token_files:
            for record in records:
                if len(record["tokens"]) >= min_tokens:
                    keys.append((report_id, record["index"]))
                    documents.append(record["tokens"])
        self.keys = keys
        self.rows: dict[str, list[int]] = {}
        for row, (report_id, _) in enumerate(keys):
            self.rows.setdefault(report_id, []).append(row)
        self.matrix = (
            TfidfVectorizer(analyzer=_identity, lowercase=False, sublinear_tf=True).fit_transform(
                documents
            )
            if documents
            else None
        )

    def best_pair(self, report_a: str, report_b: str):
        """((report, index), (report, index), cosine) of the most similar paragraphs, or None."""
        rows_a, rows_b = self.rows.get(report_a), self.rows.get(report_b)
        if self.matrix is None or not rows_a or not rows_b:
            return None
        similarity = (self.matrix[rows_a] @ self.matrix[rows_b].T).toarray()
        a, b = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        return self.keys[rows_a[a]], self.keys[rows_b[b]], float(similarity[a, b])


def _identity(tokens):
    return tokens


def compute(reports, tfidf, shares_rows, token_files, texts, settings):
    """Return (labels, {measure: matrix}, pair rows)."""
    matrix, terms, report_ids = tfidf
    by_id = {r["report_id"]: r for r in reports}
    labels = unique_labels([by_id[i] for i in report_ids])
    shares_by_id = {
        row["report_id"]: [float(v) for k, v in row.items() if k.startswith("topic_")]
        for row in shares_rows
    }
    missing = [i for i in report_ids if i not in shares_by_id]
    if missing:
        raise ValueError(f"reports without topic shares: {missing}")
    shares = np.array([shares_by_id[i] for i in report_ids])
    matrices = {
        "tfidf_cosine": cosine_matrix(matrix),
        "topic_jsd": jsd_matrix(shares),
        "topic_hellinger": hellinger_matrix(shares),
    }
    ranks = {
        "tfidf_cosine": pair_ranks(matrices["tfidf_cosine"], higher_is_closer=True),
        "topic_jsd": pair_ranks(matrices["topic_jsd"], higher_is_closer=False),
        "topic_hellinger": pair_ranks(matrices["topic_hellinger"], higher_is_closer=False),
    }
    paragraphs = ParagraphIndex(token_files, settings["min_paragraph_tokens"])
    rows = []
    for a, b in selected_pairs(matrices["tfidf_cosine"], settings):
        row = {
            "region_a": labels[a],
            "region_b": labels[b],
            "report_a": report_ids[a],
            "report_b": report_ids[b],
            "shared_terms": "、".join(shared_terms(matrix, terms, a, b, settings["shared_terms"])),
        }
        for measure, values in matrices.items():
            row[measure] = f"{values[a, b]:.{DECIMALS}f}"
            row[f"{measure}_rank"] = ranks[measure][(a, b)]
        best = paragraphs.best_pair(report_ids[a], report_ids[b])
        if best:
            (_, index_a), (_, index_b), score = best
            para_a, para_b = texts[report_ids[a]][index_a], texts[report_ids[b]][index_b]
            row.update(
                paragraph_similarity=f"{score:.{DECIMALS}f}",
                paragraph_a_section=" / ".join(para_a["section"]) or para_a["part"],
                paragraph_a=para_a["text"],
                paragraph_b_section=" / ".join(para_b["section"]) or para_b["part"],
                paragraph_b=para_b["text"],
            )
        rows.append(row)
    rows.sort(key=lambda r: (r["tfidf_cosine_rank"], r["report_a"], r["report_b"]))
    return labels, matrices, rows


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "similarity")
    settings = dict(snakemake.params.settings)
    reports = read_csv(snakemake.input.reports)
    texts = {
        r["report_id"]: {
            p["index"]: p
            for p in read_jsonl(Path(snakemake.input.text) / f"{r['report_id']}.jsonl")
        }
        for r in reports
    }
    labels, matrices, rows = compute(
        reports,
        load_tfidf(snakemake.input.tfidf),
        read_csv(snakemake.input.report_topics),
        list(iter_token_files(snakemake.input.shards)),
        texts,
        settings,
    )
    for measure, values in matrices.items():
        header, table = matrix_rows(values, labels)
        write_text(getattr(snakemake.output, measure), csv_text(header, table), "utf-8-sig")
    write_text(snakemake.output.pairs, csv_text(PAIR_COLUMNS, rows), "utf-8-sig")
    if rows:
        top = rows[0]
        log.info(
            "most alike by TF-IDF: %s and %s (cosine %s; shared: %s)",
            top["region_a"],
            top["region_b"],
            top["tfidf_cosine"],
            top["shared_terms"],
        )
    log.info("%d regions, %d pairs listed", len(labels), len(rows))


if __name__ == "__main__" and "snakemake" in globals():
    main(snakemake)  # noqa: F821
