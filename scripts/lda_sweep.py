"""Rule lda_sweep: LDA models over the K of lda.k and the seeds of lda.seeds (gensim `LdaModel`,
deterministic with `random_state`), measured (results/lda/k{K}/).

Successive halving: every K is first screened by one quick fit (the first seed,
lda.screen_passes passes); the lda.screen_keep K of best coherence (c_npmi) among those whose
topics are distinct enough (lda.min_topic_diversity), and with lda.screen_smaller every such K
smaller than they are, are then fitted with every seed and all the passes, as is a K named by
lda.k_choice. Only those refined K can be chosen; a screened-out K
keeps its screening fit, marked as such. (lda.screen_passes 0: every K with every seed.)

The fits run in worker processes (at most the job's threads; the results do not depend on how
many), then the coherence measures (c_v, c_npmi, u_mass: the co-occurrence counts gathered once
for all models), with perplexity, topic diversity and the stability of the topics across seeds.
Of each K's seeds the medoid is kept (the model whose topics agree best with the other seeds'),
with metrics.json; lda_choose describes its topics.

Each worker loads the prepared corpus itself, from its folder (see gwr.lda), when it starts.
"""

import copy
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
from gwr.lda_inference import ArrayCorpus, model_class, perplexity, plain

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
    """One model; `settings["passes"]` (cut by the training budget) passes; its E-step by
    lda.inference (gwr.lda_inference)."""
    return model_class(settings["inference"])(
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
    dictionary, the training corpus (in memory for the batched E-step, streamed from its file
    for gensim's own), and the evaluation sample's token lists and bags of words."""

    def __init__(self, corpus_dir, settings: dict):
        self.dictionary, self.train, texts = load_prepared(corpus_dir, TRAIN)
        if settings["inference"] == "batched":
            self.train = ArrayCorpus(self.train)
        self.texts = [text["tokens"] for text in texts]
        self.bows = [self.dictionary.doc2bow(tokens) for tokens in self.texts]


def fit(corpus: SweepCorpus, k: int, seed: int, settings: dict, start=None) -> dict:
    """One model, and the metrics that need only itself (and the seconds it took: `seconds`,
    for the progress log only). `start`: (a fit of this K and seed, its passes), continued to
    the passes of `settings` (the same model as a fit of them all: see gwr.lda_inference)."""
    started = time.monotonic()
    result = single_threaded(_fit, corpus, k, seed, settings, start)
    result["seconds"] = time.monotonic() - started
    return result


def _fit(corpus: SweepCorpus, k: int, seed: int, settings: dict, start) -> dict:
    if start is None:
        model = train(corpus.train, corpus.dictionary, k, seed, settings)
    else:
        model = copy.deepcopy(start[0])  # the screen's fit stays as it is
        model.continue_fit(corpus.train, start[1], effective_passes(len(corpus.train), settings))
    return {
        "k": k,
        "seed": seed,
        "continued": None if start is None else start[1],
        "model": model,
        "topics": topic_terms(model, settings["coherence_topn"]),
        "perplexity": perplexity(
            model,
            corpus.bows,
            settings["inference"],
            equal_chunksize(len(corpus.bows), settings["chunksize"]),
        ),
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
    _WORKER["corpus"] = SweepCorpus(corpus_dir, settings)
    _WORKER["settings"] = settings


def _fit_task(task: tuple) -> dict:
    return _fit_in(_WORKER["corpus"], task, _WORKER["settings"])


def _coherence_task(task: tuple[str, list]) -> list[float]:
    measure, topic_sets = task
    return coherence(_WORKER["corpus"], measure, topic_sets, _WORKER["settings"])


class Runner:
    """Fits and coherence, in this process or in a pool of `processes` worker processes (the
    same results either way)."""

    def __init__(self, corpus_dir, settings: dict, processes: int, log=None):
        self.settings = settings
        self.log = log
        self.pool = None
        self.corpus = None
        if processes > 1:
            self.pool = worker_pool(processes, start_worker, (str(corpus_dir), settings))
        else:
            self.corpus = SweepCorpus(corpus_dir, settings)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def fits(self, tasks: list[tuple], stage: str) -> dict[tuple[int, int], dict]:
        """{(K, seed): fit} of the tasks (K, seed, passes, start: see `fit`), logged as each
        ends."""
        # The slowest first (whole fits, then continued ones; the largest K first), so that the
        # pool ends evenly.
        tasks = sorted(tasks, key=lambda t: (t[3] is not None, -t[0], t[1]))
        if self.pool is None:
            done = (_fit_in(self.corpus, task, self.settings) for task in tasks)
        else:
            done = self.pool.imap_unordered(_fit_task, tasks, chunksize=1)
        fits = {}
        for result in done:
            fits[(result["k"], result["seed"])] = result
            _progress(self.log, stage, result, len(fits), len(tasks))
        return fits

    def coherence(self, measures, topic_sets) -> list[list[float]]:
        """Each measure's score of each topic set."""
        if self.pool is None:
            return [coherence(self.corpus, m, topic_sets, self.settings) for m in measures]
        return self.pool.map(_coherence_task, [(m, topic_sets) for m in measures], chunksize=1)


def _fit_in(corpus: SweepCorpus, task: tuple, settings: dict) -> dict:
    k, seed, passes, start = task
    return fit(corpus, k, seed, {**settings, "passes": passes}, start)


def screening(ks, settings: dict, forced=None) -> bool:
    """Whether the sweep screens its K (lda.screen_passes > 0, and fewer K to refine than K)."""
    keep = settings["screen_keep"] + (forced is not None and forced in ks)
    return settings["screen_passes"] > 0 and keep < len(ks) and len(settings["seeds"]) > 1


def screen_reasons(screened: dict[int, dict], settings: dict, forced=None) -> dict[int, str]:
    """The K refined, each with why: `screen` for the lda.screen_keep of best c_npmi in their
    screening fit among those of topic diversity >= lda.min_topic_diversity (all K if none is);
    `smaller` (with lda.screen_smaller) for every such K smaller than the smallest of them;
    `k_choice` for `forced` (lda.k_choice, when it names a K).

    The rule chooses the smallest K whose mean coherence is within one standard deviation of the
    best: a smaller K can be chosen with less coherence than the best, and one quick fit of one
    seed cannot tell whether it is within the seeds' spread (on the national reports 1954–1986
    the screen had K = 4 eighth of nine, the full sweep chose it). A larger K than the screen's
    picks is chosen only as the best, which the screen looks for.
    """
    fine = [
        k for k, f in screened.items() if f["topic_diversity"] >= settings["min_topic_diversity"]
    ] or list(screened)
    best = sorted(fine, key=lambda k: (-round(screened[k]["c_npmi"], 9), k))
    reasons = {k: "screen" for k in best[: settings["screen_keep"]]}
    if settings["screen_smaller"]:
        reasons.update({k: "smaller" for k in fine if k < min(reasons)})
    if forced is not None and forced in screened:
        reasons.setdefault(forced, "k_choice")
    return reasons


def sweep(corpus_dir, ks, settings: dict, processes: int = 1, log=None, forced=None) -> list[dict]:
    """Fit and measure the K of `ks` on the prepared corpus in `corpus_dir` (screened first: see
    the module's note; `forced` is a K that must be refined, lda.k_choice), in `processes` worker
    processes if more than one (the same results); return one result per K (see `summarise`),
    in the order of `ks`. Each fit, as it ends, is logged to `log` (fit n of N, its K, seed and
    seconds): a long sweep says how far it is."""
    documents = len(corpus_stream(corpus_dir, TRAIN))
    for k in ks:
        check_k(k, documents, settings)
    seeds = settings["seeds"]
    screen = screening(ks, settings, forced)
    passes = effective_passes(documents, settings)
    screen_passes = effective_passes(documents, {**settings, "passes": settings["screen_passes"]})
    # A refined K's screening fit is its first seed's first passes: it is continued to all the
    # passes (on a corpus large enough for the training budget to cut the passes to the
    # screen's, it is the whole fit, kept as it is).
    reuse = screen_passes == passes
    tasks_screen = [(k, seeds[0], settings["screen_passes"], None) for k in ks] if screen else []
    with Runner(corpus_dir, settings, min(processes, len(ks) * len(seeds)), log) as runner:
        screened = {}
        refined = list(ks)
        reasons = {}
        if screen:
            screened = runner.fits(tasks_screen, "screen")
            order = sorted(screened)
            (npmi,) = runner.coherence(["c_npmi"], [screened[key]["topics"] for key in order])
            by_k = {
                key[0]: {**screened[key], "c_npmi": value}
                for key, value in zip(order, npmi, strict=True)
            }
            reasons = screen_reasons(by_k, settings, forced)
            refined = sorted(reasons)
            if log is not None:
                log.info(
                    "screen (seed %d, %d passes): c_npmi %s; refined: K %s",
                    seeds[0],
                    screen_passes,
                    {k: round(by_k[k]["c_npmi"], 4) for k in sorted(by_k)},
                    refined,
                )
        done = {key: fit for key, fit in screened.items() if reuse and key[0] in refined}
        tasks = [
            (
                k,
                seed,
                settings["passes"],
                (screened[(k, seed)]["model"], screen_passes) if (k, seed) in screened else None,
            )
            for k in refined
            for seed in seeds
            if (k, seed) not in done
        ]
        fits = {**done, **runner.fits(tasks, "fit")}
        kept_screens = {
            (k, seeds[0]): screened[(k, seeds[0])] for k in ks if k not in refined and screen
        }
        final = {**fits, **kept_screens}
        order = sorted(final)
        scores = runner.coherence(COHERENCE_MEASURES, [final[key]["topics"] for key in order])
    for measure, values in zip(COHERENCE_MEASURES, scores, strict=True):
        for key, value in zip(order, values, strict=True):
            final[key][measure] = value
    results = []
    for k in ks:
        if k in refined:
            summary = summarise(k, [fits[(k, seed)] for seed in seeds])
            results.append({**summary, "passes": passes, "refined_by": reasons.get(k)})
        else:
            only = summarise(k, [final[(k, seeds[0])]])
            results.append(
                {**only, "screened_out": True, "stability": None, "passes": screen_passes}
            )
    return results


def _progress(log, stage: str, done: dict, count: int, total: int) -> None:
    if log is not None:
        log.info(
            "%s %d of %d: K=%d seed=%d, %.1f s%s",
            stage,
            count,
            total,
            done["k"],
            done["seed"],
            done["seconds"],
            f" (the screen's {done['continued']} passes continued)" if done["continued"] else "",
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
    screened_out = result.get("screened_out", False)
    return {
        "k": result["k"],
        "unit": settings["unit"],
        "documents": documents,
        "terms": terms,
        # A K screened out was fitted once (the first seed, lda.screen_passes passes): it cannot
        # be chosen, and its figures are not comparable with the refined K's.
        "screened_out": screened_out,
        # Why a K was fitted with every seed after the screen (see screen_reasons): screen,
        # smaller, k_choice; null without screening or when screened out.
        "refined_by": result.get("refined_by"),
        "passes": result["passes"],
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
            "screened out: the screening fit, the one fit of this K"
            if screened_out
            else "medoid: its topics agree best with the other seeds' topics "
            "(mean matched cosine similarity of topic-word distributions)"
        ),
    }


def write_results(results, corpus_dir, settings: dict, model_dirs, metrics_jsons):
    """Each K's kept model and metrics.json (lda_choose describes the topics)."""
    dictionary = load_prepared(corpus_dir)[0]
    documents = read_samples(corpus_dir)["documents"]
    for result, model_dir, metrics_json in zip(results, model_dirs, metrics_jsons, strict=True):
        # gensim's own LdaModel: it loads with gensim alone
        model = plain(result["runs"][result["kept"]]["model"])
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
    forced = snakemake.params.forced_k
    results = sweep(corpus_dir, ks, settings, snakemake.threads, log, forced)
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
