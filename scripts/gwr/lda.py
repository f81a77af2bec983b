"""What the LDA steps share: the prepared corpus folder, and the worker processes.

`lda_prepare` writes the folder (results/lda/corpus/), `lda_sweep` and `lda_choose` read it:

- `dictionary.txt`: the gensim dictionary, filtered by document frequency;
- `corpus.mm`: every used document as a bag of words (Matrix Market, streamed: a large corpus is
  never held in memory);
- `train.mm`: the documents the sweep trains on (all of them, or a sample: lda.training_budget);
- `texts.jsonl`: the token lists the sweep's models are judged on (lda.evaluation_documents);
- `samples.json`: how many documents, and how the samples were drawn.

Each step's own code lives in its script (scripts/lda_prepare.py, lda_sweep.py, lda_choose.py):
an edit of this module reruns all three steps (see gwr.provenance), an edit of a script only its
own step and what follows.

Worker processes are started with `spawn` (a fresh interpreter: the one start method of Linux,
macOS and Windows alike, and safe with threads, unlike `fork`). They get what they work on from
their pool's initializer, which loads it from the files named in its arguments (a path, not a
pickled corpus), and from each task's arguments.
"""

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from gwr.io import InputError, read_jsonl

DICTIONARY = "dictionary.txt"
CORPUS = "corpus.mm"
TRAIN = "train.mm"
TEXTS = "texts.jsonl"
SAMPLES = "samples.json"
# The file of a saved model in its folder (results/lda/k{K}/model/, results/lda/chosen/model/).
MODEL_FILE = "lda.gensim"

# Decimals of the numbers written to tables and JSON (topic weights and shares, metrics).
DECIMALS = 6

START_METHOD = "spawn"


def corpus_stream(corpus_dir, name: str = CORPUS):
    """A streamed bag-of-words corpus of lda_prepare: corpus.mm (every used document) or
    train.mm (the training sample)."""
    from gensim.corpora import MmCorpus

    return MmCorpus(str(Path(corpus_dir) / name))


def load_dictionary(corpus_dir):
    from gensim.corpora import Dictionary

    return Dictionary.load_from_text(str(Path(corpus_dir) / DICTIONARY))


def load_prepared(corpus_dir, corpus: str = CORPUS):
    """The dictionary, a streamed corpus (see `corpus_stream`) and the evaluation sample's token
    lists (records {"doc", "tokens"})."""
    return (
        load_dictionary(corpus_dir),
        corpus_stream(corpus_dir, corpus),
        read_jsonl(Path(corpus_dir) / TEXTS),
    )


def read_samples(corpus_dir) -> dict:
    """samples.json: documents, training_documents, evaluation_documents, seed."""
    return json.loads((Path(corpus_dir) / SAMPLES).read_text("utf-8"))


def term_shares(corpus, size: int) -> np.ndarray:
    """Each term's share p(w) of all kept tokens of a streamed corpus (lda_choose ranks the
    topics' words by it, topic_view re-ranks them)."""
    counts = np.zeros(size)
    for bow in corpus:
        for term_id, count in bow:
            counts[term_id] += count
    total = counts.sum()
    if total <= 0:
        raise InputError("results/lda/corpus/corpus.mm holds no tokens: rerun lda_prepare.")
    return counts / total


def shared_terms(topic_word: np.ndarray, topn: int, share: float) -> set[int]:
    """Terms among the `topn` most probable of at least `share` of the topics (and of two at
    least): words of the whole corpus (服务, 企业, 创新), not of a topic (lda.shared_topics)."""
    k = topic_word.shape[0]
    top = np.argsort(-topic_word, axis=1, kind="stable")[:, :topn]
    counts: dict[int, int] = defaultdict(int)
    for w in top.ravel():
        counts[int(w)] += 1
    floor = max(2, math.ceil(share * k))
    return {w for w, n in counts.items() if n >= floor}


def load_model(model_dir):
    """A model saved by lda_sweep (gensim `LdaModel`) from its folder."""
    from gensim.models import LdaModel

    return LdaModel.load(str(Path(model_dir) / MODEL_FILE))


def single_threaded(function, *args):
    """Run `function` with BLAS on one thread: the same numbers whatever the machine's cores,
    and no oversubscription when several workers run at once."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return function(*args)


def worker_pool(processes: int, initializer, initargs: tuple):
    """A pool of `processes` fresh worker processes, each prepared by `initializer(*initargs)`.

    The initializer and the tasks' functions must be importable (module-level functions): a
    spawned worker imports them, it does not inherit the parent's memory.
    """
    import multiprocessing

    return multiprocessing.get_context(START_METHOD).Pool(
        processes, initializer=initializer, initargs=initargs
    )
