"""The report page, results/report.html: what was analysed, keywords, topics, similarity and why.

Self-contained: the figures are embedded (base64 PNG), there are no scripts or styles from the
network, and the tables it links to are relative paths inside results/. In Chinese, with English
where it helps. Nothing in it depends on the time of the run, so the same inputs and parameters
give the same page.

Its size does not grow with the corpus: tables with a row per region or input file list the first
`report.regions_shown` (corpus order) and say how many there are, and where they all are.
"""

import base64
import html
import json
from pathlib import Path

import yaml
from gwr.io import read_csv, setup_logging, write_text
from gwr.names import PART_NAMES

# (output name in the rule, caption shown under the figure)
FIGURES = [
    (
        "fig_corpus",
        "各地区报告的篇幅与结构；目录所列但文本缺失的报告。Length and parts of each report.",
    ),
    (
        "fig_top_terms",
        "各地区 TF-IDF 最高的词：各地最突出的议题。Each region's most distinctive terms.",
    ),
    ("fig_wordclouds", "各地区词云（按 TF-IDF 大小）。A word cloud per region, sized by TF-IDF."),
    ("fig_model_selection", "主题数 K 的选择：各指标随 K 的变化，竖线为所选 K。Choosing K."),
    ("fig_topics", "所选模型各主题的高权重词。The top terms of each topic."),
    ("fig_region_topics", "各地区的主题占比（每行合计为 1）。Topic shares per region."),
    (
        "fig_parts_topics",
        "所比较各部分（tfidf.parts，默认回顾与安排）的主题占比及其变化。Topic shares by part.",
    ),
    (
        "fig_similarity_tfidf_cosine",
        "地区间 TF-IDF 余弦相似度（越高越相似）。TF-IDF cosine similarity.",
    ),
    ("fig_similarity_topic_jsd", "地区间主题分布的 Jensen–Shannon 距离（越低越相似）。Topic JSD."),
    (
        "fig_similarity_topic_hellinger",
        "地区间主题分布的 Hellinger 距离（越低越相似）。Topic Hellinger.",
    ),
    ("fig_dendrograms", "按三种距离的层次聚类。Hierarchical clustering on each distance."),
]

TABLE_LINKS = [
    ("corpus/reports.csv", "报告清单 reports found"),
    ("corpus/toc.csv", "目录核对 table of contents"),
    ("corpus/glossary.csv", "名词解释 glossary"),
    ("corpus/dropped.csv", "删除的行 dropped lines"),
    ("corpus/sources.csv", "输入文件核算 sources audit"),
    ("tokens/vocabulary.csv", "词表 vocabulary"),
    ("tokens/harvested_terms.csv", "自动收录的术语 harvested terms"),
    ("tokens/dropped_tokens.csv", "过滤掉的词 dropped tokens"),
    ("tfidf/top_terms.csv", "TF-IDF 关键词 keywords"),
    ("tfidf/top_terms_by_part.csv", "分部分关键词 keywords by part"),
    ("lda/model_selection.csv", "主题数选择 model selection"),
    ("lda/chosen/topics.csv", "主题词 topics"),
    ("lda/chosen/report_topics.csv", "地区主题占比 topic shares"),
    ("lda/chosen/doc_topics.csv", "段落主题分布 paragraph topics"),
    ("similarity/tfidf_cosine.csv", "TF-IDF 余弦相似度 matrix"),
    ("similarity/topic_jsd.csv", "主题 JSD 距离 matrix"),
    ("similarity/topic_hellinger.csv", "主题 Hellinger 距离 matrix"),
    ("similarity/pairs.csv", "地区配对及原因 pairs and reasons"),
]

STYLE = """
body{font-family:"Report CJK","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.55}
h1{font-size:1.7em}h2{border-bottom:2px solid #2b6c8f;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#eef4f7}figure{margin:1.5em 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{color:#555;font-size:.92em}.muted{color:#666;font-size:.9em}.warn{color:#a33}
details{margin:.5em 0}pre{background:#f6f6f6;padding:.8em;overflow:auto;font-size:.85em}
td.text{max-width:420px}
"""

# Counts the figures that loaded, so that a headless browser (and a test) can check them.
SCRIPT = """
window.addEventListener("load", function () {
  var images = document.querySelectorAll("img");
  var loaded = 0;
  images.forEach(function (img) { if (img.complete && img.naturalWidth > 0) loaded++; });
  document.body.setAttribute("data-images-total", images.length);
  document.body.setAttribute("data-images-loaded", loaded);
});
"""


def esc(value) -> str:
    return html.escape(str(value))


def table(header: list[str], rows: list[list], classes: dict[int, str] | None = None) -> str:
    classes = classes or {}
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{classes[i]}">{esc(v)}</td>' if i in classes else f"<td>{esc(v)}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def image(path: str | Path, alt: str) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def shown_note(shown: int, total: int, what: tuple[str, str], table: str) -> str:
    """Says that a table lists `shown` of `total` rows, and where they all are ("" if all)."""
    if shown >= total:
        return ""
    return (
        f'<p class="muted">显示前 {shown} {what[0]}（共 {total}），全部见 '
        f'<a href="{esc(table)}">{esc(table)}</a>。Showing the first {shown} of {total} '
        f"{what[1]}; all are in {esc(table)}.</p>"
    )


REGIONS = ("个地区", "regions")
# The tables a capped table of the page points to (paths relative to results/).
REPORTS_CSV = "corpus/reports.csv"
SOURCES_CSV = "corpus/sources.csv"
TOP_TERMS_CSV = "tfidf/top_terms.csv"
BY_PART_CSV = "tfidf/top_terms_by_part.csv"
SHARES_CSV = "lda/chosen/report_topics.csv"


def shown_reports(reports, shown: int) -> dict[str, str]:
    """{report id: display label} of the first `shown` reports (corpus order)."""
    return {row["report_id"]: row["label"] for row in reports[:shown]}


def section_corpus(reports, toc, sources, glossary, shown: int | None = None) -> str:
    shown = len(reports) if shown is None else shown
    missing = [row["listed_region"] for row in toc if row["found"] == "no"]
    parts = [
        "<h2>分析了什么 What was analysed</h2>",
        f"<p>共找到 <b>{len(reports)}</b> 份报告（{len(sources)} 个输入文件）。"
        f"Found {len(reports)} reports in {len(sources)} input file(s).</p>",
        table(
            [
                "地区 region",
                "上级 parent",
                "级别 level",
                "年份 year",
                "会议日期 date",
                "报告人 speaker",
                "段落 paragraphs",
                "字数 characters",
                "名词解释 glossary",
                "id",
            ],
            [
                [
                    r["region"],
                    r["parent"],
                    r["level"],
                    r["year"],
                    r["session_date"],
                    r["speaker"],
                    r["paragraphs"],
                    r["characters"],
                    r["glossary_terms"],
                    r["report_id"],
                ]
                for r in reports[:shown]
            ],
        ),
        shown_note(min(shown, len(reports)), len(reports), ("份报告", "reports"), REPORTS_CSV),
    ]
    if missing:
        listed = "、".join(missing[:shown])
        if len(missing) > shown:
            listed += f" …… 等 {len(missing)} 份 ({len(missing)} in all, see corpus/toc.csv)"
        parts.append(
            f'<p class="warn">目录列出但文本中没有的报告 {len(missing)} 份 (listed in the table of '
            f"contents but missing from the text): {esc(listed)}</p>"
        )
    parts.append(
        table(
            ["输入文件 source", "编码 encoding", "读入字数 read", "保留 kept", "删除 dropped"],
            [
                [
                    s["source_file"],
                    s["encoding"],
                    s["characters_read"],
                    s["characters_kept"],
                    s["characters_dropped"],
                ]
                for s in sources[:shown]
            ],
        )
    )
    parts.append(
        shown_note(
            min(shown, len(sources)), len(sources), ("个输入文件", "input files"), SOURCES_CSV
        )
    )
    parts.append(
        f'<p class="muted">名词解释共 {len(glossary)} 条；附录不参与建模。'
        f"{len(glossary)} glossary entries; appendices are kept out of the models.</p>"
    )
    return "\n".join(part for part in parts if part)


def section_keywords(
    top_terms, by_part, shown: int, regions: dict[str, str] | None = None, total: int = 0
) -> str:
    """Keywords of the regions of `regions` ({report id: label}; all if None)."""

    def label(row) -> str | None:
        if regions is None:
            return row["label"] or row["report_id"]
        return regions.get(row["report_id"])

    by_report: dict[str, list[dict]] = {}
    for row in top_terms:
        if (name := label(row)) is not None:
            by_report.setdefault(name, []).append(row)
    rows = [
        [region, "、".join(r["term"] for r in items[:shown])] for region, items in by_report.items()
    ]
    parts_rows: dict[tuple[str, str], list[str]] = {}
    for row in by_part:
        if (name := label(row)) is not None:
            parts_rows.setdefault((name, row["part"]), []).append(row["term"])
    compared = list(dict.fromkeys(part for _, part in parts_rows))
    compared_names = " / ".join(PART_NAMES.get(part, part) for part in compared)
    note = shown_note(len(rows), total, REGIONS, TOP_TERMS_CSV) if regions is not None else ""
    return "\n".join(
        part
        for part in [
            "<h2>各地强调什么 What each region stresses (TF-IDF)</h2>",
            "<p>TF-IDF 衡量一个词在本地区报告中的分量相对于其他地区有多突出。"
            "Terms ranked by how much more a report uses them than the others do.</p>",
            table(["地区 region", f"前 {shown} 个关键词 top terms"], rows),
            note,
            f"<h3>分部分 By part: {esc(compared_names)}</h3>" if compared else "",
            table(
                ["地区 region", "部分 part", "关键词 top terms"],
                [
                    [region, PART_NAMES.get(part, part), "、".join(terms[:shown])]
                    for (region, part), terms in parts_rows.items()
                ],
            ),
            note.replace(TOP_TERMS_CSV, BY_PART_CSV),
        ]
        if part
    )


def section_topics(
    chosen, selection, topics, report_topics, regions: dict[str, str] | None = None
) -> str:
    """The chosen model, the evidence for K, its topics, and the topic shares of the regions of
    `regions` ({report id: label}; all if None)."""
    labels = chosen["labels"]
    top_terms: dict[str, list[str]] = {}
    for row in topics:
        if row["ranking"] == "relevance":
            top_terms.setdefault(row["topic"], []).append(row["term"])
    metric_columns = [
        "k",
        "c_npmi_mean",
        "c_npmi_sd",
        "c_v_mean",
        "u_mass_mean",
        "perplexity_mean",
        "topic_diversity_mean",
        "stability",
        "kept_seed",
        "chosen",
    ]
    shares = [
        (row["label"] if regions is None else regions[row["report_id"]], row)
        for row in report_topics
        if regions is None or row["report_id"] in regions
    ]
    note = shown_note(len(shares), len(report_topics), REGIONS, SHARES_CSV) if regions else ""
    return "\n".join(
        part
        for part in [
            "<h2>主题 Topics (LDA)</h2>",
            f"<p>所选主题数 <b>K = {chosen['k']}</b>。Chosen number of topics: {chosen['k']}.</p>",
            f"<p><b>为什么 Why:</b> {esc(chosen['reason'])}</p>",
            f'<p class="muted">保留的种子 kept seed: {chosen["kept_seed"]} — '
            f"{esc(chosen['kept_because'])}；跨种子稳定性 stability {chosen['stability']}</p>",
            "<h3>模型选择的依据 Evidence for K</h3>",
            table(metric_columns, [[row[c] for c in metric_columns] for row in selection]),
            "<h3>主题 Topics</h3>",
            table(
                ["主题 topic", "标签 label", "相关度最高的词 most relevant terms"],
                [
                    [t, labels[int(t) - 1], "、".join(terms[:10])]
                    for t, terms in sorted(top_terms.items(), key=lambda kv: int(kv[0]))
                ],
            ),
            "<h3>各地区主题占比 Topic shares per region</h3>",
            table(
                ["地区 region", *[f"{i + 1} {label}" for i, label in enumerate(labels)]],
                [
                    [
                        name,
                        *[f"{float(row[f'topic_{i + 1}']):.2f}" for i in range(len(labels))],
                    ]
                    for name, row in shares
                ],
            ),
            note,
        ]
        if part
    )


def section_similarity(pairs, shown: int) -> str:
    rows = [
        [
            f"{p['label_a']} — {p['label_b']}",
            f"{float(p['tfidf_cosine']):.3f} (#{p['tfidf_cosine_rank']})",
            f"{float(p['topic_jsd']):.3f} (#{p['topic_jsd_rank']})",
            p["shared_terms"],
            f"{p['paragraph_a_section']}：{p['paragraph_a']}",
            f"{p['paragraph_b_section']}：{p['paragraph_b']}",
        ]
        for p in pairs[:shown]
    ]
    return "\n".join(
        [
            "<h2>哪些地区相似，为什么 Which regions speak alike, and why</h2>",
            "<p>TF-IDF 余弦相似度（越高越相似）与主题分布的 Jensen–Shannon 距离（越低越相似），"
            "括号内为在所有配对中的名次；共同的特色词与最相似的一对段落说明原因。"
            "Cosine (higher = more alike) and topic JSD (lower = more alike) with the pair's rank; "
            "the shared distinctive terms and the most similar paragraphs say why.</p>",
            table(
                [
                    "地区对 pair",
                    "TF-IDF 余弦 cosine",
                    "主题 JSD",
                    "共同特色词 shared terms",
                    "最相似段落 A",
                    "最相似段落 B",
                ],
                rows,
                classes={4: "text", 5: "text"},
            ),
        ]
    )


def section_figures(figures: dict[str, str]) -> str:
    parts = ["<h2>图 Figures</h2>"]
    for name, caption in FIGURES:
        if name in figures:
            parts.append(
                f"<figure>{image(figures[name], caption)}<figcaption>{esc(caption)}"
                f"</figcaption></figure>"
            )
    return "\n".join(parts)


def section_parameters(config: dict) -> str:
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    links = "".join(
        f'<li><a href="{esc(path)}">{esc(name)}</a> <span class="muted">{esc(path)}</span></li>'
        for path, name in TABLE_LINKS
    )
    return "\n".join(
        [
            "<h2>数据表 Tables</h2>",
            f"<ul>{links}</ul>",
            "<h2>本次运行的参数 Parameters of this run</h2>",
            f"<details><summary>config (config/config.yaml and --config)</summary>"
            f"<pre>{esc(text)}</pre></details>",
        ]
    )


def font_face(text: str) -> str:
    """@font-face with Noto Sans SC cut down to the page's own characters (WOFF, base64), so that
    the page shows Chinese on a machine without Chinese fonts, at a fraction of the font's size."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont
    from gwr.plotting import cjk_font_path

    options = subset.Options()
    options.flavor = "woff"
    options.recalc_timestamp = False
    font = TTFont(str(cjk_font_path()), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer, reorderTables=False)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        '@font-face{font-family:"Report CJK";'
        f'src:url("data:font/woff;base64,{data}") format("woff");}}'
    )


def render(data: dict, config: dict, settings: dict) -> str:
    title = "政府工作报告比较分析 Comparative analysis of government work reports"
    shown = settings["regions_shown"]
    regions = shown_reports(data["reports"], shown)
    with_terms = len({row["report_id"] for row in data["top_terms"]})
    body = "\n".join(
        [
            f"<h1>{esc(title)}</h1>",
            section_corpus(data["reports"], data["toc"], data["sources"], data["glossary"], shown),
            section_keywords(
                data["top_terms"], data["by_part"], settings["keywords_shown"], regions, with_terms
            ),
            section_topics(
                data["chosen"], data["selection"], data["topics"], data["report_topics"], regions
            ),
            section_similarity(data["pairs"], settings["pairs_shown"]),
            section_figures(data["figures"]),
            section_parameters(config),
        ]
    )
    font = font_face(title + body) if settings["embed_font"] else ""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{font}{STYLE}</style><script>{SCRIPT}</script>"
        f"</head><body>\n{body}\n</body></html>\n"
    )


def read_csv_head(path, count: int) -> list[dict[str, str]]:
    """The first `count` rows of a CSV table (pairs.csv lists every pair, with their texts)."""
    import csv
    import itertools

    from gwr.io import CSV_ENCODING

    with open(path, encoding=CSV_ENCODING, newline="") as handle:
        return list(itertools.islice(csv.DictReader(handle), count))


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "report_page")
    settings = dict(snakemake.params.settings)
    i = snakemake.input
    data = {
        "reports": read_csv(i.reports),
        "toc": read_csv(i.toc),
        "sources": read_csv(i.sources),
        "glossary": read_csv(i.glossary),
        "top_terms": read_csv(i.top_terms),
        "by_part": read_csv(i.by_part),
        "selection": read_csv(i.selection),
        "chosen": json.loads(Path(i.chosen).read_text("utf-8")),
        "topics": read_csv(i.topics),
        "report_topics": read_csv(i.report_topics),
        "pairs": read_csv_head(i.pairs, settings["pairs_shown"]),
        "figures": {name: path for name, path in i.items() if name in dict(FIGURES)},
    }
    page = render(data, snakemake.params.config, settings)
    write_text(snakemake.output.html, page)
    log.info("report page: %d figures, %d characters", len(data["figures"]), len(page))


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/report_page.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("report_page")
    main(snakemake)  # noqa: F821
