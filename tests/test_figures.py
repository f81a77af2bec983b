"""Figures: Chinese glyphs, legibility with the 31 provinces, reproducible and atomic files, and
the caps that keep thousands of regions fast and readable (`figures.max_regions`).

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
import gwr.plotting as plotting
import numpy as np
import pytest
from conftest import ROOT, SEED, SHIPPED_CONFIG
from gwr.io import write_csv
from gwr.plotting import cjk_font_path, save_figure, setup_matplotlib

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
    "max_regions": 36,
    "regions": [],
    "optimal_order_max": 1000,
}
TFIDF = SHIPPED_CONFIG["tfidf"]
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
        from gwr.split import match_toc, paragraph_records, report_rows, split_corpus
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
    from gwr.split import split_corpus, write_outputs

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
    "fig_top_terms": {"top_terms": "tfidf/top_terms.csv", "reports": "corpus/reports.csv"},
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


# --- Many regions: caps (figures.max_regions) ---------------------------------------------------

HUNDRED = 100


def _scrambled_ids(count: int) -> list[str]:
    """Report ids in corpus order, an order unlike theirs (37 and 100 are coprime)."""
    return [f"r{(number * 37) % count:03d}" for number in range(count)]


@pytest.fixture(scope="module")
def hundred(seed, tmp_path_factory):
    """The inputs of the region figures for HUNDRED reports: the seed's three, dealt out again
    and again (their real paragraphs and top terms), as 地区000 … 地区099 (ids r000 … r099)."""
    from gwr.io import jsonl_text, read_csv

    folder = tmp_path_factory.mktemp("hundred")
    (folder / "text").mkdir()
    top = read_csv(seed.top_terms_csv)
    reports, top_rows = [], []
    for number, report_id in enumerate(_scrambled_ids(HUNDRED)):
        source = seed.ids[number % len(seed.ids)]
        records = seed.paragraphs[source]
        (folder / "text" / f"{report_id}.jsonl").write_text(jsonl_text(records), "utf-8")
        body = sum(len(p["text"]) for p in records if p["part"] in figures.PARTS)
        region = f"地区{report_id[1:]}"
        reports.append(
            {"report_id": report_id, "region": region, "parent": "", "year": "2024"}
            | {"characters": body, "source": source}
        )
    for row in sorted(reports, key=lambda row: row["report_id"]):  # as tfidf writes them
        top_rows += [
            {**r, "report_id": row["report_id"], "region": row["region"]}
            for r in top
            if r["report_id"] == row["source"]
        ]
    write_csv(
        folder / "reports.csv",
        ["report_id", "region", "parent", "year", "characters"],
        [[r["report_id"], r["region"], r["parent"], r["year"], r["characters"]] for r in reports],
    )
    write_csv(folder / "top_terms.csv", list(top[0]), top_rows)
    write_csv(
        folder / "toc.csv",
        ["source_file", "line", "listed_region", "page", "found", "report_id"],
        [],
    )
    return folder


def drawn_by_entry(rule, inputs, tmp_path, settings, monkeypatch) -> list:
    """The figures the Snakemake entry of `rule` draws (not saved: saving is tested above)."""
    drawn = []
    monkeypatch.setattr(figures, "save_figure", lambda fig, png, svg, dpi: drawn.append(fig))
    outputs = {"png": tmp_path / "figure.png", "svg": tmp_path / "figure.svg"}
    figures.main(fake_snakemake(rule, inputs, outputs, tmp_path / "log", settings))
    return drawn


def _titled_axes(fig):
    return [ax.get_title() for ax in fig.axes if ax.get_title()]


def test_which_regions_a_figure_shows():
    keys = [(f"地区{i}", "朝阳区" if i in (3, 7) else f"地区{i}", f"id-{9 - i}") for i in range(10)]
    # None named: the first by report id (id-0 … id-3 are regions 9 … 6), in the figure's order.
    assert figures.select_regions(keys, [], 4) == [6, 7, 8, 9]
    assert figures.select_regions(keys, [], 40) == list(range(10))
    # Named by label, region name (all its reports) or report id; in the figure's order, capped.
    assert figures.select_regions(keys, ["id-0", "朝阳区", "地区1"], 10) == [1, 3, 7, 9]
    assert figures.select_regions(keys, ["id-0", "朝阳区", "地区1"], 2) == [1, 3]
    with pytest.raises(ValueError, match="figures.regions: 海淀区 matches no report"):
        figures.select_regions(keys, ["地区1", "海淀区"], 10)
    assert figures.selection_note(10, 10, False, "t.csv") == ""
    note = figures.selection_note(4, 10, False, "tfidf/top_terms.csv")
    assert "显示 4/10 个地区" in note and "first by report id" in note and "top_terms.csv" in note


def test_top_terms_of_many_regions_show_max_regions_panels_and_say_so(
    hundred, tmp_path, fig_settings, monkeypatch
):
    inputs = {"top_terms": hundred / "top_terms.csv", "reports": hundred / "reports.csv"}
    (fig,) = drawn_by_entry("fig_top_terms", inputs, tmp_path, fig_settings, monkeypatch)
    first = [f"地区{number:03d}" for number in range(fig_settings["max_regions"])]
    assert _titled_axes(fig) == first  # the first 36 by report id, one panel each
    title = fig.get_suptitle()
    assert "显示 36/100 个地区" in title and "showing 36 of 100 regions" in title
    assert "all in tfidf/top_terms.csv" in title
    draw_checking_glyphs(fig)

    # Regions named in the config: those, in the table's order, whatever their number.
    chosen = {**fig_settings, "regions": ["地区050", "r007", "地区099"]}
    (fig,) = drawn_by_entry("fig_top_terms", inputs, tmp_path, chosen, monkeypatch)
    assert _titled_axes(fig) == ["地区007", "地区050", "地区099"]
    assert "显示 3/100 个地区" in fig.get_suptitle() and "figures.regions" in fig.get_suptitle()
    with pytest.raises(ValueError, match="海淀区"):
        drawn_by_entry(
            "fig_top_terms", inputs, tmp_path, {**fig_settings, "regions": ["海淀区"]}, monkeypatch
        )


def test_word_clouds_of_many_regions_are_capped(hundred, tmp_path, fig_settings, monkeypatch):
    monkeypatch.setattr(figures, "WORDCLOUD_PIXELS", (120, 80))  # smaller: faster
    inputs = {"top_terms": hundred / "top_terms.csv", "reports": hundred / "reports.csv"}
    settings = {**fig_settings, "max_regions": 5}
    (fig,) = drawn_by_entry("fig_wordclouds", inputs, tmp_path, settings, monkeypatch)
    assert _titled_axes(fig) == [f"地区{number:03d}" for number in range(5)]
    assert sum(len(ax.images) for ax in fig.axes) == 5
    assert "显示 5/100 个地区" in fig.get_suptitle()


def test_corpus_of_many_reports_shows_max_regions_bars_and_every_length(
    hundred, tmp_path, fig_settings, monkeypatch
):
    inputs = {
        "reports": hundred / "reports.csv",
        "toc": hundred / "toc.csv",
        "text": hundred / "text",
    }
    (fig,) = drawn_by_entry("fig_corpus", inputs, tmp_path, fig_settings, monkeypatch)
    bars = fig.axes[0]
    names = [label.get_text() for label in tick_labels(bars)]
    corpus_order = [f"地区{i[1:]}" for i in _scrambled_ids(HUNDRED)]
    shown = [name for name in corpus_order if int(name[2:]) < fig_settings["max_regions"]]
    assert names == shown  # the first 36 by report id, in corpus order
    spread = next(ax for ax in fig.axes if "全部 100 份报告" in ax.get_title())
    assert sum(patch.get_height() for patch in spread.patches) == HUNDRED  # every report
    assert "显示 36/100 个地区" in fig.get_suptitle() and "100 份报告" in fig.get_suptitle()
    draw_checking_glyphs(fig)


def _symmetric(count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    points = rng.dirichlet(np.full(TOPICS, 0.3), count)
    return np.sqrt(points) @ np.sqrt(points).T  # Bhattacharyya coefficients: 1 on the diagonal


def test_a_heatmap_of_many_regions_is_one_raster_image_without_names(tmp_path, fig_settings):
    count = HUNDRED
    labels = [f"地区{number:03d}" for number in range(count)]
    matrix = _symmetric(count)
    order = figures.cluster_order(figures.distance_matrix(matrix, "tfidf"), "average")
    fig = figures.similarity_figure(
        labels, matrix, "tfidf", annotate_max=count, order=order, max_regions=36
    )
    ax = fig.axes[0]
    assert len(ax.images) == 1 and ax.images[0].get_rasterized()
    assert not ax.texts and not ax.patches and not ax.collections  # no per-cell artists
    assert not tick_labels(ax) and not tick_labels(ax, "x")
    assert ax.images[0].get_array().shape == (count, count)
    assert "全部 100 个地区" in ax.get_title() and "similarity/tfidf_cosine.csv" in ax.get_title()
    draw_checking_glyphs(fig)
    save_figure(fig, tmp_path / "h.png", tmp_path / "h.svg", fig_settings["dpi"])
    svg = (tmp_path / "h.svg").read_text("utf-8")
    assert svg.count("<image") <= 2  # the heatmap (and the colour bar): images, not cells

    # Past RASTER_MAX_CELLS regions, runs of alike regions are averaged, and the title says so.
    big = figures.RASTER_MAX_CELLS + 50
    fig = figures.similarity_figure(
        [str(n) for n in range(big)], _symmetric(big, 1), "tfidf", max_regions=36
    )
    assert fig.axes[0].images[0].get_array().shape == ((big + 1) // 2, (big + 1) // 2)
    assert "每格为相邻 2 个地区的均值" in fig.axes[0].get_title()


def test_region_topic_heatmaps_of_many_regions_are_images_in_clustering_order(fig_settings):
    rng = np.random.default_rng(2)
    shares = rng.dirichlet(np.full(TOPICS, 0.3), HUNDRED)
    regions = [f"地区{number:03d}" for number in range(HUNDRED)]
    labels = [f"主题{k}" for k in range(TOPICS)]
    order = figures.share_order(shares, "average")
    assert sorted(order) == list(range(HUNDRED))
    fig = figures.region_topics_figure(regions, labels, shares, max_regions=36, order=order)
    ax = fig.axes[0]
    assert len(ax.images) == 1 and not ax.texts and not tick_labels(ax)
    assert [t.get_text() for t in tick_labels(ax, "x")] == figures.topic_axis_labels(labels)
    assert np.allclose(ax.images[0].get_array(), shares[order])
    assert "全部 100 个地区" in ax.get_title()

    review, plans = shares, rng.dirichlet(np.full(TOPICS, 0.3), HUNDRED)
    review[5] = np.nan  # a region without a review
    order = figures.share_order(np.hstack([review, plans]), "average")
    fig = figures.parts_topics_figure(regions, labels, review, plans, max_regions=36, order=order)
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 3 and all(not ax.texts and not tick_labels(ax) for ax in panels)
    assert "全部 100 个地区" in fig.get_suptitle() and "地区005" in fig.get_suptitle()
    draw_checking_glyphs(fig)


def test_dendrograms_of_many_regions_are_cut_to_max_regions_named_clusters(fig_settings):
    labels = [f"地区{number:03d}" for number in range(HUNDRED)]
    distances = figures.distance_matrix(_symmetric(HUNDRED, 3), "tfidf")
    fig = figures.dendrograms_figure(
        [("tfidf", labels, distances), ("jsd", labels, distances)], "average", max_leaves=36
    )
    draw_checking_glyphs(fig)
    for ax in fig.axes:
        leaves = [label.get_text() for label in tick_labels(ax)]
        assert len(leaves) == 36
        sizes = [
            int(re.search(r"等 (\d+) 个", leaf).group(1)) if "等" in leaf else 1 for leaf in leaves
        ]
        assert sum(sizes) == HUNDRED  # every region in one leaf
        assert all(leaf.split(" 等 ")[0] in labels for leaf in leaves)
    assert "100 个地区合为 36 簇" in fig.get_suptitle()


def test_matrices_and_document_topics_are_read_as_they_come(tmp_path, monkeypatch):
    import csv

    rng = np.random.default_rng(4)
    rows = [
        {
            "report_id": f"r{rng.integers(5)}",
            "part": ["review", "plans", "opening"][rng.integers(3)],
            "kept_tokens": str(rng.integers(1, 30)),
            **{f"topic_{k + 1}": f"{v:.6f}" for k, v in enumerate(rng.dirichlet(np.ones(4)))},
        }
        for _ in range(200)
    ]
    ids = [f"r{n}" for n in range(5)]
    columns = [f"topic_{k + 1}" for k in range(4)]
    sums = {part: np.zeros((5, 4)) for part in figures.COMPARED_PARTS}
    for row in rows:  # the plain reckoning, a row at a time
        if row["part"] in sums:
            vector = np.array([float(row[c]) for c in columns])
            sums[row["part"]][ids.index(row["report_id"])] += float(row["kept_tokens"]) * vector
    expected = {part: totals / totals.sum(axis=1, keepdims=True) for part, totals in sums.items()}
    write_csv(tmp_path / "doc_topics.csv", list(rows[0]), rows)
    monkeypatch.setattr(figures, "DOC_CHUNK", 7)  # many chunks
    with open(tmp_path / "doc_topics.csv", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        streamed = figures.part_topic_shares(reader, ids, columns=reader.fieldnames)
    for part in figures.COMPARED_PARTS:
        assert np.array_equal(streamed[part], expected[part], equal_nan=True)
