"""Rule fig_watch: the watched policy terms in each report, per 10,000 characters — a heatmap of
reports × terms (results/figures/watch.png, .svg), from results/terms/watch.csv.

A term every report uses (新质生产力 is in all 31 provincial reports of 2025) can only be compared
this way: how much each report says it. For more than `figures.max_regions` reports, one image of
all, in the table's order, unnamed.
"""

import numpy as np
from gwr.io import read_csv, setup_logging
from gwr.plotting import (
    TITLE_FONT,
    heatmap,
    heatmap_figure,
    raster,
    raster_figure,
    raster_note,
    save_figure,
    setup_matplotlib,
    titled,
)

TABLE = "terms/watch.csv"


def _one_decimal(value: float) -> str:
    return f"{value:.1f}"


def watch_matrix(rows: list[dict]) -> tuple[list[str], list[str], np.ndarray]:
    """(report labels, terms, per_10k values) of watch.csv, reports and terms in its order."""
    labels = list(dict.fromkeys(row["label"] for row in rows))
    terms = list(dict.fromkeys(row["term"] for row in rows))
    values = np.zeros((len(labels), len(terms)))
    at_label = {label: i for i, label in enumerate(labels)}
    at_term = {term: j for j, term in enumerate(terms)}
    for row in rows:
        values[at_label[row["label"]], at_term[row["term"]]] = float(row["per_10k"])
    return labels, terms, values


def watch_figure(labels, terms, values, cmap="YlGnBu", annotate_max: int = 20, max_regions=None):
    count = len(labels)
    title = "关注词的使用频率 Watched terms: occurrences per 10,000 characters"
    if max_regions is not None and count > max_regions:
        fig, axes = raster_figure(1, len(terms), terms)
        ax = axes[0]
        image, group = raster(ax, values, cmap, 0, None)
        ax.set_xticks(range(len(terms)), terms, rotation=45, ha="right", rotation_mode="anchor")
        ax.set_ylabel(f"{count} 份报告 reports")
        title = titled(title, raster_note(count, TABLE, group))
    else:
        fig, cell = heatmap_figure(count, terms)
        ax = fig.add_subplot()
        annotate = count <= annotate_max and len(terms) <= annotate_max
        image = heatmap(ax, values, labels, terms, cmap, 0, None, annotate, _one_decimal, cell)
        ax.set_ylabel("报告 report")
    ax.set_xlabel("关注词 watched term (terms.watch)")
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8)
    colorbar.set_label("每万字出现次数 per 10,000 characters")
    ax.set_title(title, fontsize=TITLE_FONT + 1)
    return fig


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    labels, terms, values = watch_matrix(read_csv(snakemake.input.watch))
    fig = watch_figure(labels, terms, values, params.cmap, params.annotate_max, params.max_regions)
    save_figure(fig, snakemake.output.png, snakemake.output.svg, params.dpi)
    log.info("watched terms -> %s, %s", snakemake.output.png, snakemake.output.svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_watch.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_watch")
    main(snakemake)  # noqa: F821
