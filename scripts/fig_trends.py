"""Rule fig_trends: three figures of results/trends/ (results/figures/trends_*.png, .svg).

- `trends_topics`: each topic's share of each region's reports over the years, a panel per topic,
  a line per region, with the 95% intervals as bands when few regions are drawn;
- `trends_watch`: the watched terms per 10,000 characters over the years, a panel per term;
- `trends_changes`: the largest rises and falls (by G²) between each region's two latest
  reports, a panel per region, bars of the log ratio;
- `trends_distance`: how alike each report is to its region's report before — the TF-IDF cosine
  and the topic JSD of results/similarity/ — over the years, a line per region (a rise of the
  distance is a year that broke with the one before).

Only regions with reports of two or more years are drawn. A gap in a series (1988 → 1992) is a
dotted line, adjacent years a solid one. More regions than `figures.max_regions`: the regions of
`figures.regions` if it names some, else the first by report id; the title says which, of how
many. With no region of two years, each figure says so in the image.
"""

import numpy as np
from gwr.figure_data import load_matrix
from gwr.io import read_csv, setup_logging
from gwr.plotting import (
    MIN_FONT,
    NOTE_INCHES,
    SUPTITLE_FONT,
    SUPTITLE_INCHES,
    TERM_PANEL_FIXED,
    TERM_ROW_INCHES,
    TITLE_FONT,
    grid_shape,
    new_figure,
    no_data,
    save_figure,
    setup_matplotlib,
    titled,
)
from gwr.series_plot import (
    NO_SERIES,
    choose_regions,
    empty_figure,
    regions_with_series,
    series_figure,
    series_of,
)
from gwr.trends import FALLING, GONE, NEW, RISING, display_names

# --- Layout (inches, points; not user settings) ---
CHANGE_PANEL_WIDTH = 4.6  # one region's bars of rises and falls
CHANGES_MIN_WIDTH = 10.0  # room for the title of the figure of changes, even with one panel
RISE_COLOR = "#2166ac"
FALL_COLOR = "#b2182b"
BAR_HEIGHT = 0.7
DISTANCE_PANELS = (
    "TF-IDF 余弦相似度 cosine similarity（越高越像 higher = more alike）",
    "主题分布 JS 距离 topic JSD（越低越像 lower = more alike）",
)


def topics_figure(rows, named, max_regions, log):
    title = "主题份额的逐年变化 Topic shares over the years（95% 区间 interval）"
    regions, note = choose_regions(
        rows, named, max_regions, "trends_topics", "trends/topic_shares.csv", log
    )
    if not regions:
        return empty_figure(NO_SERIES, title)
    keep = set(regions)
    panels = series_of(
        [row for row in rows if (row["parent"], row["region"]) in keep],
        ("share", "ci_low", "ci_high"),
        lambda row: f"{int(row['topic'])} {row['topic_label']}",
    )
    panels = dict(sorted(panels.items(), key=lambda item: int(item[0].split(" ", 1)[0])))
    names = display_names(regions)
    ylabel = "份额 share of the report"
    return series_figure(panels, regions, names, title, note, ylabel, percent=True)


def watch_figure(rows, named, max_regions, log):
    title = "关注词的逐年使用频率 Watched terms over the years"
    regions, note = choose_regions(
        rows, named, max_regions, "trends_watch", "trends/watch.csv", log
    )
    if not regions:
        return empty_figure(NO_SERIES, title)
    keep = set(regions)
    panels = series_of(
        [row for row in rows if (row["parent"], row["region"]) in keep],
        ("per_10k", None, None),
        lambda row: row["term"],
    )
    names = display_names(regions)
    ylabel = "每万字次数 per 10,000 characters"
    return series_figure(panels, regions, names, title, note, ylabel, percent=False)


def latest_pairs(series_rows, regions) -> dict[tuple[str, str], tuple[int, int]]:
    """{region key: (year of its report before the latest, latest year)} of `regions`."""
    years: dict[tuple[str, str], set] = {}
    for row in series_rows:
        years.setdefault((row["parent"], row["region"]), set()).add(int(row["year"]))
    return {key: tuple(sorted(years[key])[-2:]) for key in regions}


def largest(changes, top_n: int) -> list[dict]:
    """The `top_n` largest rises, then the `top_n` largest falls, by G² (ties: the term)."""
    by_g2 = sorted(changes, key=lambda row: (-float(row["g2"]), row["term"]))
    rises = [row for row in by_g2 if row["change"] in (NEW, RISING)][:top_n]
    return rises + [row for row in by_g2 if row["change"] in (GONE, FALLING)][:top_n]


def changes_panel(ax, shown, bars: int, name: str, pair: str) -> None:
    """Bars of the log ratio of the changes `shown`, room for `bars` of them."""
    ax.set_title(f"{name} {pair}", fontsize=TITLE_FONT - 1)
    if not shown:
        no_data(ax, "无显著变化 no significant change")
        return
    values = [float(row["log_ratio"]) for row in shown]
    colors = [RISE_COLOR if row["change"] in (NEW, RISING) else FALL_COLOR for row in shown]
    labels = [f"{row['term']}  {row['count_from']}→{row['count_to']}" for row in shown]
    positions = np.arange(len(shown))
    ax.barh(positions, values, color=colors, height=BAR_HEIGHT)
    ax.set_yticks(positions, labels, fontsize=MIN_FONT + 1)
    ax.set_ylim(bars - 0.5, -0.5)
    ax.axvline(0, color="grey", linewidth=0.6)
    ax.set_xlabel(
        "对数比 log ratio（log2，后一年 ÷ 前一年 later ÷ earlier）", fontsize=MIN_FONT + 1
    )
    ax.tick_params(axis="x", labelsize=MIN_FONT + 1)
    ax.spines[["top", "right"]].set_visible(False)


def changes_figure(change_rows, series_rows, top_n, named, max_regions, log):
    """The latest pair of each region drawn (`series_rows`: a table of every report by region
    and year, which says which regions have two years, with or without changes)."""
    title = (
        "最近两份报告之间变化最大的词 Largest rises and falls between the two latest reports\n"
        "蓝 blue = 上升 rising / 新出现 new (0→n)，红 red = 下降 falling / 消失 gone (n→0)；"
        "按 G² 排序 ranked by G²"
    )
    regions, note = choose_regions(
        series_rows, named, max_regions, "trends_changes", "trends/term_changes.csv", log
    )
    if not regions:
        return empty_figure(NO_SERIES, title)
    pairs = latest_pairs(series_rows, regions)
    names = display_names(regions_with_series(series_rows))
    shown = {
        key: largest(
            [
                row
                for row in change_rows
                if (row["parent"], row["region"]) == key and int(row["year_to"]) == pairs[key][1]
            ],
            top_n,
        )
        for key in regions
    }
    bars = max(1, *(len(rows) for rows in shown.values()))
    grid_rows, columns = grid_shape(len(regions))
    panel_height = TERM_PANEL_FIXED + bars * TERM_ROW_INCHES
    height = grid_rows * panel_height + SUPTITLE_INCHES * 2 + (NOTE_INCHES if note else 0)
    fig = new_figure(max(columns * CHANGE_PANEL_WIDTH, CHANGES_MIN_WIDTH), height)
    axes = np.atleast_1d(fig.subplots(grid_rows, columns, squeeze=False)).ravel()
    for ax, key in zip(axes, regions, strict=False):
        year_from, year_to = pairs[key]
        pair = f"{year_from}→{year_to}"
        if year_to - year_from > 1:
            pair += f"（相隔 {year_to - year_from} 年 {year_to - year_from} years apart）"
        changes_panel(ax, shown[key], bars, names[key], pair)
    for ax in axes[len(regions) :]:
        ax.set_axis_off()
    fig.suptitle(titled(title, note), fontsize=SUPTITLE_FONT)
    return fig


def distance_series(topic_rows, matrices) -> dict[str, dict]:
    """{panel: {region key: (years, values, nan, nan)}}: each report's similarity (TF-IDF
    cosine) or distance (topic JSD) to its region's report before, at the later year.
    `matrices`: {panel: (labels, values)} of similarity/ (labels as reports.csv's)."""
    reports: dict[str, dict] = {}
    for row in topic_rows:
        reports.setdefault(row["report_id"], row)
    by_region: dict[tuple[str, str], list[dict]] = {}
    for row in sorted(reports.values(), key=lambda r: int(r["year"])):
        by_region.setdefault((row["parent"], row["region"]), []).append(row)
    panels: dict[str, dict] = {}
    for panel, (labels, values) in matrices.items():
        position = {label: number for number, label in enumerate(labels)}
        panels[panel] = {}
        for key, rows in by_region.items():
            if len(rows) < 2:
                continue
            years = np.array([int(r["year"]) for r in rows[1:]])
            found = np.array(
                [
                    values[position[before["label"]], position[after["label"]]]
                    for before, after in zip(rows, rows[1:], strict=False)
                ]
            )
            empty = np.full(len(years), np.nan)
            panels[panel][key] = (years, found, empty, empty)
    return panels


def distance_figure(topic_rows, matrices, named, max_regions, log):
    title = "与本地区上一份报告的相似度 How alike each report is to its region's report before"
    regions, note = choose_regions(
        topic_rows, named, max_regions, "trends_distance", "similarity/*.csv", log
    )
    if not regions:
        return empty_figure(NO_SERIES, title)
    panels = distance_series(topic_rows, matrices)
    keep = set(regions)
    panels = {
        name: {k: v for k, v in series.items() if k in keep} for name, series in panels.items()
    }
    names = display_names(regions)
    ylabel = "相似度 similarity / 距离 distance"
    return series_figure(panels, regions, names, title, note, ylabel, percent=False)


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    named, max_regions = list(params.regions), params.max_regions
    output = snakemake.output
    topic_rows = read_csv(snakemake.input.topic_shares)
    changes = read_csv(snakemake.input.term_changes)
    figures = (
        (topics_figure(topic_rows, named, max_regions, log), "topics"),
        (watch_figure(read_csv(snakemake.input.watch), named, max_regions, log), "watch"),
        (changes_figure(changes, topic_rows, params.top_terms, named, max_regions, log), "changes"),
        (
            distance_figure(
                topic_rows,
                {
                    DISTANCE_PANELS[0]: load_matrix(snakemake.input.tfidf_cosine),
                    DISTANCE_PANELS[1]: load_matrix(snakemake.input.topic_jsd),
                },
                named,
                max_regions,
                log,
            ),
            "distance",
        ),
    )
    for fig, name in figures:
        png, svg = output[f"{name}_png"], output[f"{name}_svg"]
        save_figure(fig, png, svg, params.dpi)
        log.info("trends figure %s -> %s, %s", name, png, svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_trends.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_trends")
    main(snakemake)  # noqa: F821
