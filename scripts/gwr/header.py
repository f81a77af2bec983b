"""A report's header: its title, session line and speaker line, and what they say of its region,
year, session date and speaker.
"""

import dataclasses
import re
from collections.abc import Sequence

from gwr.regions import CJK, NATIONAL_REGION, is_region_name, region_level, region_units

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
_TITLE = re.compile(r"(?:(?P<year>\d{4})年)?(?P<region>[^0-9，。：；！？]{0,20}?)政府工作报告")
_OFFICE = r"代理省长|代理市长|代理区长|代理县长|代理主席|代省长|代市长|代区长|代县长"
_OFFICE += r"|省长|市长|区长|县长|州长|盟长|旗长|主席|总理"
_NAME = rf"[{CJK}]{{1,4}}(?:·[{CJK}]{{1,10}})?"
_SPEAKER_AFTER = re.compile(rf"(?P<office>{_OFFICE})\s*(?P<name>{_NAME}?)(?=在|作|$|\s|（|，)")
_SPEAKER_BEFORE = re.compile(rf"(?:^|(?<=[日 —]))(?P<name>{_NAME})(?P<office>{_OFFICE})在")
_GOVERNMENT = re.compile(r"(?P<region>.{2,24}?)(?:人民政府|政府)?$")


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
        name = re.sub(r"同志$", "", match.group("name")) or match.group("name")
        return f"{match.group('office')} {name}", region
    return "", ""


@dataclasses.dataclass
class Header:
    region: str = ""
    parent: str = ""
    level: str = ""
    year: int | None = None
    session_date: str = ""
    speaker: str = ""


def parse_header(title: str, header: Sequence[str]) -> Header:
    """Region, parent, level, year, date and speaker from a report's title and header lines."""
    joined = "".join(line.replace(" ", "") for line in header)
    result = Header()
    result.session_date = parse_date(" ".join(header)) or ""
    title_match = _TITLE.search(title.replace(" ", ""))
    title_region = title_match.group("region") if title_match else ""
    if title_match and title_match.group("year"):
        result.year = int(title_match.group("year"))
    elif result.session_date:
        result.year = int(result.session_date[:4])
    result.speaker, speaker_region = find_speaker(header)

    full_name = ""
    if _NATIONAL_SESSION.search(joined):
        full_name = NATIONAL_REGION
    else:
        session = _SESSION.search(joined)
        if session:
            full_name = session.group("region")
    # The session line gives the official full name (广西壮族自治区, not 广西); fall back to the
    # speaker's government, then to the title.
    candidates = [name for name in (full_name, speaker_region) if is_region_name(name)]
    full_name = (candidates + [title_region])[0]
    units = region_units(full_name) if full_name else [""]
    result.region = units[-1]
    result.parent = units[-2] if len(units) > 1 else ""
    if result.region:
        result.level = region_level(result.region)
    return result


def _is_title(normalised: str) -> bool:
    compact = normalised.replace(" ", "")
    return bool(_TITLE.fullmatch(compact)) and len(compact) <= 30
