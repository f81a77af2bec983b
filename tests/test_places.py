"""The gazetteer of administrative divisions (gwr.places, config/places/): what it holds, the short
forms of the divisions' names, the rule that keeps ordinary words out, and what it names and misses
in the 31 provincial reports of 2025, checked against a second source (jieba's place tag `ns`)."""

import csv
import importlib.util
import re

import pytest
from conftest import ROOT
from gwr import places

PLACES = ROOT / "config" / "places"
# The ordinary words the issue names: short forms of divisions that must not be taken for places.
ORDINARY = ("振兴", "中原", "平安", "富民", "安居", "新兴", "和平", "共和", "新城", "江南", "东方")


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"places_{name}", PLACES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gazetteer():
    return places.load_gazetteer()


@pytest.fixture(scope="module")
def rule():
    return places.RuleSettings.project_defaults()


@pytest.fixture(scope="module")
def decided(gazetteer, rule):
    return places.place_terms(gazetteer, rule)


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# The gazetteer ---------------------------------------------------------------------------------


def test_levels_counts_and_parents(gazetteer):
    counts = gazetteer.level_counts()
    # 31 on the mainland, and 台湾 香港 澳门; about 333 prefectures; about 2,800 counties.
    assert 31 <= counts["province"] <= 34
    assert 325 <= counts["prefecture"] <= 340
    assert 2_750 <= counts["county"] <= 2_950
    codes = [d.code for d in gazetteer.divisions]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"\d{6}", c) for c in codes)
    rank = {level: i for i, level in enumerate(places.LEVELS)}
    for division in gazetteer.divisions:
        if division.level == "province":
            assert division.parent_code == ""
            continue
        parent = gazetteer.division(division.parent_code)
        assert rank[parent.level] < rank[division.level]
        assert parent.code[:2] == division.code[:2]
    # Governed directly by the province; a district of a municipality.
    assert gazetteer.by_name("仙桃市")[0].parent_code == "420000"
    assert gazetteer.by_name("东城区")[0].parent_code == "110000"
    assert gazetteer.by_name("蜀山区")[0].parent_code == "340100"


def test_build_rederives_the_shipped_table(tmp_path):
    build = load_script("build")
    shipped = read_rows(PLACES / "divisions.csv")
    assert build.divisions_table([(r["code"], r["name"]) for r in shipped]) == shipped
    # From a source file, as the README's command runs it.
    source = tmp_path / "2024.txt"
    source.write_text(
        "420000 湖北省\n420100 武汉市\n420102 江岸区\n429004 仙桃市\n", encoding="utf-8"
    )
    groups = tmp_path / "groups.csv"
    groups.write_text("壮族\n苗族\n", encoding="utf-8")
    build.main([str(source), str(groups), "--out", str(tmp_path)])
    rows = read_rows(tmp_path / "divisions.csv")
    assert [(r["name"], r["level"], r["parent_code"]) for r in rows] == [
        ("湖北省", "province", ""),
        ("武汉市", "prefecture", "420000"),
        ("江岸区", "county", "420100"),
        ("仙桃市", "county", "420000"),
    ]
    assert read_rows(tmp_path / "ethnic_groups.csv") == [
        {"name": "壮族", "root": "壮"},
        {"name": "苗族", "root": "苗"},
    ]
    # The loader reads such a folder, or its divisions.csv.
    assert places.load_gazetteer(tmp_path / "divisions.csv").level_counts() == {
        "province": 1,
        "prefecture": 1,
        "county": 2,
    }


@pytest.mark.parametrize(
    ("full", "short", "suffixed"),
    [
        ("合肥市", "合肥", ()),
        ("鄂尔多斯市", "鄂尔多斯", ()),
        ("广西壮族自治区", "广西", ()),
        ("恩施土家族苗族自治州", "恩施", ("恩施州",)),
        ("莫力达瓦达斡尔族自治旗", "莫力达瓦", ("莫力达瓦旗",)),
        ("黔西南布依族苗族自治州", "黔西南", ("黔西南州",)),
        ("西双版纳傣族自治州", "西双版纳", ("西双版纳州",)),
        ("伊犁哈萨克自治州", "伊犁", ("伊犁州",)),
        ("新疆维吾尔自治区", "新疆", ()),
        ("西藏自治区", "西藏", ()),
        ("内蒙古自治区", "内蒙古", ()),
        ("香港特别行政区", "香港", ()),
        ("鄂温克族自治旗", "鄂温克", ()),
        ("管城回族区", "管城", ()),
        ("龙胜各族自治县", "龙胜", ("龙胜县",)),
        ("大兴安岭地区", "大兴安岭", ()),
        ("神农架林区", "神农架", ()),
        ("浦东新区", "浦东", ()),
        ("达尔罕茂明安联合旗", "达尔罕茂明安", ()),
    ],
)
def test_full_and_short_forms(gazetteer, decided, full, short, suffixed):
    division = next(d for d in gazetteer.by_name(full) if d.name == full)
    assert division.short_forms[0] == short
    assert division.suffixed_forms == suffixed
    names, _ = decided
    assert {full, short, *suffixed} <= names


def test_name_forms_without_the_data():
    roots = ["达斡尔", "土家", "苗", "藏", "蒙古"]
    assert places.name_forms("莫力达瓦达斡尔族自治旗", roots) == (("莫力达瓦",), ("莫力达瓦旗",))
    assert places.name_forms("恩施土家族苗族自治州", roots) == (("恩施",), ("恩施州",))
    assert places.name_forms("西藏自治区", roots) == (("西藏",), ())
    assert places.name_forms("赵县", roots) == ((), ())
    assert places.name_forms("万柏林区", roots) == (("万柏", "万柏林"), ())


def test_ethnic_groups_split_every_autonomous_name(gazetteer):
    groups = gazetteer.ethnic_groups
    assert len(groups) == len(set(groups)) == 56 and all(g.endswith("族") for g in groups)
    roots = "|".join(sorted((g[:-1] for g in groups), key=len, reverse=True))
    rest = re.compile(rf"^(?:(?:{roots}|各)族?)+(?:联合)?(?:自治区|自治州|自治县|自治旗|区)$")
    carrying = [d for d in gazetteer.divisions if "族" in d.name or "自治" in d.name]
    carrying = [d for d in carrying if d.name not in ("西藏自治区", "内蒙古自治区")]
    assert len(carrying) >= 150
    root_names = {g[:-1] for g in groups}
    for division in carrying:
        short = division.short_forms[0]
        assert "族" not in short and "自治" not in short, division.name
        # The place and its groups (恩施 + 土家族苗族自治州), or the group alone (东乡 + 族自治县).
        place = "" if short in root_names else short
        assert division.name.startswith(place), division.name
        assert rest.match(division.name[len(place) :]), division.name


# The rule --------------------------------------------------------------------------------------


def test_ordinary_words_are_kept_out_with_a_reason(gazetteer, decided):
    names, kept_out = decided
    by_form = {}
    for item in kept_out:
        by_form.setdefault(item.short_form, []).append(item)
    for word in ORDINARY:
        assert word not in names, word
        assert by_form[word] and all(item.reason for item in by_form[word]), word
        for item in by_form[word]:
            assert word in gazetteer.by_name(item.full_name)[0].short_forms
    assert {item.full_name for item in by_form["和平"]} == {"和平区", "和平县"}
    rows = places.kept_out_rows(gazetteer, kept_out)
    row = next(r for r in rows if r["short_form"] == "和平" and r["full_name"] == "和平区")
    assert row["codes"] == "120101;210102" and row["level"] == "county"
    assert "ordinary word" in row["reason"]


def test_full_names_and_higher_levels_are_places(gazetteer, rule, decided):
    names, kept_out = decided
    out_full = {item.full_name for item in kept_out if item.short_form == item.full_name}
    # Only full names with a one-character stem that are ordinary words.
    assert out_full == {"城区", "郊区", "矿区"}
    assert gazetteer.full_names() - out_full <= names
    assert {"赵县", "南县", "和县"} <= names
    for division in gazetteer.divisions:
        if division.level in ("province", "prefecture"):
            for form in division.short_forms:
                assert form in names or form in rule.policy_terms | rule.stopwords, form
    # Famous counties whose dictionary frequency is far above an ordinary word's: the ratio.
    assert {"天门", "仙桃", "潜江", "南沙", "浦东", "义乌", "库尔勒"} <= names


def test_thresholds_decide(gazetteer):
    words = {"振兴": 659, "振兴区": 3, "天门": 4627, "天门市": 1294, "中原": 2825, "中原区": 4}
    tags = {"振兴": "vn", "天门": "ns", "中原": "ns"}
    settings = places.RuleSettings(words, tags)
    tiny = places.Gazetteer(
        tuple(
            places.Division(code, name, "county", "", *places.name_forms(name, []))
            for code, name in [("210603", "振兴区"), ("429006", "天门市"), ("410102", "中原区")]
        ),
        (),
        "test",
    )
    names, kept_out = places.place_terms(tiny, settings)
    assert "天门" in names and {k.short_form for k in kept_out} == {"振兴", "中原"}
    raised = places.RuleSettings(words, tags, word_min_freq=1000, place_word_min_freq=3000)
    assert places.place_terms(tiny, raised)[1] == []
    stop = places.RuleSettings(words, tags, stopwords=frozenset({"天门"}))
    assert "天门" not in places.place_terms(tiny, stop)[0]


def test_kept_out_table_is_current(tmp_path, gazetteer, decided):
    rows = places.kept_out_rows(gazetteer, decided[1])
    assert read_rows(PLACES / "kept_out.csv") == rows, (
        "config/places/kept_out.csv is out of date: python config/places/measure.py "
        "--write-kept-out (and update the figures of config/places/README.md)"
    )
    target = tmp_path / "kept_out.csv"
    places.write_kept_out(target, gazetteer, decided[1])
    from gwr.io import read_csv

    assert read_csv(target) == rows


# On the 31 provincial reports -----------------------------------------------------------------


@pytest.fixture(scope="module")
def report_words(provinces, tmp_path_factory):
    measure = load_script("measure")
    return measure.report_words(provinces, tmp_path_factory.mktemp("jieba"))


def test_share_of_words_the_gazetteer_names(gazetteer, decided, provinces, report_words):
    names, _ = decided
    shares = {}
    titles = {p.name: p.read_text(encoding="utf-8").splitlines()[0] for p in provinces}
    for file_name, words in report_words.items():
        named = [w for w in words if w in names]
        shares[file_name] = len(named) / len(words)
        assert not set(named) & set(ORDINARY), file_name
        # Every report names its own province (广东, 新疆 …) or municipality.
        title = titles[file_name]  # 2025年广东省政府工作报告
        (own,) = [d for d in gazetteer.divisions if d.level == "province" and d.name[:2] in title]
        assert {own.name, *own.short_forms} & set(named), file_name
    # Measured: 0.73% (北京) to 2.56% (山东), 1.52% of all words.
    assert all(0.004 <= share <= 0.04 for share in shares.values()), shares
    total = sum(len(w) for w in report_words.values())
    named_all = sum(w in names for ws in report_words.values() for w in ws)
    assert 0.01 <= named_all / total <= 0.025


def test_second_source_jieba_place_tag(decided, report_words):
    """jieba's `ns` tag, a source of place names that is not the gazetteer: how much of it the
    gazetteer names, what it adds, and the known misses (zones that are no division)."""
    names, kept_out = decided
    _freq, tag = places.read_jieba_dictionary(places.default_jieba_dictionary())
    words = [w for ws in report_words.values() for w in ws]
    ns = [w for w in words if tag.get(w) == "ns"]
    ns_named = [w for w in ns if w in names]
    # Measured 45%: the rest are generic words (城市, 深度), regions above the divisions (中国,
    # 长三角, 黄河), one-character abbreviations, kept-out forms, and zones below the county.
    assert 0.35 <= len(ns_named) / len(ns) <= 0.6
    missed = {w for w in ns if w not in names}
    assert {"中国", "长三角", "黄河", "中关村"} <= missed
    # The gazetteer names places jieba tags otherwise (大连 d, 合肥 n, 宁德 nr): measured 571.
    assert sum(w in names and tag.get(w) != "ns" for w in words) >= 300
    assert {"大连", "合肥"} <= {w for w in words if w in names and tag.get(w) != "ns"}
    # New areas and zones that are not divisions: not places. 南沙 is 广州's 南沙区: a place.
    for zone in ("雄安", "横琴", "前海", "临港"):
        assert zone in words and zone not in names, zone
    assert "南沙" in words and "南沙" in names


def test_tuning_labels_cover_the_reports(gazetteer, rule, report_words):
    """Every candidate the sweep can keep out that occurs in the reports is judged in
    tuning_labels.csv, and the shipped thresholds' errors are those of the README."""
    measure = load_script("measure")
    labels = measure.read_labels()
    loose = places.RuleSettings(
        rule.word_freq,
        rule.word_tag,
        rule.policy_terms,
        rule.stopwords,
        word_min_freq=min(measure.WORD_MIN_FREQ),
        place_word_min_freq=min(measure.PLACE_WORD_MIN_FREQ),
        min_ratio=min(measure.MIN_RATIO),
    )
    candidates = {k.short_form for k in places.place_terms(gazetteer, loose)[1]}
    counts = {}
    for words in report_words.values():
        for w in words:
            if w in candidates:
                counts[w] = counts.get(w, 0) + 1
    # (The counts move a little when the project's dictionary changes how a passage is cut.)
    assert set(counts) <= set(labels), (
        "judge the new candidates' occurrences in config/places/tuning_labels.csv: "
        f"{sorted(set(counts) - set(labels))}"
    )
    assert sum(counts.values()) >= 0.9 * sum(map(sum, labels.values()))
    out = {k.short_form for k in places.place_terms(gazetteer, rule)[1]}
    errors = measure.errors(out, labels)
    assert errors["place_occurrences_kept_out"] <= 30
    assert errors["word_occurrences_let_in"] <= 60


# Regional names made of the provinces' abbreviations ------------------------------------------


def test_abbreviations_name_every_province(gazetteer):
    with open(places.PLACES_DIR / places.ABBREVIATIONS_FILE, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    provinces = {(d.code, d.name) for d in gazetteer.divisions if d.level == "province"}
    assert {(row["code"], row["name"]) for row in rows} == provinces
    for row in rows:
        assert all(len(a) == 1 for a in row["abbreviations"].split()), row
    abbreviations = places.read_abbreviations()
    assert {"皖", "粤", "陇", "蜀", "黔", "滇", "秦", "港", "澳", "台"} <= abbreviations


@pytest.mark.parametrize(
    "word, compound",
    [
        ("京津冀", True),
        ("粤港澳", True),
        ("川渝", True),
        ("闽台", True),
        ("陕甘宁", True),
        ("皖北", True),
        ("粤东", True),
        ("陇东", True),
        ("鲁西南", True),
        ("宁东", True),
        ("新晋", False),  # "newly promoted": 新 leads no compound
        ("新中", False),
        ("中新", False),  # 中 is China, not a direction
        ("东北", False),  # directions alone
        ("西南", False),
        ("青年", False),
        ("皖", False),  # one character
        ("京津冀鲁豫", False),  # longer than four
    ],
)
def test_regional_compounds(word, compound):
    assert places.is_regional_compound(word, places.read_abbreviations()) is compound


def test_place_names_hold_divisions_and_compounds(gazetteer):
    names = places.PlaceNames(
        frozenset(places.gazetteer_place_names()), places.read_abbreviations()
    )
    for word in ("合肥", "合肥市", "皖北", "粤港澳", "京津冀"):
        assert word in names, word
    for word in ("振兴", "新晋", "东北", "高质量发展", 3):
        assert word not in names, word
    # Without the abbreviations (segment.place_names: corpus), no compound is a place.
    assert "皖北" not in places.PlaceNames(frozenset({"安徽"}))


def test_compounds_in_the_provincial_reports(provinces, report_words):
    """The compounds the rule finds in the 31 reports: each report's own parts (皖北, 粤东) and
    its neighbours together (京津冀, 湘赣), none an ordinary word (read in context)."""
    abbreviations = places.read_abbreviations()
    found = {w for ws in report_words.values() for w in ws}
    compounds = {w for w in found if places.is_regional_compound(w, abbreviations)}
    assert {"京津冀", "港澳台", "湘赣", "皖北", "粤东", "陇东", "闽台", "宁东"} <= compounds
    assert not compounds & {"新晋", "新中", "东北", "西北", "西南"}
