"""Figures of the comparison: corpus, keywords, topic models, similarity between regions.

One pure function per figure takes plain data (lists, dicts, numpy arrays) and returns a
matplotlib Figure; loaders read the result tables into that data; `main` is the thin Snakemake
entry that dispatches on the rule, draws and saves (PNG and SVG, see plotting.py).

What readers see is in Chinese with English beside it. Figures grow with the number of regions
and topics, and small multiples wrap into a grid, so that the 31 provincial reports stay legible;
only past a size limit do the labels shrink, never below MIN_FONT points.

Scale (thousands of regions): a figure names regions one by one (a panel, a bar, a label, a leaf)
for at most `figures.max_regions` of them, and says so in its title when there are more:

- small multiples (top terms, word clouds) and the corpus bars show a selection: the regions of
  `figures.regions` if set, else the first by report id (the order of the result tables);
- heatmaps (region × region, region × topic) show every region, as one image (rasterized in SVG
  too) in clustering order, without names, cell borders or values;
- dendrograms are cut to `max_regions` clusters, each named by its most central region and size.

Tables are read a row at a time where they are large (similarity matrices, document topics), so
that 3,000 regions take seconds and a few hundred MB, not hours and gigabytes.
"""

import csv
import itertools
import json
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
from gwr.io import CSV_ENCODING, read_csv, read_jsonl, setup_logging
from gwr.names import PARTS as REPORT_PARTS
from gwr.plotting import cjk_font_path, save_figure, setup_matplotlib

# --- Layout (inches and points; not user settings) ------------------------------------------
POINTS_PER_INCH = 72
MAX_FONT = 9  # tick labels and annotations at their largest
MIN_FONT = 6  # ... and at their smallest, for very many regions
TITLE_FONT = 11
SUPTITLE_FONT = 13
SUPTITLE_INCHES = 0.5
TICK_FILL = 0.62  # share of a row's height a tick label's font may take
ANNOTATION_FILL = 0.32  # share of a cell's height an annotation's font may take
MAX_FIGURE_INCHES = 40  # beyond this a figure stops growing and its labels shrink instead
BAR_ROW_INCHES = 0.32  # one region's bar in the corpus figure
BAR_FIXED_INCHES = 1.5  # titles and axis of the corpus figure
LEGEND_COLUMNS = 3
LEGEND_ROW_INCHES = 0.28
MISSING_PER_LINE = 10  # region names per line in the box of missing reports
MISSING_LINE_INCHES = 0.2
CORPUS_WIDTH_INCHES = 9.0
APPENDIX_WIDTH_RATIO = 0.28  # width of the appendix panel against the body panel
TOTAL_LABEL_MARGIN = 1.18  # room to the right of the longest bar for its total
GRID_MAX_COLUMNS = 5  # small multiples per row
TERM_PANEL_WIDTH = 3.1
TERM_ROW_INCHES = 0.24  # one term's bar in a small-multiple panel
TERM_PANEL_FIXED = 0.9  # panel title and axis
BAR_SHADE = 0.7  # where on the colormap the bars of term charts are taken
CELL_INCHES = 0.42  # one heatmap cell
MIN_HEATMAP_INCHES = 2.6  # the smallest side of a square heatmap
MIN_HEATMAP_ROWS_INCHES = 1.0  # the smallest height of a regions × topics heatmap
HEATMAP_FIXED_INCHES = 2.8  # labels, title and colorbar around a heatmap
LABEL_INCHES_PER_CHAR = 0.14  # room taken by one character of a rotated tick label
MISSING_COLOR = "#eeeeee"  # heatmap cells without a value
DARK_TEXT_LUMINANCE = 0.5  # cells darker than this get white annotations
DENDRO_LEAF_INCHES = 0.3
DENDRO_ZOOM_FROM = 0.5  # zoom the distance axis when every join is beyond this share of the last
DENDRO_MARGIN = 0.05  # room beyond the last join (share of the span of joins)
DENDRO_ZOOM_MARGIN = 0.3  # room before the first join on a zoomed axis
DENDRO_MIN_LEAVES = 5  # a dendrogram of a few regions is drawn as high as one of this many
DENDRO_PANEL_WIDTH = 4.2
DENDRO_CLUSTER_LABEL_INCHES = 1.4  # more width for leaves named "东城区 等 12 个" (a cut tree)
DENDRO_FIXED_INCHES = 1.6
MODEL_PANEL_INCHES = (3.6, 2.8)
WORDCLOUD_PIXELS = (600, 400)  # width, height of one word cloud image
WORDCLOUD_PANEL_INCHES = (3.6, 2.6)
WORDCLOUD_SHADES = (0.45, 1.0)  # colormap range for words, smallest to largest (readable on white)
WORDCLOUD_MARGIN = 2
GRID_COLUMNS_WORDCLOUD = 4
RASTER_INCHES = 8.0  # side of a region × region heatmap drawn as one image (regions unnamed)
RASTER_ROWS_INCHES = 7.0  # height of the rows of a region × topic heatmap drawn as one image
RASTER_MIN_WIDTH_INCHES = 9.0  # room for the title lines of a heatmap drawn as one image
RASTER_MAX_CELLS = 600  # beyond, runs of rows (regions) are averaged: 2 pixels or more each
HISTOGRAM_BINS = 30  # bins of the distribution of report lengths (corpus figure, many reports)
HISTOGRAM_INCHES = 2.2
NOTE_INCHES = 0.45  # the two title lines that say how many regions a figure shows
DOC_CHUNK = 20_000  # rows of doc_topics.csv converted at once (memory, not results)

# The parts of a report as the splitter names them: the body's, and the appendix.
APPENDIX = "appendix"
PARTS = tuple(part for part in REPORT_PARTS if part != APPENDIX)
PART_NAMES = {
    "opening": "开篇 opening",
    "review": "工作回顾 review of the past year",
    "plans": "今年安排 plans for this year",
    "government": "政府自身建设 government's own conduct",
    "closing": "结语 closing appeal",
    "other": "其他 other",
    APPENDIX: "附录 appendix",
}
PART_COLORS = {
    "opening": "#9e9e9e",
    "review": "#4e79a7",
    "plans": "#f28e2b",
    "government": "#59a14f",
    "closing": "#b07aa1",
    "other": "#bab0ac",
    APPENDIX: "#d4a373",
}
COMPARED_PARTS = ("review", "plans")

# The LDA metrics of model_selection.csv: column stem, title, which way is better, with sd.
METRICS = (
    ("c_npmi", "NPMI 一致性 coherence c_npmi", "越高越好 higher is better", True),
    ("c_v", "C_V 一致性 coherence c_v", "越高越好 higher is better", True),
    ("u_mass", "UMass 一致性 coherence u_mass", "越高越好 higher is better", True),
    ("perplexity", "困惑度 perplexity", "越低越好 lower is better", True),
    ("topic_diversity", "主题多样性 topic diversity", "越高越好 higher is better", True),
    ("stability", "跨种子稳定性 stability across seeds", "越高越好 higher is better", False),
)

# The three matrices of similarity/: how to read them, how to cluster them.
MEASURES = {
    "tfidf": {
        "title": "TF-IDF 余弦相似度 cosine similarity of keywords",
        "short": "关键词 keywords: TF-IDF 余弦 cosine",
        "reading": "越高越相似 higher = more alike",
        "colorbar": "余弦相似度 cosine similarity",
        "distance": "距离 distance = 1 − 余弦 cosine",
        "similarity": True,
    },
    "jsd": {
        "title": "主题分布的 Jensen–Shannon 距离 distance between topic shares",
        "short": "主题 topics: Jensen–Shannon 距离 distance",
        "reading": "越低越相似 lower = more alike",
        "colorbar": "JS 距离 Jensen–Shannon distance",
        "distance": "JS 距离 Jensen–Shannon distance",
        "similarity": False,
    },
    "hellinger": {
        "title": "主题分布的 Hellinger 距离 distance between topic shares",
        "short": "主题 topics: Hellinger 距离 distance",
        "reading": "越低越相似 lower = more alike",
        "colorbar": "Hellinger 距离 distance",
        "distance": "Hellinger 距离 distance",
        "similarity": False,
    },
}


# --- Helpers ---------------------------------------------------------------------------------


def new_figure(width: float, height: float):
    """A Figure with an Agg canvas of its own (not registered with pyplot: nothing to leak)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(
        figsize=(min(width, MAX_FIGURE_INCHES), min(height, MAX_FIGURE_INCHES)),
        layout="constrained",
    )
    FigureCanvasAgg(fig)
    return fig


def fit_font(count: int, span_inches: float, fill: float = TICK_FILL) -> float:
    """Font size (points) for `count` labels sharing `span_inches`, within MIN_FONT…MAX_FONT."""
    per_label = span_inches * POINTS_PER_INCH / max(count, 1)
    return float(np.clip(per_label * fill, MIN_FONT, MAX_FONT))


def grid_shape(count: int, max_columns: int = GRID_MAX_COLUMNS) -> tuple[int, int]:
    columns = max(1, min(count, max_columns))
    return math.ceil(max(count, 1) / columns), columns


def region_labels(rows: Sequence[Mapping]) -> list[str]:
    """Display labels of reports (`label`, computed once at the split)."""
    return [row["label"] for row in rows]


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _cmap(name):
    import matplotlib

    return matplotlib.colormaps[name] if isinstance(name, str) else name


def _annotate(ax, values, image, fmt, fontsize: float) -> None:
    """Write each cell's value (none where it is missing), white on dark cells."""
    for (row, column), value in np.ndenumerate(values):
        if np.isnan(value):
            continue
        red, green, blue, _ = image.cmap(image.norm(value))
        luminance = 0.299 * red + 0.587 * green + 0.114 * blue
        ax.text(
            column,
            row,
            fmt(value),
            ha="center",
            va="center",
            fontsize=fontsize,
            color="white" if luminance < DARK_TEXT_LUMINANCE else "black",
        )


def _heatmap(
    ax,
    values,
    row_labels,
    column_labels,
    cmap,
    vmin,
    vmax,
    annotate: bool,
    fmt,
    cell_inches: float,
    show_rows: bool = True,
):
    """Draw `values` as a heatmap with labelled rows and columns; return the image."""
    cmap = _cmap(cmap).with_extremes(bad=MISSING_COLOR)
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    rows, columns = values.shape
    row_font = fit_font(1, cell_inches)
    ax.set_yticks(range(rows), row_labels, fontsize=row_font)
    ax.tick_params(axis="y", labelleft=show_rows)
    ax.set_xticks(
        range(columns),
        column_labels,
        fontsize=row_font,
        rotation=45 if columns > 1 else 0,
        ha="right" if columns > 1 else "center",
        rotation_mode="anchor",
    )
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(columns + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(rows + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if annotate:
        _annotate(ax, values, image, fmt, fit_font(1, cell_inches, ANNOTATION_FILL))
    return image


def _cell_inches(count: int) -> float:
    """Side of a heatmap cell: fixed, unless the figure would outgrow MAX_FIGURE_INCHES."""
    room = MAX_FIGURE_INCHES - HEATMAP_FIXED_INCHES
    return min(CELL_INCHES, room / max(count, 1))


def _side_inches(count: int) -> float:
    return max(MIN_HEATMAP_INCHES, count * _cell_inches(count))


def _label_inches(labels: Sequence[str]) -> float:
    """Room for the longest of these labels, set at 45 degrees."""
    longest = max((len(label) for label in labels), default=0)
    return min(longest * LABEL_INCHES_PER_CHAR * math.sin(math.pi / 4), MAX_FIGURE_INCHES / 4)


def topic_axis_labels(labels: Sequence[str]) -> list[str]:
    return [f"{number} {label}" for number, label in enumerate(labels, start=1)]


def _no_data(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_axis_off()


# --- Many regions ----------------------------------------------------------------------------


def region_keys(reports: Sequence[Mapping]) -> dict[str, tuple[str, str, str]]:
    """{display label: (label, region name, report id)} of reports.csv's rows: the names by
    which `figures.regions` may name a report."""
    labels = region_labels(reports)
    return {
        label: (label, row["region"], row["report_id"])
        for label, row in zip(labels, reports, strict=True)
    }


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


def raster_note(total: int, table: str, group: int = 1) -> str:
    """The title lines of a heatmap of too many regions to name (`group`: see `binned`)."""
    chinese = f"全部 {total} 个地区，按聚类排序，未逐一标名"
    english = f"all {total} regions in clustering order, unnamed"
    if group > 1:
        chinese += f"；每格为相邻 {group} 个地区的均值"
        english += f"; a cell averages {group} neighbours"
    return f"{chinese}\n{english}\n数值 values: {table}"


def _listed(names: Sequence[str], limit: int | None) -> str:
    """Names joined with 、, at most `limit` of them, then how many in all."""
    if limit is None or len(names) <= limit:
        return "、".join(names)
    return f"{'、'.join(names[:limit])} 等 {len(names)} 个 ({len(names)} in all)"


def binned(values: np.ndarray, limit: int = RASTER_MAX_CELLS) -> tuple[np.ndarray, int]:
    """`values` with runs of `group` rows (and of columns, where there are as many) averaged,
    so that neither side has more than `limit` cells; (values, group), group 1 if unchanged.

    The rows are in clustering order, so that a run holds regions that are alike; NaN cells are
    left out of a mean (NaN if all are).
    """
    rows, columns = values.shape
    group = math.ceil(max(rows, 1) / limit)
    if group <= 1:
        return values, 1
    column_group = group if columns > limit else 1
    padded = np.pad(
        values, ((0, -rows % group), (0, -columns % column_group)), constant_values=np.nan
    )
    blocks = padded.reshape(
        padded.shape[0] // group, group, padded.shape[1] // column_group, column_group
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN blocks: NaN, as meant
        return np.nanmean(blocks, axis=(1, 3)), group


def _raster(ax, values, cmap, vmin, vmax):
    """`values` as one image (rasterized in SVG too): no cell borders, names or values; more rows
    than RASTER_MAX_CELLS are averaged in runs (`binned`). Returns (image, group)."""
    cmap = _cmap(cmap).with_extremes(bad=MISSING_COLOR)
    values = np.asarray(values, float)
    shown, group = binned(values)
    image = ax.imshow(
        np.ma.masked_invalid(shown),
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
        aspect="auto",
        interpolation="nearest",
        # In the regions' coordinates, whatever the bins.
        extent=(-0.5, values.shape[1] - 0.5, values.shape[0] - 0.5, -0.5),
    )
    image.set_rasterized(True)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return image, group


# --- Figures ---------------------------------------------------------------------------------


def corpus_figure(
    regions: Sequence[str],
    characters: Mapping[str, Mapping[str, int]],
    missing: Sequence[str] = (),
    lengths: Sequence[float] | None = None,
    note: str = "",
    max_missing: int | None = None,
):
    """Characters per part of each report (stacked bars), appendix apart, missing reports named.

    `characters[region][part]` for the parts of PARTS and APPENDIX (absent parts count 0).
    When the bars show some of the reports, `lengths` holds the body length of every report
    (drawn as a histogram) and `note` says which are shown; at most `max_missing` missing
    reports are named.
    """
    from matplotlib.patches import Patch

    count = len(regions)
    total = count if lengths is None else len(lengths)
    some = total > count
    note = note if some else ""
    body = np.array([[characters[r].get(part, 0) for part in PARTS] for r in regions], float)
    body = body.reshape(count, len(PARTS))
    appendix = np.array([characters[r].get(APPENDIX, 0) for r in regions], float)
    has_appendix = bool(appendix.sum())
    used_parts = [part for column, part in enumerate(PARTS) if body[:, column].any()]
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
    for column, part in enumerate(PARTS):
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
    fig.suptitle(_titled(f"语料概览 Corpus: {total} 份报告 reports", note), fontsize=SUPTITLE_FONT)
    return fig


def _titled(title: str, note: str) -> str:
    return f"{title}\n{note}" if note else title


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


def _bar_grid(panels, top_n: int, xlabel: str, suptitle: str, color, share_x: bool, note: str = ""):
    """Small multiples of horizontal bars: `panels` = [(title, [(term, value), …]), …]."""
    rows, columns = grid_shape(len(panels))
    panel_height = TERM_PANEL_FIXED + top_n * TERM_ROW_INCHES
    title_height = SUPTITLE_INCHES + (NOTE_INCHES if note else 0)
    fig = new_figure(columns * TERM_PANEL_WIDTH, rows * panel_height + title_height)
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).ravel()
    largest = max((value for _, items in panels for _, value in items[:top_n]), default=1.0)
    font = fit_font(top_n, panel_height - TERM_PANEL_FIXED)
    for ax, (title, items) in zip(axes, panels, strict=False):
        items = list(items)[:top_n]
        ax.set_title(title, fontsize=TITLE_FONT - 1)
        if not items:
            _no_data(ax, "无数据 no data")
            continue
        terms = [term for term, _ in items]
        values = [value for _, value in items]
        ax.barh(range(len(items)), values, color=color, height=0.7)
        ax.set_yticks(range(len(items)), terms, fontsize=font)
        ax.set_ylim(top_n - 0.5, -0.5)
        if share_x:
            ax.set_xlim(0, largest * 1.05)
        ax.tick_params(axis="x", labelsize=MIN_FONT + 1)
        ax.locator_params(axis="x", nbins=4)
        ax.set_xlabel(xlabel, fontsize=MIN_FONT + 2)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(panels) :]:
        ax.set_axis_off()
    fig.suptitle(_titled(suptitle, note), fontsize=SUPTITLE_FONT)
    return fig


def top_terms_figure(
    terms: Mapping[str, Sequence[tuple[str, float]]], top_n: int, cmap="YlGnBu", note: str = ""
):
    """One bar chart per region of its `top_n` terms by TF-IDF (`terms[region]` ranked); `note`
    says which regions are shown when they are not all (see `selection_note`)."""
    return _bar_grid(
        list(terms.items()),
        top_n,
        "TF-IDF 分值 score",
        f"各地区最具特色的词 Most distinctive terms by region (TF-IDF, top {top_n})",
        _cmap(cmap)(BAR_SHADE),
        share_x=True,
        note=note,
    )


def topics_figure(topics: Sequence[Mapping], top_n: int, cmap="YlGnBu"):
    """One bar chart per topic of its `top_n` terms by weight.

    `topics`: [{"topic": 1, "label": "…", "terms": [(term, weight), …]}, …].
    """
    panels = [
        (f"主题 {topic['topic']} Topic {topic['topic']}\n{topic['label']}", topic["terms"])
        for topic in topics
    ]
    return _bar_grid(
        panels,
        top_n,
        "权重 weight p(词 term | 主题 topic)",
        f"LDA 主题的主要词 Top {top_n} terms of each topic ({len(topics)} topics)",
        _cmap(cmap)(BAR_SHADE),
        share_x=False,
    )


def model_selection_figure(rows: Sequence[Mapping[str, float]], chosen_k: int | None):
    """Every metric against K (mean ± sd over seeds where there is one), chosen K marked.

    `rows`: one per K, with "k", "<metric>_mean", "<metric>_sd" and "stability" (floats).
    """
    from matplotlib.lines import Line2D

    rows = sorted(rows, key=lambda row: row["k"])
    ks = np.array([row["k"] for row in rows], float)
    grid_rows, grid_columns = grid_shape(len(METRICS), 3)
    fig = new_figure(grid_columns * MODEL_PANEL_INCHES[0], grid_rows * MODEL_PANEL_INCHES[1] + 1.0)
    axes = fig.subplots(grid_rows, grid_columns, squeeze=False).ravel()
    line_color, chosen_color = "#4e79a7", "#e15759"
    for ax, (key, title, better, has_sd) in zip(axes, METRICS, strict=False):
        if has_sd:
            means = np.array([row.get(f"{key}_mean", np.nan) for row in rows], float)
            sds = np.nan_to_num(np.array([row.get(f"{key}_sd", np.nan) for row in rows], float))
            ax.errorbar(ks, means, yerr=sds, marker="o", capsize=3, color=line_color, ms=4)
        else:
            means = np.array([row.get(key, np.nan) for row in rows], float)
            ax.plot(ks, means, marker="o", color=line_color, ms=4)
        if chosen_k is not None:
            ax.axvline(chosen_k, color=chosen_color, linestyle="--", linewidth=1)
            at = np.flatnonzero(ks == chosen_k)
            if at.size:
                ax.plot(ks[at], means[at], marker="o", ms=9, mfc="none", color=chosen_color)
        ax.set_title(f"{title}\n{better}", fontsize=TITLE_FONT - 1)
        ax.set_xticks(ks, [f"{k:g}" for k in ks], fontsize=MAX_FONT - 1)
        ax.tick_params(axis="y", labelsize=MAX_FONT - 1)
        ax.set_xlabel("主题数 K number of topics", fontsize=MAX_FONT)
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(METRICS) :]:
        ax.set_axis_off()
    handles = [
        Line2D([], [], color=line_color, marker="o", label="均值 ± 标准差 mean ± sd over seeds"),
    ]
    if chosen_k is not None:
        handles.append(
            Line2D([], [], color=chosen_color, linestyle="--", label=f"所选 chosen K = {chosen_k}")
        )
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=MAX_FONT)
    fig.suptitle("主题数的选择 Choosing the number of topics", fontsize=SUPTITLE_FONT)
    return fig


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
        fig, axes = _raster_figure(1, topics, column_labels)
        ax = axes[0]
        image, group = _raster(ax, rows, cmap, 0, None)
        _topic_ticks(ax, column_labels, _cell_inches(topics))
        ax.set_ylabel(f"{count} 个地区 regions（按聚类排序 in clustering order）")
        title = _titled(title, raster_note(count, "lda/chosen/report_topics.csv", group))
    else:
        cell = min(_cell_inches(count), _cell_inches(topics))
        width = max(MIN_HEATMAP_INCHES, topics * cell) + HEATMAP_FIXED_INCHES
        height = max(MIN_HEATMAP_ROWS_INCHES, count * cell) + HEATMAP_FIXED_INCHES
        fig = new_figure(width + 1.0, height + _label_inches(column_labels))
        ax = fig.add_subplot()
        annotate = count <= annotate_max and topics <= annotate_max
        image = _heatmap(
            ax, shares, regions, column_labels, cmap, 0, None, annotate, _percent, cell
        )
        ax.set_ylabel("地区 region")
    ax.set_xlabel("主题 topic (LDA)")
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8, format=_percent_formatter())
    colorbar.set_label("主题占比 topic share")
    ax.set_title(title, fontsize=TITLE_FONT + 1)
    return fig


def _raster_figure(panels: int, topics: int, column_labels: Sequence[str]):
    """A figure of `panels` region × topic heatmaps drawn as images, side by side."""
    panel_width = max(MIN_HEATMAP_INCHES, topics * _cell_inches(topics))
    width = max(panels * panel_width + panels * HEATMAP_FIXED_INCHES, RASTER_MIN_WIDTH_INCHES)
    height = RASTER_ROWS_INCHES + HEATMAP_FIXED_INCHES + NOTE_INCHES
    fig = new_figure(width, height + _label_inches(column_labels))
    return fig, np.atleast_1d(fig.subplots(1, panels))


def _topic_ticks(ax, column_labels: Sequence[str], cell_inches: float) -> None:
    """Topic labels under the columns of a heatmap drawn as an image (as `_heatmap` sets them)."""
    columns = len(column_labels)
    ax.set_xticks(
        range(columns),
        column_labels,
        fontsize=fit_font(1, cell_inches),
        rotation=45 if columns > 1 else 0,
        ha="right" if columns > 1 else "center",
        rotation_mode="anchor",
    )
    ax.tick_params(length=0)


def _percent_formatter():
    """Colorbar ticks in percent, with as many decimals as the ticks need (2.5%, not 2%)."""
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1)


def parts_topics_figure(
    regions: Sequence[str],
    labels: Sequence[str],
    review: np.ndarray,
    plans: np.ndarray,
    cmap="YlGnBu",
    cmap_diverging="RdBu_r",
    annotate_max: int = 20,
    max_regions: int | None = None,
    order: Sequence[int] | None = None,
):
    """Topic shares in the review of the past year, in the plans for this year, and the shift.

    Three heatmaps (regions × topics) side by side; rows are NaN where a region lacks the part.
    More than `max_regions` regions: images, rows in `order` (the clustering's), unnamed.
    """
    review = np.asarray(review, float)
    plans = np.asarray(plans, float)
    count, topics = review.shape
    shift = plans - review
    column_labels = topic_axis_labels(labels)
    raster = max_regions is not None and count > max_regions
    if raster:
        fig, axes = _raster_figure(3, topics, column_labels)
    else:
        cell = min(_cell_inches(count), _cell_inches(3 * topics))
        panel_width = max(MIN_HEATMAP_INCHES, topics * cell)
        width = 3 * panel_width + 2 * HEATMAP_FIXED_INCHES
        height = max(MIN_HEATMAP_ROWS_INCHES, count * cell) + HEATMAP_FIXED_INCHES
        fig = new_figure(width, height + _label_inches(column_labels))
        axes = fig.subplots(1, 3)
    annotate = count <= annotate_max and topics <= annotate_max
    top = np.nanmax(np.concatenate([review, plans]), initial=0) if review.size else 1
    reach = np.nanmax(np.abs(shift), initial=0) or 1
    panels = [
        (review, cmap, 0, top, f"{PART_NAMES['review']}"),
        (plans, cmap, 0, top, f"{PART_NAMES['plans']}"),
        (shift, cmap_diverging, -reach, reach, "变化 shift: 安排 − 回顾 plans − review"),
    ]
    rows = list(range(count)) if order is None or not raster else list(order)
    images = []
    for index, (ax, (values, colors, low, high, title)) in enumerate(
        zip(axes, panels, strict=True)
    ):
        if raster:
            image, group = _raster(ax, values[rows], colors, low, high)
            images.append(image)
            _topic_ticks(ax, column_labels, _cell_inches(topics))
        else:
            images.append(
                _heatmap(
                    ax,
                    values,
                    regions,
                    column_labels,
                    colors,
                    low,
                    high,
                    annotate,
                    _signed_points if index == 2 else _percent,
                    cell,
                    show_rows=index != 1,  # the shift panel stands apart: label it too
                )
            )
        ax.set_title(title, fontsize=TITLE_FONT)
        ax.set_xlabel("主题 topic (LDA)")
    if raster:
        axes[0].set_ylabel(f"{count} 个地区 regions（按聚类排序 in clustering order）")
    else:
        axes[0].set_ylabel("地区 region")
    shares_bar = fig.colorbar(images[1], ax=axes[:2], shrink=0.8, format=_percent_formatter())
    shares_bar.set_label("主题占比 topic share")
    shift_bar = fig.colorbar(images[2], ax=axes[2], shrink=0.8, format=_points_formatter())
    shift_bar.set_label("变化 change (百分点 percentage points)")
    missing = [region for region, row in zip(regions, shift, strict=True) if np.isnan(row).all()]
    title = "回顾与安排的主题占比 Topic shares: review of the past year vs plans for this year"
    if missing:
        title += f"\n灰色：该部分缺失 grey: part missing ({_listed(missing, max_regions)})"
    if raster:
        title = _titled(title, raster_note(count, "lda/chosen/doc_topics.csv", group))
    fig.suptitle(title, fontsize=SUPTITLE_FONT)
    return fig


def _signed_points(value: float) -> str:
    return f"{value * 100:+.0f}"


def _points_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: f"{value * 100:+g}" if value else "0")


def similarity_figure(
    labels: Sequence[str],
    matrix: np.ndarray,
    measure: str,
    cmap="YlGnBu",
    annotate_max: int = 20,
    order: Sequence[int] | None = None,
    max_regions: int | None = None,
):
    """Heatmap of one region × region matrix of MEASURES (`order`: rows and columns reordered).

    The colour scale spans the off-diagonal values (the diagonal, 1 or 0 by definition, would
    wash them out) and runs so that dark always means alike: reversed for distances. More than
    `max_regions` regions: one image, unnamed, no values (`raster_note` says so).
    """
    info = MEASURES[measure]
    matrix = np.asarray(matrix, float)
    count = len(labels)
    if order is not None:
        order = list(order)
        matrix = matrix[np.ix_(order, order)]
        labels = [labels[index] for index in order]
    colors = _cmap(cmap) if info["similarity"] else _cmap(cmap).reversed()
    low, high = 0, 1
    if count > 1:
        off_diagonal = ~np.eye(count, dtype=bool)
        low = matrix.min(where=off_diagonal, initial=np.inf)
        high = matrix.max(where=off_diagonal, initial=-np.inf)
    if high <= low:
        low, high = low - 0.5, high + 0.5
    shown = matrix.copy()
    np.fill_diagonal(shown, np.nan)
    subtitle = info["reading"]
    if order is not None:
        subtitle += "；按聚类排序 ordered by clustering"
    if max_regions is not None and count > max_regions:
        fig = new_figure(
            RASTER_INCHES + HEATMAP_FIXED_INCHES + 1.0,
            RASTER_INCHES + HEATMAP_FIXED_INCHES + NOTE_INCHES,
        )
        ax = fig.add_subplot()
        image, group = _raster(ax, shown, colors, low, high)
        ax.set_xlabel(f"{count} 个地区 regions")
        ax.set_ylabel(f"{count} 个地区 regions")
        table = f"similarity/{SIMILARITY_INPUTS[measure]}.csv"
        subtitle += "\n" + raster_note(count, table, group)
    else:
        cell = _cell_inches(count)
        side = _side_inches(count)
        fig = new_figure(side + HEATMAP_FIXED_INCHES + 1.0, side + HEATMAP_FIXED_INCHES)
        ax = fig.add_subplot()
        annotate = count <= annotate_max
        image = _heatmap(
            ax, shown, labels, labels, colors, low, high, annotate, _two_decimals, cell
        )
        if annotate:
            font = fit_font(1, side / max(count, 1), ANNOTATION_FILL)
            for index in range(count):
                text = _two_decimals(matrix[index, index])
                ax.text(index, index, text, ha="center", va="center", fontsize=font, color="grey")
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8)
    colorbar.set_label(
        info["colorbar"] + ("" if info["similarity"] else "（深色 = 相似 dark = alike）")
    )
    ax.set_title(f"{info['title']}\n{subtitle}", fontsize=TITLE_FONT)
    return fig


def _two_decimals(value: float) -> str:
    return f"{value:.2f}"


def distance_matrix(matrix: np.ndarray, measure: str) -> np.ndarray:
    """Symmetric distances with a zero diagonal: 1 − cosine for TF-IDF, else as given."""
    matrix = np.asarray(matrix, float)
    distances = 1.0 - matrix if MEASURES[measure]["similarity"] else matrix.copy()
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
        info = MEASURES[measure]
        ax.set_title(info["short"], fontsize=TITLE_FONT)
        distances = np.asarray(distances, float)
        tree = linkage_of(distances, method, optimal_max)
        if tree is None:
            _no_data(ax, "至少需要两个地区\nat least two regions needed")
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
        label = info["distance"]
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


def wordcloud_image(
    frequencies: Mapping[str, float], font_path: str, max_words: int, seed: int, cmap="YlGnBu"
) -> np.ndarray:
    """A word cloud (RGB array) of `frequencies`, horizontal words, reproducible for a seed."""
    from wordcloud import WordCloud

    colors = _cmap(cmap)
    cloud = WordCloud(
        font_path=font_path,
        width=WORDCLOUD_PIXELS[0],
        height=WORDCLOUD_PIXELS[1],
        background_color="white",
        max_words=max_words,
        prefer_horizontal=1.0,
        margin=WORDCLOUD_MARGIN,
        random_state=seed,
    ).generate_from_frequencies(dict(frequencies))
    largest = max((size for _, size, *_ in cloud.layout_), default=1)
    low, high = WORDCLOUD_SHADES

    def color(word, font_size, *args, **kwargs):
        red, green, blue, _ = colors(low + (high - low) * font_size / largest)
        return f"rgb({red * 255:.0f}, {green * 255:.0f}, {blue * 255:.0f})"

    return cloud.recolor(color_func=color, random_state=seed).to_array()


def wordclouds_figure(
    frequencies: Mapping[str, Mapping[str, float]],
    font_path: str,
    max_words: int,
    seed: int,
    cmap="YlGnBu",
    note: str = "",
):
    """Small multiples: a word cloud per region (`frequencies[region]` = {term: TF-IDF}); `note`
    says which regions are shown when they are not all (see `selection_note`)."""
    rows, columns = grid_shape(len(frequencies), GRID_COLUMNS_WORDCLOUD)
    height = rows * WORDCLOUD_PANEL_INCHES[1] + 0.6 + (NOTE_INCHES if note else 0)
    fig = new_figure(columns * WORDCLOUD_PANEL_INCHES[0], height)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, (region, terms) in zip(axes, frequencies.items(), strict=False):
        ax.set_title(region, fontsize=TITLE_FONT)
        terms = {term: value for term, value in terms.items() if value > 0}
        if not terms:
            _no_data(ax, "无数据 no data")
            continue
        ax.imshow(wordcloud_image(terms, font_path, max_words, seed, cmap), interpolation="none")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color("#dddddd")
    for ax in axes[len(frequencies) :]:
        ax.set_axis_off()
    title = (
        "各地区关键词词云 Keyword clouds by region (字号按 TF-IDF 分值 word size ∝ TF-IDF score)"
    )
    fig.suptitle(_titled(title, note), fontsize=SUPTITLE_FONT)
    return fig


# --- Loaders ---------------------------------------------------------------------------------


def load_corpus(reports_csv, toc_csv, text_dir, named=(), max_regions: int | None = None):
    """(region labels, characters[label][part], missing regions) from results/corpus/.

    With `max_regions`, of the regions `select_regions` picks (only their texts are read).
    """
    reports = read_csv(reports_csv)
    labels = region_labels(reports)
    if max_regions is not None:
        keys = list(region_keys(reports).values())
        chosen = select_regions(keys, named, max_regions)
        reports = [reports[index] for index in chosen]
        labels = [labels[index] for index in chosen]
    characters = {}
    for label, report in zip(labels, reports, strict=True):
        counts = dict.fromkeys((*PARTS, APPENDIX), 0)
        for paragraph in read_jsonl(Path(text_dir) / f"{report['report_id']}.jsonl"):
            part = paragraph["part"] if paragraph["part"] in counts else "other"
            counts[part] += len(paragraph["text"])
        characters[label] = counts
    missing = [row["listed_region"] for row in read_csv(toc_csv) if row["found"] != "yes"]
    return labels, characters, missing


def load_top_terms(path, reports=None) -> dict[str, list[tuple[str, float]]]:
    """{region label: [(term, tfidf), …] by rank}, regions in the table's order.

    Labelled as the similarity tables label them when reports.csv's rows are given (they tell
    regions of the same name apart by parent and year), else from the table alone.
    """
    rows = read_csv(path)
    firsts = list({row["report_id"]: row for row in rows}.values())
    if reports is None:
        labels = dict(zip((r["report_id"] for r in firsts), region_labels(firsts), strict=True))
    else:
        labels = {key[2]: label for label, key in region_keys(reports).items()}
    terms: dict[str, list[tuple[int, str, float]]] = {labels[r["report_id"]]: [] for r in firsts}
    for row in rows:
        terms[labels[row["report_id"]]].append((int(row["rank"]), row["term"], float(row["tfidf"])))
    return {label: [(t, s) for _, t, s in sorted(items)] for label, items in terms.items()}


def _number(text: str) -> float:
    return float(text) if text not in ("", None) else float("nan")


def load_chosen(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_model_selection(path) -> list[dict[str, float]]:
    """model_selection.csv as numbers (NaN for empty cells); text columns are left out."""
    rows = []
    for row in read_csv(path):
        numbers = {}
        for key, value in row.items():
            if key in ("chosen", "kept_seed"):
                continue
            numbers[key] = _number(value)
        rows.append(numbers)
    return rows


def load_topics(path, top_n: int) -> list[dict]:
    """Each topic's `top_n` terms by weight: [{"topic", "label", "terms": [(term, weight)]}]."""
    topics: dict[int, dict] = {}
    for row in read_csv(path):
        if row["ranking"] != "weight" or int(row["rank"]) > top_n:
            continue
        topic = topics.setdefault(
            int(row["topic"]), {"topic": int(row["topic"]), "label": row["label"], "terms": []}
        )
        topic["terms"].append((int(row["rank"]), row["term"], float(row["weight"])))
    result = []
    for number in sorted(topics):
        topic = topics[number]
        topic["terms"] = [(term, weight) for _, term, weight in sorted(topic["terms"])]
        result.append(topic)
    return result


def _topic_columns(header: Sequence[str]) -> list[str]:
    columns = [column for column in header if column.startswith("topic_")]
    return sorted(columns, key=lambda column: int(column.split("_", 1)[1]))


def load_report_topics(path) -> tuple[list[str], np.ndarray]:
    rows = read_csv(path)
    columns = _topic_columns(list(rows[0]) if rows else [])
    shares = np.array([[float(row[c]) for c in columns] for row in rows], float)
    return region_labels(rows), shares.reshape(len(rows), len(columns))


def part_topic_shares(
    doc_rows: Iterable[Mapping],
    report_ids: Sequence[str],
    parts=COMPARED_PARTS,
    columns: Sequence[str] | None = None,
) -> dict[str, np.ndarray]:
    """Per part, each report's topic shares: documents' vectors weighted by kept_tokens, rows
    normalised to 1 (NaN where the report has no document of that part).

    `doc_rows` may be a reader over doc_topics.csv (then give its `columns`): it is read once,
    DOC_CHUNK rows at a time, and added up in the order of the rows.
    """
    rows = iter(doc_rows)
    if columns is None:
        doc_rows = list(rows)
        rows = iter(doc_rows)
        columns = list(doc_rows[0]) if doc_rows else []
    columns = _topic_columns(columns)
    position = {report_id: index for index, report_id in enumerate(report_ids)}
    sums = {part: np.zeros((len(report_ids), len(columns))) for part in parts}
    while chunk := list(itertools.islice(rows, DOC_CHUNK)):
        for part, totals in sums.items():
            kept = [r for r in chunk if r["part"] == part and r["report_id"] in position]
            if not kept:
                continue
            vectors = np.array([[float(r[c]) for c in columns] for r in kept], float)
            weights = np.array([float(r["kept_tokens"]) for r in kept])
            at = [position[r["report_id"]] for r in kept]
            np.add.at(totals, at, weights[:, None] * vectors.reshape(len(kept), len(columns)))
    shares = {}
    for part, totals in sums.items():
        weight = totals.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares[part] = np.where(weight > 0, totals / weight, np.nan)
    return shares


def load_parts_topics(doc_topics_csv, reports_csv):
    """(region labels, {part: shares}) for the parts compared (doc_topics.csv read as it comes:
    one row per paragraph, hundreds of thousands for thousands of reports)."""
    reports = read_csv(reports_csv)
    with open(doc_topics_csv, encoding=CSV_ENCODING, newline="") as handle:
        reader = csv.DictReader(handle)
        shares = part_topic_shares(
            reader, [r["report_id"] for r in reports], columns=reader.fieldnames or []
        )
    return region_labels(reports), shares


def load_matrix(path) -> tuple[list[str], np.ndarray]:
    """A square region × region matrix of similarity/: (labels, values); checked.

    Read a row at a time into one array (3,000 × 3,000 values as text would take gigabytes).
    """
    mismatch = f"{path}: not a square matrix with the same labels on rows and columns"
    with open(path, encoding=CSV_ENCODING, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or header[0] != "region":
            raise ValueError(f"{path}: expected a header row starting with 'region'")
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


# --- Snakemake entry -------------------------------------------------------------------------


def _save(fig, png, svg, settings, log, what: str) -> None:
    save_figure(fig, png, svg, settings["dpi"])
    log.info("%s -> %s, %s", what, png, svg)


def _shown(keys, settings, log, what: str) -> list[int]:
    """`select_regions` with the figure settings, logged."""
    chosen = select_regions(keys, settings["regions"], settings["max_regions"])
    if len(chosen) < len(keys):
        log.info(
            "%s: %d of %d regions shown (%s)",
            what,
            len(chosen),
            len(keys),
            "figures.regions" if settings["regions"] else "the first by report id",
        )
    if settings["regions"] and len(chosen) == settings["max_regions"]:
        matched = sum(bool(set(settings["regions"]) & set(key)) for key in keys)
        if matched > len(chosen):
            log.warning(
                "figures.regions names %d reports; figures show the first %d (figures.max_regions)",
                matched,
                len(chosen),
            )
    return chosen


def draw_corpus(snakemake, settings, log) -> None:
    labels, characters, missing = load_corpus(
        snakemake.input.reports,
        snakemake.input.toc,
        snakemake.input.text,
        settings["regions"],
        settings["max_regions"],
    )
    reports = read_csv(snakemake.input.reports)
    if missing:
        log.info("missing reports named in the figure: %s", "、".join(missing))
    _shown(list(region_keys(reports).values()), settings, log, "corpus")
    lengths = [float(row["characters"]) for row in reports]
    note = selection_note(
        len(labels), len(reports), bool(settings["regions"]), "corpus/reports.csv"
    )
    fig = corpus_figure(labels, characters, missing, lengths, note, settings["max_regions"])
    _save(fig, snakemake.output.png, snakemake.output.svg, settings, log, "corpus")


def _top_terms_shown(snakemake, settings, log, what: str):
    """The regions' top terms that a figure shows, and the note that says which."""
    reports = read_csv(snakemake.input.reports)
    terms = load_top_terms(snakemake.input.top_terms, reports)
    keys = region_keys(reports)
    order = list(terms)
    chosen = _shown([keys[label] for label in order], settings, log, what)
    note = selection_note(len(chosen), len(order), bool(settings["regions"]), "tfidf/top_terms.csv")
    return {order[index]: terms[order[index]] for index in chosen}, note


def draw_top_terms(snakemake, settings, log) -> None:
    terms, note = _top_terms_shown(snakemake, settings, log, "top terms")
    fig = top_terms_figure(terms, settings["top_terms"], settings["cmap"], note)
    _save(fig, snakemake.output.png, snakemake.output.svg, settings, log, "top terms")


def draw_model_selection(snakemake, settings, log) -> None:
    rows = load_model_selection(snakemake.input.selection)
    chosen = load_chosen(snakemake.input.chosen)
    fig = model_selection_figure(rows, chosen.get("k"))
    _save(fig, snakemake.output.png, snakemake.output.svg, settings, log, "model selection")


def draw_topics(snakemake, settings, log) -> None:
    topics = load_topics(snakemake.input.topics, settings["top_terms"])
    chosen = load_chosen(snakemake.input.chosen)
    for topic, label in zip(topics, chosen.get("labels", []), strict=False):
        topic["label"] = label
    fig = topics_figure(topics, settings["top_terms"], settings["cmap"])
    _save(fig, snakemake.output.png, snakemake.output.svg, settings, log, "topics")


def _order(shares, settings) -> list[int] | None:
    """Clustering order of regions' topic shares, for a heatmap of too many regions to name."""
    if len(shares) <= settings["max_regions"]:
        return None
    return share_order(shares, settings["linkage"], settings["optimal_order_max"])


def draw_region_topics(snakemake, settings, log) -> None:
    regions, shares = load_report_topics(snakemake.input.report_topics)
    labels = load_chosen(snakemake.input.chosen)["labels"]
    fig = region_topics_figure(
        regions,
        labels,
        shares,
        settings["cmap"],
        settings["annotate_max"],
        settings["max_regions"],
        _order(shares, settings),
    )
    _save(fig, snakemake.output.png, snakemake.output.svg, settings, log, "region topics")


def draw_parts_topics(snakemake, settings, log) -> None:
    regions, shares = load_parts_topics(snakemake.input.doc_topics, snakemake.input.reports)
    labels = load_chosen(snakemake.input.chosen)["labels"]
    for part, values in shares.items():
        lacking = [r for r, row in zip(regions, values, strict=True) if np.isnan(row).all()]
        if lacking:
            log.warning("no modelled paragraph of part %s in: %s", part, "、".join(lacking))
    fig = parts_topics_figure(
        regions,
        labels,
        shares["review"],
        shares["plans"],
        settings["cmap"],
        settings["cmap_diverging"],
        settings["annotate_max"],
        settings["max_regions"],
        _order(np.hstack([shares["review"], shares["plans"]]), settings),
    )
    _save(fig, snakemake.output.png, snakemake.output.svg, settings, log, "parts topics")


SIMILARITY_INPUTS = {"tfidf": "tfidf_cosine", "jsd": "topic_jsd", "hellinger": "topic_hellinger"}


def _distances(snakemake, measure: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    labels, matrix = load_matrix(snakemake.input[SIMILARITY_INPUTS[measure]])
    return labels, matrix, distance_matrix(matrix, measure)


def draw_similarity(snakemake, settings, log) -> None:
    for measure in SIMILARITY_INPUTS:  # one at a time: 3,000 regions make 72 MB a matrix
        labels, matrix, distances = _distances(snakemake, measure)
        order = cluster_order(distances, settings["linkage"], settings["optimal_order_max"])
        del distances
        fig = similarity_figure(
            labels,
            matrix,
            measure,
            settings["cmap"],
            settings["annotate_max"],
            order,
            settings["max_regions"],
        )
        png, svg = snakemake.output[f"png_{measure}"], snakemake.output[f"svg_{measure}"]
        _save(fig, png, svg, settings, log, f"similarity {measure}")


def draw_dendrograms(snakemake, settings, log) -> None:
    panels = []
    for measure in SIMILARITY_INPUTS:
        labels, _, distances = _distances(snakemake, measure)
        panels.append((measure, labels, distances))
    fig = dendrograms_figure(
        panels, settings["linkage"], settings["max_regions"], settings["optimal_order_max"]
    )
    _save(fig, snakemake.output.png, snakemake.output.svg, settings, log, "dendrograms")


def draw_wordclouds(snakemake, settings, log) -> None:
    terms, note = _top_terms_shown(snakemake, settings, log, "word clouds")
    available = max((len(items) for items in terms.values()), default=0)
    if available < settings["wordcloud_words"]:
        log.info(
            "word clouds show at most %d terms per region (tfidf.top_n), not %d",
            available,
            settings["wordcloud_words"],
        )
    fig = wordclouds_figure(
        {region: dict(items) for region, items in terms.items()},
        str(cjk_font_path()),
        settings["wordcloud_words"],
        settings["wordcloud_seed"],
        settings["cmap"],
        note,
    )
    _save(fig, snakemake.output.png, snakemake.output.svg, settings, log, "word clouds")


RULES = {
    "fig_corpus": draw_corpus,
    "fig_top_terms": draw_top_terms,
    "fig_model_selection": draw_model_selection,
    "fig_topics": draw_topics,
    "fig_region_topics": draw_region_topics,
    "fig_parts_topics": draw_parts_topics,
    "fig_similarity": draw_similarity,
    "fig_dendrograms": draw_dendrograms,
    "fig_wordclouds": draw_wordclouds,
}


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    settings = dict(snakemake.params.settings)
    setup_matplotlib(settings["dpi"])
    RULES[snakemake.rule](snakemake, settings, log)


if __name__ == "__main__" and "snakemake" in globals():
    main(snakemake)  # noqa: F821
