"""Rule fig_similarity: a heatmap of each region × region matrix of similarity/, in clustering
order (results/figures/similarity_{measure}.png, .svg for each measure of gwr.names.MEASURES).

The colour scale spans the off-diagonal values and runs so that dark always means alike. Values
are written in the cells for a few regions; for more than `figures.max_regions` regions, one image
of every region without names (the values are in the similarity tables).
"""

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
from gwr.figure_data import cluster_order, distance_matrix, load_matrix
from gwr.io import setup_logging
from gwr.names import HIGHER_IS_CLOSER, MEASURES
from gwr.plotting import (
    ANNOTATION_FILL,
    HEATMAP_FIXED_INCHES,
    MEASURE_TEXT,
    MIN_HEATMAP_INCHES,
    NOTE_INCHES,
    TITLE_FONT,
    cell_inches,
    colormap,
    fit_font,
    heatmap,
    new_figure,
    raster,
    raster_note,
    save_figure,
    setup_matplotlib,
)

RASTER_INCHES = 8.0  # side of a region × region heatmap drawn as one image (regions unnamed)


def _two_decimals(value: float) -> str:
    return f"{value:.2f}"


def _side_inches(count: int) -> float:
    return max(MIN_HEATMAP_INCHES, count * cell_inches(count))


def similarity_figure(
    labels: Sequence[str],
    matrix: np.ndarray,
    measure: str,
    cmap="YlGnBu",
    annotate_max: int = 20,
    order: Sequence[int] | None = None,
    max_regions: int | None = None,
):
    """Heatmap of one region × region matrix of a measure of MEASURES (`order`: rows and
    columns reordered).

    The colour scale spans the off-diagonal values (the diagonal, 1 or 0 by definition, would
    wash them out) and runs so that dark always means alike: reversed for distances. More than
    `max_regions` regions: one image, unnamed, no values (`raster_note` says so).
    """
    text = MEASURE_TEXT[measure]
    closer = HIGHER_IS_CLOSER[measure]
    matrix = np.asarray(matrix, float)
    count = len(labels)
    if order is not None:
        order = list(order)
        matrix = matrix[np.ix_(order, order)]
        labels = [labels[index] for index in order]
    colors = colormap(cmap) if closer else colormap(cmap).reversed()
    low, high = 0, 1
    if count > 1:
        off_diagonal = ~np.eye(count, dtype=bool)
        low = matrix.min(where=off_diagonal, initial=np.inf)
        high = matrix.max(where=off_diagonal, initial=-np.inf)
    if high <= low:
        low, high = low - 0.5, high + 0.5
    shown = matrix.copy()
    np.fill_diagonal(shown, np.nan)
    subtitle = text["reading"]
    if order is not None:
        subtitle += "；按聚类排序 ordered by clustering"
    if max_regions is not None and count > max_regions:
        fig = new_figure(
            RASTER_INCHES + HEATMAP_FIXED_INCHES + 1.0,
            RASTER_INCHES + HEATMAP_FIXED_INCHES + NOTE_INCHES,
        )
        ax = fig.add_subplot()
        image, group = raster(ax, shown, colors, low, high)
        ax.set_xlabel(f"{count} 个地区 regions")
        ax.set_ylabel(f"{count} 个地区 regions")
        subtitle += "\n" + raster_note(count, f"similarity/{measure}.csv", group)
    else:
        cell = cell_inches(count)
        side = _side_inches(count)
        fig = new_figure(side + HEATMAP_FIXED_INCHES + 1.0, side + HEATMAP_FIXED_INCHES)
        ax = fig.add_subplot()
        annotate = count <= annotate_max
        image = heatmap(ax, shown, labels, labels, colors, low, high, annotate, _two_decimals, cell)
        if annotate:
            font = fit_font(1, side / max(count, 1), ANNOTATION_FILL)
            for index in range(count):
                value = _two_decimals(matrix[index, index])
                ax.text(index, index, value, ha="center", va="center", fontsize=font, color="grey")
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8)
    colorbar.set_label(text["colorbar"] + ("" if closer else "（深色 = 相似 dark = alike）"))
    ax.set_title(f"{text['title']}\n{subtitle}", fontsize=TITLE_FONT)
    return fig


def draw(
    matrices: Mapping[str, str],
    cmap,
    annotate_max: int,
    linkage: str,
    optimal_order_max: int,
    max_regions: int,
) -> Iterator[tuple[str, object]]:
    """(measure, figure) for each measure of MEASURES (`matrices` = {measure: path}), one at a
    time: 3,000 regions make 72 MB a matrix."""
    for measure in MEASURES:
        labels, matrix = load_matrix(matrices[measure])
        order = cluster_order(distance_matrix(matrix, measure), linkage, optimal_order_max)
        yield (
            measure,
            similarity_figure(labels, matrix, measure, cmap, annotate_max, order, max_regions),
        )


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    matrices = {measure: snakemake.input[measure] for measure in MEASURES}
    figures = draw(
        matrices,
        params.cmap,
        params.annotate_max,
        params.linkage,
        params.optimal_order_max,
        params.max_regions,
    )
    for measure, fig in figures:
        png, svg = snakemake.output[f"png_{measure}"], snakemake.output[f"svg_{measure}"]
        save_figure(fig, png, svg, params.dpi)
        log.info("similarity %s -> %s, %s", measure, png, svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_similarity.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_similarity")
    main(snakemake)  # noqa: F821
