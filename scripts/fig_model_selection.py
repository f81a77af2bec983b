"""Rule fig_model_selection: every model-selection metric against the number of topics K, the
chosen K marked (results/figures/model_selection.png, .svg)."""

from collections.abc import Mapping, Sequence

import numpy as np
from gwr.figure_data import load_chosen
from gwr.io import read_csv, setup_logging
from gwr.plotting import (
    MAX_FONT,
    SUPTITLE_FONT,
    TITLE_FONT,
    grid_shape,
    new_figure,
    save_figure,
    setup_matplotlib,
)

MODEL_PANEL_INCHES = (3.6, 2.8)
# The LDA metrics of model_selection.csv: column stem, title, which way is better, with sd.
METRICS = (
    ("c_npmi", "NPMI 一致性 coherence c_npmi", "越高越好 higher is better", True),
    ("c_v", "C_V 一致性 coherence c_v", "越高越好 higher is better", True),
    ("u_mass", "UMass 一致性 coherence u_mass", "越高越好 higher is better", True),
    ("perplexity", "困惑度 perplexity", "越低越好 lower is better", True),
    ("topic_diversity", "主题多样性 topic diversity", "越高越好 higher is better", True),
    ("stability", "跨种子稳定性 stability across seeds", "越高越好 higher is better", False),
)
# Text columns of model_selection.csv, left out of the numbers.
TEXT_COLUMNS = ("chosen", "kept_seed")


def model_selection_figure(rows: Sequence[Mapping[str, float]], chosen_k: int | None):
    """Every metric against K (mean ± sd over seeds where there is one), chosen K marked.

    `rows`: one per K, with "k", "<metric>_mean", "<metric>_sd" and "stability" (floats).
    """
    from matplotlib.lines import Line2D

    rows = sorted(rows, key=lambda row: row["k"])
    # A K screened out (one quick fit: fewer seeds than the others) is drawn apart, hollow: its
    # figures are not comparable with the refined K's (scripts/lda_sweep.py).
    most = max((row.get("seeds", 1) for row in rows), default=1)
    screened = [row for row in rows if row.get("seeds", most) < most]
    rows = [row for row in rows if row.get("seeds", most) >= most]
    ks = np.array([row["k"] for row in rows], float)
    all_ks = np.array(sorted(row["k"] for row in rows + screened), float)
    screen_color = "#9c9c9c"
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
        if screened:
            values = [row.get(f"{key}_mean" if has_sd else key, np.nan) for row in screened]
            ax.plot(
                [row["k"] for row in screened],
                np.array(values, float),
                linestyle="none",
                marker="o",
                ms=4,
                mfc="none",
                color=screen_color,
            )
        ax.set_title(f"{title}\n{better}", fontsize=TITLE_FONT - 1)
        ax.set_xticks(all_ks, [f"{k:g}" for k in all_ks], fontsize=MAX_FONT - 1)
        ax.tick_params(axis="y", labelsize=MAX_FONT - 1)
        ax.set_xlabel("主题数 K number of topics", fontsize=MAX_FONT)
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(METRICS) :]:
        ax.set_axis_off()
    handles = [
        Line2D([], [], color=line_color, marker="o", label="均值 ± 标准差 mean ± sd over seeds"),
    ]
    if screened:
        passes = int(screened[0].get("passes", 0))
        handles.append(
            Line2D(
                [],
                [],
                color=screen_color,
                marker="o",
                mfc="none",
                linestyle="none",
                label=f"筛除 screened out: 一次快速拟合 one fit, {passes} passes",
            )
        )
    if chosen_k is not None:
        handles.append(
            Line2D([], [], color=chosen_color, linestyle="--", label=f"所选 chosen K = {chosen_k}")
        )
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=MAX_FONT)
    fig.suptitle("主题数的选择 Choosing the number of topics", fontsize=SUPTITLE_FONT)
    return fig


def _number(text: str) -> float:
    return float(text) if text not in ("", None) else float("nan")


def load_model_selection(path) -> list[dict[str, float]]:
    """model_selection.csv as numbers (NaN for empty cells); text columns are left out."""
    return [
        {key: _number(value) for key, value in row.items() if key not in TEXT_COLUMNS}
        for row in read_csv(path)
    ]


def draw(selection_csv, chosen_json):
    """The figure of lda/model_selection.csv and lda/chosen.json."""
    return model_selection_figure(
        load_model_selection(selection_csv), load_chosen(chosen_json).get("k")
    )


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    dpi = snakemake.params.dpi
    setup_matplotlib(dpi)
    fig = draw(snakemake.input.selection, snakemake.input.chosen)
    save_figure(fig, snakemake.output.png, snakemake.output.svg, dpi)
    log.info("model selection -> %s, %s", snakemake.output.png, snakemake.output.svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_model_selection.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_model_selection")
    main(snakemake)  # noqa: F821
