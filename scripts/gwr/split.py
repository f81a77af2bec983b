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
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from gwr.header import Header, _is_title, parse_header
from gwr.io import (
    InputError,
    jsonl_text,
    read_csv,
    replace_directory,
    setup_logging,
    write_csv,
)
from gwr.regions import (
    region_level,
    region_units,
    report_id,
    report_labels,
)
from gwr.structure import (
    OPENING,
    TOC_LINE,
    Paragraph,
    Settings,
    _appendix_paragraphs,
    assign_parts,
    parse_glossary,
)
from gwr.text import (
    decode_bytes,
    html_to_text,
    looks_like_html,
    normalise_line,
    source_lines,
)


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
