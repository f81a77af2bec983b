"""Similarity between regions, and why.

Three measures, each a region × region matrix labelled with the regions' Chinese names:

- `tfidf_cosine`: cosine similarity of the reports' TF-IDF vectors (1: the same distinctive words);
- `topic_jsd`: Jensen–Shannon distance (scipy, base 2: from 0, the same topic shares, to 1) of the
  regions' full topic vectors in the chosen LDA model;
- `topic_hellinger`: Hellinger distance of the same vectors (0 to 1).

`pairs.csv` gives every pair (for a large corpus: each region's nearest neighbours), each measure
with its rank among all pairs (1: the most alike), and the reasons: the terms distinctive of both
reports — over-represented in each against the rest of the corpus (G², as in keyness), ranked by
the weaker of the two — and the most similar pair of paragraphs (cosine of paragraph TF-IDF
vectors) with both texts and their sections; `pair_paragraphs.csv` the `paragraph_pairs` most
similar. Paragraphs common to most reports (results/corpus/common_paragraphs.csv: the yearly
formula, the closing appeal) are never offered as a reason.

`agreement.csv` says how far the measures agree (Spearman's rank correlation over the listed
pairs; how often they name the same nearest neighbour), `nearest.csv` each report's nearest
neighbour by each measure.

Scale: the three N × N matrices are computed in blocks of rows (numbers only: 3,000 regions take
seconds and tens of MB each); the ranks of all pairs are one sort per measure. Everything that
touches terms, paragraphs or texts is done for the listed pairs only, and tokens and texts are
streamed from their files, never held whole in memory.
"""

import csv
import io
from collections import Counter
from pathlib import Path

import numpy as np
from gwr.io import (
    CSV_ENCODING,
    atomic_path,
    iter_token_files,
    read_csv,
    read_jsonl,
    setup_logging,
    write_csv,
)
from gwr.keyness import matrix_of
from gwr.names import HIGHER_IS_CLOSER, MEASURES, TFIDF_COSINE, TOPIC_HELLINGER, TOPIC_JSD
from gwr.shares import BLOCK_VALUES, row_blocks

DECIMALS = 6
# Scores of shared terms are compared at this many decimals (ties: alphabetical order).
ROUNDING = 9
PAIR_COLUMNS = [
    "report_id_a",
    "report_id_b",
    "label_a",
    "label_b",
    *(column for measure in MEASURES for column in (measure, f"{measure}_rank")),
    "shared_terms",
    "paragraph_similarity",
    "paragraph_a_section",
    "paragraph_a",
    "paragraph_b_section",
    "paragraph_b",
]


PARAGRAPH_COLUMNS = [
    "report_id_a",
    "report_id_b",
    "label_a",
    "label_b",
    "rank",
    "similarity",
    "index_a",
    "section_a",
    "text_a",
    "index_b",
    "section_b",
    "text_b",
]
NEAREST_COLUMNS = ["report_id", "label", "measure", "nearest_report_id", "nearest_label", "value"]
AGREEMENT_COLUMNS = [
    "measure_a",
    "measure_b",
    "pairs",
    "spearman",
    "reports",
    "same_nearest",
    "same_nearest_share",
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
    """Jensen–Shannon distance (base 2) of every pair of rows: scipy's, a block of rows at once."""
    from scipy.spatial.distance import jensenshannon

    shares = np.asarray(shares, float)
    n, topics = shares.shape
    out = np.zeros((n, n))
    for rows in row_blocks(n, n * topics):
        out[rows] = jensenshannon(shares[rows, None, :], shares[None, :, :], axis=-1, base=2)
    np.fill_diagonal(out, 0.0)
    return out


def hellinger_matrix(shares: np.ndarray) -> np.ndarray:
    roots = np.sqrt(np.asarray(shares, float))
    n, topics = roots.shape
    out = np.empty((n, n))
    for rows in row_blocks(n, n * topics):
        differences = roots[rows, None, :] - roots[None, :, :]
        out[rows] = np.sqrt(0.5 * (differences**2).sum(axis=2))
    return out


def matrix_rows(matrix: np.ndarray, labels: list[str]):
    """Header and rows of a matrix's table (rows a generator: never all text at once)."""
    header = ["label", *labels]
    cells = ",".join([f"%.{DECIMALS}f"] * len(labels))  # one format call per row: fast
    rows = ((label, cells % tuple(row.tolist())) for label, row in zip(labels, matrix, strict=True))
    return header, rows


def write_matrix(target, matrix: np.ndarray, labels: list[str]) -> None:
    """A square matrix as CSV, the bytes of `write_csv`, a row at a time (3,000 × 3,000 values
    take seconds, not minutes: a row's numbers are formatted in one call, not one cell each)."""
    header, rows = matrix_rows(matrix, labels)
    with atomic_path(target) as tmp, open(tmp, "w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for label, cells in rows:
            # The label as the csv module writes it (quoted if need be), then the numbers.
            line = io.StringIO()
            csv.writer(line, lineterminator="").writerow([label])
            handle.write(f"{line.getvalue()},{cells}\r\n")


def pair_index(n: int, i, j):
    """Position of the pair (i, j), i < j, in numpy's upper-triangle order of n regions."""
    i, j = np.asarray(i, np.int64), np.asarray(j, np.int64)
    return i * n - i * (i + 1) // 2 + (j - i - 1)


def pair_ranks(matrix: np.ndarray, higher_is_closer: bool) -> np.ndarray:
    """Rank of every pair among all pairs, 1 = the most alike (ties: the earlier pair first),
    in upper-triangle order (look a pair up with `pair_index`).

    One stable sort of the N(N−1)/2 values: an array of ranks, not a table of pairs.
    """
    n = len(matrix)
    values = matrix[np.triu_indices(n, k=1)]
    order = np.argsort(-values if higher_is_closer else values, kind="stable")
    ranks = np.empty(len(order), np.int64)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


def selected_pairs(cosine: np.ndarray, settings: dict) -> list[tuple[int, int]]:
    """All pairs of a small corpus; for a large one, each region's nearest neighbours."""
    n = len(cosine)
    if n <= settings["all_pairs_max"]:
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    wanted = settings["neighbours"]
    pairs = set()
    for i in range(n):
        order = np.argsort(-cosine[i], kind="stable")[: wanted + 1]
        for j in [int(j) for j in order if j != i][:wanted]:
            pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


class ParagraphIndex:
    """TF-IDF vectors of every paragraph, to find the most similar paragraph of two reports.

    `token_files` is read once, as it comes (a generator of files is never held in memory): only
    the sparse matrix and the paragraphs' keys are kept.
    """

    def __init__(self, token_files, min_tokens: int, excluded=frozenset(), counts=None):
        """`excluded`: (report_id, index) of paragraphs never offered (common ones); `counts`:
        a dict that receives each report's token Counter as the files go by."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.keys: list[tuple[str, int]] = []
        self.rows: dict[str, range] = {}

        def documents():
            for report_id, records in token_files:
                start = len(self.keys)
                if counts is not None:
                    counts[report_id] = Counter(t for r in records for t in r["tokens"])
                for record in records:
                    if (report_id, record["index"]) in excluded:
                        continue
                    if len(record["tokens"]) >= min_tokens:
                        self.keys.append((report_id, record["index"]))
                        yield record["tokens"]
                if len(self.keys) > start:
                    self.rows[report_id] = range(start, len(self.keys))

        vectorizer = TfidfVectorizer(analyzer=_identity, lowercase=False, sublinear_tf=True)
        try:
            self.matrix = vectorizer.fit_transform(documents())
        except ValueError:  # no paragraph at all: an empty vocabulary
            if self.keys:
                raise
            self.matrix = None

    def best_pair(self, report_a: str, report_b: str):
        """((report, index), (report, index), cosine) of the most similar paragraphs, or None."""
        found = self.best_pairs(report_a, [report_b])[report_b]
        return found[0] if found else None

    def best_pairs(self, report_a: str, partners, count: int = 1) -> dict:
        """The `count` most similar paragraph pairs of report_a with each of `partners`, best
        first, each ((report, index), (report, index), cosine), no paragraph twice: one sparse
        product per block of partners (a block's dense result holds at most BLOCK_VALUES
        numbers). A partner without paragraphs gets None."""
        found = dict.fromkeys(partners)
        rows_a = self.rows.get(report_a)
        if self.matrix is None or not rows_a:
            return found
        block_a = self.matrix[rows_a.start : rows_a.stop]
        with_rows = [b for b in found if self.rows.get(b)]
        for chunk in self._blocks(with_rows, max(1, BLOCK_VALUES // len(rows_a))):
            indices = np.concatenate([np.arange(r.start, r.stop) for r in chunk.values()])
            similarity = (block_a @ self.matrix[indices].T).toarray()
            column = 0
            for b, rows_b in chunk.items():
                block = similarity[:, column : column + len(rows_b)].copy()
                best = []
                for _ in range(min(count, *block.shape)):
                    a, k = np.unravel_index(int(np.argmax(block)), block.shape)
                    if best and block[a, k] <= 0:
                        break
                    best.append((self.keys[rows_a[a]], self.keys[rows_b[k]], float(block[a, k])))
                    block[a, :] = -1.0  # each paragraph in one pair only
                    block[:, k] = -1.0
                found[b] = best
                column += len(rows_b)
        return found

    def _blocks(self, reports, budget: int):
        """{report: its rows} in runs of at most `budget` paragraphs (at least one report)."""
        block: dict[str, range] = {}
        width = 0
        for report_id in reports:
            rows = self.rows[report_id]
            if block and width + len(rows) > budget:
                yield block
                block, width = {}, 0
            block[report_id] = rows
            width += len(rows)
        if block:
            yield block


def _identity(tokens):
    return tokens


def needed_paragraphs(best: dict) -> dict[str, set[int]]:
    """{report: paragraph indices} that the pairs' rows quote."""
    needed: dict[str, set[int]] = {}
    for found in best.values():
        for pair in found or ():
            for report_id, index in pair[:2]:
                needed.setdefault(report_id, set()).add(index)
    return needed


class PairTerms:
    """Terms distinctive of both reports of a pair: over-represented in each against the rest of
    the corpus (every other report but the pair), with a G² significant at p < `p_max` and at
    least `min_count` occurrences in each, ranked by the weaker of the two G² (ties: the term).
    """

    def __init__(self, counts, terms, p_max: float, min_count: int):
        from gwr.keyness import critical_g2

        self.counts = counts.tocsr()
        self.terms = terms
        self.rows = np.asarray(self.counts.sum(axis=1)).ravel()
        self.columns = np.asarray(self.counts.sum(axis=0)).ravel()
        self.total = self.rows.sum()
        self.threshold = critical_g2(p_max)
        self.min_count = min_count

    def shared(self, a: int, b: int, n: int) -> list[str]:
        from gwr.keyness import g2

        row_a, row_b = self.counts.getrow(a), self.counts.getrow(b)
        common, at_a, at_b = np.intersect1d(row_a.indices, row_b.indices, return_indices=True)
        x_a, x_b = row_a.data[at_a], row_b.data[at_b]
        size_a, size_b = self.rows[a], self.rows[b]
        rest = self.columns[common] - x_a - x_b
        rest_size = self.total - size_a - size_b
        if rest_size <= 0 or not len(common):
            return []
        scores = []
        for x, size in ((x_a, size_a), (x_b, size_b)):
            over = (x / size > rest / rest_size) & (x >= self.min_count)
            scores.append(np.where(over, g2(x, rest, size, rest_size), 0.0))
        weaker = np.minimum(*scores)
        keep = weaker >= self.threshold
        ranked = sorted(
            zip(common[keep].tolist(), weaker[keep].tolist(), strict=True),
            key=lambda item: (-round(item[1], ROUNDING), self.terms[item[0]]),
        )
        return [self.terms[t] for t, _ in ranked[:n]]


def distinctive_shared(pair_terms: PairTerms, a: int, b: int, n: int) -> list[str]:
    """The first `n` terms distinctive of both reports a and b (see PairTerms)."""
    return pair_terms.shared(a, b, n)


def nearest_rows(matrices: dict, report_ids: list[str], labels: list[str]) -> list[dict]:
    """Each report's nearest neighbour by each measure (ties: the earlier report)."""
    rows = []
    for measure, values in matrices.items():
        closer = HIGHER_IS_CLOSER[measure]
        for i, report_id in enumerate(report_ids):
            others = np.delete(np.arange(len(report_ids)), i)
            if not len(others):
                continue
            scores = values[i, others]
            j = int(others[np.argmax(scores) if closer else np.argmin(scores)])
            rows.append(
                {
                    "report_id": report_id,
                    "label": labels[i],
                    "measure": measure,
                    "nearest_report_id": report_ids[j],
                    "nearest_label": labels[j],
                    "value": f"{values[i, j]:.{DECIMALS}f}",
                }
            )
    return rows


def agreement_rows(matrices: dict, pairs: list[tuple[int, int]], nearest: list[dict]) -> list[dict]:
    """How far each two measures agree: Spearman's ρ of their values over the listed pairs
    (distances negated, so that 1 means the same order), and the share of reports whose
    nearest neighbour they name alike."""
    from scipy.stats import spearmanr

    by_measure: dict[str, dict[str, str]] = {}
    for row in nearest:
        by_measure.setdefault(row["measure"], {})[row["report_id"]] = row["nearest_report_id"]
    rows = []
    names = list(matrices)
    for x, first in enumerate(names):
        for second in names[x + 1 :]:
            values = [
                [(1 if HIGHER_IS_CLOSER[m] else -1) * matrices[m][a, b] for a, b in pairs]
                for m in (first, second)
            ]
            rho = spearmanr(*values).statistic if len(pairs) > 2 else float("nan")
            reports = sorted(by_measure.get(first, {}))
            same = sum(by_measure[first][r] == by_measure[second][r] for r in reports)
            rows.append(
                {
                    "measure_a": first,
                    "measure_b": second,
                    "pairs": len(pairs),
                    "spearman": f"{rho:.4f}",
                    "reports": len(reports),
                    "same_nearest": same,
                    "same_nearest_share": f"{same / len(reports):.4f}" if reports else "",
                }
            )
    return rows


def compute(reports, tfidf, shares_rows, token_files, texts, settings, common=frozenset()):
    """Return (labels, {measure: matrix}, pair rows, paragraph rows, nearest rows, agreement
    rows). `common`: (report_id, index) of the paragraphs common to most reports.

    `token_files`: (report_id, token records) of every report, read once as they come;
    `texts(report_id)`: that report's paragraphs (corpus/text), read only for reports that a
    listed pair quotes, keeping only the quoted paragraphs.
    """
    matrix, terms, report_ids = tfidf
    by_id = {r["report_id"]: r for r in reports}
    labels = [by_id[i]["label"] for i in report_ids]
    shares_by_id = {
        row["report_id"]: [float(v) for k, v in row.items() if k.startswith("topic_")]
        for row in shares_rows
    }
    missing = [i for i in report_ids if i not in shares_by_id]
    if missing:
        raise ValueError(f"reports without topic shares: {missing}")
    shares = np.array([shares_by_id[i] for i in report_ids])
    del shares_by_id
    matrices = {
        TFIDF_COSINE: cosine_matrix(matrix),
        TOPIC_JSD: jsd_matrix(shares),
        TOPIC_HELLINGER: hellinger_matrix(shares),
    }
    pairs = selected_pairs(matrices[TFIDF_COSINE], settings)
    n = len(report_ids)
    at = pair_index(n, [a for a, _ in pairs], [b for _, b in pairs])
    ranks = {
        measure: pair_ranks(values, higher_is_closer=HIGHER_IS_CLOSER[measure])[at]
        for measure, values in matrices.items()
    }
    counts: dict[str, Counter] = {}
    paragraphs = ParagraphIndex(token_files, settings["min_paragraph_tokens"], common, counts)
    partners: dict[int, list[int]] = {}
    for a, b in pairs:
        partners.setdefault(a, []).append(b)
    best = {}
    for a, bs in partners.items():
        found = paragraphs.best_pairs(
            report_ids[a], [report_ids[b] for b in bs], settings["paragraph_pairs"]
        )
        best.update({(a, b): found[report_ids[b]] for b in bs})
    del paragraphs
    count_matrix, count_terms = matrix_of([counts.get(i, Counter()) for i in report_ids])
    del counts
    pair_terms = PairTerms(
        count_matrix, count_terms, settings["shared_p_max"], settings["keyness_min_count"]
    )
    quoted = {
        report_id: {p["index"]: p for p in texts(report_id) if p["index"] in indices}
        for report_id, indices in needed_paragraphs(best).items()
    }
    rows, paragraph_rows = [], []
    for number, (a, b) in enumerate(pairs):
        shared = distinctive_shared(pair_terms, a, b, settings["shared_terms"])
        row = {
            "report_id_a": report_ids[a],
            "report_id_b": report_ids[b],
            "label_a": labels[a],
            "label_b": labels[b],
            "shared_terms": "、".join(shared),
        }
        for measure, values in matrices.items():
            row[measure] = f"{values[a, b]:.{DECIMALS}f}"
            row[f"{measure}_rank"] = int(ranks[measure][number])
        for rank, ((_, index_a), (_, index_b), score) in enumerate(best[(a, b)] or (), start=1):
            para_a, para_b = quoted[report_ids[a]][index_a], quoted[report_ids[b]][index_b]
            if rank == 1:
                row.update(
                    paragraph_similarity=f"{score:.{DECIMALS}f}",
                    paragraph_a_section=" / ".join(para_a["section"]) or para_a["part"],
                    paragraph_a=para_a["text"],
                    paragraph_b_section=" / ".join(para_b["section"]) or para_b["part"],
                    paragraph_b=para_b["text"],
                )
            paragraph_rows.append(
                {
                    "report_id_a": report_ids[a],
                    "report_id_b": report_ids[b],
                    "label_a": labels[a],
                    "label_b": labels[b],
                    "rank": rank,
                    "similarity": f"{score:.{DECIMALS}f}",
                    "index_a": index_a,
                    "section_a": " / ".join(para_a["section"]) or para_a["part"],
                    "text_a": para_a["text"],
                    "index_b": index_b,
                    "section_b": " / ".join(para_b["section"]) or para_b["part"],
                    "text_b": para_b["text"],
                }
            )
        rows.append(row)
    rows.sort(key=lambda r: (r[f"{TFIDF_COSINE}_rank"], r["report_id_a"], r["report_id_b"]))
    rank_of = {(r["report_id_a"], r["report_id_b"]): n for n, r in enumerate(rows)}
    paragraph_rows.sort(key=lambda r: (rank_of[(r["report_id_a"], r["report_id_b"])], r["rank"]))
    nearest = nearest_rows(matrices, report_ids, labels)
    agreement = agreement_rows(matrices, pairs, nearest)
    return labels, matrices, rows, paragraph_rows, nearest, agreement


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "similarity")
    settings = dict(snakemake.params.settings)
    reports = read_csv(snakemake.input.reports)
    text_dir = Path(snakemake.input.text)
    common = {(row["report_id"], int(row["index"])) for row in read_csv(snakemake.input.common)}
    labels, matrices, rows, paragraph_rows, nearest, agreement = compute(
        reports,
        load_tfidf(snakemake.input.tfidf),
        read_csv(snakemake.input.report_topics),
        iter_token_files(snakemake.input.shards),
        lambda report_id: read_jsonl(text_dir / f"{report_id}.jsonl"),
        settings,
        common,
    )
    for measure, values in matrices.items():
        write_matrix(getattr(snakemake.output, measure), values, labels)
    write_csv(snakemake.output.pairs, PAIR_COLUMNS, rows)
    write_csv(snakemake.output.pair_paragraphs, PARAGRAPH_COLUMNS, paragraph_rows)
    write_csv(snakemake.output.nearest, NEAREST_COLUMNS, nearest)
    write_csv(snakemake.output.agreement, AGREEMENT_COLUMNS, agreement)
    for row in agreement:
        log.info(
            "%s vs %s: Spearman %s over %d pairs; the same nearest neighbour for %d of %d",
            row["measure_a"],
            row["measure_b"],
            row["spearman"],
            row["pairs"],
            row["same_nearest"],
            row["reports"],
        )
    if rows:
        top = rows[0]
        log.info(
            "most alike by TF-IDF: %s and %s (cosine %s; shared: %s)",
            top["label_a"],
            top["label_b"],
            top[TFIDF_COSINE],
            top["shared_terms"],
        )
    log.info("%d regions, %d pairs listed", len(labels), len(rows))


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/similarity.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("similarity")
    main(snakemake)  # noqa: F821
