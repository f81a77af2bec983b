"""Small multiples of series over the years: a panel per item (a topic, a term, a policy
domain), a line per region, intervals as bands; shared by the figures of trends and attention.

A gap in a series (1988 → 1992) is a dotted line, adjacent years a solid one. More regions than
`figures.max_regions`: the regions of `figures.regions` if it names some, else the first by
report id; the title says which, of how many.
"""

import numpy as np

from gwr.figure_data import selection_note, shown_regions
from gwr.plotting import (
    MIN_FONT,
    NOTE_INCHES,
    SUPTITLE_FONT,
    SUPTITLE_INCHES,
    TITLE_FONT,
    colormap,
    grid_shape,
    new_figure,
    no_data,
    percent_formatter,
    titled,
)
from gwr.trends import display_names

# --- Layout (inches, points; not user settings) ---
SERIES_PANEL_WIDTH = 4.4  # one small multiple of a series over the years
SERIES_PANEL_HEIGHT = 2.5
EMPTY_FIGURE = (8.0, 3.0)  # a figure that only says there is nothing to draw
LEGEND_INCHES_PER_ROW = 0.25  # room under the panels for one row of the regions' legend
LEGEND_COLUMNS = 6
BAND_MAX_LINES = 3  # intervals drawn as bands up to this many regions per panel (else unreadable)
BAND_ALPHA = 0.18
LINE_WIDTH = 1.3
MIN_YEAR_SPAN = 4  # the narrowest span of years an axis shows
GAP_STYLE = ":"  # the line across missing years
MARKER_SIZE = 2.5
LINE_COLORS = "tab10"  # one colour per region (then line styles vary: LINE_STYLES)
LINE_STYLES = ("-", "--", "-.")

NO_SERIES = (
    "没有地区有两个或以上年份的报告，无法画出趋势\n"
    "No region has reports of two or more years: there is no trend to draw"
)
YEAR_LABEL = "年份 year（虚线 dotted = 中间缺年份 years missing between）"


def series_of(rows, value_columns, name_of):
    """{panel: {region key: (years, values, low, high)}} of a long table, years in order.

    `value_columns` = (value, low, high) column names (low/high None for none); `name_of(row)` =
    the panel a row belongs to.
    """
    value, low, high = value_columns
    panels: dict[str, dict] = {}
    for row in rows:
        key = (row["parent"], row["region"])
        entry = panels.setdefault(name_of(row), {}).setdefault(key, ([], [], [], []))
        entry[0].append(int(row["year"]))
        entry[1].append(float(row[value]))
        entry[2].append(float(row[low]) if low else np.nan)
        entry[3].append(float(row[high]) if high else np.nan)
    return {
        panel: {
            key: tuple(
                np.asarray(part) for part in zip(*sorted(zip(*data, strict=True)), strict=True)
            )
            for key, data in regions.items()
        }
        for panel, regions in panels.items()
    }


def regions_with_series(rows) -> list[tuple[str, str]]:
    """The (parent, region) keys with two or more years in a table, in its order."""
    years: dict[tuple[str, str], set] = {}
    for row in rows:
        years.setdefault((row["parent"], row["region"]), set()).add(row["year"])
    return [key for key, found in years.items() if len(found) >= 2]


def choose_regions(rows, named, max_regions, what, table, log):
    """(region keys drawn, title note): at most `max_regions` of those with a series."""
    keys = regions_with_series(rows)
    ids: dict[tuple[str, str], list[str]] = {}
    labels: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        key = (row["parent"], row["region"])
        ids.setdefault(key, []).append(row["report_id"])
        labels.setdefault(key, []).append(row["label"])
    names = display_names(keys)
    # select_regions matches a name against any item of a key and sorts by the third (an id).
    match_keys = [
        (names[key], key[1], min(ids[key]), *sorted(set(ids[key])), *sorted(set(labels[key])))
        for key in keys
    ]
    named_here = [name for name in named if any(name in key for key in match_keys)]
    chosen = shown_regions(match_keys, named_here, max_regions, what, log)
    note = selection_note(len(chosen), len(keys), bool(named_here), table)
    return [keys[index] for index in chosen], note


def style_of(number: int):
    colors = colormap(LINE_COLORS).colors
    return colors[number % len(colors)], LINE_STYLES[(number // len(colors)) % len(LINE_STYLES)]


def draw_series(ax, years, values, low, high, color, style, label, band: bool) -> None:
    """A region's line over its years: solid between adjacent years, dotted across a gap;
    its interval as a band over each run of adjacent years (a bar where a year stands alone)."""
    ax.plot(years, values, linestyle="none", marker="o", markersize=MARKER_SIZE, color=color)
    # Two lines, not one per pair of years (a thousand reports made tens of thousands of lines):
    # the runs of adjacent years, broken at each gap (NaN ends a line), and the gaps' segments.
    years, values = np.asarray(years, float), np.asarray(values, float)
    gaps = np.flatnonzero(np.diff(years) > 1)
    solid_x, solid_y = np.insert(years, gaps + 1, np.nan), np.insert(values, gaps + 1, np.nan)
    gap_x = np.column_stack([years[gaps], years[gaps + 1], np.full(len(gaps), np.nan)]).ravel()
    gap_y = np.column_stack([values[gaps], values[gaps + 1], np.full(len(gaps), np.nan)]).ravel()
    first_gap = len(years) > 1 and years[1] - years[0] > 1
    for x, y, line, first in (
        (solid_x, solid_y, style, not first_gap),
        (gap_x, gap_y, GAP_STYLE, first_gap),
    ):
        if len(x) and np.isfinite(x).sum() > 1:
            ax.plot(
                x,
                y,
                linestyle=line,
                linewidth=LINE_WIDTH,
                color=color,
                label=label if first else None,
            )
    if band and not np.isnan(low).all():
        breaks = np.flatnonzero(np.diff(years) > 1) + 1
        for run in np.split(np.arange(len(years)), breaks):
            if len(run) > 1:
                ax.fill_between(
                    years[run], low[run], high[run], color=color, alpha=BAND_ALPHA, linewidth=0
                )
            else:
                ax.vlines(years[run], low[run], high[run], color=color, alpha=BAND_ALPHA * 3)


def empty_figure(message: str, title: str):
    fig = new_figure(*EMPTY_FIGURE)
    ax = fig.add_subplot()
    no_data(ax, message)
    ax.set_title(title, fontsize=TITLE_FONT + 1)
    return fig


def series_figure(panels, regions, names, title, note, ylabel, percent: bool):
    """Small multiples, a panel per item of `panels` ({panel: {key: series}}), a line per
    region of `regions`, in a grid."""
    rows, columns = grid_shape(len(panels))
    legend_rows = -(-len(regions) // LEGEND_COLUMNS) if len(regions) > 1 else 0
    height = (
        rows * SERIES_PANEL_HEIGHT
        + SUPTITLE_INCHES
        + (NOTE_INCHES if note else 0)
        + legend_rows * LEGEND_INCHES_PER_ROW
    )
    fig = new_figure(columns * SERIES_PANEL_WIDTH, height)
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).ravel()
    from matplotlib.ticker import MaxNLocator

    band = len(regions) <= BAND_MAX_LINES
    for ax, (panel, by_region) in zip(axes, panels.items(), strict=False):
        for number, key in enumerate(regions):
            if key in by_region:
                color, style = style_of(number)
                draw_series(ax, *by_region[key], color, style, names[key], band)
        ax.set_title(panel, fontsize=TITLE_FONT - 1)
        if all(not np.any(by_region[key][1]) for key in regions if key in by_region):
            ax.text(
                0.5, 0.5, "从未出现 never used", ha="center", transform=ax.transAxes, color="grey"
            )
        ax.set_xlabel(YEAR_LABEL if ax is axes[0] else "年份 year", fontsize=MIN_FONT + 1)
        ax.set_ylabel(ylabel, fontsize=MIN_FONT + 1)
        ax.tick_params(labelsize=MIN_FONT + 1)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, never 2024.2
        years = [y for key in regions if key in by_region for y in by_region[key][0]]
        if years and max(years) - min(years) < MIN_YEAR_SPAN:
            # One or two years: a span of a few years around them, not matplotlib's ±100.
            middle = (max(years) + min(years)) / 2
            ax.set_xlim(middle - MIN_YEAR_SPAN / 2, middle + MIN_YEAR_SPAN / 2)
        ax.set_ylim(bottom=0)
        if percent:
            ax.yaxis.set_major_formatter(percent_formatter())
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(panels) :]:
        ax.set_axis_off()
    if legend_rows:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=min(LEGEND_COLUMNS, len(regions)),
            fontsize=MIN_FONT + 1,
            title="地区 region",
        )
    if len(regions) == 1:
        title = f"{title} — {names[regions[0]]}"
    fig.suptitle(titled(title, note), fontsize=SUPTITLE_FONT)
    return fig
