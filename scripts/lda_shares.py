"""Rule lda_shares: the chosen model applied to every used document (results/lda/chosen/):
each document's topics (doc_topics.csv), each report's topic shares (the wide report_topics.csv
for the similarity step, and the long report_topic_shares.csv with 95% bootstrap intervals),
each topic's most representative paragraphs (examples.csv), and the check that a report's two
halves find each other by their topics (checks.csv).

The model is applied chunk by chunk (corpus.mm, streamed), in worker processes that each load
the model from its folder when the corpus has many chunks.
"""

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
from gwr.io import read_csv, read_jsonl, setup_logging, write_csv
from gwr.lda import DECIMALS, corpus_stream, load_model, single_threaded, worker_pool
from gwr.lda_inference import infer as infer_gamma
from gwr.shares import bootstrap_interval, nearest_by_jsd, report_seed, weighted_shares

# Columns of doc_topics.csv before the topics (copied from documents.csv).
DOCUMENT_COLUMNS = ["doc", "report_id", "label", "part", "unit", "index", "section", "kept_tokens"]
SHARE_COLUMNS = ["report_id", "label", "topic", "topic_label", "share", "ci_low", "ci_high"]
EXAMPLE_COLUMNS = [
    "topic",
    "topic_label",
    "rank",
    "report_id",
    "label",
    "index",
    "section",
    "share",
    "text",
]
CHECK_COLUMNS = ["check", "value", "of", "share", "misses"]
# A worker process takes about 2 s to start (a fresh interpreter that imports gensim and loads
# the model), a chunk of 2,000 documents about 0.15 s: workers are worth it only for many chunks
# (on the 31 provinces' 2 chunks, 2 workers took 2.3 s, one process 0.3 s).
MIN_CHUNKS_PER_WORKER = 16
ELLIPSIS = "…"


# --- the topics of every document ----------------------------------------------------------------


def document_topics(
    model_dir,
    corpus,
    chunksize: int,
    inference: str,
    processes: int = 1,
    min_chunks=MIN_CHUNKS_PER_WORKER,
):
    """Full topic vectors (nothing cut at a minimum probability) of the model saved in
    `model_dir`, chunk by chunk, in corpus order (the corpus is streamed: a large one is never
    held in memory); in up to `processes` worker processes, each given at least `min_chunks`
    chunks (fewer: in this process); the E-step by `inference` (lda.inference).

    gensim starts each chunk's inference from a random draw of the model's generator; each
    chunk goes out with the generator's state at its turn, so worker processes give exactly the
    vectors of one process working through the chunks in order.
    """
    model = load_model(model_dir)
    tasks = _inference_tasks(model, corpus, chunksize)
    workers = min(processes, math.ceil(len(corpus) / chunksize) // min_chunks)
    if workers <= 1:
        for chunk, state in tasks:
            yield from infer(model, chunk, state, inference)
        return
    with worker_pool(workers, start_worker, (str(model_dir), inference)) as pool:
        for rows in pool.imap(_infer_task, tasks):
            yield from rows


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


def infer(model, chunk, state, inference: str) -> np.ndarray:
    """The normalised topic vectors of `chunk`, inference starting from generator `state`."""
    model.random_state.set_state(state)
    gamma = single_threaded(infer_gamma, model, chunk, inference)
    return gamma / gamma.sum(axis=1, keepdims=True)


# A worker's model, set in the worker by its pool's initializer (`start_worker`).
_WORKER: dict = {}


def start_worker(model_dir: str, inference: str) -> None:
    _WORKER["model"] = load_model(model_dir)
    _WORKER["inference"] = inference


def _infer_task(task) -> np.ndarray:
    chunk, state = task
    return infer(_WORKER["model"], chunk, state, _WORKER["inference"])


def report_weights(theta: np.ndarray, documents: list[dict]) -> dict[str, tuple]:
    """Each report's documents: (their topic vectors, their kept tokens), reports sorted."""
    rows: dict[str, list[int]] = defaultdict(list)
    for number, document in enumerate(documents):
        rows[document["report_id"]].append(number)
    weights = np.array([int(d["kept_tokens"]) for d in documents], dtype=float)
    return {rid: (theta[rows[rid]], weights[rows[rid]]) for rid in sorted(rows)}


def share_tables(theta, documents, labels, topic_labels, settings: dict):
    """(rows of report_topics.csv, rows of report_topic_shares.csv)."""
    wide, long = [], []
    for report_id, (vectors, weights) in report_weights(theta, documents).items():
        shares = weighted_shares(vectors, weights)
        low, high = bootstrap_interval(
            vectors,
            weights,
            settings["bootstrap"],
            settings["interval"],
            report_seed(settings["bootstrap_seed"], report_id),
        )
        label = labels.get(report_id, "")
        wide.append(
            {
                "report_id": report_id,
                "label": label,
                **{f"topic_{t + 1}": f"{s:.{DECIMALS}f}" for t, s in enumerate(shares)},
            }
        )
        for t, share in enumerate(shares):
            long.append(
                {
                    "report_id": report_id,
                    "label": label,
                    "topic": t + 1,
                    "topic_label": topic_labels[t],
                    "share": f"{share:.{DECIMALS}f}",
                    "ci_low": f"{low[t]:.{DECIMALS}f}",
                    "ci_high": f"{high[t]:.{DECIMALS}f}",
                }
            )
    return wide, long


# --- examples ------------------------------------------------------------------------------------


def document_text(document: dict, paragraphs: list[dict], max_chars: int) -> str:
    """The text of a document: its paragraph, or its section's or report's body paragraphs
    joined, cut at `max_chars` characters (… marks the cut)."""
    if document["unit"] == "paragraph":
        parts = [paragraphs[int(document["index"])]["text"]]
    else:
        section = document["section"]
        parts = [
            p["text"]
            for p in paragraphs
            if not p["heading"]
            and (document["unit"] == "report" or " / ".join(p["section"]) == section)
        ]
    text = "".join(parts)
    return text if len(text) <= max_chars else text[:max_chars] + ELLIPSIS


def example_rows(theta, documents, labels, topic_labels, text_dir, settings: dict):
    """Each topic's lda.examples most representative documents: the highest share of the topic
    among documents of at least lda.example_min_tokens kept tokens, at most
    lda.examples_per_report of them from one report."""
    eligible = [
        n
        for n, d in enumerate(documents)
        if int(d["kept_tokens"]) >= settings["example_min_tokens"]
    ]
    chosen: dict[int, list[int]] = {}
    for topic in range(theta.shape[1]):
        ranked = sorted(eligible, key=lambda n: (-theta[n, topic], n))
        per_report: dict[str, int] = defaultdict(int)
        picked = []
        for n in ranked:
            report_id = documents[n]["report_id"]
            if per_report[report_id] < settings["examples_per_report"]:
                per_report[report_id] += 1
                picked.append(n)
            if len(picked) == settings["examples"]:
                break
        chosen[topic] = picked
    needed = {documents[n]["report_id"] for picked in chosen.values() for n in picked}
    texts = {rid: read_jsonl(Path(text_dir) / f"{rid}.jsonl") for rid in sorted(needed)}
    rows = []
    for topic, picked in chosen.items():
        for rank, n in enumerate(picked, start=1):
            document = documents[n]
            report_id = document["report_id"]
            rows.append(
                {
                    "topic": topic + 1,
                    "topic_label": topic_labels[topic],
                    "rank": rank,
                    "report_id": report_id,
                    "label": labels.get(report_id, ""),
                    "index": document["index"],
                    "section": document["section"],
                    "share": f"{theta[n, topic]:.{DECIMALS}f}",
                    "text": document_text(document, texts[report_id], settings["example_chars"]),
                }
            )
    return rows


# --- do a report's halves find each other? -------------------------------------------------------


def halves_check(theta, documents, labels) -> dict:
    """Each report cut into two halves, its odd and its even documents: is each half's nearest
    half by topic shares (Jensen–Shannon distance, token-weighted shares) its own twin? A topic
    profile that tells reports apart finds the twin; one that does not, finds another report."""
    halves, owners = [], []
    for report_id, (vectors, weights) in report_weights(theta, documents).items():
        if len(weights) < 2 or not weights[0::2].sum() or not weights[1::2].sum():
            continue
        for parity in (0, 1):
            halves.append(weighted_shares(vectors[parity::2], weights[parity::2]))
            owners.append(report_id)
    if len(set(owners)) < 2:
        return {"check": "halves", "value": "", "of": 0, "share": "", "misses": ""}
    nearest = nearest_by_jsd(np.array(halves))
    hits = [owners[i] == owners[j] for i, j in enumerate(nearest)]
    misses = [
        f"{labels.get(owners[i], owners[i])}→{labels.get(owners[j], owners[j])}"
        for i, j in enumerate(nearest)
        if owners[i] != owners[j]
    ]
    return {
        "check": "halves: a half report's nearest half by topic shares (JSD) is its twin",
        "value": sum(hits),
        "of": len(hits),
        "share": f"{sum(hits) / len(hits):.4f}",
        "misses": "、".join(misses),
    }


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "lda_shares")
    settings = dict(snakemake.params.settings)
    chosen = json.loads(Path(snakemake.input.chosen).read_text("utf-8"))
    topic_labels = chosen["labels"]
    documents = [row for row in read_csv(snakemake.input.documents) if row["used"] == "yes"]
    labels = {r["report_id"]: r["label"] for r in read_csv(snakemake.input.reports)}
    theta = np.vstack(
        list(
            document_topics(
                snakemake.input.model,
                corpus_stream(snakemake.input.corpus),
                settings["chunksize"],
                settings["inference"],
                snakemake.threads,
            )
        )
    )
    # Everything below is computed from the vectors as doc_topics.csv holds them: differences in
    # the last bits of a float (the order of a sum) must not move a nearest half or an interval.
    theta = np.round(theta, DECIMALS)
    columns = [f"topic_{t + 1}" for t in range(theta.shape[1])]
    doc_rows = (
        {
            **{c: document[c] for c in DOCUMENT_COLUMNS},
            **{c: f"{v:.{DECIMALS}f}" for c, v in zip(columns, vector, strict=True)},
        }
        for document, vector in zip(documents, theta, strict=True)
    )
    write_csv(snakemake.output.doc_topics, [*DOCUMENT_COLUMNS, *columns], doc_rows)
    wide, long = share_tables(theta, documents, labels, topic_labels, settings)
    write_csv(snakemake.output.report_topics, ["report_id", "label", *columns], wide)
    write_csv(snakemake.output.report_topic_shares, SHARE_COLUMNS, long)
    examples = example_rows(theta, documents, labels, topic_labels, snakemake.input.text, settings)
    write_csv(snakemake.output.examples, EXAMPLE_COLUMNS, examples)
    check = halves_check(theta, documents, labels)
    write_csv(snakemake.output.checks, CHECK_COLUMNS, [check])
    log.info(
        "%d documents, %d reports; %s: %s of %s",
        len(documents),
        len(wide),
        *[check[c] for c in ("check", "value", "of")],
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/lda_shares.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("lda_shares")
    main(snakemake)  # noqa: F821
