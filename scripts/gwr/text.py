"""Text normalisation: decoding a file, reading an HTML page as text, normalising a line, and
cutting lines that lost their paragraph breaks.

Every step that reads report text goes through these functions (the split; the dictionary and
segmentation read the split's normalised paragraphs).
"""

import re
import unicodedata

from gwr.regions import CJK

# --- text normalisation ------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_LETTER_SPACED = re.compile(rf"(?:[{CJK}] )+[{CJK}]")
# Apostrophes outside a Latin word: a wiki's bold and italic marks left behind.
_STRAY_QUOTE = re.compile(r"(?<![A-Za-z])'+|'+(?![A-Za-z])")
# A year written with its digits spaced out (关于1 9 9 8 年政府工作的建议).
_SPACED_YEAR = re.compile(r"(?<!\d)(\d) (\d) (\d) (\d) ?年")
_LEADING_DASHES = re.compile(r"^[-－—–―]{2,}")
# ASCII punctuation that Chinese text writes full-width, except where it belongs to a number:
# a thousands separator (1,000), a clock time (07:03) or a ratio between digits.
_ASCII_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_ASCII_PUNCT = re.compile(r"[,:;!?()]")
_FULLWIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ％＋]")
_FULLWIDTH_POINT = re.compile(r"(?<=[0-9])．(?=[0-9])")


def _to_full_width(match: re.Match) -> str:
    char, text, at = match.group(), match.string, match.start()
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if (
        char in ",:"
        and before.isascii()
        and before.isdigit()
        and after.isascii()
        and after.isdigit()
    ):
        return char
    return _ASCII_TO_FULL[char]


def normalise_line(line: str) -> str:
    """Normalise one source line (see README, "Text normalisation").

    - every kind of space (non-breaking, ideographic U+3000, tabs) becomes one ASCII space, and
      leading/trailing space (the reports' full-width indentation) is removed; zero-width
      characters are removed;
    - full-width digits, Latin letters, ％ and ＋ become ASCII (１２％ -> 12%), and a full-width
      point between digits becomes '.', so that numbers are written one way;
    - ASCII , : ; ! ? ( ) become full-width (the seed uses ASCII commas), except a comma or colon
      between two digits (1,000 or 07:03);
    - a letter-spaced line such as "政 府 工 作 报 告" is closed up, and a year written with its
      digits spaced out (1 9 9 8 年);
    - apostrophes outside Latin words (a wiki's bold and italic marks) are removed;
    - two or more leading dashes (---- or ——) become "——".
    """
    line = _ZERO_WIDTH.sub("", line)
    line = _SPACES.sub(" ", line).strip()
    line = _FULLWIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), line)
    line = _FULLWIDTH_POINT.sub(".", line)
    line = _ASCII_PUNCT.sub(_to_full_width, line)
    line = _SPACED_YEAR.sub(r"\1\2\3\4年", line)
    line = _STRAY_QUOTE.sub("", line)
    if _LETTER_SPACED.fullmatch(line):
        line = line.replace(" ", "")
    return _LEADING_DASHES.sub("——", line)


_HTML = re.compile(r"<(?:!doctype\s+html|html|body|head|p|div|br)\b", re.IGNORECASE)
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "title",
    "table",
    "ul",
    "ol",
    "blockquote",
    "header",
    "footer",
    "pre",
    "hr",
}
_SKIPPED_TAGS = {"script", "style", "noscript", "template"}


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000]
    return head.startswith("<") and bool(_HTML.search(head))


def html_to_text(text: str) -> str:
    """The text of an HTML page: one line per block element, scripts and styles left out."""
    from html.parser import HTMLParser

    class Extractor(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skipping = 0

        def handle_starttag(self, tag, attrs):
            if tag in _SKIPPED_TAGS:
                self.skipping += 1
            elif tag in _BLOCK_TAGS:
                self.parts.append("\n")

        def handle_endtag(self, tag):
            if tag in _SKIPPED_TAGS:
                self.skipping = max(0, self.skipping - 1)
            elif tag in _BLOCK_TAGS:
                self.parts.append("\n")

        def handle_data(self, data):
            if not self.skipping:
                self.parts.append(data.replace("\n", " "))

    extractor = Extractor()
    extractor.feed(text)
    extractor.close()
    lines = (line.strip() for line in "".join(extractor.parts).split("\n"))
    return "\n".join(line for line in lines if line) + "\n"


_LINE_END = re.compile("\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or CR, and on Unicode's line and paragraph separators (U+2028,
    U+2029, NEL, VT, FF), without line ends: line numbers as an editor shows them."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


_LEADING_TITLE = re.compile(r"^\s*(?:\d{4}年)?[^，。,\s]{0,20}?政\s?府\s?工\s?作\s?报\s?告")
# Sentences of a line, each with its closing punctuation.
_SENTENCES = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;]+$")
# Whitespace before Chinese text inside a long line: where a paste kept the paragraphs'
# indentation (　　) or set a space between them.
_INDENT_BREAK = re.compile(r"(?<=\S)[ \t\u3000]+(?=[\u3000-\u303f\uff00-\uffef\u4e00-\u9fff“（])")
# At least one such break per this many paragraphs' worth of characters (paragraph_chars).
_INDENT_SHARE = 4
# Where a header glued to its text is cut: before a session date and before 各位代表.
_HEADER_BREAK = re.compile(
    r"(?=(?:——)?\d{4}年\d{1,2}月\d{1,2}日(?:[^，。]{0,12})?在)|(?=各位代表[:：!！，,])"
)
# A sentence that always starts a paragraph: 各位代表, a heading of any level, a dash item.
_PARAGRAPH_START = re.compile(
    r"^(?:各位代表|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]"
    r"|\d{1,2}[.．、](?!\d)|——)"
)
# A sentence that starts a paragraph once the paragraph has some length: a short lead sentence
# (加力扩大有效投资。) or an enumeration item (一是…).
_LEAD_SENTENCE = re.compile(r"^(?:[^，。；！？,;!?]{2,20}[。！!]|[一二三四五六七八九十]{1,2}是)")


def break_line(line: str, max_chars: int, lead_chars: int, paragraph_chars: int) -> list[str]:
    """Pieces of a line too long to be one paragraph (its paragraph breaks were lost).

    After a title at its start, a line that kept whitespace where its paragraphs began (their
    indentation, or a space between them; at least one for every 4 × `paragraph_chars`
    characters) is cut there, and before 各位代表 and a session date. Otherwise it is cut into
    sentences, gathered into paragraphs: a new paragraph starts at 各位代表, at a heading of any
    level (一、 （一） 1.) and at a dash item (——); at a short lead sentence (加力扩大有效投资。)
    or an enumeration item (一是) once the paragraph has `lead_chars` characters; and after any
    sentence once it has `paragraph_chars`. (On the 31 provincial reports of 2025 joined into
    one line each without indentation, 120 and 400 give a median of 1.0 times the real
    paragraphs, from 0.73 to 1.83.) Nothing is removed: the pieces join up to the line.
    """
    title = _LEADING_TITLE.match(line)
    head, rest = (line[: title.end()], line[title.end() :]) if title else ("", line)
    pieces = [head] if head else []
    current = ""
    # A paste that kept the paragraphs' indentation (or put a space between them): the
    # whitespace is where the paragraphs were, when there is some of it for every few of them.
    indented = _INDENT_BREAK.split(rest)
    if len(indented) - 1 >= len(rest) / (_INDENT_SHARE * paragraph_chars):
        # (a header or a salutation without indentation is still cut off its neighbour)
        blocks = [
            block for piece in indented for block in _HEADER_BREAK.split(piece) if block.strip()
        ]
        for block in blocks:
            if len(block) > max_chars:
                pieces.extend(break_line(block, max_chars, lead_chars, paragraph_chars))
            else:
                pieces.append(block)
        return pieces
    # The header's pieces and the openings are cut first: a session date (——2025年1月14日在…),
    # 各位代表 followed by its punctuation.
    sentences = [
        sentence
        for block in _HEADER_BREAK.split(rest)
        if block
        for sentence in _SENTENCES.findall(block)
    ]
    for sentence in sentences:
        if current and (
            _PARAGRAPH_START.match(sentence)
            or (_LEAD_SENTENCE.match(sentence) and len(current) >= lead_chars)
            or len(current) >= paragraph_chars
        ):
            pieces.append(current)
            current = ""
        current += sentence
        while len(current) > max_chars:  # a "sentence" with no stop in it
            pieces.append(current[:max_chars])
            current = current[max_chars:]
    if current:
        pieces.append(current)
    return pieces


def source_lines(
    text: str, max_chars: int, lead_chars: int, paragraph_chars: int
) -> tuple[list[str], list[int], list[int]]:
    """(lines, their 1-based line numbers, numbers of the lines that had to be broken).

    A line longer than `max_chars` is broken into several pieces that keep its line number.
    """
    pieces, numbers, broken = [], [], []
    for number, line in enumerate(split_lines(text), start=1):
        parts = (
            [line]
            if len(line) <= max_chars
            else break_line(line, max_chars, lead_chars, paragraph_chars)
        )
        if len(parts) > 1:
            broken.append(number)
        pieces.extend(parts)
        numbers.extend([number] * len(parts))
    return pieces, numbers, broken
