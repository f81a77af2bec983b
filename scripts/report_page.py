"""The report page, results/report.html: the researcher's front door to a run's results.

What it shows, top to bottom: the main findings (each statement linked to its evidence), what
was analysed, what each region stresses, the topics and why this number of them, which regions
speak alike and why, the tables and the parameters of the run; every figure sits in the section it
illustrates, opens full size on click, and links to its SVG copy.

How it is made: plain functions here build the page's data from the tables (tests call them);
`render` passes that data to the Jinja2 templates of workflow/report/page/, with auto-escaping on,
so every string from the reports, file names and the config is escaped where it enters the page.

Self-contained and light: no script at all, nothing from the network (a Content-Security-Policy
forbids it), each figure embedded once in the smallest of its forms that keeps it readable (a
PNG reduced to a palette, or its SVG copy), and the characters of the page cut out of Noto Sans
SC and embedded once. Its size does not grow with the corpus: tables with a row per region list
the first `report.regions_shown` (corpus order) and say where all of them are; long tables show
their first rows with the rest one click away. Nothing depends on the time of the run, so the
same inputs and parameters give the same page.
"""

import base64
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml
from gwr.fonts import font_face
from gwr.io import read_csv, setup_logging, write_text
from gwr.names import PART_NAMES
from gwr.page_policy import (
    attention_section,
    finding_attention,
    finding_targets,
    finding_trends,
    latest_pairs,
    targets_section,
    trends_section,
)

# The templates (page.html.j2 and what it includes), found from this file when a test imports
# it; the rule passes them as inputs (so that an edit reruns the page) and main() reads them there.
TEMPLATES = Path(__file__).resolve().parents[1] / "workflow" / "report" / "page"
PAGE_TEMPLATE = "page.html.j2"

TITLE = ("政府工作报告比较分析", "Comparative analysis of government work reports")

# The page's sections: (anchor, Chinese, English), in page order; the contents list them.
SECTIONS = [
    ("findings", "主要发现", "Findings"),
    ("corpus", "分析了什么", "What was analysed"),
    ("keywords", "各地强调什么", "What each region stresses"),
    ("topics", "主题", "Topics"),
    ("trends", "逐年变化", "Change over the years"),
    ("attention", "政策注意力", "Policy attention"),
    ("targets", "预期目标", "Stated targets"),
    ("similarity", "哪些地区相似，为什么", "Which regions speak alike, and why"),
    ("tables", "数据表", "Tables"),
    ("parameters", "本次运行的参数", "Parameters of this run"),
]
# Subsections listed in the contents under their section: (anchor, Chinese, English).
SUBSECTIONS = {
    "corpus": [
        ("corpus-reports", "报告", "reports"),
        ("corpus-sources", "输入文件", "input files"),
    ],
    "keywords": [
        ("keywords-keyness", "显著高频词", "keyness"),
        ("keywords-watch", "关注词", "watched terms"),
        ("keywords-terms", "TF-IDF 关键词", "TF-IDF keywords"),
        ("keywords-parts", "分部分", "by part"),
    ],
    "topics": [
        ("topics-k", "主题数的选择", "choice of K"),
        ("topics-terms", "主题词", "topic terms"),
        ("topics-examples", "代表段落", "examples"),
        ("topics-shares", "各地区主题占比", "topic shares"),
    ],
    "attention": [
        ("attention-shares", "各报告的注意力", "by report"),
        ("attention-check", "与章节标题的核对", "check against the headings"),
    ],
    "similarity": [
        ("similarity-pairs", "地区配对", "pairs"),
        ("similarity-figures", "相似度图", "figures"),
    ],
}

# (name of the figure's input in the rule, anchor of the (sub)section it illustrates, caption).
FIGURES = [
    (
        "fig_corpus",
        "corpus-reports",
        "各地区报告的篇幅与结构；目录所列但文本缺失的报告。Length and parts of each report.",
    ),
    (
        "fig_top_terms",
        "keywords-terms",
        "各地区 TF-IDF 最高的词：各地最突出的议题。Each region's most distinctive terms.",
    ),
    (
        "fig_watch",
        "keywords-watch",
        "关注词在各报告中的使用频率（每万字）。Watched terms per 10,000 characters.",
    ),
    (
        "fig_wordclouds",
        "keywords-terms",
        "各地区词云（按 TF-IDF 大小）。A word cloud per region, sized by TF-IDF.",
    ),
    (
        "fig_model_selection",
        "topics-k",
        "主题数 K 的选择：各指标随 K 的变化，竖线为所选 K。Choosing K.",
    ),
    (
        "fig_topics",
        "topics-terms",
        "所选模型各主题相关度最高的词及其权重。The most relevant terms of each topic.",
    ),
    (
        "fig_region_topics",
        "topics-shares",
        "各地区的主题占比（每行合计为 1）。Topic shares per region.",
    ),
    (
        "fig_topic_intervals",
        "topics-shares",
        "各报告主题占比及其 95% 区间：区间不重叠的两份报告，差别大于抽到哪些段落造成的波动。"
        "Topic shares with 95% intervals.",
    ),
    (
        "fig_parts_topics",
        "topics-shares",
        "所比较各部分（tfidf.parts，默认回顾与安排）的主题占比及其变化。Topic shares by part.",
    ),
    (
        "fig_trends_changes",
        "trends",
        "各地区最近两份报告之间变化最大的词（对数比，按 G² 排序）。"
        "Largest changes between the two latest reports.",
    ),
    (
        "fig_trends_topics",
        "trends",
        "主题份额的逐年变化及其 95% 区间。Topic shares over the years.",
    ),
    (
        "fig_trends_watch",
        "trends",
        "关注词的逐年使用频率（每万字）。Watched terms over the years.",
    ),
    (
        "fig_trends_distance",
        "trends",
        "各报告与本地区上一份报告的相似度（TF-IDF 余弦）与距离（主题 JSD）。"
        "Distance to the year before.",
    ),
    (
        "fig_attention",
        "attention-shares",
        "各报告在各政策领域的注意力（字数占比）。Policy attention by report and domain.",
    ),
    (
        "fig_attention_years",
        "attention-shares",
        "各政策领域注意力的逐年变化（有两个以上年份的地区）。Policy attention over the years.",
    ),
    (
        "fig_targets",
        "targets",
        "经济增长预期目标：区间为条，限定词（左右、以上）标在旁边。Growth targets by report.",
    ),
    (
        "fig_targets_years",
        "targets",
        "增长目标与完成情况的逐年对照（有两个以上年份的地区）。Target and achieved by year.",
    ),
    (
        "fig_similarity_tfidf_cosine",
        "similarity-figures",
        "地区间 TF-IDF 余弦相似度（越高越相似）。TF-IDF cosine similarity.",
    ),
    (
        "fig_similarity_topic_jsd",
        "similarity-figures",
        "地区间主题分布的 Jensen–Shannon 距离（越低越相似）。Topic JSD.",
    ),
    (
        "fig_similarity_topic_hellinger",
        "similarity-figures",
        "地区间主题分布的 Hellinger 距离（越低越相似）。Topic Hellinger.",
    ),
    (
        "fig_dendrograms",
        "similarity-figures",
        "按三种距离的层次聚类。Hierarchical clustering on each distance.",
    ),
]
FIGURE_NAMES = [name for name, _, _ in FIGURES]
# Figures over the years: left off the page when no region has two years.
SERIES_FIGURES = (
    "fig_attention_years",
    "fig_targets_years",
    "fig_trends_changes",
    "fig_trends_topics",
    "fig_trends_watch",
    "fig_trends_distance",
)

# The tables of a run (paths relative to results/, where the page is).
REPORTS_CSV = "corpus/reports.csv"
TOC_CSV = "corpus/toc.csv"
SOURCES_CSV = "corpus/sources.csv"
DROPPED_CSV = "corpus/dropped.csv"
GLOSSARY_CSV = "corpus/glossary.csv"
KEYNESS_CSV = "keyness/keyness.csv"
WATCH_CSV = "terms/watch.csv"
KWIC_CSV = "terms/kwic.csv"
AGREEMENT_CSV = "similarity/agreement.csv"
NEAREST_CSV = "similarity/nearest.csv"
PAIR_PARAGRAPHS_CSV = "similarity/pair_paragraphs.csv"
COMMON_CSV = "corpus/common_paragraphs.csv"
TOP_TERMS_CSV = "tfidf/top_terms.csv"
BY_PART_CSV = "tfidf/top_terms_by_part.csv"
SELECTION_CSV = "lda/model_selection.csv"
TOPICS_CSV = "lda/chosen/topics.csv"
SHARES_CSV = "lda/chosen/report_topics.csv"
SHARES_LONG_CSV = "lda/chosen/report_topic_shares.csv"
EXAMPLES_CSV = "lda/chosen/examples.csv"
CHECKS_CSV = "lda/chosen/checks.csv"
TOPIC_VIEW = "lda/topic_view.html"
# Marks of a topic share whose interval lies above / below most other reports' intervals.
MARK_ABOVE = " ▲"
MARK_BELOW = " ▼"
PAIRS_CSV = "similarity/pairs.csv"

TABLE_LINKS = [
    (REPORTS_CSV, "报告清单 reports found"),
    (TOC_CSV, "目录核对 table of contents"),
    (GLOSSARY_CSV, "名词解释 glossary"),
    (DROPPED_CSV, "删除的行 dropped lines"),
    (SOURCES_CSV, "输入文件核算 sources audit"),
    (COMMON_CSV, "多数报告共有的段落 common paragraphs"),
    ("tokens/vocabulary.csv", "词表 vocabulary"),
    ("tokens/harvested_terms.csv", "自动收录的术语 harvested terms"),
    ("tokens/dropped_tokens.csv", "过滤掉的词 dropped tokens"),
    (KEYNESS_CSV, "显著高频词 keyness (G², log ratio)"),
    ("terms/frequency.csv", "词频 term frequencies"),
    (WATCH_CSV, "关注词 watched terms"),
    (KWIC_CSV, "关注词与特色词的上下文 keywords in context"),
    (TOP_TERMS_CSV, "TF-IDF 关键词 keywords"),
    (BY_PART_CSV, "分部分关键词 keywords by part"),
    (SELECTION_CSV, "主题数选择 model selection"),
    (TOPICS_CSV, "主题词 topics"),
    (SHARES_CSV, "地区主题占比 topic shares"),
    ("lda/chosen/doc_topics.csv", "段落主题分布 paragraph topics"),
    ("similarity/tfidf_cosine.csv", "TF-IDF 余弦相似度 matrix"),
    ("similarity/topic_jsd.csv", "主题 JSD 距离 matrix"),
    ("similarity/topic_hellinger.csv", "主题 Hellinger 距离 matrix"),
    (PAIRS_CSV, "地区配对及原因 pairs and reasons"),
    (PAIR_PARAGRAPHS_CSV, "配对的相似段落 similar paragraphs of each pair"),
    (NEAREST_CSV, "各报告最相近的报告 nearest neighbours"),
    ("attention/paragraphs.csv", "段落的政策领域 paragraph domains"),
    ("attention/shares.csv", "政策注意力 attention shares"),
    ("attention/heading_check.csv", "与章节标题的核对 heading check"),
    ("targets/targets.csv", "预期目标与完成情况 stated targets and results"),
    (AGREEMENT_CSV, "相似度指标的一致性 agreement of the measures"),
]

# A long table shows this many rows; the others are one click away (<details>).
ROWS_VISIBLE = 10
# Findings: key terms named per report, pairs named, terms named per pair, characters of a
# paragraph quoted (the whole paragraph is in pair_paragraphs.csv).
FINDING_TERMS = 5
FINDING_PAIRS = 3
FINDING_SHARED_TERMS = 5
QUOTE_CHARS = 60
# What each similarity measure captures, for the page's note where they disagree.
MEASURE_NAMES = {
    "tfidf_cosine": (
        "关键词（TF-IDF 余弦）",
        "keywords (TF-IDF cosine): the same distinctive vocabulary",
    ),
    "topic_jsd": (
        "主题分布（JS 距离）",
        "topics (Jensen–Shannon distance): attention divided alike among topics",
    ),
    "topic_hellinger": ("主题分布（Hellinger 距离）", "topics (Hellinger distance)"),
}

# Where a report's region or year was read (reports.csv's region_source, year_source). Those of
# TRUSTED_SOURCES are the report's own header; the others are inferred from its text: a caveat.
SOURCE_NAMES = {
    "manifest": ("清单", "the manifest"),
    "title": ("标题", "the title"),
    "session_line": ("会议行", "the session line"),
    "speaker_line": ("报告人行", "the speaker line"),
    "opening": ("开场白“我代表……”", "the opening (我代表…)"),
    "review_heading": ("工作回顾标题的年份加一", "the review heading's year + 1"),
    "plans_heading": ("工作安排标题的年份", "the plans heading's year"),
    "": ("未知来源", "an unknown source"),
}
TRUSTED_SOURCES = {"manifest", "title", "session_line"}
# Lines dropped that leave part of a report out or say it was pasted twice (dropped.csv reasons).
DROPPED_CAVEATS = {
    "fragment": (
        "片段（正文过短，多为网页底部重复的标题和首行）",
        "fragments (too short to be a report: a page repeating its title and first line)",
    ),
    "duplicate_copy": (
        "同一报告内重复粘贴的第二份正文",
        "second copies of a body pasted twice",
    ),
}

REGIONS = ("个地区", "regions")
REPORTS = ("份报告", "reports")
FILES = ("个输入文件", "input files")
PAIRS = ("对", "pairs")

# A palette PNG is used only if it stays this close to the figure: the mean difference per
# channel (0-255) and the share of pixels off by more than PALETTE_PIXEL_OFF in some channel.
PALETTE_MEAN_ERROR = 1.0
PALETTE_PIXEL_OFF = 32
PALETTE_OFF_SHARE = 0.01
WEBP_METHOD = 6  # libwebp's slowest, smallest lossless encoding


# --- tables -----------------------------------------------------------------------------------


def table(
    anchor: str,
    header: list[str],
    rows: list[list],
    *,
    csv: str | None = None,
    total: int | None = None,
    what: tuple[str, str] = REGIONS,
    text_columns: Iterable[int] = (),
) -> dict:
    """A table of the page: its rows (the first ROWS_VISIBLE shown, the rest folded), the CSV
    that holds all of them, and how many that is (`total`, if more than `rows`)."""
    rows = [["" if cell is None else str(cell) for cell in row] for row in rows]
    return {
        "id": anchor,
        "header": header,
        "rows": rows[:ROWS_VISIBLE],
        "more": rows[ROWS_VISIBLE:],
        "shown": len(rows),
        "total": len(rows) if total is None else total,
        "what": what,
        "csv": csv,
        "text_columns": sorted(text_columns),
    }


def table_rows(entry: Mapping) -> list[list[str]]:
    """Every row of a table of the page, visible and folded."""
    return [*entry["rows"], *entry["more"]]


def shown_reports(reports, shown: int) -> dict[str, str]:
    """{report id: display label} of the first `shown` reports (corpus order)."""
    return {row["report_id"]: row["label"] for row in reports[:shown]}


def names(items: list[str], shown: int) -> str:
    """`items` joined with 、, cut after `shown` (… and how many in all)."""
    text = "、".join(items[:shown])
    if len(items) > shown:
        text += f" …… 共 {len(items)} (… {len(items)} in all)"
    return text


def sources_of(report: Mapping) -> str:
    """Where a report's region and year were read (reports.csv's region_source, year_source)."""
    region, year = report.get("region_source", ""), report.get("year_source", "")
    return f"{region or '—'} / {year or '—'}" if region or year else ""


# --- the sections -----------------------------------------------------------------------------


def corpus_section(reports, toc, sources, glossary, shown: int | None = None) -> dict:
    """What was analysed: the reports found, those listed but missing, the input files."""
    shown = len(reports) if shown is None else shown
    missing = [row["listed_region"] for row in toc if row["found"] == "no"]
    return {
        "reports_found": len(reports),
        "files": len(sources),
        "reports": table(
            "corpus-reports-table",
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
                "地区、年份依据 region, year from",
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
                    sources_of(r),
                    r["report_id"],
                ]
                for r in reports[:shown]
            ],
            csv=REPORTS_CSV,
            total=len(reports),
            what=REPORTS,
        ),
        "missing": {"count": len(missing), "names": names(missing, shown)},
        "sources": table(
            "corpus-sources-table",
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
            csv=SOURCES_CSV,
            total=len(sources),
            what=FILES,
        ),
        "glossary": len(glossary),
    }


def keywords_section(
    top_terms,
    by_part,
    shown: int,
    regions: dict[str, str] | None = None,
    total: int = 0,
    keyness_rows=None,
    watch_rows=None,
) -> dict:
    """Keywords of the regions of `regions` ({report id: label}; all if None)."""

    def label(row) -> str | None:
        if regions is None:
            return row.get("label") or row["report_id"]
        return regions.get(row["report_id"])

    by_report: dict[str, list[str]] = {}
    for row in top_terms:
        if (name := label(row)) is not None:
            by_report.setdefault(name, []).append(row["term"])
    parts_rows: dict[tuple[str, str], list[str]] = {}
    for row in by_part:
        if (name := label(row)) is not None:
            parts_rows.setdefault((name, row["part"]), []).append(row["term"])
    compared = list(dict.fromkeys(part for _, part in parts_rows))
    total = total if regions is not None else len(by_report)
    keyness: dict[str, list[str]] = {}
    for row in keyness_rows or ():
        if row["part"] == "all" and (name := label(row)) is not None:
            g2 = float(row["g2"])
            keyness.setdefault(name, []).append(f"{row['term']}（{g2:.0f}）")
    watch: dict[str, list[str]] = {}
    for row in watch_rows or ():
        if (name := label(row)) is not None:
            watch.setdefault(name, []).append(row["per_10k"])
    watched = list(dict.fromkeys(row["term"] for row in watch_rows or ()))
    return {
        "keyness": table(
            "keywords-keyness-table",
            ["地区 region", f"前 {shown} 个显著高频词（G²）top key terms (G²)"],
            [[region, "、".join(terms[:shown])] for region, terms in keyness.items()],
            csv=KEYNESS_CSV,
            total=max(total, len(keyness)) if keyness else 0,
            text_columns=[1],
        ),
        "watch": table(
            "keywords-watch-table",
            ["地区 region", *[f"{term} 每万字 per 10k" for term in watched]],
            [[region, *values] for region, values in watch.items()],
            csv=WATCH_CSV,
            total=max(total, len(watch)) if watch else 0,
        ),
        "shown_terms": shown,
        "terms": table(
            "keywords-terms-table",
            ["地区 region", f"前 {shown} 个关键词 top terms"],
            [[region, "、".join(terms[:shown])] for region, terms in by_report.items()],
            csv=TOP_TERMS_CSV,
            total=max(total, len(by_report)),
            text_columns=[1],
        ),
        "compared": " / ".join(PART_NAMES.get(part, part) for part in compared),
        "parts": table(
            "keywords-parts-table",
            ["地区 region", "部分 part", "关键词 top terms"],
            [
                [region, PART_NAMES.get(part, part), "、".join(terms[:shown])]
                for (region, part), terms in parts_rows.items()
            ],
            csv=BY_PART_CSV,
            total=max(total * max(len(compared), 1), len(parts_rows)),
            what=("行", "rows"),
            text_columns=[2],
        ),
    }


METRIC_COLUMNS = [
    "k",
    "c_npmi_mean",
    "c_npmi_sd",
    "c_v_mean",
    "u_mass_mean",
    "perplexity_mean",
    "topic_diversity_mean",
    "stability",
    "seeds",
    "passes",
    "kept_seed",
    "chosen",
]


def interval_marks(shares_long) -> dict[tuple[str, str], str]:
    """{(report id, topic): ▲ or ▼} where a report's share of a topic differs from most others:
    its 95% interval lies above (▲) or below (▼) the intervals of at least half of the other
    reports, without overlapping them."""
    by_topic: dict[str, list[tuple[str, float, float]]] = {}
    for row in shares_long:
        by_topic.setdefault(row["topic"], []).append(
            (row["report_id"], float(row["ci_low"]), float(row["ci_high"]))
        )
    marks = {}
    for topic, rows in by_topic.items():
        others = len(rows) - 1
        if others < 1:
            continue
        for report_id, low, high in rows:
            above = sum(low > h for r, _, h in rows if r != report_id)
            below = sum(high < lo for r, lo, _ in rows if r != report_id)
            if above * 2 >= others:
                marks[(report_id, topic)] = MARK_ABOVE
            elif below * 2 >= others:
                marks[(report_id, topic)] = MARK_BELOW
    return marks


def robustness_text(chosen: Mapping) -> tuple[str, str] | None:
    """How fragile the choice of K is, in words (chosen.json's robustness), or None if every
    seed alone would choose the same K."""
    robust = chosen.get("robustness") or {}
    if not robust.get("fragile"):
        return None
    by_seed = robust["seed_choices"]
    seeds_zh = "、".join(f"种子 {seed} → K = {k}" for seed, k in by_seed.items())
    seeds_en = ", ".join(f"seed {seed} → K = {k}" for seed, k in by_seed.items())
    zh = f"主题数的选择不稳定：只看单个随机种子，规则会选不同的 K（{seeds_zh}）。"
    en = f"The choice of K is fragile: each random seed alone would choose another K ({seeds_en})."
    second = robust.get("runner_up")
    if second is not None:
        shared = robust.get("runner_up_shared_topics", 0)
        zh += (
            f"次选 K = {second}；所选的 {chosen['k']} 个主题中有 {shared} 个在 K = {second} 的"
            "模型中也有几乎相同的主题，其余的会变。读主题时请把它们当作一种可能的划分。"
        )
        en += (
            f" The runner-up is K = {second}; {shared} of the {chosen['k']} topics have a "
            f"near twin in the K = {second} model, the others change. Read the topics as one "
            "possible division of the themes, not the only one."
        )
    return zh, en


def topics_section(
    chosen,
    selection,
    topics,
    report_topics,
    regions: dict[str, str] | None = None,
    shares_long=(),
    examples=(),
    checks=(),
) -> dict:
    """The chosen model, the evidence for K, its topics with their examples, and the topic
    shares (with intervals) of the regions of `regions` ({report id: label}; all if None)."""
    labels = list(chosen["labels"])
    top_terms: dict[str, list[str]] = {}
    for row in topics:
        if row["ranking"] == "relevance":
            top_terms.setdefault(row["topic"], []).append(row["term"])
    shares = [
        (row.get("label", row["report_id"]) if regions is None else regions[row["report_id"]], row)
        for row in report_topics
        if regions is None or row["report_id"] in regions
    ]
    intervals = {(r["report_id"], r["topic"]): r for r in shares_long}
    marks = interval_marks(shares_long)

    def cell(report_id: str, topic: int, value: str) -> str:
        found = intervals.get((report_id, str(topic)))
        if found is None:
            return f"{float(value):.2f}"
        low, high = float(found["ci_low"]), float(found["ci_high"])
        mark = marks.get((report_id, str(topic)), "")
        return f"{float(value):.2f} [{low:.2f}–{high:.2f}]{mark}"

    by_topic: dict[str, list[Mapping]] = {}
    for row in examples:
        by_topic.setdefault(row["topic"], []).append(row)
    halves = next((row for row in checks if row["check"].startswith("halves")), None)
    return {
        "k": chosen["k"],
        "reason": chosen["reason"],
        "reason_zh": chosen.get("reason_zh", ""),
        "reason_en": chosen.get("reason_en", chosen["reason"]),
        "robustness": robustness_text(chosen),
        "label_warnings": chosen.get("label_warnings", []),
        "kept_seed": chosen["kept_seed"],
        "kept_because": chosen["kept_because"],
        "stability": chosen["stability"],
        "selection": table(
            "topics-k-table",
            METRIC_COLUMNS,
            [[row.get(c, "") for c in METRIC_COLUMNS] for row in selection],
            csv=SELECTION_CSV,
            what=("个 K", "values of K"),
        ),
        "topics": table(
            "topics-terms-table",
            ["主题 topic", "标签 label", "相关度最高的词 most relevant terms"],
            [
                [t, labels[int(t) - 1], "、".join(terms[:10])]
                for t, terms in sorted(top_terms.items(), key=lambda kv: int(kv[0]))
            ],
            csv=TOPICS_CSV,
            what=("个主题", "topics"),
            text_columns=[2],
        ),
        "examples": [
            {
                "topic": topic,
                "label": labels[int(topic) - 1],
                "paragraphs": [
                    (row["label"], row["section"], f"{float(row['share']):.2f}", row["text"])
                    for row in rows
                ],
            }
            for topic, rows in sorted(by_topic.items(), key=lambda kv: int(kv[0]))
        ],
        "examples_csv": EXAMPLES_CSV,
        "shares": table(
            "topics-shares-table",
            ["地区 region", *[f"{i + 1} {label}" for i, label in enumerate(labels)]],
            [
                [
                    name,
                    *[
                        cell(row["report_id"], i + 1, row[f"topic_{i + 1}"])
                        for i in range(len(labels))
                    ],
                ]
                for name, row in shares
            ],
            csv=SHARES_LONG_CSV if shares_long else SHARES_CSV,
            total=len(report_topics),
        ),
        "intervals": bool(shares_long),
        "halves": halves,
        "checks_csv": CHECKS_CSV,
        "view": TOPIC_VIEW,
    }


def similarity_section(pairs, shown: int, total: int | None = None) -> dict:
    """The most alike pairs (pairs.csv's order: by TF-IDF cosine), with the reasons."""
    rows = [
        {
            "pair": f"{p['label_a']} — {p['label_b']}",
            "cosine": f"{float(p['tfidf_cosine']):.3f}",
            "cosine_rank": p["tfidf_cosine_rank"],
            "jsd": f"{float(p['topic_jsd']):.3f}",
            "jsd_rank": p["topic_jsd_rank"],
            "shared_terms": p["shared_terms"],
            "paragraphs": [
                (p["label_a"], p["paragraph_a_section"], p["paragraph_a"]),
                (p["label_b"], p["paragraph_b_section"], p["paragraph_b"]),
            ],
        }
        for p in pairs[:shown]
    ]
    return {
        "id": "similarity-pairs-table",
        "rows": rows[:ROWS_VISIBLE],
        "more": rows[ROWS_VISIBLE:],
        "shown": len(rows),
        "total": len(rows) if total is None else max(total, len(rows)),
        "what": PAIRS,
        "csv": PAIRS_CSV,
    }


def parameters_section(config: Mapping) -> dict:
    return {
        "yaml": yaml.safe_dump(dict(config), allow_unicode=True, sort_keys=False),
        "tables": [{"href": path, "name": name} for path, name in TABLE_LINKS],
    }


# --- findings ---------------------------------------------------------------------------------


def statement(zh: str, en: str, *links: tuple[str, str]) -> dict:
    """One finding: in Chinese and English, with links to its evidence ((href, text) pairs)."""
    return {"zh": zh, "en": en, "evidence": [{"href": h, "text": t} for h, t in links]}


def finding_terms(keyness, regions: dict[str, str], count: int = FINDING_TERMS) -> list[dict]:
    """Per report (those of `regions`, in their order) its top key terms of the whole body
    (keyness.csv, ranked by G²), with their log ratio; a report without a significant term says
    so."""
    terms: dict[str, list[tuple[int, str, float]]] = {}
    for row in keyness:
        if row["report_id"] in regions and row["part"] == "all":
            terms.setdefault(row["report_id"], []).append(
                (int(row["rank"]), row["term"], float(row["log_ratio"]))
            )
    found = []
    for report_id, label in regions.items():
        top = sorted(terms.get(report_id, []))[:count]
        if top:
            listed = "、".join(term for _, term, _ in top)
            ratio = 2 ** max(r for _, _, r in top)
            zh = f"{label}突出：{listed}"
            en = f"{label} stresses {listed} (up to {ratio:.0f} times as often as the others)"
        else:
            zh = f"{label}：没有显著高于其他报告的词"
            en = f"{label}: no term significantly more frequent than in the others"
        found.append(
            statement(
                zh, en, ("#keywords-keyness", "显著高频词 keyness"), (KEYNESS_CSV, KEYNESS_CSV)
            )
        )
    return found


def quote(text: str, length: int = QUOTE_CHARS) -> str:
    return text if len(text) <= length else text[:length] + "…"


def pair_sentence(p: Mapping) -> tuple[str, str]:
    """The reason two reports are alike, in a sentence: the terms both stress, the most
    similar paragraphs (common paragraphs are never offered)."""
    shared = [t for t in p["shared_terms"].split("、") if t][:FINDING_SHARED_TERMS]
    cosine = f"{float(p['tfidf_cosine']):.3f}"
    zh = f"{p['label_a']}与{p['label_b']}（TF-IDF 余弦 {cosine}，第 {p['tfidf_cosine_rank']} 位）"
    en = f"{p['label_a']} and {p['label_b']} (cosine {cosine}, #{p['tfidf_cosine_rank']})"
    if shared:
        zh += f"都突出{'、'.join(shared)}"
        en += f" both stress {', '.join(shared)}"
    else:
        zh += "没有共同突出的词"
        en += ": no term both stress"
    if p.get("paragraph_a"):
        zh += f"；最相近的段落：“{quote(p['paragraph_a'])}”（{p['paragraph_a_section']}）"
        en += "; their most similar paragraphs are quoted in the pairs table"
    return zh + "。", en + "."


def finding_pairs(pairs, count: int = FINDING_PAIRS) -> list[dict]:
    """The most alike pairs by TF-IDF cosine (pairs.csv's order), each in a sentence."""
    ranked = sorted(pairs, key=lambda p: int(p["tfidf_cosine_rank"]))[:count]
    return [
        statement(
            *pair_sentence(p),
            ("#similarity-pairs", "配对 pairs"),
            (PAIRS_CSV, PAIRS_CSV),
            (PAIR_PARAGRAPHS_CSV, PAIR_PARAGRAPHS_CSV),
        )
        for p in ranked
    ]


def finding_agreement(agreement, nearest, regions: dict[str, str], shown: int) -> list[dict]:
    """How far keywords and topics agree on which reports are alike, and the reports whose
    nearest neighbour they name differently."""
    found = []
    pair = next(
        (r for r in agreement if {r["measure_a"], r["measure_b"]} == {"tfidf_cosine", "topic_jsd"}),
        None,
    )
    if pair is None or not pair["reports"]:
        return found
    by = {}
    for row in nearest:
        by.setdefault(row["report_id"], {})[row["measure"]] = row["nearest_label"]
    differ = [
        f"{regions.get(i, i)}（关键词 {m['tfidf_cosine']}，主题 {m['topic_jsd']}）"
        for i, m in by.items()
        if i in regions and m.get("tfidf_cosine") != m.get("topic_jsd")
    ]
    zh_a, en_a = MEASURE_NAMES["tfidf_cosine"]
    zh_b, en_b = MEASURE_NAMES["topic_jsd"]
    zh = (
        f"{zh_a}与{zh_b}两种相似度的排序相关 Spearman ρ = {pair['spearman']}；"
        f"{pair['reports']} 份报告中 {pair['same_nearest']} 份的最相近报告两者一致。"
    )
    en = (
        f"The two views agree with Spearman ρ = {pair['spearman']} over {pair['pairs']} pairs and "
        f"name the same nearest neighbour for {pair['same_nearest']} of {pair['reports']} "
        f"reports: {en_a}; {en_b}."
    )
    if differ:
        zh += f"不一致的：{names(differ, shown)}"
        en += " Where they differ, read both."
    found.append(
        statement(
            zh,
            en,
            ("#similarity-pairs", "配对 pairs"),
            (AGREEMENT_CSV, AGREEMENT_CSV),
            (NEAREST_CSV, NEAREST_CSV),
        )
    )
    return found


def finding_model(chosen: Mapping) -> dict:
    return statement(
        f"主题模型选了 K = {chosen['k']} 个主题。{chosen.get('reason_zh', '')}",
        f"The topic model has K = {chosen['k']} topics. "
        f"{chosen.get('reason_en', chosen['reason'])}",
        ("#topics-k", "主题数的选择 choice of K"),
        (SELECTION_CSV, SELECTION_CSV),
    )


def caveat_fragile(chosen: Mapping) -> list[dict]:
    """A choice of K that another seed would not make (chosen.json's robustness)."""
    text = robustness_text(chosen)
    if text is None:
        return []
    return [
        statement(
            *text,
            ("#topics-k", "主题数的选择 choice of K"),
            ("lda/chosen.json", "lda/chosen.json (robustness)"),
        )
    ]


def caveat_missing(toc, shown: int) -> list[dict]:
    """Reports listed in a table of contents that the text lacks (toc.csv)."""
    missing = [row["listed_region"] for row in toc if row["found"] == "no"]
    if not missing:
        return []
    listed = names(missing, shown)
    return [
        statement(
            f"目录列出但文本中没有的报告 {len(missing)} 份：{listed}。",
            f"{len(missing)} reports listed in a table of contents are missing from the text.",
            ("#corpus-missing", "缺失的报告 missing reports"),
            (TOC_CSV, TOC_CSV),
        )
    ]


def caveat_converted(reports, shown: int) -> list[dict]:
    """Texts converted from traditional characters (reports.csv's `converted`)."""
    converted = [r["label"] for r in reports if r.get("converted")]
    if not converted:
        return []
    return [
        statement(
            f"{len(converted)} 份报告由繁体字转换为简体（OpenCC t2s）：{names(converted, shown)}。",
            f"{len(converted)} reports were converted from traditional to simplified characters "
            "(OpenCC t2s); sources.csv's notes say which lines.",
            (REPORTS_CSV, f"{REPORTS_CSV} (converted)"),
            (SOURCES_CSV, f"{SOURCES_CSV} (notes)"),
        )
    ]


def caveat_inferred(reports, shown: int) -> list[dict]:
    """Regions and years read from the text rather than the header (reports.csv's
    region_source, year_source other than manifest, title or session line)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for r in reports:
        for field in ("region", "year"):
            source = r.get(f"{field}_source")
            if source is not None and source not in TRUSTED_SOURCES:
                groups.setdefault((field, source), []).append(r["label"])
    found = []
    for (field, source), labels in groups.items():
        zh_source, en_source = SOURCE_NAMES.get(source, (source, source))
        zh_field = "地区" if field == "region" else "年份"
        found.append(
            statement(
                f"{len(labels)} 份报告的{zh_field}推断自{zh_source}：{names(labels, shown)}。",
                f"The {field} of {len(labels)} reports is inferred from {en_source}.",
                ("#corpus-reports", "报告 reports"),
                (REPORTS_CSV, f"{REPORTS_CSV} ({field}_source)"),
            )
        )
    return found


def _runs(lines: list[int]) -> int:
    """How many runs of consecutive numbers `lines` holds (the places a kind of line was cut)."""
    ordered = sorted(set(lines))
    return sum(1 for i, line in enumerate(ordered) if i == 0 or line != ordered[i - 1] + 1)


def caveat_dropped(dropped, shown: int) -> list[dict]:
    """Lines dropped as fragments or as a second copy of a body (dropped.csv)."""
    found = []
    for reason, (zh_what, en_what) in DROPPED_CAVEATS.items():
        rows = [row for row in dropped if row["reason"] == reason]
        if not rows:
            continue
        lines: dict[str, list[int]] = {}
        for row in rows:
            lines.setdefault(row["source_file"], []).append(int(row["line"]))
        places = sum(_runs(numbers) for numbers in lines.values())
        files = [Path(name).name for name in lines]
        found.append(
            statement(
                f"删除了 {places} 处{zh_what}，共 {len(rows)} 行（{reason}）："
                f"{names(files, shown)}。",
                f"{places} {en_what} dropped, {len(rows)} lines ({reason}).",
                (DROPPED_CSV, f"{DROPPED_CSV} ({reason})"),
            )
        )
    return found


def findings(data: Mapping, regions: dict[str, str]) -> dict:
    """The findings section: what each region stresses, the most alike pairs, the model, and
    what to be careful about, each statement with links to its evidence."""
    shown = len(regions)
    reports = data["reports"]
    caveats = [
        *caveat_missing(data["toc"], shown),
        *caveat_converted(reports, shown),
        *caveat_inferred(reports, shown),
        *caveat_dropped(data.get("dropped", []), shown),
        *caveat_fragile(data["chosen"]),
    ]
    terms = finding_terms(data.get("keyness", []), regions)
    attention = finding_attention(data.get("attention", []), regions, statement)
    agreement = finding_agreement(
        data.get("agreement", []), data.get("nearest", []), regions, shown
    )
    return {
        "terms": terms[:ROWS_VISIBLE],
        "more_terms": terms[ROWS_VISIBLE:],
        "regions_total": len(data["reports"]),
        "pairs": finding_pairs(data["pairs"]) + agreement,
        "model": finding_model(data["chosen"]),
        "attention": attention[:ROWS_VISIBLE],
        "more_attention": attention[ROWS_VISIBLE:],
        "targets": finding_targets(data.get("targets", []), regions, statement),
        "trends": finding_trends(data.get("term_changes", []), reports, statement),
        "caveats": caveats,
    }


# --- figures ----------------------------------------------------------------------------------


def _svg_is_self_contained(svg: str) -> bool:
    """Text drawn as paths (matplotlib's svg.fonttype: path), nothing outside the file."""
    if re.search(r"<text[\s>]", svg):
        return False
    refs = re.findall(r'(?:xlink:)?href="([^"]*)"', svg)
    return all(ref.startswith(("#", "data:")) for ref in refs)


def minify_svg(svg: str) -> str:
    """An SVG without its prologue, metadata and the whitespace between elements."""
    svg = re.sub(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r">\s+<", "><", svg)
    return re.sub(r"\s*\n\s*", " ", svg).strip()


def svg_data_uri(svg: str) -> str:
    """A data: URI of an SVG, percent-encoded where a URL or an HTML attribute needs it (smaller
    than base64)."""
    text = minify_svg(svg).replace('"', "'")
    for char, code in (("%", "%25"), ("#", "%23"), ("<", "%3C"), (">", "%3E"), ("&", "%26")):
        text = text.replace(char, code)
    return "data:image/svg+xml," + text


def _png_bytes(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def compress_png(path: str | Path) -> bytes:
    """The figure as a palette PNG (256 colours, median cut, no dithering) if that stays as
    close as PALETTE_* say, else as an optimised full-colour PNG; on white, as the page is."""
    from PIL import Image, ImageChops, ImageStat

    with Image.open(path) as source:
        source.load()
        if source.mode in ("RGBA", "LA", "P"):
            rgba = source.convert("RGBA")
            image = Image.new("RGB", rgba.size, "white")
            image.paste(rgba, mask=rgba.getchannel("A"))
        else:
            image = source.convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    difference = ImageChops.difference(image, palette.convert("RGB"))
    mean_error = sum(ImageStat.Stat(difference).mean) / 3
    red, green, blue = difference.split()
    worst = ImageChops.lighter(ImageChops.lighter(red, green), blue).histogram()
    off_share = sum(worst[PALETTE_PIXEL_OFF + 1 :]) / (image.width * image.height)
    if mean_error <= PALETTE_MEAN_ERROR and off_share <= PALETTE_OFF_SHARE:
        return _png_bytes(palette)
    return _png_bytes(image)


def lossless_webp(png_bytes: bytes) -> bytes:
    """The same pixels as lossless WebP (every browser of the last years shows it; about a
    fifth smaller than the PNG for these figures)."""
    from PIL import Image

    buffer = io.BytesIO()
    with Image.open(io.BytesIO(png_bytes)) as image:
        image.save(buffer, "WEBP", lossless=True, method=WEBP_METHOD)
    return buffer.getvalue()


def embed_figure(png: str | Path, svg: str | Path | None = None) -> dict:
    """How a figure is embedded: the smallest of its palette PNG, the same pixels as lossless
    WebP, and its SVG copy (when that draws its text as paths and needs nothing else), as a
    data: URI; with the PNG's size."""
    from PIL import Image

    with Image.open(png) as image:
        width, height = image.size
    pixels = compress_png(png)
    src = "data:image/png;base64," + base64.b64encode(pixels).decode("ascii")
    kind = "png"
    webp = lossless_webp(pixels)
    if len(webp) < len(pixels):
        src, kind = "data:image/webp;base64," + base64.b64encode(webp).decode("ascii"), "webp"
    if svg is not None and Path(svg).is_file():
        text = Path(svg).read_text("utf-8")
        if _svg_is_self_contained(text):
            candidate = svg_data_uri(text)
            if len(candidate) < len(src):
                src, kind = candidate, "svg"
    return {"src": src, "format": kind, "width": width, "height": height}


def figures_by_place(
    figures: Mapping[str, str], svgs: Mapping[str, str] | None = None, page_dir: str = "results"
) -> dict[str, list[dict]]:
    """{anchor of a (sub)section: its figures}: each embedded once, with its caption and links
    to its PNG and SVG files relative to the page (figures/<name>.svg next to report.html)."""
    svgs = svgs or {}
    placed: dict[str, list[dict]] = {}
    for name, place, caption in FIGURES:
        if name not in figures:
            continue
        png = Path(figures[name])
        svg = Path(svgs[name]) if name in svgs else png.with_suffix(".svg")
        entry = {
            "id": name.removeprefix("fig_").replace("_", "-"),
            "caption": caption,
            "png_href": Path(os.path.relpath(png, page_dir)).as_posix(),
            "svg_href": Path(os.path.relpath(svg, page_dir)).as_posix(),
            **embed_figure(png, svg),
        }
        placed.setdefault(place, []).append(entry)
    return placed


# --- the page ---------------------------------------------------------------------------------


def page_data(data: Mapping, config: Mapping, settings: Mapping) -> dict:
    """Everything the page shows, as plain data for the templates."""
    shown = settings["regions_shown"]
    regions = shown_reports(data["reports"], shown)
    with_terms = len({row["report_id"] for row in data["top_terms"]})
    shown_figures = dict(data.get("figures", {}))
    if not latest_pairs(data["reports"]):
        # A figure over the years would only say that there are no years to draw.
        for name in SERIES_FIGURES:
            shown_figures.pop(name, None)
    figures = figures_by_place(shown_figures, data.get("svgs", {}), data.get("page_dir", "results"))
    return {
        "title": TITLE,
        "sections": [
            {"id": anchor, "zh": zh, "en": en, "children": SUBSECTIONS.get(anchor, [])}
            for anchor, zh, en in SECTIONS
        ],
        "findings": findings(data, regions),
        "corpus": corpus_section(
            data["reports"], data["toc"], data["sources"], data["glossary"], shown
        ),
        "keywords": keywords_section(
            data["top_terms"],
            data["by_part"],
            settings["keywords_shown"],
            regions,
            with_terms,
            data.get("keyness", []),
            data.get("watch", []),
        ),
        "topics": topics_section(
            data["chosen"],
            data["selection"],
            data["topics"],
            data["report_topics"],
            regions,
            data.get("report_topic_shares", []),
            data.get("examples", []),
            data.get("checks", []),
        ),
        "attention": attention_section(
            data.get("attention", []), data.get("attention_checks", []), regions, table
        ),
        "targets": targets_section(data.get("targets", []), regions, table),
        "trends": trends_section(
            data.get("term_changes", []), data["reports"], table, data.get("quotes", [])
        ),
        "similarity": similarity_section(
            data["pairs"], settings["pairs_shown"], data.get("pairs_total")
        ),
        "parameters": parameters_section(config),
        "figures": figures,
    }


def environment(templates: str | Path = TEMPLATES):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(data: Mapping, config: Mapping, settings: Mapping, templates=TEMPLATES) -> str:
    """The page: `data` (the tables, as main() reads them) rendered with the templates."""
    template = environment(templates).get_template(PAGE_TEMPLATE)
    context = page_data(data, config, settings)
    page = template.render(page=context, font_face="")
    if not settings["embed_font"]:
        return page
    # The font holds the characters of the page without it (the font adds none).
    text = re.sub(r"data:[^\"')]*", "", page)
    return template.render(page=context, font_face=font_face(text))


# --- reading the tables -----------------------------------------------------------------------


def read_csv_head(path, count: int) -> tuple[list[dict[str, str]], int]:
    """The first `count` rows of a CSV table (pairs.csv lists every pair, with their texts) and
    how many rows it has."""
    import csv
    import itertools

    from gwr.io import CSV_ENCODING

    with open(path, encoding=CSV_ENCODING, newline="") as handle:
        reader = csv.DictReader(handle)
        head = list(itertools.islice(reader, count))
        return head, len(head) + sum(1 for _ in reader)


def load_data(inputs: Mapping[str, str], pairs_shown: int, page_dir: str = "results") -> dict:
    """The page's data from the rule's inputs ({input name: path})."""
    pairs, pairs_total = read_csv_head(inputs["pairs"], pairs_shown)
    return {
        "reports": read_csv(inputs["reports"]),
        "toc": read_csv(inputs["toc"]),
        "sources": read_csv(inputs["sources"]),
        "glossary": read_csv(inputs["glossary"]),
        "dropped": read_csv(inputs["dropped"]),
        "top_terms": read_csv(inputs["top_terms"]),
        "keyness": read_csv(inputs["keyness"]),
        "watch": read_csv(inputs["watch"]),
        "agreement": read_csv(inputs["agreement"]),
        "nearest": read_csv(inputs["nearest"]),
        "by_part": read_csv(inputs["by_part"]),
        "selection": read_csv(inputs["selection"]),
        "chosen": json.loads(Path(inputs["chosen"]).read_text("utf-8")),
        "topics": read_csv(inputs["topics"]),
        "report_topics": read_csv(inputs["report_topics"]),
        "report_topic_shares": read_csv(inputs["report_topic_shares"]),
        "examples": read_csv(inputs["examples"]),
        "checks": read_csv(inputs["checks"]),
        "attention": read_csv(inputs["attention"]),
        "attention_checks": read_csv(inputs["attention_checks"]),
        "targets": read_csv(inputs["targets"]),
        "term_changes": read_csv(inputs["term_changes"]),
        "quotes": read_csv(inputs["quotes"]),
        "pairs": pairs,
        "pairs_total": pairs_total,
        "figures": {name: inputs[name] for name in FIGURE_NAMES if name in inputs},
        "svgs": {name: inputs[f"{name}_svg"] for name in FIGURE_NAMES if f"{name}_svg" in inputs},
        "page_dir": page_dir,
    }


def summary_text(data: Mapping, settings: Mapping, html: str) -> str:
    """What the console says at the end of a run (results/summary.txt, printed by the workflow's
    onsuccess): where the page is, how many reports were read, and the findings' caveats."""
    reports = data["reports"]
    files = len({row["source_file"] for row in reports})
    found = findings(data, shown_reports(reports, settings["regions_shown"]))
    lines = [
        f"报告页 Report page: {html}",
        f"读取 Read: {len(reports)} 份报告 reports from {files} 个输入文件 input file(s)",
    ]
    if found["caveats"]:
        lines.append("注意 Warnings that matter:")
        lines.extend(f"  - {c['zh']} {c['en']}" for c in found["caveats"])
    else:
        lines.append("注意 Warnings: none (see the page's caveats)")
    return "\n".join(lines) + "\n"


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "report_page")
    settings = dict(snakemake.params.settings)
    page_dir = str(Path(snakemake.output.html).parent)
    data = load_data(dict(snakemake.input.items()), settings["pairs_shown"], page_dir)
    templates = Path(snakemake.input.templates[0]).parent
    page = render(data, snakemake.params.config, settings, templates)
    write_text(snakemake.output.html, page)
    write_text(snakemake.output.summary, summary_text(data, settings, snakemake.output.html))
    log.info("report page: %d figures, %d bytes", len(data["figures"]), len(page.encode()))


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/report_page.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("report_page")
    main(snakemake)  # noqa: F821
