"""Figures: Chinese glyphs, legibility with the 31 provinces, reproducible and atomic files, the
caps that keep thousands of regions fast and readable (`figures.max_regions`), and one script
per rule that takes only the settings it reads (a change reruns only its figures).

The figures are drawn from data built here, from the real texts, with the project's own pure
functions (the splitter, TF-IDF) and the shipped policy terms as a cheap stand-in for jieba:
nothing depends on an earlier run of the workflow. Where results/ of such a run exist, every
rule is also drawn from them through its Snakemake entry.
"""

import ast
import functools
import json
import re
import shutil
import sys
import types
import warnings
from pathlib import Path

import fig_corpus
import fig_dendrograms
import fig_model_selection
import fig_parts_topics
import fig_region_topics
import fig_similarity
import fig_top_terms
import fig_topic_intervals
import fig_topics
import fig_watch
import fig_wordclouds
import gwr.figure_data as figure_data
import gwr.fonts as fonts
import gwr.plotting as plotting
import numpy as np
import pytest
from conftest import ROOT, SEED, SHIPPED_CONFIG, planned_jobs, run_snakemake, set_config
from gwr.io import write_csv
from gwr.names import BODY_PARTS, MEASURES, TFIDF_COSINE, TOPIC_HELLINGER, TOPIC_JSD
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
# The rules of workflow/rules/figures.smk and their scripts.
SCRIPTS = {
    "fig_corpus": fig_corpus,
    "fig_top_terms": fig_top_terms,
    "fig_wordclouds": fig_wordclouds,
    "fig_model_selection": fig_model_selection,
    "fig_topics": fig_topics,
    "fig_region_topics": fig_region_topics,
    "fig_topic_intervals": fig_topic_intervals,
    "fig_parts_topics": fig_parts_topics,
    "fig_dendrograms": fig_dendrograms,
    "fig_similarity": fig_similarity,
    "fig_watch": fig_watch,
}
FIGURES_SMK = ROOT / "workflow" / "rules" / "figures.smk"


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
        self.labels = [row["label"] for row in self.reports]
        self.ids = [row["report_id"] for row in self.reports]
        self.labels_by_id = figure_data.labels_by_id(self.reports)
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
        by_id = {row["report_id"]: row for row in self.reports}
        rows, _, matrix, self.terms, _ = run_tfidf(token_files, by_id, TFIDF)
        self.top_terms_csv = tmp / "top_terms.csv"
        write_csv(self.top_terms_csv, list(rows[0]), rows)
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
        return {TFIDF_COSINE: self.cosine, TOPIC_JSD: jsd, TOPIC_HELLINGER: hellinger}

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
            {
                "topic": i + 1,
                "topic_label": label,
                "terms": [(t, 1 / (r + 2)) for r, t in enumerate(b)],
            }
            for i, (label, b) in enumerate(zip(labels, blocks, strict=True))
        ]

    def parts_topics():
        parts = fig_parts_topics.part_topic_shares(corpus.doc_rows(), corpus.ids, TFIDF["parts"])
        return fig_parts_topics.parts_topics_figure(
            corpus.labels,
            labels,
            parts,
            settings["cmap"],
            settings["cmap_diverging"],
            settings["annotate_max"],
        )

    def similarity(measure):
        matrix = distances[measure]
        order = figure_data.cluster_order(
            figure_data.distance_matrix(matrix, measure), settings["linkage"]
        )
        return fig_similarity.similarity_figure(
            corpus.labels, matrix, measure, settings["cmap"], settings["annotate_max"], order
        )

    makers = {
        "corpus": lambda: fig_corpus.corpus_figure(
            corpus.labels, corpus.characters(), corpus.missing
        ),
        "top_terms": lambda: fig_top_terms.top_terms_figure(
            figure_data.load_top_terms(corpus.top_terms_csv, corpus.labels_by_id),
            settings["top_terms"],
            settings["cmap"],
        ),
        "model_selection": lambda: fig_model_selection.model_selection_figure(selection_rows(), 8),
        "topics": lambda: fig_topics.topics_figure(
            topics(), settings["top_terms"], settings["cmap"]
        ),
        "region_topics": lambda: fig_region_topics.region_topics_figure(
            corpus.labels, labels, corpus.shares, settings["cmap"], settings["annotate_max"]
        ),
        "topic_intervals": lambda: fig_topic_intervals.intervals_figure(
            {
                t + 1: [
                    (name, share, max(0.0, share - 0.04), min(1.0, share + 0.04))
                    for name, share in zip(corpus.labels, corpus.shares[:, t], strict=True)
                ]
                for t in range(corpus.shares.shape[1])
            },
            labels,
            settings["max_regions"],
            settings["cmap"],
        ),
        "parts_topics": parts_topics,
        "dendrograms": lambda: fig_dendrograms.dendrograms_figure(
            [
                (measure, corpus.labels, figure_data.distance_matrix(matrix, measure))
                for measure, matrix in distances.items()
            ],
            settings["linkage"],
        ),
        **{f"similarity_{m}": (lambda m=m: similarity(m)) for m in MEASURES},
    }
    return {name: make() for name, make in makers.items() if names is None or name in names}


def tick_labels(ax, axis: str = "y"):
    return [label for label in getattr(ax, f"get_{axis}ticklabels")() if label.get_text()]


def assert_no_overlap(labels, renderer) -> None:
    """Horizontal tick labels stacked vertically must not overlap."""
    boxes = sorted((label.get_window_extent(renderer) for label in labels), key=lambda b: b.y0)
    for lower, upper in zip(boxes, boxes[1:], strict=False):
        assert upper.y0 >= lower.y1 - 1, (lower, upper)


# --- The Snakemake entry, without Snakemake ----------------------------------------------------


def declared_params() -> dict[str, dict[str, str]]:
    """{rule: {param: config path}} of the `lookup` params of workflow/rules/figures.smk."""
    rules = {}
    for block in re.split(r"^rule ", FIGURES_SMK.read_text("utf-8"), flags=re.M)[1:]:
        name = block.split(":", 1)[0]
        rules[name] = dict(
            re.findall(r'^\s+(\w+)=lookup\(dpath="([\w/]+)", within=config\)', block, re.M)
        )
    return rules


class _Files(dict):
    __getattr__ = dict.__getitem__


class RecordingParams(types.SimpleNamespace):
    """`snakemake.params` that remembers which params the script read."""

    def __init__(self, **values):
        super().__init__(**values)
        object.__setattr__(self, "_read", set())

    def __getattribute__(self, name):
        if not name.startswith("_"):
            object.__getattribute__(self, "_read").add(name)
        return object.__getattribute__(self, name)


def rule_params(rule: str, settings: dict) -> RecordingParams:
    """The params figures.smk gives `rule`, from `settings` (the `figures` section) and the
    shipped config for the rest."""
    config = {**SHIPPED_CONFIG, "figures": settings}
    values = {}
    for name, dpath in declared_params()[rule].items():
        value = config
        for key in dpath.split("/"):
            value = value[key]
        values[name] = value
    return RecordingParams(**values)


def fake_snakemake(rule: str, inputs: dict, outputs: dict, log: Path, settings: dict):
    return types.SimpleNamespace(
        rule=rule,
        input=_Files({key: str(value) for key, value in inputs.items()}),
        output=_Files({key: str(value) for key, value in outputs.items()}),
        log=[str(log)],
        params=rule_params(rule, settings),
    )


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
    fig = plotting.new_figure(2, 1)
    fig.text(0.5, 0.5, "\U0001f600")  # an emoji: in no font matplotlib is given
    with pytest.raises(AssertionError, match="missing from font"):
        draw_checking_glyphs(fig)


def test_one_script_per_rule_that_imports_no_other_script():
    rules = declared_params()
    text = FIGURES_SMK.read_text("utf-8")
    assert set(rules) == set(SCRIPTS)
    assert "figure_settings" not in text and "settings=" not in text
    scripts = {path.stem for path in (ROOT / "scripts").glob("*.py")}
    assert "figures" not in scripts
    for rule, module in SCRIPTS.items():
        block = text.split(f"rule {rule}:", 1)[1].split("\nrule ", 1)[0]
        assert f'code=code("{rule}.py")' in block and f'"../../scripts/{rule}.py"' in block
        source = Path(module.__file__).read_text("utf-8")
        # The entry: Snakemake's object, or the mock's when the script runs alone.
        assert source.rstrip().endswith("    main(snakemake)  # noqa: F821"), rule
        assert f'snakemake = mock_snakemake("{rule}")' in source, rule
        imported = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module.split(".")[0])
        assert not imported & scripts, (rule, imported & scripts)  # gwr and libraries only


def test_each_rule_gets_the_figure_settings_its_figure_reads():
    rules = declared_params()
    assert {name: set(params) for name, params in rules.items()} == {
        "fig_corpus": {"dpi", "regions", "max_regions"},
        "fig_top_terms": {"dpi", "top_terms", "cmap", "regions", "max_regions"},
        "fig_wordclouds": {
            *("dpi", "wordcloud_words", "wordcloud_seed", "cmap", "regions", "max_regions"),
        },
        "fig_model_selection": {"dpi"},
        "fig_topics": {"dpi", "top_terms", "cmap"},
        "fig_region_topics": {
            *("dpi", "cmap", "annotate_max", "max_regions", "linkage", "optimal_order_max"),
        },
        "fig_topic_intervals": {"dpi", "cmap", "max_regions"},
        "fig_parts_topics": {
            *("dpi", "parts", "cmap", "cmap_diverging", "annotate_max", "max_regions"),
            *("linkage", "optimal_order_max"),
        },
        "fig_dendrograms": {"dpi", "linkage", "max_regions", "optimal_order_max"},
        "fig_similarity": {
            *("dpi", "cmap", "annotate_max", "linkage", "optimal_order_max", "max_regions"),
        },
        "fig_watch": {"dpi", "cmap", "annotate_max", "max_regions"},
    }
    for params in rules.values():
        for name, dpath in params.items():
            assert dpath == ("tfidf/parts" if name == "parts" else f"figures/{name}")


def test_chinese_text_draws_without_missing_glyphs(seed_figures):
    for name, fig in seed_figures.items():
        assert fig.get_size_inches().min() > 1, name
        draw_checking_glyphs(fig)


def test_word_clouds_draw_from_the_seed(seed, fig_settings, monkeypatch):
    monkeypatch.setattr(fig_wordclouds, "WORDCLOUD_PIXELS", (300, 200))  # smaller: faster
    terms = figure_data.load_top_terms(seed.top_terms_csv, seed.labels_by_id)
    fig = fig_wordclouds.wordclouds_figure(
        {region: dict(items) for region, items in terms.items()},
        str(cjk_font_path()),
        fig_settings["wordcloud_words"],
        fig_settings["wordcloud_seed"],
        fig_settings["cmap"],
    )
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == ["北京市", "东城区", "西城区"]
    draw_checking_glyphs(fig)
    drawn = fig.axes[0].images[0].get_array()
    again = fig_wordclouds.wordcloud_image(
        dict(terms["北京市"]),
        str(cjk_font_path()),
        fig_settings["wordcloud_words"],
        fig_settings["wordcloud_seed"],
        fig_settings["cmap"],
    )
    assert np.array_equal(drawn, again)  # fixed random_state: the same layout every time


def test_word_clouds_use_a_cut_down_font_that_draws_the_same_words(seed, tmp_path):
    """fig_wordclouds draws with Noto Sans SC cut down to its words: every word drawn pixel for
    pixel as with the whole font (FreeType's auto-hinter needs its reference characters:
    gwr.fonts.HINTING_REFERENCE), and the same file from the same words."""
    from PIL import ImageFont

    terms = figure_data.load_top_terms(seed.top_terms_csv, seed.labels_by_id)
    words = [term for items in terms.values() for term, _ in items]
    small = fonts.font_file("".join(words), tmp_path / "a.ttf")
    assert small.stat().st_size < cjk_font_path().stat().st_size / 50
    assert fonts.font_file("".join(reversed(words)), tmp_path / "b.ttf").read_bytes() == (
        small.read_bytes()
    )
    for size in (20, 74):  # FreeType's hinting differs by size: a small and a large one
        whole, cut = (ImageFont.truetype(str(path), size) for path in (cjk_font_path(), small))
        for word in words:
            assert drawn(cut, word) == drawn(whole, word), (size, word)


def drawn(font, text: str) -> tuple:
    """The box and the pixels of `text` drawn in `font` by Pillow."""
    from PIL import Image, ImageDraw

    box = font.getbbox(text)
    image = Image.new("L", (box[2] + 2, box[3] + 2))
    ImageDraw.Draw(image).text((0, 0), text, font=font, fill=255)
    return box, image.tobytes()


def test_corpus_figure_names_the_missing_reports(seed):
    assert len(seed.missing) == 14
    fig = fig_corpus.corpus_figure(seed.labels, seed.characters(), seed.missing)
    texts = [text.get_text() for ax in fig.axes for text in ax.texts]
    box = next(text for text in texts if text.startswith("目录所列但缺失的报告"))
    assert "朝阳区" in box and "延庆区" in box and "(14)" in box
    assert any("16,960" in text for text in texts)  # 北京市's body, as reports.csv counts it
    assert not any(
        t.startswith("目录所列") for t in _texts(fig_corpus.corpus_figure(["甲"], {"甲": {}}))
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
    labels, characters, missing = fig_corpus.load_corpus(output.reports, output.toc, output.text)
    assert labels == ["北京市", "东城区", "西城区"]
    assert missing == seed.missing
    assert sum(characters["北京市"][part] for part in BODY_PARTS) == 16960
    assert characters["西城区"]["appendix"] > 0

    terms = figure_data.load_top_terms(seed.top_terms_csv, seed.labels_by_id)
    assert list(terms) == ["北京市", "东城区", "西城区"]
    scores = [score for _, score in terms["东城区"]]
    assert scores == sorted(scores, reverse=True)

    path = tmp_path / "matrix.csv"
    write_csv(path, ["label", "甲", "乙"], [["甲", "1.000000", "0.2"], ["乙", "0.2", "1.000000"]])
    labels, matrix = figure_data.load_matrix(path)
    assert labels == ["甲", "乙"] and matrix[0, 1] == pytest.approx(0.2)
    for rows in ([["甲", "1", "0.2"]], [["乙", "0.2", "1"], ["甲", "1", "0.2"]]):
        write_csv(path, ["label", "甲", "乙"], rows)
        with pytest.raises(ValueError, match="square"):
            figure_data.load_matrix(path)


def test_report_and_topic_labels_come_from_reports_csv_and_topic_label(tmp_path):
    """Report labels are joined from reports.csv by report_id, whatever else a table carries;
    topic labels are `topic_label`."""
    by_id = {"r1": "北京市2024", "r2": "北京市2025"}
    for extra in ("label", "region", None):  # the columns beside report_id do not matter
        header = ["report_id", *([extra] if extra else []), "topic_1", "topic_2"]
        rows = [
            ["r2", *(["?"] if extra else []), "0.25", "0.75"],
            ["r1", *(["?"] if extra else []), "1", "0"],
        ]
        write_csv(tmp_path / "report_topics.csv", header, rows)
        labels, shares = fig_region_topics.load_report_topics(tmp_path / "report_topics.csv", by_id)
        assert labels == ["北京市2025", "北京市2024"]
        assert shares.tolist() == [[0.25, 0.75], [1.0, 0.0]]
    write_csv(
        tmp_path / "topics.csv",
        ["topic", "topic_label", "ranking", "rank", "term", "weight", "relevance"],
        [
            [2, "乙·丙", "relevance", 1, "乙", "0.5", "0"],
            [1, "甲·丁", "relevance", 2, "甲", "0.6", "0"],
            [1, "甲·丁", "relevance", 1, "丁", "0.2", "0"],
            [1, "甲·丁", "weight", 1, "甲", "0.6", "0"],
        ],
    )
    # The relevance ranking (the labels' ranking), with the terms' weights as the bars.
    topics = fig_topics.load_topics(tmp_path / "topics.csv", 10)
    assert [(t["topic"], t["topic_label"]) for t in topics] == [(1, "甲·丁"), (2, "乙·丙")]
    assert topics[0]["terms"] == [("丁", 0.2), ("甲", 0.6)]


def test_part_shares_are_weighted_by_kept_tokens():
    rows = [
        {"report_id": "a", "part": "review", "kept_tokens": "3", "topic_1": "1", "topic_2": "0"},
        {"report_id": "a", "part": "review", "kept_tokens": "1", "topic_1": "0", "topic_2": "1"},
        {"report_id": "a", "part": "plans", "kept_tokens": "5", "topic_1": "0.5", "topic_2": "0.5"},
        {"report_id": "b", "part": "plans", "kept_tokens": "2", "topic_1": "0", "topic_2": "1"},
    ]
    shares = fig_parts_topics.part_topic_shares(rows, ["a", "b"], ["review", "plans"])
    assert shares["review"][0] == pytest.approx([0.75, 0.25])
    assert np.isnan(shares["review"][1]).all()  # b has no review: left blank, not zero
    assert shares["plans"] == pytest.approx(np.array([[0.5, 0.5], [0, 1]]))


def test_the_parts_compared_come_from_the_config(seed, tmp_path, fig_settings, monkeypatch):
    """tfidf.parts: a heatmap per part in its order, the shift of the first two."""
    doc_topics = tmp_path / "doc_topics.csv"
    rows = seed.doc_rows()
    write_csv(doc_topics, list(rows[0]), rows)
    reports = tmp_path / "reports.csv"
    write_csv(reports, list(seed.reports[0]), seed.reports)
    chosen = tmp_path / "chosen.json"
    chosen.write_text(json.dumps({"k": TOPICS, "labels": [f"主题{k}" for k in range(TOPICS)]}))
    inputs = {"doc_topics": doc_topics, "reports": reports, "chosen": chosen}

    def drawn(parts):
        fig = fig_parts_topics.draw(
            doc_topics,
            reports,
            chosen,
            parts,
            fig_settings["cmap"],
            fig_settings["cmap_diverging"],
            fig_settings["annotate_max"],
            fig_settings["max_regions"],
            fig_settings["linkage"],
            fig_settings["optimal_order_max"],
        )
        draw_checking_glyphs(fig)
        return fig, [ax.get_title() for ax in fig.axes if ax.images]

    fig, titles = drawn(["review", "plans"])
    assert titles == ["工作回顾 review of the past year", "今年安排 plans for this year"] + [
        "变化 shift: 安排 − 回顾 plans − review"
    ]
    assert fig.get_suptitle().startswith(
        "回顾与安排的主题占比 Topic shares: review of the past year vs plans for this year"
    )
    fig, titles = drawn(["plans", "government", "review"])
    assert titles[:3] == [
        "今年安排 plans for this year",
        "政府自身建设 government's own conduct",
        "工作回顾 review of the past year",
    ]
    assert titles[3] == "变化 shift: 自身建设 − 安排 government − plans"
    assert fig.get_suptitle().startswith("安排、自身建设与回顾的主题占比")
    fig, titles = drawn(["plans"])
    assert titles == ["今年安排 plans for this year"]  # one part: no shift
    fig, titles = drawn([])
    assert not titles and "tfidf.parts is empty" in _texts(fig)[0]

    # Through the entry: the param `parts` (tfidf.parts) decides.
    saved = []
    monkeypatch.setattr(fig_parts_topics, "save_figure", lambda fig, *_: saved.append(fig))
    snakemake = fake_snakemake(
        "fig_parts_topics", inputs, {"png": "p.png", "svg": "p.svg"}, tmp_path / "log", fig_settings
    )
    snakemake.params.parts = ["review", "plans", "closing"]
    fig_parts_topics.main(snakemake)
    (fig,) = saved
    assert len([ax for ax in fig.axes if ax.images]) == 4


def test_region_labels_are_unique():
    from gwr.regions import report_labels

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
    assert report_labels(rows) == [
        "北京市朝阳区",
        "长春市朝阳区",
        "北京市2024",
        "北京市2025",
    ]


def test_heatmaps_say_which_way_is_alike_and_annotate_small_grids(seed, fig_settings):
    distances = seed.distances
    similarity_figure = fig_similarity.similarity_figure
    cosine = similarity_figure(seed.labels, distances[TFIDF_COSINE], TFIDF_COSINE)
    jsd = similarity_figure(seed.labels, distances[TOPIC_JSD], TOPIC_JSD)
    assert "越高越相似 higher = more alike" in cosine.axes[0].get_title()
    assert "越低越相似 lower = more alike" in jsd.axes[0].get_title()
    annotations = [text.get_text() for text in cosine.axes[0].texts]
    assert len(annotations) == 9 and annotations.count("1.00") == 3
    assert all(re.fullmatch(r"\d\.\d\d", text) for text in annotations)
    silent = similarity_figure(seed.labels, distances[TFIDF_COSINE], TFIDF_COSINE, annotate_max=2)
    assert not silent.axes[0].texts


def test_31_provinces_stay_legible(provincial, seed_figures, fig_settings):
    assert len(provincial.labels) == 31
    grown = (f"similarity_{TOPIC_JSD}", "dendrograms", "region_topics", "corpus")
    renderer_figures = all_figures(provincial, fig_settings, (*grown, "top_terms"))
    small = seed_figures
    for name in (*grown, "top_terms"):
        big, little = renderer_figures[name].get_size_inches(), small[name].get_size_inches()
        assert big[1] > little[1], name  # grows with the number of regions
    heatmap = renderer_figures[f"similarity_{TOPIC_JSD}"]
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
    assert len(rows) == -(-31 // plotting.GRID_MAX_COLUMNS)


def test_save_figure_is_atomic_reproducible_and_at_least_150_dpi(seed, tmp_path, fig_settings):
    from PIL import Image

    dpi = fig_settings["dpi"]
    distances = seed.distances

    def draw():
        return fig_similarity.similarity_figure(seed.labels, distances[TOPIC_JSD], TOPIC_JSD)

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


def test_the_snakemake_entry_writes_every_output(seed, tmp_path, fig_settings, monkeypatch):
    matrices = {}
    for measure in MEASURES:
        matrix = seed.distances[measure]
        matrices[measure] = tmp_path / f"{measure}.csv"
        write_csv(
            matrices[measure],
            ["label", *seed.labels],
            [
                [label, *(f"{v:.6f}" for v in row)]
                for label, row in zip(seed.labels, matrix, strict=True)
            ],
        )
    log = tmp_path / "logs" / "dendrograms.log"
    outputs = {"png": tmp_path / "out" / "dendrograms.png", "svg": tmp_path / "out" / "d.svg"}
    snakemake = fake_snakemake("fig_dendrograms", matrices, outputs, log, fig_settings)
    fig_dendrograms.main(snakemake)
    assert all(path.stat().st_size > 0 for path in outputs.values())
    assert "dendrograms" in log.read_text("utf-8")
    assert snakemake.params._read == set(declared_params()["fig_dendrograms"])

    # fig_similarity: one figure per measure, to its own pair of outputs (saving tested above).
    saved = []
    monkeypatch.setattr(fig_similarity, "save_figure", lambda fig, png, svg, dpi: saved.append(png))
    outputs = {
        f"{kind}_{measure}": tmp_path / f"similarity_{measure}.{kind}"
        for measure in MEASURES
        for kind in ("png", "svg")
    }
    snakemake = fake_snakemake("fig_similarity", matrices, outputs, log, fig_settings)
    fig_similarity.main(snakemake)
    assert saved == [str(outputs[f"png_{measure}"]) for measure in MEASURES]
    assert snakemake.params._read == set(declared_params()["fig_similarity"])


# Every rule, drawn through the entry from the results of a real run of the workflow on the seed.
RESULT_INPUTS = {
    "fig_corpus": {
        "reports": "corpus/reports.csv",
        "toc": "corpus/toc.csv",
        "text": "corpus/text",
    },
    "fig_top_terms": {"top_terms": "tfidf/top_terms.csv", "reports": "corpus/reports.csv"},
    "fig_wordclouds": {"top_terms": "tfidf/top_terms.csv", "reports": "corpus/reports.csv"},
    "fig_model_selection": {"selection": "lda/model_selection.csv", "chosen": "lda/chosen.json"},
    "fig_topics": {"topics": "lda/chosen/topics.csv"},
    "fig_region_topics": {
        "report_topics": "lda/chosen/report_topics.csv",
        "reports": "corpus/reports.csv",
        "chosen": "lda/chosen.json",
    },
    "fig_topic_intervals": {
        "shares": "lda/chosen/report_topic_shares.csv",
        "chosen": "lda/chosen.json",
    },
    "fig_parts_topics": {
        "doc_topics": "lda/chosen/doc_topics.csv",
        "reports": "corpus/reports.csv",
        "chosen": "lda/chosen.json",
    },
    "fig_dendrograms": {measure: f"similarity/{measure}.csv" for measure in MEASURES},
    "fig_watch": {"watch": "terms/watch.csv"},
}


@pytest.mark.workflow
@pytest.mark.parametrize("rule", sorted(RESULT_INPUTS))
def test_figures_from_the_results_of_a_run(rule, seed_run, tmp_path, fig_settings, monkeypatch):
    inputs = {key: seed_run / "results" / path for key, path in RESULT_INPUTS[rule].items()}
    drawn = []

    def draw_instead_of_saving(fig, png, svg, dpi):  # saving is tested above; keep this fast
        draw_checking_glyphs(fig)
        drawn.append((fig, png, svg, dpi))

    monkeypatch.setattr(SCRIPTS[rule], "save_figure", draw_instead_of_saving)
    outputs = {"png": tmp_path / "figure.png", "svg": tmp_path / "figure.svg"}
    snakemake = fake_snakemake(rule, inputs, outputs, tmp_path / "log", fig_settings)
    SCRIPTS[rule].main(snakemake)
    assert [(png, svg) for _, png, svg, _ in drawn] == [(str(outputs["png"]), str(outputs["svg"]))]
    assert snakemake.params._read == set(declared_params()[rule])  # reads all it gets, no more


@pytest.fixture()
def done(seed_run, tmp_path):
    """A copy of a completed seed run, free to change."""
    workdir = tmp_path / "project"
    shutil.copytree(seed_run, workdir, symlinks=True)
    return workdir


@pytest.mark.workflow
def test_a_figure_script_or_setting_reruns_that_figure_only(done):
    assert "Nothing to be done" in run_snakemake(done, "--dry-run").stdout
    script = done / "scripts" / "fig_wordclouds.py"
    original = script.read_text("utf-8")
    script.write_text(original + "# an edit of the word clouds only\n", "utf-8")
    jobs = planned_jobs(run_snakemake(done, "--dry-run").stdout)
    assert jobs == {"fig_wordclouds": 1, "report_page": 1, "all": 1}

    script.write_text(original, "utf-8")
    set_config(done, **{"figures.wordcloud_seed": 2})
    jobs = planned_jobs(run_snakemake(done, "--dry-run").stdout)
    assert jobs == {"fig_wordclouds": 1, "report_page": 1, "all": 1}


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
        body = sum(len(p["text"]) for p in records if p["part"] in BODY_PARTS)
        region = f"地区{report_id[1:]}"
        reports.append(
            {"report_id": report_id, "region": region, "parent": "", "year": "2024"}
            | {"characters": body, "label": region, "source": source}
        )
    for row in sorted(reports, key=lambda row: row["report_id"]):  # as tfidf writes them
        top_rows += [
            {**r, "report_id": row["report_id"], "label": row["label"], "region": row["region"]}
            for r in top
            if r["report_id"] == row["source"]
        ]
    columns = ["report_id", "region", "parent", "year", "characters", "label"]
    write_csv(folder / "reports.csv", columns, [[r[c] for c in columns] for r in reports])
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
    monkeypatch.setattr(SCRIPTS[rule], "save_figure", lambda fig, png, svg, dpi: drawn.append(fig))
    outputs = {"png": tmp_path / "figure.png", "svg": tmp_path / "figure.svg"}
    SCRIPTS[rule].main(fake_snakemake(rule, inputs, outputs, tmp_path / "log", settings))
    return drawn


def _titled_axes(fig):
    return [ax.get_title() for ax in fig.axes if ax.get_title()]


def test_which_regions_a_figure_shows():
    keys = [(f"地区{i}", "朝阳区" if i in (3, 7) else f"地区{i}", f"id-{9 - i}") for i in range(10)]
    select_regions = figure_data.select_regions
    # None named: the first by report id (id-0 … id-3 are regions 9 … 6), in the figure's order.
    assert select_regions(keys, [], 4) == [6, 7, 8, 9]
    assert select_regions(keys, [], 40) == list(range(10))
    # Named by label, region name (all its reports) or report id; in the figure's order, capped.
    assert select_regions(keys, ["id-0", "朝阳区", "地区1"], 10) == [1, 3, 7, 9]
    assert select_regions(keys, ["id-0", "朝阳区", "地区1"], 2) == [1, 3]
    with pytest.raises(ValueError, match="figures.regions: 海淀区 matches no report"):
        select_regions(keys, ["地区1", "海淀区"], 10)
    assert figure_data.selection_note(10, 10, False, "t.csv") == ""
    note = figure_data.selection_note(4, 10, False, "tfidf/top_terms.csv")
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
    monkeypatch.setattr(fig_wordclouds, "WORDCLOUD_PIXELS", (120, 80))  # smaller: faster
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
    order = figure_data.cluster_order(figure_data.distance_matrix(matrix, TFIDF_COSINE), "average")
    fig = fig_similarity.similarity_figure(
        labels, matrix, TFIDF_COSINE, annotate_max=count, order=order, max_regions=36
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
    big = plotting.RASTER_MAX_CELLS + 50
    fig = fig_similarity.similarity_figure(
        [str(n) for n in range(big)], _symmetric(big, 1), TFIDF_COSINE, max_regions=36
    )
    assert fig.axes[0].images[0].get_array().shape == ((big + 1) // 2, (big + 1) // 2)
    assert "每格为相邻 2 个地区的均值" in fig.axes[0].get_title()


def test_region_topic_heatmaps_of_many_regions_are_images_in_clustering_order(fig_settings):
    rng = np.random.default_rng(2)
    shares = rng.dirichlet(np.full(TOPICS, 0.3), HUNDRED)
    regions = [f"地区{number:03d}" for number in range(HUNDRED)]
    labels = [f"主题{k}" for k in range(TOPICS)]
    order = figure_data.share_order(shares, "average")
    assert sorted(order) == list(range(HUNDRED))
    fig = fig_region_topics.region_topics_figure(
        regions, labels, shares, max_regions=36, order=order
    )
    ax = fig.axes[0]
    assert len(ax.images) == 1 and not ax.texts and not tick_labels(ax)
    assert [t.get_text() for t in tick_labels(ax, "x")] == plotting.topic_axis_labels(labels)
    assert np.allclose(ax.images[0].get_array(), shares[order])
    assert "全部 100 个地区" in ax.get_title()

    review, plans = shares, rng.dirichlet(np.full(TOPICS, 0.3), HUNDRED)
    review[5] = np.nan  # a region without a review
    order = figure_data.share_order(np.hstack([review, plans]), "average")
    fig = fig_parts_topics.parts_topics_figure(
        regions, labels, {"review": review, "plans": plans}, max_regions=36, order=order
    )
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 3 and all(not ax.texts and not tick_labels(ax) for ax in panels)
    assert "全部 100 个地区" in fig.get_suptitle() and "地区005" in fig.get_suptitle()
    draw_checking_glyphs(fig)


def test_dendrograms_of_many_regions_are_cut_to_max_regions_named_clusters(fig_settings):
    labels = [f"地区{number:03d}" for number in range(HUNDRED)]
    distances = figure_data.distance_matrix(_symmetric(HUNDRED, 3), TFIDF_COSINE)
    fig = fig_dendrograms.dendrograms_figure(
        [(TFIDF_COSINE, labels, distances), (TOPIC_JSD, labels, distances)],
        "average",
        max_leaves=36,
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
    parts = ("review", "plans")
    sums = {part: np.zeros((5, 4)) for part in parts}
    for row in rows:  # the plain reckoning, a row at a time
        if row["part"] in sums:
            vector = np.array([float(row[c]) for c in columns])
            sums[row["part"]][ids.index(row["report_id"])] += float(row["kept_tokens"]) * vector
    expected = {part: totals / totals.sum(axis=1, keepdims=True) for part, totals in sums.items()}
    write_csv(tmp_path / "doc_topics.csv", list(rows[0]), rows)
    monkeypatch.setattr(fig_parts_topics, "DOC_CHUNK", 7)  # many chunks
    with open(tmp_path / "doc_topics.csv", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        streamed = fig_parts_topics.part_topic_shares(reader, ids, parts, columns=reader.fieldnames)
    for part in parts:
        assert np.array_equal(streamed[part], expected[part], equal_nan=True)


def test_the_watched_terms_figure_shows_each_report_s_rate():
    rows = [
        {"label": label, "term": term, "per_10k": str(rate)}
        for label, rates in (("北京市", (1.5, 0.0)), ("上海市", (2.0, 3.25)))
        for term, rate in zip(("新质生产力", "低空经济"), rates, strict=True)
    ]
    labels, terms, values = fig_watch.watch_matrix(rows)
    assert labels == ["北京市", "上海市"] and terms == ["新质生产力", "低空经济"]
    assert values.tolist() == [[1.5, 0.0], [2.0, 3.25]]
    plotting.setup_matplotlib(150)
    fig = fig_watch.watch_figure(labels, terms, values)
    texts = {text.get_text() for text in fig.axes[0].texts}
    assert {"1.5", "3.2"} <= texts or {"1.5", "3.3"} <= texts
    plotting.close_figure(fig)
