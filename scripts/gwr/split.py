"""Split input texts into one clean document per government work report.

An input file is either a compendium holding several reports (the bundled Beijing seed) or a file
holding one report (the provincial corpus). A report is recognised by its title line
(…政府工作报告), followed within a few lines by the opening salutation 各位代表. Region, year,
session date and speaker are read from the report's own header; an optional manifest overrides
them for texts without one. Every source line ends up either in a report (header, body or
appendix) or in the list of dropped lines, so that nothing is thrown away silently.

The pure functions here are called by the tests; `main` is the thin entry for Snakemake.
"""

import dataclasses
import functools
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from gwr.io import (
    InputError,
    jsonl_text,
    read_csv,
    replace_directory,
    setup_logging,
    write_csv,
)
from gwr.regions import (
    CJK,
    NATIONAL_REGION,
    is_region_name,
    region_level,
    region_units,
    report_id,
    report_labels,
)
from gwr.text import (
    decode_bytes,
    html_to_text,
    looks_like_html,
    normalise_line,
    source_lines,
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


# --- report structure --------------------------------------------------------------------------

OPENING = re.compile(r"^各位代表")
SALUTATION_ONLY = re.compile(r"^各位代表[：！，。!:,]?$")
TOC_LINE = re.compile(r"^(?P<entry>.+?)\s*(?:[.．·…。]{5,}|…{2,})\s*(?P<page>\d+)?$")
TOP_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}、")
SUB_HEADING = re.compile(r"^（[一二三四五六七八九十]{1,3}）")
GLOSSARY_ENTRY = re.compile(
    r"^(?P<number>\d{1,3}) ?[.．、] ?(?P<term>[^：:]{1,60}?) ?[：:] ?(?P<definition>.+)$"
)


@functools.lru_cache(maxsize=64)
def _alternatives(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns) or r"(?!)")


@dataclasses.dataclass(frozen=True)
class Settings:
    """The splitting parameters (config section `split`)."""

    encodings: tuple[str, ...]
    max_header_lines: int
    max_heading_chars: int
    appendix_headings: tuple[str, ...]
    glossary_headings: tuple[str, ...]
    debris_lines: tuple[str, ...]
    review_keywords: tuple[str, ...]
    plans_keywords: tuple[str, ...]
    government_keywords: tuple[str, ...]
    unnumbered_headings: tuple[str, ...]
    max_debris_chars: int
    max_line_chars: int

    @classmethod
    def from_params(cls, params) -> "Settings":
        # Every field from the params (the schema gives each key its default): no defaults here.
        values = {field.name: params[field.name] for field in dataclasses.fields(cls)}
        for key, value in values.items():
            if isinstance(value, list):
                values[key] = tuple(value)
        return cls(**values)

    def compiled(self, name: str) -> re.Pattern:
        return _alternatives(getattr(self, name))

    def is_debris(self, line: str) -> bool:
        return len(line) <= self.max_debris_chars and bool(
            self.compiled("debris_lines").fullmatch(line)
        )


@dataclasses.dataclass
class Paragraph:
    line: int
    text: str
    part: str = ""
    section: tuple[str, ...] = ()
    heading: int = 0


@dataclasses.dataclass
class Report:
    source_file: str
    first_line: int
    last_line: int
    title: str
    header: Header
    paragraphs: list[Paragraph]
    appendix: list[Paragraph]
    source_characters: int
    report_id: str = ""
    glossary: list[dict] = dataclasses.field(default_factory=list)

    @property
    def body_characters(self) -> int:
        return sum(len(paragraph.text) for paragraph in self.paragraphs)


@dataclasses.dataclass
class SourceResult:
    source_file: str
    encoding: str
    lines: int
    characters: int
    reports: list[Report]
    dropped: list[dict]
    toc: list[dict]
    broken_lines: list[int] = dataclasses.field(default_factory=list)

    @property
    def characters_dropped(self) -> int:
        return sum(row["characters"] for row in self.dropped)


def _is_title(normalised: str) -> bool:
    compact = normalised.replace(" ", "")
    return bool(_TITLE.fullmatch(compact)) and len(compact) <= 30


def _merge_salutations(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A line that holds only 各位代表： belongs to the paragraph that follows it."""
    merged: list[Paragraph] = []
    pending: Paragraph | None = None
    for paragraph in paragraphs:
        if pending is not None:
            paragraph = Paragraph(pending.line, pending.text + paragraph.text)
            pending = None
        if SALUTATION_ONLY.match(paragraph.text):
            pending = paragraph
            continue
        merged.append(paragraph)
    if pending is not None:
        merged.append(pending)
    return merged


_PUNCTUATION = re.compile(r"[，。；：！？、]")


def _merge_heading_continuations(paragraphs: list[Paragraph], settings: Settings) -> None:
    """Join a heading broken over two lines (三、持续提升政府 / 治理效能和服务水平)."""
    index = 0
    while index + 1 < len(paragraphs):
        head, follower = paragraphs[index], paragraphs[index + 1]
        if (
            (TOP_HEADING.match(head.text) or SUB_HEADING.match(head.text))
            and _heading_text(head.text, settings)[1]
            and "。" not in head.text
            and not _PUNCTUATION.search(follower.text)
            and len(head.text + follower.text) <= settings.max_heading_chars
            and not (TOP_HEADING.match(follower.text) or SUB_HEADING.match(follower.text))
            and not settings.compiled("unnumbered_headings").fullmatch(follower.text)
        ):
            head.text += follower.text
            del paragraphs[index + 1]
        index += 1


def _heading_text(text: str, settings: Settings) -> tuple[str, bool]:
    """(section name, whether the whole paragraph is the heading) for a numbered heading."""
    if len(text) <= settings.max_heading_chars and "。" not in text.rstrip("。"):
        return text.rstrip("。"), True
    return text.split("。", 1)[0], False


def _top_part(heading: str, position: int, settings: Settings) -> str:
    if any(keyword in heading for keyword in settings.government_keywords):
        return "government"
    if any(keyword in heading for keyword in settings.review_keywords):
        return "review"
    if any(keyword in heading for keyword in settings.plans_keywords) or re.search(
        r"\d{4}", heading
    ):
        return "plans"
    if "政府" in heading:
        return "government"
    return "review" if position == 0 else "plans"


def assign_parts(paragraphs: list[Paragraph], settings: Settings) -> list[Paragraph]:
    """Give each body paragraph its part, section path and heading level."""
    paragraphs = _merge_salutations(paragraphs)
    if not paragraphs:
        return paragraphs
    _merge_heading_continuations(paragraphs, settings)
    unnumbered = settings.compiled("unnumbered_headings")
    openings = [i for i, p in enumerate(paragraphs) if OPENING.match(p.text)]
    closing_start = openings[-1] if openings and openings[-1] > 0 else len(paragraphs)
    top_count = 0
    part, top, sub = "opening", "", ""
    sub_part = ""
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.text
        if index >= closing_start:
            paragraph.part, paragraph.section = "closing", ()
            continue
        is_unnumbered = (
            len(text) <= settings.max_heading_chars
            and "。" not in text
            and unnumbered.fullmatch(text)
        )
        if index > 0 and (TOP_HEADING.match(text) or is_unnumbered):
            name, whole = _heading_text(text, settings)
            part = _top_part(name, top_count, settings)
            top_count += 1
            top, sub, sub_part = name, "", ""
            paragraph.heading = 1 if whole else 0
        elif index > 0 and top and SUB_HEADING.match(text):
            name, whole = _heading_text(text, settings)
            sub = name
            sub_part = "government" if any(k in name for k in settings.government_keywords) else ""
            paragraph.heading = 2 if whole else 0
        elif index > 0 and OPENING.match(text):
            # A paragraph addressed to the deputies closes the current subsection. In the plans,
            # "各位代表！新形势、新任务对政府自身建设提出了更高要求…" opens the part on the
            # government's own conduct in reports that give it no heading of its own.
            sub, sub_part = "", ""
            if part == "plans" and any(k in text for k in settings.government_keywords):
                part = "government"
        paragraph.part = sub_part or part
        if index > 0 and not top:
            paragraph.part = "opening"
        paragraph.section = tuple(name for name in (top, sub) if name)
    if top_count == 0:
        for paragraph in paragraphs[1:closing_start]:
            paragraph.part = "other"
    return paragraphs


def parse_glossary(appendix: list[Paragraph], settings: Settings) -> list[dict]:
    """Numbered `term：definition` entries under a 名词解释 heading of an appendix."""
    glossary_heading = settings.compiled("glossary_headings")
    appendix_heading = settings.compiled("appendix_headings")
    entries, active = [], False
    for paragraph in appendix:
        if paragraph.heading:
            active = bool(glossary_heading.fullmatch(paragraph.text)) or (
                active and not appendix_heading.fullmatch(paragraph.text)
            )
            continue
        match = GLOSSARY_ENTRY.match(paragraph.text) if active else None
        if match:
            entries.append(
                {
                    "number": int(match.group("number")),
                    "term": match.group("term").strip(),
                    "definition": match.group("definition").strip(),
                    "line": paragraph.line,
                }
            )
    return entries


def _appendix_paragraphs(lines: list[tuple[int, str]], settings: Settings) -> list[Paragraph]:
    appendix_heading = settings.compiled("appendix_headings")
    glossary_heading = settings.compiled("glossary_headings")
    paragraphs = []
    for number, text in lines:
        is_heading = len(text) <= settings.max_heading_chars and bool(
            appendix_heading.fullmatch(text) or glossary_heading.fullmatch(text)
        )
        paragraphs.append(Paragraph(number, text, "appendix", (), 1 if is_heading else 0))
    section = ""
    for paragraph in paragraphs:
        if paragraph.heading:
            section = paragraph.text
        paragraph.section = (section,) if section else ()
    return paragraphs


def _build_report(
    source_file: str,
    raw: list[str],
    numbers: list[int],
    norm: list[str],
    owner: list[str | None],
    title_index: int,
    opening_index: int,
    span_end: int,
    settings: Settings,
) -> Report:
    """One report from its title line to the end of its body or appendix.

    The closing appeal starts at the last paragraph of the span that opens with 各位代表; an
    appendix starts at the first appendix heading after it. Web debris after the closing appeal
    ends the report (everything after it up to the next report is dropped); debris before it
    (a page break, a share widget) is dropped line by line and the report goes on.
    """
    appendix_heading = settings.compiled("appendix_headings")
    glossary_heading = settings.compiled("glossary_headings")
    closing = max(
        (i for i in range(opening_index, span_end) if OPENING.match(norm[i])),
        default=opening_index,
    )
    end = next(
        (i for i in range(closing + 1, span_end) if norm[i] and settings.is_debris(norm[i])),
        span_end,
    )
    appendix_start = next(
        (
            i
            for i in range(closing + 1, end)
            if norm[i]
            and len(norm[i]) <= settings.max_heading_chars
            and (appendix_heading.fullmatch(norm[i]) or glossary_heading.fullmatch(norm[i]))
        ),
        end,
    )
    body_lines, appendix_lines = [], []
    for i in range(opening_index, end):
        if not norm[i]:
            continue
        if settings.is_debris(norm[i]):
            owner[i] = "web_debris"
            continue
        (body_lines if i < appendix_start else appendix_lines).append((i, norm[i]))
    last = (appendix_lines or body_lines)[-1][0] if body_lines or appendix_lines else opening_index
    for i in range(title_index, last + 1):
        if owner[i] is None:
            owner[i] = "report"
    header_lines = [norm[i] for i in range(title_index + 1, opening_index) if norm[i]]
    appendix = _appendix_paragraphs([(numbers[i], t) for i, t in appendix_lines], settings)
    report = Report(
        source_file=source_file,
        first_line=numbers[title_index],
        last_line=numbers[last],
        title=norm[title_index],
        header=parse_header(norm[title_index], header_lines),
        paragraphs=assign_parts([Paragraph(numbers[i], t) for i, t in body_lines], settings),
        appendix=appendix,
        source_characters=sum(
            len(raw[i]) for i in range(title_index, last + 1) if owner[i] == "report"
        ),
    )
    report.glossary = parse_glossary(appendix, settings)
    return report


def split_source(
    source_file: str,
    text: str,
    settings: Settings,
    manifest_entry: dict | None = None,
    encoding: str = "utf-8",
) -> SourceResult:
    """Find the reports in one decoded source text."""
    raw, numbers, broken = source_lines(text, settings.max_line_chars)
    norm = [normalise_line(line) for line in raw]
    count = len(raw)
    owner: list[str | None] = [None] * count  # 'report' or a reason for dropping
    toc = []

    # Report starts: a title line followed, within max_header_lines non-empty lines, by 各位代表.
    starts: list[tuple[int, int]] = []  # (title index, opening index)
    index = 0
    while index < count:
        if _is_title(norm[index]):
            seen, probe = 0, index + 1
            while probe < count and seen < settings.max_header_lines:
                if norm[probe]:
                    if OPENING.match(norm[probe]):
                        starts.append((index, probe))
                        break
                    seen += 1
                probe += 1
            else:
                probe = index
            index = max(probe, index) + 1
            continue
        index += 1
    if manifest_entry and manifest_entry.get("region") and len(starts) > 1:
        raise InputError(
            f"{source_file}: the manifest gives one region ({manifest_entry['region']}) for a file "
            f"that holds {len(starts)} reports. Leave `region` empty for this file in the manifest "
            "(the reports' headers name their regions), or split the file."
        )
    if not starts and manifest_entry:
        openings = [i for i, line in enumerate(norm) if OPENING.match(line)]
        first = next((i for i, line in enumerate(norm) if line), 0)
        starts = [(first, openings[0] if openings else first)]

    reports = []
    for number, (title_index, opening_index) in enumerate(starts):
        span_end = starts[number + 1][0] if number + 1 < len(starts) else count
        report = _build_report(
            source_file, raw, numbers, norm, owner, title_index, opening_index, span_end, settings
        )
        if manifest_entry:
            report.header = _apply_manifest(report.header, manifest_entry)
        reports.append(report)

    for i, line in enumerate(norm):
        if owner[i] is None and line:
            match = TOC_LINE.fullmatch(line)
            if match and (not reports or numbers[i] < reports[0].first_line):
                owner[i] = "table_of_contents"
                entry = match.group("entry").replace(" ", "")
                listed = re.sub(r"政府工作报告$", "", entry) or entry
                toc.append(
                    {"line": numbers[i], "listed_region": listed, "page": match.group("page")}
                )
            elif settings.is_debris(line):
                owner[i] = "web_debris"
            else:
                owner[i] = "outside_report"
    dropped = [
        {
            "source_file": source_file,
            "line": numbers[i],
            "reason": owner[i],
            "characters": len(raw[i]),
            "text": raw[i],
        }
        for i in range(count)
        if owner[i] not in (None, "report") and raw[i]
    ]
    # Whitespace-only lines outside every report count as dropped too, so the totals add up.
    for i in range(count):
        if owner[i] is None and raw[i]:
            dropped.append(
                {
                    "source_file": source_file,
                    "line": numbers[i],
                    "reason": "blank",
                    "characters": len(raw[i]),
                    "text": raw[i],
                }
            )
    dropped.sort(key=lambda row: row["line"])
    return SourceResult(
        source_file=source_file,
        encoding=encoding,
        lines=numbers[-1] if numbers else 0,
        characters=sum(len(line) for line in raw),
        reports=reports,
        dropped=dropped,
        toc=toc,
        broken_lines=broken,
    )


def _apply_manifest(header: Header, entry: dict) -> Header:
    header = dataclasses.replace(header)
    if entry.get("region"):
        units = region_units(entry["region"])
        header.region = units[-1]
        header.parent = entry.get("parent") or (units[-2] if len(units) > 1 else "")
        header.level = entry.get("level") or region_level(header.region)
    if entry.get("year"):
        header.year = int(entry["year"])
    for key in ("parent", "level", "session_date", "speaker"):
        if entry.get(key):
            setattr(header, key, entry[key])
    return header


# --- identifiers -------------------------------------------------------------------------------


def assign_report_ids(reports: list[Report]) -> None:
    """Give each report its id; two reports of the same region and year are an error."""
    seen: dict[tuple, Report] = {}
    ids: dict[str, Report] = {}
    for report in reports:
        key = (report.header.parent, report.header.region, report.header.year)
        if key in seen:
            other = seen[key]
            raise InputError(
                f"two reports claim the same region and year {report.header.parent}"
                f"{report.header.region} {report.header.year}: {other.source_file} line "
                f"{other.first_line} and {report.source_file} line {report.first_line}. "
                "Remove one of them from `inputs`, or correct the region/year in the manifest."
            )
        seen[key] = report
        identifier = report_id(report.header.region, report.header.parent, report.header.year)
        if identifier in ids:
            full = f"{report.header.parent}{report.header.region}"
            identifier += "-" + hashlib.sha1(full.encode()).hexdigest()[:6]
        ids[identifier] = report
        report.report_id = identifier


# --- the whole corpus --------------------------------------------------------------------------

REPORT_COLUMNS = [
    "report_id",
    "label",
    "region",
    "parent",
    "level",
    "year",
    "session_date",
    "speaker",
    "source_file",
    "first_line",
    "last_line",
    "paragraphs",
    "characters",
    "appendix_paragraphs",
    "glossary_terms",
    "source_characters",
    "title",
]
SOURCE_COLUMNS = [
    "source_file",
    "encoding",
    "lines",
    "characters_read",
    "characters_kept",
    "characters_dropped",
    "reports",
    "long_lines_cut",
]
TOC_COLUMNS = ["source_file", "line", "listed_region", "page", "found", "report_id"]
GLOSSARY_COLUMNS = [
    "report_id",
    "label",
    "region",
    "number",
    "term",
    "definition",
    "source_file",
    "line",
]
DROPPED_COLUMNS = ["source_file", "line", "reason", "characters", "text"]


@dataclasses.dataclass
class Corpus:
    sources: list[SourceResult]

    @property
    def reports(self) -> list[Report]:
        return [report for source in self.sources for report in source.reports]


def read_manifest(path: str | None) -> dict[str, dict]:
    """Read the manifest CSV: file (as in `inputs`), region, year[, parent, level, …]."""
    if not path:
        return {}
    rows = read_csv(path)
    if rows and not {"file", "region", "year"} <= set(rows[0]):
        raise InputError(
            f"{path}: the manifest needs the columns file, region, year "
            f"(it has {', '.join(rows[0])})."
        )
    manifest = {}
    for number, row in enumerate(rows, start=2):
        if row.get("year") and not row["year"].strip().isdigit():
            raise InputError(f"{path} line {number}: year {row['year']!r} is not a number.")
        manifest[row["file"].strip()] = {k: (v or "").strip() for k, v in row.items()}
    return manifest


def split_corpus(
    files: Sequence[str], settings: Settings, manifest: dict[str, dict] | None = None, log=None
) -> Corpus:
    """Read, decode and split every input file; raise InputError on bad input."""
    manifest = manifest or {}
    sources = []
    for path in files:
        data = Path(path).read_bytes()
        text, encoding = decode_bytes(data, path, settings.encodings)
        if log and encoding not in ("utf-8",):
            log.warning("%s: read as %s", path, encoding)
        if looks_like_html(text):
            # Line numbers and characters then refer to the page's text, not its markup.
            text, encoding = html_to_text(text), f"{encoding}, HTML converted to text"
            if log:
                log.warning("%s: an HTML page, not plain text: its text is used", path)
        entry = manifest.get(path) or manifest.get(Path(path).name)
        source = split_source(path, text, settings, entry, encoding)
        if log and source.broken_lines:
            log.warning(
                "%s: %d line(s) longer than %d characters (line %s): the paragraph breaks seem "
                "lost; cut at 各位代表, numbered headings and sentence ends",
                path,
                len(source.broken_lines),
                settings.max_line_chars,
                ", ".join(map(str, source.broken_lines[:10])),
            )
        if not source.reports:
            raise InputError(
                f"{path}: no government work report recognised: no title line "
                "(…政府工作报告) followed within "
                f"{settings.max_header_lines} lines by the opening 各位代表. Give the file a "
                "header or list it in the manifest (`manifest` in the config) with its region "
                "and year."
            )
        for report in source.reports:
            where = f"{path} line {report.first_line}"
            if not report.header.region or not report.header.year:
                raise InputError(
                    f"{where}: cannot tell the report's region or year from its header. "
                    "List the file in the manifest (`manifest` in the config) with region and year."
                )
            if not report.paragraphs:
                raise InputError(f"{where}: the report has no paragraphs after cleaning.")
        sources.append(source)
    corpus = Corpus(sources)
    assign_report_ids(corpus.reports)
    return corpus


def match_toc(corpus: Corpus) -> list[dict]:
    rows = []
    for source in corpus.sources:
        for entry in source.toc:
            found = next(
                (
                    report
                    for report in source.reports
                    if entry["listed_region"]
                    in (report.header.region, report.header.parent + report.header.region)
                ),
                None,
            )
            rows.append(
                {
                    "source_file": source.source_file,
                    "line": entry["line"],
                    "listed_region": entry["listed_region"],
                    "page": entry["page"] or "",
                    "found": "yes" if found else "no",
                    "report_id": found.report_id if found else "",
                }
            )
    return rows


def report_rows(corpus: Corpus) -> list[dict]:
    """One row per report (reports.csv), each with its display label (gwr.regions)."""
    rows = [
        {
            "report_id": report.report_id,
            "region": report.header.region,
            "parent": report.header.parent,
            "level": report.header.level,
            "year": report.header.year,
            "session_date": report.header.session_date,
            "speaker": report.header.speaker,
            "source_file": report.source_file,
            "first_line": report.first_line,
            "last_line": report.last_line,
            "paragraphs": len(report.paragraphs),
            "characters": report.body_characters,
            "appendix_paragraphs": len(report.appendix),
            "glossary_terms": len(report.glossary),
            "source_characters": report.source_characters,
            "title": report.title,
        }
        for report in corpus.reports
    ]
    for row, label in zip(rows, report_labels(rows), strict=True):
        row["label"] = label
    return rows


def paragraph_records(report: Report) -> list[dict]:
    return [
        {
            "index": index,
            "part": paragraph.part,
            "section": list(paragraph.section),
            "heading": paragraph.heading,
            "line": paragraph.line,
            "text": paragraph.text,
        }
        for index, paragraph in enumerate(report.paragraphs + report.appendix)
    ]


def write_outputs(corpus: Corpus, output, log=None) -> None:
    """Write every table; the text directory is swapped in whole."""
    replace_directory(
        output.text,
        {f"{r.report_id}.jsonl": jsonl_text(paragraph_records(r)) for r in corpus.reports},
    )
    toc_rows = match_toc(corpus)
    labels = {row["report_id"]: row["label"] for row in report_rows(corpus)}
    glossary = [
        {
            "report_id": report.report_id,
            "label": labels[report.report_id],
            "region": report.header.region,
            **{key: entry[key] for key in ("number", "term", "definition", "line")},
            "source_file": report.source_file,
        }
        for report in corpus.reports
        for entry in report.glossary
    ]
    dropped = [row for source in corpus.sources for row in source.dropped]
    sources = [
        {
            "source_file": s.source_file,
            "encoding": s.encoding,
            "lines": s.lines,
            "characters_read": s.characters,
            "characters_kept": sum(r.source_characters for r in s.reports),
            "characters_dropped": s.characters_dropped,
            "reports": len(s.reports),
            "long_lines_cut": len(s.broken_lines),
        }
        for s in corpus.sources
    ]
    tables = [
        (output.toc, TOC_COLUMNS, toc_rows),
        (output.glossary, GLOSSARY_COLUMNS, glossary),
        (output.dropped, DROPPED_COLUMNS, dropped),
        (output.sources, SOURCE_COLUMNS, sources),
        # reports.csv last: later steps start from it.
        (output.reports, REPORT_COLUMNS, report_rows(corpus)),
    ]
    for path, header, rows in tables:
        write_csv(path, header, rows)
    if log:
        missing = [row["listed_region"] for row in toc_rows if row["found"] == "no"]
        if missing:
            log.warning(
                "%d reports listed in a table of contents are not in the text: %s",
                len(missing),
                "、".join(missing),
            )
        for report in corpus.reports:
            log.info(
                "%s: %s%s %s, lines %d-%d, %d paragraphs, %d appendix paragraphs, "
                "%d glossary terms",
                report.report_id,
                report.header.parent,
                report.header.region,
                report.header.year,
                report.first_line,
                report.last_line,
                len(report.paragraphs),
                len(report.appendix),
                len(report.glossary),
            )
        log.info("dropped %d lines (see dropped.csv)", len(dropped))


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "split_reports")
    settings = Settings.from_params(snakemake.params.settings)
    # The manifest input is a list: empty, or the one file the config names.
    manifest = read_manifest(next(iter(snakemake.input.manifest), None))
    try:
        corpus = split_corpus(list(snakemake.input.sources), settings, manifest, log)
    except InputError as error:
        log.error("%s", error)
        raise
    write_outputs(corpus, snakemake.output, log)
