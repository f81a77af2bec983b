"""Rule fig_region_topics: each region's topic shares in the chosen model, a heatmap of regions ×
topics (results/figures/region_topics.png, .svg).

Reports are labelled from corpus/reports.csv (by report_id), topics by chosen.json's labels. For
more than `figures.max_regions` regions, one image of every region in clustering order, unnamed.
"""

from collections.abc import Sequence

import numpy as np
from gwr.figure_data import labels_by_id, load_chosen, order_of_many, topic_columns
from gwr.io import read_csv, setup_logging
from gwr.plotting import (
    TITLE_FONT,
    cell_inches,
    heatmap,
    heatmap_figure,
    percent,
    percent_formatter,
    raster,
    raster_figure,
    raster_note,
    save_figure,
    setup_matplotlib,
    titled,
    topic_axis_labels,
    topic_ticks,
)


def region_topics_figure(
    regions: Sequence[str],
    labels: Sequence[str],
    shares: np.ndarray,
    cmap="YlGnBu",
    annotate_max: int = 20,
    max_regions: int | None = None,
    order: Sequence[int] | None = None,
):
    """Heatmap of each region's topic shares (rows sum to 1), topic labels on the x axis.

    More than `max_regions` regions: one image, rows in `order` (the clustering's), unnamed.
    """
    shares = np.asarray(shares, float)
    count, topics = shares.shape
    column_labels = topic_axis_labels(labels)
    title = "各地区主题占比 Topic shares by region"
    if max_regions is not None and count > max_regions:
        rows = shares if order is None else shares[list(order)]
        fig, axes = raster_figure(1, topics, column_labels)
        ax = axes[0]
        image, group = raster(ax, rows, cmap, 0, None)
        topic_ticks(ax, column_labels, cell_inches(topics))
        ax.set_ylabel(f"{count} 个地区 regions（按聚类排序 in clustering order）")
        title = titled(title, raster_note(count, "lda/chosen/report_topics.csv", group))
    else:
        fig, cell = heatmap_figure(count, column_labels)
        ax = fig.add_subplot()
        annotate = count <= annotate_max and topics <= annotate_max
        image = heatmap(ax, shares, regions, column_labels, cmap, 0, None, annotate, percent, cell)
        ax.set_ylabel("地区 region")
    ax.set_xlabel("主题 topic (LDA)")
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8, format=percent_formatter())
    colorbar.set_label("主题占比 topic share")
    ax.set_title(title, fontsize=TITLE_FONT + 1)
    return fig


def load_report_topics(path, labels: dict[str, str]) -> tuple[list[str], np.ndarray]:
    """(report labels, shares) of lda/chosen/report_topics.csv, rows in the table's order;
    `labels` = {report id: label} (`labels_by_id` of reports.csv)."""
    rows = read_csv(path)
    columns = topic_columns(list(rows[0]) if rows else [])
    shares = np.array([[float(row[c]) for c in columns] for row in rows], float)
    return [labels[row["report_id"]] for row in rows], shares.reshape(len(rows), len(columns))


def draw(
    report_topics_csv,
    reports_csv,
    chosen_json,
    cmap,
    annotate_max: int,
    max_regions: int,
    linkage: str,
    optimal_order_max: int,
):
    """The heatmap of lda/chosen/report_topics.csv."""
    regions, shares = load_report_topics(report_topics_csv, labels_by_id(read_csv(reports_csv)))
    topic_labels = load_chosen(chosen_json)["labels"]
    order = order_of_many(shares, max_regions, linkage, optimal_order_max)
    return region_topics_figure(
        regions, topic_labels, shares, cmap, annotate_max, max_regions, order
    )


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    fig = draw(
        snakemake.input.report_topics,
        snakemake.input.reports,
        snakemake.input.chosen,
        params.cmap,
        params.annotate_max,
        params.max_regions,
        params.linkage,
        params.optimal_order_max,
    )
    save_figure(fig, snakemake.output.png, snakemake.output.svg, params.dpi)
    log.info("region topics -> %s, %s", snakemake.output.png, snakemake.output.svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_region_topics.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_region_topics")
    main(snakemake)  # noqa: F821
