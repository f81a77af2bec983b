"""Rule fig_targets: the growth targets of results/targets/targets.csv in two figures
(results/figures/targets.png, targets_years.png, and their SVG copies).

- `targets`: each report's growth target for its year (GDP; in reports before the 1990s GNP or
  gross output of industry and agriculture), lowest first: a range (5%—5.5%) as a bar, one number
  as a dot, the qualifier (左右, 以上, 以内) written beside it; the growth the same report states
  for the year before (kind `achieved`, from its review) as a hollow ring. A report that states
  no growth target is listed at the bottom, without a mark.
- `targets_years`: for regions with reports of two or more years, the target of each year (dots,
  bars for ranges) and the growth achieved in that year, as the next report states it (a line),
  a panel per region; with none, the image says so.
"""

import numpy as np
from gwr.io import read_csv, setup_logging
from gwr.plotting import (
    MIN_FONT,
    NOTE_INCHES,
    SUPTITLE_FONT,
    SUPTITLE_INCHES,
    TITLE_FONT,
    grid_shape,
    new_figure,
    save_figure,
    setup_matplotlib,
    titled,
)
from gwr.series_plot import NO_SERIES, choose_regions, empty_figure
from gwr.targets import GROWTH_INDICATORS
from gwr.trends import display_names

GROWTH_NAMES = {
    "gdp_growth": "GDP",
    "gnp_growth": "GNP 国民生产总值",
    "gross_output_growth": "工农业总产值 gross output",
}
# --- Layout (inches, points; not user settings) ---
ROW_INCHES = 0.24
FIXED_INCHES = 1.6  # title, axis and legend around the rows
WIDTH_INCHES = 8.0
PANEL_WIDTH = 4.6
PANEL_HEIGHT = 2.6
TARGET_COLOR = "#2166ac"
ACHIEVED_COLOR = "#b2182b"
BAR_HEIGHT = 0.5
DOT_SIZE = 22
RING_SIZE = 30
QUALIFIER_OFFSET = 5  # points between a mark and its qualifier
MIN_HEIGHT = 3.2  # room for the title, the axis and the legend with few reports


def growth_rows(rows, kind: str) -> dict[str, dict]:
    """{report id: its first growth row of `kind`} (GDP before the older series')."""
    found: dict[str, dict] = {}
    for code in GROWTH_INDICATORS:
        for row in rows:
            if row["kind"] == kind and row["indicator"] == code and row["unit"] == "%":
                found.setdefault(row["report_id"], row)
    return found


def targets_figure(rows, reports):
    targets, achieved = growth_rows(rows, "target"), growth_rows(rows, "achieved")
    stated = sorted(
        (r for r in reports if r["report_id"] in targets),
        key=lambda r: (float(targets[r["report_id"]]["low"]), r["report_id"]),
    )
    missing = [r for r in reports if r["report_id"] not in targets]
    order = stated + missing
    title = "各报告的经济增长预期目标 Growth target of each report（%，从低到高 lowest first）"
    if not stated:
        return empty_figure(
            "没有报告写出可读取的增长目标\nNo report states a growth target the extractor reads",
            title,
        )
    fig = new_figure(WIDTH_INCHES, max(MIN_HEIGHT, FIXED_INCHES + len(order) * ROW_INCHES))
    ax = fig.add_subplot()
    positions = np.arange(len(order))
    for y, report in zip(positions, order, strict=True):
        row = targets.get(report["report_id"])
        if row is not None:
            low, high = float(row["low"]), float(row["high"])
            if high > low:
                ax.barh(y, high - low, left=low, height=BAR_HEIGHT, color=TARGET_COLOR)
            else:
                ax.scatter(low, y, s=DOT_SIZE, color=TARGET_COLOR, zorder=3)
            if row["qualifier"]:
                ax.annotate(
                    row["qualifier"],
                    (high, y),
                    xytext=(QUALIFIER_OFFSET, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=MIN_FONT,
                )
        past = achieved.get(report["report_id"])
        if past is not None:
            ax.scatter(
                float(past["low"]),
                y,
                s=RING_SIZE,
                facecolors="none",
                edgecolors=ACHIEVED_COLOR,
                zorder=4,
            )
    labels = [r["label"] + ("（未写明 none stated）" if r in missing else "") for r in order]
    ax.set_yticks(positions, labels, fontsize=MIN_FONT + 1)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlabel("增长率 growth rate（%）")
    ax.set_ylabel("报告 report")
    ax.scatter(
        [], [], s=DOT_SIZE, color=TARGET_COLOR, label="本年目标 target（条 bar = 区间 range）"
    )
    ax.scatter(
        [],
        [],
        s=RING_SIZE,
        facecolors="none",
        edgecolors=ACHIEVED_COLOR,
        label="上年完成 achieved the year before（回顾 review）",
    )
    fig.legend(loc="outside lower center", ncols=2, fontsize=MIN_FONT + 1)
    indicators = sorted({targets[r["report_id"]]["indicator"] for r in stated})
    note = "指标 indicator: " + "、".join(GROWTH_NAMES[code] for code in indicators)
    ax.set_title(titled(title, note), fontsize=TITLE_FONT + 1)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def years_figure(rows, reports, named, max_regions, log):
    title = "增长目标与完成情况 Growth target and growth achieved over the years（%）"
    regions, note = choose_regions(
        reports, named, max_regions, "targets_years", "targets/targets.csv", log
    )
    if not regions:
        return empty_figure(NO_SERIES, title)
    targets, achieved = growth_rows(rows, "target"), growth_rows(rows, "achieved")
    names = display_names(regions)
    grid_rows, columns = grid_shape(len(regions))
    height = grid_rows * PANEL_HEIGHT + SUPTITLE_INCHES + (NOTE_INCHES if note else 0)
    fig = new_figure(columns * PANEL_WIDTH, height)
    axes = np.atleast_1d(fig.subplots(grid_rows, columns, squeeze=False)).ravel()
    for ax, key in zip(axes, regions, strict=False):
        mine = [r for r in reports if (r["parent"], r["region"]) == key]
        years, lows, highs, done_years, done = [], [], [], [], []
        for report in mine:
            year = int(report["year"])
            if report["report_id"] in targets:
                row = targets[report["report_id"]]
                years.append(year)
                lows.append(float(row["low"]))
                highs.append(float(row["high"]))
            if report["report_id"] in achieved:
                # The review of the report of year Y states the growth of year Y - 1.
                done_years.append(year - 1)
                done.append(float(achieved[report["report_id"]]["low"]))
        ax.vlines(years, lows, highs, color=TARGET_COLOR, linewidth=3)
        ax.scatter(years, lows, s=DOT_SIZE / 2, color=TARGET_COLOR, label="目标 target")
        order = np.argsort(done_years)
        ax.plot(
            np.array(done_years)[order],
            np.array(done)[order],
            color=ACHIEVED_COLOR,
            linewidth=1,
            marker="o",
            markersize=2.5,
            label="完成 achieved",
        )
        ax.set_title(names[key], fontsize=TITLE_FONT - 1)
        ax.set_xlabel("年份 year", fontsize=MIN_FONT + 1)
        ax.set_ylabel("增长率 growth（%）", fontsize=MIN_FONT + 1)
        ax.tick_params(labelsize=MIN_FONT + 1)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(fontsize=MIN_FONT, loc="best")
    for ax in axes[len(regions) :]:
        ax.set_axis_off()
    fig.suptitle(titled(title, note), fontsize=SUPTITLE_FONT)
    return fig


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    rows = read_csv(snakemake.input.targets)
    reports = read_csv(snakemake.input.reports)
    output = snakemake.output
    figures = (
        (targets_figure(rows, reports), output.png, output.svg),
        (
            years_figure(rows, reports, list(params.regions), params.max_regions, log),
            output.years_png,
            output.years_svg,
        ),
    )
    for fig, png, svg in figures:
        save_figure(fig, png, svg, params.dpi)
        log.info("targets figure -> %s, %s", png, svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_targets.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_targets")
    main(snakemake)  # noqa: F821
