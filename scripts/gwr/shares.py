"""Shares of a report's paragraphs (topics, policy domains) with bootstrap intervals.

A report's share of a category is the weighted mean of its documents' vectors (a topic
distribution, or a one-hot policy domain), the weights their lengths; its interval is the
percentile interval over resamples of the report's documents, seeded by the step's seed and the
report's id, so that a report's intervals do not move when other reports join the corpus.
"""

import zlib

import numpy as np

# Memory of one block of a computation (numbers held at once): bounds the peak whatever N is.
BLOCK_VALUES = 4_000_000


def row_blocks(n: int, per_row: int):
    """Slices of 0…n whose rows hold at most BLOCK_VALUES numbers (`per_row` each)."""
    size = max(1, BLOCK_VALUES // max(per_row, 1))
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def nearest_by_jsd(shares: np.ndarray) -> np.ndarray:
    """For each row of `shares` (distributions), the index of its nearest other row by
    Jensen–Shannon distance (base 2; the first on a tie), a block of rows at a time: 6,000 half
    reports at once would hold 6,000 × 6,000 × K numbers."""
    from scipy.spatial.distance import jensenshannon

    shares = np.asarray(shares, float)
    n, size = shares.shape
    nearest = np.empty(n, dtype=int)
    for rows in row_blocks(n, n * size):
        distance = jensenshannon(shares[rows, None, :], shares[None, :, :], axis=-1, base=2)
        own = np.arange(rows.start, rows.stop)
        distance[own - rows.start, own] = np.inf
        nearest[rows] = distance.argmin(axis=1)
    return nearest


def weighted_shares(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """A report's shares: its documents' vectors weighted by their lengths (kept tokens,
    characters)."""
    total = weights @ vectors
    return total / total.sum()


def bootstrap_interval(
    vectors: np.ndarray, weights: np.ndarray, replicates: int, level: float, seed
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of a report's shares over `replicates` resamples of its
    documents (with replacement, as many as it has), at `level` (0.95)."""
    n = len(weights)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=replicates)  # replicates x n
    weighted = counts * weights
    shares = (weighted @ vectors) / weighted.sum(axis=1, keepdims=True)
    tail = (1 - level) / 2 * 100
    return np.percentile(shares, tail, axis=0), np.percentile(shares, 100 - tail, axis=0)


def report_seed(seed: int, report_id: str) -> list[int]:
    """The bootstrap's seed for one report: the step's seed (lda.bootstrap_seed,
    attention.bootstrap_seed) and the report's id, so that a
    report's intervals do not move when other reports join the corpus."""
    return [seed, zlib.crc32(report_id.encode("utf-8"))]
