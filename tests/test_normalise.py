"""Unit tests of the splitter's building blocks: normalisation, dates, regions, speakers, ids."""

import re

import pytest
from gwr.header import find_speaker, parse_date, parse_header
from gwr.regions import place_names, region_level, region_units, report_id, report_labels, slug
from gwr.text import normalise_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("各位代表:", "各位代表："),
        ("(一)持续提升首都功能,推动发展", "（一）持续提升首都功能，推动发展"),
        ("新增1,000个;共2,345.5亿元!", "新增1,000个；共2,345.5亿元！"),
        ("2024-12-25 07:03:52 125", "2024-12-25 07:03:52 125"),
        ("政 府 工 作 报 告", "政府工作报告"),
        ("\u3000\u3000现在，我代表", "现在，我代表"),
        ("增长１２．５％，“人工智能＋”", "增长12.5%，“人工智能+”"),
        ("----2025年1月15日", "——2025年1月15日"),
        ("区长\u00a0\u00a0周金星\u200b", "区长 周金星"),
        ("\u00a0", ""),
        ("马连道·茶·中国数据街", "马连道·茶·中国数据街"),
    ],
)
def test_normalise_line(raw, expected):
    assert normalise_line(raw) == expected


def test_normalising_twice_changes_nothing():
    for raw in ("(一)a,b:c", "政 府 工 作 报 告", "１２％,07:03"):
        once = normalise_line(raw)
        assert normalise_line(once) == once


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("二〇二四年一月二十一日在北京市", "2024-01-21"),
        ("——2024年1月9日在北京市东城区", "2024-01-09"),
        ("2025年12月30日", "2025-12-30"),
        ("二〇二三年十二月十日", "2023-12-10"),
        ("没有日期", None),
        ("2024年13月1日", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("name", "units", "level"),
    [
        ("北京市东城区", ["北京市", "东城区"], "district"),
        ("北京市", ["北京市"], "province"),
        ("内蒙古自治区", ["内蒙古自治区"], "province"),
        ("浙江省杭州市", ["浙江省", "杭州市"], "city"),
        ("上海市浦东新区", ["上海市", "浦东新区"], "district"),
        ("湖北省恩施土家族苗族自治州", ["湖北省", "恩施土家族苗族自治州"], "city"),
        ("全国", ["全国"], "country"),
    ],
)
def test_region_units_and_level(name, units, level):
    assert region_units(name) == units
    assert region_level(units[-1]) == level


@pytest.mark.parametrize(
    ("header", "speaker", "region"),
    [
        (["北京市东城区人民政府区长  周金星"], "区长 周金星", "北京市东城区"),
        (["北京市市长 殷勇"], "市长 殷勇", "北京市"),
        (
            ["——2025年1月14日海南省省长 刘小明在海南省第七届人民代表大会第四次会议上的讲话"],
            "省长 刘小明",
            "海南省",
        ),
        (
            ["——2025年1月15日龚正市长在上海市第十六届人民代表大会第三次会议的政府工作报告"],
            "市长 龚正",
            "",
        ),
        (
            ["2025年1月14日在湖南省第十四届人民代表大会第三次会议上省长毛伟明作政府工作报告。"],
            "省长 毛伟明",
            "",
        ),
        (["自治区主席 艾尔肯·吐尼亚孜"], "主席 艾尔肯·吐尼亚孜", ""),
        (["代省长 罗东川"], "代省长 罗东川", ""),
        (["来源：广西日报"], "", ""),
    ],
)
def test_find_speaker(header, speaker, region):
    found_speaker, found_region = find_speaker(header)
    assert found_speaker == speaker
    if region:
        assert found_region == region


def test_parse_header_of_a_national_report():
    header = parse_header(
        "政府工作报告",
        ["——2024年3月5日在第十四届全国人民代表大会第二次会议上", "国务院总理 李强"],
    )
    assert (header.region, header.level, header.year, header.speaker) == (
        "全国",
        "country",
        2024,
        "总理 李强",
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("东城区", "dongcheng"),
        ("北京市", "beijing"),
        ("广西壮族自治区", "guangxi"),
        ("新疆维吾尔自治区", "xinjiang"),
        ("内蒙古自治区", "neimenggu"),
        ("陕西省", "shaanxi"),
        ("山西省", "shanxi"),
        ("石景山区", "shijingshan"),
    ],
)
def test_slug(name, expected):
    assert slug(name) == expected


@pytest.mark.parametrize(
    "region", ["../../etc/passwd区", "a/b;rm -rf ~区", "东城区$(reboot)", "{report_id}", "", "…"]
)
def test_report_ids_of_hostile_names_are_safe(region):
    identifier = report_id(region, "北京市", 2024)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", identifier), identifier
    assert identifier.startswith("beijing-") and identifier.endswith("-2024")


def row(report_id, region, parent="", year=2024):
    return {"report_id": report_id, "region": region, "parent": parent, "year": year}


def test_labels_are_the_shortest_unique_form():
    # TABLES.md: the region alone when unique ...
    assert report_labels([row("a", "东城区", "北京市"), row("b", "西城区", "北京市")]) == [
        "东城区",
        "西城区",
    ]
    # ... with the year when a region has several years ...
    rows = [row("a", "北京市", year=2024), row("b", "北京市", year=2025), row("c", "上海市")]
    assert report_labels(rows) == ["北京市2024", "北京市2025", "上海市"]
    # ... with the parent when two regions share a name, and both where both are needed.
    rows = [
        row("a", "鼓楼区", "南京市"),
        row("b", "鼓楼区", "福州市"),
        row("c", "鼓楼区", "福州市", 2025),
    ]
    assert report_labels(rows) == ["南京市鼓楼区", "福州市鼓楼区2024", "福州市鼓楼区2025"]


def test_place_names_know_every_suffix():
    names = place_names(
        [row("a", "鄂托克旗", "鄂尔多斯市"), row("b", "鄂伦春自治旗", "呼伦贝尔市")]
    )
    assert {"鄂托克", "鄂尔多斯", "鄂尔多斯市", "鄂伦春", "呼伦贝尔"} <= names
