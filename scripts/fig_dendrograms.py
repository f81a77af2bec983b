"""Rule fig_dendrograms: hierarchical clustering of the regions on each measure of
similarity/ (1 − TF-IDF cosine, topic Jensen–Shannon, topic Hellinger), a dendrogram each
(results/figures/dendrograms.png, .svg).

For more than `figures.max_regions` regions, the tree is cut to that many clusters, each named by
its most central region and its size.
"""

from collections.abc import Mapping, Sequence

import numpy as np
from gwr.figure_data import distance_matrix, linkage_of, load_matrix
from gwr.io import setup_logging
from gwr.names import MEASURES
from gwr.plotting import (
    MAX_FIGURE_INCHES,
    MAX_FONT,
    MEASURE_TEXT,
    NOTE_INCHES,
    SUPTITLE_FONT,
    TITLE_FONT,
    fit_font,
    new_figure,
    no_data,
    save_figure,
    setup_matplotlib,
)

DENDRO_LEAF_INCHES = 0.3
DENDRO_ZOOM_FROM = 0.5  # zoom the distance axis when every join is beyond this share of the last
DENDRO_MARGIN = 0.05  # room beyond the last join (share of the span of joins)
DENDRO_ZOOM_MARGIN = 0.3  # room before the first join on a zoomed axis
DENDRO_MIN_LEAVES = 5  # a dendrogram of a few regions is drawn as high as one of this many
DENDRO_PANEL_WIDTH = 4.2
DENDRO_CLUSTER_LABEL_INCHES = 1.4  # more width for leaves named "东城区 等 12 个" (a cut tree)
DENDRO_FIXED_INCHES = 1.6


def dendrograms_figure(
    panels: Sequence[tuple[str, Sequence[str], np.ndarray]],
    method: str,
    max_leaves: int | None = None,
    optimal_max: int | None = None,
):
    """One dendrogram per measure: `panels` = [(measure, labels, distance matrix), …].

    More than `max_leaves` regions: the tree is cut to `max_leaves` clusters, each leaf named by
    its most central region (least total distance to the others of its cluster) and its size.
    """
    from scipy.cluster.hierarchy import dendrogram

    total = max((len(labels) for _, labels, _ in panels), default=0)
    cut = max_leaves is not None and total > max_leaves
    count = max_leaves if cut else total
    leaves_height = max(count, DENDRO_MIN_LEAVES) * DENDRO_LEAF_INCHES
    height = leaves_height + DENDRO_FIXED_INCHES + (NOTE_INCHES if cut else 0)
    width = DENDRO_PANEL_WIDTH + (DENDRO_CLUSTER_LABEL_INCHES if cut else 0)
    fig = new_figure(len(panels) * width, height)
    axes = fig.subplots(1, max(len(panels), 1), squeeze=False).ravel()
    font = fit_font(count, min(leaves_height, MAX_FIGURE_INCHES - DENDRO_FIXED_INCHES))
    for ax, (measure, labels, distances) in zip(axes, panels, strict=False):
        text = MEASURE_TEXT[measure]
        ax.set_title(text["short"], fontsize=TITLE_FONT)
        distances = np.asarray(distances, float)
        tree = linkage_of(distances, method, optimal_max)
        if tree is None:
            no_data(ax, "至少需要两个地区\nat least two regions needed")
            continue
        options = {"labels": list(labels)}
        if cut and len(labels) > max_leaves:
            names = _cluster_names(tree, distances, list(labels), max_leaves)
            options = {
                "truncate_mode": "lastp",
                "p": max_leaves,
                "leaf_label_func": names.__getitem__,
            }
        dendrogram(
            tree,
            orientation="left",
            ax=ax,
            leaf_font_size=font,
            above_threshold_color="#888888",
            **options,
        )
        label = text["distance"]
        heights = tree[-(count - 1) :, 2] if count > 1 else tree[:, 2]
        low, high = heights.min(), heights.max()
        if high > 0 and low > DENDRO_ZOOM_FROM * high:
            # All joins far from zero (TF-IDF: every report unlike every other): zoom in on
            # where they happen, and say so.
            span = high - low or high
            ax.set_xlim(high + DENDRO_MARGIN * span, low - DENDRO_ZOOM_MARGIN * span)
            label += "\n（横轴不从 0 起 axis does not start at 0）"
        ax.set_xlabel(label, fontsize=MAX_FONT)
        ax.tick_params(axis="x", labelsize=MAX_FONT - 1)
        ax.spines[["top", "right", "left"]].set_visible(False)
    title = (
        f"地区的层次聚类 Hierarchical clustering of regions (linkage: {method})\n"
        "合并处越靠右越相似 the further right two regions join, the more alike"
    )
    if cut:
        title += (
            f"\n{total} 个地区合为 {max_leaves} 簇，以最居中的地区及簇的大小命名 "
            f"({total} regions cut into {max_leaves} clusters, each named by its most central "
            "region and size)"
        )
    fig.suptitle(title, fontsize=SUPTITLE_FONT)
    return fig


def _cluster_names(tree, distances: np.ndarray, labels: list[str], clusters: int) -> dict:
    """{node id: name} of the `clusters` nodes a tree cut to that many leaves shows: a region's
    name, or a cluster's most central region and its size ("东城区 等 12 个")."""
    from scipy.cluster.hierarchy import to_tree

    count = len(labels)
    _, nodes = to_tree(tree, rd=True)
    # The nodes shown: merged in none of the last clusters − 1 joins, children of one of them.
    last = tree[count - clusters :, :2].astype(int)
    formed = set(range(2 * count - clusters, 2 * count - 1))
    shown = [int(node) for node in last.ravel() if int(node) not in formed]
    names = {}
    for node in shown:
        members = nodes[node].pre_order()
        if len(members) == 1:
            names[node] = labels[members[0]]
            continue
        inside = distances[np.ix_(members, members)].sum(axis=1)
        central = members[int(np.argmin(inside))]
        names[node] = f"{labels[central]} 等 {len(members)} 个"
    return names


def draw(matrices: Mapping[str, str], linkage: str, max_regions: int, optimal_order_max: int):
    """The dendrograms of the matrices of similarity/ (`matrices` = {measure: path})."""
    panels = []
    for measure in MEASURES:
        labels, matrix = load_matrix(matrices[measure])
        panels.append((measure, labels, distance_matrix(matrix, measure)))
        del matrix
    return dendrograms_figure(panels, linkage, max_regions, optimal_order_max)


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    matrices = {measure: snakemake.input[measure] for measure in MEASURES}
    fig = draw(matrices, params.linkage, params.max_regions, params.optimal_order_max)
    save_figure(fig, snakemake.output.png, snakemake.output.svg, params.dpi)
    log.info("dendrograms -> %s, %s", snakemake.output.png, snakemake.output.svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_dendrograms.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_dendrograms")
    main(snakemake)  # noqa: F821
