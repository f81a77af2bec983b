"""The data behind several figures: result tables read for them, the regions a figure names,
and the clustering orders of regions.

Names are the ones the tables carry: a report's display label is the `label` of
results/corpus/reports.csv (computed once at the split), joined by `report_id`, never rebuilt; the
similarity matrices are labelled with it already. Topic labels are `topic_label`.

Scale (thousands of regions): a figure names regions one by one (a panel, a bar, a label, a leaf)
for at most `figures.max_regions` of them. Small multiples (top terms, word clouds) and the
corpus bars show a selection (`select_regions`): the regions of `figures.regions` if set, else the
first by report id; their title says which (`selection_note`). Tables are read a row at a time
where they are large (similarity matrices), so that 3,000 regions take seconds and a few hundred
MB, not hours and gigabytes.
"""

import csv
import json
import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from gwr.io import CSV_ENCODING, read_csv
from gwr.names import HIGHER_IS_CLOSER

LOG = logging.getLogger(__name__)


# --- Reports and the regions a figure names -----------------------------------------------------


def labels_by_id(reports: Sequence[Mapping]) -> dict[str, str]:
    """{report id: display label} of reports.csv's rows."""
    return {row["report_id"]: row["label"] for row in reports}


def region_keys(reports: Sequence[Mapping]) -> dict[str, tuple[str, str, str]]:
    """{display label: (label, region name, report id)} of reports.csv's rows: the names by
    which `figures.regions` may name a report."""
    return {row["label"]: (row["label"], row["region"], row["report_id"]) for row in reports}


def select_regions(
    keys: Sequence[tuple[str, str, str]], named: Sequence[str], max_regions: int
) -> list[int]:
    """Which regions a figure shows one by one: positions in `keys` (label, region name, report
    id of each region, in the figure's order), in that order, at most `max_regions`.

    The regions `named` (by label, region name — every report of that region — or report id);
    none named: the first `max_regions` by report id. A name that matches nothing is an error.
    """
    if named:
        unknown = [name for name in named if not any(name in key for key in keys)]
        if unknown:
            examples = "、".join(key[0] for key in keys[:3])
            raise ValueError(
                f"figures.regions: {'、'.join(unknown)} matches no report; name regions as the "
                f"figures and similarity tables do ({examples} …) or by report id "
                f"({keys[0][2] if keys else 'none'} …)"
            )
        wanted = set(named)
        return [index for index, key in enumerate(keys) if wanted & set(key)][:max_regions]
    first = sorted(range(len(keys)), key=lambda index: keys[index][2])[:max_regions]
    return sorted(first)


def shown_regions(
    keys: Sequence[tuple[str, str, str]],
    named: Sequence[str],
    max_regions: int,
    what: str,
    log: logging.Logger = LOG,
) -> list[int]:
    """`select_regions`, with what it left out logged."""
    chosen = select_regions(keys, named, max_regions)
    if len(chosen) < len(keys):
        log.info(
            "%s: %d of %d regions shown (%s)",
            what,
            len(chosen),
            len(keys),
            "figures.regions" if named else "the first by report id",
        )
    if named and len(chosen) == max_regions:
        matched = sum(bool(set(named) & set(key)) for key in keys)
        if matched > len(chosen):
            log.warning(
                "figures.regions names %d reports; figures show the first %d (figures.max_regions)",
                matched,
                len(chosen),
            )
    return chosen


def selection_note(shown: int, total: int, named: bool, table: str) -> str:
    """The title line of a figure that shows `shown` of `total` regions ("" if it shows all)."""
    if shown >= total:
        return ""
    chinese, english = (
        ("按 figures.regions 所选", "chosen in figures.regions")
        if named
        else (f"按报告 id 顺序取前 {shown} 个", "the first by report id")
    )
    return (
        f"显示 {shown}/{total} 个地区（{chinese}；全部见 {table}）\n"
        f"showing {shown} of {total} regions ({english}); all in {table}"
    )


# --- Tables -----------------------------------------------------------------------------------


def load_chosen(path) -> dict:
    """lda/chosen.json: the chosen K, its topic labels (`labels`) and metrics."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def topic_columns(header: Sequence[str]) -> list[str]:
    """The topic_1 … topic_K columns of a header, in topic order."""
    columns = [column for column in header if column.startswith("topic_")]
    return sorted(columns, key=lambda column: int(column.split("_", 1)[1]))


def load_top_terms(path, labels: Mapping[str, str]) -> dict[str, list[tuple[str, float]]]:
    """{report label: [(term, tfidf), …] by rank}, reports in the table's order; `labels` =
    {report id: label} (`labels_by_id` of reports.csv)."""
    terms: dict[str, list[tuple[int, str, float]]] = {}
    for row in read_csv(path):
        item = (int(row["rank"]), row["term"], float(row["tfidf"]))
        terms.setdefault(labels[row["report_id"]], []).append(item)
    return {label: [(t, s) for _, t, s in sorted(items)] for label, items in terms.items()}


def top_terms_shown(
    top_terms_csv,
    reports_csv,
    named: Sequence[str],
    max_regions: int,
    what: str,
    log: logging.Logger = LOG,
) -> tuple[dict[str, list[tuple[str, float]]], str]:
    """The top terms of the regions a figure shows (`shown_regions`), and the note that says
    which (top terms and word clouds)."""
    reports = read_csv(reports_csv)
    terms = load_top_terms(top_terms_csv, labels_by_id(reports))
    keys = region_keys(reports)
    order = list(terms)
    chosen = shown_regions([keys[label] for label in order], named, max_regions, what, log)
    note = selection_note(len(chosen), len(order), bool(named), "tfidf/top_terms.csv")
    return {order[index]: terms[order[index]] for index in chosen}, note


def load_matrix(path) -> tuple[list[str], np.ndarray]:
    """A square report × report matrix of similarity/: (labels, values); checked.

    The first column holds the reports' labels (as reports.csv gives them), whatever its header
    says; the header row names the columns by the same labels. Read a row at a time into one
    array (3,000 × 3,000 values as text would take gigabytes).
    """
    mismatch = f"{path}: not a square matrix with the same labels on rows and columns"
    with open(path, encoding=CSV_ENCODING, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise ValueError(f"{path}: expected a header row (label, then a column per report)")
        labels = header[1:]
        values = np.empty((len(labels), len(labels)))
        count = 0
        for row in reader:
            if count >= len(labels) or len(row) != len(labels) + 1 or row[0] != labels[count]:
                raise ValueError(mismatch)
            values[count] = [float(value) for value in row[1:]]
            count += 1
    if count != len(labels):
        raise ValueError(mismatch)
    return labels, values


# --- Clustering orders ------------------------------------------------------------------------


def distance_matrix(matrix: np.ndarray, measure: str) -> np.ndarray:
    """Symmetric distances with a zero diagonal: 1 − cosine for TF-IDF, else as given."""
    matrix = np.asarray(matrix, float)
    distances = 1.0 - matrix if HIGHER_IS_CLOSER[measure] else matrix.copy()
    distances += distances.T
    distances /= 2
    np.clip(distances, 0, None, out=distances)
    np.fill_diagonal(distances, 0)
    return distances


def linkage_of(distances: np.ndarray, method: str, optimal_max: int | None = None):
    """scipy's hierarchical clustering of a square distance matrix (None below two regions).

    Leaves in optimal order (neighbours most alike) up to `optimal_max` regions (no limit if
    None): its time grows with the cube of their number.
    """
    from scipy.spatial.distance import squareform

    if len(distances) < 2:
        return None
    return _linkage(squareform(distances, checks=False), len(distances), method, optimal_max)


def _linkage(condensed: np.ndarray, count: int, method: str, optimal_max: int | None):
    from scipy.cluster.hierarchy import linkage

    optimal = optimal_max is None or count <= optimal_max
    return linkage(condensed, method=method, optimal_ordering=optimal)


def cluster_order(distances: np.ndarray, method: str, optimal_max: int | None = None) -> list[int]:
    """Leaf order of the clustering (regions that are alike end up side by side)."""
    from scipy.cluster.hierarchy import leaves_list

    tree = linkage_of(distances, method, optimal_max)
    return list(range(len(distances))) if tree is None else [int(i) for i in leaves_list(tree)]


def share_order(shares: np.ndarray, method: str, optimal_max: int | None = None) -> list[int]:
    """Leaf order of the clustering of rows of topic shares on their Hellinger distance (NaN,
    a part a region lacks, counts as 0)."""
    from scipy.cluster.hierarchy import leaves_list
    from scipy.spatial.distance import pdist

    roots = np.sqrt(np.nan_to_num(np.asarray(shares, float)))
    if len(roots) < 2:
        return list(range(len(roots)))
    tree = _linkage(pdist(roots) / math.sqrt(2), len(roots), method, optimal_max)
    return [int(i) for i in leaves_list(tree)]


def order_of_many(
    shares: np.ndarray, max_regions: int, method: str, optimal_max: int | None
) -> list[int] | None:
    """Clustering order of regions' topic shares for a heatmap of too many regions to name
    (more than `max_regions`); None (table order) otherwise."""
    if len(shares) <= max_regions:
        return None
    return share_order(shares, method, optimal_max)
