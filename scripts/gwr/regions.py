"""Regions: administrative units of a name, levels, ASCII slugs and ids, display labels, and the
place names of a corpus.

One home for the rules about region names that the split, segmentation and every table use: the
suffixes of administrative units (省, 自治区, 自治旗 …), the level of a region, its report id, and
its display label (`label` in reports.csv, computed once at the split as ../shared/TABLES.md
defines it, then copied by every table, figure and the page).
"""

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Suffixes of administrative units, longest first (a name ends in one of them).
SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
)
_UNIT = re.compile(".+?(?:" + "|".join(SUFFIXES) + ")")
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
NATIONAL_REGION = "全国"
# 广西壮族自治区 -> 广西, 新疆维吾尔自治区 -> 新疆, 恩施土家族苗族自治州 -> 恩施.
_ETHNIC_AUTONOMY = re.compile(
    rf"^(?P<place>[{CJK}]{{2,}}?)(?:[{CJK}]{{1,6}}族|维吾尔)+自治[区州县旗]$"
)
# Official romanisations that plain pinyin gets wrong or makes ambiguous (陕西 vs 山西).
_SLUG_OVERRIDES = {"陕西": "shaanxi", "内蒙古": "neimenggu"}


def region_units(name: str) -> list[str]:
    """Split a full region name into administrative units: 北京市东城区 -> [北京市, 东城区]."""
    units = _UNIT.findall(name)
    if not units or "".join(units) != name:
        return [name]
    return units


def is_region_name(name: str) -> bool:
    """Whether `name` is a full region name (北京市东城区), not a bare 自治区 or a phrase."""
    if name == NATIONAL_REGION:
        return True
    units = _UNIT.findall(name)
    return (
        bool(units)
        and "".join(units) == name
        and all(len(unit) >= 2 for unit in units)
        and units[0] not in ("自治区", "自治州", "自治县")
        and not any(word in name for word in ("人民", "代表", "会议", "政府"))
    )


def region_level(region: str) -> str:
    """Administrative level: country / province / city / district (see README)."""
    if region == NATIONAL_REGION:
        return "country"
    if region in _MUNICIPALITIES or region.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if region.endswith(("市", "自治州", "盟")):
        return "city"
    return "district"


def strip_suffix(name: str) -> str:
    """The name without its last unit suffix (广西壮族自治区 -> 广西壮族); else the name."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def short_name(name: str) -> str:
    """The name without its unit suffix: 东城区 -> 东城, 广西壮族自治区 -> 广西; else the name."""
    autonomy = _ETHNIC_AUTONOMY.match(name)
    return autonomy.group("place") if autonomy else strip_suffix(name)


def slug(name: str) -> str:
    """ASCII slug of a region name: 东城区 -> dongcheng, 广西壮族自治区 -> guangxi."""
    from pypinyin import lazy_pinyin

    name = short_name(name)
    text = _SLUG_OVERRIDES.get(name) or "".join(lazy_pinyin(name, errors="default"))
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def report_id(region: str, parent: str, year: int | None) -> str:
    """Short, stable ASCII id, safe as a file name and a Snakemake wildcard."""
    parts = [slug(parent)] if parent else []
    parts.append(slug(region) or "r" + hashlib.sha1(region.encode()).hexdigest()[:8])
    parts.append(str(year) if year else "nd")
    return "-".join(part for part in parts if part)


def place_names(reports: Iterable[Mapping]) -> set[str]:
    """Names of the corpus's regions and their parents, with and without their suffix."""
    names: set[str] = set()
    for report in reports:
        for name in (report["region"], report.get("parent", "")):
            if name:
                names.update((name, short_name(name), strip_suffix(name)))
    return names


def report_labels(rows: Sequence[Mapping]) -> list[str]:
    """Each report's display label, as ../shared/TABLES.md defines it: the shortest form unique
    in the corpus. The region alone (东城区) when unique; with the parent (北京市东城区) when two
    regions share a name; with the year (北京市2024) when a region has several years; both where
    both are needed; the report id appended as a last resort (two reports of one region and year
    cannot reach here: the split refuses them).
    """

    def full(row) -> str:
        return f"{row.get('parent', '')}{row['region']}"

    names_by_region = Counter()
    for name in {(row["region"], full(row)) for row in rows}:
        names_by_region[name[0]] += 1
    years_by_name = Counter(full(row) for row in rows)
    labels = []
    for row in rows:
        label = full(row) if names_by_region[row["region"]] > 1 else row["region"]
        if years_by_name[full(row)] > 1:
            label += str(row.get("year", ""))
        labels.append(label)
    repeated = Counter(labels)
    return [
        f"{label} ({row['report_id']})" if repeated[label] > 1 else label
        for label, row in zip(labels, rows, strict=True)
    ]
