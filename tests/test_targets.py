"""Targets (gwr.targets): the quantities a report states — this year's targets, last year's
results — read from its paragraphs.

The unit tests give each numeric form, qualifier, unit and rule of the frame (target, achieved,
neither) a short sentence of the kind the reports write. The tests on real texts split the 31
provincial reports of 2025 and the 49 State Council reports of 1954–2022 (../shared/corpora: they
skip where it is absent) and compare the extraction with the targets read by hand into
tests/data/targets_provinces_2025.csv and tests/data/targets_national.csv (they skip while those
files are missing).
"""

import csv
import re
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import variants as v
import yaml
from conftest import ROOT, SHIPPED_CONFIG
from gwr.io import InputError
from gwr.split import Settings, paragraph_records, read_manifest, split_corpus
from gwr.targets import (
    ACHIEVED,
    OTHER,
    ROW_KEYS,
    TARGET,
    TARGET_COLUMNS,
    TargetSettings,
    chinese_number,
    extract,
    plain_number,
    read_indicators,
)

VOCABULARY = ROOT / "config" / "targets" / "indicators.yaml"
DATA = ROOT / "tests" / "data"
HAND_PROVINCES = DATA / "targets_provinces_2025.csv"
HAND_NATIONAL = DATA / "targets_national.csv"
# The start of the note of a hand-read row that is a five-year plan's average growth rate.
PLAN_AVERAGE_NOTE = "plan average"
SHARED_MISSING = v.shared_missing()
needs_shared = pytest.mark.skipif(SHARED_MISSING is not None, reason=SHARED_MISSING or "")

# The section `targets` of config/config.yaml; until the workflow has it, the defaults its schema
# is to give (the same values).
DEFAULTS = {
    "indicators": "config/targets/indicators.yaml",
    "target_parts": ["plans"],
    "achieved_parts": ["review"],
    "cued_parts": ["other", "opening"],
    "max_gap": 30,
    "keep_other": True,
    "keep_repeats": False,
}


@pytest.fixture(scope="module")
def vocabulary():
    return read_indicators(VOCABULARY)


def make_settings(vocabulary, **changes) -> TargetSettings:
    params = dict(SHIPPED_CONFIG.get("targets", DEFAULTS), indicators=vocabulary)
    params.update(changes)
    return TargetSettings.from_params(params)


@pytest.fixture(scope="module")
def settings(vocabulary):
    return make_settings(vocabulary)


def paragraphs(*texts, part="plans", section=()):
    """Paragraph records of one report: each text a body paragraph, or (part, text)."""
    records = []
    for index, item in enumerate(texts):
        item_part, text = item if isinstance(item, tuple) else (part, item)
        records.append(
            {
                "index": index,
                "part": item_part,
                "section": list(section),
                "heading": 0,
                "text": text,
            }
        )
    return records


def read(settings, *texts, part="plans", year=None, section=()):
    return extract(paragraphs(*texts, part=part, section=section), settings, year)


def brief(rows):
    """(indicator, kind, low, high, unit, qualifier) of each row."""
    return [
        (row["indicator"], row["kind"], row["low"], row["high"], row["unit"], row["qualifier"])
        for row in rows
    ]


def named(rows):
    return [row for row in rows if row["indicator"] != OTHER]


# --- Numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, printed",
    [(5, "5"), (5.5, "5.5"), (Decimal("5.0"), "5"), (Decimal("1387.40"), "1387.4"), (0.1, "0.1")]
    + [(Decimal("1E+2"), "100"), (Decimal("2.85"), "2.85")],
)
def test_numbers_are_printed_plainly(value, printed):
    assert plain_number(value) == printed


@pytest.mark.parametrize(
    "text, value",
    [
        ("五", "5"),
        ("五点五", "5.5"),
        ("十", "10"),
        ("十五", "15"),
        ("二十", "20"),
        ("三十二点六", "32.6"),
        ("一百一十", "110"),
        ("两千", "2000"),
        ("二千零五十", "2050"),
        ("一九五九", "1959"),
        ("二〇二四", "2024"),
        ("六十八万", "680000"),
        ("一千三百八十七亿四千万", "138740000000"),
        ("一万亿", "1000000000000"),
    ],
)
def test_chinese_numerals(text, value):
    assert chinese_number(text) == Decimal(value)


# --- Numeric forms, qualifiers, units ------------------------------------------------------------

LEAD = "今年经济社会发展的主要预期目标是："


@pytest.mark.parametrize(
    "clause, low, high, qualifier",
    [
        ("地区生产总值增长5.5%左右", "5.5", "5.5", "左右"),
        ("地区生产总值增长５．５％左右", "5.5", "5.5", "左右"),
        ("地区生产总值增长5.5％", "5.5", "5.5", ""),
        ("国内生产总值增长百分之五点五", "5.5", "5.5", ""),
        ("国内生产总值增长百分之八", "8", "8", ""),
        ("地区生产总值增长5.0%", "5", "5", ""),
        ("地区生产总值增长5-5.5%", "5", "5.5", ""),
        ("地区生产总值增长5%—5.5%", "5", "5.5", ""),
        ("地区生产总值增长5%-5.5%", "5", "5.5", ""),
        ("地区生产总值增长5～5.5%", "5", "5.5", ""),
        ("地区生产总值增长5%到5.5%", "5", "5.5", ""),
        ("国内生产总值增长6.5%－7%", "6.5", "7", ""),
        ("国内生产总值增长百分之五到百分之六", "5", "6", ""),
        ("经济增长速度定为百分之八至九", "8", "9", ""),
        ("地区生产总值增长5%以上", "5", "5", "以上"),
        ("地区生产总值增长5%以上，在实际工作中努力争取更好结果", "5", "5", "以上"),
        ("地区生产总值增长不低于5%", "5", "5", "以上"),
        ("地区生产总值增长高于5%", "5", "5", "以上"),
        ("地区生产总值增长约5%", "5", "5", "左右"),
        ("经济增长5.5%左右", "5.5", "5.5", "左右"),
        ("全省生产总值增长6%上下", "6", "6", "左右"),
        ("GDP增长5%", "5", "5", ""),
    ],
)
def test_forms_of_a_growth_target(settings, clause, low, high, qualifier):
    rows = read(settings, LEAD + clause + "。")
    assert brief(rows) == [("gdp_growth", TARGET, low, high, "%", qualifier)]


@pytest.mark.parametrize(
    "clause, indicator, low, unit, qualifier",
    [
        ("城镇调查失业率5.5%左右", "unemployment_rate", "5.5", "%", "左右"),
        ("城镇调查失业率控制在5.5%左右", "unemployment_rate", "5.5", "%", "左右"),
        ("城镇调查失业率控制在5%以内", "unemployment_rate", "5", "%", "以内"),
        ("城镇调查失业率不超过5.5%", "unemployment_rate", "5.5", "%", "以内"),
        ("城镇登记失业率低于4.6%", "registered_unemployment_rate", "4.6", "%", "以下"),
        ("城镇登记失业率控制在4.5%以下", "registered_unemployment_rate", "4.5", "%", "以下"),
        ("居民消费价格涨幅2%左右", "cpi", "2", "%", "左右"),
        ("居民消费价格指数涨幅控制在2%左右", "cpi", "2", "%", "左右"),
        ("居民消费价格上涨3%左右", "cpi", "3", "%", "左右"),
        ("城镇新增就业110万人以上", "new_urban_jobs", "110", "万人", "以上"),
        ("实现城镇新增就业不少于26万人", "new_urban_jobs", "26", "万人", "以上"),
        ("城镇新增就业六十八万人", "new_urban_jobs", "68", "万人", ""),
        ("一般公共预算收入增长4%左右", "fiscal_revenue_growth", "4", "%", "左右"),
        ("一般公共预算收入按增长5%安排", "fiscal_revenue_growth", "5", "%", ""),
        ("地方财政收入增长6%", "fiscal_revenue_growth", "6", "%", ""),
        ("固定资产投资增长5%左右", "fixed_investment_growth", "5", "%", "左右"),
        ("社会消费品零售总额增长5.5%左右", "retail_sales_growth", "5.5", "%", "左右"),
        ("粮食产量稳定在252亿斤以上", "grain_output", "252", "亿斤", "以上"),
        ("粮食总产量保持在110万吨以上", "grain_output", "110", "万吨", "以上"),
        ("粮食产量达到4550亿公斤以上", "grain_output", "4550", "亿公斤", "以上"),
        ("粮食产量保持在1.3万亿斤以上", "grain_output", "1.3", "万亿斤", "以上"),
        ("研究与试验发展经费投入强度2.85%左右", "rd_intensity", "2.85", "%", "左右"),
        ("全社会研发投入强度达3.35%左右", "rd_intensity", "3.35", "%", "左右"),
        ("研发经费支出占地区生产总值比重达到2.5%", "rd_intensity", "2.5", "%", ""),
        ("国民生产总值增长百分之六", "gnp_growth", "6", "%", ""),
        ("工农业总产值增长百分之四", "gross_output_growth", "4", "%", ""),
        ("单位地区生产总值能耗降低3%左右", "energy_intensity", "3", "%", "左右"),
        ("规模以上工业增加值增长7%左右", "industrial_value_added_growth", "7", "%", "左右"),
        ("进出口总额增长5.5%左右", "trade_growth", "5.5", "%", "左右"),
    ],
)
def test_forms_of_other_named_targets(settings, clause, indicator, low, unit, qualifier):
    rows = read(settings, LEAD + clause + "。")
    assert brief(rows) == [(indicator, TARGET, low, low, unit, qualifier)]


def test_a_list_of_targets_separated_by_commas_and_semicolons(settings):
    text = (
        LEAD + "地区生产总值增长5.5%以上，在实际工作中争取更好结果；全员劳动生产率16.8万元/人"
        "左右，城镇调查失业率5.5%左右，城镇新增就业68万人左右，居民收入增长与经济增长同步，"
        "粮食产量和粮食播种面积完成国家下达目标任务。"
    )
    rows = read(settings, text)
    assert brief(rows) == [
        ("gdp_growth", TARGET, "5.5", "5.5", "%", "以上"),
        (OTHER, TARGET, "16.8", "16.8", "万元/人", "左右"),
        ("unemployment_rate", TARGET, "5.5", "5.5", "%", "左右"),
        ("new_urban_jobs", TARGET, "68", "68", "万人", "左右"),
    ]
    # The clause from the name to the figure, verbatim; no lead, no hope added.
    assert [row["sentence"] for row in rows] == [
        "地区生产总值增长5.5%以上",
        "全员劳动生产率16.8万元/人左右",
        "城镇调查失业率5.5%左右",
        "城镇新增就业68万人左右",
    ]
    assert {row["index"] for row in rows} == {0}


def test_a_target_without_a_number_gives_no_row(settings):
    # 与经济增长同步 names 经济增长 but states no figure; nor does 保持稳定.
    rows = read(settings, LEAD + "居民收入增长与经济增长同步，粮食产量保持稳定。")
    assert rows == []


def test_figures_after_respectively_are_paired_with_the_names_and_share_a_qualifier(settings):
    rows = read(settings, LEAD + "城镇调查失业率、居民消费价格涨幅分别控制在5%和3%以内。")
    assert brief(rows) == [
        ("unemployment_rate", TARGET, "5", "5", "%", "以内"),
        ("cpi", TARGET, "3", "3", "%", "以内"),
    ]
    assert {row["sentence"] for row in rows} == {
        "城镇调查失业率、居民消费价格涨幅分别控制在5%和3%以内"
    }
    # Without named indicators they are `other`, each with the shared qualifier.
    rows = read(settings, LEAD + "城镇、农村居民人均可支配收入分别增长5%、6.5%左右。")
    assert brief(rows) == [
        (OTHER, TARGET, "5", "5", "%", "左右"),
        (OTHER, TARGET, "6.5", "6.5", "%", "左右"),
    ]
    assert rows[0]["sentence"] == "城镇、农村居民人均可支配收入分别增长5%、6.5%左右"


def test_a_second_figure_of_one_name_is_an_aspiration(settings):
    rows = read(settings, LEAD + "地区生产总值增长7%以上、力争达到8%，固定资产投资增长10%。")
    assert brief(rows) == [
        ("gdp_growth", TARGET, "7", "7", "%", "以上"),
        ("fixed_investment_growth", TARGET, "10", "10", "%", ""),
    ]


def test_a_figure_before_of_and_a_name(settings):
    rows = read(settings, "提出8%左右的国内生产总值增长目标，是综合考虑的结果。")
    assert brief(rows) == [("gdp_growth", TARGET, "8", "8", "%", "左右")]


@pytest.mark.parametrize(
    "text",
    [
        "人均地区生产总值增长6%。",  # per head: a blocker
        "服务业增加值占地区生产总值比重提高到50%。",
        "地区生产总值达到5.3万亿元。",  # a level: no 增长
        "消费对经济增长的贡献率达到60%。",
        "地区生产总值增长较快，工业投资增长10%。",  # the name is another clause's
    ],
)
def test_words_that_are_not_the_growth_rate(settings, text):
    assert [row for row in read(settings, text) if row["indicator"] == "gdp_growth"] == []


def test_a_level_then_its_growth(settings):
    text = "国内生产总值达到13.65万亿元，比上年增长9.5%；全省地区生产总值57761亿元、增长5.5%。"
    rows = read(settings, text, part="review")
    assert brief(rows) == [
        ("gdp_growth", ACHIEVED, "9.5", "9.5", "%", ""),
        ("gdp_growth", ACHIEVED, "5.5", "5.5", "%", ""),
    ]
    assert rows[0]["sentence"] == "国内生产总值达到13.65万亿元，比上年增长9.5%"
    text = "国内生产总值达到43800亿元，按可比价格计算，比上年增长百分之十一点八。"
    assert brief(read(settings, text, part="review")) == [
        ("gdp_growth", ACHIEVED, "11.8", "11.8", "%", "")
    ]


def test_the_base_of_a_change_is_not_the_figure(settings):
    rows = read(settings, "全社会研发投入强度由2.4%提高到2.6%。", part="review")
    assert brief(rows) == [("rd_intensity", ACHIEVED, "2.6", "2.6", "%", "")]
    rows = read(
        settings,
        "一九五九年的工农业总产值将比一九五八年的二千零五十亿元增长百分之四十。",
        year=1959,
    )
    assert brief(rows) == [("gross_output_growth", TARGET, "40", "40", "%", "")]


def test_chinese_numerals_with_magnitudes(settings):
    text = LEAD + "社会商品零售总额二千零五十亿元，粮食产量七千二百亿斤到七千五百亿斤。"
    assert brief(read(settings, text)) == [
        (OTHER, TARGET, "2050", "2050", "亿元", ""),
        ("grain_output", TARGET, "7200", "7500", "亿斤", ""),
    ]


def test_numbers_spaced_or_written_with_a_middle_dot(settings):
    rows = read(
        settings, "全社会固定资产投资增长14·1%，粮食产量达到4 9 2 5 0 万吨。", part="review"
    )
    assert brief(rows) == [
        ("fixed_investment_growth", ACHIEVED, "14.1", "14.1", "%", ""),
        ("grain_output", ACHIEVED, "49250", "49250", "万吨", ""),
    ]


# --- Target or achieved ------------------------------------------------------------------------


def test_the_part_sets_the_kind(settings):
    text = "地区生产总值增长5.8%，城镇调查失业率5.2%。"
    assert {row["kind"] for row in read(settings, text, part="plans")} == {TARGET}
    assert {row["kind"] for row in read(settings, text, part="review")} == {ACHIEVED}
    for part in ("government", "closing", "appendix"):
        assert read(settings, text, part=part) == []


def test_other_parts_are_read_by_their_cues(settings):
    assert read(settings, "国民生产总值增长百分之七。", part="other") == []
    assert brief(read(settings, "今年国民生产总值计划增长百分之八。", part="other")) == [
        ("gnp_growth", TARGET, "8", "8", "%", "")
    ]
    assert brief(read(settings, "计划国民生产总值增长百分之八。", part="other")) == [
        ("gnp_growth", TARGET, "8", "8", "%", "")
    ]
    assert brief(read(settings, "去年国民生产总值增长百分之七。", part="other")) == [
        ("gnp_growth", ACHIEVED, "7", "7", "%", "")
    ]
    # Years named, given the report's year.
    text = "一九八一年工农业总产值增长百分之四点六；一九八二年工农业总产值增长百分之四。"
    assert brief(read(settings, text, part="other", year=1982)) == [
        ("gross_output_growth", ACHIEVED, "4.6", "4.6", "%", ""),
        ("gross_output_growth", TARGET, "4", "4", "%", ""),
    ]
    assert read(settings, text, part="other") == []


def test_last_year_in_the_plans_and_this_year_in_the_review(settings):
    text = "过去一年，我们的各项工作取得了很大成绩。国内生产总值增长10.3%。"
    assert brief(read(settings, text, part="plans")) == [
        ("gdp_growth", ACHIEVED, "10.3", "10.3", "%", "")
    ]
    # 比上年 and 比今年 are comparisons, no cue; 去年 holds to its sentence's end only.
    text = "去年居民消费价格涨幅回落到2.6%。把居民消费价格涨幅控制在3.5%左右，是必要的。"
    assert brief(read(settings, text, part="plans")) == [
        ("cpi", ACHIEVED, "2.6", "2.6", "%", ""),
        ("cpi", TARGET, "3.5", "3.5", "%", "左右"),
    ]
    text = "今年地区生产总值比上年增长6%左右。"
    assert brief(read(settings, text, part="review")) == [
        ("gdp_growth", TARGET, "6", "6", "%", "左右")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "今后五年，我国经济增长预期目标是年均增长7%。",
        "五年来，国内生产总值年均增长9.3%。",
        "“十四五”时期，国内生产总值增长6%以上。",
        "五年城镇新增就业4500万人。",
        "2005年与2000年相比，国内生产总值增长57.3%。",
        "今年上半年，工业总产值比去年同期增长13.6%。",
        "粮食产量连续9年稳定在1.3万亿斤以上。",
        "1957年的农业总产值比1952年将增长26%。",
    ],
)
def test_figures_of_several_years_or_part_of_one_give_no_row(settings, text):
    assert read(settings, text, part="plans", year=2006) == []
    assert read(settings, text, part="review", year=2006) == []


def test_a_comparison_over_years_is_no_frame(settings):
    text = "1986年同1978年相比，国民生产总值由3480亿元增加到9380亿元，按可比价格计算增长102%。"
    assert read(settings, text, part="plans", year=1987) == []
    # The year before last as the base of last year's results is an annual change.
    text = "在1992年快速增长的基础上，1993年国内生产总值比上年增长百分之十三点四。"
    assert brief(read(settings, text, part="review", year=1994)) == [
        ("gdp_growth", ACHIEVED, "13.4", "13.4", "%", "")
    ]


def test_a_heading_of_several_years_frames_its_paragraphs(settings):
    text = "城镇新增就业5000万人以上。"
    section = ["二、“十三五”时期主要目标任务和重大举措"]
    assert read(settings, text, section=section, year=2016) == []
    section = ["一、2024年工作回顾"]
    assert brief(read(settings, text, part="plans", section=section, year=2025)) == [
        ("new_urban_jobs", ACHIEVED, "5000", "5000", "万人", "以上")
    ]


def test_last_years_target_in_the_review_is_no_result(settings):
    text = "国内生产总值比上年增长7.8%，虽然略低于8%的预定目标，但来之不易。"
    assert brief(read(settings, text, part="review")) == [
        ("gdp_growth", ACHIEVED, "7.8", "7.8", "%", "")
    ]
    text = "全国没有实现年初确定的单位国内生产总值能耗降低4%左右的目标。"
    assert read(settings, text, part="review") == []


def test_a_lead_paragraph_passes_its_frame_and_statement_to_the_next(settings):
    rows = read(
        settings,
        ("other", "今年国民经济和社会发展的主要预期目标是："),
        ("other", "国内生产总值增长8%左右；城镇新增就业900万人以上；全员劳动生产率增长6%。"),
    )
    assert brief(rows) == [
        ("gdp_growth", TARGET, "8", "8", "%", "左右"),
        ("new_urban_jobs", TARGET, "900", "900", "万人", "以上"),
        (OTHER, TARGET, "6", "6", "%", ""),
    ]
    assert {row["index"] for row in rows} == {1}


def test_other_quantities_only_in_target_statements(settings, vocabulary):
    budget = "今年拟安排新增专项债券4.4万亿元，赤字率拟按3%左右安排。"
    assert read(settings, budget) == []
    text = LEAD + "常住人口城镇化率达到58%左右。"
    assert brief(read(settings, text)) == [(OTHER, TARGET, "58", "58", "%", "左右")]
    assert read(make_settings(vocabulary, keep_other=False), text) == []


def test_repeats_are_dropped_unless_kept(settings, vocabulary):
    texts = (
        LEAD + "国内生产总值增长8%左右。",
        "这里要着重说明，提出国内生产总值增长8%左右，是必要的。",
    )
    assert [row["index"] for row in read(settings, *texts)] == [0]
    kept = make_settings(vocabulary, keep_repeats=True)
    assert [row["index"] for row in read(kept, *texts)] == [0, 1]


def test_max_gap(settings, vocabulary):
    text = "地区生产总值在稳住基本盘和保持合理区间、推动高质量发展取得新成效的基础上努力增长5%。"
    assert brief(read(settings, text)) == []  # 34 characters between name and number
    wide = make_settings(vocabulary, max_gap=34)
    assert brief(read(wide, text)) == [("gdp_growth", TARGET, "5", "5", "%", "")]


def test_rows_come_in_the_order_of_the_text_with_the_keys(settings):
    rows = read(settings, "城镇新增就业50万人。", LEAD + "地区生产总值增长5%，城镇调查失业率5.5%。")
    assert [(row["index"], row["indicator"]) for row in rows] == [
        (0, "new_urban_jobs"),
        (1, "gdp_growth"),
        (1, "unemployment_rate"),
    ]
    assert all(list(row) == ROW_KEYS for row in rows)
    assert TARGET_COLUMNS == [
        "report_id",
        "label",
        "region",
        "year",
        "indicator",
        "kind",
        "low",
        "high",
        "unit",
        "qualifier",
        "sentence",
        "index",
    ]
    assert TARGET_COLUMNS[4:] == ROW_KEYS


def test_headings_give_no_row(settings):
    records = paragraphs("三、2025年经济增长5%左右的主要任务")
    records[0]["heading"] = 1
    assert extract(records, settings, 2025) == []


# --- Settings and vocabulary -------------------------------------------------------------------


def test_settings_take_every_key_from_the_params(vocabulary):
    params = dict(DEFAULTS, indicators=str(VOCABULARY))
    settings = TargetSettings.from_params(params)
    assert settings.max_gap == DEFAULTS["max_gap"]
    assert settings.target_parts == ("plans",)
    assert {item.code for item in settings.indicators.indicators} >= {
        "gdp_growth",
        "unemployment_rate",
        "registered_unemployment_rate",
        "cpi",
        "new_urban_jobs",
        "fiscal_revenue_growth",
        "fixed_investment_growth",
        "retail_sales_growth",
        "grain_output",
        "rd_intensity",
        "gnp_growth",
        "gross_output_growth",
    }
    for key in DEFAULTS:
        with pytest.raises(KeyError):
            TargetSettings.from_params({k: value for k, value in params.items() if k != key})
    with pytest.raises(InputError, match="two frames"):
        TargetSettings.from_params(dict(params, cued_parts=["other", "plans"]))


def test_the_shipped_config_matches_the_defaults():
    if "targets" not in SHIPPED_CONFIG:
        pytest.skip("config/config.yaml has no section `targets` yet (the rule is not wired)")
    assert set(SHIPPED_CONFIG["targets"]) == set(DEFAULTS)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["indicators"][0].update(names=["地区生产总值("]), "does not compile"),
        (lambda d: d["indicators"][0].update(kinds=["forecast"]), "kinds are"),
        (lambda d: d["indicators"][0].pop("units"), "missing"),
        (lambda d: d["indicators"][0].update(colour="red"), "unknown"),
        (lambda d: d["indicators"][1].update(code=d["indicators"][0]["code"]), "twice"),
        (lambda d: d["indicators"][0].update(code=OTHER), "lower-case"),
        (lambda d: d["indicators"][0].update(units=["亿头"]), "not in `units`"),
        (lambda d: d["qualifiers"].pop("以内"), "以内"),
        (lambda d: d["cues"].pop("past"), "past"),
        (lambda d: d.pop("units"), "units"),
    ],
)
def test_a_bad_vocabulary_stops_naming_what(tmp_path, change, message):
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        read_indicators(path)


# --- Real texts --------------------------------------------------------------------------------


def split_reports(files, manifest=None):
    """{file name: (paragraph records, year)} of the reports of `files`."""
    split_settings = Settings.from_params(SHIPPED_CONFIG["split"])
    corpus = split_corpus([str(path) for path in files], split_settings, manifest)
    return {
        Path(report.source_file).name: (paragraph_records(report), report.header.year)
        for report in corpus.reports
    }


@pytest.fixture(scope="module")
def provinces(settings):
    if SHARED_MISSING:
        pytest.skip(SHARED_MISSING)
    reports = split_reports(sorted(v.PROVINCES_DIR.glob("*.txt")))
    return {name: extract(records, settings, year) for name, (records, year) in reports.items()}


@pytest.fixture(scope="module")
def national(settings):
    if SHARED_MISSING:
        pytest.skip(SHARED_MISSING)
    manifest = read_manifest(str(v.NATIONAL_DIR / "manifest.csv"))
    reports = split_reports(v.national_files(), manifest)
    return {name: extract(records, settings, year) for name, (records, year) in reports.items()}


def read_hand(path: Path) -> list[dict]:
    if not path.exists():
        pytest.skip(f"{path.relative_to(ROOT)} (the targets read by hand) is not there yet")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def same_text(text: str) -> str:
    """Text compared whatever its width and spacing: the hand-read sentences quote the raw
    files (５．５％), the corpus has them normalised (NFKC) by the split."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text))


def is_plan_average(row: dict) -> bool:
    """A hand-read row that is a five-year plan's average rate, recorded where a report states
    no target for its year (its note says so): not this year's target, never kind target."""
    return row.get("note", "").startswith(PLAN_AVERAGE_NOTE)


def compare_with_hand(extracted: dict[str, list[dict]], hand: list[dict]) -> list[str]:
    """What differs between the extraction and the hand-read targets: for each file, each stated
    target (indicator, low, high, qualifier; unit where given) found once among the rows of kind
    target, its hand-read sentence inside the row's; no other row of those indicators; a file
    with none yields none. Rows read by hand without a number (`low` empty) state no figure;
    a plan's average (`is_plan_average`) must not be among the targets."""
    indicators = {row["indicator"] for row in hand}
    problems = []
    by_file: dict[str, list[dict]] = {}
    for row in hand:
        if not is_plan_average(row):
            by_file.setdefault(Path(row["file"]).name, []).append(row)
    unknown = sorted(set(by_file) - set(extracted))
    problems += [f"{name}: no such report" for name in unknown]
    for name, rows in sorted(extracted.items()):
        found = [row for row in rows if row["kind"] == TARGET and row["indicator"] in indicators]
        left = list(found)
        for expected in by_file.get(name, []):
            if not expected["low"].strip():
                continue
            key = (
                expected["indicator"],
                plain_number(Decimal(expected["low"])),
                plain_number(Decimal(expected["high"] or expected["low"])),
                expected["qualifier"].strip(),
            )
            match = next(
                (
                    row
                    for row in left
                    if (row["indicator"], row["low"], row["high"], row["qualifier"]) == key
                    and (not expected.get("unit") or expected["unit"] == row["unit"])
                ),
                None,
            )
            if match is None:
                problems.append(f"{name}: missing {key} ({expected['sentence']})")
                continue
            left.remove(match)
            if same_text(expected["sentence"]) not in same_text(match["sentence"]):
                problems.append(
                    f"{name}: {key}: sentence {match['sentence']!r} does not hold "
                    f"{expected['sentence']!r}"
                )
        problems += [
            f"{name}: extra {row['indicator']} {row['low']}-{row['high']} {row['qualifier']} "
            f"({row['sentence']})"
            for row in left
        ]
    return problems


@needs_shared
def test_the_provincial_targets_read_by_hand(provinces):
    hand = read_hand(HAND_PROVINCES)
    problems = compare_with_hand(provinces, hand)
    assert problems == []


@needs_shared
def test_the_national_targets_read_by_hand(national):
    hand = read_hand(HAND_NATIONAL)
    problems = compare_with_hand(national, hand)
    assert problems == []


@needs_shared
def test_every_province_states_its_growth_target_once(provinces):
    """Each provincial report of 2025 states one growth target for 2025 (a figure between 4 and
    8 per cent), and last year's growth in the review, no more."""
    assert len(provinces) == 31
    for name, rows in provinces.items():
        targets = [row for row in rows if (row["indicator"], row["kind"]) == ("gdp_growth", TARGET)]
        assert len(targets) == 1, (name, targets)
        assert 4 <= float(targets[0]["low"]) <= float(targets[0]["high"]) <= 8, name
        achieved = [
            row for row in rows if (row["indicator"], row["kind"]) == ("gdp_growth", ACHIEVED)
        ]
        assert len(achieved) <= 1, (name, achieved)


@needs_shared
def test_rows_of_real_texts_are_well_formed(provinces, national, vocabulary):
    qualifiers = {"", "左右", "以上", "以内", "以下"}
    codes = {item.code for item in vocabulary.indicators} | {OTHER}
    for name, rows in {**provinces, **national}.items():
        for row in rows:
            assert row["indicator"] in codes and row["kind"] in (TARGET, ACHIEVED), (name, row)
            assert Decimal(row["low"]) <= Decimal(row["high"]), (name, row)
            assert row["qualifier"] in qualifiers, (name, row)
            assert row["sentence"] and row["unit"], (name, row)
            if row["indicator"] == OTHER:
                assert row["kind"] == TARGET, (name, row)
    kinds = Counter(row["kind"] for rows in provinces.values() for row in rows)
    assert kinds[TARGET] > 0 and kinds[ACHIEVED] > 0


@needs_shared
def test_the_national_growth_targets_since_2005(national):
    """The State Council's reports since 2005 state this year's growth of GDP in their targets
    (2016 and 2019 as a range); 2020 is missing from the corpus, 2021 states 6%以上."""
    for name, rows in national.items():
        year = int(re.search(r"(\d{4})", name).group(1))
        targets = [row for row in rows if (row["indicator"], row["kind"]) == ("gdp_growth", TARGET)]
        if year >= 2005:
            assert len(targets) == 1, (name, targets)
    by_year = {
        int(re.search(r"(\d{4})", name).group(1)): [
            (row["low"], row["high"], row["qualifier"])
            for row in rows
            if (row["indicator"], row["kind"]) == ("gdp_growth", TARGET)
        ]
        for name, rows in national.items()
    }
    assert by_year[2016] == [("6.5", "7", "")]
    assert by_year[2019] == [("6", "6.5", "")]
    assert by_year[2021] == [("6", "6", "以上")]
