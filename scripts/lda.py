"""LDA topic models (gensim `LdaModel`, deterministic with `random_state`).

Three steps, each a Snakemake rule:

- `prepare`: the documents (unit: paragraph, section or report) and the gensim dictionary, filtered
  by document frequency; the bag-of-words corpus is serialised to disk (Matrix Market) so that a
  large corpus is streamed, not held in memory; on a large corpus, the samples the sweep trains
  on (lda.training_budget) and is judged on (lda.evaluation_documents);
- `sweep`: for every K, one model per seed, fitted in parallel worker processes (the results do
  not depend on how many); coherence (c_v, c_npmi, u_mass), perplexity, topic diversity, and the
  stability of the topics across seeds; the medoid seed's model (the one whose topics agree best
  with the other seeds') is kept and described;
- `choose`: K by a documented rule over several metrics (see `choose_k`), or as configured; the
  chosen model's topic shares of every document and report.
"""

import json
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
from gwr.io import (
    InputError,
    atomic_directory,
    atomic_path,
    iter_token_files,
    read_csv,
    read_jsonl,
    setup_logging,
    write_csv,
    write_json,
)

DECIMALS = 6
DOCUMENT_COLUMNS = ["doc", "report_id", "region", "part", "unit", "tokens", "kept_tokens", "used"]


# --- prepare -----------------------------------------------------------------------------------


def build_documents(token_files, sections: dict[str, dict[int, list]], unit: str) -> list[dict]:
    """Documents of the chosen unit: their report, part, a readable key, and their tokens."""
    documents = []
    for report_id, records in token_files:
        groups: dict[str, dict] = {}
        for record in records:
            if unit == "paragraph":
                key = str(record["index"])
            elif unit == "section":
                path = sections.get(report_id, {}).get(record["index"]) or [record["part"]]
                key = " / ".join(path)
            else:
                key = "report"
            group = groups.setdefault(key, {"parts": [], "tokens": []})
            group["parts"].append(record["part"])
            group["tokens"].extend(record["tokens"])
        for key, group in groups.items():
            parts = group["parts"]
            documents.append(
                {
                    "report_id": report_id,
                    # A section or report spans parts: name the most frequent (first on ties).
                    "part": max(dict.fromkeys(parts), key=parts.count),
                    "unit": key,
                    "tokens": group["tokens"],
                }
            )
    for number, document in enumerate(documents):
        document["doc"] = number
    return documents


def prepare(documents: list[dict], settings: dict):
    """Filter the dictionary; return (dictionary, bag-of-words per used document, rows, texts)."""
    from gensim.corpora import Dictionary

    dictionary = Dictionary(document["tokens"] for document in documents)
    dictionary.filter_extremes(
        no_below=settings["no_below"], no_above=settings["no_above"], keep_n=settings["keep_n"]
    )
    bows, texts, rows = [], [], []
    for document in documents:
        kept = [token for token in document["tokens"] if token in dictionary.token2id]
        used = len(kept) >= settings["min_doc_tokens"]
        if used:
            bows.append(dictionary.doc2bow(kept))
            texts.append({"doc": document["doc"], "tokens": kept})
        rows.append(
            {
                "doc": document["doc"],
                "report_id": document["report_id"],
                "part": document["part"],
                "unit": document["unit"],
                "tokens": len(document["tokens"]),
                "kept_tokens": len(kept),
                "used": "yes" if used else "no",
            }
        )
    return dictionary, bows, rows, texts


def sample_indices(count: int, size: int, seed: int) -> list[int]:
    """At most `size` of `count` positions, drawn at random with `seed`, in their order."""
    if count <= size:
        return list(range(count))
    rng = np.random.default_rng(seed)
    return sorted(int(i) for i in rng.choice(count, size=size, replace=False))


def main_prepare(snakemake) -> None:
    from gensim.corpora import MmCorpus

    log = setup_logging(snakemake.log[0], "lda_prepare")
    settings = dict(snakemake.params.settings)
    reports = read_csv(snakemake.input.reports)
    regions = {r["report_id"]: r["region"] for r in reports}
    sections = {}
    if settings["unit"] == "section":
        for report in reports:
            path = Path(snakemake.input.text) / f"{report['report_id']}.jsonl"
            sections[report["report_id"]] = {r["index"]: r["section"] for r in read_jsonl(path)}
    documents = build_documents(
        iter_token_files(snakemake.input.shards), sections, settings["unit"]
    )
    dictionary, bows, rows, texts = prepare(documents, settings)
    del documents
    for row in rows:
        row["region"] = regions.get(row["report_id"], "")
    unused = [row for row in rows if row["used"] == "no"]
    if not bows:
        raise InputError(
            f"no {settings['unit']} has {settings['min_doc_tokens']} or more tokens left after the "
            "dictionary filter (lda.no_below, lda.no_above): the corpus is too small for these "
            "settings. Lower lda.no_below or lda.min_doc_tokens, or raise lda.no_above."
        )
    # A large corpus: the K sweep trains on a sample and is judged on a (smaller) sample.
    training = sample_indices(len(bows), settings["training_budget"], settings["sample_seed"])
    evaluation = sample_indices(
        len(bows), settings["evaluation_documents"], settings["sample_seed"]
    )
    with atomic_directory(snakemake.output.corpus) as staging:
        dictionary.save_as_text(str(staging / "dictionary.txt"))
        MmCorpus.serialize(str(staging / "corpus.mm"), bows)
        MmCorpus.serialize(str(staging / "train.mm"), [bows[i] for i in training])
        (staging / "texts.jsonl").write_text(
            "".join(json.dumps(texts[i], ensure_ascii=False) + "\n" for i in evaluation),
            encoding="utf-8",
        )
        write_json(
            staging / "samples.json",
            {
                "documents": len(bows),
                "training_documents": len(training),
                "evaluation_documents": len(evaluation),
                "seed": settings["sample_seed"],
            },
        )
    write_csv(snakemake.output.documents, DOCUMENT_COLUMNS, rows)
    log.info(
        "%d %ss, %d used (%d left out: fewer than %d tokens after filtering); %d terms; "
        "the sweep trains on %d and is judged on %d of them",
        len(rows),
        settings["unit"],
        len(bows),
        len(unused),
        settings["min_doc_tokens"],
        len(dictionary),
        len(training),
        len(evaluation),
    )


def corpus_stream(corpus_dir, name: str = "corpus.mm"):
    """A streamed bag-of-words corpus of lda_prepare: corpus.mm (every used document) or
    train.mm (the training sample)."""
    from gensim.corpora import MmCorpus

    return MmCorpus(str(Path(corpus_dir) / name))


def load_prepared(corpus_dir: str, corpus: str = "corpus.mm"):
    """The dictionary, a streamed corpus (see `corpus_stream`) and the evaluation sample's token
    lists."""
    from gensim.corpora import Dictionary

    corpus_dir = Path(corpus_dir)
    dictionary = Dictionary.load_from_text(str(corpus_dir / "dictionary.txt"))
    texts = read_jsonl(corpus_dir / "texts.jsonl")
    return dictionary, corpus_stream(corpus_dir, corpus), texts


# --- sweep ---------------------------------------------------------------------------------------


def _prior(value):
    """alpha/eta from the config: a name ('auto', 'symmetric', 'asymmetric') or a number."""
    return value if isinstance(value, str) else float(value)


def effective_passes(documents: int, settings: dict) -> int:
    """lda.passes, cut so that a fit visits at most lda.training_budget documents (at least one
    pass): many passes help a small corpus converge; a large one converges within a pass."""
    return max(1, min(settings["passes"], settings["training_budget"] // max(documents, 1)))


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
        chunksize=settings["chunksize"],
        eval_every=None,
        update_every=1,
        minimum_probability=0.0,
    )


def topic_terms(model, topn: int) -> list[list[str]]:
    return [[term for term, _ in model.show_topic(t, topn=topn)] for t in range(model.num_topics)]


COHERENCE_MEASURES = ("c_v", "c_npmi", "u_mass")


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


def matched_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Mean cosine similarity of topic-word distributions, topics paired one to one (Hungarian)."""
    from scipy.optimize import linear_sum_assignment

    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    similarity = a @ b.T
    rows, columns = linear_sum_assignment(-similarity)
    return float(similarity[rows, columns].mean())


def relevance_ranking(topic_word: np.ndarray, term_share: np.ndarray, lam: float) -> np.ndarray:
    """LDAvis relevance: λ log p(w|t) + (1-λ) log(p(w|t) / p(w)) (Sievert & Shirley 2014)."""
    log_phi = np.log(topic_word)
    return lam * log_phi + (1 - lam) * (log_phi - np.log(term_share))


def document_topics(model, corpus, chunksize: int, processes: int = 1):
    """Full topic vectors (nothing cut at a minimum probability), chunk by chunk, in corpus order
    (the corpus is streamed: a large one is never held in memory).

    gensim starts each chunk's inference from a random draw of the model's generator; each
    chunk goes out with the generator's state at its turn, so worker processes give exactly the
    vectors of one process working through the chunks in order.
    """
    _INFER["model"] = model
    try:
        tasks = _inference_tasks(model, corpus, chunksize)
        if processes <= 1:
            for task in tasks:
                yield from _infer_task(task)
            return
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for rows in pool.imap(_infer_task, tasks):
                yield from rows
    finally:
        _INFER.clear()


_INFER: dict = {}


def _inference_tasks(model, corpus, chunksize: int):
    chunk = []
    for bow in corpus:
        chunk.append(bow)
        if len(chunk) == chunksize:
            yield _with_state(model, chunk)
            chunk = []
    if chunk:
        yield _with_state(model, chunk)


def _with_state(model, chunk):
    """(chunk, generator state at its turn); the generator then moves on as inference would."""
    state = model.random_state.get_state()
    model.random_state.gamma(100.0, 1.0 / 100.0, (len(chunk), model.num_topics))
    return chunk, state


def _infer_task(task) -> np.ndarray:
    chunk, state = task
    model = _INFER["model"]
    model.random_state.set_state(state)
    gamma = _single_threaded(lambda: model.inference(chunk)[0])
    return gamma / gamma.sum(axis=1, keepdims=True)


def _round(value: float) -> float:
    return round(float(value), DECIMALS)


def check_k(k: int, documents: int, settings: dict) -> None:
    if k > documents:
        finer = (
            " or use a finer unit (lda.unit: paragraph)" if settings["unit"] != "paragraph" else ""
        )
        raise InputError(
            f"lda.k holds K={k}, more topics than the {documents} documents "
            f"(lda.unit: {settings['unit']}) can support. Remove {k} from lda.k{finer}."
        )


# What the worker processes of a sweep share (set before they are forked).
_SWEEP: dict = {}


def _single_threaded(function, *args):
    """Run `function` with BLAS on one thread: the same numbers whatever the machine's cores,
    and no oversubscription when several fits run at once."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return function(*args)


def _fit_task(task: tuple[int, int]) -> dict:
    return _single_threaded(_fit, *task)


def _fit(k: int, seed: int) -> dict:
    state = _SWEEP
    settings = state["settings"]
    model = train(state["train"], state["dictionary"], k, seed, settings)
    return {
        "k": k,
        "seed": seed,
        "model": model,
        "topics": topic_terms(model, settings["coherence_topn"]),
        "perplexity": 2 ** (-model.log_perplexity(state["bows"])),
        "topic_diversity": topic_diversity(model, settings["diversity_topn"]),
    }


def _coherence_task(measure: str) -> list[float]:
    state = _SWEEP
    return _single_threaded(
        coherence_scores,
        measure,
        state["topic_sets"],
        state["texts"],
        state["dictionary"],
        state["bows"],
        state["settings"]["coherence_topn"],
    )


def _run(function, tasks: list, processes: int) -> list:
    """`function` over `tasks`, in that order; in `processes` forked workers if more than one."""
    if processes <= 1 or len(tasks) <= 1:
        return [function(task) for task in tasks]
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(min(processes, len(tasks))) as pool:
        return pool.map(function, tasks, chunksize=1)


def sweep(train_corpus, dictionary, texts, ks, settings: dict, processes: int = 1) -> list[dict]:
    """Fit every K once per seed (in parallel when `processes` > 1: same results) and measure
    them; return one result per K (see `summarise`), in the order of `ks`."""
    for k in ks:
        check_k(k, len(train_corpus), settings)
    token_texts = [t["tokens"] for t in texts]
    _SWEEP.clear()
    _SWEEP.update(
        train=train_corpus,
        dictionary=dictionary,
        settings=settings,
        texts=token_texts,
        bows=[dictionary.doc2bow(tokens) for tokens in token_texts],
    )
    try:
        # The largest K first: the slowest fits start early, the pool ends evenly.
        tasks = sorted(
            ((k, seed) for k in ks for seed in settings["seeds"]), key=lambda t: (-t[0], t[1])
        )
        fits = {(f["k"], f["seed"]): f for f in _run(_fit_task, tasks, processes)}
        order = [(k, seed) for k in ks for seed in settings["seeds"]]
        _SWEEP["topic_sets"] = [fits[key]["topics"] for key in order]
        scores = _run(_coherence_task, list(COHERENCE_MEASURES), processes)
    finally:
        _SWEEP.clear()
    for measure, values in zip(COHERENCE_MEASURES, scores, strict=True):
        for key, value in zip(order, values, strict=True):
            fits[key][measure] = value
    return [summarise(k, [fits[(k, seed)] for seed in settings["seeds"]]) for k in ks]


METRIC_NAMES = ["c_v", "c_npmi", "u_mass", "perplexity", "topic_diversity"]


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


def term_shares(corpus, size: int) -> np.ndarray:
    """Each term's share of all kept tokens of the corpus (streamed)."""
    counts = np.zeros(size)
    for bow in corpus:
        for term_id, count in bow:
            counts[term_id] += count
    return counts / counts.sum()


def describe_topics(model, dictionary, term_share: np.ndarray, settings: dict):
    """Rows of topics.csv and the topic labels."""
    topic_word = model.get_topics()
    relevance = relevance_ranking(topic_word, term_share, settings["relevance_lambda"])
    topn = settings["top_terms"]
    rows, labels = [], []
    for topic in range(model.num_topics):
        weights = topic_word[topic]
        ranked = sorted(range(len(dictionary)), key=lambda w: (-weights[w], w))
        by_weight = ranked[:topn]
        # Relevance reorders the topic's most probable terms; over the whole vocabulary it would
        # favour rare terms, whose tiny corpus share inflates their lift in every topic.
        pool = ranked[: max(topn, settings["relevance_pool"])]
        by_relevance = sorted(pool, key=lambda w: (-relevance[topic, w], w))[:topn]
        label = "·".join(dictionary[w] for w in by_relevance[: settings["label_terms"]])
        if label in labels:
            label = f"{label} ({topic + 1})"
        labels.append(label)
        for ranking, ids in (("weight", by_weight), ("relevance", by_relevance)):
            for rank, w in enumerate(ids, start=1):
                rows.append(
                    {
                        "topic": topic + 1,
                        "label": label,
                        "ranking": ranking,
                        "rank": rank,
                        "term": dictionary[w],
                        "weight": f"{topic_word[topic, w]:.{DECIMALS}f}",
                        "relevance": f"{relevance[topic, w]:.{DECIMALS}f}",
                    }
                )
    return rows, labels


TOPIC_COLUMNS = ["topic", "label", "ranking", "rank", "term", "weight", "relevance"]


def report_shares(theta, documents: list[dict], regions: dict[str, str], k: int):
    """Region x topic shares: documents' vectors weighted by their kept tokens; rows sum to 1."""
    weights: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(k))
    for vector, document in zip(theta, documents, strict=True):
        weights[document["report_id"]] += vector * int(document["kept_tokens"])
    rows = []
    for report_id in sorted(weights):
        total = weights[report_id].sum()
        shares = weights[report_id] / total
        rows.append(
            {
                "report_id": report_id,
                "region": regions.get(report_id, ""),
                **{f"topic_{t + 1}": f"{s:.{DECIMALS}f}" for t, s in enumerate(shares)},
            }
        )
    return rows


def metrics_record(result: dict, settings: dict, documents: int, terms: int, labels) -> dict:
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
        "labels": labels,
    }


def main_sweep(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "lda_sweep")
    settings = dict(snakemake.params.settings)
    ks = [int(k) for k in snakemake.params.ks]
    dictionary, train_corpus, texts = load_prepared(snakemake.input.corpus, "train.mm")
    samples = json.loads((Path(snakemake.input.corpus) / "samples.json").read_text("utf-8"))
    documents = samples["documents"]
    share = term_shares(corpus_stream(snakemake.input.corpus), len(dictionary))
    log.info(
        "K %s x seeds %s on %d of %d documents, %d passes, %d process(es); judged on %d",
        ks,
        settings["seeds"],
        len(train_corpus),
        documents,
        effective_passes(len(train_corpus), settings),
        snakemake.threads,
        len(texts),
    )
    results = sweep(train_corpus, dictionary, texts, ks, settings, snakemake.threads)
    for result, model_dir, topics_csv, metrics_json in zip(
        results,
        snakemake.output.models,
        snakemake.output.topics,
        snakemake.output.metrics,
        strict=True,
    ):
        for run in result["runs"]:
            log.info(
                "K=%d seed=%d %s",
                result["k"],
                run["seed"],
                {m: round(v, 4) for m, v in run["metrics"].items()},
            )
        model = result["runs"][result["kept"]]["model"]
        topic_rows, labels = describe_topics(model, dictionary, share, settings)
        with atomic_directory(model_dir) as staging:
            model.save(str(staging / "lda.gensim"))
        write_csv(topics_csv, TOPIC_COLUMNS, topic_rows)
        write_json(
            metrics_json, metrics_record(result, settings, documents, len(dictionary), labels)
        )


# --- choose --------------------------------------------------------------------------------------

SELECTION_METRICS = ["c_npmi", "c_v", "u_mass", "perplexity", "topic_diversity"]


def choose_k(metrics: list[dict], settings: dict) -> tuple[int, str]:
    """The number of topics, and why.

    Rule `auto`: among the K whose topics are distinct enough (mean topic diversity at least
    lda.min_topic_diversity) and stable enough across seeds (at least lda.min_stability), find the
    best mean c_npmi; choose the smallest K whose mean c_npmi is within one standard deviation
    (across seeds) of that best. Coherence by NPMI is the criterion that agrees best with human
    judgement among the measures that do not need a reference corpus; c_v is reported but not used
    alone, as its author advises; the spread across seeds stops the choice from chasing noise; and
    the smallest such K gives the most readable model.
    """
    by_k = {m["k"]: m for m in metrics}
    choice = settings["k_choice"]
    if choice != "auto":
        k = int(choice)
        if k not in by_k:
            raise InputError(f"lda.k_choice is {k}, which is not in lda.k {sorted(by_k)}.")
        return k, f"set in the config (lda.k_choice: {k})"
    eligible = [
        k
        for k, m in sorted(by_k.items())
        if m["summary"]["topic_diversity"]["mean"] >= settings["min_topic_diversity"]
        and m["stability"] >= settings["min_stability"]
    ]
    note = ""
    if not eligible:
        eligible = sorted(by_k)
        note = (
            " No K met the diversity and stability floors "
            f"({settings['min_topic_diversity']}, {settings['min_stability']}): all K considered."
        )
    best = max(eligible, key=lambda k: (by_k[k]["summary"]["c_npmi"]["mean"], -k))
    best_mean = by_k[best]["summary"]["c_npmi"]["mean"]
    spread = by_k[best]["summary"]["c_npmi"]["sd"]
    chosen = min(k for k in eligible if by_k[k]["summary"]["c_npmi"]["mean"] >= best_mean - spread)
    reason = (
        f"auto: best mean c_npmi {best_mean:.4f} (sd {spread:.4f} over "
        f"{len(by_k[best]['seeds'])} seeds) at K={best}; K={chosen} is the smallest K within one "
        f"sd of it (mean c_npmi {by_k[chosen]['summary']['c_npmi']['mean']:.4f}), among the K "
        f"with topic diversity >= {settings['min_topic_diversity']} and stability >= "
        f"{settings['min_stability']}: {eligible}.{note}"
    )
    return chosen, reason


def selection_rows(metrics: list[dict], chosen: int) -> list[dict]:
    rows = []
    for m in sorted(metrics, key=lambda m: m["k"]):
        row = {"k": m["k"]}
        for name in SELECTION_METRICS:
            row[f"{name}_mean"] = m["summary"][name]["mean"]
            row[f"{name}_sd"] = m["summary"][name]["sd"]
        row["stability"] = m["stability"]
        row["kept_seed"] = m["kept_seed"]
        row["chosen"] = "yes" if m["k"] == chosen else ""
        rows.append(row)
    return rows


def copy_file(source: Path, target: str) -> None:
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)


def chosen_document_topics(
    model_dir, corpus_dir, documents_csv, reports_csv, k: int, chunksize, processes: int = 1
):
    """(doc_topics rows, report_topics rows) of the chosen model over every used document."""
    from gensim.models import LdaModel

    model = LdaModel.load(str(Path(model_dir) / "lda.gensim"))
    corpus = corpus_stream(corpus_dir)
    documents = [row for row in read_csv(documents_csv) if row["used"] == "yes"]
    regions = {r["report_id"]: r["region"] for r in read_csv(reports_csv)}
    theta = np.vstack(_single_threaded(lambda: list(document_topics(model, corpus, chunksize))))
    columns = [f"topic_{t + 1}" for t in range(k)]
    doc_rows = (
        {
            "doc": document["doc"],
            "report_id": document["report_id"],
            "part": document["part"],
            "unit": document["unit"],
            "kept_tokens": document["kept_tokens"],
            **{c: f"{v:.{DECIMALS}f}" for c, v in zip(columns, vector, strict=True)},
        }
        for document, vector in zip(documents, theta, strict=True)
    )
    return columns, doc_rows, report_shares(theta, documents, regions, k)


def main_choose(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "lda_choose")
    settings = dict(snakemake.params.settings)
    metrics = [json.loads(Path(p).read_text("utf-8")) for p in snakemake.input.metrics]
    chosen, reason = choose_k(metrics, settings)
    rows = selection_rows(metrics, chosen)
    write_csv(snakemake.output.selection, list(rows[0]), rows)
    source = Path(snakemake.input.metrics[[m["k"] for m in metrics].index(chosen)]).parent
    copy_file(source / "topics.csv", snakemake.output.topics)
    copy_file(source / "metrics.json", snakemake.output.metrics)
    with atomic_directory(snakemake.output.model) as staging:
        shutil.copytree(source / "model", staging, dirs_exist_ok=True)
    columns, doc_rows, report_rows = chosen_document_topics(
        source / "model",
        snakemake.input.corpus,
        snakemake.input.documents,
        snakemake.input.reports,
        chosen,
        settings["chunksize"],
        snakemake.threads,
    )
    write_csv(
        snakemake.output.doc_topics,
        ["doc", "report_id", "part", "unit", "kept_tokens", *columns],
        doc_rows,
    )
    write_csv(snakemake.output.report_topics, ["report_id", "region", *columns], report_rows)
    chosen_metrics = next(m for m in metrics if m["k"] == chosen)
    write_json(
        snakemake.output.chosen_json,
        {
            "k": chosen,
            "reason": reason,
            "kept_seed": chosen_metrics["kept_seed"],
            "kept_because": chosen_metrics["kept_because"],
            "stability": chosen_metrics["stability"],
            "labels": chosen_metrics["labels"],
            "metrics": chosen_metrics["summary"],
        },
    )
    log.info("chosen K=%d: %s", chosen, reason)


def main(snakemake) -> None:
    {"lda_prepare": main_prepare, "lda_sweep": main_sweep, "lda_choose": main_choose}[
        snakemake.rule
    ](snakemake)


if __name__ == "__main__" and "snakemake" in globals():
    main(snakemake)  # noqa: F821
