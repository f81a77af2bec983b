"""Figures: Chinese glyphs, legibility with the 31 provinces, reproducible and atomic files.

The figures are drawn from data built here, from the real texts, with the project's own pure
functions (the splitter, TF-IDF) and the shipped policy terms as a cheap stand-in for jieba:
nothing depends on an earlier run of the workflow. Where results/ of such a run exist, every
rule is also drawn from them through the Snakemake entry.
"""

import functools
import re
import sys
import types
import warnings
from pathlib import Path

import figures
import numpy as np
import plotting
import pytest
from conftest import ROOT, SEED
from gwr_common import write_csv
from plotting import cjk_font_path, save_figure, setup_matplotlib

# The `figures` section of the config, with the defaults of workflow/schemas/config.schema.yaml.
FIGURE_DEFAULTS = {
    "dpi": 150,
    "top_terms": 10,
    "cmap": "YlGnBu",
    "annotate_max": 20,
    "linkage": "average",
    "wordcloud_words": 60,
    "wordcloud_seed": 1,
    "cmap_diverging": "RdBu_r",
}
TFIDF = {
    "top_n": 30,
    "parts": ["review", "plans"],
    "sublinear_tf": True,
    "smooth_idf": True,
    "norm": "l2",
    "min_df": 1,
    "max_df": 1.0,
}
TOPICS = 8
SCREEN_DPI = 72


@pytest.fixture(scope="module")
def fig_settings(config):
    return {**FIGURE_DEFAULTS, **config.get("figures", {})}


@pytest.fixture(scope="module", autouse=True)
def matplotlib_setup(fig_settings):
    import matplotlib

    setup_matplotlib(fig_settings["dpi"])
    # Figures are drawn on screen resolution here (faster); saving passes the dpi explicitly.
    with matplotlib.rc_context({"figure.dpi": SCREEN_DPI}):
        yield


def draw_checking_glyphs(fig) -> None:
    """Render `fig`; fail on any "Glyph … missing from font(s)" warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing


# --- Data built from the real texts ---------------------------------------------------------


def policy_term_pattern() -> re.Pattern:
    lines = (ROOT / "config" / "dictionary" / "policy_terms.txt").read_text("utf-8").splitlines()
    terms = {line.split()[0] for line in lines if line.strip() and not line.startswith("#")}
    return re.compile("|".join(map(re.escape, sorted(terms, key=len, reverse=True))))


class Corpus:
    """A split corpus with policy-term tokens, TF-IDF and topic-like shares: figure inputs."""

    def __init__(self, files, split_settings, tmp: Path):
        from split_reports import match_toc, paragraph_records, report_rows, split_corpus
        from tfidf import run as run_tfidf

        corpus = split_corpus([str(path) for path in files], split_settings)
        self.reports = report_rows(corpus)
        self.labels = figures.region_labels(self.reports)
        self.ids = [row["report_id"] for row in self.reports]
        self.missing = [r["listed_region"] for r in match_toc(corpus) if r["found"] == "no"]
        self.paragraphs = {r.report_id: paragraph_records(r) for r in corpus.reports}
        pattern = policy_term_pattern()
        token_files = [
            (
                report_id,
                [
                    {"index": p["index"], "part": p["part"], "tokens": pattern.findall(p["text"])}
                    for p in records
                    if p["part"] != "appendix"
                ],
            )
            for report_id, records in self.paragraphs.items()
        ]
        regions = dict(zip(self.ids, (r["region"] for r in self.reports), strict=True))
        rows, _, matrix, self.terms, _ = run_tfidf(token_files, regions, TFIDF)
        self.top_terms_csv = tmp / "top_terms.csv"
        write_csv(
            self.top_terms_csv, ["report_id", "region", "rank", "term", "tfidf", "count"], rows
        )
        dense = matrix.toarray()
        self.cosine = dense @ dense.T
        # Topic-like shares: each region's distribution over TOPICS blocks of terms.
        counts = np.array([[t.sum() for t in np.array_split(row, TOPICS)] for row in dense > 0])
        blocks = counts + 1.0
        self.shares = blocks / blocks.sum(axis=1, keepdims=True)
        self.token_files = token_files

    def characters(self) -> dict:
        result = {}
        for label, report_id in zip(self.labels, self.ids, strict=True):
            counts: dict[str, int] = {}
            for paragraph in self.paragraphs[report_id]:
                counts[paragraph["part"]] = counts.get(paragraph["part"], 0) + len(
                    paragraph["text"]
                )
            result[label] = counts
        return result

    @functools.cached_property
    def distances(self) -> dict[str, np.ndarray]:
        from scipy.spatial.distance import jensenshannon

        shares = self.shares
        jsd = np.array([[jensenshannon(a, b, base=2) for b in shares] for a in shares])
        hellinger = np.sqrt(
            0.5 * ((np.sqrt(shares)[:, None, :] - np.sqrt(shares)[None, :, :]) ** 2).sum(-1)
        )
        return {"tfidf": self.cosine, "jsd": jsd, "hellinger": hellinger}

    def doc_rows(self) -> list[dict]:
        """doc_topics.csv-like rows: every paragraph's vector leans to a topic of its own."""
        rng = np.random.default_rng(0)
        rows = []
        for report_id, records in self.token_files:
            for record in records:
                if not record["tokens"]:
                    continue
                vector = rng.dirichlet(np.full(TOPICS, 0.3))
                rows.append(
                    {
                        "report_id": report_id,
                        "part": record["part"],
                        "kept_tokens": str(len(record["tokens"])),
                        **{f"topic_{i + 1}": f"{v:.6f}" for i, v in enumerate(vector)},
                    }
                )
        return rows


@pytest.fixture(scope="module")
def seed(settings, tmp_path_factory):
    return Corpus([SEED], settings, tmp_path_factory.mktemp("seed_figures"))


@pytest.fixture(scope="module")
def provincial(settings, provinces, tmp_path_factory):
    return Corpus(provinces, settings, tmp_path_factory.mktemp("province_figures"))


@pytest.fixture(scope="module")
def seed_figures(seed, fig_settings):
    return all_figures(seed, fig_settings)


def topic_labels(corpus: Corpus) -> list[str]:
    return ["·".join(block[:3]) for block in np.array_split(np.array(corpus.terms), TOPICS)]


def selection_rows() -> list[dict]:
    rng = np.random.default_rng(1)
    rows = []
    for k in (4, 6, 8, 10, 12):
        row = {"k": float(k), "stability": 0.8 - k / 40}
        for key, centre in (("c_npmi", -0.05), ("c_v", 0.5), ("u_mass", -4.5)):
            row[f"{key}_mean"], row[f"{key}_sd"] = centre + rng.normal(0, 0.02), 0.01
        row["perplexity_mean"], row["perplexity_sd"] = 30 + k, 0.5
        row["topic_diversity_mean"], row["topic_diversity_sd"] = 0.9 - k / 30, 0.01
        rows.append(row)
    return rows


def all_figures(corpus: Corpus, settings: dict, names=None) -> dict:
    """The figures of the workflow (all, or those `names`), drawn from `corpus` (word clouds
    apart: slower)."""
    labels = topic_labels(corpus)
    distances = corpus.distances
    blocks = np.array_split(np.array(corpus.terms), TOPICS)

    def topics():
        return [
            {"topic": i + 1, "label": label, "terms": [(t, 1 / (r + 2)) for r, t in enumerate(b)]}
            for i, (label, b) in enumerate(zip(labels, blocks, strict=True))
        ]

    def parts_topics():
        parts = figures.part_topic_shares(corpus.doc_rows(), corpus.ids)
        return figures.parts_topics_figure(
            corpus.labels,
            labels,
            parts["review"],
            parts["plans"],
            settings["cmap"],
            settings["cmap_diverging"],
            settings["annotate_max"],
        )

    def similarity(measure):
        matrix = distances[measure]
        order = figures.cluster_order(figures.distance_matrix(matrix, measure), settings["linkage"])
        return figures.similarity_figure(
            corpus.labels, matrix, measure, settings["cmap"], settings["annotate_max"], order
        )

    makers = {
        "corpus": lambda: figures.corpus_figure(corpus.labels, corpus.characters(), corpus.missing),
        "top_terms": lambda: figures.top_terms_figure(
            figures.load_top_terms(corpus.top_terms_csv), settings["top_terms"], settings["cmap"]
        ),
        "model_selection": lambda: figures.model_selection_figure(selection_rows(), 8),
        "topics": lambda: figures.topics_figure(topics(), settings["top_terms"], settings["cmap"]),
        "region_topics": lambda: figures.region_topics_figure(
            corpus.labels, labels, corpus.shares, settings["cmap"], settings["annotate_max"]
        ),
        "parts_topics": parts_topics,
        "dendrograms": lambda: figures.dendrograms_figure(
            [
                (measure, corpus.labels, figures.distance_matrix(matrix, measure))
                for measure, matrix in distances.items()
            ],
            settings["linkage"],
        ),
        **{f"similarity_{m}": (lambda m=m: similarity(m)) for m in figures.MEASURES},
    }
    return {name: make() for name, make in makers.items() if names is None or name in names}


def tick_labels(ax, axis: str = "y"):
    return [label for label in getattr(ax, f"get_{axis}ticklabels")() if label.get_text()]


def assert_no_overlap(labels, renderer) -> None:
    """Horizontal tick labels stacked vertically must not overlap."""
    boxes = sorted((label.get_window_extent(renderer) for label in labels), key=lambda b: b.y0)
    for lower, upper in zip(boxes, boxes[1:], strict=False):
        assert upper.y0 >= lower.y1 - 1, (lower, upper)


# --- Tests ------------------------------------------------------------------------------------


def test_the_font_is_found_without_importing_zhplot():
    imported_before = "zhplot" in sys.modules
    path = cjk_font_path()
    assert path.name == "NotoSansSC-Regular.ttf" and path.is_file()
    if not imported_before:
        assert "zhplot" not in sys.modules


def test_a_missing_font_package_says_what_to_install(monkeypatch):
    monkeypatch.setattr(plotting.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match="pip install zhplot"):
        cjk_font_path()


def test_the_glyph_check_catches_a_missing_glyph():
    fig = figures.new_figure(2, 1)
    fig.text(0.5, 0.5, "\U0001f600")  # an emoji: in no font matplotlib is given
    with pytest.raises(AssertionError, match="missing from font"):
        draw_checking_glyphs(fig)


def test_chinese_text_draws_without_missing_glyphs(seed_figures):
    for name, fig in seed_figures.items():
        assert fig.get_size_inches().min() > 1, name
        draw_checking_glyphs(fig)


def test_word_clouds_draw_from_the_seed(seed, fig_settings, monkeypatch):
    monkeypatch.setattr(figures, "WORDCLOUD_PIXELS", (300, 200))  # smaller: faster
    terms = figures.load_top_terms(seed.top_terms_csv)
    fig = figures.wordclouds_figure(
        {region: dict(items) for region, items in terms.items()},
        str(cjk_font_path()),
        fig_settings["wordcloud_words"],
        fig_settings["wordcloud_seed"],
        fig_settings["cmap"],
    )
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == ["北京市", "东城区", "西城区"]
    draw_checking_glyphs(fig)
    drawn = fig.axes[0].images[0].get_array()
    again = figures.wordcloud_image(
        dict(terms["北京市"]),
        str(cjk_font_path()),
        fig_settings["wordcloud_words"],
        fig_settings["wordcloud_seed"],
        fig_settings["cmap"],
    )
    assert np.array_equal(drawn, again)  # fixed random_state: the same layout every time


def test_corpus_figure_names_the_missing_reports(seed):
    assert len(seed.missing) == 14
    fig = figures.corpus_figure(seed.labels, seed.characters(), seed.missing)
    texts = [text.get_text() for ax in fig.axes for text in ax.texts]
    box = next(text for text in texts if text.startswith("目录所列但缺失的报告"))
    assert "朝阳区" in box and "延庆区" in box and "(14)" in box
    assert any("16,960" in text for text in texts)  # 北京市's body, as reports.csv counts it
    assert not any(
        t.startswith("目录所列") for t in _texts(figures.corpus_figure(["甲"], {"甲": {}}))
    )


def _texts(fig):
    return [text.get_text() for ax in fig.axes for text in ax.texts]


def test_loaders_read_what_the_workflow_writes(seed, tmp_path, settings):
    from split_reports import split_corpus, write_outputs

    names = ("reports", "toc", "glossary", "dropped", "sources")
    output = types.SimpleNamespace(text=str(tmp_path / "text"))
    for name in names:
        setattr(output, name, str(tmp_path / f"{name}.csv"))
    write_outputs(split_corpus([str(SEED)], settings), output)
    labels, characters, missing = figures.load_corpus(output.reports, output.toc, output.text)
    assert labels == ["北京市", "东城区", "西城区"]
    assert missing == seed.missing
    assert sum(characters["北京市"][part] for part in figures.PARTS) == 16960
    assert characters["西城区"]["appendix"] > 0

    terms = figures.load_top_terms(seed.top_terms_csv)
    assert list(terms) == ["北京市", "东城区", "西城区"]
    scores = [score for _, score in terms["东城区"]]
    assert scores == sorted(scores, reverse=True)

    path = tmp_path / "matrix.csv"
    write_csv(path, ["region", "甲", "乙"], [["甲", "1.000000", "0.2"], ["乙", "0.2", "1.000000"]])
    labels, matrix = figures.load_matrix(path)
    assert labels == ["甲", "乙"] and matrix[0, 1] == pytest.approx(0.2)
    write_csv(path, ["region", "甲", "乙"], [["甲", "1", "0.2"]])
    with pytest.raises(ValueError, match="square"):
        figures.load_matrix(path)


def test_part_shares_are_weighted_by_kept_tokens():
    rows = [
        {"report_id": "a", "part": "review", "kept_tokens": "3", "topic_1": "1", "topic_2": "0"},
        {"report_id": "a", "part": "review", "kept_tokens": "1", "topic_1": "0", "topic_2": "1"},
        {"report_id": "a", "part": "plans", "kept_tokens": "5", "topic_1": "0.5", "topic_2": "0.5"},
        {"report_id": "b", "part": "plans", "kept_tokens": "2", "topic_1": "0", "topic_2": "1"},
    ]
    shares = figures.part_topic_shares(rows, ["a", "b"])
    assert shares["review"][0] == pytest.approx([0.75, 0.25])
    assert np.isnan(shares["review"][1]).all()  # b has no review: left blank, not zero
    assert shares["plans"] == pytest.approx(np.array([[0.5, 0.5], [0, 1]]))


def test_region_labels_are_unique():
    rows = [
        {
            "report_id": "beijing-chaoyang-2024",
            "region": "朝阳区",
            "parent": "北京市",
            "year": "2024",
        },
        {
            "report_id": "changchun-chaoyang-2024",
            "region": "朝阳区",
            "parent": "长春市",
            "year": "2024",
        },
        {"report_id": "beijing-2024", "region": "北京市", "parent": "", "year": "2024"},
        {"report_id": "beijing-2025", "region": "北京市", "parent": "", "year": "2025"},
    ]
    assert figures.region_labels(rows) == [
        "北京市朝阳区",
        "长春市朝阳区",
        "北京市2024",
        "北京市2025",
    ]


def test_heatmaps_say_which_way_is_alike_and_annotate_small_grids(seed, fig_settings):
    distances = seed.distances
    cosine = figures.similarity_figure(seed.labels, distances["tfidf"], "tfidf")
    jsd = figures.similarity_figure(seed.labels, distances["jsd"], "jsd")
    assert "越高越相似 higher = more alike" in cosine.axes[0].get_title()
    assert "越低越相似 lower = more alike" in jsd.axes[0].get_title()
    annotations = [text.get_text() for text in cosine.axes[0].texts]
    assert len(annotations) == 9 and annotations.count("1.00") == 3
    assert all(re.fullmatch(r"\d\.\d\d", text) for text in annotations)
    silent = figures.similarity_figure(seed.labels, distances["tfidf"], "tfidf", annotate_max=2)
    assert not silent.axes[0].texts


def test_31_provinces_stay_legible(provincial, seed_figures, fig_settings):
    assert len(provincial.labels) == 31
    grown = ("similarity_jsd", "dendrograms", "region_topics", "corpus")
    renderer_figures = all_figures(provincial, fig_settings, (*grown, "top_terms"))
    small = seed_figures
    for name in (*grown, "top_terms"):
        big, little = renderer_figures[name].get_size_inches(), small[name].get_size_inches()
        assert big[1] > little[1], name  # grows with the number of regions
    heatmap = renderer_figures["similarity_jsd"]
    draw_checking_glyphs(heatmap)
    ax = heatmap.axes[0]
    labels = tick_labels(ax)
    assert len(labels) == 31 and not ax.texts  # 31 > annotate_max: no cell values
    assert min(label.get_fontsize() for label in labels + tick_labels(ax, "x")) >= 6
    assert_no_overlap(labels, heatmap.canvas.get_renderer())

    dendrograms = renderer_figures["dendrograms"]
    draw_checking_glyphs(dendrograms)
    for ax in dendrograms.axes:
        leaves = tick_labels(ax)
        assert sorted(label.get_text() for label in leaves) == sorted(provincial.labels)
        assert min(label.get_fontsize() for label in leaves) >= 6
        assert_no_overlap(leaves, dendrograms.canvas.get_renderer())

    corpus = renderer_figures["corpus"]
    draw_checking_glyphs(corpus)
    bars = corpus.axes[0]
    assert_no_overlap(tick_labels(bars), corpus.canvas.get_renderer())
    top_terms = renderer_figures["top_terms"]
    titled = [ax for ax in top_terms.axes if ax.get_title()]
    assert len(titled) == 31  # one panel per province, wrapped into a grid
    rows = {round(ax.get_position().y0, 3) for ax in titled}
    assert len(rows) == -(-31 // figures.GRID_MAX_COLUMNS)


def test_save_figure_is_atomic_reproducible_and_at_least_150_dpi(seed, tmp_path, fig_settings):
    from PIL import Image

    dpi = fig_settings["dpi"]
    distances = seed.distances

    def draw():
        return figures.similarity_figure(seed.labels, distances["jsd"], "jsd")

    fig = draw()
    width, height = fig.get_size_inches()
    save_figure(fig, tmp_path / "a.png", tmp_path / "a.svg", dpi)
    save_figure(fig, tmp_path / "b.png", tmp_path / "b.svg", dpi)  # the same figure again
    save_figure(draw(), tmp_path / "c.png", tmp_path / "c.svg", dpi)  # drawn anew
    with Image.open(tmp_path / "a.png") as image:
        assert image.info["dpi"][0] == pytest.approx(dpi, abs=1) and dpi >= 150
        assert image.size == (round(width * dpi), round(height * dpi))
        assert "Software" not in image.info
    svg = (tmp_path / "a.svg").read_text("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    for suffix in ("png", "svg"):
        first = (tmp_path / f"a.{suffix}").read_bytes()
        assert first == (tmp_path / f"b.{suffix}").read_bytes()
        assert first == (tmp_path / f"c.{suffix}").read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "a.png",
        "a.svg",
        "b.png",
        "b.svg",
        "c.png",
        "c.svg",
    ]  # no temporary file left behind
    with pytest.raises(ValueError, match="dpi"):
        save_figure(draw(), tmp_path / "d.png", tmp_path / "d.svg", 72)
    assert not (tmp_path / "d.png").exists()


class _Files(dict):
    __getattr__ = dict.__getitem__


def fake_snakemake(rule: str, inputs: dict, outputs: dict, log: Path, settings: dict):
    return types.SimpleNamespace(
        rule=rule,
        input=_Files({key: str(value) for key, value in inputs.items()}),
        output=_Files({key: str(value) for key, value in outputs.items()}),
        log=[str(log)],
        params=types.SimpleNamespace(settings=settings),
    )


def test_the_snakemake_entry_writes_every_output(seed, tmp_path, fig_settings, monkeypatch):
    matrices = {}
    for measure, name in figures.SIMILARITY_INPUTS.items():
        matrix = seed.distances[measure]
        matrices[name] = tmp_path / f"{name}.csv"
        write_csv(
            matrices[name],
            ["region", *seed.labels],
            [
                [label, *(f"{v:.6f}" for v in row)]
                for label, row in zip(seed.labels, matrix, strict=True)
            ],
        )
    log = tmp_path / "logs" / "dendrograms.log"
    outputs = {"png": tmp_path / "out" / "dendrograms.png", "svg": tmp_path / "out" / "d.svg"}
    figures.main(fake_snakemake("fig_dendrograms", matrices, outputs, log, fig_settings))
    assert all(path.stat().st_size > 0 for path in outputs.values())
    assert "dendrograms" in log.read_text("utf-8")

    # fig_similarity: one figure per measure, to its own pair of outputs (saving tested above).
    saved = []
    monkeypatch.setattr(figures, "save_figure", lambda fig, png, svg, dpi: saved.append(png))
    outputs = {
        f"{kind}_{measure}": tmp_path / f"similarity_{measure}.{kind}"
        for measure in figures.SIMILARITY_INPUTS
        for kind in ("png", "svg")
    }
    figures.main(fake_snakemake("fig_similarity", matrices, outputs, log, fig_settings))
    assert saved == [str(outputs[f"png_{measure}"]) for measure in figures.SIMILARITY_INPUTS]


# Every rule, drawn through the entry from the results of a real run of the workflow on the seed.
RESULT_INPUTS = {
    "fig_corpus": {
        "reports": "corpus/reports.csv",
        "toc": "corpus/toc.csv",
        "text": "corpus/text",
    },
    "fig_top_terms": {"top_terms": "tfidf/top_terms.csv"},
    "fig_model_selection": {"selection": "lda/model_selection.csv", "chosen": "lda/chosen.json"},
    "fig_topics": {"topics": "lda/chosen/topics.csv", "chosen": "lda/chosen.json"},
    "fig_region_topics": {
        "report_topics": "lda/chosen/report_topics.csv",
        "chosen": "lda/chosen.json",
    },
    "fig_parts_topics": {
        "doc_topics": "lda/chosen/doc_topics.csv",
        "reports": "corpus/reports.csv",
        "chosen": "lda/chosen.json",
    },
    "fig_dendrograms": {
        name: f"similarity/{name}.csv" for name in figures.SIMILARITY_INPUTS.values()
    },
}


@pytest.mark.workflow
@pytest.mark.parametrize("rule", sorted(RESULT_INPUTS))
def test_figures_from_the_results_of_a_run(rule, seed_run, tmp_path, fig_settings, monkeypatch):
    inputs = {key: seed_run / "results" / path for key, path in RESULT_INPUTS[rule].items()}
    drawn = []

    def draw_instead_of_saving(fig, png, svg, dpi):  # saving is tested above; keep this fast
        draw_checking_glyphs(fig)
        drawn.append((fig, png, svg, dpi))

    monkeypatch.setattr(figures, "save_figure", draw_instead_of_saving)
    outputs = {"png": tmp_path / "figure.png", "svg": tmp_path / "figure.svg"}
    figures.main(fake_snakemake(rule, inputs, outputs, tmp_path / "log", fig_settings))
    assert [(png, svg) for _, png, svg, _ in drawn] == [(str(outputs["png"]), str(outputs["svg"]))]
