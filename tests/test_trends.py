"""Trends (rules trends, fig_trends): the changes between a region's consecutive reports, the
terms each year introduced, shares and watched terms over the years — on the national series
1954–2022 (one region over 70 years, with gaps), with facts anyone can check in the texts; on the
bundled seed (three regions of 2024: no trend at all); and the statistics on small counts.
"""

import csv
import math
from collections import Counter

import pytest
import yaml
from conftest import ROOT, copy_project, run_snakemake, set_config
from gwr.io import read_csv
from gwr.trends import (
    CHANGE_COLUMNS,
    FIRST_SEEN_COLUMNS,
    QUOTE_COLUMNS,
    TOPIC_COLUMNS,
    WATCH_COLUMNS,
    first_seen_rows,
    pair_changes,
    sentence_with,
    series,
)

NATIONAL = ROOT.parent / "shared" / "corpora" / "national-1954-2022"
TABLES = ("term_changes", "quotes", "first_seen", "topic_shares", "watch")
FIGURES = ("trends_topics", "trends_watch", "trends_changes", "trends_distance")
TARGETS = [f"results/trends/{name}.csv" for name in TABLES] + [
    f"results/figures/{name}.{ext}" for name in FIGURES for ext in ("png", "svg")
]
# The five-year plans' names, counted in the text (jieba splits 十一五 into 十一 + 五).
PLANS = ["十一五", "十二五", "十三五", "十四五"]
INCLUDE = 'include: "workflow/rules/trends.smk"\n'
# The trends section (config/config.yaml, workflow/schemas/config.schema.yaml) for a copy made
# before the project ships it.
TRENDS_CONFIG = {"p_max": 0.01, "min_count": 5, "first_seen_min_count": 1}
TRENDS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "default": {},
    "properties": {
        "p_max": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.01},
        "min_count": {"type": "integer", "minimum": 1, "default": 5},
        "first_seen_min_count": {"type": "integer", "minimum": 1, "default": 1},
    },
}


def with_trends(workdir):
    """The copy with the trends rules included and configured (if the project does not yet)."""
    snakefile = workdir / "Snakefile"
    text = snakefile.read_text("utf-8")
    if INCLUDE not in text:
        anchor = 'include: "workflow/rules/models.smk"\n'
        snakefile.write_text(text.replace(anchor, anchor + INCLUDE), "utf-8")
    schema_path = workdir / "workflow" / "schemas" / "config.schema.yaml"
    schema = yaml.safe_load(schema_path.read_text("utf-8"))
    if "trends" not in schema["properties"]:
        schema["properties"]["trends"] = TRENDS_SCHEMA
        schema_path.write_text(yaml.safe_dump(schema, allow_unicode=True), "utf-8")
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text("utf-8"))
    if "trends" not in config:
        set_config(workdir, trends=TRENDS_CONFIG)
    return workdir


@pytest.fixture(scope="module")
def national_run(tmp_path_factory):
    """One run of the trends on the 49 national reports (a few minutes): LDA with two K and one
    seed (the facts tested here are about terms), the plans' names watched."""
    files = sorted(NATIONAL.glob("cn_national_*.txt"))
    if len(files) != 49 or not (NATIONAL / "manifest.csv").is_file():
        pytest.skip(
            f"the national corpus is not at {NATIONAL} (it lives in ../shared, beside the "
            "project, on the developers' machines and in CI; a user's clone does not have it)"
        )
    workdir = with_trends(copy_project(tmp_path_factory.mktemp("trends_national")))
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text("utf-8"))
    set_config(
        workdir,
        inputs=[str(NATIONAL / "cn_national_*.txt")],
        manifest=str(NATIONAL / "manifest.csv"),
        **{
            "terms.watch": [*config["terms"]["watch"], *PLANS],
            "lda.k": [6, 10],
            "lda.seeds": [1],
        },
    )
    run_snakemake(workdir, *TARGETS)
    return workdir


@pytest.fixture(scope="module")
def seed_trends(tmp_path_factory):
    """The trends of the bundled seed: three regions of one report each."""
    workdir = with_trends(copy_project(tmp_path_factory.mktemp("trends_seed")))
    set_config(workdir, **{"lda.k": [4, 6], "lda.seeds": [1]})
    run_snakemake(workdir, *TARGETS)
    return workdir


def table(workdir, name):
    return read_csv(workdir / "results" / "trends" / f"{name}.csv")


def changes_of(rows, term):
    return [
        (int(r["year_from"]), int(r["year_to"]), r["change"]) for r in rows if r["term"] == term
    ]


# --- Statistics, without a run ----------------------------------------------------------------


def test_changes_are_new_rising_falling_gone_by_their_counts():
    earlier = Counter({"a": 20, "b": 10, "c": 10, "d": 500})
    later = Counter({"a": 0, "b": 40, "e": 12, "d": 500})
    found = {row["term"]: row for row in pair_changes(earlier, later, p_max=0.01, min_count=5)}
    assert found["a"]["change"] == "gone" and found["a"]["count_to"] == 0
    assert found["e"]["change"] == "new" and found["e"]["count_from"] == 0
    assert found["b"]["change"] == "rising" and found["b"]["log_ratio"] > 0
    assert "d" not in found  # the same count in reports of about the same size
    # G² of Rayson and Garside, Hardie's log ratio with 0.5 for the zero count.
    c, d = sum(later.values()), sum(earlier.values())
    e1 = c * 12 / (c + d)
    assert found["e"]["g2"] == pytest.approx(2 * 12 * math.log(12 / e1))
    assert found["e"]["log_ratio"] == pytest.approx(math.log2((12 / c) / (0.5 / d)))


def test_a_change_needs_its_minimum_count_and_significance():
    earlier, later = Counter({"x": 0, "y": 1000}), Counter({"x": 4, "y": 1000})
    assert pair_changes(earlier, later, p_max=0.05, min_count=5) == []
    assert [r["term"] for r in pair_changes(earlier, later, p_max=0.05, min_count=4)] == ["x"]
    assert pair_changes(earlier, later, p_max=1e-9, min_count=1) == []


def test_series_are_regions_in_year_order_and_one_report_a_year():
    reports = [
        {"report_id": f"r{y}", "parent": "", "region": "全国", "year": str(y)}
        for y in (1992, 1988, 1993)
    ]
    assert [r["year"] for r in series(reports)[("", "全国")]] == ["1988", "1992", "1993"]
    twice = [*reports, {"report_id": "r1992b", "parent": "", "region": "全国", "year": "1992"}]
    with pytest.raises(Exception, match="two reports of 1992"):
        series(twice)


def test_the_first_report_introduces_nothing_and_watched_terms_count_in_the_text():
    rows = [{"report_id": f"r{y}", "parent": "", "region": "全国", "year": str(y)} for y in (1, 2)]
    tokens = {"r1": Counter({"旧": 3}), "r2": Counter({"旧": 1, "新": 2, "十一": 1})}
    watched = {"r1": Counter({"十一五": 0}), "r2": Counter({"十一五": 1})}
    found = list(
        first_seen_rows(series(rows), tokens, watched, {"r1": 100, "r2": 100}, min_count=1)
    )
    assert [(r["term"], r["first_year"], r["counted"]) for r in found] == [
        ("新", "2", "tokens"),
        ("十一", "2", "tokens"),
        ("十一五", "2", "text"),
    ]
    assert {r["year_before"] for r in found} == {"1"}


def test_figures_without_a_series_say_so_in_the_image():
    from fig_trends import NO_SERIES, changes_figure, topics_figure

    rows = [
        {
            "report_id": "a",
            "label": "东城区",
            "parent": "北京市",
            "region": "东城区",
            "year": "2024",
        }
    ]
    for fig in (topics_figure(rows, [], 36, None), changes_figure([], rows, 10, [], 36, None)):
        texts = [text.get_text() for ax in fig.axes for text in ax.texts]
        assert texts == [NO_SERIES]


# --- The national series ----------------------------------------------------------------------


@pytest.mark.workflow
def test_tables_have_their_columns_and_a_bom(national_run):
    for name, columns in zip(
        TABLES,
        (CHANGE_COLUMNS, QUOTE_COLUMNS, FIRST_SEEN_COLUMNS, TOPIC_COLUMNS, WATCH_COLUMNS),
        strict=True,
    ):
        path = national_run / "results" / "trends" / f"{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path
        assert list(read_csv(path)[0]) == columns, name


@pytest.mark.workflow
def test_each_five_year_plan_is_first_named_the_year_before_it_starts(national_run):
    first = {r["term"]: r for r in table(national_run, "first_seen")}
    # 十一五 (2006–2010) in the report of 2005, 十二五 (2011–2015) in 2010, 十三五 (2016–2020) in
    # 2015; the report of 2020 is missing from the corpus, so 十四五 (2021–2025) is first seen in
    # 2021, after a gap from 2019.
    years = {
        plan: (int(first[plan]["first_year"]), int(first[plan]["year_before"])) for plan in PLANS
    }
    assert years == {
        "十一五": (2005, 2004),
        "十二五": (2010, 2009),
        "十三五": (2015, 2014),
        "十四五": (2021, 2019),
    }
    assert {first[plan]["counted"] for plan in PLANS} <= {"text", "tokens"}
    assert first["十一五"]["counted"] == "text"  # not a token of jieba's


@pytest.mark.workflow
def test_the_first_report_is_left_out_of_first_seen(national_run):
    rows = table(national_run, "first_seen")
    assert rows and min(int(r["first_year"]) for r in rows) == 1955
    assert len({(r["region"], r["term"]) for r in rows}) == len(rows)


@pytest.mark.workflow
def test_terms_of_the_cultural_revolution_fall_away_in_the_reform_era(national_run):
    rows = table(national_run, "term_changes")
    # 四人帮: absent in 1975, 94 times in 1978, fewer in 1979, gone in 1980.
    assert changes_of(rows, "四人帮") == [
        (1975, 1978, "new"),
        (1978, 1979, "falling"),
        (1979, 1980, "gone"),
    ]
    assert (1979, 1980, "gone") in changes_of(rows, "阶级斗争")
    gone = [r for r in rows if r["term"] == "阶级斗争" and r["change"] == "gone"][0]
    assert (gone["count_from"], gone["count_to"]) == ("12", "0")


def test_a_quote_is_the_sentence_that_holds_the_term_cut_around_it():
    text = "去年经济平稳。今年要大力发展新质生产力，培育新动能！其他。"
    assert sentence_with(text, "新质生产力", 120) == "今年要大力发展新质生产力，培育新动能！"
    assert sentence_with(text, "退税", 120) is None
    cut = sentence_with("甲" * 100 + "新质生产力" + "乙" * 100 + "。", "新质生产力", 25)
    assert cut.startswith("…") and cut.endswith("…") and "新质生产力" in cut
    assert len(cut) == 25 + 2


@pytest.mark.workflow
def test_each_listed_change_is_quoted_from_the_report_that_uses_it(national_run):
    import json

    results = national_run / "results"
    quotes = table(national_run, "quotes")
    with open(results / "trends" / "quotes.csv", encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == QUOTE_COLUMNS
    per = Counter((q["year_to"], q["change"] in ("new", "rising")) for q in quotes)
    assert max(per.values()) <= 6  # trends.quotes
    texts = {}
    for path in (results / "corpus" / "text").glob("*.jsonl"):
        for record in map(json.loads, path.read_text("utf-8").splitlines()):
            texts[(path.stem, str(record["index"]))] = record["text"]
    for q in quotes:
        assert q["term"] in q["sentence"], q
        assert q["sentence"].strip("…") in texts[(q["report_id"], q["index"])], q
    # 四人帮, gone in 1980, is quoted from the 1979 report, its last.
    (gang,) = [q for q in quotes if q["term"] == "四人帮" and q["year_to"] == "1980"]
    assert gang["report_id"] == "quanguo-1979" and gang["change"] == "gone"


@pytest.mark.workflow
def test_changes_follow_the_gaps_and_their_definitions(national_run):
    rows = table(national_run, "term_changes")
    reports = read_csv(national_run / "results" / "corpus" / "reports.csv")
    years = sorted(int(r["year"]) for r in reports)
    pairs = {(int(r["year_from"]), int(r["year_to"])) for r in rows}
    assert pairs <= set(zip(years, years[1:], strict=False))
    assert (1988, 1992) in pairs  # across the missing 1989–1991
    for row in rows:
        assert int(row["years_apart"]) == int(row["year_to"]) - int(row["year_from"])
        count_from, count_to = int(row["count_from"]), int(row["count_to"])
        assert max(count_from, count_to) >= TRENDS_CONFIG["min_count"]
        assert float(row["p_value"]) < TRENDS_CONFIG["p_max"]
        expected = (
            "new"
            if count_from == 0
            else "gone"
            if count_to == 0
            else "rising"
            if float(row["log_ratio"]) > 0
            else "falling"
        )
        assert row["change"] == expected
    # 2022: the large VAT credit refunds (留抵退税), a term the report of 2021 did not use.
    assert (2021, 2022, "new") in changes_of(rows, "退税")


@pytest.mark.workflow
def test_shares_and_watched_terms_are_in_year_order(national_run):
    topics = table(national_run, "topic_shares")
    per_report = Counter(r["report_id"] for r in topics)
    assert len(per_report) == 49 and len(set(per_report.values())) == 1  # every topic each
    assert [int(r["year"]) for r in topics] == sorted(int(r["year"]) for r in topics)
    watch = table(national_run, "watch")
    years = [int(r["year"]) for r in watch]
    assert years == sorted(years)
    gaps = {int(r["year"]): r["years_apart"] for r in watch}
    assert gaps[1954] == "" and gaps[1992] == "4" and gaps[2021] == "2"


@pytest.mark.workflow
def test_figures_are_written(national_run):
    for name in FIGURES:
        for ext in ("png", "svg"):
            assert (national_run / "results" / "figures" / f"{name}.{ext}").stat().st_size > 0


@pytest.mark.workflow
def test_tables_and_figures_are_byte_identical_on_a_rerun(national_run):
    paths = [*sorted((national_run / "results" / "trends").glob("*.csv"))] + [
        national_run / "results" / "figures" / f"{name}.{ext}"
        for name in FIGURES
        for ext in ("png", "svg")
    ]
    before = {path: path.read_bytes() for path in paths}
    run_snakemake(national_run, "--forcerun", "trends", "fig_trends", "--", *TARGETS)
    for path, content in before.items():
        assert path.read_bytes() == content, path


# --- The seed: no region of two years -------------------------------------------------------


@pytest.mark.workflow
def test_without_a_region_of_two_years_tables_are_headers_and_figures_say_so(seed_trends):
    for name, columns in (("term_changes", CHANGE_COLUMNS), ("first_seen", FIRST_SEEN_COLUMNS)):
        path = seed_trends / "results" / "trends" / f"{name}.csv"
        assert path.read_text("utf-8-sig").splitlines() == [",".join(columns)]
    assert {r["region"] for r in table(seed_trends, "topic_shares")} == {
        "北京市",
        "东城区",
        "西城区",
    }
    for name in FIGURES:
        assert (seed_trends / "results" / "figures" / f"{name}.png").stat().st_size > 0
        svg = (seed_trends / "results" / "figures" / f"{name}.svg").read_text("utf-8")
        assert "<svg" in svg
    log = (seed_trends / "results" / "logs" / "trends.log").read_text("utf-8")
    assert "no region has reports of two or more years" in log
