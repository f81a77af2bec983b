"""Rule lda_sweep: one LDA model per K of lda.k and seed of lda.seeds (gensim `LdaModel`,
deterministic with `random_state`), measured and described (results/lda/k{K}/).

The fits run in worker processes (at most the job's threads; the results do not depend on how
many), then the coherence measures (c_v, c_npmi, u_mass: the co-occurrence counts gathered once
for all models), with perplexity, topic diversity and the stability of the topics across seeds.
Of each K's seeds the medoid is kept (the model whose topics agree best with the other seeds'),
with metrics.json; lda_choose describes its topics.

Each worker loads the prepared corpus itself, from its folder (see gwr.lda), when it starts.
"""

import math
import time

import numpy as np
from gwr.io import InputError, atomic_directory, setup_logging, write_json
from gwr.lda import (
    DECIMALS,
    MODEL_FILE,
    TRAIN,
    corpus_stream,
    load_prepared,
    read_samples,
    single_threaded,
    worker_pool,
)

COHERENCE_MEASURES = ("c_v", "c_npmi", "u_mass")
METRIC_NAMES = ["c_v", "c_npmi", "u_mass", "perplexity", "topic_diversity"]


# --- fitting -------------------------------------------------------------------------------------


def _prior(value):
    """alpha/eta from the config: a name ('auto', 'symmetric', 'asymmetric') or a number."""
    return value if isinstance(value, str) else float(value)


def effective_passes(documents: int, settings: dict) -> int:
    """lda.passes, cut so that a fit visits at most lda.training_budget documents (at least one
    pass): many passes help a small corpus converge; a large one converges within a pass."""
    return max(1, min(settings["passes"], settings["training_budget"] // max(documents, 1)))


def equal_chunksize(documents: int, chunksize: int) -> int:
    """The chunk size that cuts `documents` into equal chunks, as few as chunks of at most
    `chunksize` would be: ceil(N / ceil(N / chunksize)).

    gensim's online LDA weighs every chunk's update alike: with 2,096 documents in chunks of
    2,000, each pass would end with a 96-document chunk counting as much as the 2,000 before it.
    """
    if documents <= 0:
        return chunksize
    return math.ceil(documents / math.ceil(documents / chunksize))


def train(corpus, dictionary, k: int, seed: int, settings: dict):
    from gensim.models import LdaModel

    return LdaModel(
        corpus=corpus,
        id2word=dictionary,
        num_topics=k,
        random_state=seed,
        passes=effective_passes(len(corpus), settings),
        iterations=settings["iterations"],
        alpha=_prior(settings["alpha"]),
        eta=_prior(settings["eta"]),
        chunksize=equal_chunksize(len(corpus), settings["chunksize"]),
        eval_every=None,
        update_every=1,
        minimum_probability=0.0,
    )


def topic_terms(model, topn: int) -> list[list[str]]:
    return [[term for term, _ in model.show_topic(t, topn=topn)] for t in range(model.num_topics)]


def coherence_scores(measure: str, topic_sets, texts, dictionary, bows, topn: int) -> list[float]:
    """Mean coherence of each topic set (one per model), by `measure`.

    The co-occurrence counts are gathered once for the words of all the sets together and then
    read for each set: the values are those of one gensim `CoherenceModel` per model, at a
    fraction of the cost. (`CoherenceModel.for_topics` would do the same, but segments the union
    of all topics as one topic: quadratic in the number of distinct words.)
    """
    from gensim.models import CoherenceModel

    model = CoherenceModel(
        topics=topic_sets[0],
        texts=texts if measure != "u_mass" else None,
        corpus=bows if measure == "u_mass" else None,
        dictionary=dictionary,
        coherence=measure,
        topn=topn,
        processes=1,
    )
    ids = sorted({dictionary.token2id[w] for topics in topic_sets for t in topics for w in t})
    model.estimate_probabilities(segmented_topics=[[(i, i) for i in ids]])
    scores = []
    for topics in topic_sets:
        model.topics = topics
        scores.append(float(model.get_coherence()))
    return scores


def topic_diversity(model, topn: int) -> float:
    """Share of distinct words among the top `topn` words of all topics (1: no overlap)."""
    words = [w for topic in topic_terms(model, topn) for w in topic]
    return len(set(words)) / len(words)


def check_k(k: int, documents: int, settings: dict) -> None:
    if k > documents:
        finer = (
            " or use a finer unit (lda.unit: paragraph)" if settings["unit"] != "paragraph" else ""
        )
        raise InputError(
            f"lda.k holds K={k}, more topics than the {documents} documents "
            f"(lda.unit: {settings['unit']}) can support. Remove {k} from lda.k{finer}."
        )


class SweepCorpus:
    """What every fit and measure of the sweep reads, loaded from lda_prepare's folder: the
    dictionary, the training corpus (streamed), and the evaluation sample's token lists and
    bags of words."""

    def __init__(self, corpus_dir):
        self.dictionary, self.train, texts = load_prepared(corpus_dir, TRAIN)
        self.texts = [text["tokens"] for text in texts]
        self.bows = [self.dictionary.doc2bow(tokens) for tokens in self.texts]


def fit(corpus: SweepCorpus, k: int, seed: int, settings: dict) -> dict:
    """One model, and the metrics that need only itself (and the seconds it took: `seconds`,
    for the progress log only)."""
    started = time.monotonic()
    result = single_threaded(_fit, corpus, k, seed, settings)
    result["seconds"] = time.monotonic() - started
    return result


def _fit(corpus: SweepCorpus, k: int, seed: int, settings: dict) -> dict:
    model = train(corpus.train, corpus.dictionary, k, seed, settings)
    return {
        "k": k,
        "seed": seed,
        "model": model,
        "topics": topic_terms(model, settings["coherence_topn"]),
        "perplexity": 2 ** (-model.log_perplexity(corpus.bows)),
        "topic_diversity": topic_diversity(model, settings["diversity_topn"]),
    }


def coherence(corpus: SweepCorpus, measure: str, topic_sets, settings: dict) -> list[float]:
    return single_threaded(
        coherence_scores,
        measure,
        topic_sets,
        corpus.texts,
        corpus.dictionary,
        corpus.bows,
        settings["coherence_topn"],
    )


# --- worker processes -----------------------------------------------------------------------------

# A worker's corpus and settings, set in the worker by its pool's initializer (`start_worker`).
_WORKER: dict = {}


def start_worker(corpus_dir: str, settings: dict) -> None:
    _WORKER["corpus"] = SweepCorpus(corpus_dir)
    _WORKER["settings"] = settings


def _fit_task(task: tuple[int, int]) -> dict:
    k, seed = task
    return fit(_WORKER["corpus"], k, seed, _WORKER["settings"])


def _coherence_task(task: tuple[str, list]) -> list[float]:
    measure, topic_sets = task
    return coherence(_WORKER["corpus"], measure, topic_sets, _WORKER["settings"])


def sweep(corpus_dir, ks, settings: dict, processes: int = 1, log=None) -> list[dict]:
    """Fit every K once per seed on the prepared corpus in `corpus_dir` and measure them, in
    `processes` worker processes if more than one (the same results); return one result per K
    (see `summarise`), in the order of `ks`. Each fit, as it ends, is logged to `log` (fit n of
    N, its K, seed and seconds): a long sweep says how far it is."""
    documents = len(corpus_stream(corpus_dir, TRAIN))
    for k in ks:
        check_k(k, documents, settings)
    # The largest K first: the slowest fits start early, the pool ends evenly.
    tasks = sorted(
        ((k, seed) for k in ks for seed in settings["seeds"]), key=lambda t: (-t[0], t[1])
    )
    order = [(k, seed) for k in ks for seed in settings["seeds"]]
    if processes <= 1 or len(tasks) <= 1:
        corpus = SweepCorpus(corpus_dir)
        fits = {}
        for k, seed in tasks:
            fits[(k, seed)] = fit(corpus, k, seed, settings)
            _progress(log, fits[(k, seed)], len(fits), len(tasks))
        topic_sets = [fits[key]["topics"] for key in order]
        scores = [coherence(corpus, m, topic_sets, settings) for m in COHERENCE_MEASURES]
    else:
        with worker_pool(
            min(processes, len(tasks)), start_worker, (str(corpus_dir), settings)
        ) as pool:
            fits = {}
            for done in pool.imap_unordered(_fit_task, tasks, chunksize=1):
                fits[(done["k"], done["seed"])] = done
                _progress(log, done, len(fits), len(tasks))
            topic_sets = [fits[key]["topics"] for key in order]
            scores = pool.map(
                _coherence_task, [(m, topic_sets) for m in COHERENCE_MEASURES], chunksize=1
            )
    for measure, values in zip(COHERENCE_MEASURES, scores, strict=True):
        for key, value in zip(order, values, strict=True):
            fits[key][measure] = value
    return [summarise(k, [fits[(k, seed)] for seed in settings["seeds"]]) for k in ks]


def _progress(log, done: dict, count: int, total: int) -> None:
    if log is not None:
        log.info(
            "fit %d of %d: K=%d seed=%d, %.1f s",
            count,
            total,
            done["k"],
            done["seed"],
            done["seconds"],
        )


# --- summary and description ----------------------------------------------------------------------


def _round(value: float) -> float:
    return round(float(value), DECIMALS)


def matched_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Mean cosine similarity of topic-word distributions, topics paired one to one (Hungarian)."""
    from scipy.optimize import linear_sum_assignment

    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    similarity = a @ b.T
    rows, columns = linear_sum_assignment(-similarity)
    return float(similarity[rows, columns].mean())


def summarise(k: int, fits: list[dict]) -> dict:
    """Mean and spread of each metric over the seeds, their stability, and the medoid seed."""
    runs = [
        {"seed": f["seed"], "model": f["model"], "metrics": {m: f[m] for m in METRIC_NAMES}}
        for f in fits
    ]
    topic_words = [run["model"].get_topics() for run in runs]
    pairs = {}
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            pairs[(i, j)] = matched_similarity(topic_words[i], topic_words[j])
    agreement = [
        np.mean([pairs[tuple(sorted((i, j)))] for j in range(len(runs)) if j != i])
        if len(runs) > 1
        else 1.0
        for i in range(len(runs))
    ]
    # The medoid: the seed whose topics agree best with the other seeds'; ties: best c_npmi.
    kept = max(
        range(len(runs)),
        key=lambda i: (round(agreement[i], 9), round(runs[i]["metrics"]["c_npmi"], 9), -i),
    )
    summary = {}
    for name in METRIC_NAMES:
        values = [run["metrics"][name] for run in runs]
        summary[name] = {
            "mean": _round(np.mean(values)),
            "sd": _round(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
        }
    stability = float(np.mean(list(pairs.values()))) if pairs else 1.0
    return {
        "k": k,
        "runs": runs,
        "kept": kept,
        "summary": summary,
        "stability": _round(stability),
        "agreement": [_round(a) for a in agreement],
    }


def metrics_record(result: dict, settings: dict, documents: int, terms: int) -> dict:
    kept = result["runs"][result["kept"]]
    return {
        "k": result["k"],
        "unit": settings["unit"],
        "documents": documents,
        "terms": terms,
        "seeds": [
            {
                "seed": run["seed"],
                **{m: _round(v) for m, v in run["metrics"].items()},
                "agreement": result["agreement"][i],
            }
            for i, run in enumerate(result["runs"])
        ],
        "summary": result["summary"],
        "stability": result["stability"],
        "kept_seed": kept["seed"],
        "kept_because": (
            "medoid: its topics agree best with the other seeds' topics "
            "(mean matched cosine similarity of topic-word distributions)"
        ),
    }


def write_results(results, corpus_dir, settings: dict, model_dirs, metrics_jsons):
    """Each K's kept model and metrics.json (lda_choose describes the topics)."""
    dictionary = load_prepared(corpus_dir)[0]
    documents = read_samples(corpus_dir)["documents"]
    for result, model_dir, metrics_json in zip(results, model_dirs, metrics_jsons, strict=True):
        model = result["runs"][result["kept"]]["model"]
        with atomic_directory(model_dir) as staging:
            model.save(str(staging / MODEL_FILE))
        write_json(metrics_json, metrics_record(result, settings, documents, len(dictionary)))


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "lda_sweep")
    settings = dict(snakemake.params.settings)
    ks = [int(k) for k in snakemake.params.ks]
    corpus_dir = snakemake.input.corpus
    samples = read_samples(corpus_dir)
    log.info(
        "K %s x seeds %s on %d of %d documents, %d passes, %d process(es); judged on %d",
        ks,
        settings["seeds"],
        samples["training_documents"],
        samples["documents"],
        effective_passes(samples["training_documents"], settings),
        snakemake.threads,
        samples["evaluation_documents"],
    )
    results = sweep(corpus_dir, ks, settings, snakemake.threads, log)
    for result in results:
        for run in result["runs"]:
            log.info(
                "K=%d seed=%d %s",
                result["k"],
                run["seed"],
                {m: round(float(v), 4) for m, v in run["metrics"].items()},
            )
    write_results(
        results,
        corpus_dir,
        settings,
        snakemake.output.models,
        snakemake.output.metrics,
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/lda_sweep.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("lda_sweep")
    main(snakemake)  # noqa: F821
