"""Keyness: the terms a report uses more than the others do, with the statistics of corpus
linguistics.

For a term with `a` occurrences among the `c` tokens of one text (a report, or one part of it)
and `b` among the `d` tokens of the texts it is compared with (the other reports, or the same
part of them):

- log-likelihood G² (Rayson and Garside 2000, "Comparing corpora using frequency profiling"),
  without Williams' correction: with the expected counts E1 = c (a + b) / (c + d) and
  E2 = d (a + b) / (c + d), G² = 2 (a ln(a / E1) + b ln(b / E2)), a term with a zero count
  adding nothing; its p-value from the χ² distribution with one degree of freedom;
- log ratio (Hardie 2014, "Log ratio: an informal introduction"): log2 of the ratio of the
  relative frequencies, (a / c) / (b / d), with 0.5 put in place of a zero count — 1 means
  twice as frequent, 2 four times.

A term is key for a text when it is over-represented there (a / c > b / d), its G² reaches the
`p_max` threshold and it occurs at least `min_count` times; key terms are ranked by G², ties by
the log ratio, the count and the term, so that tables are the same on every run.
"""

from collections import Counter

import numpy as np

# The value added in place of a zero count in the log ratio (Hardie 2014).
ZERO_COUNT = 0.5


def g2(a, b, c, d):
    """Log-likelihood G² of counts `a` in `c` tokens against `b` in `d` (numpy arrays or
    numbers), without Williams' correction."""
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    total = c + d
    expected_a = c * (a + b) / total
    expected_b = d * (a + b) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        term_a = np.where(a > 0, a * np.log(a / expected_a), 0.0)
        term_b = np.where(b > 0, b * np.log(b / expected_b), 0.0)
    return 2 * (term_a + term_b)


def log_ratio(a, b, c, d):
    """Hardie's log ratio: log2 of (a / c) / (b / d), a zero count taken as 0.5."""
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    a = np.where(a == 0, ZERO_COUNT, a)
    b = np.where(b == 0, ZERO_COUNT, b)
    return np.log2((a / c) / (b / d))


def p_value(g2_values):
    """The χ² (1 degree of freedom) p-value of G² (scipy.special's chdtrc, what
    scipy.stats.chi2.sf computes, without the second of importing scipy.stats)."""
    from scipy.special import chdtrc

    return chdtrc(1, np.asarray(g2_values, dtype=float))


def critical_g2(p_max: float) -> float:
    """The G² a term must reach for p < p_max (10.83 for 0.001, 3.84 for 0.05): chi2.isf's
    chdtri."""
    from scipy.special import chdtri

    return float(chdtri(1, p_max))


def key_terms(counts, terms, *, p_max: float, min_count: int, top_n: int, excluded=None):
    """Key terms of each row of a document × term count matrix against all the other rows.

    `counts`: a scipy CSR matrix of token counts, one row per text; `excluded`: a boolean array
    over the columns of terms never listed (they still count in the totals). Returns, per row,
    a list of dicts (term, count, count_rest, g2, p_value, log_ratio), at most `top_n`, ranked.
    """
    counts = counts.tocsr()
    row_totals = np.asarray(counts.sum(axis=1)).ravel()
    column_totals = np.asarray(counts.sum(axis=0)).ravel()
    grand_total = row_totals.sum()
    threshold = critical_g2(p_max)
    result = []
    for row in range(counts.shape[0]):
        start, end = counts.indptr[row], counts.indptr[row + 1]
        columns = counts.indices[start:end]
        a = counts.data[start:end].astype(float)
        c = row_totals[row]
        b = column_totals[columns] - a
        d = grand_total - c
        if c == 0 or d == 0:
            result.append([])
            continue
        over = (a / c > b / d) & (a >= min_count)
        scores = g2(a, b, c, d)
        keep = over & (scores >= threshold)
        if excluded is not None:
            keep &= ~excluded[columns]
        ratios = log_ratio(a, b, c, d)
        chosen = [
            (float(scores[k]), float(ratios[k]), int(a[k]), terms[columns[k]], int(b[k]))
            for k in np.flatnonzero(keep)
        ]
        chosen.sort(key=lambda item: (-round(item[0], 9), -round(item[1], 9), -item[2], item[3]))
        result.append(
            [
                {
                    "term": term,
                    "count": count,
                    "count_rest": rest,
                    "g2": score,
                    "p_value": float(p_value(score)),
                    "log_ratio": ratio,
                }
                for score, ratio, count, term, rest in chosen[:top_n]
            ]
        )
    return result


def per_10k(count: float, characters: float) -> float:
    """`count` per 10,000 characters (0 for a text without characters)."""
    return count * 10_000 / characters if characters else 0.0


def matrix_of(counters: list[Counter]):
    """A CSR document × term matrix of `counters`, terms sorted (the same on every run)."""
    from scipy.sparse import csr_matrix

    terms = sorted({term for counter in counters for term in counter})
    column = {term: number for number, term in enumerate(terms)}
    indptr, indices, data = [0], [], []
    for counter in counters:
        for term in sorted(counter, key=column.__getitem__):
            indices.append(column[term])
            data.append(counter[term])
        indptr.append(len(indices))
    shape = (len(counters), len(terms))
    return csr_matrix((np.array(data, dtype=float), indices, indptr), shape=shape), terms


def significant_g2(counts, *, p_max: float, min_count: int):
    """A CSR matrix like `counts` holding the G² of every cell that is over-represented in its
    row against all the other rows, significant at p < p_max and counted at least `min_count`
    times; 0 elsewhere (the full lists behind `key_terms`)."""
    from scipy.sparse import csr_matrix

    counts = counts.tocsr()
    row_totals = np.asarray(counts.sum(axis=1)).ravel()
    column_totals = np.asarray(counts.sum(axis=0)).ravel()
    grand_total = row_totals.sum()
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    a = counts.data.astype(float)
    c = row_totals[rows]
    b = column_totals[counts.indices] - a
    d = grand_total - c
    with np.errstate(divide="ignore", invalid="ignore"):
        over = (c > 0) & (d > 0) & (a / c > b / np.where(d > 0, d, 1)) & (a >= min_count)
        scores = np.where(over, g2(a, b, c, np.where(d > 0, d, 1)), 0.0)
    scores[scores < critical_g2(p_max)] = 0.0
    result = csr_matrix((scores, counts.indices.copy(), counts.indptr.copy()), shape=counts.shape)
    result.eliminate_zeros()
    return result
