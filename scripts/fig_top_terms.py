"""Rule fig_top_terms: each region's most distinctive terms by TF-IDF, one bar chart per region
(results/figures/top_terms.png, .svg).

For more than `figures.max_regions` regions, that many panels (`figures.regions`, else the first
by report id); the title says which, and all are in tfidf/top_terms.csv.
"""

import logging
from collections.abc import Mapping, Sequence

from gwr.figure_data import top_terms_shown
from gwr.io import setup_logging
from gwr.plotting import BAR_SHADE, bar_grid, colormap, save_figure, setup_matplotlib

LOG = logging.getLogger(__name__)


def top_terms_figure(
    terms: Mapping[str, Sequence[tuple[str, float]]], top_n: int, cmap="YlGnBu", note: str = ""
):
    """One bar chart per region of its `top_n` terms by TF-IDF (`terms[region]` ranked); `note`
    says which regions are shown when they are not all (see `selection_note`)."""
    return bar_grid(
        list(terms.items()),
        top_n,
        "TF-IDF 分值 score",
        f"各地区最具特色的词 Most distinctive terms by region (TF-IDF, top {top_n})",
        colormap(cmap)(BAR_SHADE),
        share_x=True,
        note=note,
    )


def draw(
    top_terms_csv,
    reports_csv,
    top_n: int,
    cmap,
    named: Sequence[str],
    max_regions: int,
    log=LOG,
):
    """The figure of tfidf/top_terms.csv, reports labelled from corpus/reports.csv."""
    terms, note = top_terms_shown(top_terms_csv, reports_csv, named, max_regions, "top terms", log)
    return top_terms_figure(terms, top_n, cmap, note)


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    fig = draw(
        snakemake.input.top_terms,
        snakemake.input.reports,
        params.top_terms,
        params.cmap,
        params.regions,
        params.max_regions,
        log,
    )
    save_figure(fig, snakemake.output.png, snakemake.output.svg, params.dpi)
    log.info("top terms -> %s, %s", snakemake.output.png, snakemake.output.svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_top_terms.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_top_terms")
    main(snakemake)  # noqa: F821
