"""LDA topic models (gensim `LdaModel`, deterministic with `random_state`).

Three steps, each a Snakemake rule:

- `prepare`: the documents (unit: paragraph, section or report) and the gensim dictionary, filtered
  by document frequency; the bag-of-words corpus is serialised to disk (Matrix Market) so that a
  large corpus is streamed, not held in memory;
- `fit`: for one number of topics K, one model per seed; coherence (c_v, c_npmi, u_mass),
  perplexity, topic diversity, and the stability of the topics across seeds; the medoid seed's
  model (the one whose topics agree best with the other seeds') is kept and described;
- `choose`: K by a documented rule over several metrics (see `choose_k`), or as configured.
"""

import json
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
from gwr_common import (
    InputError,
    atomic_directory,
    atomic_path,
    csv_text,
    iter_token_files,
    read_csv,
    read_jsonl,
    setup_logging,
    write_json,
    write_text,
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
    for row in rows:
        row["region"] = regions.get(row["report_id"], "")
    unused = [row for row in rows if row["used"] == "no"]
    if not bows:
        raise InputError(
            f"no {settings['unit']} has {settings['min_doc_tokens']} or more tokens left after the "
            "dictionary filter (lda.no_below, lda.no_above): the corpus is too small for these "
            "settings. Lower lda.no_below or lda.min_doc_tokens, or raise lda.no_above."
        )
    with atomic_directory(snakemake.output.corpus) as staging:
        dictionary.save_as_text(str(staging / "dictionary.txt"))
        MmCorpus.serialize(str(staging / "corpus.mm"), bows)
        (staging / "texts.jsonl").write_text(
            "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8"
        )
    write_text(snakemake.output.documents, csv_text(DOCUMENT_COLUMNS, rows), "utf-8-sig")
    log.info(
        "%d %ss, %d used (%d left out: fewer than %d tokens after filtering); %d terms",
        len(rows),
        settings["unit"],
        len(bows),
        len(unused),
        settings["min_doc_tokens"],
        len(dictionary),
    )


def load_prepared(corpus_dir: str):
    from gensim.corpora import Dictionary, MmCorpus

    corpus_dir = Path(corpus_dir)
    dictionary = Dictionary.load_from_text(str(corpus_dir / "dictionary.txt"))
    corpus = MmCorpus(str(corpus_dir / "corpus.mm"))
    texts = read_jsonl(corpus_dir / "texts.jsonl")
    return dictionary, corpus, texts


# --- fit -----------------------------------------------------------------------------------------


def _prior(value):
    """alpha/eta from the config: a name ('auto', 'symmetric', 'asymmetric') or a number."""
    return value if isinstance(value, str) else float(value)


def train(corpus, dictionary, k: int, seed: int, settings: dict):
    from gensim.models import LdaModel

    return LdaModel(
        corpus=corpus,
        id2word=dictionary,
        num_topics=k,
        random_state=seed,
        passes=settings["passes"],
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


def coherence(model, texts, dictionary, corpus, topn: int) -> dict[str, float]:
    from gensim.models import CoherenceModel

    topics = topic_terms(model, topn)
    scores = {}
    for measure in ("c_v", "c_npmi", "u_mass"):
        scores[measure] = CoherenceModel(
            topics=topics,
            texts=texts if measure != "u_mass" else None,
            corpus=corpus if measure == "u_mass" else None,
            dictionary=dictionary,
            coherence=measure,
            topn=topn,
            processes=1,
        ).get_coherence()
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


def document_topics(model, corpus, chunksize: int) -> np.ndarray:
    """Full topic vectors (nothing cut at a minimum probability), in corpus order."""
    rows = []
    chunk = []
    for bow in corpus:
        chunk.append(bow)
        if len(chunk) == chunksize:
            rows.append(model.inference(chunk)[0])
            chunk = []
    if chunk:
        rows.append(model.inference(chunk)[0])
    gamma = np.vstack(rows)
    return gamma / gamma.sum(axis=1, keepdims=True)


def _round(value: float) -> float:
    return round(float(value), DECIMALS)


def fit_k(corpus, dictionary, texts, k: int, settings: dict, log=None) -> dict:
    """Fit one model per seed; return everything the outputs need."""
    documents = len(corpus)
    if k > documents:
        finer = (
            " or use a finer unit (lda.unit: paragraph)" if settings["unit"] != "paragraph" else ""
        )
        raise InputError(
            f"lda.k holds K={k}, more topics than the {documents} documents "
            f"(lda.unit: {settings['unit']}) can support. Remove {k} from lda.k{finer}."
        )
    token_texts = [t["tokens"] for t in texts]
    runs = []
    for seed in settings["seeds"]:
        model = train(corpus, dictionary, k, seed, settings)
        metrics = coherence(model, token_texts, dictionary, corpus, settings["coherence_topn"])
        metrics["perplexity"] = 2 ** (-model.log_perplexity(corpus))
        metrics["topic_diversity"] = topic_diversity(model, settings["diversity_topn"])
        runs.append({"seed": seed, "model": model, "metrics": metrics})
        if log:
            log.info("K=%d seed=%d %s", k, seed, {m: round(v, 4) for m, v in metrics.items()})
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
    names = list(runs[0]["metrics"])
    summary = {}
    for name in names:
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


def describe_topics(model, dictionary, corpus, settings: dict):
    """Rows of topics.csv and the topic labels."""
    topic_word = model.get_topics()
    counts = np.zeros(len(dictionary))
    for bow in corpus:
        for term_id, count in bow:
            counts[term_id] += count
    term_share = counts / counts.sum()
    relevance = relevance_ranking(topic_word, term_share, settings["relevance_lambda"])
    topn = settings["top_terms"]
    rows, labels = [], []
    for topic in range(model.num_topics):
        ranked = sorted(range(len(dictionary)), key=lambda w: (-topic_word[topic, w], w))
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


def report_shares(theta: np.ndarray, documents: list[dict], regions: dict[str, str]):
    """Region x topic shares: documents' vectors weighted by their kept tokens; rows sum to 1."""
    weights: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(theta.shape[1]))
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


def main_fit(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "lda_fit")
    settings = dict(snakemake.params.settings)
    k = int(snakemake.wildcards.k)
    dictionary, corpus, texts = load_prepared(snakemake.input.corpus)
    documents = [row for row in read_csv(snakemake.input.documents) if row["used"] == "yes"]
    regions = {r["report_id"]: r["region"] for r in read_csv(snakemake.input.reports)}
    result = fit_k(corpus, dictionary, texts, k, settings, log)
    kept = result["runs"][result["kept"]]
    model = kept["model"]
    theta = document_topics(model, corpus, settings["chunksize"])
    topic_rows, labels = describe_topics(model, dictionary, corpus, settings)
    columns = [f"topic_{t + 1}" for t in range(k)]
    doc_rows = [
        {
            "doc": document["doc"],
            "report_id": document["report_id"],
            "part": document["part"],
            "unit": document["unit"],
            "kept_tokens": document["kept_tokens"],
            **{c: f"{v:.{DECIMALS}f}" for c, v in zip(columns, vector, strict=True)},
        }
        for document, vector in zip(documents, theta, strict=True)
    ]
    with atomic_directory(snakemake.output.model) as staging:
        model.save(str(staging / "lda.gensim"))
    write_text(snakemake.output.topics, csv_text(TOPIC_COLUMNS, topic_rows), "utf-8-sig")
    write_text(
        snakemake.output.doc_topics,
        csv_text(["doc", "report_id", "part", "unit", "kept_tokens", *columns], doc_rows),
        "utf-8-sig",
    )
    write_text(
        snakemake.output.report_topics,
        csv_text(["report_id", "region", *columns], report_shares(theta, documents, regions)),
        "utf-8-sig",
    )
    write_json(
        snakemake.output.metrics,
        {
            "k": k,
            "unit": settings["unit"],
            "documents": len(documents),
            "terms": len(dictionary),
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
        },
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


def main_choose(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "lda_choose")
    settings = dict(snakemake.params.settings)
    metrics = [json.loads(Path(p).read_text("utf-8")) for p in snakemake.input.metrics]
    chosen, reason = choose_k(metrics, settings)
    rows = selection_rows(metrics, chosen)
    write_text(snakemake.output.selection, csv_text(list(rows[0]), rows), "utf-8-sig")
    source = Path(snakemake.input.metrics[[m["k"] for m in metrics].index(chosen)]).parent
    for name in ("topics", "doc_topics", "report_topics"):
        copy_file(source / f"{name}.csv", getattr(snakemake.output, name))
    copy_file(source / "metrics.json", snakemake.output.metrics)
    with atomic_directory(snakemake.output.model) as staging:
        shutil.copytree(source / "model", staging, dirs_exist_ok=True)
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
    {"lda_prepare": main_prepare, "lda_fit": main_fit, "lda_choose": main_choose}[snakemake.rule](
        snakemake
    )


if __name__ == "__main__" and "snakemake" in globals():
    main(snakemake)  # noqa: F821
