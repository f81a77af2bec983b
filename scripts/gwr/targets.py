"""Targets: the quantities a report states — this year's expected targets (预期目标) and last
year's results — read from its paragraphs (results/targets/targets.csv).

Quantities. A quantity is a number with a unit: ASCII or full-width digits (5.5, ５．５, 14·1, and
7 4 7 7 2 as some texts space them) or Chinese numerals (百分之五点五, 六十八万人, 二千零五十亿元,
八点一倍); 5%, 5％ and 百分之五 have the unit `%`, any other number needs one of the vocabulary's
`units` (万人, 亿斤, 万吨, 亿公斤, 亿元, 个百分点 …); the magnitude 万/亿 of a Chinese numeral goes
into the unit, in its largest magnitude (二千零五十亿元 is 2050 亿元, 一千三百八十七亿四千万元
1387.4 亿元). A number without a unit (years, 十四五, 一是) is no quantity. A range (5-5.5%,
5%—5.5%, 6.5%－7%, 5～5.5%, 5%到5.5%, 百分之五到百分之六, 百分之七到八, 七千二百亿斤到七千五百亿斤)
gives low < high; one number low = high (printed plainly by `plain_number`: 5, 5.5). The qualifier
(the vocabulary's `qualifiers`) is read after the figure (左右, 以上, 以内, 以下 and their variants
上下, 之内 …) or, failing that, just before it: 不超过/不高于 → 以内, 高于/超过/超/
不低于/不少于/至少 → 以上, 低于 → 以下, 约 → 左右; none is empty. Figures after 分别 that share a
verb (分别控制在5%和3%以内, 分别增长5%、6.5%左右) share the last one's qualifier where they have
none. A figure that is the base of a change is not stated: 由1.4%提高到1.97% states 1.97%,
比一九五八年的二千零五十亿元增长百分之四十 states 40% (`base_after`, `base_before`). Sentences end
at 。；;！？, clauses at ，：.

Indicators. Each named indicator of config/targets/indicators.yaml has names (regular expressions;
where names overlap the longer wins, and `blockers` such as 人均地区生产总值 or 单位地区生产总值
name none), the units its figure may have, optionally a `requires` pattern (增长 for a growth rate:
地区生产总值达到5万亿元 is a level) and an `excludes` one. A figure belongs to the nearest name
before it in its sentence when

- at most `max_gap` characters stand between name and number, and a clause end among them only
  where each clause after the name's continues it (国内生产总值达到13.65万亿元，比上年增长9.5%: the
  vocabulary's `continuation`, 比…, 增长…, 按可比价格计算…);
- its unit is one of the indicator's, `requires` occurs in the name or between name and number,
  `excludes` does not occur between them;
- the name has no figure yet: a name states one figure (地区生产总值增长7%以上、力争达到8% is 7%
  以上; the second is an aspiration and gives no row).

After 分别 the names joined before it (by 、和与及) and the figures joined after it are paired in
order when they are as many (城镇调查失业率、居民消费价格涨幅分别控制在5%和3%以内); a figure
followed by 的 and a name is that name's (提出8%左右的国内生产总值增长目标).

Target or achieved: the frame of a figure. A paragraph of `target_parts` (plans) starts in the
frame target, one of `achieved_parts` (review) in achieved, one of `cued_parts` (other: reports
without named parts; opening, which holds the review where a report's first part is not named) in
none; the cues of its section headings (the innermost heading that has one) come first:
二、“十三五”时期主要目标任务 puts its paragraphs in no frame, 一、2024年工作回顾 in achieved. Cue
words then set the frame from where they stand to the end of their sentence (the vocabulary's
`cues`): `current` (今年, 明年; not 比今年) to target, `past` (去年, 上年; not 比上年, a
comparison) to achieved, `other_periods` (年均, 五年, “十四五”时期, 期间, 翻一番, 同期, 上半年 …:
several years, or part of one) to no frame; `past_topic` (过去一年, 一年来) to achieved up to the
end of the paragraph. Given the report's `year`, a year named is a cue to its sentence's end: the
year itself or the next (a report given in December plans the next year) → target, the year before
→ achieved, any other year → no frame; a year as a comparison base (比2002年, 同1978年相比,
在…年的基础上) → no frame when it lies further back than the year before last (比上年, and the year
before last as the base of last year's results, are annual changes), after 按 (prices of a year) no
cue. In cued parts, the words of `cued_current` (计划, 预期, 要求, 安排, 力争, 拟定, 将增长 …, to
their sentence's end) and `target_statement` (to the paragraph's end) make a figure a target where
nothing else frames it. A paragraph that is only a lead ending in ：(今年…的主要预期目标是：)
passes its frame to the next.

A named figure in the frame target is a row of kind `target`, in the frame achieved one of kind
`achieved` (each where the indicator's `kinds` allow) — unless, in the frame achieved, it is last
year's target named in the review: `target_mention` after the figure (略低于8%的预定目标),
`planned` in its clauses before it (计划为…, 要把…控制在…, 年初确定的…). No frame, no row.

Other quantities. With `keep_other`, a figure of a target statement that belongs to no named
indicator is a row with the indicator `other` (kind target): a target statement is a paragraph with
a word of `target_statement` (预期目标, 主要目标, 目标是, 计划要求 …), from that word on (or the
whole paragraph after a lead paragraph); the figure must be in the frame target, no base, and in a
clause that holds no named indicator's figure (so 力争达到8% after 地区生产总值增长7%以上 is none).
Its sentence keeps its name (全员劳动生产率16.8万元/人左右, 城乡居民人均可支配收入分别增长
5%和7%左右). Figures outside target statements (the budget's 赤字率, a project's 亿元) are no row:
stated in the plans, they are not the year's targets.

Not read: a target without a number (居民收入增长与经济增长同步, 粮食产量保持稳定, 完成国家下达
任务: its sentence states a target, but gives no row); the hope added to a target (在实际工作中
努力争取更好结果); a fall written as a verb (居民消费价格下降0.1%: cpi `excludes` 下降) rather than
a negative number.

The sentence column: the clauses, verbatim, from the one holding the indicator's name (for `other`,
the figure) to the one holding the figure, cut at ，：and at the sentence's end (a lead before ：is
left out; names joined by 、 before 分别 share their clause). Rows come in the order of the text
(paragraph index, then position); unless `keep_repeats`, a row repeating an earlier one of the
report (same indicator, kind, range, unit and qualifier, and for `other` the same sentence: the
explanation 提出国内生产总值增长8%左右… after the targets) is dropped.
"""

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import yaml

from gwr.io import InputError
from gwr.settings import fields_from_params

TARGET_COLUMNS = [
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
# The keys of a row of extract() (the caller adds report_id, label, region and year).
ROW_KEYS = TARGET_COLUMNS[4:]

TARGET, ACHIEVED = "target", "achieved"
# The growth of the whole economy, in the order a reader takes them: GDP, then the older series'
# GNP and gross output of industry and agriculture (reports before the 1990s).
GROWTH_INDICATORS = ("gdp_growth", "gnp_growth", "gross_output_growth")
KINDS = (TARGET, ACHIEVED)
OTHER = "other"
PERCENT = "%"
QUALIFIERS = ("左右", "以上", "以内", "以下")
# A frame in which a figure gives no row (several years, another year).
NO_FRAME = "none"

SENTENCE_END = "。；;！？!?"
CLAUSE_END = "，,：:"
# Joiners of the names before 分别 and of the figures after it.
JOINERS = frozenset("、和与及")
RESPECTIVELY = "分别"
OF = "的"

_DIGITS = "0-9０-９"
_ZH_DIGITS = "零〇○一二两三四五六七八九"
_ZH_VALUES = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0, "两": 2}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_MAGNITUDES = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "万亿": Decimal(10) ** 12}
# The magnitudes a unit may start with, largest first.
MAGNITUDE_ORDER = ("万亿", "亿", "万")
_ARABIC = rf"[{_DIGITS}](?: ?[{_DIGITS}])*(?:,[{_DIGITS}]{{3}})*(?:[.．·][{_DIGITS}]+)?"
_CHINESE = rf"[{_ZH_DIGITS}十百千万亿]*[{_ZH_DIGITS}十百千](?:点[{_ZH_DIGITS}]+)?"
_NUMBER = rf"(?:{_ARABIC}|{_CHINESE})"
_RANGE = r"(?:—{1,2}|[-－–~～〜]|到|至)"
_YEAR = re.compile(
    rf"(?P<before>[比较同与和从由按到至]?)"
    rf"(?P<year>(?<![{_DIGITS}])(?:1[89]|20)[0-9]{{2}}|[一二][{_ZH_DIGITS}]{{3}}) ?年"
    r"(?P<base>[^，。；：]{0,8}?的?(?:基数|基础)上)?"
)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．·", "0123456789..")


# --- Numbers -----------------------------------------------------------------------------------


def plain_number(value) -> str:
    """A number as the tables print it: 5, 5.5, 1387.4 (no trailing .0, no exponent)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def chinese_number(text: str) -> Decimal:
    """The value of a Chinese numeral: 五点五 5.5, 十五 15, 二千零五十 2050, 一九五九 1959,
    一千三百八十七亿四千万 138740000000."""
    whole, _, decimals = text.partition("点")
    if whole and all(ch in _ZH_VALUES for ch in whole):
        # Digits one by one (一九五九, 二〇二四), or a single digit.
        value = Decimal("".join(str(_ZH_VALUES[ch]) for ch in whole))
    else:
        total, section, digit = Decimal(0), Decimal(0), Decimal(0)
        for ch in whole:
            if ch in _ZH_VALUES:
                digit = Decimal(_ZH_VALUES[ch])
            elif ch in _ZH_UNITS:
                section += (digit or 1) * _ZH_UNITS[ch]
                digit = Decimal(0)
            elif ch == "万":
                total += (section + digit) * _MAGNITUDES["万"]
                section = digit = Decimal(0)
            elif ch == "亿":
                total = (total + section + digit) * _MAGNITUDES["亿"]
                section = digit = Decimal(0)
            else:
                raise ValueError(f"not a Chinese numeral: {text}")
        value = total + section + digit
    if decimals:
        value += Decimal("0." + "".join(str(_ZH_VALUES[ch]) for ch in decimals))
    return value


def parse_number(text: str) -> Decimal:
    """The value of a number as written: 5.5, ５．５, 7 4 7 7 2, 1,168, 百分之 excluded."""
    if re.fullmatch(_ARABIC, text):
        return Decimal(text.translate(_FULL_WIDTH).replace(" ", "").replace(",", ""))
    return chinese_number(text)


# --- Vocabulary --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Indicator:
    """A named indicator of config/targets/indicators.yaml."""

    code: str
    name_zh: str
    names: tuple[str, ...]
    units: tuple[str, ...]
    kinds: tuple[str, ...]
    requires: re.Pattern | None = None
    excludes: re.Pattern | None = None

    def fits(self, name: str, gap: str, unit: str) -> bool:
        """Whether a figure in `unit`, `gap` after this indicator's `name`, is its figure."""
        if unit not in self.units:
            return False
        if self.requires is not None and not self.requires.search(name + gap):
            return False
        return self.excludes is None or not self.excludes.search(gap)


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """What config/targets/indicators.yaml holds: indicators, blockers, units, qualifiers, cues."""

    indicators: tuple[Indicator, ...]
    blockers: tuple[str, ...]
    units: tuple[str, ...]
    # canonical qualifier -> (words after the figure, words before it)
    qualifiers: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]
    cues: Mapping[str, tuple[str, ...]]
    # compiled: (name pattern, its indicator or None for a blocker); the quantity pattern; each
    # cue list as one pattern; (word, canonical qualifier) after and before a figure, longest first
    names: tuple[tuple[re.Pattern, Indicator | None], ...] = dataclasses.field(repr=False)
    quantity: re.Pattern = dataclasses.field(repr=False)
    cue_patterns: Mapping[str, re.Pattern] = dataclasses.field(repr=False)
    after_forms: tuple[tuple[str, str], ...] = dataclasses.field(repr=False)
    before_forms: tuple[tuple[str, str], ...] = dataclasses.field(repr=False)


CUE_KEYS = (
    "current",
    "cued_current",
    "past",
    "past_topic",
    "other_periods",
    "target_statement",
    "continuation",
    "base_after",
    "base_before",
    "target_mention",
    "planned",
)
INDICATOR_KEYS = {"code", "name_zh", "names", "units", "kinds", "requires", "excludes"}


def _compile(path, where: str, pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise InputError(
            f"{path}: {where}: the pattern {pattern!r} does not compile ({error})"
        ) from None


def _alternatives(path, where: str, patterns: Sequence[str]) -> re.Pattern:
    for pattern in patterns:
        _compile(path, where, pattern)
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns) or r"(?!)")


def _strings(path, where: str, value) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise InputError(f"{path}: {where} must be a list of non-empty strings")
    return tuple(value)


def read_indicators(path: str | Path) -> Vocabulary:
    """The vocabulary of config/targets/indicators.yaml (its comments describe every key); a
    missing key, an unknown kind, a pattern that does not compile, a repeated code or an
    indicator's unit missing from `units` stops the run naming it."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InputError(f"{path}: cannot read the targets' vocabulary ({error})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping with indicators, units, qualifiers, cues")
    for key in ("indicators", "blockers", "units", "qualifiers", "cues"):
        if key not in data:
            raise InputError(f"{path}: the key {key!r} is missing")
    units = _strings(path, "units", data["units"])
    indicators = []
    for number, entry in enumerate(data["indicators"] or [], start=1):
        where = f"indicators, entry {number}"
        if not isinstance(entry, dict):
            raise InputError(f"{path}: {where} must be a mapping")
        missing = {"code", "name_zh", "names", "units", "kinds"} - set(entry)
        unknown = set(entry) - INDICATOR_KEYS
        if missing or unknown:
            raise InputError(
                f"{path}: {where}: "
                + "; ".join(
                    part
                    for part in (
                        f"missing {sorted(missing)}" if missing else "",
                        f"unknown {sorted(unknown)}" if unknown else "",
                    )
                    if part
                )
            )
        code = entry["code"]
        where = f"indicator {code}"
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", code) or code == OTHER:
            raise InputError(f"{path}: {where}: a code is lower-case ASCII, not {OTHER!r}")
        if any(item.code == code for item in indicators):
            raise InputError(f"{path}: the code {code} is given twice")
        kinds = _strings(path, f"{where}: kinds", entry["kinds"])
        if not set(kinds) <= set(KINDS):
            raise InputError(f"{path}: {where}: kinds are {' and '.join(KINDS)}, not {kinds}")
        own_units = _strings(path, f"{where}: units", entry["units"])
        stray = [unit for unit in own_units if unit != PERCENT and unit not in units]
        if stray:
            raise InputError(f"{path}: {where}: the units {stray} are not in `units`")
        names = _strings(path, f"{where}: names", entry["names"])
        for name in names:
            _compile(path, f"{where}: names", name)
        indicators.append(
            Indicator(
                code=code,
                name_zh=str(entry["name_zh"]),
                names=names,
                units=own_units,
                kinds=kinds,
                requires=_compile(path, f"{where}: requires", entry["requires"])
                if entry.get("requires")
                else None,
                excludes=_compile(path, f"{where}: excludes", entry["excludes"])
                if entry.get("excludes")
                else None,
            )
        )
    if not indicators:
        raise InputError(f"{path}: no indicators")
    blockers = _strings(path, "blockers", data["blockers"]) if data["blockers"] else ()
    qualifiers = {}
    for canonical in QUALIFIERS:
        entry = (data["qualifiers"] or {}).get(canonical)
        if not isinstance(entry, dict):
            raise InputError(f"{path}: qualifiers: {canonical} needs `after` and `before` lists")
        qualifiers[canonical] = (
            _strings(path, f"qualifiers: {canonical}: after", entry.get("after") or []),
            _strings(path, f"qualifiers: {canonical}: before", entry.get("before") or []),
        )
    unknown = set(data["qualifiers"]) - set(QUALIFIERS)
    if unknown:
        raise InputError(f"{path}: qualifiers: only {', '.join(QUALIFIERS)}, not {sorted(unknown)}")
    cues_data = data["cues"] or {}
    missing = [key for key in CUE_KEYS if key not in cues_data]
    if missing:
        raise InputError(f"{path}: cues: missing {missing}")
    cues = {key: _strings(path, f"cues: {key}", cues_data[key]) for key in CUE_KEYS}
    name_patterns = [
        (_compile(path, f"indicator {item.code}: names", name), item)
        for item in indicators
        for name in item.names
    ]
    name_patterns += [(_compile(path, "blockers", name), None) for name in blockers]
    unit_pattern = "|".join(re.escape(unit) for unit in sorted(units, key=len, reverse=True))
    quantity = re.compile(
        rf"(?<![{_DIGITS}.．A-Za-z第{_ZH_DIGITS}十百千万亿])"
        rf"(?P<pct1>百分之)?(?P<n1>{_NUMBER})(?P<p1> ?[%％])?(?: ?(?P<unit1>{unit_pattern}))?"
        rf"(?:(?P<sep>{_RANGE})(?P<pct2>百分之)?(?P<n2>{_NUMBER})(?P<p2> ?[%％])?)?"
        rf"(?: ?(?P<unit>{unit_pattern}))?"
    )
    return Vocabulary(
        indicators=tuple(indicators),
        blockers=blockers,
        units=units,
        qualifiers=qualifiers,
        cues=cues,
        names=tuple(name_patterns),
        quantity=quantity,
        cue_patterns={key: _alternatives(path, f"cues: {key}", cues[key]) for key in CUE_KEYS},
        after_forms=_forms(qualifiers, 0),
        before_forms=_forms(qualifiers, 1),
    )


def _forms(qualifiers, side: int) -> tuple[tuple[str, str], ...]:
    """(word, canonical qualifier) of one side (0 after the figure, 1 before), longest first."""
    forms = [(word, canonical) for canonical, words in qualifiers.items() for word in words[side]]
    return tuple(sorted(forms, key=lambda form: -len(form[0])))


@dataclasses.dataclass(frozen=True)
class TargetSettings:
    """The parameters of the targets' extraction (config section `targets`)."""

    # The vocabulary (the key gives the path of config/targets/indicators.yaml).
    indicators: Vocabulary
    target_parts: tuple[str, ...]
    achieved_parts: tuple[str, ...]
    cued_parts: tuple[str, ...]
    max_gap: int
    keep_other: bool
    keep_repeats: bool

    @classmethod
    def from_params(cls, params) -> "TargetSettings":
        values = fields_from_params(cls, params)
        if isinstance(values["indicators"], str | Path):
            values["indicators"] = read_indicators(values["indicators"])
        overlap = {
            part
            for a, b in (
                ("target_parts", "achieved_parts"),
                ("target_parts", "cued_parts"),
                ("achieved_parts", "cued_parts"),
            )
            for part in set(values[a]) & set(values[b])
        }
        if overlap:
            raise InputError(f"targets: the parts {sorted(overlap)} are given two frames")
        return cls(**values)


# --- Reading one paragraph ---------------------------------------------------------------------


@dataclasses.dataclass
class Quantity:
    start: int  # where the figure starts (百分之 included)
    end: int  # after the unit
    low: Decimal
    high: Decimal
    unit: str
    qualifier: str
    qualifier_end: int  # after the qualifier (= end without one)
    base: bool = False


@dataclasses.dataclass(frozen=True)
class Name:
    start: int
    end: int
    indicator: Indicator | None


def _chinese_unit(number: str, unit: str, units: Sequence[str]) -> tuple[Decimal, str] | None:
    """A Chinese numeral's value in its largest magnitude: (2050, 亿元) for 二千零五十 + 亿元,
    (1387.4, 亿元) for 一千三百八十七亿四千 + 万元; None if that unit is not in `units`."""
    magnitude = next((m for m in MAGNITUDE_ORDER if unit.startswith(m)), "")
    full = number + magnitude
    value = chinese_number(full)
    if full.endswith("万亿"):
        largest = "万亿"
    else:
        largest = next((m for m in MAGNITUDE_ORDER if m in full), "")
    new_unit = largest + unit[len(magnitude) :]
    if new_unit not in units:
        return None
    return value / _MAGNITUDES[largest] if largest else value, new_unit


def _qualifier(text: str, start: int, end: int, vocabulary: Vocabulary) -> tuple[str, int]:
    """The qualifier of a figure text[start:end] and where it ends."""
    after = text[end:].lstrip(" ")
    offset = len(text) - end - len(after)
    for word, canonical in vocabulary.after_forms:
        if after.startswith(word):
            return canonical, end + offset + len(word)
    before = text[:start]
    for word, canonical in vocabulary.before_forms:
        if before.endswith(word):
            return canonical, end
    return "", end


def quantities(text: str, vocabulary: Vocabulary) -> list[Quantity]:
    """The quantities of `text`, in order (bases of a change marked `base`)."""
    found = []
    for match in vocabulary.quantity.finditer(text):
        percent = any(match.group(key) for key in ("pct1", "p1", "pct2", "p2"))
        first_unit = match.group("unit1")
        if percent:
            unit = PERCENT
        elif first_unit and match.group("n2") and match.group("unit") != first_unit:
            continue  # 50万人到2025年: no range (and no figure read there)
        else:
            unit = first_unit or match.group("unit")
        if not unit:
            continue
        numbers = [match.group("n1")]
        # A range, unless only its first number is marked (5%到2025年: the figure is 5%).
        second_marked = match.group("p2") or match.group("pct2") or first_unit
        if match.group("n2") and (second_marked or not match.group("p1")):
            numbers.append(match.group("n2"))
        values, units = [], set()
        for number in numbers:
            if percent or re.fullmatch(_ARABIC, number):
                values.append(parse_number(number))
                units.add(unit)
                continue
            converted = _chinese_unit(number, unit, vocabulary.units)
            if converted is not None:
                values.append(converted[0])
                units.add(converted[1])
        if len(values) != len(numbers) or len(units) != 1:
            continue  # a magnitude that makes no unit of the list, or two units in a range
        (unit,) = units
        if percent:
            keys = ("n1", "p1", "n2", "p2")[: 2 * len(numbers)]
            end = max(match.end(key) for key in keys if match.group(key))
        elif len(numbers) == 1 and first_unit:
            end = match.end("unit1")
        else:
            end = match.end()
        low, high = min(values), max(values)
        qualifier, qualifier_end = _qualifier(text, match.start(), end, vocabulary)
        found.append(Quantity(match.start(), end, low, high, unit, qualifier, qualifier_end))
    cues = vocabulary.cue_patterns
    for quantity in found:
        quantity.base = bool(
            cues["base_after"].search(text[quantity.qualifier_end :])
            or cues["base_before"].search(text[: quantity.start])
        )
    return found


def names(text: str, vocabulary: Vocabulary) -> list[Name]:
    """The indicators' names and the blockers in `text`: where matches overlap, the one that
    starts first, then the longer, wins."""
    candidates = [
        (match.start(), -(match.end() - match.start()), match.end(), indicator)
        for pattern, indicator in vocabulary.names
        for match in pattern.finditer(text)
        if match.end() > match.start()
    ]
    chosen: list[Name] = []
    for start, _, end, indicator in sorted(candidates, key=lambda item: item[:2]):
        if not chosen or start >= chosen[-1].end:
            chosen.append(Name(start, end, indicator))
    return chosen


def _spans(text: str, ends: str) -> list[tuple[int, int]]:
    """[start, end) of the pieces of `text` cut after each character of `ends`."""
    spans, start = [], 0
    for position, ch in enumerate(text):
        if ch in ends:
            spans.append((start, position + 1))
            start = position + 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


@dataclasses.dataclass(frozen=True, order=True)
class Cue:
    position: int
    frame: str
    holds: bool  # to the end of the paragraph (else of its sentence)
    weak: bool = False  # frames only what nothing else frames (cued parts)


def _cues(text: str, vocabulary: Vocabulary, cued: bool, year: int | None) -> list[Cue]:
    """The cues of a text, in order: those of `past_topic` and (in cued parts, where all the
    words of `cued_current` and `target_statement` are weak) of `target_statement` hold to the
    paragraph's end, all others to their sentence's."""
    patterns = vocabulary.cue_patterns
    keys = [
        ("current", TARGET, False, False),
        ("past", ACHIEVED, False, False),
        ("past_topic", ACHIEVED, True, False),
        ("other_periods", NO_FRAME, False, False),
    ]
    if cued:
        keys += [("cued_current", TARGET, False, True), ("target_statement", TARGET, True, True)]
    found = [
        Cue(match.start(), frame, holds, weak)
        for key, frame, holds, weak in keys
        for match in patterns[key].finditer(text)
    ]
    if year is not None:
        for match in _YEAR.finditer(text):
            before = "比" if match.group("base") else match.group("before")
            frame = _year_frame(int(parse_number(match.group("year"))), before, year)
            if frame is not None:
                found.append(Cue(match.start("year"), frame, False))
    return sorted(found)


def _year_frame(named: int, before: str, year: int) -> str | None:
    """The frame a year named in the text sets in a report of `year` (None: no cue)."""
    if before == "按":
        return None  # a price base: 按一九五二年不变价格计算
    if before in ("到", "至"):
        return NO_FRAME if named > year + 1 else None
    if before:
        # a comparison base: 比上年 (or 比前年, the base of last year's results) is an annual
        # change, 比2002年 one over years
        return NO_FRAME if named < year - 2 else None
    if named in (year, year + 1):
        return TARGET
    return ACHIEVED if named == year - 1 else NO_FRAME


def _frame(cues: Sequence[Cue], start: int, position: int, carried: str | None) -> str | None:
    """The frame at `position` of a sentence starting at `start`: the last cue before it in the
    sentence, else the last cue of an earlier sentence that holds, else `carried`; where that
    leaves none, target if a weak cue stands before it (in the sentence, or holding)."""

    def before(cue: Cue) -> bool:
        return start <= cue.position < position or (cue.holds and cue.position < start)

    strong = [cue for cue in cues if not cue.weak]
    in_sentence = [cue.frame for cue in strong if start <= cue.position < position]
    held = [cue.frame for cue in strong if cue.holds and cue.position < start]
    frame = in_sentence[-1] if in_sentence else held[-1] if held else carried
    if frame is None and any(cue.weak and before(cue) for cue in cues):
        return TARGET
    return frame


def _continues(gap: str, vocabulary: Vocabulary) -> bool:
    """Whether the clauses of `gap` after its first (the one holding the name) continue it."""
    pieces = re.split(f"[{CLAUSE_END}]", gap)
    pattern = vocabulary.cue_patterns["continuation"]
    return all(pattern.match(piece.lstrip()) for piece in pieces[1:])


def _clause_bounds(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clauses of text[lo:hi] (a sentence) around text[start:end]."""
    left = max((text.rfind(ch, lo, start) for ch in CLAUSE_END), default=-1)
    left = max(left + 1, lo)
    rights = [p for p in (text.find(ch, end, hi) for ch in CLAUSE_END) if p != -1]
    right = min(rights) if rights else hi
    return left, right


def _link(text, lo, hi, found_names, found_quantities, vocabulary, settings):
    """{quantity position in found_quantities: name} for the figures of one sentence."""
    links: dict[int, Name] = {}
    used: set[int] = set()
    runs: set[int] = set()
    candidates = [i for i, q in enumerate(found_quantities) if not q.base]
    # 分别: names joined before it, figures after it, paired in order.
    for match in re.finditer(RESPECTIVELY, text[lo:hi]):
        at = lo + match.start()
        before = [n for n in found_names if n.end <= at]
        run_names: list[Name] = []
        reach = before and at - before[-1].end <= settings.max_gap
        if reach and not _has_end(text, before[-1].end, at):
            run_names = [before[-1]]
            for name in reversed(before[:-1]):
                if text[name.end : run_names[0].start] in JOINERS:
                    run_names.insert(0, name)
                else:
                    break
        after = [i for i in candidates if found_quantities[i].start >= at + len(RESPECTIVELY)]
        run: list[int] = []
        if after:
            first = found_quantities[after[0]]
            gap = text[at + len(RESPECTIVELY) : first.start]
            if len(gap) <= settings.max_gap and not _has_end(text, at, first.start):
                run = [after[0]]
                for i in after[1:]:
                    previous = found_quantities[run[-1]]
                    if text[previous.qualifier_end : found_quantities[i].start] in JOINERS:
                        run.append(i)
                    else:
                        break
        if len(run) < 2:
            continue
        runs.update(run)
        shared = found_quantities[run[-1]].qualifier
        for i in run:
            if not found_quantities[i].qualifier:
                found_quantities[i].qualifier = shared
        if len(run_names) != len(run):
            continue
        gap = text[run_names[-1].end : found_quantities[run[0]].start]
        pairs = list(zip(run_names, run, strict=True))
        if all(
            name.indicator is not None
            and name.indicator.fits(text[name.start : name.end], gap, found_quantities[i].unit)
            for name, i in pairs
        ):
            for name, i in pairs:
                links[i] = name
                used.add(name.start)
    for i in candidates:
        if i in runs:
            continue
        quantity = found_quantities[i]
        before = [n for n in found_names if lo <= n.start and n.end <= quantity.start]
        if not before:
            continue
        name = before[-1]
        if name.indicator is None or name.start in used:
            continue
        gap = text[name.end : quantity.start]
        if len(gap) > settings.max_gap or _has_end(text, name.end, quantity.start, SENTENCE_END):
            continue
        if not _continues(gap, vocabulary):
            continue
        if not name.indicator.fits(text[name.start : name.end], gap, quantity.unit):
            continue
        links[i] = name
        used.add(name.start)
    # A figure before 的 and a name (8%左右的国内生产总值增长目标).
    for i in candidates:
        quantity = found_quantities[i]
        if i in links or i in runs or not text.startswith(OF, quantity.qualifier_end):
            continue
        at = quantity.qualifier_end + len(OF)
        name = next((n for n in found_names if n.start == at), None)
        if name is None or name.indicator is None or name.start in used:
            continue
        following = re.split(f"[{CLAUSE_END}{SENTENCE_END}]", text[name.end : hi])[0]
        following = following[: settings.max_gap]
        if name.indicator.fits(text[name.start : name.end], following, quantity.unit):
            links[i] = name
            used.add(name.start)
    return links


def _has_end(text: str, start: int, end: int, ends: str = SENTENCE_END + CLAUSE_END) -> bool:
    return any(ch in ends for ch in text[start:end])


def _row(indicator, kind, quantity, sentence, index) -> dict:
    return {
        "indicator": indicator,
        "kind": kind,
        "low": plain_number(quantity.low),
        "high": plain_number(quantity.high),
        "unit": quantity.unit,
        "qualifier": quantity.qualifier,
        "sentence": sentence,
        "index": index,
    }


def _paragraph_rows(paragraph, frame, statement_from, year, cued, settings):
    """The (position, row) of one paragraph; if it is a lead (…：), the frame it passes to the
    next paragraph and 0 if it is a target statement (else None, None)."""
    vocabulary = settings.indicators
    text = paragraph["text"]
    cues = _cues(text, vocabulary, cued, year)
    statements = [m.start() for m in vocabulary.cue_patterns["target_statement"].finditer(text)]
    starts = [at for at in (statement_from, *statements) if at is not None]
    statement_start = min(starts) if starts else None
    found_quantities = quantities(text, vocabulary)
    # (Names only matter beside a quantity: most paragraphs state none.)
    found_names = names(text, vocabulary) if found_quantities else []
    rows = []
    for lo, hi in _spans(text, SENTENCE_END):
        in_sentence = [q for q in found_quantities if lo <= q.start < hi]
        if not in_sentence:
            continue
        sentence_names = [n for n in found_names if lo <= n.start < hi]
        links = _link(text, lo, hi, sentence_names, in_sentence, vocabulary, settings)
        linked_clauses = {
            _clause_bounds(text, in_sentence[i].start, in_sentence[i].end, lo, hi) for i in links
        }
        for i, quantity in enumerate(in_sentence):
            if quantity.base:
                continue
            kind = _frame(cues, lo, quantity.start, frame)
            name = links.get(i)
            if name is not None:
                if kind not in name.indicator.kinds:
                    continue
                if kind == ACHIEVED and _is_planned(text, lo, hi, name, quantity, vocabulary):
                    continue
                # (the names joined before 分别 share this clause: 、 ends none)
                first, code = min(name.start, quantity.start), name.indicator.code
            elif (
                settings.keep_other
                and kind == TARGET
                and statement_start is not None
                and quantity.start >= statement_start
                and _clause_bounds(text, quantity.start, quantity.end, lo, hi) not in linked_clauses
            ):
                first, code = quantity.start, OTHER
            else:
                continue
            left, _ = _clause_bounds(text, first, first, lo, hi)
            _, right = _clause_bounds(text, quantity.start, quantity.qualifier_end, lo, hi)
            sentence = text[left:right].rstrip(SENTENCE_END).strip()
            rows.append((quantity.start, _row(code, kind, quantity, sentence, paragraph["index"])))
    last_frame = _frame(cues, len(text), len(text), frame)
    is_lead = text.rstrip().endswith(("：", ":"))
    lead_statement = 0 if is_lead and statements else None
    return rows, last_frame if is_lead else None, lead_statement


def _is_planned(text, lo, hi, name: Name, quantity: Quantity, vocabulary: Vocabulary) -> bool:
    """Whether a figure of the past is what was planned (计划为…, …的预定目标), not a result."""
    patterns = vocabulary.cue_patterns
    left, _ = _clause_bounds(text, name.start, name.start, lo, hi)
    return bool(
        patterns["target_mention"].search(text[quantity.qualifier_end :])
        or patterns["planned"].search(text[left : quantity.start])
    )


def heading_frame(section: Sequence[str], vocabulary: Vocabulary, year: int | None) -> str | None:
    """The frame the section headings of a paragraph set (the last cue of the innermost heading
    that has one: 二、“十三五”时期主要目标任务 → none, 一、2024年工作回顾 → achieved), or None."""
    for heading in reversed(section):
        cues = _cues(heading, vocabulary, False, year)
        if cues:
            return cues[-1].frame
    return None


def extract(
    paragraphs: Iterable[Mapping], settings: TargetSettings, year: int | None = None
) -> list[dict]:
    """The stated quantities of one report's paragraphs (results/corpus/text/{report_id}.jsonl:
    index, part, heading, text), as rows with the keys ROW_KEYS, in the order of the text. `year`
    (the report's) lets the years named in the text set the frame (module docstring)."""
    vocabulary = settings.indicators
    rows: list[tuple[int, int, dict]] = []
    carried_frame, carried_statement = None, None
    for paragraph in paragraphs:
        part = paragraph["part"]
        if paragraph.get("heading"):
            continue
        if part in settings.target_parts:
            default, cued = TARGET, False
        elif part in settings.achieved_parts:
            default, cued = ACHIEVED, False
        elif part in settings.cued_parts:
            default, cued = None, True
        else:
            carried_frame = carried_statement = None
            continue
        frame = carried_frame or heading_frame(paragraph.get("section") or (), vocabulary, year)
        found, carried_frame, carried_statement = _paragraph_rows(
            paragraph, frame or default, carried_statement, year, cued, settings
        )
        rows += [(paragraph["index"], position, row) for position, row in found]
    rows.sort(key=lambda item: item[:2])
    result, seen = [], set()
    for _, _, row in rows:
        key = tuple(row[k] for k in ("indicator", "kind", "low", "high", "unit", "qualifier"))
        if row["indicator"] == OTHER:
            key += (row["sentence"],)
        if not settings.keep_repeats and key in seen:
            continue
        seen.add(key)
        result.append(row)
    return result
