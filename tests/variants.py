"""Real-input variants for the splitter's tests (issue "Reading real reports").

Each builder takes real reports — the 31 provincial reports of 2025 and the 49 national reports
of 1954–2022 in ../shared/corpora, and the bundled seed — and writes into a given folder the
input a researcher really brings: the report as a government-site page, pasted into one line,
two reports in one file under another form of title, without its header, and so on. It returns
the paths it wrote and what the right answer is (`Expected`: region, year, number of body
paragraphs of the original, first and last paragraph, …), taken from the original text with
rules of its own, not from the splitter under test.

The shared corpora are never copied into the project: the variants are built at test time into
a temporary folder. `shared_missing()` says why they cannot be built (a user's clone has no
../shared); the seed-only variants are always available.

Every builder is written for the kind of problem and applied to several different real reports
(`CASES`); the cases with `held_out=True` (other provinces than those used while implementing)
are checks to run, not examples to tune against.
"""

import csv
import dataclasses
import functools
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "beijing_2024_reports_compendium.txt"
SHARED = ROOT.parent / "shared"
PROVINCES_DIR = SHARED / "corpora" / "provinces-2025"
NATIONAL_DIR = SHARED / "corpora" / "national-1954-2022"

CJK_CHARS = re.compile(r"[\u3400-\u9fff]")
_SALUTATION_ONLY = re.compile(r"各位代表[：:！!，,]?")
_APPENDIX_START = re.compile(r"附件.{0,20}|附录.{0,20}|名词解释|.{0,20}名词注释")
_NOTICE_START = "本作品是中华人民共和国的"
_SESSION_REGION = re.compile(
    r"在(?P<region>[\u4e00-\u9fff]{2,20}?)第[一二三四五六七八九十]{1,3}届 ?人民代表大会"
)
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_TITLE = re.compile(r"(?P<year>\d{4})年(?P<short>.+?)政府工作报告")
_GLOSSARY_ENTRY = re.compile(
    r"^(?P<indent>\s*)(?P<number>\d{1,3})\s*[.．、]\s*(?P<term>[^：:]{1,60}?)\s*[：:]\s*"
    r"(?P<definition>.+)$"
)
_TOP_HEADING = re.compile(r"^(?P<indent>\s*)(?P<number>[一二三四五六七八九十]{1,3})、(?P<rest>.+)$")
_SUB_HEADING = re.compile(
    r"^(?P<indent>\s*)（(?P<number>[一二三四五六七八九十]{1,2})）(?P<rest>.+)$"
)
_SPEAKER_LINE = re.compile(
    r"^(?P<office>\s*[\u4e00-\u9fff]*(?:省长|市长|区长|主席|总理))\s*"
    r"(?P<name>[\u4e00-\u9fff]{2,3})\s*$"
)
# Words of Wikisource's public-domain notice and editing debris: never in a report's text.
WIKISOURCE_MARKERS = (
    "本作品是中华人民共和国的",
    "公有领域",
    "维基文库",
    "Public domain",
    "粗体文字",  # the placeholder of Wikisource's bold button (2007)
)


def shared_missing() -> str | None:
    """Why the variants of the shared corpora cannot be built here, or None."""
    if len(list(PROVINCES_DIR.glob("*.txt"))) != 31 or len(list(NATIONAL_DIR.glob("*.txt"))) != 49:
        return (
            f"the shared corpora are not at {SHARED / 'corpora'} (they live in ../shared, beside "
            "the project, on the developers' machines and in CI; a user's clone does not have them)"
        )
    return None


_EDGES = re.compile(r"^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$")


def strip(line: str) -> str:
    """The line without the spaces (of every kind) and zero-width characters at its ends."""
    return _EDGES.sub("", line)


def key(text: str, length: int = 20) -> str:
    """The first CJK characters of a text: compares paragraphs whatever the normalisation."""
    return "".join(CJK_CHARS.findall(unicodedata.normalize("NFKC", text)))[:length]


def compact(text: str) -> str:
    """NFKC without any space: compares a line with its normalised form."""
    return re.sub(r"[\s\u200b-\u200d\u2060\ufeff]", "", unicodedata.normalize("NFKC", text))


def count_paragraphs(lines: list[str]) -> int:
    """Body paragraphs of a clean text: its non-blank lines, a line holding only the salutation
    各位代表： being part of the paragraph it introduces."""
    return sum(1 for line in map(strip, lines) if line and not _SALUTATION_ONLY.fullmatch(line))


_TERMINAL = re.compile(r"[。！？；：!?;:”’]$")
# A line starting with one of these continues the sentence before it (》下达到全国农村以后…).
_CONTINUES = tuple("，,、。；;：:）)》」』”’！!？?")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）)")


def block_paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs of a Wikisource text: blocks between blank lines, whose lines are joined
    up to a line ending a sentence or a numbered heading (Wikisource breaks the line around
    every link: 党的十八届六中全会 / 正式明确 / 习近平 / 总书记的核心地位…); a line starting
    with punctuation that continues a sentence (》下达到…) joins the one before it. A line holding
    only a zero-width character is no blank line; a salutation line 各位代表： belongs to the
    paragraph after it."""
    paragraphs, current = [], ""
    for line in lines:
        if not line.strip():  # str.strip leaves zero-width characters
            paragraphs.append(current)
            current = ""
            continue
        text = strip(line)
        if not text:
            continue
        if not current and text.startswith(_CONTINUES) and paragraphs and paragraphs[-1]:
            current = paragraphs.pop()
        if _NUMBERED.match(text) and current:
            paragraphs.append(current)
            current = ""
        current += text
        heading = _NUMBERED.match(text) and len(text) <= 60 and "。" not in text
        if _TERMINAL.search(text) or heading:
            paragraphs.append(current)
            current = ""
    paragraphs.append(current)
    merged, pending = [], ""
    for paragraph in filter(None, paragraphs):
        if _SALUTATION_ONLY.fullmatch(paragraph):
            pending = paragraph
            continue
        merged.append(pending + paragraph)
        pending = ""
    return merged


def write(path: Path, lines: list[str], separator: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(separator.join(lines) + "\n", encoding="utf-8")
    return path


# --- the real reports ------------------------------------------------------------------------


@dataclasses.dataclass
class Expected:
    """The right answer for one report of a variant."""

    region: str
    year: int
    parent: str = ""
    session_date: str = ""
    speaker: str = ""  # the speaker's name, written whole (韦韬)
    paragraphs: int = 0  # body paragraphs of the original (opening to closing appeal)
    first: str = ""  # key() of the first body paragraph
    last: str = ""  # key() of the last body paragraph (the closing appeal)
    source: str = ""  # the real report it was made from
    region_source: str = ""
    year_source: str = ""
    glossary: list[tuple[int, str]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Original:
    """One real report inside its file's lines."""

    name: str
    path: Path
    lines: list[str]
    start: int  # its first line: the title, or the opening when it has no header
    title: int | None
    opening: int  # the line of 各位代表 (the first line when there is none: 1964)
    end: int  # after its last body line (before an appendix, a licence notice, the next report)
    stop: int  # after its last line (appendix included)
    truth: Expected
    short: str = ""  # the region as its title writes it (浙江省, 广西)
    blocks: bool = False  # paragraphs are blocks between blank lines (Wikisource), not lines

    @property
    def header(self) -> list[str]:
        return self.lines[self.title + 1 : self.opening] if self.title is not None else []

    @property
    def body(self) -> list[str]:
        return self.lines[self.opening : self.end]

    @property
    def report(self) -> list[str]:
        return self.lines[self.start : self.stop]

    def body_keys(self) -> tuple[str, str]:
        lines = [strip(line) for line in self.body if strip(line)]
        first = lines[0] if not _SALUTATION_ONLY.fullmatch(lines[0]) else lines[0] + lines[1]
        last = lines[-1]
        if len(lines) > 1 and _SALUTATION_ONLY.fullmatch(lines[-2]):
            last = lines[-2] + last  # 各位代表！ on a line of its own, then the appeal
        return key(first), key(last)

    def salutation_index(self) -> int | None:
        """The index of a line holding only 各位代表：, if the opening is written so."""
        return self.opening if _SALUTATION_ONLY.fullmatch(strip(self.lines[self.opening])) else None

    def first_sentence_line(self) -> str:
        """The opening's first line of text (现在，我代表…), after a salutation line."""
        index = self.opening + (1 if self.salutation_index() is not None else 0)
        while not strip(self.lines[index]):
            index += 1
        return self.lines[index]


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def _finish(original: Original) -> Original:
    if original.blocks:
        paragraphs = block_paragraphs(original.body)
        original.truth.paragraphs = len(paragraphs)
        original.truth.first, original.truth.last = key(paragraphs[0]), key(paragraphs[-1])
    else:
        original.truth.paragraphs = count_paragraphs(original.body)
        original.truth.first, original.truth.last = original.body_keys()
    original.truth.source = original.name
    return original


@functools.cache
def province(name: str) -> Original:
    """The 2025 report of a province-level region by its file name (`zhejiang`)."""
    path = PROVINCES_DIR / f"prov_{name}_2025.txt"
    lines = _lines(path)
    opening = next(i for i, line in enumerate(lines) if strip(line).startswith("各位代表"))
    end = next(
        (i for i in range(opening, len(lines)) if _APPENDIX_START.fullmatch(strip(lines[i]))),
        len(lines),
    )
    title = _TITLE.fullmatch(strip(lines[0]))
    header = " ".join(strip(line) for line in lines[1:opening])
    region = _SESSION_REGION.search(header.replace(" ", ""))
    date = _DATE.search(header)
    truth = Expected(
        region=region.group("region"),
        year=int(title.group("year")),
        session_date=f"{int(date.group(1)):04d}-{int(date.group(2)):02d}-{int(date.group(3)):02d}",
    )
    original = Original(name, path, lines, 0, 0, opening, end, len(lines), truth)
    original.short = title.group("short")
    return _finish(original)


@functools.lru_cache(maxsize=1)
def national_years() -> dict[str, int]:
    with open(NATIONAL_DIR / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["file"]: int(row["year"]) for row in csv.DictReader(handle)}


@functools.cache
def national(year: int) -> Original:
    """The national report of a year (its file has the Wikisource notice at its end)."""
    path = NATIONAL_DIR / f"cn_national_{year}.txt"
    lines = _lines(path)
    nonblank = [i for i, line in enumerate(lines) if strip(line)]
    opening = next((i for i in nonblank if strip(lines[i]).startswith("各位代表")), nonblank[0])
    title = nonblank[0] if "政府工作报" in strip(lines[nonblank[0]]) else None
    # The body ends at the notice, or at Wikisource's notes on missing glyphs before it (1956).
    end = next(
        i for i, line in enumerate(lines) if strip(line).startswith((_NOTICE_START, "字库未存字"))
    )
    truth = Expected(region="全国", year=national_years()[path.name])
    start = title if title is not None else opening
    original = Original(f"national-{year}", path, lines, start, title, opening, end, end, truth)
    original.blocks = True
    return _finish(original)


SEED_TRUTH = {
    "北京市": Expected("北京市", 2024, "", "2024-01-21", "殷勇"),
    "东城区": Expected("东城区", 2024, "北京市", "2024-01-09", "周金星"),
    "西城区": Expected("西城区", 2024, "北京市", "2024-01-09", "刘东伟"),
}


@functools.lru_cache(maxsize=1)
def seed_reports() -> tuple[Original, ...]:
    """The three reports of the seed (北京市, 东城区, 西城区), as spans of the seed's lines."""
    lines = _lines(SEED)
    titles = [i for i, line in enumerate(lines) if compact(line) == "政府工作报告"]
    glossary = next(i for i, line in enumerate(lines) if strip(line) == "名词解释")
    debris = next(i for i in range(glossary, len(lines)) if strip(lines[i]).startswith("¥"))
    reports = []
    for number, (name, truth) in enumerate(SEED_TRUTH.items()):
        title = titles[number]
        following = titles[number + 1] if number + 1 < len(titles) else None
        opening = next(
            i for i in range(title, len(lines)) if strip(lines[i]).startswith("各位代表")
        )
        end = following if following is not None else glossary
        stop = following if following is not None else debris
        truth = dataclasses.replace(truth)
        original = Original(f"seed-{name}", SEED, lines, title, title, opening, end, stop, truth)
        reports.append(_finish(original))
    return tuple(reports)


def seed_report(region: str) -> Original:
    return next(r for r in seed_reports() if r.truth.region == region)


def original(name: str) -> Original:
    """`zhejiang`, `national-2022` or `seed-东城区`."""
    if name.startswith("national-"):
        return national(int(name.split("-", 1)[1]))
    if name.startswith("seed-"):
        return seed_report(name.split("-", 1)[1])
    return province(name)


def expected(source: Original, **changes) -> Expected:
    return dataclasses.replace(source.truth, **changes)


def file_truths(source: Original, **changes) -> tuple[list[Expected], list[Original]]:
    """The right answers for every report of the file `source` is in (the seed holds three),
    `changes` applying to `source`'s."""
    reports = list(seed_reports()) if source.path == SEED else [source]
    truths = [expected(r, **changes) if r is source else expected(r) for r in reports]
    return truths, reports


# --- variants ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Variant:
    """What a builder wrote and what the splitter should make of it."""

    kind: str
    paths: list[Path]  # the files to give split_corpus, in order
    expected: list[Expected]  # the reports it should find, in order
    sources: list[Original] = dataclasses.field(default_factory=list)
    # Lines that must go to dropped.csv: (line number in the written file, text).
    dropped: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    manifest: Path | None = None
    error: list[str] = dataclasses.field(default_factory=list)  # what the InputError must name
    notes: dict = dataclasses.field(default_factory=dict)

    @property
    def inputs(self) -> list[str]:
        return [str(path) for path in self.paths]


class _Text:
    """Lines being assembled, with the numbers of those that must be dropped."""

    def __init__(self):
        self.lines: list[str] = []
        self.dropped: list[tuple[int, str]] = []

    def add(self, lines: list[str], dropped: bool = False) -> "_Text":
        for line in lines:
            if dropped and strip(line):
                self.dropped.append((len(self.lines) + 1, strip(line)))
            self.lines.append(line)
        return self


def _source_paper(source: Original) -> str:
    for line in source.header:
        match = re.match(r"来源 ?[：:] ?(?P<paper>.+)", strip(line))
        if match:
            return match.group("paper").strip()
    return "人民日报"


def _session_day(source: Original) -> tuple[int, int]:
    date = source.truth.session_date or "2025-01-14"
    return int(date[5:7]), int(date[8:10])


def government_site_page(folder: Path, name: str, stamp: str = "iso") -> Variant:
    """The report as a government site shows it: a breadcrumb, a web time stamp a day after the
    session with the newspaper, a toolbar above the text; photo captions inside the text; the
    source and editor lines, a list of related links, a link to the special page and a share
    and print widget below it."""
    source = original(name)
    paper = _source_paper(source)
    month, day = _session_day(source)
    year = source.truth.year
    if stamp == "iso":
        stamp_line = f"{year}-{month:02d}-{day + 1:02d} 09:30 来源：{paper}"
    else:
        stamp_line = f"发布时间：{year}年{month:02d}月{day + 1:02d}日 09:30　来源：{paper}"
    caption_1 = f"图为{month}月{day}日，{source.truth.region}人民代表大会会议开幕。记者 陈晨 摄"
    caption_2 = "▲ 会议现场。（新华社记者 李贺 摄）"
    body = source.body
    nonblank = [i for i, line in enumerate(body) if strip(line)]
    # Captions after the opening paragraph and in the middle of the review.
    captions = {nonblank[1]: caption_2, nonblank[len(nonblank) // 3]: caption_1}
    text = _Text()
    text.add(["首页 > 政务公开 > 政府工作报告"], dropped=True)
    text.add([strip(source.lines[source.title])])
    text.add([stamp_line, "下载 打印 全屏 收藏 【字号：大 中 小】"], dropped=True)
    text.add([""] + source.header)
    for index, line in enumerate(body):
        text.add([line])
        if index in captions:
            text.add([captions[index]], dropped=True)
    text.add(source.lines[source.end : source.stop])  # an appendix
    tail = [
        f"（来源：{paper}）",
        "编辑：王晓明　审核：李丽",
        "相关报道：",
        f"{source.short}第十四届人民代表大会第三次会议隆重开幕",
        f"【图解】一图读懂{year}年{source.short}政府工作报告",
        f"{source.short}人大代表热议政府工作报告",
        "》》点击图片进入专题《《",
        "分享到：微信 微博 QQ空间",
        "【打印本页】【关闭窗口】",
    ]
    text.add([""]).add(tail, dropped=True)
    path = write(folder / f"{name}_page.txt", text.lines)
    return Variant("government_site_page", [path], [expected(source)], [source], text.dropped)


def repeated_title_page(folder: Path, name: str) -> Variant:
    """A page that repeats the report's title and first line below the text (a teaser for the
    next page or the print view): a fragment of a few hundred characters, not a report."""
    source = original(name)
    fragment = [
        strip(source.lines[source.title]),
        "各位代表：",
        strip(source.first_sentence_line()),
    ]
    text = _Text().add(source.lines[: source.stop] + [""]).add(fragment, dropped=True)
    path = write(folder / f"{name}_repeated.txt", text.add(source.lines[source.stop :]).lines)
    truths, reports = file_truths(source)
    return Variant("repeated_title_page", [path], truths, reports, text.dropped)


def one_line_text(folder: Path, name: str, joiner: str = "") -> Variant:
    """The report pasted into one line: its lines (indentation kept) joined by `joiner`."""
    source = original(name)
    pieces = [line.rstrip() for line in source.lines[source.start : source.end] if strip(line)]
    path = write(folder / f"{name}_one_line.txt", [joiner.join(pieces)])
    return Variant("one_line_text", [path], [expected(source)], [source])


def u2028_text(folder: Path, name: str) -> Variant:
    """The whole file with U+2028 (LINE SEPARATOR) in place of every line end."""
    source = original(name)
    path = write(folder / f"{name}_u2028.txt", source.lines, separator="\u2028")
    return Variant("u2028_text", [path], [expected(source)], [source])


TITLE_STYLES = (
    "full_text",
    "region_first",
    "bare",
    "letter_spaced",
    "two_lines",
    "abstract",
    "no_salutation",
)


def title_lines(source: Original, style: str, cut: int = 1) -> list[str]:
    """The title of `source` written in one of its usual forms."""
    year, short = source.truth.year, source.short
    title = strip(source.lines[source.title])
    return {
        "full_text": [f"{year}年{short}政府工作报告（全文）"],
        "region_first": [f"{short}{year}年政府工作报告"],
        "bare": ["政府工作报告"],
        "letter_spaced": ["政　府　工　作　报　告"],
        "two_lines": [title[:-cut], title[-cut:]],
        "abstract": [f"{year}年{short}政府工作报告（摘要）"],
        "no_salutation": [title],
    }[style]


def without_salutation(source: Original) -> list[str]:
    """The report's lines from its title on, its opening 各位代表 taken away."""
    lines = source.lines[source.start : source.stop]
    at = source.opening - source.start
    if source.salutation_index() is not None:
        return lines[:at] + lines[at + 1 :]
    first = re.sub(r"^(\s*)各位代表[：:！!，,]?", r"\1", lines[at])
    return lines[:at] + [first] + lines[at + 1 :]


def two_reports(folder: Path, first: str, second: str, style: str, cut: int = 1) -> Variant:
    """Two reports in one file, the second under a title of the form `style` (or, for
    no_salutation, under its own title but without its opening 各位代表)."""
    one, two = original(first), original(second)
    lines_two = two.lines[two.start : two.stop]
    if style == "no_salutation":
        lines_two = without_salutation(two)
    lines_two = title_lines(two, style, cut) + lines_two[1:]
    lines = one.lines[one.start : one.stop] + ["", ""] + lines_two
    path = write(folder / f"{first}_{second}_{style}.txt", lines)
    return Variant(
        "two_reports", [path], [expected(one), expected(two)], [one, two], notes={"style": style}
    )


def sidebar_titles(folder: Path, name: str, years: tuple[int, ...] = (2023, 2024)) -> Variant:
    """Titles of older years' reports above the real title (a sidebar of links)."""
    source = original(name)
    sidebar = [f"{year}年{source.short}政府工作报告" for year in years]
    text = _Text().add(sidebar, dropped=True).add(["", *source.lines])
    path = write(folder / f"{name}_sidebar.txt", text.lines)
    truths, reports = file_truths(source)
    return Variant("sidebar_titles", [path], truths, reports, text.dropped)


def title_year(folder: Path, name: str, year: int) -> Variant:
    """The title says `year` (2205: a typing error), the session line the real year."""
    source = original(name)
    lines = list(source.lines)
    title = strip(lines[source.title])
    lines[source.title] = title.replace(str(source.truth.year), str(year), 1)
    if lines[source.title] == title:  # a title without a year (政府工作报告)
        lines[source.title] = f"{year}年{title}"
    path = write(folder / f"{name}_title_{year}.txt", lines)
    return Variant(
        "title_year",
        [path],
        [expected(source)],
        [source],
        error=[str(path), f"line {source.title + 1}", str(year)],
        notes={"title_year": year, "title_line": source.title + 1},
    )


def _drop_parent(lines: list[str], region: str, parent: str) -> list[str]:
    return [line.replace(parent + region, region) for line in lines]


def same_report_twice(folder: Path, name: str, near: bool = False) -> Variant:
    """The same report in two files: as the source has it, and with the parent's name taken out
    of its header (北京市东城区 -> 东城区); `near`: the second copy also lacks three paragraphs
    and has a line of web debris (still ≥ 0.9 of its word shingles shared).

    For a province (no parent), the second file's header claims another year instead: its title
    says the year before and its session line is gone."""
    source = original(name)
    report = source.lines[source.start : source.end]
    header_end = source.opening - source.start
    if source.truth.parent:
        header = _drop_parent(report[:header_end], source.truth.region, source.truth.parent)
    else:
        header = [
            line
            for line in report[1:header_end]
            if "人民代表大会" not in line and not _DATE.search(line)
        ]
        header = [f"{source.truth.year - 1}年{source.short}政府工作报告", *header]
    body = report[header_end:]
    if near:
        nonblank = [i for i, line in enumerate(body) if strip(line)]
        for index in sorted({nonblank[len(nonblank) * k // 4] for k in (1, 2, 3)}, reverse=True):
            del body[index]
        body.insert(len(body) // 2, "分享到：")
    first = write(folder / "copy_a" / f"{name}.txt", report)
    second = write(folder / "copy_b" / f"{name}_copy.txt", header + body)
    return Variant(
        "same_report_twice",
        [first, second],
        [expected(source)],
        [source],
        error=[str(first), str(second)],
        notes={"near": near},
    )


def body_pasted_twice(folder: Path, name: str) -> Variant:
    """One file holding the report's header once and its body twice, one after the other."""
    source = original(name)
    copy = source.lines[source.opening : source.end]
    text = _Text().add(source.lines[: source.end] + ["", ""]).add(copy, dropped=True)
    path = write(folder / f"{name}_twice.txt", text.add(source.lines[source.end :]).lines)
    truths, reports = file_truths(source)
    first = [(i + 1, strip(line)) for i, line in enumerate(copy, source.opening) if strip(line)]
    return Variant(
        "body_pasted_twice", [path], truths, reports, text.dropped, notes={"first_copy": first}
    )


def seed_without_opening(folder: Path, region: str) -> Variant:
    """The seed compendium with the opening 各位代表 of one of its reports removed."""
    target = seed_report(region)
    lines = list(target.lines)
    del lines[target.opening]
    path = write(folder / f"seed_without_opening_{target.truth.region}.txt", lines)
    reports = list(seed_reports())
    return Variant(
        "seed_without_opening",
        [path],
        [expected(r) for r in reports],
        reports,
        notes={"removed": target.truth.region},
    )


def headerless(folder: Path, name: str) -> Variant:
    """The report without its header: the file starts with 各位代表：, whose opening names the
    government (我代表上海市人民政府) and whose review heading the year (一、2024年工作回顾)."""
    source = original(name)
    path = write(folder / f"{name}_headerless.txt", source.lines[source.opening :])
    truth = expected(source, session_date="", region_source="opening", year_source="review_heading")
    return Variant("headerless", [path], [truth], [source])


def _glossary_span(source: Original) -> tuple[int, int]:
    """(index of the glossary heading, index after its last entry)."""
    heading = next(
        i
        for i in range(source.end, source.stop)
        if re.fullmatch(r".{0,20}名词(解释|注释)", strip(source.lines[i]))
    )
    last = heading
    for i in range(heading + 1, source.stop):
        if _GLOSSARY_ENTRY.match(source.lines[i]):
            last = i
        elif strip(source.lines[i]) and _APPENDIX_START.fullmatch(strip(source.lines[i])):
            break
    return heading, last + 1


def glossary_entries(source: Original) -> list[tuple[int, str]]:
    heading, after = _glossary_span(source)
    matches = (_GLOSSARY_ENTRY.match(line) for line in source.lines[heading + 1 : after])
    return [(int(m.group("number")), m.group("term").strip()) for m in matches if m]


def glossary_on_two_lines(folder: Path, name: str) -> Variant:
    """The glossary with each term on a line of its own and its definition on the next."""
    source = original(name)
    heading, after = _glossary_span(source)
    lines = source.lines[: heading + 1]
    for line in source.lines[heading + 1 : after]:
        match = _GLOSSARY_ENTRY.match(line)
        if match:
            indent = match.group("indent")
            lines += [
                f"{indent}{match.group('number')}.{match.group('term').strip()}",
                f"{indent}{match.group('definition').strip()}",
            ]
        else:
            lines.append(line)
    lines += source.lines[after:]
    path = write(folder / f"{name}_glossary_two_lines.txt", lines)
    truth = expected(source, glossary=glossary_entries(source))
    return Variant("glossary_on_two_lines", [path], [truth], [source])


def annotation_annex(folder: Path, name: str, limit: int = 28) -> Variant:
    """The glossary turned into an annotation annex right after the closing appeal: a heading
    注释 and entries ［1］…［n］, with the markers ［n］ in the text after each term."""
    source = original(name)
    heading, after = _glossary_span(source)
    entries = [m for m in map(_GLOSSARY_ENTRY.match, source.lines[heading + 1 : after]) if m]
    entries = entries[:limit]
    body = list(source.lines[: source.end])
    for number, match in enumerate(entries, start=1):
        term = re.sub(r"[“”\"《》]", "", match.group("term")).strip()
        for index in range(source.opening + 1, source.end):
            at = body[index].find(term)
            if term and at >= 0:
                end = at + len(term)
                if body[index][end : end + 1] == "”":
                    end += 1
                body[index] = body[index][:end] + f"［{number}］" + body[index][end:]
                break
    annex = ["注释"] + [
        f"［{number}］{m.group('term').strip()}：{m.group('definition').strip()}"
        for number, m in enumerate(entries, start=1)
    ]
    # The annex right after the closing appeal; other appendices (附件1 …) after it.
    middle = [line for line in source.lines[source.end : heading] if strip(line) != "附件"]
    rest = [line for line in source.lines[after:] if not _GLOSSARY_ENTRY.match(line)]
    lines = body + [""] + annex + [""] + middle + rest
    path = write(folder / f"{name}_annotations.txt", lines)
    return Variant("annotation_annex", [path], [expected(source)], [source], notes={"annex": annex})


def speaker_with_space(folder: Path, name: str, space: str = "\u3000") -> Variant:
    """The speaker's name letter-spaced on its line (省长 赵　刚, 韦 韬), as typesetting pads a
    name of two characters to the width of three."""
    source = original(name)
    lines = list(source.lines)
    for index in range(source.start + 1, source.opening):
        match = _SPEAKER_LINE.match(lines[index])
        if match:
            speaker = match.group("name")
            lines[index] = f"{match.group('office')} {space.join(speaker)}"
            break
    else:
        raise ValueError(f"{source.name}: no speaker line of its own in the header")
    path = write(folder / f"{Path(name).name}_speaker.txt", lines)
    truths, reports = file_truths(source, speaker=speaker)
    return Variant("speaker_with_space", [path], truths, reports)


def bracket_file_names(folder: Path, listed: str, neighbour: str, braces: str) -> Variant:
    """`report[1].txt` (listed) beside `report1.txt` (what the glob `report[1].txt` matches),
    and `report{2}.txt` (braces): each listed by its exact path must be read as that file."""
    one, two, three = original(listed), original(neighbour), original(braces)
    first = write(folder / "report[1].txt", one.lines)
    write(folder / "report1.txt", two.lines)
    third = write(folder / "report{2}.txt", three.lines)
    return Variant(
        "bracket_file_names",
        [first, third],
        [expected(one), expected(three)],
        [one, three],
        notes={"neighbour": expected(two)},
    )


def manifest_with_orphan(folder: Path, names: tuple[str, ...], orphan: str) -> Variant:
    """Real files with a manifest listing them, plus one row `orphan` that matches no input."""
    sources = [original(name) for name in names]
    paths = [write(folder / s.path.name, s.lines) for s in sources]
    manifest = folder / "manifest.csv"
    rows = ["file,region,year,level"]
    rows += [f"{s.path.name},{s.truth.region},{s.truth.year}," for s in sources]
    year = re.search(r"\d{4}", orphan)
    rows.append(f"{orphan},{sources[0].truth.region},{year.group() if year else 2020},")
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return Variant(
        "manifest_with_orphan",
        paths,
        [expected(s) for s in sources],
        sources,
        manifest=manifest,
        error=[orphan],
        notes={"orphan_line": len(rows)},
    )


def manifest_conflict(folder: Path, name: str, year: int) -> Variant:
    """A manifest whose year contradicts the title: the manifest wins, with a warning."""
    source = original(name)
    path = write(folder / source.path.name, source.lines)
    manifest = folder / "manifest.csv"
    manifest.write_text(f"file,region,year\n{path.name},,{year}\n", encoding="utf-8")
    truth = expected(source, year=year, year_source="manifest")
    return Variant("manifest_conflict", [path], [truth], [source], manifest=manifest)


def misleading_name(folder: Path, name: str) -> Variant:
    """A report whose text does not tell its year, in a file whose name holds the year: the
    name is not evidence, so the run stops."""
    source = original(name)
    path = write(folder / f"report_{source.truth.year}.txt", source.lines)
    return Variant("misleading_name", [path], [], [source], error=[str(path)])


def licence_notice(folder: Path, name: str, notice_from: int = 2022) -> Variant:
    """A report with Wikisource's public-domain notice (as the national files have it) after
    its text."""
    source, donor = original(name), national(notice_from)
    notice = donor.lines[donor.end :]
    text = _Text().add(source.lines[: source.stop] + ["", ""]).add(notice, dropped=True)
    path = write(folder / f"{name}_wikisource.txt", text.lines)
    return Variant("licence_notice", [path], [expected(source)], [source], text.dropped)


def _renumbered(source: Original, change) -> tuple[list[str], list[str]]:
    """Lines of `source` with its top-level headings rewritten by change(index, match) -> line;
    also the new headings."""
    lines, headings, count = list(source.lines), [], 0
    for index in range(source.opening, source.end):
        match = _TOP_HEADING.match(lines[index])
        if match and len(strip(lines[index])) <= 40 and "。" not in lines[index]:
            lines[index] = change(count, match)
            headings.append(strip(lines[index]))
            count += 1
    return lines, headings


HEADING_STYLES = ("five_year_unnumbered", "achievements", "proposal")


def heading_variant(folder: Path, name: str, style: str) -> Variant:
    """The top-level headings in another usual form:

    - five_year_unnumbered: no numbers, and the review named after the plan period
      (“十四五”时期工作回顾), as 四川 and 西藏 write theirs;
    - achievements: the review titled 一、2024年主要工作和“十四五”以来发展成就;
    - proposal: the plans titled 二、对今年政府工作的建议, as the national reports of 2003 and
      2013 are.

    `notes["parts"]` maps each new heading to the part its paragraphs belong to."""
    source = original(name)
    year = source.truth.year

    def change(count, match):
        indent, rest = match.group("indent"), match.group("rest")
        if style == "five_year_unnumbered":
            return indent + ("“十四五”时期工作回顾" if count == 0 else rest)
        if style == "achievements" and count == 0:
            return f"{indent}{match.group('number')}、{year - 1}年主要工作和“十四五”以来发展成就"
        if style == "proposal" and count == 1:
            return f"{indent}{match.group('number')}、对今年政府工作的建议"
        return match.group(0)

    lines, headings = _renumbered(source, change)
    renamed = {
        "five_year_unnumbered": (headings[0], "review"),
        "achievements": (headings[0], "review"),
        "proposal": (headings[1], "plans"),
    }[style]
    path = write(folder / f"{name}_{style}.txt", lines)
    return Variant(
        "heading_variant",
        [path],
        [expected(source)],
        [source],
        notes={"style": style, "headings": headings, "renamed": renamed},
    )


_ORDINAL_WORDS = "一二三四五六七八九十"


def yishi_subsections(folder: Path, name: str) -> Variant:
    """The subsection headings （一）… rewritten as 一是…, 二是… (as 甘肃 writes its plans)."""
    source = original(name)
    lines, headings = list(source.lines), []
    for index in range(source.opening, source.end):
        match = _SUB_HEADING.match(lines[index])
        text = strip(lines[index])
        if match and len(text) <= 60 and "。" not in text:
            lines[index] = f"{match.group('indent')}{match.group('number')}是{match.group('rest')}"
            headings.append(strip(lines[index]))
    path = write(folder / f"{name}_yishi.txt", lines)
    return Variant(
        "yishi_subsections", [path], [expected(source)], [source], notes={"headings": headings}
    )


# --- the cases -----------------------------------------------------------------------------------

BUILDERS = {
    "government_site_page": government_site_page,
    "repeated_title_page": repeated_title_page,
    "one_line_text": one_line_text,
    "u2028_text": u2028_text,
    "two_reports": two_reports,
    "sidebar_titles": sidebar_titles,
    "title_year": title_year,
    "same_report_twice": same_report_twice,
    "body_pasted_twice": body_pasted_twice,
    "seed_without_opening": seed_without_opening,
    "headerless": headerless,
    "glossary_on_two_lines": glossary_on_two_lines,
    "annotation_annex": annotation_annex,
    "speaker_with_space": speaker_with_space,
    "bracket_file_names": bracket_file_names,
    "manifest_with_orphan": manifest_with_orphan,
    "manifest_conflict": manifest_conflict,
    "misleading_name": misleading_name,
    "licence_notice": licence_notice,
    "heading_variant": heading_variant,
    "yishi_subsections": yishi_subsections,
}


@dataclasses.dataclass(frozen=True)
class Case:
    kind: str
    args: tuple
    options: tuple = ()  # (name, value) pairs
    held_out: bool = False

    @property
    def id(self) -> str:
        parts = [str(a) for a in self.args] + [str(v) for _, v in self.options]
        label = "-".join(parts).replace("\u3000", "ideographic-space").replace(" ", "space")
        return ("held_out-" if self.held_out else "") + label

    @property
    def needs_shared(self) -> bool:
        names = [a for a in self.args if isinstance(a, str)]
        names += [a for arg in self.args if isinstance(arg, tuple) for a in arg]
        return any(not (n.startswith("seed-") or n in SEED_TRUTH) for n in names)

    def build(self, folder: Path) -> Variant:
        return BUILDERS[self.kind](folder, *self.args, **dict(self.options))


def _case(kind, *args, held_out=False, **options):
    return Case(kind, args, tuple(options.items()), held_out)


CASES = [
    # Government-site pages: toolbar, time stamp, captions, source/editor, links, widgets.
    _case("government_site_page", "zhejiang"),
    _case("government_site_page", "hunan", stamp="chinese"),
    _case("government_site_page", "sichuan"),
    _case("government_site_page", "guizhou", held_out=True),
    _case("government_site_page", "shanxi", stamp="chinese", held_out=True),
    # A page repeating its title and first line below the text.
    _case("repeated_title_page", "anhui"),
    _case("repeated_title_page", "shanghai"),
    _case("repeated_title_page", "seed-西城区"),
    _case("repeated_title_page", "hubei", held_out=True),
    # Texts pasted into one line; U+2028 line separators.
    _case("one_line_text", "zhejiang"),
    _case("one_line_text", "national-2022"),
    _case("one_line_text", "gansu", joiner=" "),
    _case("one_line_text", "jiangsu", held_out=True),
    _case("one_line_text", "national-2019", held_out=True),
    _case("u2028_text", "shandong"),
    _case("u2028_text", "national-2017"),
    _case("u2028_text", "liaoning", held_out=True),
    # Two reports in one file, the second under each usual form of title.
    _case("two_reports", "anhui", "zhejiang", "full_text"),
    _case("two_reports", "jilin", "zhejiang", "region_first"),
    _case("two_reports", "hebei", "shaanxi", "bare"),
    _case("two_reports", "henan", "chongqing", "letter_spaced"),
    _case("two_reports", "liaoning", "hubei", "two_lines"),
    _case("two_reports", "tianjin", "shanxi", "abstract"),
    _case("two_reports", "hainan", "beijing", "no_salutation"),
    _case("two_reports", "xinjiang", "neimenggu", "full_text", held_out=True),
    _case("two_reports", "guangxi", "ningxia", "region_first", held_out=True),
    _case("two_reports", "fujian", "qinghai", "two_lines", held_out=True, cut=4),
    _case("two_reports", "xizang", "heilongjiang", "abstract", held_out=True),
    _case("two_reports", "shandong", "jiangsu", "no_salutation", held_out=True),
    # The seed with the opening of one report removed.
    _case("seed_without_opening", "东城区"),
    _case("seed_without_opening", "西城区", held_out=True),
    # Older years' titles in a sidebar above the real title.
    _case("sidebar_titles", "gansu"),
    _case("sidebar_titles", "shandong", years=(2024, 2023, 2022)),
    _case("sidebar_titles", "hebei", held_out=True),
    # A title year that contradicts the session date.
    _case("title_year", "jilin", 2205),
    _case("title_year", "national-2022", 2202),
    _case("title_year", "henan", 1025, held_out=True),
    # The same report twice, with and without the parent's name (or another year) in its header.
    _case("same_report_twice", "seed-东城区"),
    _case("same_report_twice", "seed-西城区", near=True),
    _case("same_report_twice", "fujian", held_out=True),
    _case("same_report_twice", "yunnan", near=True, held_out=True),
    # A body pasted twice inside one file.
    _case("body_pasted_twice", "qinghai"),
    _case("body_pasted_twice", "national-2022"),
    _case("body_pasted_twice", "heilongjiang", held_out=True),
    # No header: the opening names the government, the review heading the year.
    _case("headerless", "shanghai"),
    _case("headerless", "jiangsu"),
    _case("headerless", "jiangxi", held_out=True),
    _case("headerless", "beijing", held_out=True),
    # Glossary entries with term and definition on separate lines; annotation annexes.
    _case("glossary_on_two_lines", "jiangxi"),
    _case("glossary_on_two_lines", "yunnan"),
    _case("glossary_on_two_lines", "guangdong", held_out=True),
    _case("annotation_annex", "sichuan"),
    _case("annotation_annex", "yunnan", limit=44),
    _case("annotation_annex", "guangdong", held_out=True),
    # Speaker names letter-spaced.
    _case("speaker_with_space", "shaanxi"),
    _case("speaker_with_space", "gansu", space=" "),
    _case("speaker_with_space", "seed-北京市", space=" ", held_out=True),
    _case("speaker_with_space", "guizhou", held_out=True),
    # File names with glob characters; manifest rows matching no input; manifest conflicts.
    _case("bracket_file_names", "zhejiang", "anhui", "hunan"),
    _case("bracket_file_names", "yunnan", "guizhou", "xizang", held_out=True),
    _case("manifest_with_orphan", ("national-2019", "national-2013"), "cn_national_2020.txt"),
    _case("manifest_with_orphan", ("zhejiang", "anhui"), "prov_zhejiang_2024.txt", held_out=True),
    _case("manifest_conflict", "shandong", 2024),
    _case("manifest_conflict", "guangxi", 2026, held_out=True),
    _case("misleading_name", "national-2013"),
    _case("misleading_name", "national-2006", held_out=True),
    # A licence notice after a report.
    _case("licence_notice", "neimenggu"),
    _case("licence_notice", "xinjiang", held_out=True),
    # Top-level headings in other usual forms; 一是… subsections.
    _case("heading_variant", "hubei", "five_year_unnumbered"),
    _case("heading_variant", "shaanxi", "five_year_unnumbered"),
    _case("heading_variant", "jilin", "achievements"),
    _case("heading_variant", "liaoning", "achievements"),
    _case("heading_variant", "shaanxi", "proposal"),
    _case("heading_variant", "hebei", "proposal"),
    _case("heading_variant", "qinghai", "five_year_unnumbered", held_out=True),
    _case("heading_variant", "henan", "achievements", held_out=True),
    _case("heading_variant", "tianjin", "proposal", held_out=True),
    _case("yishi_subsections", "henan"),
    _case("yishi_subsections", "hainan"),
    _case("yishi_subsections", "fujian", held_out=True),
]


def cases(kind: str) -> list[Case]:
    return [case for case in CASES if case.kind == kind]


# --- the national series -----------------------------------------------------------------------

# The national reports whose own text tells the year, and where: the session line (1957, and
# 2017–2022 under their title), the review heading's year + 1 (一、2021年工作回顾 in 2022) or the
# plans heading's year (二、2004年主要任务; 二、关于1 9 9 8 年政府工作的建议). All of them say
# 我代表国务院 or name the 全国人民代表大会 in their session line. The others (no year in any
# heading: 一、过去五年工作回顾, 三、对今年政府工作的建议; or a misleading one: 1980's
# 二、1981年国民经济计划的任务) need the manifest.
NATIONAL_TOLD = {
    1957: "session_line",
    1992: "review_heading",
    1994: "review_heading",
    1995: "review_heading",
    1997: "review_heading",
    1998: "plans_heading",
    1999: "review_heading",
    2000: "review_heading",
    2004: "plans_heading",
    2005: "plans_heading",
    2007: "review_heading",
    2008: "plans_heading",
    2009: "review_heading",
    2010: "review_heading",
    2012: "review_heading",
    2014: "review_heading",
    2015: "review_heading",
    2016: "review_heading",
    2017: "session_line",
    2018: "plans_heading",
    2019: "review_heading",
    2021: "session_line",
    2022: "session_line",
}
# National reports whose plans are titled as proposals (…政府工作的建议) and reviews of five
# years (过去五年): the heading's words as the text writes them.
NATIONAL_PROPOSALS = {
    1998: "政府工作的建议",
    2003: "对今年政府工作的建议",
    2013: "对今年政府工作的建议",
    2018: "对2018年政府工作的建议",
}


def national_files() -> list[Path]:
    return sorted(NATIONAL_DIR.glob("cn_national_*.txt"))
