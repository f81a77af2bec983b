"""A gazetteer of China's administrative divisions, and which of their names a text's words are.

The divisions (config/places/divisions.csv: 34 provincial, 333 prefectural and 2,846 county-level
divisions, the Ministry of Civil Affairs' list at 31 December 2024, see config/places/README.md)
each have a code, a full name (合肥市), a level (province / prefecture / county) and the code of
their parent, and from the full name their short forms: the name without its unit suffix (合肥,
鄂尔多斯), and without the names of the ethnic groups of an autonomous division (广西 for
广西壮族自治区, 恩施 for 恩施土家族苗族自治州, 莫力达瓦 for 莫力达瓦达斡尔族自治旗); for
an autonomous prefecture, county or banner also the usual suffixed form (恩施州, 长阳县).

Full names are places. A short form is often an ordinary word as well (振兴区 振兴, 平安区 平安,
和平区 和平, 中原区 中原): `place_terms` applies the rule documented in config/places/README.md
and returns the names it treats as places and, with a reason, the short forms it kept out;
`write_kept_out` writes those as a table.

    gazetteer = load_gazetteer()                      # config/places/
    names, kept_out = place_terms(gazetteer, RuleSettings.project_defaults())
"""

import csv
import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from gwr.regions import SUFFIXES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLACES_DIR = PROJECT_ROOT / "config" / "places"
DIVISIONS_FILE = "divisions.csv"
ETHNIC_GROUPS_FILE = "ethnic_groups.csv"
ABBREVIATIONS_FILE = "abbreviations.csv"
LEVELS = ("province", "prefecture", "county")

# Unit suffixes of the divisions' names, longest first. gwr.regions.SUFFIXES, and the compound
# suffixes it lacks that the divisions' names end in (大兴安岭地区, 井陉矿区, 神农架林区, 六枝特区,
# 浦东新区, 达尔罕茂明安联合旗): without them 神农架林区 would become 神农架林.
_COMPOUND_SUFFIXES = ("联合旗", "地区", "新区", "矿区", "林区", "特区")
UNIT_SUFFIXES = tuple(sorted(set(SUFFIXES) | set(_COMPOUND_SUFFIXES), key=len, reverse=True))
# 林 and 新 also end plain names of districts (万柏林区, 清新区): a name ending in 林区 or 新区 has
# both readings among its short forms (万柏林区: 万柏, 万柏林; 浦东新区: 浦东, 浦东新).
_AMBIGUOUS_SUFFIXES = {"林区": "区", "新区": "区"}
# The suffixes of autonomous divisions, and of the four districts named after an ethnic group
# (管城回族区, 梅里斯达斡尔族区).
_AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗", "区")
# What an autonomous prefecture or county is usually called in a report: 恩施州, 长阳县.
_SUFFIXED_FORM = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
# 龙胜各族自治县, 隆林各族自治县: "all the ethnic groups".
_ALL_GROUPS = "各"


class Division(NamedTuple):
    code: str
    name: str
    level: str
    parent_code: str
    short_forms: tuple[str, ...]
    suffixed_forms: tuple[str, ...]


class KeptOut(NamedTuple):
    """A short form that the rule does not take for a place, the full name it comes from, why."""

    short_form: str
    full_name: str
    reason: str


@dataclasses.dataclass(frozen=True)
class Gazetteer:
    divisions: tuple[Division, ...]
    ethnic_groups: tuple[str, ...]
    source: str

    def __post_init__(self):
        object.__setattr__(self, "_by_code", {d.code: d for d in self.divisions})

    def division(self, code: str) -> Division:
        return self._by_code[code]

    def level_counts(self) -> dict[str, int]:
        return {level: sum(d.level == level for d in self.divisions) for level in LEVELS}

    def province_of(self, code: str) -> Division:
        return self._by_code[code[:2] + "0000"]

    def in_province(self, province_code: str) -> list[Division]:
        """The province and every division under it."""
        return [d for d in self.divisions if d.code[:2] == province_code[:2]]

    def by_name(self, name: str) -> list[Division]:
        """The divisions with this full name, short form or suffixed form."""
        return [
            d
            for d in self.divisions
            if name == d.name or name in d.short_forms or name in d.suffixed_forms
        ]

    def full_names(self) -> set[str]:
        return {d.name for d in self.divisions}


def _ethnic_pattern(roots: Sequence[str]) -> re.Pattern:
    # One or more ethnic groups, each with or without 族 (新疆维吾尔自治区, 伊犁哈萨克自治州).
    # The place is empty (鄂温克族自治旗) or has two characters at least.
    groups = "|".join(re.escape(root) for root in sorted(set(roots) | {_ALL_GROUPS}, key=len)[::-1])
    units = "|".join(_AUTONOMOUS)
    return re.compile(
        rf"^(?P<place>|.{{2,}}?)(?P<groups>(?:(?:{groups})族?)+)(?:联合)?(?P<unit>{units})$"
    )


def name_forms(name: str, ethnic_roots: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A full name's short forms and suffixed forms, from its unit suffix and ethnic groups.

    合肥市 -> (合肥,), (); 广西壮族自治区 -> (广西,), ();
    恩施土家族苗族自治州 -> (恩施,), (恩施州,);
    莫力达瓦达斡尔族自治旗 -> (莫力达瓦,), (莫力达瓦旗,); 鄂温克族自治旗 -> (鄂温克,), ();
    赵县 -> (), () (a one-character stem is no short form); 万柏林区 -> (万柏, 万柏林), ().
    """
    return _name_forms(name, _ethnic_pattern(ethnic_roots))


def _name_forms(name: str, ethnic: re.Pattern) -> tuple[tuple[str, ...], tuple[str, ...]]:
    match = ethnic.match(name) if ("族" in name or "自治" in name) else None
    if match and match["place"]:
        place, unit = match["place"], match["unit"]
        return (place,), ((place + _SUFFIXED_FORM[unit],) if unit in _SUFFIXED_FORM else ())
    if match:
        # Named after its ethnic group alone: 鄂温克族自治旗 -> 鄂温克, 东乡族自治县 -> 东乡.
        return (match["groups"].removesuffix("族"),), ()
    # Not a place of at least two characters and ethnic groups (西藏自治区 is not 西 + 藏族, nor
    # 内蒙古自治区 内 + 蒙古族): the name is read by its unit suffix alone.
    forms = []
    for suffix in UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.append(name[: -len(suffix)])
            simple = _AMBIGUOUS_SUFFIXES.get(suffix)
            if simple:
                forms.append(name[: -len(simple)])
            break
    return tuple(dict.fromkeys(form for form in forms if form != name)), ()


# Regional names made of the provinces' one-character abbreviations (简称) and directions:
# 京津冀, 粤港澳, 川渝, 闽台 (provinces together), 皖北, 粤东, 陇东, 鲁西南 (a province's part).
DIRECTIONS = "东西南北"
COMPOUND_CHARS = (2, 4)
# 新 (新疆) is first the prefix "new": a compound does not start with it (新晋 "newly promoted").
# 中 is no direction here: it is China in 中蒙, 中新 (and 新中 is "new China").
NOT_LEADING = "新"


def read_abbreviations(path: str | Path = PLACES_DIR) -> frozenset[str]:
    """The one-character abbreviations of the province-level divisions (config/places/
    abbreviations.csv: `code,name,abbreviations`, several separated by spaces: 川 蜀)."""
    path = Path(path)
    csv_path = path / ABBREVIATIONS_FILE if path.is_dir() else path
    with open(csv_path, encoding="utf-8", newline="") as handle:
        return frozenset(
            char for row in csv.DictReader(handle) for char in row["abbreviations"].split()
        )


def is_regional_compound(word: str, abbreviations: frozenset[str]) -> bool:
    """Whether `word` is a regional name made of abbreviations and directions (see above)."""
    low, high = COMPOUND_CHARS
    return (
        low <= len(word) <= high
        and word[0] not in NOT_LEADING
        and all(char in abbreviations or char in DIRECTIONS for char in word)
        and any(char in abbreviations for char in word)
    )


@dataclasses.dataclass(frozen=True)
class PlaceNames:
    """The place names kept out of the tokens: a set of names, and the regional compounds of
    the abbreviations (`word in places`)."""

    names: frozenset[str]
    abbreviations: frozenset[str] = frozenset()

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (
            word in self.names or is_regional_compound(word, self.abbreviations)
        )


def gazetteer_place_names(path: str | Path = PLACES_DIR) -> set[str]:
    """Every form of every division taken for a place: full names, suffixed forms, and the
    short forms the rule does not keep out (config/places/kept_out.csv, written by the rule)."""
    gazetteer = load_gazetteer(path)
    kept_out_path = Path(path) / "kept_out.csv"
    with open(kept_out_path, encoding="utf-8", newline="") as handle:
        kept_out = {row["short_form"] for row in csv.DictReader(handle)}
    names: set[str] = set()
    for division in gazetteer.divisions:
        names.add(division.name)
        names.update(division.suffixed_forms)
        names.update(form for form in division.short_forms if form not in kept_out)
    # Full names the rule keeps out (城区, 郊区, 矿区: one-character stems) stay out.
    return names - kept_out


def load_gazetteer(path: str | Path = PLACES_DIR) -> Gazetteer:
    """The gazetteer of config/places/ (or of a folder, or a divisions.csv, laid out like it)."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    divisions_csv = path if path.is_file() else folder / DIVISIONS_FILE
    with open(folder / ETHNIC_GROUPS_FILE, encoding="utf-8", newline="") as handle:
        groups = [row["name"] for row in csv.DictReader(handle)]
    pattern = _ethnic_pattern([group.removesuffix("族") for group in groups])
    divisions = []
    with open(divisions_csv, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["level"] not in LEVELS:
                raise ValueError(f"{divisions_csv}: {row['code']}: unknown level {row['level']!r}")
            short, suffixed = _name_forms(row["name"], pattern)
            divisions.append(
                Division(
                    row["code"], row["name"], row["level"], row["parent_code"], short, suffixed
                )
            )
    return Gazetteer(tuple(divisions), tuple(groups), str(divisions_csv))


# The rule ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RuleSettings:
    """What decides that a county-level short form is an ordinary word rather than a place (the
    rule: config/places/README.md): a dictionary of words with frequencies and tags (jieba's),
    the project's own word lists, and the thresholds, measured on the 31 provincial reports."""

    word_freq: Mapping[str, int]
    word_tag: Mapping[str, str]
    policy_terms: frozenset[str] = frozenset()
    stopwords: frozenset[str] = frozenset()
    # A short form tagged as anything but a place name (振兴 v, 平安 a, 和平 nz, 富民 n) is an
    # ordinary word from this frequency on ...
    word_min_freq: int = 100
    # ... one tagged as a place name (中原, 江南, 新城, 新建) is a place-like word of wider use than
    # the county from this frequency on ...
    place_word_min_freq: int = 500
    # ... provided that the dictionary has it this many times as often as the full name (合肥
    # 406, 合肥市 85; 和平 7998, 和平区 47): 天门 4627 is no ordinary word, for 天门市 has 1294.
    min_ratio: float = 10.0
    place_tags: tuple[str, ...] = ("ns",)
    min_chars: int = 2

    @classmethod
    def from_files(
        cls,
        jieba_dict: str | Path | None = None,
        policy_terms: Iterable[str | Path] = (),
        stopwords: Iterable[str | Path] = (),
        pos_overrides: Iterable[str | Path] = (),
        **thresholds,
    ) -> "RuleSettings":
        """Settings from jieba's dictionary (default: the installed jieba's dict.txt), the
        project's policy terms and stopword lists, and its part-of-speech overrides, which take
        precedence over jieba's tags (平安 an, 振兴 vn)."""
        from gwr.wordlists import read_term_file, read_word_list

        freq, tag = read_jieba_dictionary(jieba_dict or default_jieba_dictionary())
        for path in pos_overrides:
            for term, _freq, override in read_term_file(str(path)):
                if override:
                    tag[term] = override
        terms = frozenset(term for path in policy_terms for term, _, _ in read_term_file(str(path)))
        words = frozenset(read_word_list([str(path) for path in stopwords]))
        return cls(freq, tag, terms, words, **thresholds)

    @classmethod
    def project_defaults(cls, root: str | Path = PROJECT_ROOT, **thresholds) -> "RuleSettings":
        """The settings from the project's shipped lists (config/dictionary/, config/stopwords/)."""
        root = Path(root)
        return cls.from_files(
            policy_terms=[root / "config/dictionary/policy_terms.txt"],
            stopwords=sorted((root / "config/stopwords").glob("*.txt")),
            pos_overrides=[root / "config/dictionary/pos_overrides.txt"],
            **thresholds,
        )


def default_jieba_dictionary() -> Path:
    from gwr.jieba_setup import jieba_dictionary_file

    return jieba_dictionary_file()


def read_jieba_dictionary(path: str | Path) -> tuple[dict[str, int], dict[str, str]]:
    """Frequency and tag of each word of a jieba dictionary (`word freq tag` per line)."""
    freq: dict[str, int] = {}
    tag: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                freq[parts[0]] = int(parts[1])
                if len(parts) >= 3:
                    tag[parts[0]] = parts[2]
    return freq, tag


def ordinary_word_reason(
    word: str, level: str, full_freq: int, settings: RuleSettings
) -> str | None:
    """Why `word`, a short form of a division of `level` whose full name the dictionary has
    `full_freq` times, is not taken for a place; None if it is."""
    if len(word) < settings.min_chars:
        return "one character"
    if word in settings.policy_terms:
        return "policy term (config/dictionary/policy_terms.txt)"
    if word in settings.stopwords:
        return "stopword (config/stopwords/)"
    if level in ("province", "prefecture"):
        return None
    freq = settings.word_freq.get(word, 0)
    tag = settings.word_tag.get(word, "")
    if freq < settings.min_ratio * max(full_freq, 1):
        return None
    if level == "full name":
        ratio = "a full name with a one-character stem"
    elif full_freq:
        ratio = f"{freq / full_freq:.0f} times its full name's {full_freq}"
    else:
        ratio = "its full name not in the dictionary"
    if tag not in settings.place_tags and freq >= settings.word_min_freq:
        return f"ordinary word: jieba {tag or '-'} {freq} >= {settings.word_min_freq}, {ratio}"
    if tag in settings.place_tags and level == "county" and freq >= settings.place_word_min_freq:
        return (
            f"place-like word of wider use: jieba {tag} {freq} >= "
            f"{settings.place_word_min_freq}, {ratio}"
        )
    return None


def place_terms(gazetteer: Gazetteer, settings: RuleSettings) -> tuple[set[str], list[KeptOut]]:
    """The names taken for places, and the short forms kept out (with the full name and reason).

    Full names and suffixed forms (恩施州) are places, and so are the short forms of provinces and
    prefectures (合肥, 恩施), and any short form that is also another division's full name. A
    county-level short form is kept out when `ordinary_word_reason` gives a reason, judged at
    the highest level of the divisions that have it (朝阳 of 朝阳市 and 朝阳区: prefecture) and
    against the most frequent of their full names. The exception to the first rule: a full name
    with a one-character stem (城区 郊区 矿区 of some cities, 赵县) is judged like a short form
    whose full name is absent, by the first frequency threshold only: 城区 (jieba n 1517) is kept
    out, 赵县 and 南县 (ns 574) are places.
    """
    freq = settings.word_freq
    top_level: dict[str, int] = {}
    full_freq: dict[str, int] = defaultdict(int)
    sources: dict[str, list[str]] = defaultdict(list)
    for division in gazetteer.divisions:
        named = max(freq.get(name, 0) for name in (division.name, *division.suffixed_forms))
        for form in division.short_forms:
            rank = LEVELS.index(division.level)
            top_level[form] = min(top_level.get(form, rank), rank)
            full_freq[form] = max(full_freq[form], named)
            sources[form].append(division.name)
    places: set[str] = set()
    kept_out: set[KeptOut] = set()
    for division in gazetteer.divisions:
        places.update(division.suffixed_forms)
        reason = None
        if not division.short_forms:
            reason = ordinary_word_reason(division.name, "full name", 0, settings)
        if reason:
            kept_out.add(KeptOut(division.name, division.name, reason))
        else:
            places.add(division.name)
    full = set(places)
    for form, names in sources.items():
        reason = None
        if form not in full:
            reason = ordinary_word_reason(form, LEVELS[top_level[form]], full_freq[form], settings)
        if reason is None:
            places.add(form)
        else:
            kept_out.update(KeptOut(form, name, reason) for name in names)
    return places, sorted(kept_out, key=lambda k: (k.short_form, k.full_name))


KEPT_OUT_COLUMNS = ("short_form", "full_name", "codes", "level", "reason")


def kept_out_rows(gazetteer: Gazetteer, kept_out: Iterable[KeptOut]) -> list[dict[str, str]]:
    """The kept-out short forms as table rows, with the codes and level of the full name."""
    codes: dict[str, list[Division]] = defaultdict(list)
    for division in gazetteer.divisions:
        codes[division.name].append(division)
    rows = []
    for item in kept_out:
        divisions = codes[item.full_name]
        rows.append(
            {
                "short_form": item.short_form,
                "full_name": item.full_name,
                "codes": ";".join(d.code for d in divisions),
                "level": ";".join(sorted({d.level for d in divisions}, key=LEVELS.index)),
                "reason": item.reason,
            }
        )
    return rows


def write_kept_out(path: str | Path, gazetteer: Gazetteer, kept_out: Iterable[KeptOut]) -> None:
    """The table of kept-out short forms (the project's CSV writer: results/ tables)."""
    from gwr.io import write_csv

    write_csv(path, KEPT_OUT_COLUMNS, kept_out_rows(gazetteer, kept_out))
