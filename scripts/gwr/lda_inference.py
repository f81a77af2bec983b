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
third of the time or less (`python benchmarks/lda_fit.py --inference`).

`BatchedLdaModel` is gensim's `LdaModel` with this E-step (gensim's `update` calls `inference`
for every chunk); `plain` turns it back into an `LdaModel` to save, so that a saved model loads
with gensim alone. `ArrayCorpus` holds a training corpus in memory as one array, which the fit
reads each pass without parsing a file.
"""

import copy

import numpy as np
from gensim.matutils import dirichlet_expectation
from gensim.models import LdaModel
from scipy.sparse import csr_matrix

INFERENCE = ("batched", "gensim")


def _pairs(chunk) -> tuple[np.ndarray, np.ndarray]:
    """(term ids, counts) of all the chunk's (document, term) pairs, and each document's length."""
    lengths = np.fromiter((len(doc) for doc in chunk), dtype=np.intp, count=len(chunk))
    if chunk and all(isinstance(doc, np.ndarray) for doc in chunk):
        flat = np.concatenate(chunk) if len(chunk) else np.zeros((0, 2))
    else:
        flat = np.array([pair for doc in chunk for pair in doc], dtype=np.float64)
    return flat.reshape(int(lengths.sum()), 2), lengths


def batched_inference(model, chunk, collect_sstats: bool = False):
    """What `model.inference(chunk, collect_sstats)` returns (gamma, and the sufficient
    statistics or None), computed for all the chunk's documents at once (see the module's note).
    Draws from `model.random_state` as gensim's inference does."""
    if not hasattr(chunk, "__len__"):
        chunk = list(chunk)
    dtype = model.dtype
    n, k = len(chunk), model.num_topics
    gamma = model.random_state.gamma(100.0, 1.0 / 100.0, (n, k)).astype(dtype, copy=False)
    theta = np.exp(dirichlet_expectation(gamma))
    flat, lengths = _pairs(chunk)
    ids = flat[:, 0].astype(np.intp)
    counts = flat[:, 1].astype(dtype)
    epsilon = np.finfo(dtype).eps
    beta = model.expElogbeta
    alpha = np.asarray(model.alpha, dtype=dtype)
    phinorm = np.empty(len(ids), dtype=dtype)

    # A document without terms: its first update gives alpha, its second the same, and it stops.
    empty = lengths == 0
    if empty.any():
        gamma[empty] = alpha
        theta[empty] = np.exp(dirichlet_expectation(alpha))
    # The documents still updating, and their pairs (positions into ids/counts).
    docs = np.flatnonzero(~empty)
    sizes = lengths[docs]
    positions = np.arange(len(ids))
    active_beta = np.ascontiguousarray(beta[:, ids].T)
    active_counts = counts
    active_gamma = gamma[docs]
    active_theta = theta[docs]
    rows = np.repeat(np.arange(len(docs)), sizes)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)
    active_phinorm = np.einsum("jk,jk->j", active_theta[rows], active_beta) + epsilon

    for _ in range(model.iterations):
        if not len(docs):
            break
        last = active_gamma
        weighted = (active_counts / active_phinorm)[:, None] * active_beta
        active_gamma = alpha + active_theta * np.add.reduceat(weighted, starts, axis=0)
        active_theta = np.exp(dirichlet_expectation(active_gamma))
        active_phinorm = np.einsum("jk,jk->j", active_theta[rows], active_beta) + epsilon
        done = np.mean(np.abs(active_gamma - last), axis=1) < model.gamma_threshold
        if not done.any():
            continue
        # Stopped documents keep their values; the others go on without them.
        done_pairs = np.repeat(done, sizes)
        gamma[docs[done]] = active_gamma[done]
        theta[docs[done]] = active_theta[done]
        phinorm[positions[done_pairs]] = active_phinorm[done_pairs]
        going, going_pairs = ~done, ~done_pairs
        docs, sizes, positions = docs[going], sizes[going], positions[going_pairs]
        active_gamma, active_theta = active_gamma[going], active_theta[going]
        active_beta, active_counts = active_beta[going_pairs], active_counts[going_pairs]
        active_phinorm = active_phinorm[going_pairs]
        rows = np.repeat(np.arange(len(docs)), sizes)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)
    if len(docs):  # out of iterations
        gamma[docs] = active_gamma
        theta[docs] = active_theta
        phinorm[positions] = active_phinorm

    sstats = None
    if collect_sstats:
        # sstats[k, w] = sum_d n_dw exp(E[log theta_dk]) / phinorm_dw, times exp(E[log beta_kw])
        indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.intp)
        pairs = csr_matrix((counts / phinorm, ids, indptr), shape=(n, beta.shape[1]))
        sstats = np.asarray((pairs.T @ theta).T, dtype=dtype) * beta
    return gamma, sstats


class BatchedLdaModel(LdaModel):
    """gensim's LdaModel whose E-step runs all the chunk's documents at once."""

    def inference(self, chunk, collect_sstats=False):
        return batched_inference(self, chunk, collect_sstats)


def model_class(inference: str):
    """The model class of lda.inference: batched (`BatchedLdaModel`) or gensim (`LdaModel`)."""
    if inference not in INFERENCE:
        raise ValueError(f"lda.inference must be one of {INFERENCE}, not {inference!r}")
    return BatchedLdaModel if inference == "batched" else LdaModel


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
    in Python; here the terms are summed in arrays (`bound`)."""
    bows = list(bows)
    gammas = [
        infer(model, bows[start : start + chunksize], inference)
        for start in range(0, len(bows), chunksize)
    ]
    gamma = np.concatenate(gammas) if gammas else np.zeros((0, model.num_topics))
    flat, _ = _pairs(bows)
    return float(2 ** (-bound(model, bows, gamma) / flat[:, 1].sum()))


def bound(model, bows, gamma: np.ndarray) -> float:
    """gensim's `LdaModel.bound(bows, gamma)` (the variational lower bound of the documents'
    log likelihood, without subsampling), in arrays over the (document, term) pairs."""
    from scipy.special import gammaln, logsumexp

    flat, lengths = _pairs(bows)
    ids = flat[:, 0].astype(np.intp)
    counts = flat[:, 1]
    rows = np.repeat(np.arange(len(bows)), lengths)
    lambda_ = model.state.get_lambda()
    log_beta = dirichlet_expectation(lambda_)
    log_theta = dirichlet_expectation(gamma)
    alpha, eta = model.alpha, model.eta
    # E[log p(doc | theta, beta)]
    score = float(np.sum(counts * logsumexp(log_theta[rows] + log_beta[:, ids].T, axis=1)))
    # E[log p(theta | alpha) - log q(theta | gamma)]
    score += float(np.sum((alpha - gamma) * log_theta))
    score += float(np.sum(gammaln(gamma) - gammaln(alpha)))
    score += float(len(bows) * gammaln(np.sum(alpha)) - np.sum(gammaln(np.sum(gamma, axis=1))))
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
