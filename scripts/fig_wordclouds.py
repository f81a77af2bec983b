"""Rule fig_wordclouds: a word cloud per region, words sized by TF-IDF
(results/figures/wordclouds.png, .svg).

The layout is random, drawn with `figures.wordcloud_seed`: the same seed gives the same clouds.
The font is Noto Sans SC cut down to the words drawn (gwr.fonts.font_file): wordcloud loads it
anew for every font size it tries, which with the whole font was most of this step's time.
For more than `figures.max_regions` regions, that many clouds (`figures.regions`, else the first
by report id); the title says which.
"""

import logging
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from gwr.figure_data import top_terms_shown
from gwr.fonts import font_file
from gwr.io import setup_logging
from gwr.plotting import (
    NOTE_INCHES,
    SUPTITLE_FONT,
    TITLE_FONT,
    colormap,
    grid_shape,
    new_figure,
    no_data,
    save_figure,
    setup_matplotlib,
    titled,
)

LOG = logging.getLogger(__name__)

WORDCLOUD_PIXELS = (600, 400)  # width, height of one word cloud image
WORDCLOUD_PANEL_INCHES = (3.6, 2.6)
WORDCLOUD_SHADES = (0.45, 1.0)  # colormap range for words, smallest to largest (readable on white)
WORDCLOUD_MARGIN = 2
GRID_COLUMNS_WORDCLOUD = 4


def wordcloud_image(
    frequencies: Mapping[str, float], font_path: str, max_words: int, seed: int, cmap="YlGnBu"
) -> np.ndarray:
    """A word cloud (RGB array) of `frequencies`, horizontal words, reproducible for a seed."""
    from wordcloud import WordCloud

    colors = colormap(cmap)
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
            no_data(ax, "无数据 no data")
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
    fig.suptitle(titled(title, note), fontsize=SUPTITLE_FONT)
    return fig


def draw(
    top_terms_csv,
    reports_csv,
    max_words: int,
    seed: int,
    cmap,
    named: Sequence[str],
    max_regions: int,
    log=LOG,
):
    """The word clouds of tfidf/top_terms.csv, reports labelled from corpus/reports.csv."""
    what = "word clouds"
    terms, note = top_terms_shown(top_terms_csv, reports_csv, named, max_regions, what, log)
    available = max((len(items) for items in terms.values()), default=0)
    if available < max_words:
        log.info(
            "word clouds show at most %d terms per region (tfidf.top_n), not %d",
            available,
            max_words,
        )
    clouds = {region: dict(items) for region, items in terms.items()}
    words = "".join(term for items in clouds.values() for term in items)
    with tempfile.TemporaryDirectory() as scratch:
        font = font_file(words, Path(scratch) / "wordcloud_font.ttf")
        return wordclouds_figure(clouds, str(font), max_words, seed, cmap, note)


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    fig = draw(
        snakemake.input.top_terms,
        snakemake.input.reports,
        params.wordcloud_words,
        params.wordcloud_seed,
        params.cmap,
        params.regions,
        params.max_regions,
        log,
    )
    save_figure(fig, snakemake.output.png, snakemake.output.svg, params.dpi)
    log.info("word clouds -> %s, %s", snakemake.output.png, snakemake.output.svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_wordclouds.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_wordclouds")
    main(snakemake)  # noqa: F821
