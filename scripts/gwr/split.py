"""Split input texts into one clean document per government work report.

An input file is either a compendium holding several reports (the bundled Beijing seed) or a file
holding one report (the provincial corpus). A report is recognised by its title line
(…政府工作报告), followed within a few lines by the opening salutation 各位代表. Region, year,
session date and speaker are read from the report's own header; an optional manifest overrides
them for texts without one. Every source line ends up either in a report (header, body or
appendix) or in the list of dropped lines, so that nothing is thrown away silently.

The pure functions here are called by the tests; `main` is the thin entry for Snakemake.
"""

import csv
import dataclasses
import datetime
import hashlib
import io
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gwr.common_text import SHINGLE, shingle_hashes
from gwr.debris import debris_kind
from gwr.header import (
    Header,
    _is_title,
    is_broken_title,
    is_session_line,
    is_speaker_line,
    parse_date,
    parse_header,
    title_match,
    title_year,
)
from gwr.io import (
    InputError,
    jsonl_text,
    replace_directory,
    setup_logging,
    write_csv,
)
from gwr.readers import EDITED_FILE_ENCODINGS, read_source, read_text_file
from gwr.regions import (
    region_level,
    region_units,
    report_id,
    report_labels,
)
from gwr.structure import (
    OPENING,
    SUB_HEADING,
    TOC_LINE,
    TOP_HEADING,
    Paragraph,
    Settings,
    _appendix_paragraphs,
    assign_parts,
    keyword_part,
    parse_glossary,
)
from gwr.text import normalise_line, source_lines

# Warnings of the split shown on the console (all are in its log).
CONSOLE_WARNINGS = 20


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
    warnings: list[str] = dataclasses.field(default_factory=list)
    # What the reader did to the file (encoding, conversion, re-joined lines), and whether its
    # traditional characters were converted to simplified.
    notes: list[str] = dataclasses.field(default_factory=list)
    converted: bool = False

    @property
    def characters_dropped(self) -> int:
        return sum(row["characters"] for row in self.dropped)


@dataclasses.dataclass
class Start:
    """Where a report begins: its title (or None), its header lines, its first body line."""

    title: int | None
    header: list[int]
    body: int
    # Title lines above the chosen one that belong to no report (a sidebar of links).
    sidebar: list[int] = dataclasses.field(default_factory=list)
    opening_missing: bool = False

    @property
    def first(self) -> int:
        return min([*self.header, *self.sidebar, self.body])


def _title_span(norm: list[str], index: int) -> int:
    """How many lines the title at `index` takes (0: no title there; 2: broken over two)."""
    if _is_title(norm[index]):
        return 1
    following = next((j for j in range(index + 1, len(norm)) if norm[j]), None)
    if (
        following is not None
        and following - index <= 2
        and is_broken_title(norm[index], norm[following])
    ):
        return following - index + 1
    return 0


def _is_header_note(line: str, settings: Settings) -> bool:
    """A line that may stand between a title and the opening: session, speaker, source, date,
    a subtitle, a widget."""
    return (
        is_session_line(line)
        or is_speaker_line(line)
        or debris_kind(line, settings) is not None
        or (len(line) <= settings.max_debris_chars and not line.endswith(_CLOSING_STOPS))
    )


_SENTENCE_END = re.compile(r"[。！？；!?”]")
# A header note (a session line, a source line) never ends like a sentence of the body.
_CLOSING_STOPS = tuple("。！？!?")


def _scan_header(norm: list[str], index: int, span: int, settings: Settings) -> Start | None:
    """The report that begins at the title (`span` lines) or session line at `index`, if any.

    A title begins a report when the opening 各位代表 follows within `max_header_lines`
    non-empty lines, or when a session or speaker line does and the body follows it (a report
    whose opening is missing). A session line without a title begins one only when the opening
    follows. Other titles before the opening are a sidebar of links (different years) or repeat
    the title: the nearest title that names a year or region is the report's.
    """
    count = len(norm)
    titles: list[tuple[int, int]] = [(index, span)] if span else []
    header = list(range(index, index + max(span, 1)))
    named = bool(not span and is_session_line(norm[index]))
    position, seen = index + max(span, 1), 0
    body = None
    while position < count and seen < settings.max_header_lines:
        line = norm[position]
        if not line:
            position += 1
            continue
        if OPENING.match(line):
            body = position
            break
        other = _title_span(norm, position)
        if other:
            titles.append((position, other))
            header.extend(range(position, position + other))
            position += other
            seen += 1
            continue
        if _is_header_note(line, settings):
            named = named or is_session_line(line) or is_speaker_line(line)
            header.append(position)
            position += 1
            seen += 1
            continue
        if span and named:
            body = position
        break
    if body is None:
        return None
    missing = not OPENING.match(norm[body])
    if not titles:
        return Start(None, header, body)
    session_years = {
        int(date[:4]) for i in header if is_session_line(norm[i]) and (date := parse_date(norm[i]))
    }
    texts = {t: _joined(norm, t, n) for t, n in titles}
    # A title naming another year than the session line is a link to another report.
    sidebar = [
        t for t in texts if session_years and title_year(texts[t]) not in (None, *session_years)
    ]
    kept = [(t, n) for t, n in titles if t not in sidebar] or titles[-1:]
    sidebar = [t for t, _ in titles if (t, _) not in kept]
    informative = [
        (t, n) for t, n in kept if title_year(texts[t]) or _title_region(texts[t])
    ] or kept
    if session_years:
        # Titles that agree with the session line repeat the title: the first is the report's.
        chosen = informative[0][0]
    else:
        # Without a session line, titles above the nearest informative one are a sidebar.
        chosen = informative[-1][0]
        sidebar += [t for t, _ in kept if t < chosen]
    sidebar_lines = [i for t, n in titles if t in sidebar for i in range(t, t + n)]
    header = [i for i in header if i not in sidebar_lines and i >= chosen]
    return Start(chosen, header, body, sidebar_lines, missing)


def _joined(norm: list[str], index: int, span: int) -> str:
    return "".join(norm[i] for i in range(index, index + span) if norm[i])


def _title_region(title: str) -> str:
    match = title_match(title)
    return match.group("region") if match else ""


def find_starts(norm: list[str], settings: Settings) -> list[Start]:
    """Every report start of a source, in order (README, "Report boundaries")."""
    starts: list[Start] = []
    index = 0
    while index < len(norm):
        line = norm[index]
        span = _title_span(norm, index) if line else 0
        if span or (line and is_session_line(line)):
            start = _scan_header(norm, index, span, settings)
            if start is not None:
                starts.append(start)
                index = start.body + 1
                continue
        index += 1
    return starts


# The shortest line that may continue the closing appeal (让我们…向前进！).
_MIN_APPEAL_CHARS = 10


def _closing_end(norm: list[str], closing: int, end: int, settings: Settings) -> int:
    """The last line of the closing appeal that starts at `closing` (the last 各位代表): the
    following lines that read as its sentences. The first other line ends it: what comes after
    is an appendix or the page's tail."""
    last = closing
    for i in range(closing + 1, end):
        if not norm[i]:
            continue
        if not _ends_sentence(norm[i], settings):
            break
        last = i
    return last


# A line ends a paragraph when it ends with one of these (or is a heading).
_PARAGRAPH_END = "。！？!?：:；;…”’」』"
# A line that starts with one of these continues the line before it.
_CONTINUATION = "，,、。；;：:）)》」』”’！!？?"
_ENUMERATION = re.compile(
    r"^(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，、]|——|\d+[.．、](?!\d))"
)
_ANY_PUNCTUATION = re.compile(r"[，,、。；;：:！!？?]")
# A section's number on a line of its own (一 / 二 …, as older reports set them).
_LONE_NUMBER = re.compile(r"[一二三四五六七八九十]{1,3}")
# Shorter lines are pieces of a sentence, not headings (在 / 关于 / 一是 on a line of their own).
_MIN_HEADING_CHARS = 4
# A line ending with these is a sentence left open (认真实施《 / …的).
_OPEN_ENDINGS = tuple("《“‘（(「『的在于和与及对把将")


def _rejoin_broken_lines(
    lines: list[tuple[int, str]], raw: list[str], settings: Settings
) -> list[tuple[int, str]]:
    """Lines of one sentence broken apart (a page that set its links on lines of their own:
    …在聽了劉少奇同志 / 關於憲法草案的報告 / 並進行了…) joined again.

    Two layouts are told apart by the blank lines between the body's lines:
    - paragraphs set apart by blank lines (Wikisource, the seed): within a block, a line
      joins the one before it unless that one ends a sentence or is a numbered heading, or the
      line is a heading itself;
    - a paragraph per line (most files): a line joins the one before it only when that one
      ends mid-sentence and is no heading or lead line (一是…, ——…, a short line without
      punctuation: the second line of a heading), and the line starts no paragraph of its own;
      or when it starts with punctuation that continues a sentence (，、。）》).
    A blank line is always a paragraph break (a line of zero-width characters is not blank:
    a page's invisible link mark)."""
    unnumbered = settings.compiled("unnumbered_headings")

    def is_heading(text: str) -> bool:
        return bool(
            TOP_HEADING.match(text)
            or SUB_HEADING.match(text)
            or OPENING.match(text)
            or _LONE_NUMBER.fullmatch(text)
            or (len(text) <= settings.max_heading_chars and unnumbered.fullmatch(text))
        )

    def is_numbered_heading(text: str) -> bool:
        return bool(
            (TOP_HEADING.match(text) or SUB_HEADING.match(text) or _LONE_NUMBER.fullmatch(text))
            and len(text) <= settings.max_heading_chars
            and "。" not in text
        )

    def is_lead(text: str) -> bool:
        # An item's short lead line (一是聚焦全方位扩大内需，着力提消费促投资), or a short line
        # without any punctuation (the second line of a heading broken in two).
        if _ENUMERATION.match(text):
            return _MIN_HEADING_CHARS < len(text) <= settings.max_heading_chars
        return (
            _MIN_HEADING_CHARS <= len(text) <= settings.max_heading_chars
            and not _ANY_PUNCTUATION.search(text)
            and not text.endswith(_OPEN_ENDINGS)
        )

    def gap_is_blank(before: int, after: int) -> bool:
        return not all(raw[j].strip() for j in range(before + 1, after))

    gaps = [gap_is_blank(a, b) for (a, _), (b, _) in zip(lines, lines[1:], strict=False)]
    blocks = bool(gaps) and sum(gaps) >= len(gaps) / 2

    joined: list[tuple[int, str]] = []
    for number, (index, text) in enumerate(lines):
        if not joined or gaps[number - 1] or is_heading(text):
            joined.append((index, text))
            continue
        previous = joined[-1][1]
        ends_sentence = previous.endswith(tuple(_PARAGRAPH_END))
        continues = text.startswith(tuple(_CONTINUATION))
        if blocks:
            join = (continues or not ends_sentence) and not is_numbered_heading(previous)
        else:
            join = not is_heading(previous) and (
                continues
                or (not ends_sentence and not is_lead(previous) and not _ENUMERATION.match(text))
            )
        if join:
            joined[-1] = (joined[-1][0], previous + text)
        else:
            joined.append((index, text))
    return joined


def _trim_tail(lines: list[tuple[int, str]], owner, end: int, settings: Settings) -> None:
    """The page's tail at the end of `lines` (a body without a closing appeal, or an appendix):
    after the last paragraph and the sentences that follow it (as `_closing_end` reads a
    closing appeal), the lines left become `web_tail` when debris lies among or after them
    (本作品是中华人民共和国的 / 法律 / 、 … 公有领域). Without debris after them (an appendix's
    last 主办单位：… line) they stay."""
    last = max(
        (k for k, (_, text) in enumerate(lines) if len(text) > settings.max_debris_chars),
        default=None,
    )
    if last is None:
        return
    while last + 1 < len(lines) and _ends_sentence(lines[last + 1][1], settings):
        last += 1
    if last == len(lines) - 1:
        return
    after = lines[last][0]
    if any(owner[i] not in (None, "report") for i in range(after + 1, end)):
        for i, _ in lines[last + 1 :]:
            owner[i] = "web_tail"
        del lines[last + 1 :]


def _ends_sentence(line: str, settings: Settings) -> bool:
    """A line that reads as a sentence of the report: long enough, ending like a sentence."""
    return (
        len(line) >= _MIN_APPEAL_CHARS
        and bool(_SENTENCE_END.search(line[-1]))
        and debris_kind(line, settings) is None
    )


def _build_report(
    source_file: str,
    raw: list[str],
    numbers: list[int],
    norm: list[str],
    owner: list[str | None],
    start: Start,
    span_end: int,
    settings: Settings,
    latest_year: int | None,
) -> Report:
    """One report from its title line to the end of its body or appendix.

    The closing appeal starts at the last paragraph of the span that opens with 各位代表 and
    ends with the appeal (`_closing_end`). After it come an appendix (from the first appendix or
    glossary heading) or the page's tail: every other line there is dropped, by its kind of
    debris or as `web_tail`. Debris inside the body (a page break, a share widget) is dropped
    line by line and the report goes on.
    """
    appendix_heading = settings.compiled("appendix_headings")
    glossary_heading = settings.compiled("glossary_headings")
    opening_index = start.body
    closing = max(
        (i for i in range(opening_index, span_end) if OPENING.match(norm[i])),
        default=opening_index,
    )
    # Without a closing appeal of its own (older reports), the body runs to the end of the span.
    closing_end = (
        _closing_end(norm, closing, span_end, settings) if closing > opening_index else span_end
    )
    appendix_start = next(
        (
            i
            for i in range(closing + 1, span_end)
            if norm[i]
            and len(norm[i]) <= settings.max_heading_chars
            and (appendix_heading.fullmatch(norm[i]) or glossary_heading.fullmatch(norm[i]))
        ),
        span_end,
    )
    closing_end = min(closing_end, appendix_start - 1)
    # The appendix ends at the first debris line after it (a licence notice, links).
    end = next(
        (
            i
            for i in range(appendix_start + 1, span_end)
            if norm[i] and debris_kind(norm[i], settings)
        ),
        span_end,
    )
    body_lines, appendix_lines = [], []
    for i in range(opening_index, end):
        if not norm[i]:
            continue
        kind = debris_kind(norm[i], settings)
        if kind:
            owner[i] = kind
        elif closing_end < i < appendix_start:
            owner[i] = "web_tail"
        else:
            (body_lines if i <= closing_end else appendix_lines).append((i, norm[i]))
    # With a closing appeal, _closing_end has found the body's end; without one, and after an
    # appendix, the page's tail is what follows the last paragraph.
    for lines in (appendix_lines,) if closing > opening_index else (body_lines, appendix_lines):
        _trim_tail(lines, owner, end, settings)
    body_lines = _rejoin_broken_lines(body_lines, raw, settings)
    last = (appendix_lines or body_lines)[-1][0] if body_lines or appendix_lines else opening_index
    first = start.title if start.title is not None else min(start.header, default=opening_index)
    for i in start.header:
        # A page's time stamp, toolbar or source line between the title and the opening.
        if i != start.title and norm[i] and (kind := debris_kind(norm[i], settings)):
            owner[i] = kind
    for i in range(first, last + 1):
        if owner[i] is None:
            owner[i] = "report"
    title_lines = (
        set(range(start.title, start.title + _title_span(norm, start.title)))
        if start.title is not None
        else set()
    )
    title = "".join(norm[i] for i in sorted(title_lines) if norm[i])
    header_lines = [
        norm[i]
        for i in start.header
        if i not in title_lines
        and i < opening_index
        and norm[i]
        and not debris_kind(norm[i], settings)
    ]
    appendix = _appendix_paragraphs([(numbers[i], t) for i, t in appendix_lines], settings)
    paragraphs = assign_parts([Paragraph(numbers[i], t) for i, t in body_lines], settings)
    where = f"{source_file} line {numbers[first]}"
    header = parse_header(
        title,
        header_lines,
        where,
        latest_year,
        body=[p.text for p in paragraphs],
        # Only headings that name their part by their words tell the year (一、2024年工作回顾).
        headings=[
            (name, keyword_part(name, settings))
            for name in dict.fromkeys(p.section[0] for p in paragraphs if p.section)
        ],
    )
    report = Report(
        source_file=source_file,
        first_line=numbers[first],
        last_line=numbers[last],
        title=title,
        header=header,
        paragraphs=paragraphs,
        appendix=appendix,
        source_characters=sum(len(raw[i]) for i in range(first, last + 1) if owner[i] == "report"),
    )
    report.glossary = parse_glossary(appendix, settings)
    return report


def _drop_pasted_copy(report: Report, owner, numbers, raw, settings: Settings) -> int | None:
    """A body pasted twice inside one report: its second copy's lines become `duplicate_copy`;
    return the copy's first line, or None."""
    texts = [p.text for p in report.paragraphs]
    count = len(texts)
    for start in range(1, count):
        if texts[start] != texts[0]:
            continue
        length = min(start, count - start)
        same = sum(texts[start + i] == texts[i] for i in range(length))
        if not length or same / length < settings.duplicate_overlap:
            continue
        first = report.paragraphs[start].line
        after = start + length
        last = report.paragraphs[after].line - 1 if after < count else report.last_line
        del report.paragraphs[start:after]
        for i, number in enumerate(numbers):
            if first <= number <= last and owner[i] == "report":
                owner[i] = "duplicate_copy"
                report.source_characters -= len(raw[i])
        return first
    return None


def split_source(
    source_file: str,
    text: str,
    settings: Settings,
    manifest_entry: dict | None = None,
    encoding: str = "utf-8",
    latest_year: int | None = None,
    line_of=None,
) -> SourceResult:
    """Find the reports in one decoded source text. `line_of`: the file's line where a line of
    `text` starts, when the reader re-joined lines (a hard-wrapped text, a PDF)."""
    raw, numbers, broken = source_lines(
        text, settings.max_line_chars, settings.lead_chars, settings.paragraph_chars
    )
    if line_of is not None:
        numbers = [line_of(number) for number in numbers]
    norm = [normalise_line(line) for line in raw]
    count = len(raw)
    owner: list[str | None] = [None] * count  # 'report' or a reason for dropping
    toc = []
    warnings: list[str] = []

    starts = find_starts(norm, settings)
    if manifest_entry and manifest_entry.get("region") and len(starts) > 1:
        raise InputError(
            f"{source_file}: the manifest gives one region ({manifest_entry['region']}) for a file "
            f"that holds {len(starts)} reports. Leave `region` empty for this file in the manifest "
            "(the reports' headers name their regions), or split the file."
        )
    if not starts:
        # No header: the report starts at its opening (its region and year then come from its
        # text, or the manifest), or, given a manifest, at the first line.
        opening = next((i for i, line in enumerate(norm) if OPENING.match(line)), None)
        first = next((i for i, line in enumerate(norm) if line), 0)
        if opening is not None:
            starts = [Start(None, list(range(first, opening)) if manifest_entry else [], opening)]
        elif manifest_entry:
            starts = [Start(None, [], first)]

    reports = []
    for number, start in enumerate(starts):
        span_end = starts[number + 1].first if number + 1 < len(starts) else count
        for i in start.sidebar:
            owner[i] = "sidebar_title"
        report = _build_report(
            source_file, raw, numbers, norm, owner, start, span_end, settings, latest_year
        )
        copy = _drop_pasted_copy(report, owner, numbers, raw, settings)
        if copy:
            warnings.append(
                f"{source_file} line {report.first_line}: the body is pasted twice (again from "
                f"line {copy}); the second copy is listed in dropped.csv as `duplicate_copy`"
            )
        if start.opening_missing:
            warnings.append(
                f"{source_file} line {report.first_line}: the report has no opening 各位代表; it "
                f"starts at its title and session line, its body at line {numbers[start.body]}"
            )
        if manifest_entry:
            where = f"{source_file} line {report.first_line}"
            report.header = _apply_manifest(report.header, manifest_entry, where)
        if report.body_characters < settings.min_report_chars:
            # Not a report: a page repeating its title and first lines, or a stray header.
            for i in range(count):
                if owner[i] == "report" and report.first_line <= numbers[i] <= report.last_line:
                    owner[i] = "fragment"
            warnings.append(
                f"{source_file} line {report.first_line}: a fragment of {report.body_characters} "
                f"characters (fewer than split.min_report_chars = {settings.min_report_chars}) "
                "is not a report; its lines are listed in dropped.csv as `fragment`"
            )
            continue
        reports.append(report)

    for i, line in enumerate(norm):
        if owner[i] is None and line:
            match = TOC_LINE.fullmatch(line)
            kind = debris_kind(line, settings)
            if match and (not reports or numbers[i] < reports[0].first_line):
                owner[i] = "table_of_contents"
                entry = match.group("entry").replace(" ", "")
                listed = re.sub(r"政府工作报告$", "", entry) or entry
                toc.append(
                    {"line": numbers[i], "listed_region": listed, "page": match.group("page")}
                )
            elif kind:
                owner[i] = kind
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
        warnings=warnings,
    )


def _apply_manifest(header: Header, entry: dict, where: str = "") -> Header:
    """The manifest's values over the text's (the manifest is the most specific evidence); a
    disagreement is named in the header's warnings."""
    header = dataclasses.replace(header, warnings=list(header.warnings))
    if entry.get("region"):
        units = region_units(entry["region"])
        region = units[-1]
        if header.region and header.region != region:
            header.warnings.append(
                f"{where}: the manifest says {entry['region']}, the {header.region_source} "
                f"{header.parent}{header.region}: the manifest's region is used"
            )
        header.region = region
        header.parent = entry.get("parent") or (units[-2] if len(units) > 1 else "")
        header.level = entry.get("level") or region_level(header.region)
        header.region_source = "manifest"
    if entry.get("year"):
        year = int(entry["year"])
        if header.year and header.year != year:
            header.warnings.append(
                f"{where}: the manifest says {year}, the {header.year_source.replace('_', ' ')} "
                f"{header.year}: the manifest's year is used"
            )
        header.year, header.year_source = year, "manifest"
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
    "region_source",
    "year_source",
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
    "converted",
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
    "notes",
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
    # Detected encoding: a manifest saved by Excel is GBK, or UTF-16 ("Unicode text").
    text = read_text_file(path, "manifest", EDITED_FILE_ENCODINGS, simplify=True)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    if rows and not {"file", "region", "year"} <= set(rows[0]):
        raise InputError(
            f"{path}: the manifest needs the columns file, region, year "
            f"(it has {', '.join(rows[0])})."
        )
    manifest = {}
    for number, row in enumerate(rows, start=2):
        if row.get("year") and not row["year"].strip().isdigit():
            raise InputError(f"{path} line {number}: year {row['year']!r} is not a number.")
        entry = {k: (v or "").strip() for k, v in row.items() if k}
        # Where the row is, for messages about it.
        entry.update(_source=str(path), _line=number)
        manifest[entry["file"]] = entry
    return manifest


def split_corpus(
    files: Sequence[str],
    settings: Settings,
    manifest: dict[str, dict] | None = None,
    log=None,
    latest_year: int | None = None,
) -> Corpus:
    """Read, decode and split every input file; raise InputError on bad input.

    `latest_year`: the latest plausible year of a report (default: next year).
    """
    manifest = manifest or {}
    if latest_year is None:
        latest_year = datetime.date.today().year + 1
    unused = sorted(set(manifest) - set(files) - {Path(path).name for path in files})
    if unused:
        row = manifest[unused[0]]
        raise InputError(
            f"{row.get('_source', 'the manifest')} line {row.get('_line', '?')}: the row for "
            f"{unused[0]!r} matches no file of `inputs` ({len(unused)} such row(s)). Correct "
            "its `file` (the path as listed in `inputs`, or the file's name) or remove the row."
        )
    sources, warnings = [], []
    for path in files:
        # Text, HTML, .docx or PDF; encoding detected; traditional characters converted;
        # hard-wrapped lines re-joined; what was done is in the notes (gwr.readers).
        read = read_source(path, settings.encodings)
        if log:
            for note in read.notes:
                log.warning("%s: %s", path, note)
        entry = manifest.get(path) or manifest.get(Path(path).name)
        source = split_source(
            path,
            read.text,
            settings,
            entry,
            read.description,
            latest_year,
            line_of=read.source_line if read.line_map else None,
        )
        source.notes = list(read.notes)
        source.converted = read.converted
        if log and source.broken_lines:
            log.warning(
                "%s: %d line(s) longer than %d characters (line %s): the paragraph breaks seem "
                "lost; cut at 各位代表, numbered headings and sentence ends",
                path,
                len(source.broken_lines),
                settings.max_line_chars,
                ", ".join(map(str, source.broken_lines[:10])),
            )
        fragments = [row for row in source.dropped if row["reason"] == "fragment"]
        if not source.reports and fragments:
            raise InputError(
                f"{path} line {fragments[0]['line']}: holds only a fragment of a report (a body "
                f"of fewer than split.min_report_chars = {settings.min_report_chars} characters), "
                "not a report. Remove the file from `inputs`, or lower split.min_report_chars."
            )
        if not source.reports:
            raise InputError(
                f"{path}: no government work report recognised: no title line "
                "(…政府工作报告) or session line followed within "
                f"{settings.max_header_lines} lines by the opening 各位代表, and no 各位代表 at "
                "all. Give the file a header or list it in the manifest (`manifest` in the "
                "config) with its region and year."
            )
        for report in source.reports:
            where = f"{path} line {report.first_line}"
            if not report.header.region or not report.header.year:
                known = (("region", report.header.region), ("year", report.header.year))
                missing = " and ".join(name for name, value in known if not value)
                raise InputError(
                    f"{where}: cannot tell the report's {missing} from its text (no title, "
                    "session line, speaker line, 我代表…人民政府 or year in the review's or "
                    "plans' heading says it). List the file in the manifest (`manifest` in the "
                    "config) with its region and year."
                )
            if not report.paragraphs:
                raise InputError(f"{where}: the report has no paragraphs after cleaning.")
        warnings.extend(source.warnings + [w for r in source.reports for w in r.header.warnings])
        sources.append(source)
    if log:
        # All in the log; the first few on the console too (a corpus of thousands of reports
        # whose manifest sets every year would print thousands of lines).
        for number, warning in enumerate(warnings):
            log.log(logging.WARNING if number < CONSOLE_WARNINGS else logging.INFO, "%s", warning)
        if len(warnings) > CONSOLE_WARNINGS:
            log.warning(
                "… and %d more warnings of the split (see its log)",
                len(warnings) - CONSOLE_WARNINGS,
            )
    corpus = Corpus(sources)
    check_duplicates(corpus.reports, settings)
    assign_report_ids(corpus.reports)
    return corpus


# --- duplicates ------------------------------------------------------------------------------

# A paragraph found in more reports than this is common text (the closing appeal, the yearly
# formula) and does not propose candidate pairs.
_COMMON_PARAGRAPH_REPORTS = 5


def shingles(report: Report) -> np.ndarray:
    """The report body's distinct 8-character shingles (gwr.common_text: stable hashes)."""
    return shingle_hashes("".join(paragraph.text for paragraph in report.paragraphs))


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard overlap of two sorted arrays of distinct shingles."""
    union = len(np.union1d(a, b))
    return len(np.intersect1d(a, b, assume_unique=True)) / union if union else 1.0


def _candidate_pairs(reports: Sequence[Report]) -> set[tuple[int, int]]:
    """Pairs of reports that share a paragraph that few reports hold (fast for thousands)."""
    holders: dict[str, list[int]] = {}
    for number, report in enumerate(reports):
        for text in {p.text for p in report.paragraphs if len(p.text) >= 2 * SHINGLE}:
            holders.setdefault(text, []).append(number)
    pairs = set()
    for numbers in holders.values():
        if 1 < len(numbers) <= _COMMON_PARAGRAPH_REPORTS:
            pairs.update((a, b) for i, a in enumerate(numbers) for b in numbers[i + 1 :])
    return pairs


def _place(report: Report) -> str:
    return f"{report.source_file} line {report.first_line}"


def check_duplicates(reports: Sequence[Report], settings: Settings) -> None:
    """The same report twice (identical or near-identical bodies) is an error naming both."""
    cache: dict[int, np.ndarray] = {}

    def shingles_of(number: int) -> np.ndarray:
        if number not in cache:
            cache[number] = shingles(reports[number])
        return cache[number]

    for a, b in sorted(_candidate_pairs(reports)):
        first, second = reports[a], reports[b]
        share = overlap(shingles_of(a), shingles_of(b))
        if share >= settings.duplicate_overlap:
            raise InputError(
                f"the same report twice ({share:.0%} of the text in common): "
                f"{_place(first)} ({first.header.parent}{first.header.region} "
                f"{first.header.year}) and {_place(second)} ({second.header.parent}"
                f"{second.header.region} {second.header.year}). Remove one of them from "
                "`inputs` (or from its file)."
            )


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
    converted = {source.source_file: source.converted for source in corpus.sources}
    rows = [
        {
            "report_id": report.report_id,
            "region": report.header.region,
            "parent": report.header.parent,
            "level": report.header.level,
            "year": report.header.year,
            "region_source": report.header.region_source,
            "year_source": report.header.year_source,
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
            # Traditional characters converted to simplified (OpenCC t2s), in the whole file
            # or in some of its lines: sources.csv's notes say which.
            "converted": "t2s" if converted[report.source_file] else "",
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
            # What the reader did: encoding, conversion to simplified, re-joined lines …
            "notes": "; ".join(s.notes),
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
        # The cross-check the other way: a report of a compendium that its contents do not list.
        listed = {row["report_id"] for row in toc_rows if row["report_id"]}
        for source in corpus.sources:
            for report in source.reports if source.toc else ():
                if report.report_id not in listed:
                    log.warning(
                        "%s line %d: %s%s %s is not listed in the file's table of contents",
                        source.source_file,
                        report.first_line,
                        report.header.parent,
                        report.header.region,
                        report.header.year,
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
