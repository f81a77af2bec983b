"""A report's structure: the splitting settings, paragraphs, parts (opening, review, plans,
government, closing, other, appendix), section paths, headings, and the glossary (名词解释).
"""

import dataclasses
import functools
import re

from gwr.settings import fields_from_params

# --- report structure --------------------------------------------------------------------------

OPENING = re.compile(r"^各位代表")
SALUTATION_ONLY = re.compile(r"^各位代表[：！，。!:,]?$")
TOC_LINE = re.compile(r"^(?P<entry>.+?)\s*(?:[.．·…。]{5,}|…{2,})\s*(?P<page>\d+)?$")
TOP_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}、")
SUB_HEADING = re.compile(r"^（[一二三四五六七八九十]{1,3}）")
# A glossary entry: 1.term：definition, or ［1］term：definition (an annex of annotations).
_ENTRY_NUMBER = r"(?:(?P<number>\d{1,3}) ?[.．、]|[［\[【〔](?P<bracketed>\d{1,3})[］\]】〕])"
GLOSSARY_ENTRY = re.compile(
    rf"^{_ENTRY_NUMBER} ?(?P<term>[^：:]{{1,60}}?) ?[：:] ?(?P<definition>.+)$"
)
# An entry's term on a line of its own (its definition on the next line).
GLOSSARY_TERM = re.compile(rf"^{_ENTRY_NUMBER} ?(?P<term>[^：:。，]{{1,40}}?)[：:]?$")
# An enumeration item 一是…, named like a heading (the line, or its first sentence).
ENUMERATION_ITEM = re.compile(r"^[一二三四五六七八九十]{1,3}是")
# A numbered subsection line, never an unnumbered top-level heading.
_NUMBERED = re.compile(
    r"^(?:（[一二三四五六七八九十\d]{1,3}）|\d{1,2}[.．、]|[一二三四五六七八九十]+是)"
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
    lead_chars: int
    paragraph_chars: int
    widget_words: tuple[str, ...]
    max_widget_chars: int
    source_labels: tuple[str, ...]
    licence_markers: tuple[str, ...]
    markup_placeholders: tuple[str, ...]
    min_report_chars: int
    duplicate_overlap: float

    @classmethod
    def from_params(cls, params) -> "Settings":
        return cls(**fields_from_params(cls, params))

    def compiled(self, name: str) -> re.Pattern:
        return _alternatives(getattr(self, name))


@dataclasses.dataclass
class Paragraph:
    line: int
    text: str
    part: str = ""
    section: tuple[str, ...] = ()
    heading: int = 0


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


def keyword_part(heading: str, settings: Settings) -> str:
    """The part a top-level heading names by its words (split.*_keywords), or ""."""
    if any(keyword in heading for keyword in settings.government_keywords):
        return "government"
    if any(keyword in heading for keyword in settings.review_keywords):
        return "review"
    if any(keyword in heading for keyword in settings.plans_keywords):
        return "plans"
    return ""


def _top_part(heading: str, position: int, settings: Settings) -> str:
    named = keyword_part(heading, settings)
    if named:
        return named
    if re.search(r"\d{4}", heading):
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
    part, top, sub, item = "opening", "", "", ""
    sub_part = ""
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.text
        if index >= closing_start:
            paragraph.part, paragraph.section = "closing", ()
            continue
        is_unnumbered = (
            len(text) <= settings.max_heading_chars
            and "。" not in text
            and not _NUMBERED.match(text)
            and unnumbered.fullmatch(text)
        )
        if index > 0 and (TOP_HEADING.match(text) or is_unnumbered):
            name, whole = _heading_text(text, settings)
            part = _top_part(name, top_count, settings)
            top_count += 1
            top, sub, sub_part, item = name, "", "", ""
            paragraph.heading = 1 if whole else 0
        elif index > 0 and top and SUB_HEADING.match(text):
            name, whole = _heading_text(text, settings)
            sub, item = name, ""
            sub_part = "government" if any(k in name for k in settings.government_keywords) else ""
            paragraph.heading = 2 if whole else 0
        elif index > 0 and top and ENUMERATION_ITEM.match(text):
            # 一是…, 二是…: the items of an enumeration are subsections of their own, named as
            # headings are; what follows an item belongs to it until the next.
            item, whole = _heading_text(text, settings)
            paragraph.heading = 3 if whole else 0
        elif index > 0 and OPENING.match(text):
            # A paragraph addressed to the deputies closes the current subsection. In the plans,
            # "各位代表！新形势、新任务对政府自身建设提出了更高要求…" opens the part on the
            # government's own conduct in reports that give it no heading of its own.
            sub, sub_part, item = "", "", ""
            if part == "plans" and any(k in text for k in settings.government_keywords):
                part = "government"
        paragraph.part = sub_part or part
        if index > 0 and not top:
            paragraph.part = "opening"
        paragraph.section = tuple(name for name in (top, sub, item) if name)
    if top_count == 0:
        for paragraph in paragraphs[1:closing_start]:
            paragraph.part = "other"
    return paragraphs


def parse_glossary(appendix: list[Paragraph], settings: Settings) -> list[dict]:
    """Numbered entries under a 名词解释 (or 注释) heading of an appendix: `1.term：definition`,
    `［1］term：definition`, or `1.term` with its definition on the next line."""
    glossary_heading = settings.compiled("glossary_headings")
    appendix_heading = settings.compiled("appendix_headings")
    entries, active = [], False
    pending = None
    for paragraph in appendix:
        if paragraph.heading:
            pending = None
            active = bool(glossary_heading.fullmatch(paragraph.text)) or (
                active and not appendix_heading.fullmatch(paragraph.text)
            )
            continue
        if not active:
            continue
        match = GLOSSARY_ENTRY.match(paragraph.text)
        if match:
            term, definition = match.group("term"), match.group("definition")
        elif (only_term := GLOSSARY_TERM.match(paragraph.text)) is not None:
            # The term alone; its definition is the next paragraph (read then).
            pending = (only_term, paragraph.line)
            continue
        elif pending is not None and not GLOSSARY_TERM.match(paragraph.text):
            match, line = pending
            term, definition = match.group("term"), paragraph.text
            entries.append(_entry(match, term, definition, line))
            pending = None
            continue
        else:
            continue
        pending = None
        entries.append(_entry(match, term, definition, paragraph.line))
    return entries


def _entry(match: re.Match, term: str, definition: str, line: int) -> dict:
    return {
        "number": int(match.group("number") or match.group("bracketed")),
        "term": term.strip(),
        "definition": definition.strip(),
        "line": line,
    }


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
