"""Real inputs (issue "Reading real reports"): the reports researchers bring from government
sites, Wikisource and copy-and-paste, built from real reports by tests/variants.py.

Each test states the expected behaviour of the splitter for one kind of problem; its cases are
several real reports (ids `held_out-…` are held-out checks: other provinces than those used
while implementing). The variants of ../shared/corpora skip where that folder is absent.
"""

import logging
import re
from collections import Counter

import opencc
import pytest
import variants as v
from conftest import copy_project, run_snakemake, set_config
from gwr.config import ConfigError, expand_inputs
from gwr.io import InputError, read_csv
from gwr.split import read_manifest, report_rows, split_corpus

SHARED_MISSING = v.shared_missing()
needs_shared = pytest.mark.skipif(SHARED_MISSING is not None, reason=SHARED_MISSING or "")
NATIONAL_MANIFEST = v.NATIONAL_DIR / "manifest.csv"
LOGGER = "test_real_inputs"


def params(kind: str) -> list:
    return [
        pytest.param(case, id=case.id, marks=[needs_shared] if case.needs_shared else [])
        for case in v.cases(kind)
    ]


def split(variant: v.Variant, settings, log=None):
    manifest = read_manifest(str(variant.manifest)) if variant.manifest else None
    return split_corpus(variant.inputs, settings, manifest, log=log)


@pytest.fixture
def log(caplog):
    """A logger whose warnings the test reads in caplog.text."""
    caplog.set_level(logging.WARNING, logger=LOGGER)
    return logging.getLogger(LOGGER)


@pytest.fixture(scope="module")
def reference(settings, tmp_path_factory):
    """The splitter's result on the clean original of a variant (the same report, as the source
    has it): what the variant must give too. A national file gets its row of the manifest."""
    cache = {}
    folder = tmp_path_factory.mktemp("reference")

    def get(source: v.Original):
        if source.name not in cache:
            manifest = None
            if source.name.startswith("national-"):
                path = folder / f"{source.name}.csv"
                path.write_text(
                    f"file,region,year\n{source.path.name},全国,{source.truth.year}\n", "utf-8"
                )
                manifest = read_manifest(str(path))
            corpus = split_corpus([str(source.path)], settings, manifest)
            if source.path == v.SEED:
                for report in corpus.reports:
                    cache[f"seed-{report.header.region}"] = report
            else:
                (cache[source.name],) = corpus.reports
        return cache[source.name]

    return get


def texts(report) -> list[str]:
    return [paragraph.text for paragraph in report.paragraphs]


def dropped_rows(corpus) -> list[dict]:
    return [row for source in corpus.sources for row in source.dropped]


def assert_dropped(corpus, variant: v.Variant) -> None:
    """Each line the variant added that is no part of a report is in dropped.csv (its file, its
    line number, a reason), and none that the original does not hold is inside a paragraph."""
    rows = {(row["source_file"], row["line"]): row for row in dropped_rows(corpus)}
    path = variant.inputs[0]
    original = v.compact("".join(line for s in variant.sources for line in s.lines))
    paragraphs = [v.compact(p.text) for r in corpus.reports for p in r.paragraphs]
    missing = []
    for number, text in variant.dropped:
        row = rows.get((path, number))
        if not (row and row["reason"] and v.compact(row["text"]) == v.compact(text)):
            missing.append(f"line {number} {text[:30]!r}")
        if v.compact(text) not in original:
            inside = [p[:40] for p in paragraphs if v.compact(text) in p]
            assert not inside, f"{text!r} is inside the body: {inside[:3]}"
    assert not missing, f"not in dropped.csv: {missing}"


def assert_nothing_lost(corpus) -> None:
    for source in corpus.sources:
        kept = sum(report.source_characters for report in source.reports)
        assert kept + source.characters_dropped == source.characters, source.source_file


def close_to(count: int, expected: int, share: float = 0.02) -> bool:
    return abs(count - expected) <= max(1, round(share * expected))


def assert_report(report, truth: v.Expected, share: float = 0.02) -> None:
    """Region, parent, year, session date; the body runs from the opening to the closing appeal
    and has about the original's number of paragraphs."""
    header = report.header
    where = f"{report.source_file} line {report.first_line} ({truth.source})"
    assert (header.region, header.year) == (truth.region, truth.year), where
    assert header.parent == truth.parent, where
    if truth.session_date:
        assert header.session_date == truth.session_date, where
    assert close_to(len(report.paragraphs), truth.paragraphs, share), (
        where,
        len(report.paragraphs),
        truth.paragraphs,
    )
    assert v.key(report.paragraphs[0].text) == truth.first, where
    assert v.key(report.paragraphs[-1].text) == truth.last, where


def assert_reports(corpus, variant: v.Variant, share: float = 0.02) -> None:
    got = [(r.header.region, r.header.year) for r in corpus.reports]
    assert got == [(t.region, t.year) for t in variant.expected]
    for report, truth in zip(corpus.reports, variant.expected, strict=True):
        assert_report(report, truth, share)


# --- web pages, fragments, licence notices -------------------------------------------------------


@pytest.mark.parametrize("case", params("government_site_page"))
def test_a_government_site_page_gives_the_clean_report(case, tmp_path, settings, reference):
    """Toolbar, time stamp, photo captions, source/editor lines, related links, special-page
    link and share widget go to dropped.csv; the report is the one of the clean text, its
    session date from the session line (not from the time stamp a day later)."""
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    assert_reports(corpus, variant)
    (report,) = corpus.reports
    source = variant.sources[0]
    assert v.compact(report.title) == v.compact(source.lines[source.title])  # not the breadcrumb
    assert report_rows(corpus)[0]["year_source"] == "title"
    assert texts(report) == texts(reference(source))
    assert_dropped(corpus, variant)
    assert_nothing_lost(corpus)


@pytest.mark.parametrize("case", params("repeated_title_page"))
def test_a_repeated_title_and_first_line_is_no_report(case, tmp_path, settings):
    """A page repeating its title and first line below the text: a fragment of a few hundred
    characters that goes to dropped.csv, not a second, nearly empty report."""
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    assert_reports(corpus, variant)
    assert_dropped(corpus, variant)
    assert_nothing_lost(corpus)


@pytest.mark.parametrize("case", params("licence_notice"))
def test_a_licence_notice_is_debris(case, tmp_path, settings, reference):
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    assert_reports(corpus, variant)
    (report,) = corpus.reports
    assert texts(report) == texts(reference(variant.sources[0]))
    assert_dropped(corpus, variant)


# --- lost line breaks ----------------------------------------------------------------------------


def assert_cut_like_the_original(corpus, variant: v.Variant) -> None:
    """One report with region and year; about as many paragraphs as the original (±15%),
    from the opening to the closing appeal, with review and plans."""
    (report,) = corpus.reports
    (truth,) = variant.expected
    assert (report.header.region, report.header.year) == (truth.region, truth.year)
    count = len(report.paragraphs)
    assert abs(count - truth.paragraphs) <= 0.15 * truth.paragraphs, (count, truth.paragraphs)
    assert report.paragraphs[0].text.startswith("各位代表")
    assert report.paragraphs[0].part == "opening"
    closing = [p.text for p in report.paragraphs if p.part == "closing"]
    assert closing and truth.last in v.key("".join(closing), 10**6)
    parts = Counter(p.part for p in report.paragraphs)
    assert parts["review"] >= 5 and parts["plans"] >= 10, parts
    # No paragraph runs over a heading: a numbered heading starts its paragraph.
    for paragraph in report.paragraphs:
        assert not re.search(r"[。！；]（[一二三四五六七八九十]{1,2}）", paragraph.text[:-1]), (
            paragraph.text[:60]
        )
        assert not re.search(r"[。！；][一二三四五六七八九十]{1,2}、", paragraph.text), (
            paragraph.text[:60]
        )


@pytest.mark.parametrize("case", params("one_line_text"))
def test_a_text_pasted_into_one_line_is_cut_into_its_paragraphs(case, tmp_path, settings):
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    assert_cut_like_the_original(corpus, variant)


@pytest.mark.parametrize("case", params("u2028_text"))
def test_line_separators_u2028_are_line_ends(case, tmp_path, settings):
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    assert_cut_like_the_original(corpus, variant)
    assert all("\u2028" not in p.text for r in corpus.reports for p in r.paragraphs)


# --- where a report starts -----------------------------------------------------------------------


@pytest.mark.parametrize("case", params("two_reports"))
def test_two_reports_in_one_file_are_never_merged(case, tmp_path, settings, reference):
    """The second report starts at its title in any usual form — （全文）, region before year,
    政府工作报告 alone, letter-spaced, over two lines, （摘要） — or, without its 各位代表, at
    its title followed by the opening 现在，我代表…."""
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    assert [(r.header.region, r.header.year) for r in corpus.reports] == [
        (t.region, t.year) for t in variant.expected
    ]
    first, second = corpus.reports
    assert_report(first, variant.expected[0])
    assert texts(first) == texts(reference(variant.sources[0]))
    truth = variant.expected[1]
    assert close_to(len(second.paragraphs), truth.paragraphs)
    assert v.key(second.paragraphs[-1].text) == truth.last
    opening = v.key(second.paragraphs[0].text).removeprefix("各位代表")
    assert opening[:10] == truth.first.removeprefix("各位代表")[:10]
    assert texts(second)[1:] == texts(reference(variant.sources[1]))[1:]


@pytest.mark.parametrize("case", params("seed_without_opening"))
def test_a_report_without_its_opening_salutation_is_not_merged(case, tmp_path, settings):
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    got = [(r.header.region, r.header.parent, r.header.year) for r in corpus.reports]
    assert got == [(t.region, t.parent, t.year) for t in variant.expected]
    for report, truth in zip(corpus.reports, variant.expected, strict=True):
        assert close_to(len(report.paragraphs), truth.paragraphs), (report.header.region,)
        assert v.key(report.paragraphs[-1].text) == truth.last, report.header.region
        assert report.header.session_date == truth.session_date


@pytest.mark.parametrize("case", params("headerless"))
def test_a_text_without_header_tells_region_and_year_from_its_opening(case, tmp_path, settings):
    """各位代表：… 我代表上海市人民政府 … 一、2024年工作回顾: region from the opening, year from
    the review heading (+1), without a manifest."""
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    assert_reports(corpus, variant)
    (row,) = report_rows(corpus)
    assert (row["region_source"], row["year_source"]) == ("opening", "review_heading")


@pytest.mark.parametrize("case", params("sidebar_titles"))
def test_older_titles_in_a_sidebar_do_not_set_the_year(case, tmp_path, settings):
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    assert_reports(corpus, variant)
    (report,) = corpus.reports
    source = variant.sources[0]
    assert v.compact(report.title) == v.compact(source.lines[source.title])
    assert report_rows(corpus)[0]["year_source"] == "title"
    assert_dropped(corpus, variant)


# --- region, year and their evidence --------------------------------------------------------------


@pytest.mark.parametrize("case", params("title_year"))
def test_an_implausible_title_year_stops_the_run_naming_the_line(case, tmp_path, settings):
    """2205年… (or 1025年…) against a session line of 2025: before 1949 or after next year is
    an InputError naming the file and the line, not a year taken as it is."""
    variant = case.build(tmp_path)
    with pytest.raises(InputError) as error:
        split(variant, settings)
    message = str(error.value)
    path, line, year = variant.error
    assert path in message and year in message
    assert re.search(rf"\b{line}\b", message), message


@needs_shared
def test_a_title_year_contradicting_the_session_line_is_resolved_with_a_warning(
    tmp_path, settings, log, caplog
):
    """Title 2024, session line 2025: the more specific evidence (the title, after the
    manifest) wins, and the conflict is logged naming both."""
    variant = v.title_year(tmp_path, "shaanxi", 2024)
    corpus = split(variant, settings, log)
    (row,) = report_rows(corpus)
    assert (row["year"], row["year_source"]) == (2024, "title")
    assert variant.inputs[0] in caplog.text
    assert "2024" in caplog.text and "2025" in caplog.text


@pytest.mark.parametrize("case", params("manifest_conflict"))
def test_the_manifest_wins_a_conflict_with_a_warning(case, tmp_path, settings, log, caplog):
    variant = case.build(tmp_path)
    corpus = split(variant, settings, log)
    (truth,) = variant.expected
    (row,) = report_rows(corpus)
    assert (row["region"], row["year"]) == (truth.region, truth.year)
    assert row["year_source"] == "manifest"
    assert row["region_source"] in ("title", "session_line")
    assert variant.paths[0].name in caplog.text
    assert str(truth.year) in caplog.text and "2025" in caplog.text


@pytest.mark.parametrize("case", params("misleading_name"))
def test_the_file_name_is_never_evidence(case, tmp_path, settings):
    """A text that does not tell its year, in a file named report_2013.txt: the run stops,
    naming the file (the manifest gives the year)."""
    variant = case.build(tmp_path)
    with pytest.raises(InputError) as error:
        split(variant, settings)
    assert variant.error[0] in str(error.value)
    assert "year" in str(error.value)


# --- duplicates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params("same_report_twice"))
def test_the_same_report_under_two_headers_stops_the_run(case, tmp_path, settings):
    """The same text (or ≥ 0.9 of its word shingles) in two files whose headers differ
    (北京市东城区 / 东城区; or another year): an InputError naming both places."""
    variant = case.build(tmp_path)
    with pytest.raises(InputError) as error:
        split(variant, settings)
    for place in variant.error:
        assert place in str(error.value)


@pytest.mark.parametrize("case", params("body_pasted_twice"))
def test_a_body_pasted_twice_is_kept_once(case, tmp_path, settings, reference, log, caplog):
    variant = case.build(tmp_path)
    corpus = split(variant, settings, log)
    assert_reports(corpus, variant)
    source = variant.sources[0]
    report = next(r for r in corpus.reports if r.header.region == source.truth.region)
    assert texts(report) == texts(reference(source))
    # One copy kept, the other in dropped.csv, line by line (either copy).
    dropped = {row["line"] for row in dropped_rows(corpus) if row["reason"]}
    copies = [variant.notes["first_copy"], variant.dropped]
    assert any({number for number, _ in copy} <= dropped for copy in copies)
    assert variant.inputs[0] in caplog.text  # reported


# --- structure ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params("heading_variant"))
def test_top_level_headings_in_other_usual_forms(case, tmp_path, settings, reference):
    """“十四五”时期工作回顾 (unnumbered), …主要工作和…成就: review; 对今年政府工作的建议: plans."""
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    (report,) = corpus.reports
    original = reference(variant.sources[0])
    assert [p.part for p in report.paragraphs] == [p.part for p in original.paragraphs]
    heading, part = variant.notes["renamed"]
    (paragraph,) = [p for p in report.paragraphs if v.compact(p.text) == v.compact(heading)]
    assert paragraph.heading == 1 and paragraph.part == part
    under = [p for p in report.paragraphs if p.section[:1] == (paragraph.text,)]
    assert len(under) > 3 and {p.part for p in under} <= {part, "government"}


@pytest.mark.parametrize("case", params("yishi_subsections"))
def test_yishi_headings_are_subsections(case, tmp_path, settings, reference):
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    (report,) = corpus.reports
    original = reference(variant.sources[0])
    assert [p.part for p in report.paragraphs] == [p.part for p in original.paragraphs]
    for heading in variant.notes["headings"]:
        found = [p for p in report.paragraphs if v.compact(p.text) == v.compact(heading)]
        assert found and found[0].heading >= 2, heading  # a subsection heading (level 2 or 3)
        index = report.paragraphs.index(found[0])
        following = report.paragraphs[index + 1]
        assert following.section and v.compact(following.section[-1]) == v.compact(heading)


@needs_shared
def test_gansu_yishi_headings_are_subsections(settings):
    """甘肃 writes its plans' subsections 一是…八是 on lines of their own."""
    corpus = split_corpus([str(v.province("gansu").path)], settings)
    (report,) = corpus.reports
    headings = [p for p in report.paragraphs if re.match(r"[一二三四五六七八]是", p.text)]
    short = [p for p in headings if len(p.text) <= 40 and "。" not in p.text]
    assert len(short) == 8
    for paragraph in short:
        assert paragraph.heading >= 2, paragraph.text
        following = report.paragraphs[report.paragraphs.index(paragraph) + 1]
        assert following.section[-1] == paragraph.text
        assert following.section[0].startswith("三、2025年重点工作")


@pytest.mark.parametrize("case", params("glossary_on_two_lines"))
def test_glossary_terms_and_definitions_on_separate_lines(case, tmp_path, settings, reference):
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    (report,) = corpus.reports
    (truth,) = variant.expected
    got = [(entry["number"], v.compact(entry["term"])) for entry in report.glossary]
    assert got == [(number, v.compact(term)) for number, term in truth.glossary]
    assert all(entry["definition"] for entry in report.glossary)
    assert texts(report) == texts(reference(variant.sources[0]))


@pytest.mark.parametrize("case", params("annotation_annex"))
def test_an_annotation_annex_is_out_of_the_body(case, tmp_path, settings):
    """注释 with ［1］…［28］ right after the closing appeal: in the appendix, not the closing."""
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    assert_reports(corpus, variant)
    (report,) = corpus.reports
    for paragraph in report.paragraphs:
        assert not paragraph.text.startswith("［") and paragraph.text != "注释", paragraph.text
    appendix = [v.compact(p.text) for p in report.appendix]
    for line in variant.notes["annex"]:
        assert any(v.compact(line)[:20] in text for text in appendix), line[:30]


@pytest.mark.parametrize("case", params("speaker_with_space"))
def test_a_speaker_name_with_a_space_is_kept_whole(case, tmp_path, settings):
    variant = case.build(tmp_path)
    corpus = split(variant, settings)
    assert_reports(corpus, variant)
    for report, truth in zip(corpus.reports, variant.expected, strict=True):
        assert truth.speaker in report.header.speaker, (report.header.speaker, truth.speaker)


# --- other files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params("bracket_file_names"))
def test_an_input_listed_by_its_exact_path_is_that_file(case, tmp_path, settings, monkeypatch):
    """report[1].txt beside report1.txt: read as itself. report{2}.txt: refused at start-up
    with a message (Snakemake reads braces in any input path as a wildcard)."""
    variant = case.build(tmp_path)
    bracketed, braced = variant.inputs
    assert expand_inputs([bracketed]) == [bracketed]
    monkeypatch.chdir(tmp_path)
    assert expand_inputs(["report[1].txt"]) == ["report[1].txt"]
    with pytest.raises(ConfigError, match=r"'report\{2\}.txt' holds \{ or \}.*Rename the file"):
        expand_inputs(["report{2}.txt"])
    corpus = split(variant, settings)
    assert [r.source_file for r in corpus.reports] == variant.inputs
    assert_reports(corpus, variant)
    assert variant.notes["neighbour"].region not in {r.header.region for r in corpus.reports}


@needs_shared
@pytest.mark.workflow
def test_the_workflow_reads_files_with_brackets_and_refuses_braces(tmp_path):
    """The same in a real run: data/report[1].txt is read; data/report{2}.txt stops the run at
    start-up with one line naming it."""
    workdir = copy_project(tmp_path / "project")
    variant = v.bracket_file_names(workdir / "data", "zhejiang", "anhui", "hunan")
    set_config(workdir, inputs=["data/report[1].txt"])
    run_snakemake(workdir, "results/corpus/reports.csv")
    rows = read_csv(workdir / "results" / "corpus" / "reports.csv")
    assert [(r["region"], r["source_file"]) for r in rows] == [
        (variant.expected[0].region, "data/report[1].txt"),
    ]
    set_config(workdir, inputs=["data/report[1].txt", "data/report{2}.txt"])
    process = run_snakemake(workdir, "--dry-run", check=False)
    assert process.returncode != 0
    errors = [line for line in process.stdout.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and "data/report{2}.txt" in errors[0]


@pytest.mark.parametrize("case", params("manifest_with_orphan"))
def test_a_manifest_row_matching_no_input_stops_the_run(case, tmp_path, settings):
    variant = case.build(tmp_path)
    with pytest.raises(InputError) as error:
        split(variant, settings)
    assert variant.error[0] in str(error.value)


# --- the national series, the provinces, the seed ----------------------------------------------


@pytest.fixture(scope="module")
def national_with_manifest(settings):
    if SHARED_MISSING:
        pytest.skip(SHARED_MISSING)
    files = [str(path) for path in v.national_files()]
    return split_corpus(files, settings, read_manifest(str(NATIONAL_MANIFEST)))


T2S = opencc.OpenCC("t2s")


def national_report(corpus, year: int):
    name = f"cn_national_{year}.txt"
    (report,) = [r for r in corpus.reports if r.source_file.endswith(name)]
    return report


def test_the_national_series_with_its_manifest(national_with_manifest):
    corpus = national_with_manifest
    years = v.national_years()
    assert len(corpus.reports) == 49
    rows = report_rows(corpus)
    for report, row in zip(corpus.reports, rows, strict=True):
        name = report.source_file.rsplit("/", 1)[-1]
        truth = v.national(years[name]).truth
        assert (report.header.region, report.header.level) == ("全国", "country"), name
        assert report.header.year == years[name]
        assert (row["region_source"], row["year_source"]) == ("manifest", "manifest"), name
        assert close_to(len(report.paragraphs), truth.paragraphs), (
            name,
            len(report.paragraphs),
            truth.paragraphs,
        )
        # (the text is read in simplified characters: 1954 is partly traditional)
        assert v.key(report.paragraphs[-1].text) == T2S.convert(truth.last), name
    assert len({r.report_id for r in corpus.reports}) == 49


def test_no_wikisource_notice_in_any_report(national_with_manifest):
    corpus = national_with_manifest
    for report in corpus.reports:
        for paragraph in report.paragraphs + report.appendix:
            for marker in v.WIKISOURCE_MARKERS:
                assert marker not in paragraph.text, (report.source_file, paragraph.text[:40])
            assert paragraph.text not in ("false", "法律", "法规", "、", "中国大陆", "'"), (
                report.source_file
            )
    for source in corpus.sources:
        original = v.national(int(re.search(r"(\d{4})\.txt$", source.source_file).group(1)))
        notice = [v.compact(line) for line in original.lines[original.end :] if v.strip(line)]
        dropped = [v.compact(row["text"]) for row in source.dropped if row["reason"]]
        assert Counter(dropped) >= Counter(notice), source.source_file
    assert_nothing_lost(corpus)


def test_the_1964_abstract_without_salutation(national_with_manifest):
    """1964 is an abstract (摘要) told in the third person, with no 各位代表."""
    report = national_report(national_with_manifest, 1964)
    truth = v.national(1964).truth
    assert (report.header.region, report.header.year) == ("全国", 1964)
    assert v.key(report.paragraphs[0].text) == truth.first  # 五年来，我国各族人民…
    assert v.key(report.paragraphs[-1].text) == truth.last
    assert close_to(len(report.paragraphs), truth.paragraphs)


@needs_shared
def test_the_national_series_without_manifest_where_the_text_tells_the_year(settings):
    """Region 全国 from 我代表国务院 (or the session line), the year from the session line or
    the review/plans heading, in one run without manifest."""
    files = [str(v.national(year).path) for year in v.NATIONAL_TOLD]
    corpus = split_corpus(files, settings)
    rows = report_rows(corpus)
    assert [row["year"] for row in rows] == list(v.NATIONAL_TOLD)
    for row, (year, where) in zip(rows, v.NATIONAL_TOLD.items(), strict=True):
        assert (row["region"], row["level"]) == ("全国", "country"), year
        assert row["region_source"] in ("session_line", "opening"), (year, row["region_source"])
        if where == "session_line":
            assert row["year_source"] == "session_line", year
        else:
            assert row["year_source"] in ("review_heading", "plans_heading"), year
    for report in corpus.reports:
        truth = v.national(report.header.year).truth
        assert close_to(len(report.paragraphs), truth.paragraphs), report.source_file


def test_national_proposals_are_plans_and_five_year_reviews_are_reviews(national_with_manifest):
    """二、对今年政府工作的建议 (2003, 2013), 三、对2018年政府工作的建议, 二、关于1 9 9 8 年政府
    工作的建议: plans, not government; 一、关于过去五年的政府工作 (1998): review."""
    for year, words in v.NATIONAL_PROPOSALS.items():
        report = national_report(national_with_manifest, year)
        (heading,) = [
            p for p in report.paragraphs if p.heading == 1 and v.compact(words) in v.compact(p.text)
        ]
        assert heading.part == "plans", (year, heading.text)
        under = [p for p in report.paragraphs if p.section[:1] == (heading.text,)]
        parts = Counter(p.part for p in under)
        assert parts["plans"] >= 0.8 * len(under), (year, parts)
    for year in (1998, 2003, 2008, 2013, 2018):
        report = national_report(national_with_manifest, year)
        first = next(p for p in report.paragraphs if p.heading == 1)
        assert "过去五年" in first.text and first.part == "review", (year, first.text)


def test_the_seed_tells_where_region_and_year_come_from(settings):
    """The seed's titles hold no year (政府工作报告, 政 府 工 作 报 告): region and year from
    the session line."""
    corpus = split_corpus([str(v.SEED)], settings)
    rows = report_rows(corpus)
    assert [(r["region"], r["year"]) for r in rows] == [
        ("北京市", 2024),
        ("东城区", 2024),
        ("西城区", 2024),
    ]
    for row in rows:
        assert (row["region_source"], row["year_source"]) == ("session_line", "session_line")


def test_the_provinces_tell_where_region_and_year_come_from(provinces, settings):
    rows = report_rows(split_corpus([str(path) for path in provinces], settings))
    assert len(rows) == 31
    for row in rows:
        assert row["year"] == 2025 and row["year_source"] == "title", row["source_file"]
        assert row["region_source"] in ("title", "session_line"), row["source_file"]
