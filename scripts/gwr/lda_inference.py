"""gensim's LDA inference (the E-step) for a whole chunk of documents at once.

gensim's `LdaModel.inference` updates one document at a time in a Python loop: on paragraphs of
some forty distinct terms each step is a handful of tiny numpy calls, and the loop's overhead is
most of a fit's time. `batched_inference` makes the same updates for all the chunk's documents
together, in arrays over their (document, term) pairs:

- the same start: gamma drawn from the model's generator, Gamma(100, 1/100), the same draws in
  the same order;
- the same update of each document (Lee and Seung's trick, as in Hoffman's `onlineldavb.py`):
  gamma_d = alpha + exp(E[log theta_d]) * sum_w n_dw exp(E[log beta_w]) / phinorm_dw;
- the same stop: a document stops when its mean absolute change of gamma falls below the
  model's `gamma_threshold` (or after its `iterations`); the others go on;
- the same sufficient statistics for the M-step.

Only the order of the floating-point sums differs (numpy's rather than BLAS's): a whole fit's
topics agree with gensim's to a cosine of 0.99999 or more (tests/test_lda_inference.py), at a
third of the time or less (`python benchmarks/lda_fit.py --variants equal batched`).

`BatchedLdaModel` is gensim's `LdaModel` with this E-step (gensim's `update` calls `inference`
for every chunk); `plain` turns it back into an `LdaModel` to save, so that a saved model loads
with gensim alone. `ArrayCorpus` holds a training corpus in memory as one array, which the fit
reads each pass without parsing a file.
"""

import copy

import numpy as np
from gensim.matutils import dirichlet_expectation
from gensim.models import LdaModel
from gensim.models.ldamodel import update_dir_prior
from scipy.sparse import csr_matrix
from scipy.special import gammaln, logsumexp

INFERENCE = ("batched", "gensim")
# (document, term) pairs updated together at most: the E-step's arrays hold about five times
# this many values per topic (some 100 MB at 20 topics), whatever the documents' length.
BLOCK_PAIRS = 250_000


def _pairs(chunk) -> tuple[np.ndarray, np.ndarray]:
    """(term ids, counts) of all the chunk's (document, term) pairs, and each document's length."""
    lengths = np.fromiter((len(doc) for doc in chunk), dtype=np.intp, count=len(chunk))
    if chunk and all(isinstance(doc, np.ndarray) for doc in chunk):
        flat = np.concatenate(chunk)
    else:
        flat = np.array([pair for doc in chunk for pair in doc], dtype=np.float64)
    return flat.reshape(int(lengths.sum()), 2), lengths


def batched_inference(model, chunk, collect_sstats: bool = False):
    """What `model.inference(chunk, collect_sstats)` returns (gamma, and the sufficient
    statistics or None), computed for all the chunk's documents at once (see the module's note),
    in blocks of documents of at most BLOCK_PAIRS (document, term) pairs. Draws from
    `model.random_state` as gensim's inference does."""
    if not hasattr(chunk, "__len__"):
        chunk = list(chunk)
    dtype = model.dtype
    n, k = len(chunk), model.num_topics
    gamma = model.random_state.gamma(100.0, 1.0 / 100.0, (n, k)).astype(dtype, copy=False)
    theta = np.exp(dirichlet_expectation(gamma))
    flat, lengths = _pairs(chunk)
    ids = flat[:, 0].astype(np.intp)
    counts = flat[:, 1].astype(dtype)
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.intp)
    phinorm = np.empty(len(ids), dtype=dtype)
    for first, last in _blocks(indptr):
        span = slice(indptr[first], indptr[last])
        block = (gamma[first:last], theta[first:last], ids[span], counts[span])
        phinorm[span] = _update(model, *block, lengths[first:last])
    sstats = None
    if collect_sstats:
        # sstats[k, w] = sum_d n_dw exp(E[log theta_dk]) / phinorm_dw, times exp(E[log beta_kw])
        beta = model.expElogbeta
        pairs = csr_matrix((counts / phinorm, ids, indptr), shape=(n, beta.shape[1]))
        sstats = np.asarray((pairs.T @ theta).T, dtype=dtype) * beta
    return gamma, sstats


def _blocks(indptr: np.ndarray):
    """(first, last) documents of consecutive blocks of at most BLOCK_PAIRS pairs (a document
    of more pairs is a block of its own)."""
    first, n = 0, len(indptr) - 1
    while first < n:
        last = int(np.searchsorted(indptr, indptr[first] + BLOCK_PAIRS, side="right")) - 1
        last = min(max(last, first + 1), n)
        yield first, last
        first = last


def _update(model, gamma, theta, ids, counts, lengths) -> np.ndarray:
    """Update the documents' `gamma` and `theta` (= exp E[log theta]) in place until each
    stops, as gensim's inference does; return the pairs' final phinorm."""
    dtype = model.dtype
    epsilon = np.finfo(dtype).eps
    alpha = np.asarray(model.alpha, dtype=dtype)
    phinorm = np.empty(len(ids), dtype=dtype)

    # A document without terms: its first update gives alpha, its second the same, and it stops.
    empty = lengths == 0
    if empty.any():
        gamma[empty] = alpha
        theta[empty] = np.exp(dirichlet_expectation(alpha))
    # The documents in the arrays (those still updating, and some finished: `finished`), each
    # with its pairs: their positions into ids/counts, topic-word weights and counts.
    docs = np.flatnonzero(~empty)
    sizes = lengths[docs]
    positions = np.arange(len(ids))
    active_beta = np.ascontiguousarray(model.expElogbeta[:, ids].T)
    active_counts = counts
    active_gamma, active_theta = gamma[docs], theta[docs]

    def layout():
        """Each pair's row among the documents in the arrays, and each document's first pair."""
        return np.repeat(np.arange(len(docs)), sizes), np.concatenate(([0], np.cumsum(sizes)[:-1]))

    def keep(mask):
        """Write the values of the documents of `mask` out; return their pairs' mask."""
        pairs = np.repeat(mask, sizes)
        gamma[docs[mask]] = active_gamma[mask]
        theta[docs[mask]] = active_theta[mask]
        phinorm[positions[pairs]] = active_phinorm[pairs]
        return pairs

    rows, starts = layout()
    active_phinorm = np.einsum("jk,jk->j", active_theta[rows], active_beta) + epsilon
    finished = np.zeros(len(docs), dtype=bool)
    for _ in range(model.iterations):
        if not len(docs):
            break
        last = active_gamma
        weighted = (active_counts / active_phinorm)[:, None] * active_beta
        active_gamma = alpha + active_theta * np.add.reduceat(weighted, starts, axis=0)
        active_theta = np.exp(dirichlet_expectation(active_gamma))
        active_phinorm = np.einsum("jk,jk->j", active_theta[rows], active_beta) + epsilon
        done = np.mean(np.abs(active_gamma - last), axis=1) < model.gamma_threshold
        done &= ~finished
        if not done.any():
            continue
        keep(done)
        finished |= done
        # Finished documents leave the arrays once they are half of them (copying the arrays
        # every time one stops would cost as much as updating them all; until then a finished
        # document is updated in vain, its values already kept).
        if 2 * finished.sum() < len(finished):
            continue
        going = ~finished
        going_pairs = np.repeat(going, sizes)
        docs, sizes, positions = docs[going], sizes[going], positions[going_pairs]
        active_gamma, active_theta = active_gamma[going], active_theta[going]
        active_beta, active_counts = active_beta[going_pairs], active_counts[going_pairs]
        active_phinorm = active_phinorm[going_pairs]
        rows, starts = layout()
        finished = np.zeros(len(docs), dtype=bool)
    if len(docs):  # out of iterations
        keep(~finished)
    return phinorm


class ContinuedLdaModel(LdaModel):
    """gensim's LdaModel whose fit can be taken further (`continue_fit`): a fit of p passes
    continued to q passes is the fit of q passes, bit for bit (tests/test_lda_inference.py).

    gensim's `update` called again is not the same training: it counts the corpus's documents
    once more (`state.numdocs`), restarts the pass count of the learning rate
    rho = (offset + pass + updates / chunksize)^-decay, and counts the first pass's updates
    again (`num_updates`, which a multi-pass fit counts in its first pass only). The
    continuation undoes the first, shifts `offset` by the passes made, and marks every pass as
    an extra one."""

    _continuing = False

    def continue_fit(self, corpus, done: int, passes: int) -> None:
        """Train a fit of `done` passes over `corpus` on to `passes` passes."""
        self.state.numdocs -= len(corpus)  # update() adds them again
        self._continuing = True
        try:
            self.update(
                corpus, chunksize=self.chunksize, offset=self.offset + done, passes=passes - done
            )
        finally:
            self._continuing = False
        self.passes = passes

    def do_mstep(self, rho, other, extra_pass=False):
        return super().do_mstep(rho, other, extra_pass or self._continuing)


class BatchedLdaModel(ContinuedLdaModel):
    """gensim's LdaModel whose E-step runs all the chunk's documents at once."""

    def inference(self, chunk, collect_sstats=False):
        return batched_inference(self, chunk, collect_sstats)

    def update_alpha(self, gammat, rho):
        """gensim's update of a learnt alpha (lda.alpha: auto), its mean E[log theta] taken
        over the chunk's documents in one array rather than one document at a time."""
        count = float(len(gammat))
        logphat = dirichlet_expectation(gammat).sum(axis=0) / count
        self.alpha = update_dir_prior(self.alpha, count, logphat, rho)
        return self.alpha


def model_class(inference: str):
    """The model class of lda.inference: batched (`BatchedLdaModel`) or gensim's own E-step
    (`ContinuedLdaModel`, gensim's LdaModel that can be trained further)."""
    if inference not in INFERENCE:
        raise ValueError(f"lda.inference must be one of {INFERENCE}, not {inference!r}")
    return BatchedLdaModel if inference == "batched" else ContinuedLdaModel


def plain(model):
    """The model as gensim's own `LdaModel` (a shallow copy): what is saved, so that it loads
    with gensim alone."""
    if type(model) is LdaModel:
        return model
    copied = copy.copy(model)
    copied.__class__ = LdaModel
    return copied


def infer(model, chunk, inference: str):
    """The gamma of `chunk` by lda.inference (drawing from the model's generator either way)."""
    if inference == "batched":
        return batched_inference(model, chunk)[0]
    return model.inference(chunk)[0]


def perplexity(model, bows, inference: str, chunksize: int) -> float:
    """2^-(per-word bound) on `bows`: what gensim's `log_perplexity(bows)` gives. Its bound infers
    each document alone (the same draws, in order, as chunk by chunk here) and sums term by term
    in Python; here the terms are summed in arrays (`bound`). The model's generator is left as
    it was found: a fit continued after this is the longer fit (`continue_fit`)."""
    bows = list(bows)
    state = model.random_state.get_state()
    try:
        gammas = [
            infer(model, bows[start : start + chunksize], inference)
            for start in range(0, len(bows), chunksize)
        ]
    finally:
        model.random_state.set_state(state)
    gamma = np.concatenate(gammas) if gammas else np.zeros((0, model.num_topics))
    flat, lengths = _pairs(bows)
    return float(2 ** (-bound(model, flat, lengths, gamma) / flat[:, 1].sum()))


def bound(model, flat: np.ndarray, lengths: np.ndarray, gamma: np.ndarray) -> float:
    """gensim's `LdaModel.bound(bows, gamma)` (the variational lower bound of the documents'
    log likelihood, without subsampling) of documents given by their pairs and lengths
    (`_pairs`), in arrays over the pairs, a block of BLOCK_PAIRS at a time."""
    ids = flat[:, 0].astype(np.intp)
    counts = flat[:, 1]
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.intp)
    lambda_ = model.state.get_lambda()
    log_beta = dirichlet_expectation(lambda_)
    log_theta = dirichlet_expectation(gamma)
    alpha, eta = model.alpha, model.eta
    # E[log p(doc | theta, beta)]
    score = 0.0
    for first, last in _blocks(indptr):
        span = slice(indptr[first], indptr[last])
        rows = np.repeat(np.arange(first, last), lengths[first:last])
        terms = logsumexp(log_theta[rows] + log_beta[:, ids[span]].T, axis=1)
        score += float(np.sum(counts[span] * terms))
    # E[log p(theta | alpha) - log q(theta | gamma)]
    score += float(np.sum((alpha - gamma) * log_theta))
    score += float(np.sum(gammaln(gamma) - gammaln(alpha)))
    score += float(len(gamma) * gammaln(np.sum(alpha)) - np.sum(gammaln(np.sum(gamma, axis=1))))
    # E[log p(beta | eta) - log q(beta | lambda)]
    score += float(np.sum((eta - lambda_) * log_beta))
    score += float(np.sum(gammaln(lambda_) - gammaln(eta)))
    sum_eta = eta * model.num_terms if np.ndim(eta) == 0 else np.sum(eta)
    score += float(np.sum(gammaln(sum_eta) - gammaln(np.sum(lambda_, axis=1))))
    return score


class ArrayCorpus:
    """A bag-of-words corpus held in memory as one (pairs, 2) array (term id, count): each
    document is a view of its rows. About 16 bytes a pair, against some 150 for gensim's lists
    of tuples; a fit reads it each pass without parsing the Matrix Market file again."""

    def __init__(self, corpus):
        lengths, pairs = [], []
        for bow in corpus:
            lengths.append(len(bow))
            pairs.extend(bow)
        self.pairs = np.array(pairs, dtype=np.float64).reshape(len(pairs), 2)
        self.indptr = np.concatenate(([0], np.cumsum(lengths, dtype=np.intp))).astype(np.intp)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def __iter__(self):
        pairs, indptr = self.pairs, self.indptr
        for i in range(len(indptr) - 1):
            yield pairs[indptr[i] : indptr[i + 1]]
