"""Reading every kind of input file right, or refusing it with a message that says what to do.

`read_source(path, encodings)` reads a report file — plain text in any of the encodings Chinese
texts come in, an HTML page, a Word document (.docx) or a PDF — into a `SourceText` whose `text`
is ready for the splitter. `read_text_file(path, what)` reads the other files a user edits
(manifest, stopword lists, dictionaries, POS overrides) with the same encoding detection.

What happens to a file, in this order (each step that changes something adds a one-line note):

1. **Kind**: a PDF (`%PDF-`) or a Word document (a ZIP holding `word/document.xml`) is told by
   its first bytes, whatever its name; old Word/WPS files, images, archives and executables are
   refused by their signature. `.html`/`.htm` files with markup, and any text that looks like an
   HTML page (`gwr.text.looks_like_html`), are converted to text (`gwr.text.html_to_text`).
2. **Encoding** (text and HTML files): a byte order mark decides (UTF-8, UTF-16). Without one,
   UTF-8 is tried strictly first. Otherwise every candidate — the config's `split.encodings`
   first, then GB18030, Big5, Big5-HKSCS, UTF-16-LE and UTF-16-BE — is decoded strictly, and
   among those that decode the one that reads most like Chinese wins (`chinese_scores`): the
   share of its characters (after OpenCC t2s, so that traditional text counts too) that are
   common Chinese characters (the 3,755 of GB2312 level 1), ASCII or punctuation. Read right,
   the 31 provincial reports score 99.6–99.97% in GBK, Big5, Big5-HKSCS and UTF-16; Big5 bytes
   read as GB18030 (the classic mojibake) score 28–31%. A candidate must score at least
   `MIN_CHINESE_SCORE` (60%). Candidates within `SCORE_TIE` of the best are ranked by the same
   share among their non-ASCII characters (a manifest is mostly ASCII), then the config's
   encodings come first, then charset-normalizer's ranking, then the order above. Measured on
   930 random snippets of the provincial reports in GBK, Big5 and UTF-16-LE for each length:
   this rule reads every snippet of 10 characters or more right (of 4 characters: 12 of 904
   wrong, of 6: 1 of 925); charset-normalizer's best guess among the same candidates is wrong
   for 234 of the snippets of 10 characters, 37 of 20, 7 of 40 and still 6 of 200 — which is
   why it only breaks ties (and names its guess in the error for a file nothing reads).
3. **Line separators** U+2028, U+2029, U+0085, U+000B and U+000C become line breaks; **control
   characters** (C0 except tab, LF and CR; DEL; C1) are removed, with a note naming how many and
   the first lines. A text of which more than `MAX_CONTROL_SHARE` (25%) is control characters is
   a binary file, not a text: an error.
4. **Hard-wrapped lines** (PDF extraction, e-mail) are re-joined into paragraphs
   (`rejoin_wrapped`): always considered for a PDF, and for other files when their lines look
   hard-wrapped (see `is_hard_wrapped`).
5. **Traditional characters** become simplified (OpenCC `t2s`) where the text is traditional:
   the whole file when t2s changes at least `TRADITIONAL_FILE_SHARE` (0.1%) of its Chinese
   characters, at least `TRADITIONAL_FILE_DISTINCT` (5) different ones; otherwise each line in
   which t2s changes at least `TRADITIONAL_LINE_CHANGES` (3) characters and at least
   `TRADITIONAL_LINE_SHARE` (20%) of its Chinese characters. Measured with OpenCC 1.4: of the
   6,763 characters of GB2312 (simplified Chinese), t2s changes 16 (乾 菸 薹 拚 捱 摺 吒 後 徵 夥
   榘 於 袷 麴 醣 麽), which simplified texts do use (蒜薹, 拚搏); in the 31 provincial reports,
   the seed and the 49 national reports it changes at most 3 characters of a file (0.02%), one
   kind (拚 or 薹), at most one per line. A traditional text has 25–35% of its characters changed,
   the 1954 report 31.4%, the 1957 report (traditional in places) 0.73% with 50 different
   characters; the 1955 report has one traditional heading (三、第一個五年計劃的若幹問題: 6 of its
   13 characters). Simplified text is left exactly as it was read; the source file is never
   modified.
"""

from __future__ import annotations

import codecs
import dataclasses
import functools
import io
import logging
import re
import statistics
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from gwr.io import InputError
from gwr.text import html_to_text, looks_like_html, split_lines

# Encodings tried first for the files a user edits (manifest, word lists, dictionaries), which
# have no config of their own; the report texts use `split.encodings`.
EDITED_FILE_ENCODINGS = ("utf-8", "gb18030")
# Tried after the config's encodings, in this order (ties go to the earlier one).
CHINESE_ENCODINGS = ("gb18030", "big5", "big5hkscs", "utf-16-le", "utf-16-be")
MIN_CHINESE_SCORE = 0.6
SCORE_TIE = 0.01
SCORE_SAMPLE_CHARS = 50_000
UTF8_MAX_CONTROL_SHARE = 0.01  # a strict UTF-8 decode with more controls is checked against UTF-16
MAX_CONTROL_SHARE = 0.25
TRADITIONAL_FILE_SHARE = 0.001
TRADITIONAL_FILE_DISTINCT = 5
TRADITIONAL_LINE_CHANGES = 3
TRADITIONAL_LINE_SHARE = 0.2
# Hard-wrap detection (`is_hard_wrapped`): see its docstring for the measurements.
WRAP_MIN_LINES = 8
WRAP_MAX_WIDTH = 240
WRAP_FULL_TOLERANCE = 4
WRAP_MIN_FULL_SHARE = 0.3
WRAP_MIN_OPEN_SHARE = 0.6

_NAMES = {
    "utf-8": "UTF-8",
    "gb18030": "GB18030",
    "gbk": "GBK",
    "big5": "Big5",
    "big5hkscs": "Big5-HKSCS",
    "utf-16-le": "UTF-16-LE",
    "utf-16-be": "UTF-16-BE",
}
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "utf-8 with BOM"),
    (b"\xff\xfe", "utf-16-le", "utf-16-le with BOM"),
    (b"\xfe\xff", "utf-16-be", "utf-16-be with BOM"),
)
_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word, Excel or WPS file (.doc/.xls/.wps)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ\x90\x00", "a Windows program"),
)
_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_MARKUP = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*|/[a-zA-Z]|!--|!doctype)[^>]*>", re.IGNORECASE)

_SEPARATORS = re.compile("[\u2028\u2029\u0085\u000b\u000c]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


@dataclasses.dataclass
class SourceText:
    """A report file as read: its text, ready for the splitter, and what was done to it."""

    path: str
    text: str
    encoding: str  # utf-8, utf-8 with BOM, gb18030, big5, big5hkscs, utf-16-le, docx, pdf …
    kind: str = "text"  # text, html, docx or pdf
    converted: bool = False  # traditional characters converted to simplified
    notes: list[str] = dataclasses.field(default_factory=list)
    rejoined: bool = False  # hard-wrapped lines re-joined into paragraphs
    # For each line of `text`, the line of the file (or, for a PDF or a Word document, of the
    # extracted text) where it starts; None when the lines are the file's own.
    line_map: list[int] | None = None
    traditional_share: float = 0.0  # share of the Chinese characters that t2s changed

    @property
    def description(self) -> str:
        """What sources.csv's `encoding` column says: the encoding and how the text was got."""
        if self.kind == "html":
            return f"{self.encoding}, HTML converted to text"
        return self.encoding

    def source_line(self, line: int) -> int:
        """The line of the file (or of the extracted text) where line `line` of `text` starts."""
        if self.line_map is None or not 1 <= line <= len(self.line_map):
            return line
        return self.line_map[line - 1]


# --- encodings ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def common_characters() -> frozenset[str]:
    """The 3,755 common Chinese characters: GB2312 level 1 (rows 16–55), from Python's codec."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _is_neutral(char: str) -> bool:
    """Punctuation and symbols a Chinese text uses: neither for nor against an encoding."""
    code = ord(char)
    return (
        0x00A0 <= code <= 0x00BF
        or code in (0x00D7, 0x00F7)
        or 0x2000 <= code <= 0x27BF  # general punctuation, letterlike, arrows, ①, shapes …
        or 0x3000 <= code <= 0x303F  # CJK symbols and punctuation
        or 0xFE30 <= code <= 0xFE4F  # CJK compatibility forms
        or 0xFF00 <= code <= 0xFFEF  # half-width and full-width forms
    )


def chinese_scores(text: str) -> tuple[float, float]:
    """(share of all non-space characters, share of the non-ASCII ones) that read as Chinese.

    A character reads as Chinese if it is a common Chinese character (after OpenCC t2s, so that
    traditional text scores like simplified), punctuation or a symbol Chinese texts use, and —
    for the first share — ASCII. Control characters count against. Mojibake (a text read in the
    wrong encoding) is mostly rare characters, kana, Cyrillic, box drawing or private-use
    characters, and scores low. The second share ignores ASCII, which reads the same in GB18030
    and Big5: it tells them apart on a manifest of ASCII with a few Chinese names.
    """
    sample = text[:SCORE_SAMPLE_CHARS]
    if _HAN.search(sample):
        sample = _t2s().convert(sample)
    common = common_characters()
    total = good = wide = wide_good = 0
    for char in sample:
        if char in " \t\r\n\u3000\u2028\u2029\x0b\x0c\x85":
            continue
        total += 1
        if " " < char < "\x7f":
            good += 1
        elif char >= "\x80":
            wide += 1
            if char in common or _is_neutral(char):
                good += 1
                wide_good += 1
    return (good / total if total else 1.0), (wide_good / wide if wide else 1.0)


def chinese_score(text: str) -> float:
    """Share of the non-space characters that read as Chinese (see `chinese_scores`)."""
    return chinese_scores(text)[0]


def _control_share(text: str) -> float:
    return len(_CONTROLS.findall(text)) / max(len(text), 1)


def _line_of(data: bytes, offset: int, codec: str) -> int:
    prefix = data[:offset].decode(codec, errors="replace")
    return len(_LINE_BREAK.findall(prefix)) + 1


def _looks_binary(data: bytes) -> bool:
    head = data[:65536]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32 or byte == 0x7F)
    return controls > len(head) * 0.1


def _canonical(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _signature(data: bytes) -> str | None:
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            return what
    return None


def _charset_normalizer_rank(data: bytes, codecs_: Sequence[str]) -> list[str]:
    """charset-normalizer's ranking of the given encodings for `data` (best first)."""
    try:
        import charset_normalizer

        results = charset_normalizer.from_bytes(data, cp_isolation=list(codecs_))
    except Exception:  # noqa: BLE001 — a ranking is only a tie-breaker
        return []
    return [_canonical(match.encoding) or match.encoding for match in results]


def decode_text(data: bytes, source: str, encodings: Sequence[str]) -> tuple[str, str, list[str]]:
    """Decode the bytes of a text file: (text, encoding detected, notes).

    Raise InputError, naming `source`, for an empty file, a binary file, or a file that no
    encoding reads as text (with the byte offset and line of the first undecodable byte).
    """
    if not data.strip():
        raise InputError(f"{source}: the file is empty. Remove it from `inputs` in the config.")
    what = _signature(data)
    if what:
        raise InputError(
            f"{source}: this is a binary file ({what}), not a text. Convert it to plain text "
            "(UTF-8), .docx or PDF, or remove it from `inputs`."
        )
    for bom, codec, detected in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), detected, []
            except UnicodeDecodeError as error:
                offset = error.start + len(bom)
                raise InputError(
                    f"{source}: starts with a {'UTF-8' if codec == 'utf-8' else 'UTF-16'} byte "
                    f"order mark but cannot be read as {codec} ({error.reason} at byte offset "
                    f"{offset}, line {_line_of(data[len(bom) :], error.start, codec)}). "
                    "The file is damaged there: open it in an editor, save it as UTF-8 and run "
                    "again."
                ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and _control_share(text) <= UTF8_MAX_CONTROL_SHARE:
        return text, "utf-8", []

    order: list[str] = []
    for name in ("utf-8", *encodings, *CHINESE_ENCODINGS):
        codec = _canonical(name)
        if codec and codec not in order:
            order.append(codec)
    decoded: dict[str, str] = {}
    failed: dict[str, UnicodeDecodeError] = {}
    for codec in order:
        try:
            decoded[codec] = data.decode(codec)
        except UnicodeDecodeError as error:
            failed[codec] = error
    both = {codec: chinese_scores(text) for codec, text in decoded.items()}
    scores = {codec: score for codec, (score, _wide) in both.items()}
    plausible = [codec for codec in decoded if scores[codec] >= MIN_CHINESE_SCORE]
    if not plausible:
        if _looks_binary(data):
            raise InputError(
                f"{source}: this is a binary file (it is full of control bytes such as NUL), not "
                "a text. Convert it to plain text (UTF-8) or remove it from `inputs`."
            )
        raise InputError(_undecodable_message(data, source, order, failed, scores))
    # The best share of all characters; among those within SCORE_TIE of it, the best share of
    # the non-ASCII characters; among those within SCORE_TIE of that, the config's encodings
    # first, then charset-normalizer's ranking, then the order of CHINESE_ENCODINGS.
    best = max(scores[codec] for codec in plausible)
    tied = [codec for codec in plausible if scores[codec] >= best - SCORE_TIE]
    best_wide = max(both[codec][1] for codec in tied)
    tied = [codec for codec in tied if both[codec][1] >= best_wide - SCORE_TIE]
    # The same text in several encodings (Big5 read as Big5-HKSCS): the first of them.
    distinct = {}
    for codec in tied:
        distinct.setdefault(decoded[codec], codec)
    tied = list(distinct.values())
    preferred = [codec for codec in map(_canonical, encodings) if codec in tied]
    if preferred:
        tied = preferred[:1]
    ranking = _charset_normalizer_rank(data, tied) if len(tied) > 1 else []
    chosen = min(
        tied,
        key=lambda codec: (
            ranking.index(codec) if codec in ranking else len(ranking),
            order.index(codec),
        ),
    )
    rivals = sorted(
        (codec for codec in decoded if codec != chosen and decoded[codec] != decoded[chosen]),
        key=lambda codec: (-scores[codec], -both[codec][1]),
    )

    share, wide = both[chosen]
    detail = f"{share:.1%} of its characters read as Chinese ({wide:.1%} of the non-ASCII ones)"
    if rivals:
        share, wide = both[rivals[0]]
        detail += f", against {share:.1%} ({wide:.1%}) as {rivals[0]}"
    if ranking:
        detail += f"; charset-normalizer ranks {', '.join(ranking)}"
    return decoded[chosen], chosen, [f"read as {chosen}: no byte order mark; {detail}"]


def _undecodable_message(data, source, order, failed, scores) -> str:
    tried = ", ".join(_NAMES.get(codec, codec) for codec in order)
    if failed:
        # Name the failure of the encoding whose text up to the failure reads best as Chinese.
        def rank(codec):
            error = failed[codec]
            prefix = data[: error.start].decode(codec, errors="replace").strip()
            score = chinese_score(prefix[-SCORE_SAMPLE_CHARS:]) if prefix else 0.0
            return (round(score, 2), error.start)

        codec = max(failed, key=rank)
        error = failed[codec]
        byte = data[error.start]
        where = (
            f"the first byte that {_NAMES.get(codec, codec)} cannot read is 0x{byte:02X} at byte "
            f"offset {error.start} (line {_line_of(data, error.start, codec)})"
        )
    else:
        where = "every encoding reads it as mojibake"
    wrong = [c for c, score in scores.items() if score < MIN_CHINESE_SCORE]
    if wrong:
        where += "; " + ", ".join(
            f"as {_NAMES.get(c, c)} only {scores[c]:.0%} of it reads as Chinese" for c in wrong
        )
    guess = _charset_normalizer_guess(data)
    if guess and guess not in scores and guess not in failed:
        where += f" (charset-normalizer takes it for {guess})"
    return (
        f"{source}: cannot be read as text in any of the encodings tried ({tried}): {where}. "
        "The file is damaged there or is in another encoding: open it in an editor, save it as "
        "UTF-8 and run again, or add its encoding to `split.encodings` in the config."
    )


def _charset_normalizer_guess(data: bytes) -> str | None:
    """charset-normalizer's best guess among all encodings, or None."""
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(data[:200_000]).best()
    except Exception:  # noqa: BLE001 — only a hint in an error message
        return None
    return (_canonical(best.encoding) or best.encoding) if best else None


# --- cleaning ----------------------------------------------------------------------------------


def _lines_list(numbers: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (", …" if len(numbers) > limit else "")


def _clean(text: str, source: str) -> tuple[str, list[str]]:
    """Line separators to line breaks, control characters removed; notes of what was done."""
    notes = []
    separators = Counter(_SEPARATORS.findall(text))
    if separators:
        text = _SEPARATORS.sub("\n", text)
        kinds = ", ".join(f"U+{ord(c):04X} ×{n}" for c, n in sorted(separators.items()))
        notes.append(
            f"{sum(separators.values())} Unicode line or page separators ({kinds}) turned into "
            "line breaks"
        )
    found = _CONTROLS.findall(text)
    if found:
        if len(found) > MAX_CONTROL_SHARE * len(text):
            raise InputError(
                f"{source}: {len(found)} of its {len(text)} characters are control characters: "
                "this looks like a binary file, not a text. Convert it to plain text (UTF-8) or "
                "remove it from `inputs`."
            )
        lines = []
        for number, line in enumerate(split_lines(text), start=1):
            if _CONTROLS.search(line):
                lines.append(number)
        text = _CONTROLS.sub("", text)
        kinds = Counter("NUL" if c == "\x00" else f"U+{ord(c):04X}" for c in found)
        where = f"line{'s' if len(lines) > 1 else ''} {_lines_list(lines)}"
        if set(kinds) == {"NUL"}:
            what = f"{len(found)} NUL character{'s' if len(found) > 1 else ''}"
            notes.append(f"{what} removed ({where})")
        else:
            listed = ", ".join(f"{n} {k}" for k, n in kinds.most_common())
            notes.append(f"{len(found)} control characters removed ({listed}; {where})")
    return text, notes


# --- traditional characters --------------------------------------------------------------------


def _changes(before: str, after: str) -> Counter:
    """The characters of `before` that t2s changed (a Counter of them)."""
    if len(before) == len(after):
        return Counter(a for a, b in zip(before, after, strict=True) if a != b)
    import difflib

    changed = Counter()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            changed.update(before[i1:i2])
    return changed


def to_simplified(text: str) -> tuple[str, int, float, list[int], bool]:
    """(text, characters changed, their share, lines converted, whole file) — see the module doc.

    Text in which t2s finds no traditional text is returned as it was.
    """
    if not _HAN.search(text):
        return text, 0, 0.0, [], False
    converter = _t2s()
    converted = converter.convert(text)
    if converted == text:
        return text, 0, 0.0, [], False
    han = len(_HAN.findall(text))
    changed = _changes(text, converted)
    total = sum(changed.values())
    share = total / han
    if share >= TRADITIONAL_FILE_SHARE and len(changed) >= TRADITIONAL_FILE_DISTINCT:
        return converted, total, share, [], True
    pieces = _LINE_BREAK.split(text)  # lines and their line ends, alternately
    lines, changed_total = [], 0
    for index in range(0, len(pieces), 2):
        line = pieces[index]
        new = converter.convert(line) if _HAN.search(line) else line
        if new == line:
            continue
        count = sum(_changes(line, new).values())
        if count >= TRADITIONAL_LINE_CHANGES and count >= TRADITIONAL_LINE_SHARE * len(
            _HAN.findall(line)
        ):
            pieces[index] = new
            lines.append(index // 2 + 1)
            changed_total += count
    if not lines:
        return text, 0, share, [], False
    return "".join(pieces), changed_total, changed_total / han, lines, False


# --- hard-wrapped lines ------------------------------------------------------------------------

_CLOSING = set("。！？；：…”’」』）》!?;:")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|各位代表[：:！!]"
    r"|第[一二三四五六七八九十百]+[章节部分篇])"
)
_INDENT = re.compile(r"^[ \t\u3000\u00a0]+")


def display_width(text: str) -> int:
    """Width in columns: 2 for a wide (Chinese) character, 1 for the others."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _wrap_profile(lines: Sequence[str]) -> tuple[int, int, float, float]:
    """(non-empty lines, wrap width, share of full lines, share of those open at their end)."""
    stripped = [line.strip() for line in lines if line.strip()]
    if not stripped:
        return 0, 0, 0.0, 0.0
    widths = sorted(display_width(line) for line in stripped)
    width = widths[int(0.9 * (len(widths) - 1))]
    full = [line for line in stripped if display_width(line) >= width - WRAP_FULL_TOLERANCE]
    open_ = [line for line in full if line[-1] not in _CLOSING]
    return len(stripped), width, len(full) / len(stripped), len(open_) / max(len(full), 1)


def is_hard_wrapped(lines: Sequence[str]) -> bool:
    """Whether a file's lines are hard-wrapped: most of them as long as they can be, open-ended.

    Hard-wrapped: at least `WRAP_MIN_LINES` non-empty lines; the wrap width (90th percentile of
    the lines' display widths, a Chinese character counting 2) at most `WRAP_MAX_WIDTH`; at least
    `WRAP_MIN_FULL_SHARE` of the lines within `WRAP_FULL_TOLERANCE` columns of it ("full"); and
    at least `WRAP_MIN_OPEN_SHARE` of the full lines not ending in closing punctuation.
    Measured: in the 31 provincial reports, the seed and the 49 national reports (one paragraph
    per line) the wrap width is 273–1442, 11–15% of the lines are full and at most 27% of those
    open (1957; 0% in 74 of the 81 files). The same texts wrapped at 20, 36 or 50 characters
    have 41–91% full lines, 93–98% of them open.
    """
    count, width, full, open_ = _wrap_profile(lines)
    return (
        count >= WRAP_MIN_LINES
        and width <= WRAP_MAX_WIDTH
        and full >= WRAP_MIN_FULL_SHARE
        and open_ >= WRAP_MIN_OPEN_SHARE
    )


def _join(left: str, right: str) -> str:
    latin = left and right and left[-1].isascii() and right[0].isascii()
    if latin and left[-1].isalpha() and right[0].isalpha():
        return f"{left} {right}"
    return left + right


def _rejoin(lines: Sequence[str], force: bool = False) -> tuple[list[str], list[int], bool]:
    """(lines, the 1-based input line where each starts, whether anything was re-joined)."""
    lines = list(lines)
    if not (force or is_hard_wrapped(lines)):
        return lines, list(range(1, len(lines) + 1)), False
    _count, width, _full, _open = _wrap_profile(lines)
    stripped = [line.strip() for line in lines]
    indents = [_INDENT.match(line) for line in lines]
    depth = [len(m.group()) if m else 0 for m in indents]
    base = min((d for d, s in zip(depth, stripped, strict=True) if s), default=0)
    indented = [bool(s) and d > base for d, s in zip(depth, stripped, strict=True)]
    short = [bool(s) and display_width(s) < width - WRAP_FULL_TOLERANCE for s in stripped]
    # Indentation marks paragraph starts if most lines after a short (paragraph-ending) line are
    # indented, and not every line is.
    after_short = [
        indented[i + 1] or bool(_HEADING.match(stripped[i + 1]))
        for i in range(len(lines) - 1)
        if short[i] and stripped[i + 1]
    ]
    nonempty = sum(1 for s in stripped if s)
    indent_mode = (
        sum(indented) >= 3
        and sum(indented) < 0.8 * nonempty
        and bool(after_short)
        and sum(after_short) >= 0.5 * len(after_short)
    )

    def ends_paragraph(i: int) -> bool:
        line = stripped[i]
        following = stripped[i + 1] if i + 1 < len(lines) else ""
        if not following:
            return True
        if indent_mode:
            # Headings are indented like paragraphs (or centred): a wrapped line that happens to
            # start like one (十、…) is not taken for a heading.
            if indented[i + 1]:
                return True
            # A line much shorter than the others ends its paragraph even without an indent
            # after it; a line a little short (a number or word carried over) does not.
            return display_width(line) < 0.6 * width
        return bool(_HEADING.match(following)) or short[i] or line[-1] in _CLOSING

    out, starts = [], []
    current, start = None, 0
    for i, line in enumerate(stripped):
        if not line:
            if current is not None:
                out.append(current)
                starts.append(start)
                current = None
            out.append("")
            starts.append(i + 1)
            continue
        if current is None:
            current, start = line, i + 1
        else:
            current = _join(current, line)
        if ends_paragraph(i):
            out.append(current)
            starts.append(start)
            current = None
    if current is not None:
        out.append(current)
        starts.append(start)
    return out, starts, len(out) < len(lines)


def rejoin_wrapped(lines: Sequence[str], force: bool = False) -> tuple[list[str], bool]:
    """Re-join hard-wrapped lines into paragraphs; return (lines, whether they were re-joined).

    Lines that are not hard-wrapped (`is_hard_wrapped`) come back unchanged, unless `force`
    (a PDF's lines are always wrapped). A line ends its paragraph when the next line is empty,
    a heading (一、…, （一）…, 各位代表：, 第…章) or — where the text marks paragraphs by an
    indent — indented; without indents, when it is short (more than two characters shorter than
    the wrap width) or ends in closing punctuation (。！？；：” …). Otherwise it is joined to the
    next line (with a space only between two Latin letters). Re-joined lines lose their
    indentation; empty lines are kept.
    """
    out, _starts, joined = _rejoin(lines, force)
    return out, joined


# --- Word documents and PDFs -------------------------------------------------------------------


def _docx_lines(path: str) -> tuple[list[str], list[str]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(path)
    except Exception as error:  # noqa: BLE001 — python-docx raises many kinds
        raise InputError(
            f"{path}: cannot be read as a Word document ({type(error).__name__}: {error}). "
            "Open it in Word or WPS and save it again as .docx, or save it as plain text (UTF-8)."
        ) from None
    lines: list[str] = []
    counts = Counter()

    def walk(container, in_table: bool) -> None:
        for block in container.iter_inner_content():
            if isinstance(block, Paragraph):
                for line in block.text.split("\n"):
                    if line.strip():
                        lines.append(line)
                        counts["table" if in_table else "body"] += 1
            elif isinstance(block, Table):
                seen = []  # the cells' XML elements (kept alive, so compared by identity)
                for row in block.rows:
                    for cell in row.cells:
                        # A merged cell appears once per grid column and row it spans.
                        if any(cell._tc is element for element in seen):
                            continue
                        seen.append(cell._tc)
                        walk(cell, True)

    walk(document, False)
    note = f"Word document: {counts['body']} paragraphs"
    if counts["table"]:
        note += f" and {counts['table']} paragraphs in table cells (row by row)"
    return lines, [note]


_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4})?[\s\-—–－_·•]*$"
)
_CID = re.compile(r"\(cid:\d+\)")


def _pdf_lines(path: str) -> tuple[list[str], list[str]]:
    """The lines of a PDF's text, page by page, indented lines marked by two U+3000."""
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(path)
    except Exception as error:  # noqa: BLE001 — pdfminer raises many kinds
        raise InputError(
            f"{path}: cannot be opened as a PDF ({type(error).__name__}: {error}). If it is "
            "password-protected, remove the password; otherwise save it again from a PDF viewer."
        ) from None
    pages = []
    try:
        with pdf:
            for page in pdf.pages:
                rows = []
                for line in page.extract_text_lines(strip=True, return_chars=True):
                    sizes = [c.get("size", 0) for c in line["chars"] if c["text"].strip()]
                    size = statistics.median(sizes) if sizes else 0
                    rows.append((line["text"], line["x0"], size))
                pages.append(rows)
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001
        raise InputError(
            f"{path}: the PDF cannot be read ({type(error).__name__}: {error}). Save it again "
            "from a PDF viewer, or give the report as text."
        ) from None
    notes = [f"PDF: {len(pages)} pages, text extracted with pdfplumber"]
    empty = [number for number, rows in enumerate(pages, start=1) if not rows]
    if len(empty) == len(pages):
        raise InputError(
            f"{path}: the PDF has no text layer ({len(pages)} pages of images: a scan). Run OCR "
            "on it (e.g. ocrmypdf -l chi_sim) or give the report as text."
        )
    if empty:
        notes.append(f"{len(empty)} pages without text (images?): {_lines_list(empty)}")

    # Page numbers and running headers or footers: the first or last line of a page that is a
    # page number, or that repeats (digits aside) on at least 3 pages and half of them.
    edges = Counter()
    for rows in pages:
        for row in {rows[0][0], rows[-1][0]} if rows else ():
            edges[re.sub(r"\d+", "#", row)] += 1
    repeated = {key for key, n in edges.items() if n >= 3 and n >= 0.5 * len(pages)}
    removed = 0
    for rows in pages:
        for index in (-1, 0):
            if rows and (
                _PAGE_NUMBER.match(rows[index][0])
                or re.sub(r"\d+", "#", rows[index][0]) in repeated
            ):
                rows.pop(index)
                removed += 1
    if removed:
        notes.append(f"{removed} page numbers, running headers and footers removed")

    # The left margin: the leftmost start shared by several lines of the page (of the document
    # when the page has no such start, or when all its lines are indented: a page of one-line
    # paragraphs). A line starting at least 0.8 character to its right is indented.
    def leftmost(starts: Counter, least: int) -> float | None:
        shared = [x0 for x0, n in starts.items() if n >= least]
        return min(shared) if shared else None

    everywhere = Counter(round(x0) for rows in pages for _t, x0, _s in rows)
    sizes = [size for rows in pages for _t, _x, size in rows if size]
    em = statistics.median(sizes) if sizes else 0
    document_margin = leftmost(everywhere, max(3, len(everywhere) // 20))
    if document_margin is None:
        document_margin = min(everywhere, default=0)
    lines, cids = [], 0
    for rows in pages:
        margin = leftmost(Counter(round(x0) for _t, x0, _s in rows), 2)
        if margin is None or margin > document_margin + 0.8 * em:
            margin = document_margin
        for text, x0, size in rows:
            cids += len(_CID.findall(text))
            indent = size and x0 - margin >= 0.8 * size
            lines.append(("\u3000\u3000" if indent else "") + text)
    total = sum(len(line) for line in lines)
    if cids:
        if cids * 8 > 0.05 * total:
            raise InputError(
                f"{path}: {cids} characters of the PDF cannot be read as text (its fonts carry "
                "no Unicode mapping: pdfplumber gives (cid:…) codes). Export the text from the "
                "program that made the PDF, or run OCR on it."
            )
        lines = [_CID.sub("", line) for line in lines]
        notes.append(f"{cids} characters without a Unicode mapping ((cid:…)) left out")
    return lines, notes


# --- reading files -----------------------------------------------------------------------------


def _kind(path: Path, data: bytes) -> str:
    if data.startswith(b"%PDF-") or data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            names = set()
        if "word/document.xml" in names:
            return "docx"
        what = (
            "an Excel workbook (.xlsx)"
            if "xl/workbook.xml" in names
            else "a PowerPoint file (.pptx)"
            if "ppt/presentation.xml" in names
            else "an OpenDocument file"
            if "mimetype" in names
            else "a ZIP archive"
        )
        raise InputError(
            f"{path}: this is {what}, not a text. Save the report as .docx, PDF or plain text "
            "(UTF-8), or remove it from `inputs`."
        )
    if path.suffix.lower() in _HTML_SUFFIXES:
        return "html"
    return "text"


def read_source(path, encodings: Sequence[str]) -> SourceText:
    """Read a report file (text, HTML, .docx or PDF) into text ready for the splitter.

    Raise InputError, naming the file, for an empty, binary, undecodable or unreadable file.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"{name}: cannot be read ({error.strerror}).") from None
    if not data.strip():
        raise InputError(f"{name}: the file is empty. Remove it from `inputs` in the config.")
    kind = _kind(Path(path), data)
    notes: list[str] = []
    if kind == "pdf":
        lines, notes = _pdf_lines(name)
        text, encoding = "\n".join(lines) + "\n", "pdf"
    elif kind == "docx":
        lines, notes = _docx_lines(name)
        text, encoding = "\n".join(lines) + "\n", "docx"
    else:
        text, encoding, notes = decode_text(data, name, encodings)
        if (kind == "html" and _MARKUP.search(text[:200_000])) or looks_like_html(text):
            # Line numbers and characters then refer to the page's text, not its markup.
            text, kind = html_to_text(text), "html"
            notes.append("an HTML page, not plain text: its text is used")
        else:
            kind = "text"
    text, cleaned = _clean(text, name)
    notes.extend(cleaned)
    if not text.strip():
        raise InputError(f"{name}: the file holds no text. Remove it from `inputs` in the config.")

    source = SourceText(path=name, text=text, encoding=encoding, kind=kind, notes=notes)
    lines = split_lines(text)
    joined, starts, rejoined = _rejoin(lines, force=kind == "pdf")
    if rejoined:
        source.text = "\n".join(joined) + "\n"
        source.line_map, source.rejoined = starts, True
        notes.append(
            f"hard-wrapped lines re-joined: {len(lines):,} → {len(joined):,} lines"
            + (" (line numbers are those of the extracted text)" if kind == "pdf" else "")
        )
    simplified, changed, share, converted_lines, whole = to_simplified(source.text)
    if changed:
        source.text, source.converted, source.traditional_share = simplified, True, share
        if whole:
            notes.append(
                f"traditional characters converted to simplified (OpenCC t2s): {changed:,} "
                f"characters changed ({share:.1%} of the Chinese characters)"
            )
        else:
            numbers = [source.source_line(n) for n in converted_lines]
            notes.append(
                f"traditional characters converted to simplified (OpenCC t2s) in "
                f"{len(numbers)} line{'s' if len(numbers) > 1 else ''} "
                f"({_lines_list(numbers)}): {changed:,} characters changed"
            )
    return source


def read_text_file(
    path, what: str, encodings: Sequence[str] = EDITED_FILE_ENCODINGS, simplify: bool = False
) -> str:
    """Read a file a user edits (manifest, stopword list, dictionary, POS overrides) as text.

    UTF-8 with or without BOM, GB18030/GBK (as Excel saves a CSV), Big5, UTF-16 with BOM (Excel's
    "Unicode text") or without: detected as for the reports. Line separators become line breaks
    and control characters are removed. With `simplify`, traditional characters are converted
    as in a report (`to_simplified`), so that a word list in traditional characters matches the
    converted reports. An empty file gives "". Raise InputError naming the file and `what` (e.g.
    "stopword list") for a binary or undecodable file.
    """
    label = f"{path} ({what})"
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"{label}: cannot be read ({error.strerror}).") from None
    if not data.strip():
        return ""
    try:
        text, _encoding, _notes = decode_text(data, label, encodings)
        text, _notes = _clean(text, label)
    except InputError as error:
        message = str(error).replace(
            "or add its encoding to `split.encodings` in the config",
            "(in Excel: Save As → “CSV UTF-8”; in Notepad: Save As → Encoding UTF-8)",
        )
        message = message.replace(" or remove it from `inputs`", "")
        message = message.replace(" Remove it from `inputs` in the config.", "")
        raise InputError(message) from None
    if simplify:
        text = to_simplified(text)[0]
    return text
