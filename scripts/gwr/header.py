"""A report's header: its title, session line and speaker line, and what they say of its region,
year, session date and speaker.
"""

import dataclasses
import re
from collections.abc import Sequence

from gwr.regions import (
    CJK,
    NATIONAL_REGION,
    is_region_name,
    region_level,
    region_units,
    short_name,
)

# --- header fields -----------------------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4}
_CN_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_CN_NUM = "〇零○一二三四五六七八九十"
_DATE = re.compile(
    rf"(\d{{4}}|[{_CN_NUM}Ｏ]{{4}}) ?年 ?(\d{{1,2}}|[{_CN_NUM}]{{1,3}}) ?月 ?"
    rf"(\d{{1,2}}|[{_CN_NUM}]{{1,3}}) ?日"
)


def chinese_number(text: str) -> int:
    """'2024' -> 2024, '二〇二四' -> 2024, '二十一' -> 21, '十' -> 10."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        value = 0
        for char in text:
            value = value * 10 + _CN_DIGITS[char]
        return value
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def parse_date(text: str) -> str | None:
    """The first date in `text` as ISO yyyy-mm-dd, or None."""
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day = (chinese_number(group) for group in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


_SESSION = re.compile(
    r"在(?P<region>[^在，。、]{2,24}?)(?:第[一二三四五六七八九十百\d]{1,4}届)?人民代表大会"
)
_NATIONAL_SESSION = re.compile(r"第[一二三四五六七八九十\d]{1,4}届全国人民代表大会")
# A title: 政府工作报告 with the region and year in either order, a（全文）/（摘要）note after it.
_TITLE = re.compile(
    rf"(?:(?P<year>\d{{4}})年)?(?P<region>[{CJK}·]{{0,20}}?)(?:(?P<year_after>\d{{4}})年度?)?"
    r"(?:人民)?政府工作报告(?:[（(](?:全文|摘要|摘登|节选|实录|图文|文字实录)[）)])?"
)
_TITLE_PARTS = "政府工作报告"
_MAX_TITLE_CHARS = 40
_OFFICE = r"代理省长|代理市长|代理区长|代理县长|代理主席|代省长|代市长|代区长|代县长"
_OFFICE += r"|省长|市长|区长|县长|州长|盟长|旗长|主席|总理"
# A name of one to four characters (a single space may stand between them: 韦 韬), or a name
# with a middle dot (艾尔肯·吐尼亚孜).
_NAME = rf"[{CJK}](?: ?[{CJK}]){{0,3}}(?:·[{CJK}]{{1,10}})?"
_SPEAKER_AFTER = re.compile(rf"(?P<office>{_OFFICE})\s*(?P<name>{_NAME}?)(?=在|作|$|\s|（|，)")
_SPEAKER_BEFORE = re.compile(rf"(?:^|(?<=[日 —]))(?P<name>{_NAME})(?P<office>{_OFFICE})在")
_GOVERNMENT = re.compile(r"(?P<region>.{2,24}?)(?:人民政府|政府)?$")
# The opening names the government that reports: 我代表上海市人民政府 / 我代表国务院.
_OPENING_GOVERNMENT = re.compile(r"我代表(?P<region>[^，。、；]{2,24}?)人民政府")
_OPENING_NATIONAL = re.compile(r"我代表(?:中华人民共和国)?(?:国务院|中央人民政府)")
# A year in a heading of the review (一、2024年工作回顾) or of the plans (二、2025年工作安排).
_HEADING_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})年")
# How far into the body the opening's 我代表… is looked for (paragraphs).
_OPENING_PARAGRAPHS = 8
# The oldest year a report can have (the People's Republic); the latest is next year.
FIRST_YEAR = 1949


def _speaker_name(name: str) -> str:
    return re.sub(r"同志$", "", name.replace(" ", "")) or name.replace(" ", "")


def find_speaker(header: Sequence[str]) -> tuple[str, str]:
    """(speaker as '区长 周金星', the region named before the office) from the header lines."""
    for line in header:
        match = _SPEAKER_AFTER.search(line) or _SPEAKER_BEFORE.search(line)
        if not match or not match.group("name"):
            continue
        prefix = line[: match.start()].split("在")[-1]
        prefix = re.sub(r"^[—\d年月日 ]+", "", prefix).strip()
        region = ""
        if prefix:
            government = _GOVERNMENT.fullmatch(prefix)
            region = government.group("region") if government else ""
            if region.endswith(("自治区人民", "人民")):
                region = ""
        return f"{match.group('office')} {_speaker_name(match.group('name'))}", region
    return "", ""


@dataclasses.dataclass
class Header:
    region: str = ""
    parent: str = ""
    level: str = ""
    year: int | None = None
    session_date: str = ""
    speaker: str = ""
    # Where region and year came from (manifest, title, session_line, speaker_line, opening,
    # review_heading, plans_heading), and what disagreed (one line each, for the log).
    region_source: str = ""
    year_source: str = ""
    warnings: list[str] = dataclasses.field(default_factory=list)


def title_match(normalised: str):
    """The title's match (groups year, region, year_after), or None if the line is no title."""
    compact = normalised.replace(" ", "")
    if len(compact) > _MAX_TITLE_CHARS:
        return None
    return _TITLE.fullmatch(compact)


def _is_title(normalised: str) -> bool:
    return title_match(normalised) is not None


def title_year(title: str) -> int | None:
    match = title_match(title)
    if not match:
        return None
    year = match.group("year") or match.group("year_after")
    return int(year) if year else None


def is_broken_title(first: str, second: str) -> bool:
    """A title broken over two lines (政府工作报 / 告; 2025年浙江省 / 政府工作报告)."""
    first, second = first.replace(" ", ""), second.replace(" ", "")
    if not first or not second or _is_title(first) or not _is_title(first + second):
        return False
    # The break falls inside 政府工作报告, or just before it.
    cut_inside = any(first.endswith(_TITLE_PARTS[:n]) for n in range(1, len(_TITLE_PARTS)))
    return cut_inside or second.startswith(_TITLE_PARTS)


def is_session_line(line: str) -> bool:
    """A line naming the session the report was delivered at (…人民代表大会第三次会议上)."""
    compact = line.replace(" ", "")
    return "人民代表大会" in compact and "会议" in compact and len(compact) <= 120


def is_speaker_line(line: str) -> bool:
    """A short line naming the speaker (省长 王清宪, 北京市东城区人民政府区长 周金星)."""
    if len(line) > 40 or "。" in line:
        return False
    match = _SPEAKER_AFTER.search(line) or _SPEAKER_BEFORE.search(line)
    return bool(match and match.group("name"))


def plausible(year: int, latest: int) -> bool:
    return FIRST_YEAR <= year <= latest


def _region_from_name(full_name: str) -> tuple[str, str]:
    units = region_units(full_name) if full_name else [""]
    return units[-1], units[-2] if len(units) > 1 else ""


def _agree(short: str, full: str) -> bool:
    """Whether a region named in a title (广西, 北京市东城区) and a full name agree."""
    return not short or not full or short in full or full in short or short_name(short) in full


def opening_region(paragraphs: Sequence[str]) -> str:
    """The government the opening says it speaks for: 我代表上海市人民政府 / 我代表国务院."""
    for text in paragraphs[:_OPENING_PARAGRAPHS]:
        if _OPENING_NATIONAL.search(text):
            return NATIONAL_REGION
        match = _OPENING_GOVERNMENT.search(text)
        if match and is_region_name(match.group("region")):
            return match.group("region")
    return ""


def heading_year(headings: Sequence[tuple[str, str]]) -> tuple[int | None, str]:
    """(year, source) from the top-level headings ((text, part) pairs): the review's year + 1
    (一、2024年工作回顾 -> 2025), else the plans' year (二、2025年工作安排 -> 2025)."""
    for wanted, offset, source in (("review", 1, "review_heading"), ("plans", 0, "plans_heading")):
        for text, part in headings:
            match = _HEADING_YEAR.search(text) if part == wanted else None
            # 过去五年 (2018—2022) names a range, not the year reviewed.
            if match and not re.search(r"\d{4}年?[—–\-~～至到]", text):
                return int(match.group("year")) + offset, source
    return None, ""


def parse_header(
    title: str,
    header: Sequence[str],
    where: str = "",
    latest_year: int | None = None,
    body: Sequence[str] = (),
    headings: Sequence[tuple[str, str]] = (),
) -> Header:
    """Region, parent, level, year, date and speaker of a report, from the evidence in order:
    the title, the session line, the speaker line, the opening's 我代表…人民政府, the headings'
    years. Sources and disagreements are recorded in the Header.

    `header`: the lines between the title and the opening; `where`: "file line N" of the title,
    for messages; `body`: the body's first paragraphs; `headings`: (text, part) of top-level
    headings. A year outside 1949…`latest_year` is an InputError naming the line.
    """
    from gwr.io import InputError

    result = Header()
    # The session line, possibly broken over two lines (——2024年1月9日在北京市东城区第十七届 /
    # 人民代表大会第四次会议上); its date, never a web time stamp's (the caller leaves out
    # debris lines).
    pairs = [line + (header[k + 1] if k + 1 < len(header) else "") for k, line in enumerate(header)]
    sessions = [pair for pair in pairs if "人民代表大会" in pair.replace(" ", "")]
    session_text = "".join(line.replace(" ", "") for line in header)
    result.session_date = next((date for line in sessions if (date := parse_date(line))), "")
    match = title_match(title) if title else None
    title_region = match.group("region") if match else ""
    years: list[tuple[int, str]] = []
    if match and title_year(title):
        years.append((title_year(title), "title"))
    if result.session_date:
        years.append((int(result.session_date[:4]), "session_line"))
    if not years:
        year, source = heading_year(headings)
        if year:
            years.append((year, source))
    latest = latest_year if latest_year is not None else 10_000
    for year, source in years:
        if not plausible(year, latest):
            raise InputError(
                f"{where}: the {source.replace('_', ' ')} gives the year {year}, which is not "
                f"plausible for a report (before {FIRST_YEAR} or after {latest}). Correct the "
                "text, or give the year in the manifest (`manifest` in the config)."
            )
    # In the order of the evidence: the title first; a session date that disagrees is named.
    if years:
        result.year, result.year_source = years[0]
        if any(year != result.year for year, _ in years):
            result.warnings.append(
                f"{where}: the title says {result.year}, the session line "
                f"{result.session_date}: the title's year {result.year} is used"
            )
    result.speaker, speaker_region = find_speaker(header)

    session_region = ""
    if _NATIONAL_SESSION.search(session_text):
        session_region = NATIONAL_REGION
    else:
        session = _SESSION.search(session_text)
        if session:
            session_region = session.group("region")
    # The session line gives the official full name (广西壮族自治区, not 广西); then the speaker's
    # government, the title, the opening.
    candidates = [
        (name, source)
        for name, source in (
            (session_region, "session_line"),
            (speaker_region, "speaker_line"),
            (title_region, "title"),
            (opening_region(body), "opening"),
        )
        if name and is_region_name(name)
    ]
    if not candidates and title_region:
        candidates = [(title_region, "title")]
    if candidates:
        full_name, result.region_source = candidates[0]
        result.region, result.parent = _region_from_name(full_name)
        result.level = region_level(result.region)
        if title_region and not _agree(title_region, full_name):
            other = result.region_source.replace("_", " ")
            result.warnings.append(
                f"{where}: the title names {title_region}, the {other} {full_name}: "
                f"{full_name} is used"
            )
    return result
