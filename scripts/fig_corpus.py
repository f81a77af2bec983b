"""Rule fig_corpus: what was analysed (results/figures/corpus_overview.png, .svg).

Characters of each report's parts (stacked bars), the appendix apart, and the reports the table of
contents lists but the text lacks. For more than `figures.max_regions` reports, the bars show that
many (`figures.regions`, else the first by report id; the title says which) and a histogram shows
the length of every report.
"""

import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from gwr.figure_data import region_keys, selection_note, shown_regions
from gwr.io import read_csv, read_jsonl, setup_logging
from gwr.names import APPENDIX, BODY_PARTS, PART_NAMES
from gwr.plotting import (
    MAX_FONT,
    NOTE_INCHES,
    SUPTITLE_FONT,
    TITLE_FONT,
    fit_font,
    new_figure,
    save_figure,
    setup_matplotlib,
    titled,
)

LOG = logging.getLogger(__name__)

BAR_ROW_INCHES = 0.32  # one region's bar
BAR_FIXED_INCHES = 1.5  # titles and axis
LEGEND_COLUMNS = 3
LEGEND_ROW_INCHES = 0.28
MISSING_PER_LINE = 10  # region names per line in the box of missing reports
MISSING_LINE_INCHES = 0.2
CORPUS_WIDTH_INCHES = 9.0
APPENDIX_WIDTH_RATIO = 0.28  # width of the appendix panel against the body panel
TOTAL_LABEL_MARGIN = 1.18  # room to the right of the longest bar for its total
HISTOGRAM_BINS = 30  # bins of the distribution of report lengths (many reports)
HISTOGRAM_INCHES = 2.2
PART_COLORS = {
    "opening": "#9e9e9e",
    "review": "#4e79a7",
    "plans": "#f28e2b",
    "government": "#59a14f",
    "closing": "#b07aa1",
    "other": "#bab0ac",
    APPENDIX: "#d4a373",
}


def corpus_figure(
    regions: Sequence[str],
    characters: Mapping[str, Mapping[str, int]],
    missing: Sequence[str] = (),
    lengths: Sequence[float] | None = None,
    note: str = "",
    max_missing: int | None = None,
):
    """Characters per part of each report (stacked bars), appendix apart, missing reports named.

    `characters[region][part]` for the parts of BODY_PARTS and APPENDIX (absent parts count 0).
    When the bars show some of the reports, `lengths` holds the body length of every report
    (drawn as a histogram) and `note` says which are shown; at most `max_missing` missing
    reports are named.
    """
    from matplotlib.patches import Patch

    count = len(regions)
    total = count if lengths is None else len(lengths)
    some = total > count
    note = note if some else ""
    body = np.array([[characters[r].get(part, 0) for part in BODY_PARTS] for r in regions], float)
    body = body.reshape(count, len(BODY_PARTS))
    appendix = np.array([characters[r].get(APPENDIX, 0) for r in regions], float)
    has_appendix = bool(appendix.sum())
    used_parts = [part for column, part in enumerate(BODY_PARTS) if body[:, column].any()]
    legend_entries = len(used_parts) + has_appendix
    legend_height = math.ceil(legend_entries / LEGEND_COLUMNS) * LEGEND_ROW_INCHES
    named_missing = list(missing[:max_missing] if max_missing is not None else missing)
    missing_lines = math.ceil(len(named_missing) / MISSING_PER_LINE) + 1
    missing_height = (missing_lines + (len(named_missing) < len(missing))) * MISSING_LINE_INCHES

    bars_height = max(count, 2) * BAR_ROW_INCHES
    heights = [bars_height, legend_height]
    heights += ([HISTOGRAM_INCHES] if some else []) + ([missing_height] if missing else [])
    fig = new_figure(
        CORPUS_WIDTH_INCHES, BAR_FIXED_INCHES + sum(heights) + (NOTE_INCHES if note else 0)
    )
    grid = fig.add_gridspec(
        len(heights),
        2 if has_appendix else 1,
        width_ratios=[1, APPENDIX_WIDTH_RATIO] if has_appendix else [1],
        height_ratios=heights,
    )
    font = fit_font(count, bars_height)
    positions = np.arange(count)
    ax = fig.add_subplot(grid[0, 0])
    left = np.zeros(count)
    for column, part in enumerate(BODY_PARTS):
        if part in used_parts:
            ax.barh(positions, body[:, column], left=left, color=PART_COLORS[part], height=0.7)
            left += body[:, column]
    _bar_totals(ax, positions, body.sum(axis=1), font)
    ax.set_yticks(positions, regions, fontsize=font)
    ax.set_ylim(count - 0.5, -0.5)
    ax.set_xlabel("正文字数 characters of the body")
    ax.set_title("各部分篇幅 Length of each part of the body", fontsize=TITLE_FONT)

    handles = [Patch(color=PART_COLORS[part], label=PART_NAMES[part]) for part in used_parts]
    if has_appendix:
        side = fig.add_subplot(grid[0, 1], sharey=ax)
        side.barh(positions, appendix, color=PART_COLORS[APPENDIX], height=0.7)
        _bar_totals(side, positions, appendix, font)
        side.tick_params(labelleft=False)
        side.locator_params(axis="x", nbins=2)
        side.set_xlabel("字数 characters")
        side.set_title("附录 appendix\n（不参与建模 not modelled）", fontsize=TITLE_FONT - 1)
        handles.append(Patch(color=PART_COLORS[APPENDIX], label=PART_NAMES[APPENDIX]))
    key = fig.add_subplot(grid[1, :])
    key.set_axis_off()
    key.legend(
        handles=handles, loc="center", ncols=LEGEND_COLUMNS, fontsize=MAX_FONT, frameon=False
    )
    if some:
        spread = fig.add_subplot(grid[2, :])
        spread.hist(np.asarray(lengths, float), bins=HISTOGRAM_BINS, color=PART_COLORS["review"])
        spread.set_title(
            f"全部 {total} 份报告的正文字数分布 Body length of all {total} reports",
            fontsize=TITLE_FONT,
        )
        spread.set_xlabel("正文字数 characters of the body", fontsize=MAX_FONT)
        spread.set_ylabel("报告数 reports", fontsize=MAX_FONT)
        spread.xaxis.set_major_formatter(_thousands())
        spread.yaxis.get_major_locator().set_params(integer=True)
        spread.tick_params(labelsize=MAX_FONT - 1)
        spread.spines[["top", "right"]].set_visible(False)
    if missing:
        box = fig.add_subplot(grid[len(heights) - 1, :])
        box.set_axis_off()
        names = [
            "、".join(named_missing[start : start + MISSING_PER_LINE])
            for start in range(0, len(named_missing), MISSING_PER_LINE)
        ]
        if len(named_missing) < len(missing):
            names.append(f"…… 等 {len(missing)} 份 ({len(missing)} in all)")
        box.text(
            0,
            0.5,
            f"目录所列但缺失的报告 Listed in the table of contents but missing ({len(missing)}):\n"
            + "\n".join(names),
            va="center",
            ha="left",
            fontsize=MAX_FONT,
            transform=box.transAxes,
            bbox={"boxstyle": "round", "facecolor": "#fff4e5", "edgecolor": "#e0a458"},
        )
    fig.suptitle(titled(f"语料概览 Corpus: {total} 份报告 reports", note), fontsize=SUPTITLE_FONT)
    return fig


def _thousands():
    from matplotlib.ticker import StrMethodFormatter

    return StrMethodFormatter("{x:,.0f}")


def _bar_totals(ax, positions, totals, font: float) -> None:
    """Write each bar's total at its end, with room for it; thousands separated."""
    from matplotlib.ticker import StrMethodFormatter

    for position, total in zip(positions, totals, strict=True):
        if total:
            ax.text(total, position, f" {total:,.0f}", va="center", fontsize=font)
    ax.set_xlim(0, max(totals.max(initial=0), 1) * TOTAL_LABEL_MARGIN)
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.tick_params(axis="x", labelsize=MAX_FONT - 1)
    ax.spines[["top", "right"]].set_visible(False)


def load_corpus(reports_csv, toc_csv, text_dir, named=(), max_regions: int | None = None, log=LOG):
    """(report labels, characters[label][part], missing regions) from results/corpus/.

    With `max_regions`, of the regions `select_regions` picks (only their texts are read).
    """
    reports = read_csv(reports_csv)
    if max_regions is not None:
        keys = list(region_keys(reports).values())
        chosen = shown_regions(keys, named, max_regions, "corpus", log)
        reports = [reports[index] for index in chosen]
    characters = {}
    for report in reports:
        counts = dict.fromkeys((*BODY_PARTS, APPENDIX), 0)
        for paragraph in read_jsonl(Path(text_dir) / f"{report['report_id']}.jsonl"):
            part = paragraph["part"] if paragraph["part"] in counts else "other"
            counts[part] += len(paragraph["text"])
        characters[report["label"]] = counts
    missing = [row["listed_region"] for row in read_csv(toc_csv) if row["found"] != "yes"]
    return [report["label"] for report in reports], characters, missing


def draw(reports_csv, toc_csv, text_dir, named: Sequence[str], max_regions: int, log=LOG):
    """The corpus figure of the tables of results/corpus/ (`named`: figures.regions)."""
    labels, characters, missing = load_corpus(
        reports_csv, toc_csv, text_dir, named, max_regions, log
    )
    if missing:
        log.info("missing reports named in the figure: %s", "、".join(missing))
    lengths = [float(row["characters"]) for row in read_csv(reports_csv)]
    note = selection_note(len(labels), len(lengths), bool(named), "corpus/reports.csv")
    return corpus_figure(labels, characters, missing, lengths, note, max_regions)


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    fig = draw(
        snakemake.input.reports,
        snakemake.input.toc,
        snakemake.input.text,
        params.regions,
        params.max_regions,
        log,
    )
    save_figure(fig, snakemake.output.png, snakemake.output.svg, params.dpi)
    log.info("corpus -> %s, %s", snakemake.output.png, snakemake.output.svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_corpus.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_corpus")
    main(snakemake)  # noqa: F821
