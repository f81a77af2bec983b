"""Matplotlib set-up shared by the figures: a CJK font, reproducible and atomic output.

The font is NotoSansSC-Regular.ttf (SIL Open Font License), shipped inside the `zhplot` package.
It is located without importing zhplot, whose import changes matplotlib's global settings, and
registered with matplotlib's font manager directly, so that a font cache written before the font
was installed cannot hide it.

Figures are written twice, as PNG and as SVG, each to a temporary file that is renamed into place
on success, with the metadata that would change from run to run (software version, date) left out
and SVG ids derived from a fixed salt: the same figure gives byte-identical files.

Drawing shared by several figures (one script per figure, scripts/fig_*.py): figure sizes and
fonts, small multiples in a grid, heatmaps, heatmaps of too many regions drawn as one image, the
title lines that say so, and how each similarity measure reads.

What readers see is in Chinese with English beside it. Figures grow with the number of regions
and topics, and small multiples wrap into a grid, so that the 31 provincial reports stay legible;
only past a size limit do the labels shrink, never below MIN_FONT points. Beyond
`figures.max_regions` regions, heatmaps (region × region, region × topic) show every region as one
image (rasterized in SVG too) in clustering order, without names, cell borders or values.
"""

import importlib.util
import math
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gwr.io import atomic_path
from gwr.names import TFIDF_COSINE, TOPIC_HELLINGER, TOPIC_JSD

FONT_PACKAGE = "zhplot"
FONT_FILE = "NotoSansSC-Regular.ttf"
# Fixed salt for the ids matplotlib writes into SVG files (random by default).
SVG_HASHSALT = "gwr-compare"
# Below this, the CJK glyphs of small labels turn to mush.
MIN_DPI = 150
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}


def cjk_font_path() -> Path:
    """Path of the Noto Sans SC font shipped in the installed `zhplot` package (not imported)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise RuntimeError(
            f"the figures need the Chinese font {FONT_FILE} of the Python package "
            f"'{FONT_PACKAGE}', which is not installed: run `pip install {FONT_PACKAGE}` "
            "(or `pip install -e .` in the project)"
        )
    package_dir = Path(locations[0])
    candidates = [package_dir / "fonts" / FONT_FILE, *sorted(package_dir.rglob(FONT_FILE))]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise RuntimeError(
        f"the package '{FONT_PACKAGE}' is installed at {package_dir} but holds no {FONT_FILE}: "
        f"reinstall it with `pip install --force-reinstall {FONT_PACKAGE}`"
    )


def setup_matplotlib(dpi: int) -> str:
    """Agg backend, the CJK font first, reproducible SVG; return the font's family name."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    sans = [name for name in matplotlib.rcParams["font.sans-serif"] if name != family]
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, *sans],
            "axes.unicode_minus": False,
            "svg.hashsalt": SVG_HASHSALT,
            "svg.fonttype": "path",
            "figure.dpi": dpi,
            "savefig.dpi": dpi,
        }
    )
    return family


def close_figure(fig) -> None:
    """Release a figure from pyplot's registry, if pyplot manages it (no-op otherwise)."""
    import matplotlib.pyplot as plt

    plt.close(fig)


def save_figure(fig, png_path, svg_path, dpi: int) -> None:
    """Write `fig` as PNG at `dpi` and as SVG, atomically and reproducibly; close it."""
    if dpi < MIN_DPI:
        raise ValueError(f"figure dpi {dpi} is below {MIN_DPI}: small Chinese labels blur")
    try:
        # Constrained layout settles on the first draw: the files are the same whether or not
        # the figure was drawn before (a second save of the same figure is then identical).
        fig.draw_without_rendering()
        with atomic_path(png_path) as tmp:
            fig.savefig(tmp, format="png", dpi=dpi, metadata=PNG_METADATA)
        with atomic_path(svg_path) as tmp:
            fig.savefig(tmp, format="svg", dpi=dpi, metadata=SVG_METADATA)
    finally:
        close_figure(fig)


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
GRID_MAX_COLUMNS = 5  # small multiples per row
TERM_PANEL_WIDTH = 3.1
TERM_ROW_INCHES = 0.24  # one term's bar in a small-multiple panel
TERM_PANEL_FIXED = 0.9  # panel title and axis
BAR_SHADE = 0.7  # where on the colormap the bars of term charts are taken
CELL_INCHES = 0.42  # one heatmap cell
MIN_HEATMAP_INCHES = 2.6  # the smallest side of a square heatmap
MIN_HEATMAP_ROWS_INCHES = 1.0  # the smallest height of a regions × topics heatmap
HEATMAP_FIXED_INCHES = 2.8  # labels, title and colorbar around a heatmap
COLORBAR_INCHES = 1.0  # room beside a single heatmap for its colour bar
LABEL_INCHES_PER_CHAR = 0.14  # room taken by one character of a rotated tick label
MISSING_COLOR = "#eeeeee"  # heatmap cells without a value
DARK_TEXT_LUMINANCE = 0.5  # cells darker than this get white annotations
RASTER_ROWS_INCHES = 7.0  # height of the rows of a region × topic heatmap drawn as one image
RASTER_MIN_WIDTH_INCHES = 9.0  # room for the title lines of a heatmap drawn as one image
RASTER_MAX_CELLS = 600  # beyond, runs of rows (regions) are averaged: 2 pixels or more each
NOTE_INCHES = 0.45  # the two title lines that say how many regions a figure shows

# How each similarity measure of gwr.names reads, in the heatmaps and the dendrograms.
MEASURE_TEXT = {
    TFIDF_COSINE: {
        "title": "TF-IDF 余弦相似度 cosine similarity of keywords",
        "short": "关键词 keywords: TF-IDF 余弦 cosine",
        "reading": "越高越相似 higher = more alike",
        "colorbar": "余弦相似度 cosine similarity",
        "distance": "距离 distance = 1 − 余弦 cosine",
    },
    TOPIC_JSD: {
        "title": "主题分布的 Jensen–Shannon 距离 distance between topic shares",
        "short": "主题 topics: Jensen–Shannon 距离 distance",
        "reading": "越低越相似 lower = more alike",
        "colorbar": "JS 距离 Jensen–Shannon distance",
        "distance": "JS 距离 Jensen–Shannon distance",
    },
    TOPIC_HELLINGER: {
        "title": "主题分布的 Hellinger 距离 distance between topic shares",
        "short": "主题 topics: Hellinger 距离 distance",
        "reading": "越低越相似 lower = more alike",
        "colorbar": "Hellinger 距离 distance",
        "distance": "Hellinger 距离 distance",
    },
}


# --- Figures, fonts, grids --------------------------------------------------------------------


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
    """(rows, columns) of a grid of `count` small multiples, at most `max_columns` a row."""
    columns = max(1, min(count, max_columns))
    return math.ceil(max(count, 1) / columns), columns


def colormap(name):
    """A matplotlib colormap by name (a colormap is passed through). Looked up when a figure is
    drawn, not at import: the config's names are checked at start-up by the schema."""
    import matplotlib

    return matplotlib.colormaps[name] if isinstance(name, str) else name


def titled(title: str, note: str) -> str:
    """`title` with `note` on the lines below it (if any)."""
    return f"{title}\n{note}" if note else title


def no_data(ax, message: str) -> None:
    """An empty panel that says why."""
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_axis_off()


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def percent_formatter():
    """Colorbar ticks in percent, with as many decimals as the ticks need (2.5%, not 2%)."""
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1)


def bar_grid(panels, top_n: int, xlabel: str, suptitle: str, color, share_x: bool, note: str = ""):
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
            no_data(ax, "无数据 no data")
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
    fig.suptitle(titled(suptitle, note), fontsize=SUPTITLE_FONT)
    return fig


# --- Heatmaps -----------------------------------------------------------------------------------


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


def heatmap(
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
    cmap = colormap(cmap).with_extremes(bad=MISSING_COLOR)
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


def cell_inches(count: int) -> float:
    """Side of a heatmap cell: fixed, unless the figure would outgrow MAX_FIGURE_INCHES."""
    room = MAX_FIGURE_INCHES - HEATMAP_FIXED_INCHES
    return min(CELL_INCHES, room / max(count, 1))


def label_inches(labels: Sequence[str]) -> float:
    """Room for the longest of these labels, set at 45 degrees."""
    longest = max((len(label) for label in labels), default=0)
    return min(longest * LABEL_INCHES_PER_CHAR * math.sin(math.pi / 4), MAX_FIGURE_INCHES / 4)


def topic_axis_labels(labels: Sequence[str]) -> list[str]:
    """Column labels of a region × topic heatmap: "1 label", "2 label" …"""
    return [f"{number} {label}" for number, label in enumerate(labels, start=1)]


def topic_ticks(ax, column_labels: Sequence[str], cell_inches: float) -> None:
    """Topic labels under the columns of a heatmap drawn as an image (as `heatmap` sets them)."""
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


# --- Heatmaps of too many regions to name: one image ------------------------------------------


def raster_note(total: int, table: str, group: int = 1) -> str:
    """The title lines of a heatmap of too many regions to name (`group`: see `binned`)."""
    chinese = f"全部 {total} 个地区，按聚类排序，未逐一标名"
    english = f"all {total} regions in clustering order, unnamed"
    if group > 1:
        chinese += f"；每格为相邻 {group} 个地区的均值"
        english += f"; a cell averages {group} neighbours"
    return f"{chinese}\n{english}\n数值 values: {table}"


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


def raster(ax, values, cmap, vmin, vmax):
    """`values` as one image (rasterized in SVG too): no cell borders, names or values; more rows
    than RASTER_MAX_CELLS are averaged in runs (`binned`). Returns (image, group)."""
    cmap = colormap(cmap).with_extremes(bad=MISSING_COLOR)
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


def heatmap_figure(rows: int, column_labels: Sequence[str]):
    """(figure, cell side) for one heatmap of `rows` named rows × the columns `column_labels`,
    with room for the row names, the rotated column labels and a colour bar."""
    columns = len(column_labels)
    cell = min(cell_inches(rows), cell_inches(columns))
    width = max(MIN_HEATMAP_INCHES, columns * cell) + HEATMAP_FIXED_INCHES
    height = max(MIN_HEATMAP_ROWS_INCHES, rows * cell) + HEATMAP_FIXED_INCHES
    return new_figure(width + COLORBAR_INCHES, height + label_inches(column_labels)), cell


def raster_figure(panels: int, topics: int, column_labels: Sequence[str]):
    """A figure of `panels` region × topic heatmaps drawn as images, side by side."""
    panel_width = max(MIN_HEATMAP_INCHES, topics * cell_inches(topics))
    width = max(panels * panel_width + panels * HEATMAP_FIXED_INCHES, RASTER_MIN_WIDTH_INCHES)
    height = RASTER_ROWS_INCHES + HEATMAP_FIXED_INCHES + NOTE_INCHES
    fig = new_figure(width, height + label_inches(column_labels))
    return fig, np.atleast_1d(fig.subplots(1, panels))
