"""Rule lda_choose: the number of topics K, by a documented rule over the sweep's metrics (see
`choose_k`) or as configured (lda.k_choice), and the chosen model's topics of every document
and report (results/lda/model_selection.csv, chosen.json, chosen/).

The chosen K's topics.csv, metrics.json and model are copied to results/lda/chosen/; the model
is applied to every used document (corpus.mm, streamed, chunk by chunk, in worker processes
that each load the model from its folder), giving doc_topics.csv, and the documents' vectors
weighted by their tokens give each report's topic shares (report_topics.csv).
"""

import json
import math
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
from gwr.io import (
    InputError,
    atomic_directory,
    atomic_path,
    read_csv,
    setup_logging,
    write_csv,
    write_json,
)
from gwr.lda import DECIMALS, corpus_stream, single_threaded, worker_pool

SELECTION_METRICS = ["c_npmi", "c_v", "u_mass", "perplexity", "topic_diversity"]
# Columns of doc_topics.csv before the topics (copied from documents.csv).
DOCUMENT_COLUMNS = ["doc", "report_id", "label", "part", "unit", "index", "section", "kept_tokens"]
MODEL_FILE = "lda.gensim"
# A worker process takes about 2 s to start (a fresh interpreter that imports gensim and loads
# the model), a chunk of 2,000 documents about 0.15 s: workers are worth it only for many chunks
# (on the 31 provinces' 2 chunks, 2 workers took 2.3 s, one process 0.3 s).
MIN_CHUNKS_PER_WORKER = 16


# --- the number of topics ------------------------------------------------------------------------


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


def chosen_record(chosen: int, reason: str, metrics: list[dict]) -> dict:
    """chosen.json."""
    chosen_metrics = next(m for m in metrics if m["k"] == chosen)
    return {
        "k": chosen,
        "reason": reason,
        "kept_seed": chosen_metrics["kept_seed"],
        "kept_because": chosen_metrics["kept_because"],
        "stability": chosen_metrics["stability"],
        "labels": chosen_metrics["labels"],
        "metrics": chosen_metrics["summary"],
    }


def copy_file(source: Path, target: str) -> None:
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)


# --- the topics of every document ----------------------------------------------------------------


def load_model(model_dir):
    from gensim.models import LdaModel

    return LdaModel.load(str(Path(model_dir) / MODEL_FILE))


def document_topics(
    model_dir, corpus, chunksize: int, processes: int = 1, min_chunks=MIN_CHUNKS_PER_WORKER
):
    """Full topic vectors (nothing cut at a minimum probability) of the model saved in
    `model_dir`, chunk by chunk, in corpus order (the corpus is streamed: a large one is never
    held in memory); in up to `processes` worker processes, each given at least `min_chunks`
    chunks (fewer: in this process).

    gensim starts each chunk's inference from a random draw of the model's generator; each
    chunk goes out with the generator's state at its turn, so worker processes give exactly the
    vectors of one process working through the chunks in order.
    """
    model = load_model(model_dir)
    tasks = _inference_tasks(model, corpus, chunksize)
    workers = min(processes, math.ceil(len(corpus) / chunksize) // min_chunks)
    if workers <= 1:
        for chunk, state in tasks:
            yield from infer(model, chunk, state)
        return
    with worker_pool(workers, start_worker, (str(model_dir),)) as pool:
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


def infer(model, chunk, state) -> np.ndarray:
    """The normalised topic vectors of `chunk`, inference starting from generator `state`."""
    model.random_state.set_state(state)
    gamma = single_threaded(lambda: model.inference(chunk)[0])
    return gamma / gamma.sum(axis=1, keepdims=True)


# A worker's model, set in the worker by its pool's initializer (`start_worker`).
_WORKER: dict = {}


def start_worker(model_dir: str) -> None:
    _WORKER["model"] = load_model(model_dir)


def _infer_task(task) -> np.ndarray:
    chunk, state = task
    return infer(_WORKER["model"], chunk, state)


def report_shares(theta, documents: list[dict], labels: dict[str, str], k: int):
    """Report x topic shares: documents' vectors weighted by their kept tokens; rows sum to 1."""
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
                "label": labels.get(report_id, ""),
                **{f"topic_{t + 1}": f"{s:.{DECIMALS}f}" for t, s in enumerate(shares)},
            }
        )
    return rows


def chosen_document_topics(
    model_dir, corpus_dir, documents_csv, reports_csv, k: int, chunksize, processes: int = 1
):
    """(topic columns, doc_topics rows, report_topics rows) of the chosen model over every used
    document."""
    documents = [row for row in read_csv(documents_csv) if row["used"] == "yes"]
    labels = {r["report_id"]: r["label"] for r in read_csv(reports_csv)}
    theta = np.vstack(
        list(document_topics(model_dir, corpus_stream(corpus_dir), chunksize, processes))
    )
    columns = [f"topic_{t + 1}" for t in range(k)]
    doc_rows = (
        {
            **{c: document[c] for c in DOCUMENT_COLUMNS},
            **{c: f"{v:.{DECIMALS}f}" for c, v in zip(columns, vector, strict=True)},
        }
        for document, vector in zip(documents, theta, strict=True)
    )
    return columns, doc_rows, report_shares(theta, documents, labels, k)


def main(snakemake) -> None:
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
    write_csv(snakemake.output.doc_topics, [*DOCUMENT_COLUMNS, *columns], doc_rows)
    write_csv(snakemake.output.report_topics, ["report_id", "label", *columns], report_rows)
    write_json(snakemake.output.chosen_json, chosen_record(chosen, reason, metrics))
    log.info("chosen K=%d: %s", chosen, reason)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/lda_choose.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("lda_choose")
    main(snakemake)  # noqa: F821
