"""Rule fig_parts_topics: topic shares in the parts of the reports that `tfidf.parts` compares
(by default the review of the past year and the plans for this year), and the shift between them
(results/figures/parts_topics.png, .svg).

A report's share of a topic in a part is the mean of its paragraphs' topic vectors in that part,
weighted by their kept tokens (lda/chosen/doc_topics.csv, read as it comes: one row per
paragraph, hundreds of thousands for thousands of reports). The parts, in the order of
`tfidf.parts`: one heatmap each (regions × topics, one colour scale), then, given two parts or
more, the shift from the first to the second (second − first, in percentage points). More than
two parts: a panel each, the shift still of the first two. One part: its heatmap alone. None: a
figure that says so. Regions without a modelled paragraph of a part are grey there and named in
the title. For more than `figures.max_regions` regions: images in clustering order, unnamed.
"""

import csv
import itertools
import logging
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from gwr.figure_data import labels_by_id, load_chosen, order_of_many, topic_columns
from gwr.io import CSV_ENCODING, read_csv, setup_logging
from gwr.names import PART_NAMES
from gwr.plotting import (
    HEATMAP_FIXED_INCHES,
    MIN_HEATMAP_INCHES,
    MIN_HEATMAP_ROWS_INCHES,
    RASTER_MIN_WIDTH_INCHES,
    SUPTITLE_FONT,
    TITLE_FONT,
    cell_inches,
    heatmap,
    label_inches,
    new_figure,
    no_data,
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

LOG = logging.getLogger(__name__)

DOC_CHUNK = 20_000  # rows of doc_topics.csv converted at once (memory, not results)
# Short Chinese names of the parts, for the titles ("回顾与安排", "安排 − 回顾").
PART_SHORT = {
    "opening": "开篇",
    "review": "回顾",
    "plans": "安排",
    "government": "自身建设",
    "closing": "结语",
    "other": "其他",
    "appendix": "附录",
}


def _english(part: str) -> str:
    """The English of a part's name (PART_NAMES: "工作回顾 review of the past year")."""
    return PART_NAMES[part].split(" ", 1)[1]


def _listed(names: Sequence[str], limit: int | None) -> str:
    """Names joined with 、, at most `limit` of them, then how many in all."""
    if limit is None or len(names) <= limit:
        return "、".join(names)
    return f"{'、'.join(names[:limit])} 等 {len(names)} 个 ({len(names)} in all)"


def _signed_points(value: float) -> str:
    return f"{value * 100:+.0f}"


def _points_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: f"{value * 100:+g}" if value else "0")


def parts_title(parts: Sequence[str]) -> str:
    """ "回顾与安排的主题占比 Topic shares: review of the past year vs plans for this year"."""
    chinese = [PART_SHORT[part] for part in parts]
    joined = "、".join(chinese[:-1]) + "与" + chinese[-1] if len(parts) > 1 else chinese[0]
    return f"{joined}的主题占比 Topic shares: {' vs '.join(map(_english, parts))}"


def parts_topics_figure(
    regions: Sequence[str],
    labels: Sequence[str],
    shares: Mapping[str, np.ndarray],
    cmap="YlGnBu",
    cmap_diverging="RdBu_r",
    annotate_max: int = 20,
    max_regions: int | None = None,
    order: Sequence[int] | None = None,
):
    """Topic shares of each part of `shares` ({part: regions × topics}, in the order to show),
    and, given two parts or more, the shift from the first to the second (see the module).

    Heatmaps side by side; rows are NaN where a region lacks the part. More than `max_regions`
    regions: images, rows in `order` (the clustering's), unnamed.
    """
    parts = list(shares)
    if not parts:
        fig = new_figure(RASTER_MIN_WIDTH_INCHES, MIN_HEATMAP_INCHES)
        no_data(fig.add_subplot(), "未比较任何部分 no parts compared (tfidf.parts is empty)")
        fig.suptitle("各部分的主题占比 Topic shares by part", fontsize=SUPTITLE_FONT)
        return fig
    values = [np.asarray(shares[part], float) for part in parts]
    count, topics = values[0].shape
    column_labels = topic_axis_labels(labels)
    top = np.nanmax(np.concatenate(values), initial=0) if values[0].size else 1
    panels = [
        (part_values, cmap, 0, top, PART_NAMES[part])
        for part, part_values in zip(parts, values, strict=True)
    ]
    if len(parts) > 1:
        first, second = parts[:2]
        shift = values[1] - values[0]
        reach = np.nanmax(np.abs(shift), initial=0) or 1
        title = f"变化 shift: {PART_SHORT[second]} − {PART_SHORT[first]} {second} − {first}"
        panels.append((shift, cmap_diverging, -reach, reach, title))
    raster_shown = max_regions is not None and count > max_regions
    if raster_shown:
        fig, axes = raster_figure(len(panels), topics, column_labels)
    else:
        cell = min(cell_inches(count), cell_inches(len(panels) * topics))
        panel_width = max(MIN_HEATMAP_INCHES, topics * cell)
        width = len(panels) * panel_width + max(len(panels) - 1, 1) * HEATMAP_FIXED_INCHES
        height = max(MIN_HEATMAP_ROWS_INCHES, count * cell) + HEATMAP_FIXED_INCHES
        fig = new_figure(width, height + label_inches(column_labels))
        axes = np.atleast_1d(fig.subplots(1, len(panels)))
    annotate = count <= annotate_max and topics <= annotate_max
    rows = list(range(count)) if order is None or not raster_shown else list(order)
    images = []
    for index, (ax, (panel, colors, low, high, title)) in enumerate(zip(axes, panels, strict=True)):
        is_shift = index == len(parts)
        if raster_shown:
            image, group = raster(ax, panel[rows], colors, low, high)
            images.append(image)
            topic_ticks(ax, column_labels, cell_inches(topics))
        else:
            images.append(
                heatmap(
                    ax,
                    panel,
                    regions,
                    column_labels,
                    colors,
                    low,
                    high,
                    annotate,
                    _signed_points if is_shift else percent,
                    cell,
                    show_rows=index == 0 or is_shift,  # the shift panel stands apart: label it too
                )
            )
        ax.set_title(title, fontsize=TITLE_FONT)
        ax.set_xlabel("主题 topic (LDA)")
    if raster_shown:
        axes[0].set_ylabel(f"{count} 个地区 regions（按聚类排序 in clustering order）")
    else:
        axes[0].set_ylabel("地区 region")
    shares_bar = fig.colorbar(
        images[len(parts) - 1], ax=axes[: len(parts)], shrink=0.8, format=percent_formatter()
    )
    shares_bar.set_label("主题占比 topic share")
    if len(parts) > 1:
        shift_bar = fig.colorbar(images[-1], ax=axes[-1], shrink=0.8, format=_points_formatter())
        shift_bar.set_label("变化 change (百分点 percentage points)")
    missing = [
        region
        for row, region in enumerate(regions)
        if any(np.isnan(part_values[row]).all() for part_values in values)
    ]
    title = parts_title(parts)
    if missing:
        title += f"\n灰色：该部分缺失 grey: part missing ({_listed(missing, max_regions)})"
    if raster_shown:
        title = titled(title, raster_note(count, "lda/chosen/doc_topics.csv", group))
    fig.suptitle(title, fontsize=SUPTITLE_FONT)
    return fig


def part_topic_shares(
    doc_rows: Iterable[Mapping],
    report_ids: Sequence[str],
    parts: Sequence[str],
    columns: Sequence[str] | None = None,
) -> dict[str, np.ndarray]:
    """Per part of `parts`, each report's topic shares: documents' vectors weighted by
    kept_tokens, rows normalised to 1 (NaN where the report has no document of that part).

    `doc_rows` may be a reader over doc_topics.csv (then give its `columns`): it is read once,
    DOC_CHUNK rows at a time, and added up in the order of the rows.
    """
    rows = iter(doc_rows)
    if columns is None:
        doc_rows = list(rows)
        rows = iter(doc_rows)
        columns = list(doc_rows[0]) if doc_rows else []
    columns = topic_columns(columns)
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


def load_parts_topics(doc_topics_csv, reports_csv, parts: Sequence[str]):
    """(report labels, {part: shares}) of the `parts`, reports in the order of reports.csv."""
    reports = read_csv(reports_csv)
    labels = labels_by_id(reports)
    with open(doc_topics_csv, encoding=CSV_ENCODING, newline="") as handle:
        reader = csv.DictReader(handle)
        shares = part_topic_shares(reader, list(labels), parts, columns=reader.fieldnames or [])
    return list(labels.values()), shares


def draw(
    doc_topics_csv,
    reports_csv,
    chosen_json,
    parts: Sequence[str],
    cmap,
    cmap_diverging,
    annotate_max: int,
    max_regions: int,
    linkage: str,
    optimal_order_max: int,
    log=LOG,
):
    """The figure of lda/chosen/doc_topics.csv for the `parts` (tfidf.parts; repeats dropped)."""
    parts = list(dict.fromkeys(parts))
    regions, shares = load_parts_topics(doc_topics_csv, reports_csv, parts)
    labels = load_chosen(chosen_json)["labels"]
    for part, values in shares.items():
        lacking = [r for r, row in zip(regions, values, strict=True) if np.isnan(row).all()]
        if lacking:
            log.warning("no modelled paragraph of part %s in: %s", part, "、".join(lacking))
    order = None
    if parts:
        order = order_of_many(
            np.hstack(list(shares.values())), max_regions, linkage, optimal_order_max
        )
    return parts_topics_figure(
        regions, labels, shares, cmap, cmap_diverging, annotate_max, max_regions, order
    )


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    fig = draw(
        snakemake.input.doc_topics,
        snakemake.input.reports,
        snakemake.input.chosen,
        params.parts,
        params.cmap,
        params.cmap_diverging,
        params.annotate_max,
        params.max_regions,
        params.linkage,
        params.optimal_order_max,
        log,
    )
    save_figure(fig, snakemake.output.png, snakemake.output.svg, params.dpi)
    log.info("parts topics -> %s, %s", snakemake.output.png, snakemake.output.svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_parts_topics.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_parts_topics")
    main(snakemake)  # noqa: F821
