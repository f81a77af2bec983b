"""Rule fig_attention: the policy attention of results/attention/shares.csv in two figures
(results/figures/attention.png, attention_years.png, and their SVG copies).

- `attention`: a heatmap of reports × policy domains, each cell the report's share of attention
  (of its classified characters) in percent; `none` (no domain) is the last column. For more
  than `figures.max_regions` reports, one image of every report, rows in table order, unnamed.
- `attention_years`: how each region's attention is divided over the years: a panel per region
  with reports of two or more years, a stacked bar per report (a missing year is a gap); with
  none, the image says so.
"""

import numpy as np
from gwr.attention import NONE, read_codebook
from gwr.io import read_csv, setup_logging
from gwr.plotting import (
    MIN_FONT,
    NOTE_INCHES,
    SUPTITLE_FONT,
    SUPTITLE_INCHES,
    TITLE_FONT,
    cell_inches,
    colormap,
    grid_shape,
    heatmap,
    heatmap_figure,
    new_figure,
    percent,
    percent_formatter,
    raster,
    raster_figure,
    raster_note,
    save_figure,
    setup_matplotlib,
    titled,
    topic_ticks,
)
from gwr.series_plot import NO_SERIES, choose_regions, empty_figure
from gwr.trends import display_names

CMAP = "YlOrRd"
DOMAIN_COLORS = "tab20"  # one colour per domain in the bars over the years
# --- Layout (inches; not user settings) ---
YEARS_PANEL_WIDTH = 9.0
YEARS_PANEL_HEIGHT = 3.4
YEARS_COLUMNS = 2
LEGEND_INCHES = 2.4
BAR_WIDTH = 0.8
ANNOTATE_MAX_ROWS = 20  # shares written in the cells up to this many reports


def share_matrix(rows, codes: list[str]) -> tuple[list[str], np.ndarray]:
    """(report labels in table order, reports × domains shares)."""
    labels: list[str] = []
    values: dict[str, dict[str, float]] = {}
    for row in rows:
        if row["report_id"] not in values:
            labels.append(row["label"])
            values[row["report_id"]] = {}
        values[row["report_id"]][row["domain"]] = float(row["share"])
    matrix = np.array([[shares.get(code, 0.0) for code in codes] for shares in values.values()])
    return labels, matrix.reshape(len(labels), len(codes))


def attention_figure(rows, codes, names, max_regions: int):
    title = "各报告的政策注意力 Policy attention by report（字数占比 share of characters）"
    labels, matrix = share_matrix(rows, codes)
    columns = [names[code] for code in codes]
    count = len(labels)
    if count > max_regions:
        fig, axes = raster_figure(1, len(codes), columns)
        ax = axes[0]
        image, group = raster(ax, matrix, CMAP, 0, None)
        topic_ticks(ax, columns, cell_inches(len(codes)))
        ax.set_ylabel(f"{count} 份报告 reports（按表格顺序 in table order）")
        title = titled(title, raster_note(count, "attention/shares.csv", group))
    else:
        fig, cell = heatmap_figure(count, columns)
        ax = fig.add_subplot()
        annotate = count <= ANNOTATE_MAX_ROWS
        image = heatmap(ax, matrix, labels, columns, CMAP, 0, None, annotate, percent, cell)
        ax.set_ylabel("报告 report")
    ax.set_xlabel("政策领域 policy domain（代码本 codebook）")
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8, format=percent_formatter())
    colorbar.set_label("注意力占比 share of attention")
    ax.set_title(title, fontsize=TITLE_FONT + 1)
    return fig


def years_figure(rows, codes, names, named, max_regions, log):
    """A panel per region with reports of two or more years: a stacked bar per report, each
    domain's share of its attention; missing years are gaps."""
    title = "政策注意力的逐年变化 Policy attention over the years（字数占比 share of characters）"
    regions, note = choose_regions(
        rows, named, max_regions, "attention_years", "attention/shares.csv", log
    )
    if not regions:
        return empty_figure(NO_SERIES, title)
    shares: dict[tuple, dict[int, dict[str, float]]] = {}
    for row in rows:
        key = (row["parent"], row["region"])
        if key in regions:
            year = shares.setdefault(key, {}).setdefault(int(row["year"]), {})
            year[row["domain"]] = float(row["share"])
    grid_rows, columns = grid_shape(len(regions), YEARS_COLUMNS)
    width = columns * YEARS_PANEL_WIDTH + LEGEND_INCHES
    fig = new_figure(width, grid_rows * YEARS_PANEL_HEIGHT + SUPTITLE_INCHES + NOTE_INCHES)
    axes = np.atleast_1d(fig.subplots(grid_rows, columns, squeeze=False)).ravel()
    colors = colormap(DOMAIN_COLORS).colors
    region_names = display_names(regions)
    for ax, key in zip(axes, regions, strict=False):
        years = sorted(shares[key])
        bottom = np.zeros(len(years))
        for number, code in enumerate(codes):
            values = np.array([shares[key][year].get(code, 0.0) for year in years])
            ax.bar(
                years,
                values,
                bottom=bottom,
                width=BAR_WIDTH,
                color=colors[number % len(colors)],
                label=names[code] if ax is axes[0] else None,
                linewidth=0,
            )
            bottom += values
        ax.set_title(region_names[key], fontsize=TITLE_FONT - 1)
        ax.set_xlabel("年份 year（空白 = 缺报告 gap = no report）", fontsize=MIN_FONT + 1)
        ax.set_ylabel("注意力占比 share", fontsize=MIN_FONT + 1)
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(percent_formatter())
        ax.tick_params(labelsize=MIN_FONT + 1)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(regions) :]:
        ax.set_axis_off()
    fig.legend(loc="outside right upper", fontsize=MIN_FONT + 1, title="领域 domain")
    fig.suptitle(titled(title, note), fontsize=SUPTITLE_FONT)
    return fig


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    codebook = read_codebook(snakemake.input.codebook)
    codes = [d.code for d in codebook.domains] + [NONE]
    names = {code: codebook.name_zh(code) for code in codes}
    rows = read_csv(snakemake.input.shares)
    reports = {row["report_id"]: row for row in read_csv(snakemake.input.reports)}
    for row in rows:
        row["parent"] = reports[row["report_id"]]["parent"]
    output = snakemake.output
    figures = (
        (attention_figure(rows, codes, names, params.max_regions), output.png, output.svg),
        (
            years_figure(rows, codes, names, list(params.regions), params.max_regions, log),
            output.years_png,
            output.years_svg,
        ),
    )
    for fig, png, svg in figures:
        save_figure(fig, png, svg, params.dpi)
        log.info("attention figure -> %s, %s", png, svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_attention.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_attention")
    main(snakemake)  # noqa: F821
