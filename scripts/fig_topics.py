"""Rule fig_topics: the top terms of each topic of the chosen model, ranked by relevance as the
labels and the page rank them, with their weights, one bar chart per topic
(results/figures/topics.png, .svg)."""

from collections.abc import Mapping, Sequence

from gwr.io import read_csv, setup_logging
from gwr.plotting import BAR_SHADE, bar_grid, colormap, save_figure, setup_matplotlib


def topics_figure(topics: Sequence[Mapping], top_n: int, cmap="YlGnBu"):
    """One bar chart per topic of its `top_n` terms (by relevance), bars of their weights.

    `topics`: [{"topic": 1, "topic_label": "…", "terms": [(term, weight), …]}, …].
    """
    panels = [
        (f"主题 {topic['topic']} Topic {topic['topic']}\n{topic['topic_label']}", topic["terms"])
        for topic in topics
    ]
    return bar_grid(
        panels,
        top_n,
        "权重 weight p(词 term | 主题 topic)",
        f"LDA 主题的主要词（按相关度排序）Top {top_n} terms of each topic by relevance "
        f"({len(topics)} topics)",
        colormap(cmap)(BAR_SHADE),
        share_x=False,
    )


def load_topics(path, top_n: int) -> list[dict]:
    """Each topic's `top_n` terms by relevance (the labels' ranking), from lda/chosen/topics.csv:
    [{"topic", "topic_label", "terms": [(term, weight), …]}, …] in topic order."""
    topics: dict[int, dict] = {}
    for row in read_csv(path):
        if row["ranking"] != "relevance" or int(row["rank"]) > top_n:
            continue
        number = int(row["topic"])
        topic = topics.setdefault(
            number, {"topic": number, "topic_label": row["topic_label"], "terms": []}
        )
        topic["terms"].append((int(row["rank"]), row["term"], float(row["weight"])))
    result = []
    for number in sorted(topics):
        topic = topics[number]
        topic["terms"] = [(term, weight) for _, term, weight in sorted(topic["terms"])]
        result.append(topic)
    return result


def draw(topics_csv, top_n: int, cmap):
    """The figure of lda/chosen/topics.csv."""
    return topics_figure(load_topics(topics_csv, top_n), top_n, cmap)


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], snakemake.rule)
    params = snakemake.params
    setup_matplotlib(params.dpi)
    fig = draw(snakemake.input.topics, params.top_terms, params.cmap)
    save_figure(fig, snakemake.output.png, snakemake.output.svg, params.dpi)
    log.info("topics -> %s, %s", snakemake.output.png, snakemake.output.svg)


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/fig_topics.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("fig_topics")
    main(snakemake)  # noqa: F821
