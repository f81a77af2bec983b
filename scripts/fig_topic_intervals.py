"""Rule fig_topic_intervals: each topic's share in each report with its 95% interval (a
bootstrap over the report's paragraphs), one panel per topic (results/figures/
topic_intervals.png, .svg): where two reports' bars do not overlap, their difference is more
than the noise of which paragraphs they happen to hold.

For more than `figures.max_regions` reports, each panel shows the reports with the highest
shares of its topic.
"""

from collections.abc import Sequence

import numpy as np
from gwr.figure_data import load_chosen
from gwr.io import read_csv, setup_logging
from gwr.plotting import (
    BAR_SHADE,
    GRID_MAX_COLUMNS,
    MIN_FONT,
    SUPTITLE_FONT,
    TERM_PANEL_FIXED,
    TERM_PANEL_WIDTH,
    TERM_ROW_INCHES,
    TITLE_FONT,
    colormap,
    fit_font,
    grid_shape,
    new_figure,
    percent_formatter,
    save_figure,
    setup_matplotlib,
    titled,
)


def load_intervals(path) -> dict[int, list[tuple[str, float, float, float]]]:
    """{topic: [(report label, share, low, high), …]} of lda/chosen/report_topic_shares.csv."""
    topics: dict[int, list[tuple[str, float, float, float]]] = {}
    for row in read_csv(path):
        topics.setdefault(int(row["topic"]), []).append(
            (row["label"], float(row["share"]), float(row["ci_low"]), float(row["ci_high"]))
        )
    return topics


def intervals_figure(
    topics: dict[int, list[tuple[str, float, float, float]]],
    labels: Sequence[str],
    max_regions: int,
    cmap="YlGnBu",
):
    """One panel per topic: each report's share (dot) and 95% interval (bar), highest first."""
    numbers = sorted(topics)
    count = max((len(rows) for rows in topics.values()), default=0)
    shown = min(count, max_regions)
    rows, columns = grid_shape(len(numbers), GRID_MAX_COLUMNS)
    panel_height = TERM_PANEL_FIXED + shown * TERM_ROW_INCHES
    fig = new_figure(columns * TERM_PANEL_WIDTH, rows * panel_height + 0.6)
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).ravel()
    color = colormap(cmap)(BAR_SHADE)
    font = fit_font(shown, panel_height - TERM_PANEL_FIXED)
    largest = max((high for rows_ in topics.values() for *_, high in rows_), default=1.0)
    for ax, number in zip(axes, numbers, strict=False):
        ranked = sorted(topics[number], key=lambda r: (-r[1], r[0]))[:shown]
        y = np.arange(len(ranked))
        shares = np.array([r[1] for r in ranked])
        low = shares - np.array([r[2] for r in ranked])
        high = np.array([r[3] for r in ranked]) - shares
        ax.errorbar(shares, y, xerr=[low, high], fmt="o", color=color, ms=3, lw=1.2, capsize=2)
        ax.set_yticks(y, [r[0] for r in ranked], fontsize=font)
        ax.set_ylim(len(ranked) - 0.5, -0.5)
        ax.set_xlim(0, largest * 1.05)
        ax.xaxis.set_major_formatter(percent_formatter())
        ax.tick_params(axis="x", labelsize=MIN_FONT + 1)
        ax.locator_params(axis="x", nbins=4)
        ax.set_xlabel("主题占比 topic share (95% 区间 interval)", fontsize=MIN_FONT + 2)
        ax.set_title(f"主题 {number} Topic {number}\n{labels[number - 1]}", fontsize=TITLE_FONT - 1)
        ax.grid(axis="x", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(numbers) :]:
        ax.set_axis_off()
    note = (
        f"每个主题显示占比最高的 {shown} 个（共 {count} 个）the {shown} highest of {count} reports"
        if count > shown
        else ""
    )
    fig.suptitle(
        titled("各报告主题占比及其 95% 区间 Topic shares with their 95% intervals", note),
        fontsize=SUPTITLE_FONT,
    )
    return fig


def draw(shares_csv, chosen_json, max_regions: int, cmap):
    """The figure of lda/chosen/report_topic_shares.csv."""
    return intervals_figure(
        load_intervals(shares_csv), load_chosen(chosen_json)["labels"], max_regions, cmap
    )


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    fig = draw(snakemake.input.shares, snakemake.input.chosen, params.max_regions, params.cmap)
    save_figure(fig, snakemake.output.png, snakemake.output.svg, params.dpi)
    log.info("topic intervals -> %s, %s", snakemake.output.png, snakemake.output.svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_topic_intervals.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_topic_intervals")
    main(snakemake)  # noqa: F821
