"""The report page's sections on policy attention and stated targets, and their findings.

Plain data for the templates (workflow/report/page/); every string is escaped by the page's
template engine. Tables follow gwr.report_page's `table` shape (passed in as `table`).
"""

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from gwr.targets import GROWTH_INDICATORS
from gwr.trends import series, with_series

ATTENTION_CSV = "attention/shares.csv"
ATTENTION_PARAGRAPHS_CSV = "attention/paragraphs.csv"
ATTENTION_CHECKS_CSV = "attention/checks.csv"
TARGETS_CSV = "targets/targets.csv"
NONE = "none"
TOP_DOMAINS = 3  # domains named per report in the table
# Indicators the page shows as columns of the targets table, in order: (code, Chinese, English).
TARGET_COLUMNS = [
    ("gdp_growth", "GDP 增长", "GDP growth"),
    ("unemployment_rate", "城镇调查失业率", "surveyed unemployment"),
    ("cpi", "居民消费价格", "CPI"),
    ("new_urban_jobs", "城镇新增就业", "new urban jobs"),
]


def _percent(value: str | float) -> str:
    return f"{float(value) * 100:.0f}%"


def _interval(row: Mapping) -> str:
    return f"{_percent(row['share'])} [{_percent(row['ci_low'])}–{_percent(row['ci_high'])}]"


def shares_by_report(shares: Sequence[Mapping]) -> dict[str, list[Mapping]]:
    by_report: dict[str, list[Mapping]] = defaultdict(list)
    for row in shares:
        by_report[row["report_id"]].append(row)
    return dict(by_report)


def mean_shares(by_report: Mapping[str, list[Mapping]]) -> dict[str, float]:
    """Each domain's mean share over the reports (every report counts once)."""
    totals: dict[str, float] = defaultdict(float)
    for rows in by_report.values():
        for row in rows:
            totals[row["domain"]] += float(row["share"])
    return {domain: total / len(by_report) for domain, total in totals.items()}


def most_above(rows: Sequence[Mapping], means: Mapping[str, float]) -> Mapping | None:
    """The domain a report gives most more attention than the reports' mean ('none' aside);
    None when it gives none more than the mean (or is the only report)."""
    candidates = [
        row
        for row in rows
        if row["domain"] != NONE and float(row["share"]) > means.get(row["domain"], 0.0)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (float(r["share"]) - means[r["domain"]], r["domain"]))


def attention_section(shares, checks, regions: Mapping[str, str], table: Callable) -> dict:
    """The attention section: per report its leading domains with their intervals and the
    domain it stresses most relative to the others, and the heading check of this run."""
    by_report = shares_by_report(shares)
    means = mean_shares(by_report) if by_report else {}
    several = len(by_report) > 1
    rows = []
    for report_id, label in regions.items():
        found = [r for r in by_report.get(report_id, []) if r["domain"] != NONE]
        if not found:
            continue
        ranked = sorted(found, key=lambda r: (-float(r["share"]), r["domain"]))
        above = most_above(by_report[report_id], means) if several else None
        rows.append(
            [
                label,
                "；".join(f"{r['domain_zh']} {_interval(r)}" for r in ranked[:TOP_DOMAINS]),
                ""
                if above is None
                else f"{above['domain_zh']} {_percent(above['share'])}"
                f"（平均 mean {_percent(means[above['domain']])}）",
            ]
        )
    header = [
        "报告 report",
        f"注意力最多的 {TOP_DOMAINS} 个领域 leading domains [95% 区间 interval]",
        "相对其他报告最突出 most above the others' mean",
    ]
    check = checks[0] if checks else {}
    return {
        "table": table("attention-table", header, rows, csv=ATTENTION_CSV, total=len(by_report)),
        "check": check,
        "paragraphs_csv": ATTENTION_PARAGRAPHS_CSV,
        "checks_csv": ATTENTION_CHECKS_CSV,
    }


def finding_attention(shares, regions: Mapping[str, str], statement: Callable) -> list[dict]:
    """Per report (those of `regions`): where its attention goes, and what it stresses more
    than the others."""
    by_report = shares_by_report(shares)
    means = mean_shares(by_report) if by_report else {}
    found = []
    for report_id, label in regions.items():
        rows = [r for r in by_report.get(report_id, []) if r["domain"] != NONE]
        if not rows:
            continue
        top = max(rows, key=lambda r: (float(r["share"]), r["domain"]))
        zh = f"{label}的注意力最多在{top['domain_zh']}（{_interval(top)}）"
        en = f"{label} gives most attention to {top['domain_en']} ({_interval(top)})"
        above = most_above(by_report[report_id], means) if len(by_report) > 1 else None
        if above is not None and above["domain"] != top["domain"]:
            zh += (
                f"；比其他报告更多在{above['domain_zh']}（{_percent(above['share'])}，"
                f"平均 {_percent(means[above['domain']])}）"
            )
            en += (
                f"; more than the others to {above['domain_en']} ({_percent(above['share'])}, "
                f"mean {_percent(means[above['domain']])})"
            )
        found.append(
            statement(
                zh, en, ("#attention", "政策注意力 attention"), (ATTENTION_CSV, ATTENTION_CSV)
            )
        )
    return found


def target_text(row: Mapping) -> str:
    """A stated quantity as the report states it: `5%左右`, `5–5.5%`, `110万人以上`."""
    low, high = row["low"], row["high"]
    number = low if low == high else f"{low}–{high}"
    return f"{number}{row['unit']}{row['qualifier']}"


def targets_by_report(targets: Sequence[Mapping]) -> dict[str, dict[str, Mapping]]:
    """{report id: {indicator: its first stated target}} (kind `target` only)."""
    found: dict[str, dict[str, Mapping]] = defaultdict(dict)
    for row in targets:
        if row["kind"] == "target":
            found[row["report_id"]].setdefault(row["indicator"], row)
    return dict(found)


def growth_target(stated: Mapping[str, Mapping]) -> Mapping | None:
    """The growth target of a report's stated targets: GDP, else an older series'."""
    return next((stated[code] for code in GROWTH_INDICATORS if code in stated), None)


def targets_section(targets, regions: Mapping[str, str], table: Callable) -> dict:
    """The targets section: per report its headline targets of the year, and how many
    quantities it states in all."""
    stated = targets_by_report(targets)
    counts: dict[str, int] = defaultdict(int)
    for row in targets:
        counts[row["report_id"]] += 1
    rows = []
    for report_id, label in regions.items():
        mine = stated.get(report_id, {})
        cells = []
        for code, _, _ in TARGET_COLUMNS:
            row = growth_target(mine) if code == "gdp_growth" else mine.get(code)
            cells.append("" if row is None else target_text(row))
        rows.append([label, *cells, counts.get(report_id, 0)])
    header = [
        "报告 report",
        *(f"{zh} {en}" for _, zh, en in TARGET_COLUMNS),
        "全部数量 quantities stated",
    ]
    return {
        "table": table("targets-table", header, rows, csv=TARGETS_CSV, total=len(regions)),
        "stated": sum(1 for report_id in regions if report_id in stated),
        "reports": len(regions),
    }


def finding_targets(targets, regions: Mapping[str, str], statement: Callable) -> list[dict]:
    """One statement: the GDP growth targets of the reports, from the lowest to the highest."""
    stated = targets_by_report(targets)
    growth = [
        (float(row["low"]), label, target_text(row))
        for report_id, label in regions.items()
        if (row := growth_target(stated.get(report_id, {}))) is not None
    ]
    if not growth:
        return [
            statement(
                "报告中没有找到经济增长的预期目标",
                "No report states a growth target the extractor reads",
                ("#targets", "预期目标 targets"),
                (TARGETS_CSV, TARGETS_CSV),
            )
        ]
    growth.sort()
    listed = "、".join(f"{label} {text}" for _, label, text in growth)
    zh = f"经济增长预期目标（{len(growth)}/{len(regions)} 份报告）：{listed}"
    en = f"Growth targets ({len(growth)} of {len(regions)} reports), lowest first: {listed}"
    return [statement(zh, en, ("#targets", "预期目标 targets"), (TARGETS_CSV, TARGETS_CSV))]


# --- change over the years (results/trends/) ---------------------------------------------------

CHANGES_CSV = "trends/term_changes.csv"
QUOTES_CSV = "trends/quotes.csv"
FIRST_SEEN_CSV = "trends/first_seen.csv"
CHANGE_TERMS = 6  # terms named per direction and region
RISES = ("new", "rising")
NO_CHANGE = "无显著变化 no significant change"
FALLS = ("falling", "gone")


def latest_pairs(reports: Sequence[Mapping]) -> dict[tuple[str, str], tuple[str, str]]:
    """Per region (parent, region) with reports of two or more years: the years of its two
    latest reports (gwr.trends' series, as the trends step pairs them)."""
    return {
        key: (rows[-2]["year"], rows[-1]["year"])
        for key, rows in with_series(series(reports)).items()
    }


def latest_changes(changes: Sequence[Mapping], reports: Sequence[Mapping]) -> dict:
    """Per region with two or more years: its latest pair of consecutive reports and that
    pair's largest rises (new, rising) and falls (falling, gone), by G² (none: no term changed
    significantly)."""
    found = {
        key: {"year_from": pair[0], "year_to": pair[1], "up": [], "down": []}
        for key, pair in latest_pairs(reports).items()
    }
    for row in sorted(changes, key=lambda r: (-float(r["g2"]), r["term"])):
        entry = found.get((row["parent"], row["region"]))
        if entry is None or row["year_to"] != entry["year_to"]:
            continue
        side = "up" if row["change"] in RISES else "down"
        if len(entry[side]) < CHANGE_TERMS:
            entry[side].append(row)
    return found


def change_text(row: Mapping) -> str:
    """`新质生产力 2→15`, or `十四五 新 new 0→12`."""
    mark = {"new": "（新 new）", "gone": "（消失 gone）"}.get(row["change"], "")
    return f"{row['term']} {row['count_from']}→{row['count_to']}{mark}"


def region_names(reports: Sequence[Mapping]) -> dict[tuple[str, str], str]:
    """{(parent, region): the region's name as the page shows it} (its reports' label without
    the year, which differs by report)."""
    names: dict[tuple[str, str], str] = {}
    for row in reports:
        label = row["label"]
        year = row["year"]
        if year and label.endswith(year):
            label = label[: -len(year)]
        names.setdefault((row["parent"], row["region"]), label)
    return names


def trends_section(changes, reports, table: Callable, quotes: Sequence[Mapping] = ()) -> dict:
    """The change section: per region with two or more years, what rose and fell most between
    its two latest reports, and those terms quoted in a sentence (trends/quotes.csv)."""
    names = region_names(reports)
    rows = []
    quoted = []
    latest = latest_changes(changes, reports)
    for key, entry in latest.items():
        mine = [
            [
                q["term"],
                f"{q['count_from']}→{q['count_to']}",
                q["label"],
                q["section"],
                q["sentence"],
            ]
            for q in quotes
            if (q["parent"], q["region"]) == key and q["year_to"] == entry["year_to"]
        ]
        if mine:
            name = names.get(key, key[1])
            quoted.append(
                {"region": name, "pair": f"{entry['year_from']}→{entry['year_to']}", "quotes": mine}
            )
    for key, entry in latest.items():
        rows.append(
            [
                names.get(key, key[1]),
                f"{entry['year_from']}→{entry['year_to']}",
                "、".join(change_text(r) for r in entry["up"]) or NO_CHANGE,
                "、".join(change_text(r) for r in entry["down"]) or NO_CHANGE,
            ]
        )
    header = [
        "地区 region",
        "年份 years",
        "上升最多 largest rises（次数 counts）",
        "下降最多 largest falls（次数 counts）",
    ]
    return {
        "table": table("trends-table", header, rows, csv=CHANGES_CSV, total=len(rows)),
        "regions": len(rows),
        "quoted": quoted,
        "quotes_csv": QUOTES_CSV,
        "first_seen_csv": FIRST_SEEN_CSV,
    }


def finding_trends(changes, reports, statement: Callable) -> list[dict]:
    """Per region with two or more years: what its latest report says more and less than the
    one before."""
    names = region_names(reports)
    found = []
    for key, entry in latest_changes(changes, reports).items():
        name = names.get(key, key[1])
        pair = f"{entry['year_from']}→{entry['year_to']}"
        if entry["up"] or entry["down"]:
            up = "、".join(r["term"] for r in entry["up"]) or "无 none"
            down = "、".join(r["term"] for r in entry["down"]) or "无 none"
            zh = f"{name} {pair}：用得更多的词 {up}；更少的 {down}"
            en = f"{name} {pair}: used more {up}; less {down} (G², p < trends.p_max)"
        else:
            zh = f"{name} {pair}：没有用词显著变化的词（p < trends.p_max）"
            en = (
                f"{name} {pair}: no term's use changed significantly (G², p < trends.p_max); "
                "two reports of a few thousand tokens each detect only large changes"
            )
        found.append(
            statement(
                zh,
                en,
                ("#trends", "逐年变化 change over the years"),
                (CHANGES_CSV, CHANGES_CSV),
            )
        )
    return found
