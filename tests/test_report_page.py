"""The report page: built from plain data, rendered by templates with auto-escaping, navigable,
light, self-contained, its size bounded whatever the number of regions. (In headless Chromium:
tests/test_page_browser.py.)"""

import re
from pathlib import Path

import markupsafe
import pytest
from gwr.regions import report_labels
from report_page import (
    FIGURE_NAMES,
    FIGURES,
    ROWS_VISIBLE,
    SECTIONS,
    SERIES_FIGURES,
    compress_png,
    embed_figure,
    findings,
    page_data,
    render,
    table_rows,
)

SETTINGS = {"keywords_shown": 15, "pairs_shown": 50, "regions_shown": 50, "embed_font": False}
CHOSEN = {
    "k": 2,
    "labels": ["甲", "乙"],
    "reason": "r",
    "kept_seed": 1,
    "kept_because": "m",
    "stability": 1.0,
}
# Limits of the page's size (bytes): the seed, and any corpus of up to 62 reports.
SEED_PAGE_BYTES = 1_500_000
PAGE_BYTES_62 = 4_000_000


def report(report_id: str, region: str, **values) -> dict:
    return {
        "report_id": report_id,
        "region": region,
        "parent": "",
        "level": "district",
        "year": "2024",
        "region_source": "session_line",
        "year_source": "session_line",
        "session_date": "",
        "speaker": "",
        "source_file": f"{report_id}.txt",
        "paragraphs": "1",
        "characters": "1",
        "glossary_terms": "0",
        "converted": "",
        **values,
    }


def pair(a: dict, b: dict, rank: int, **values) -> dict:
    return {
        "report_id_a": a["report_id"],
        "report_id_b": b["report_id"],
        "label_a": a["label"],
        "label_b": b["label"],
        "tfidf_cosine": "0.5",
        "tfidf_cosine_rank": str(rank),
        "topic_jsd": "0.2",
        "topic_jsd_rank": str(rank),
        "topic_hellinger": "0.2",
        "topic_hellinger_rank": str(rank),
        "shared_terms": "创新、改革",
        "paragraph_similarity": "0.4",
        "paragraph_a_section": "一、回顾",
        "paragraph_a": "段落甲",
        "paragraph_b_section": "二、安排",
        "paragraph_b": "段落乙",
        **values,
    }


def many_regions(count: int, **report_values) -> dict:
    """The page's data for `count` reports, one input file each, two named 朝阳区."""
    ids = [f"r{number:04d}" for number in range(count)]
    regions = ["朝阳区", "朝阳区", *(f"地区{number:04d}" for number in range(2, count))]
    reports = [
        report(report_id, region, parent=["北京市", "长春市"][number] if number < 2 else "")
        for number, (report_id, region) in enumerate(zip(ids, regions, strict=True))
    ]
    for row, label in zip(reports, report_labels(reports), strict=True):
        row["label"] = label
        row.update(report_values)
    terms = [
        {"report_id": r["report_id"], "label": r["label"], "rank": str(k), "term": f"词{k}"}
        for r in reports
        for k in range(1, 4)
    ]
    return {
        "reports": reports,
        "toc": [],
        "sources": [
            {
                "source_file": f"{report_id}.txt",
                "encoding": "utf-8",
                "characters_read": "1",
                "characters_kept": "1",
                "characters_dropped": "0",
            }
            for report_id in ids
        ],
        "glossary": [],
        "dropped": [],
        "top_terms": terms,
        "keyness": [
            {**row, "part": "all", "g2": str(30 - int(row["rank"])), "log_ratio": "2.0"}
            for row in terms
        ],
        "watch": [
            {
                "report_id": r["report_id"],
                "label": r["label"],
                "term": "新质生产力",
                "per_10k": "1.5",
            }
            for r in reports
        ],
        "agreement": [],
        "nearest": [],
        "by_part": [{**row, "part": "review"} for row in terms],
        "selection": [],
        "chosen": CHOSEN,
        "topics": [],
        "report_topics": [
            {"report_id": r["report_id"], "label": r["label"], "topic_1": "0.5", "topic_2": "0.5"}
            for r in reports
        ],
        "pairs": [pair(reports[i], reports[i + 1], i + 1) for i in range(min(count - 1, 60))],
        "figures": {},
    }


def section(page: str, anchor: str) -> str:
    """The HTML of `<section id=anchor>`."""
    start = page.index(f'<section id="{anchor}">')
    return page[start : page.index("</section>", start)]


# --- escaping ---------------------------------------------------------------------------------

INJECTED = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def hostile_data() -> dict:
    """A corpus whose every string a report or a file name can carry holds markup."""
    data = many_regions(3)
    first = data["reports"][0]
    first.update(
        region=INJECTED,
        label=INJECTED,
        speaker=INJECTED,
        source_file=f"{INJECTED}.txt",
        converted="t2s",
        region_source="speaker_line",
    )
    data["top_terms"][0].update(label=INJECTED, term=INJECTED)
    data["report_topics"][0]["label"] = INJECTED
    data["pairs"][0].update(
        label_a=INJECTED, shared_terms=INJECTED, paragraph_a=INJECTED, paragraph_b_section=INJECTED
    )
    data["sources"][0]["source_file"] = f"{INJECTED}.txt"
    data["toc"] = [{"listed_region": INJECTED, "found": "no"}]
    data["dropped"] = [{"source_file": f"{INJECTED}.txt", "line": "3", "reason": "fragment"}]
    data["chosen"] = {**CHOSEN, "labels": [INJECTED, "乙"], "reason": INJECTED}
    return data


def test_every_string_from_reports_files_and_config_is_escaped():
    page = render(hostile_data(), {"inputs": [INJECTED]}, SETTINGS)
    assert "<script" not in page and "onerror=" not in page.replace("onerror=&#34;", "")
    assert "<img src=x" not in page
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page
    # The page has no script of its own, and a policy that would stop one anyway.
    assert "Content-Security-Policy" in page and "script-src" not in page


# --- the page's data --------------------------------------------------------------------------


def test_tables_list_at_most_regions_shown_and_say_where_the_rest_are():
    data = page_data(many_regions(300), {"inputs": ["x"]}, SETTINGS)
    for entry in (
        data["corpus"]["reports"],
        data["corpus"]["sources"],
        data["keywords"]["terms"],
        data["keywords"]["parts"],
        data["topics"]["shares"],
    ):
        assert len(table_rows(entry)) == 50 and entry["total"] == 300, entry["id"]
        assert len(entry["rows"]) == ROWS_VISIBLE  # the rest one click away
    # The same regions throughout (the first in corpus order), named as the figures name them.
    labels = [row[0] for row in table_rows(data["keywords"]["terms"])]
    assert labels[:2] == ["北京市朝阳区", "长春市朝阳区"] and labels[-1] == "地区0049"

    page = render(many_regions(300), {"inputs": ["x"]}, SETTINGS)
    for note in (
        "显示前 50 份报告（共 300）",
        "显示前 50 个输入文件（共 300）",
        "显示前 50 个地区（共 300）",
        'href="corpus/reports.csv"',
        'href="tfidf/top_terms.csv"',
        'href="lda/chosen/report_topics.csv"',
        "其余 40 行",
    ):
        assert note in page, note
    tables = section(page, "corpus") + section(page, "keywords") + section(page, "topics")
    assert "<td>北京市朝阳区</td>" in tables and "地区0049" in tables and "地区0050" not in tables

    small = render(many_regions(30), {"inputs": ["x"]}, SETTINGS)
    assert "显示前" not in small


def test_long_tables_show_their_first_rows_and_fold_the_rest():
    page = render(many_regions(60), {"inputs": ["x"]}, SETTINGS)
    pairs = section(page, "similarity")
    visible = pairs[: pairs.index('<details class="more">')]
    assert visible.count("<tr>") == 1 + ROWS_VISIBLE  # header and the first rows
    assert "其余 40 对" in pairs  # 50 pairs shown (pairs_shown), 40 folded
    # Each pair's two paragraphs are folded too.
    assert pairs.count("<summary>最相似段落 paragraphs</summary>") == 50


def test_findings_name_terms_pairs_and_caveats_with_their_evidence():
    data = many_regions(4)
    reports = data["reports"]
    reports[1].update(converted="t2s")
    reports[2].update(region_source="speaker_line", year_source="review_heading")
    reports[3].update(year_source="review_heading")
    data["toc"] = [
        {"listed_region": "北京市", "found": "yes"},
        {"listed_region": "朝阳区", "found": "no"},
    ]
    data["dropped"] = [
        {"source_file": "a/x.txt", "line": str(n), "reason": "fragment"} for n in (5, 6, 90)
    ] + [
        {"source_file": "y.txt", "line": "7", "reason": "duplicate_copy"},
        {"source_file": "y.txt", "line": "8", "reason": "web_debris"},
    ]
    found = findings(data, {r["report_id"]: r["label"] for r in reports})
    # What each report stresses: its key terms (keyness), by G².
    assert [s["zh"] for s in found["terms"]][0] == "北京市朝阳区突出：词1、词2、词3"
    first_pair = found["pairs"][0]["zh"]
    assert first_pair.startswith("北京市朝阳区与长春市朝阳区（TF-IDF 余弦 0.500，第 1 位）")
    assert "都突出创新、改革" in first_pair
    caveats = {s["zh"]: s for s in found["caveats"]}
    texts = list(caveats)
    assert any("目录列出但文本中没有的报告 1 份：朝阳区" in t for t in texts)
    assert any("1 份报告由繁体字转换为简体" in t and "长春市朝阳区" in t for t in texts)
    assert any("1 份报告的地区推断自报告人行：地区0002" in t for t in texts)
    assert any("2 份报告的年份推断自工作回顾标题的年份加一：地区0002、地区0003" in t for t in texts)
    assert any("删除了 2 处片段" in t and "共 3 行" in t and "x.txt" in t for t in texts)
    assert any("删除了 1 处同一报告内重复粘贴" in t for t in texts)
    assert not any("web_debris" in t for t in texts)
    # Every statement links to its evidence: a section of the page or a table.
    for s in [*found["terms"], *found["pairs"], found["model"], *found["caveats"]]:
        assert s["evidence"], s
        for link in s["evidence"]:
            assert link["href"].startswith("#") or link["href"].endswith(".csv"), link

    page = render(data, {"inputs": ["x"]}, SETTINGS)
    anchors = set(re.findall(r'id="([^"]+)"', page))
    for href in re.findall(r'href="#([^"]+)"', section(page, "findings")):
        assert href in anchors, href


def test_findings_without_caveats_say_what_was_checked():
    page = render(many_regions(3), {"inputs": ["x"]}, SETTINGS)
    assert "未发现需要注意的问题" in section(page, "findings")


# --- the page's structure ---------------------------------------------------------------------


@pytest.fixture
def figure_files(tmp_path):
    """Small figures, PNG and SVG, as the figure rules write them (results/figures/)."""
    from PIL import Image, ImageDraw

    folder = tmp_path / "results" / "figures"
    folder.mkdir(parents=True)
    paths, svgs = {}, {}
    for name in FIGURE_NAMES:
        image = Image.new("RGBA", (300, 200), "white")
        ImageDraw.Draw(image).rectangle((20, 20, 200, 120), fill=(32, 114, 177, 255))
        paths[name] = folder / f"{name}.png"
        image.save(paths[name])
        svgs[name] = folder / f"{name}.svg"
        svgs[name].write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">'
            + '<path d="M 0 0 L 300 200"/>' * 2000
            + "</svg>",
            "utf-8",
        )
    return {"figures": paths, "svgs": svgs, "page_dir": str(tmp_path / "results")}


def test_contents_link_every_section_and_each_figure_sits_in_its_section(figure_files):
    data = {**many_regions(3), **figure_files}
    # A region of two years (地区0002 in 2023 too), so that the figures over the years are shown.
    data["reports"].append(dict(data["reports"][2], report_id="r9999", year="2023"))
    page = render(data, {"inputs": ["x"]}, SETTINGS)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    nav = page[page.index("<nav") : page.index("</nav>")]
    for anchor, _, _ in SECTIONS:
        assert f'href="#{anchor}"' in nav and f'<section id="{anchor}">' in page, anchor
    anchors = set(re.findall(r'id="([^"]+)"', page))
    assert set(re.findall(r'href="#([^"]+)"', page)) <= anchors
    assert page.index('<section id="findings">') < page.index('<section id="corpus">')
    for name, place, caption in FIGURES:
        figure_id = name.removeprefix("fig_").replace("_", "-")
        owner = place.split("-")[0]
        assert f'id="fig-{figure_id}"' in section(page, owner), name
        assert str(markupsafe.escape(caption)) in section(page, owner)
        # Click to enlarge (:target), a way back, and the SVG copy next to the page.
        assert f'href="#zoom-{figure_id}"' in page and f'href="#fig-{figure_id}"' in page
        assert f'href="figures/{name}.svg"' in page and f'href="figures/{name}.png"' in page
    assert page.count("<img ") == len(FIGURES)  # each figure embedded once
    assert "<script" not in page
    # Without a region of two years the figures over the years, which would only say so, are
    # left off the page; every other figure is there.
    data["reports"].pop()
    page = render(data, {"inputs": ["x"]}, SETTINGS)
    for name in SERIES_FIGURES:
        assert f'id="fig-{name.removeprefix("fig_").replace("_", "-")}"' not in page, name
    assert page.count("<img ") == len(FIGURES) - len(SERIES_FIGURES)


def test_figures_are_embedded_in_their_smallest_readable_form(tmp_path):
    from PIL import Image, ImageDraw

    png = tmp_path / "chart.png"
    image = Image.new("RGBA", (400, 300), (255, 255, 255, 255))
    draw = ImageDraw.Draw(image)
    for step in range(40):  # many shades, as antialiased text and colour maps give
        draw.line((0, step * 7, 400, step * 7 + 3), fill=(step * 6, 100, 255 - step * 6, 255))
    image.save(png)
    palette = compress_png(png)
    assert palette[:8] == b"\x89PNG\r\n\x1a\n" and len(palette) < png.stat().st_size
    with Image.open(__import__("io").BytesIO(palette)) as reduced:
        assert reduced.mode == "P" and reduced.size == (400, 300)

    small_svg = tmp_path / "small.svg"
    small_svg.write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400pt">'
        '<metadata>x</metadata>\n <path d="M 0 0 L 10 10" style="fill: #ffffff"/></svg>',
        "utf-8",
    )
    chosen = embed_figure(png, small_svg)
    assert chosen["format"] == "svg" and chosen["src"].startswith("data:image/svg+xml,")
    assert "#" not in chosen["src"] and '"' not in chosen["src"] and "<" not in chosen["src"]
    assert (chosen["width"], chosen["height"]) == (400, 300)
    # An SVG whose text needs a font (or a file beside it) is not embedded.
    text_svg = tmp_path / "text.svg"
    text_svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>北京</text></svg>', "utf-8")
    assert embed_figure(png, text_svg)["format"] in ("png", "webp")
    linked = tmp_path / "linked.svg"
    linked.write_text('<svg><image xlink:href="photo.png"/></svg>', "utf-8")
    raster = embed_figure(png, linked)
    assert raster["format"] in ("png", "webp")
    # The raster is the palette PNG's pixels, in the smaller of PNG and lossless WebP.
    import base64
    import io

    data = base64.b64decode(raster["src"].split(",", 1)[1])
    assert len(data) <= len(palette)
    with Image.open(io.BytesIO(data)) as shown, Image.open(io.BytesIO(palette)) as reduced:
        assert shown.convert("RGB").tobytes() == reduced.convert("RGB").tobytes()


# --- the page of a real run -------------------------------------------------------------------


@pytest.mark.workflow
def test_seed_page_is_light_self_contained_and_its_links_resolve(seed_run):
    results = seed_run / "results"
    page = (results / "report.html").read_text("utf-8")
    assert len(page.encode()) <= SEED_PAGE_BYTES
    # Self-contained: nothing from the network, no script.
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "<script" not in page
    for key_text in (
        "主要发现",
        "分析了什么",
        "北京市",
        "东城区",
        "西城区",
        "朝阳区",  # listed in the table of contents, missing from the text
        "目录列出但文本中没有的报告 14 份",
        "所选主题数",
        "为什么 Why",
        "哪些地区相似，为什么",
        "本次运行的参数",
    ):
        assert key_text in page, key_text
    # The links to the tables and the figures' files point at files that exist.
    links = re.findall(r'href="([^"#][^"]*)"', page)
    # Every figure but those over the years (the seed has one year per region).
    assert sum(link.endswith(".svg") for link in links) == len(FIGURES) - len(SERIES_FIGURES)
    for link in links:
        assert (results / link).is_file(), link


@pytest.mark.workflow
def test_snakemake_report_is_written(seed_run):
    from conftest import run_snakemake

    results = seed_run / "results"
    css = results / "report_style.css"
    run_snakemake(
        seed_run, "--report", "results/snakemake-report.html", "--report-stylesheet", str(css)
    )
    report = (results / "snakemake-report.html").read_text("utf-8")
    assert len(report) > 10000
    # The shipped font, cut down to the captions' and the corpus's characters, is in it …
    stylesheet = css.read_text("utf-8")
    assert stylesheet.startswith("@font-face{font-family:ReportCJK;src:url(data:font/woff;base64,")
    assert stylesheet in report
    # … and so is the report page, under its own category.
    assert "0. Report page" in report and "report.html" in report


def test_templates_are_inputs_of_the_rule():
    """Editing a template reruns the page: the rule lists every template as an input."""
    root = Path(__file__).resolve().parents[1]
    rule = (root / "workflow" / "rules" / "report.smk").read_text("utf-8")
    for template in sorted((root / "workflow" / "report" / "page").iterdir()):
        assert f'"workflow/report/page/{template.name}"' in rule, template.name
