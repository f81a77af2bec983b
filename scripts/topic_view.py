"""Rule topic_view: the interactive topic view, results/lda/topic_view.html, beside the report
page. One self-contained file (its script, style and data inline; nothing from the network, a
Content-Security-Policy forbids it), made for a reader to check the chosen model's topics:

- a map of the topics (LDAvis' "intertopic distance map"): principal coordinates (classical
  multidimensional scaling) of the Jensen–Shannon distances between the topics' word
  distributions, each topic a circle whose area is its share of the corpus (see `topic_sizes`);
- a λ slider that re-ranks the words of the topic shown by LDAvis relevance, λ log p(w|t) +
  (1-λ) log(p(w|t)/p(w)), among its lda.relevance_pool most probable words (as lda_choose ranks
  them for topics.csv: at lda.relevance_lambda, with the words shared by many topics last, the
  view lists exactly the relevance ranking of topics.csv); each word as two bars, its tokens in
  the topic and in the whole corpus;
- for the topic clicked, its most representative paragraphs (examples.csv) and its share in
  each report with the bootstrap interval (report_topic_shares.csv).

How it is made: plain functions here compute the view's data (tests call them); `render` passes
it to the Jinja2 template of workflow/report/topic_view/ with auto-escaping on, the data as JSON
in a <script type="application/json"> element (every `<` escaped, so no text of a report can
close it), read by topic_view.js, which draws everything with textContent and SVG attributes
(no markup from the data). The numbers are rounded to gwr.lda.DECIMALS and the JSON's keys are
sorted, so the same inputs give the same bytes.
"""

import hashlib
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
from gwr.io import InputError, read_csv, setup_logging, write_text
from gwr.lda import (
    DECIMALS,
    corpus_stream,
    load_dictionary,
    load_model,
    shared_terms,
    term_shares,
)
from gwr.shares import row_blocks

TEMPLATE = "topic_view.html.j2"
SCRIPT = "topic_view.js"
STYLE = "topic_view.css"
# Where the templates are when a test imports this module; the rule passes them as inputs (an
# edit reruns the view) and main() reads them there.
TEMPLATES = Path(__file__).resolve().parents[1] / "workflow" / "report" / "topic_view"
# The map's dimensions: two principal coordinates.
MAP_DIMENSIONS = 2


# --- the topics' words ---------------------------------------------------------------------------


def relevance(log_phi: float, log_share: float | None, lam: float) -> float:
    """LDAvis relevance of a word in a topic, λ log p(w|t) + (1-λ) log(p(w|t)/p(w)), from the
    view's numbers, computed as topic_view.js computes it (the same operations in the same
    order, so the same doubles); a word no modelled document holds (p(w) = 0, `log_share`
    None) ranks last."""
    if log_share is None:
        return -math.inf
    return lam * log_phi + (1 - lam) * (log_phi - log_share)


def rank_pool(pool: list, terms: list, lam: float, shared_last: bool = True) -> list[str]:
    """A topic's pool words (the view's `pool`: [term index, log p(w|t)] pairs; `terms`: [term
    id, term, log p(w), shared] rows) ranked by relevance at `lam`, the shared words last when
    `shared_last`, ties by term id: the ranking topic_view.js shows, and, at
    lda.relevance_lambda with the shared words last, that of topics.csv (lda_choose)."""

    def key(entry):
        index, log_phi = entry
        term_id, _, log_share, shared = terms[index]
        return (bool(shared) and shared_last, -relevance(log_phi, log_share, lam), term_id)

    return [terms[index][1] for index, _ in sorted(pool, key=key)]


# --- the map -------------------------------------------------------------------------------------


def jensen_shannon_distances(distributions: np.ndarray) -> np.ndarray:
    """K x K Jensen–Shannon distances (the square root of the divergence, logarithms base 2:
    a metric between 0 and 1) between the rows of `distributions` (scipy's, as the similarity
    step measures reports)."""
    from scipy.spatial.distance import jensenshannon

    p = np.asarray(distributions, dtype=float)
    p = p / p.sum(axis=1, keepdims=True)
    k, terms = p.shape
    distances = np.zeros((k, k))
    for rows in row_blocks(k, k * terms):  # K × K × terms at once could be gigabytes
        distances[rows] = jensenshannon(p[rows, None, :], p[None, :, :], axis=-1, base=2)
    distances = np.nan_to_num(distances)
    np.fill_diagonal(distances, 0.0)
    return np.maximum(distances, distances.T)


def principal_coordinates(distances: np.ndarray, dims: int = MAP_DIMENSIONS):
    """Classical multidimensional scaling: (K x `dims` coordinates whose Euclidean distances
    approximate `distances`, the share of the distances' variance the `dims` axes keep).

    B = -½ J D² J (J centres), its largest eigenvalues and their eigenvectors; axes with no
    positive eigenvalue are 0. Each axis's sign is fixed (its first nonzero coordinate
    positive), so that the map does not flip between runs or machines."""
    d = np.asarray(distances, dtype=float)
    k = len(d)
    coordinates = np.zeros((k, dims))
    if k < 2:
        return coordinates, 1.0
    centring = np.eye(k) - np.ones((k, k)) / k
    b = -0.5 * centring @ (d**2) @ centring
    values, vectors = np.linalg.eigh((b + b.T) / 2)
    order = np.argsort(-values, kind="stable")
    values, vectors = values[order], vectors[:, order]
    positive = values[values > 1e-12]
    for axis in range(min(dims, len(positive))):
        column = vectors[:, axis] * math.sqrt(values[axis])
        nonzero = np.flatnonzero(np.abs(column) > 1e-9)
        if len(nonzero) and column[nonzero[0]] < 0:
            column = -column
        coordinates[:, axis] = column
    kept = positive[:dims].sum() / positive.sum() if len(positive) else 1.0
    return coordinates, float(kept)


def topic_sizes(share_rows: list[dict], reports: list[dict], k: int) -> np.ndarray:
    """Each topic's share of the corpus: its share of each report (report_topic_shares.csv: the
    report's documents' topic vectors weighted by their tokens), the reports weighted by their
    length in characters (reports.csv), so that a long report counts for more, as its tokens
    do. The sizes sum to 1."""
    length = {r["report_id"]: float(r["characters"]) for r in reports}
    total = np.zeros(k)
    for row in share_rows:
        total[int(row["topic"]) - 1] += float(row["share"]) * length[row["report_id"]]
    if total.sum() <= 0:
        raise InputError("report_topic_shares.csv gives no topic any share: rerun lda_shares.")
    return total / total.sum()


# --- checks of the inputs ------------------------------------------------------------------------


def check_inputs(k: int, labels, model, dictionary, topic_rows, share_rows, example_rows, reports):
    """One clear line (InputError) if the inputs do not belong together."""
    if model.num_topics != k or len(labels) != k:
        raise InputError(
            f"chosen.json says K={k} with {len(labels)} labels, but the chosen model has "
            f"{model.num_topics} topics: rerun lda_choose."
        )
    if model.num_terms != len(dictionary):
        raise InputError(
            f"the chosen model knows {model.num_terms} terms, results/lda/corpus/dictionary.txt "
            f"{len(dictionary)}: the model is not of this corpus; rerun lda_sweep and lda_choose."
        )
    numbers = set(range(1, k + 1))
    for name, rows in (
        ("topics.csv", topic_rows),
        ("report_topic_shares.csv", share_rows),
        ("examples.csv", example_rows),
    ):
        found = {int(row["topic"]) for row in rows}
        if not found <= numbers or (name != "examples.csv" and found != numbers):
            raise InputError(
                f"{name} has topics {sorted(found)}, the chosen model 1..{k}: rerun lda_choose "
                "and lda_shares."
            )
        named = {(int(row["topic"]), row["topic_label"]) for row in rows}
        wrong = sorted(t for t, label in named if label != labels[t - 1])
        if wrong:
            raise InputError(
                f"{name} names topic {wrong[0]} otherwise than chosen.json "
                f"({labels[wrong[0] - 1]!r}): rerun lda_shares."
            )
    known = {r["report_id"] for r in reports}
    unknown = sorted({row["report_id"] for row in share_rows} - known)
    if unknown:
        raise InputError(
            f"report_topic_shares.csv has report {unknown[0]!r}, which reports.csv does not "
            "list: rerun lda_shares."
        )
    counts: dict[str, int] = defaultdict(int)
    for row in share_rows:
        counts[row["report_id"]] += 1
    short = sorted(rid for rid, n in counts.items() if n != k)
    if short:
        raise InputError(
            f"report_topic_shares.csv gives report {short[0]!r} {counts[short[0]]} topic "
            f"shares, not {k}: rerun lda_shares."
        )


def check_topics_csv(topic_rows: list[dict], topic_word: np.ndarray, dictionary) -> set[str]:
    """The words topics.csv flags as shared, after checking that its weight ranking is the
    model's (the same first words): a topics.csv of another model is an error."""
    for row in topic_rows:
        if row["ranking"] != "weight":
            continue
        topic, rank = int(row["topic"]) - 1, int(row["rank"])
        weights = topic_word[topic]
        ranked = np.lexsort((np.arange(len(weights)), -weights))
        expected = dictionary[int(ranked[rank - 1])]
        if row["term"] != expected:
            raise InputError(
                f"topics.csv has {row['term']!r} at rank {rank} of topic {topic + 1}, the chosen "
                f"model {expected!r}: topics.csv is not of this model; rerun lda_choose."
            )
    return {row["term"] for row in topic_rows if row["shared"] == "yes"}


# --- the view's data -----------------------------------------------------------------------------


def number(value: float) -> float:
    """A number of the view: rounded to DECIMALS, never -0.0."""
    value = round(float(value), DECIMALS)
    return value if value != 0 else 0.0


def pool_ids(weights: np.ndarray, size: int) -> list[int]:
    """The `size` most probable terms of a topic, by weight then term id (lda_choose's order)."""
    ranked = np.lexsort((np.arange(len(weights)), -weights))
    return [int(w) for w in ranked[:size]]


def view_data(
    model, dictionary, term_share, chosen, topic_rows, share_rows, example_rows, reports, settings
) -> dict:
    """Everything the view shows, as JSON-ready data (numbers rounded)."""
    k, labels = int(chosen["k"]), list(chosen["labels"])
    check_inputs(k, labels, model, dictionary, topic_rows, share_rows, example_rows, reports)
    topic_word = model.get_topics()
    shared = check_topics_csv(topic_rows, topic_word, dictionary)
    expected = {
        dictionary[w]
        for w in shared_terms(topic_word, settings["top_terms"], settings["shared_topics"])
    }
    if shared != expected:
        raise InputError(
            "topics.csv flags other words as shared than lda.top_terms and lda.shared_topics "
            f"give for the chosen model ({sorted(shared ^ expected)[:3]} …): rerun lda_choose."
        )
    size = max(settings["top_terms"], settings["relevance_pool"])
    pools = [pool_ids(topic_word[t], size) for t in range(k)]
    term_ids = sorted({w for pool in pools for w in pool})
    index = {w: i for i, w in enumerate(term_ids)}
    terms = [
        [
            w,
            dictionary[w],
            number(math.log(term_share[w])) if term_share[w] > 0 else None,
            1 if dictionary[w] in shared else 0,
        ]
        for w in term_ids
    ]
    coordinates, kept = principal_coordinates(jensen_shannon_distances(topic_word))
    sizes = topic_sizes(share_rows, reports, k)
    in_shares = {row["report_id"] for row in share_rows}
    shown = [r for r in reports if r["report_id"] in in_shares]
    share = {(row["report_id"], int(row["topic"])): row for row in share_rows}
    examples: dict[int, list] = defaultdict(list)
    for row in sorted(example_rows, key=lambda r: (int(r["topic"]), int(r["rank"]))):
        examples[int(row["topic"])].append(
            {
                "label": row["label"],
                "section": row["section"],
                "share": number(row["share"]),
                "text": row["text"],
            }
        )
    topics = []
    for t in range(k):
        rows = [share[(r["report_id"], t + 1)] for r in shown]
        topics.append(
            {
                "topic": t + 1,
                "label": labels[t],
                "size": number(sizes[t]),
                "x": number(coordinates[t, 0]),
                "y": number(coordinates[t, 1]),
                "pool": [[index[w], number(math.log(topic_word[t, w]))] for w in pools[t]],
                "examples": examples[t + 1],
                "shares": [
                    [number(r["share"]), number(r["ci_low"]), number(r["ci_high"])] for r in rows
                ],
            }
        )
    return {
        "k": k,
        "lambda": number(settings["relevance_lambda"]),
        "top_terms": int(settings["top_terms"]),
        "relevance_pool": int(settings["relevance_pool"]),
        "map_kept": number(kept),
        "reason_zh": chosen.get("reason_zh", ""),
        "reason_en": chosen.get("reason_en", ""),
        "reports": [r["label"] or r["report_id"] for r in shown],
        "terms": terms,
        "topics": topics,
    }


# --- the page ------------------------------------------------------------------------------------


def data_json(data: dict) -> str:
    """The data as JSON for a <script type="application/json"> element: keys sorted, and every
    `<`, `>` and `&` escaped, so that no string of the reports can end the element (`</script>`)
    or open a comment in it; JSON.parse reads the escapes back."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char in "<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def source_hash(text: str) -> str:
    """A CSP source for an inline element's text: 'sha256-…'."""
    import base64

    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render(data: dict, templates: str | Path = TEMPLATES) -> str:
    """The view: `data` (see `view_data`) with the template, its script and style inline; the
    Content-Security-Policy allows exactly that script and that style, nothing else."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    templates = Path(templates)
    script = (templates / SCRIPT).read_text("utf-8")
    style = (templates / STYLE).read_text("utf-8")
    for name, text, tag in ((SCRIPT, script, "</script"), (STYLE, style, "</style")):
        if tag in text.lower():
            raise InputError(f"{templates / name} holds {tag!r}, which would end its element.")
    environment = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template(TEMPLATE).render(
        view=data,
        data_json=Markup(data_json(data)),
        script=Markup(script),
        style=Markup(style),
        script_hash=Markup(source_hash(script)),
        style_hash=Markup(source_hash(style)),
    )


def load_view_data(inputs: dict, settings: dict) -> dict:
    """`view_data` from the rule's input files."""
    corpus_dir = Path(inputs["corpus"])
    dictionary = load_dictionary(corpus_dir)
    share = term_shares(corpus_stream(corpus_dir), len(dictionary))
    model = load_model(inputs["model"])
    chosen = json.loads(Path(inputs["chosen"]).read_text("utf-8"))
    return view_data(
        model,
        dictionary,
        share,
        chosen,
        read_csv(inputs["topics"]),
        read_csv(inputs["shares"]),
        read_csv(inputs["examples"]),
        read_csv(inputs["reports"]),
        settings,
    )


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "topic_view")
    settings = dict(snakemake.params.settings)
    data = load_view_data(dict(snakemake.input.items()), settings)
    page = render(data, Path(snakemake.input.templates[0]).parent)
    write_text(snakemake.output.html, page)
    log.info(
        "topic view: %d topics, %d words, map keeps %.0f%% of the distances, %d bytes",
        data["k"],
        len(data["terms"]),
        100 * data["map_kept"],
        len(page.encode("utf-8")),
    )


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/topic_view.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("topic_view")
    main(snakemake)  # noqa: F821
