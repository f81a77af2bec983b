"""Every kind of input file is read right or refused loudly (gwr.readers), on real reports.

The variants (GBK, Big5, Big5-HKSCS, UTF-16 without BOM, traditional characters, Word, PDF,
line separators, NUL bytes, damaged bytes) are made at test time from the real provincial and
national reports in ../shared, into tmp_path; nothing of the corpora is copied into the project.
"""

import csv
import io
import re
from pathlib import Path

import opencc
import pytest
from conftest import PROVINCES, ROOT, SEED, SHIPPED_CONFIG
from gwr.io import InputError
from gwr.readers import (
    chinese_score,
    is_hard_wrapped,
    read_source,
    read_text_file,
    rejoin_wrapped,
)

NATIONAL = ROOT.parent / "shared" / "corpora" / "national-1954-2022"
# The shipped config's split.encodings.
ENCODINGS = tuple(SHIPPED_CONFIG["split"]["encodings"])
POLICY_TERMS = ("新质生产力", "高质量发展")
T2S, S2TW, S2HK = (opencc.OpenCC(config) for config in ("t2s", "s2tw", "s2hk"))


@pytest.fixture(scope="module")
def national():
    """The 49 national reports of ../shared (absent in a user's clone: the test skips)."""
    files = sorted(NATIONAL.glob("cn_national_*.txt"))
    if len(files) != 49:
        pytest.skip(f"the national corpus is not at {NATIONAL} (it lives in ../shared)")
    return files


def plain(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def province(name: str) -> Path:
    path = PROVINCES / f"prov_{name}_2025.txt"
    if not path.is_file():
        pytest.skip(f"the provincial corpus is not at {PROVINCES} (it lives in ../shared)")
    return path


def identical_share(a: str, b: str) -> float:
    assert len(a) == len(b)
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def encodable(text: str, encoding: str, fallback=None) -> str:
    """`text` with the characters `encoding` cannot hold replaced (by `fallback`'s, or ?)."""
    out = []
    for char in text:
        for candidate in (char, fallback.convert(char) if fallback else char):
            try:
                candidate.encode(encoding)
            except UnicodeEncodeError:
                continue
            out.append(candidate)
            break
        else:
            out.append(" " if char.isspace() else "?")
    return "".join(out)


def traditional_variant(text: str, converter, encoding: str) -> tuple[str, str]:
    """(`text` in traditional characters that `encoding` holds, `text` as that can give back).

    A character the encoding lacks is replaced by its Taiwan form (稅 for HKSCS's 税) or, if
    there is none, by a space or ?, in both texts.
    """
    traditional = converter.convert(text)
    assert len(traditional) == len(text)
    held, expected = [], []
    for char, original in zip(traditional, text, strict=True):
        for candidate in (char, S2TW.convert(char)):
            try:
                candidate.encode(encoding)
            except UnicodeEncodeError:
                continue
            held.append(candidate)
            expected.append(original)
            break
        else:
            held.append(" " if char.isspace() else "?")
            expected.append(held[-1])
    return "".join(held), "".join(expected)


# --- the real reports come out as they are -----------------------------------------------------


def test_real_reports_are_read_unchanged(provinces, national):
    for path in [*provinces, SEED, *national]:
        source = read_source(path, ENCODINGS)
        assert source.encoding == "utf-8", path
        assert not source.rejoined, path
        if path.name in ("cn_national_1954.txt", "cn_national_1955.txt", "cn_national_1957.txt"):
            assert source.converted, path
            continue
        assert not source.converted, path
        assert source.notes == [], path
        assert source.text == plain(path), path
        assert not is_hard_wrapped(plain(path).split("\n")), path


def test_partly_traditional_national_reports_are_converted(national):
    by_year = {int(path.stem[-4:]): path for path in national}
    for year in (1954, 1957):
        source = read_source(by_year[year], ENCODINGS)
        assert source.converted
        assert T2S.convert(source.text) == source.text  # no traditional character left
        assert "我们第一届全国人民代表大会" in read_source(by_year[1954], ENCODINGS).text
        assert "traditional characters converted to simplified (OpenCC t2s)" in source.notes[0]
    # 1955: one traditional heading; every other line stays exactly as it was.
    source = read_source(by_year[1955], ENCODINGS)
    original = plain(by_year[1955]).split("\n")
    converted = source.text.split("\n")
    changed = [n for n, (a, b) in enumerate(zip(original, converted, strict=True), 1) if a != b]
    assert changed == [223]
    assert converted[222] == "三、第一个五年计划的若干问题"
    assert source.notes == [
        "traditional characters converted to simplified (OpenCC t2s) in 1 line (223): "
        "6 characters changed"
    ]


def test_simplified_text_with_characters_t2s_would_change_is_untouched(provinces):
    # 湖北 writes 菜薹 (t2s: 菜苔): one such character does not make a text traditional.
    path = province("hubei")
    assert "薹" in plain(path)
    source = read_source(path, ENCODINGS)
    assert not source.converted and source.text == plain(path)


# --- encodings ---------------------------------------------------------------------------------


def test_gbk_and_utf16_without_bom_are_read_right(provinces, tmp_path):
    for path in provinces:
        text = plain(path)
        for encoding in ("gbk", "utf-16-le", "utf-16-be"):
            expected = encodable(text, encoding)
            target = tmp_path / f"{encoding}.txt"
            target.write_bytes(expected.encode(encoding))
            source = read_source(target, ENCODINGS)
            want = "gb18030" if encoding == "gbk" else encoding
            assert source.encoding == want, (path.name, encoding, source.notes)
            assert source.text == expected, (path.name, encoding)
            assert not source.converted
            assert source.notes[0].startswith(f"read as {want}: no byte order mark")


def test_big5_is_never_read_as_gb18030(provinces, tmp_path):
    """Big5 (s2tw) and Big5-HKSCS (s2hk) versions of all 31 reports: read back and simplified.

    Measured: OpenCC s2tw then t2s gives back 99.81–99.99% of the characters (湖北 lowest),
    s2hk then t2s 99.91–99.99% (云南 lowest): the rest are characters OpenCC cannot round-trip.
    """
    worst = {}
    for path in provinces:
        text = plain(path)
        for encoding, converter, bound in (("big5", S2TW, 0.997), ("big5hkscs", S2HK, 0.998)):
            traditional, expected = traditional_variant(text, converter, encoding)
            data = traditional.encode(encoding)
            target = tmp_path / f"{encoding}.txt"
            target.write_bytes(data)
            source = read_source(target, ENCODINGS)
            if encoding == "big5hkscs":
                try:
                    data.decode("big5")
                except UnicodeDecodeError:
                    assert source.encoding == "big5hkscs", path.name
                else:
                    assert source.encoding == "big5", path.name
            else:
                assert source.encoding == "big5", (path.name, source.notes)
            assert source.converted and source.traditional_share > 0.2
            # What the file holds, simplified, is what the report says, except what OpenCC
            # cannot round-trip and the characters Big5 cannot hold.
            share = identical_share(expected, source.text)
            assert share >= bound, (path.name, encoding, share)
            worst[encoding] = min(share, worst.get(encoding, 1.0))
    assert worst["big5"] >= 0.997 and worst["big5hkscs"] >= 0.998


def test_traditional_utf8_text_is_converted(provinces, tmp_path):
    """OpenCC s2t of every provincial report reads back as the report (≥ 99.98% identical)."""
    s2t = opencc.OpenCC("s2t")
    for path in provinces:
        text = plain(path)
        target = tmp_path / "traditional.txt"
        target.write_text(s2t.convert(text), encoding="utf-8")
        source = read_source(target, ENCODINGS)
        assert source.encoding == "utf-8" and source.converted
        assert identical_share(text, source.text) >= 0.9998, path.name
        assert "traditional characters converted to simplified (OpenCC t2s)" in source.notes[0]
        assert target.read_text(encoding="utf-8") == s2t.convert(text)  # the file is untouched


def test_short_snippets_are_told_apart(provinces):
    """10-character snippets in GBK, Big5 and UTF-16-LE: the plausibility check is right."""
    from gwr.readers import decode_text

    text = plain(province("zhejiang"))
    for start in range(200, len(text) - 20, 997):
        snippet = text[start : start + 10]
        for encoding, data in (
            ("gb18030", encodable(snippet, "gbk").encode("gbk")),
            ("big5", encodable(S2TW.convert(snippet), "big5").encode("big5")),
            ("utf-16-le", snippet.encode("utf-16-le")),
        ):
            if data.isascii():
                continue
            decoded, detected, _notes = decode_text(data, "snippet", ("utf-8", "gb18030"))
            assert detected == encoding or (encoding == "big5" and detected == "big5hkscs"), (
                snippet,
                encoding,
                detected,
            )


def test_the_config_preference_does_not_force_a_wrong_encoding(tmp_path):
    path = province("guangdong")
    target = tmp_path / "gbk.txt"
    target.write_bytes(plain(path).encode("gb18030"))
    assert read_source(target, ["utf-8", "big5"]).encoding == "gb18030"


def test_an_undecodable_byte_is_named_with_offset_and_line(tmp_path):
    path = province("henan")
    data = path.read_bytes()
    line_start = [m.end() for m in re.finditer(b"\n", data)][40]  # start of line 42
    offset = line_start + 30 * 3  # 30 characters into the line
    damaged = data[:offset] + b"\xff" + data[offset:]
    target = tmp_path / "damaged.txt"
    target.write_bytes(damaged)
    with pytest.raises(InputError) as error:
        read_source(target, ENCODINGS)
    message = str(error.value)
    assert str(target) in message
    assert f"byte offset {offset} (line 42)" in message
    assert "cannot be read as text" in message and "save it as UTF-8" in message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b" \r\n\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file"),
        (bytes(range(1, 32)) * 50, "binary file"),
        (b"\x00" * 500 + "各位代表".encode() + b"\x00" * 500, "binary file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old Word"),
        (b"\xfe\xfd\xfc" * 10 + b"\x81", "cannot be read"),
        (b"\xff\xfe" + "各位代表".encode("utf-16-le") + b"\x81", "cannot be read as utf-16-le"),
    ],
)
def test_bad_files_stop_with_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad input.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_source(path, ENCODINGS)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_a_zip_that_is_not_a_word_document_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError, match="Excel workbook"):
        read_source(path, ENCODINGS)


# --- line separators and control characters ----------------------------------------------------


def test_unicode_line_separators_become_line_breaks(tmp_path):
    text = plain(province("jiangxi"))
    lines = text.split("\n")
    separated = "\u2028".join(lines[:30]) + "\u2029" + "\n".join(lines[30:])
    target = tmp_path / "separators.txt"
    target.write_text(separated, encoding="utf-8")
    source = read_source(target, ENCODINGS)
    assert source.text == text
    assert source.notes == [
        "30 Unicode line or page separators (U+2028 ×29, U+2029 ×1) turned into line breaks"
    ]


def test_a_nul_byte_deep_inside_is_removed_and_noted(tmp_path):
    text = plain(province("shanxi"))
    lines = text.split("\n")
    damaged = "\n".join(lines[:60]) + "\n" + lines[60][:20] + "\x00" + lines[60][20:] + "\n"
    damaged += "\n".join(lines[61:])
    for encoding in ("utf-8", "gb18030", "utf-16-le"):
        target = tmp_path / f"nul-{encoding}.txt"
        target.write_bytes(damaged.encode(encoding))
        source = read_source(target, ENCODINGS)
        assert source.text == text, encoding
        assert "1 NUL character removed (line 61)" in source.notes, (encoding, source.notes)
        assert "\x00" not in source.text


def test_other_control_characters_are_removed_with_their_lines(tmp_path):
    text = plain(province("gansu"))
    lines = text.split("\n")
    lines[3] += "\x1b\x07"
    lines[9] = "\x01" + lines[9]
    target = tmp_path / "controls.txt"
    target.write_text("\n".join(lines), encoding="utf-8")
    source = read_source(target, ENCODINGS)
    assert source.text == text
    assert source.notes == [
        "3 control characters removed (1 U+001B, 1 U+0007, 1 U+0001; lines 4, 10)"
    ]


# --- user-edited files -------------------------------------------------------------------------


def test_word_lists_and_manifests_saved_in_other_encodings(tmp_path):
    stopwords = (ROOT / "config" / "stopwords" / "government_boilerplate.txt").read_text("utf-8")
    policy = (ROOT / "config" / "dictionary" / "policy_terms.txt").read_text("utf-8")
    manifest = (
        "file,region,year,parent,level\n"
        "dongcheng.txt,东城区,2024,北京市,district\n"
        "xicheng.txt,西城区,2024,北京市,district\n"
        "guangxi.txt,广西壮族自治区,2025,,province\n"
    )
    # Mostly ASCII, one Chinese name: GBK and Big5 read the ASCII alike.
    national = "file,region,year,level\n" + "".join(
        f"cn_national_{year}.txt,,{year},country\n" for year in range(1954, 2023)
    )
    national += "dongcheng.txt,东城区,2024,district\n"
    cases = [
        ("manifest", national, "gbk", b""),
        ("manifest", national, "big5", b""),
        ("stopword list", stopwords, "gbk", b""),
        ("stopword list", stopwords, "big5", b""),
        ("dictionary", policy, "gb18030", b""),
        ("manifest", manifest, "gbk", b""),  # Excel's "CSV" on a Chinese Windows
        ("manifest", manifest, "utf-8", b"\xef\xbb\xbf"),  # Excel's "CSV UTF-8"
        ("manifest", manifest.replace(",", "\t"), "utf-16-le", b"\xff\xfe"),  # "Unicode text"
        ("manifest", manifest, "utf-16-le", b""),
    ]
    for what, text, encoding, bom in cases:
        expected = encodable(text, encoding, fallback=S2TW)
        target = tmp_path / f"list-{encoding}.txt"
        target.write_bytes(bom + expected.encode(encoding))
        assert read_text_file(target, what) == expected, (what, encoding)
    rows = list(csv.DictReader(io.StringIO(read_text_file(target, "manifest"))))
    assert rows[2]["region"] == "广西壮族自治区"
    big5 = tmp_path / "list-big5.txt"
    big5.write_bytes(encodable(stopwords, "big5", fallback=S2TW).encode("big5"))
    assert read_text_file(big5, "stopword list", simplify=True) == T2S.convert(
        encodable(stopwords, "big5", fallback=S2TW)
    )
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert read_text_file(empty, "stopword list") == ""


def test_an_undecodable_word_list_names_the_file_what_and_line(tmp_path):
    stopwords = (ROOT / "config" / "stopwords" / "government_boilerplate.txt").read_text("utf-8")
    data = stopwords.encode("utf-8")
    offset = data.index(b"\n") + 1  # line 2, first byte
    target = tmp_path / "my_stopwords.txt"
    target.write_bytes(data[:offset] + b"\x80\xff" + data[offset:])
    with pytest.raises(InputError) as error:
        read_text_file(target, "stopword list")
    message = str(error.value)
    assert f"{target} (stopword list)" in message
    assert f"byte offset {offset} (line 2)" in message
    assert "CSV UTF-8" in message and "split.encodings" not in message


# --- HTML, Word, PDF ---------------------------------------------------------------------------


def test_an_html_page_is_read_as_text(tmp_path):
    import html

    text = plain(province("hainan"))
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in paragraphs(text))
    page = f"<!DOCTYPE html><html><head><script>var x='<p>';</script></head><body>{body}</body>"
    target = tmp_path / "page.html"
    target.write_bytes(page.encode("gb18030"))
    source = read_source(target, ENCODINGS)
    assert source.kind == "html" and source.encoding == "gb18030"
    assert source.description == "gb18030, HTML converted to text"
    assert paragraphs(source.text) == paragraphs(text)


def test_a_word_document_gives_its_paragraphs_and_table_cells(tmp_path):
    import docx

    text = plain(province("jilin"))
    paras = paragraphs(text)
    document = docx.Document()
    for para in paras[:20]:
        document.add_paragraph(para)
    table = document.add_table(rows=2, cols=3)
    cells = [["指标", "2024年", "增长"], ["地区生产总值", "14361.2亿元", "4.3%"]]
    for row, values in zip(table.rows, cells, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    merged = document.add_table(rows=1, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格"
    for para in paras[20:]:
        document.add_paragraph(para)
    target = tmp_path / "report.docx"
    document.save(target)
    source = read_source(target, ENCODINGS)
    assert source.encoding == "docx" and source.kind == "docx"
    flat = [value for row in cells for value in row]
    assert source.text.split("\n")[:-1] == paras[:20] + flat + ["合并单元格"] + paras[20:]
    assert source.notes == [
        f"Word document: {len(paras)} paragraphs and 7 paragraphs in table cells (row by row)"
    ]


def font_path() -> Path:
    from gwr.plotting import cjk_font_path

    return cjk_font_path()


_NO_LINE_START = set("，。、；：？！”’）》〉】」』…%,.;:?!)")
_NO_LINE_END = set("“‘（《〈【「『(")


def write_pdf(paras: list[str], path: Path, size: float = 12) -> None:
    """Typeset paragraphs as a Chinese word processor does: A4, first-line indent of two
    characters, justified lines (character spacing), no closing punctuation at a line start,
    numbers and Latin words kept whole, a page number at the foot of every page."""
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 (the `test` extra) writes the test PDFs")
    pdf = fpdf.FPDF(format="A4", unit="pt")
    pdf.set_auto_page_break(False)
    pdf.add_font("noto", fname=str(font_path()))
    pdf.set_font("noto", size=size)
    margin, lead = 72, size * 1.6
    width = pdf.w - 2 * margin
    state = {"page": 0, "y": 0.0}

    def new_page():
        pdf.add_page()
        state["page"] += 1
        state["y"] = margin
        pdf.set_char_spacing(0)
        foot = f"— {state['page']} —"
        pdf.text((pdf.w - pdf.get_string_width(foot)) / 2, pdf.h - 40, foot)

    def break_lines(para: str) -> list[str]:
        lines, current, room, i = [], "", width - 2 * size, 0
        while i < len(para):
            j = i + 1
            if para[i].isascii() and para[i].isalnum():
                while (
                    j < len(para) and para[j].isascii() and (para[j].isalnum() or para[j] in ".%")
                ):
                    j += 1
            piece = para[i:j]
            fits = pdf.get_string_width(current + piece) <= room
            if current and piece[0] not in _NO_LINE_START and not fits:
                if current[-1] in _NO_LINE_END:
                    lines.append(current[:-1])
                    current = current[-1]
                else:
                    lines.append(current)
                    current = ""
                room = width
            current += piece
            i = j
        return [*lines, current] if current else lines

    new_page()
    for para in paras:
        lines = break_lines(para)
        for n, line in enumerate(lines):
            if state["y"] + lead > pdf.h - margin:
                new_page()
            indent = 2 * size if n == 0 else 0
            spacing = 0.0
            if n < len(lines) - 1 and len(line) > 1:
                spacing = (width - indent - pdf.get_string_width(line)) / (len(line) - 1)
                spacing = max(0.0, min(spacing, size / 2))
            pdf.set_char_spacing(spacing)
            pdf.text(margin + indent, state["y"] + size, line)
            pdf.set_char_spacing(0)
            state["y"] += lead
    pdf.output(str(path))


def printable(text: str) -> list[str]:
    """The report's paragraphs, less the characters the font has no glyph for (‱, U+200C)."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(font_path())).getBestCmap()
    kept = ("".join(c for c in para if ord(c) in cmap) for para in paragraphs(text))
    return [para for para in kept if para]


@pytest.mark.parametrize("name", ["guangdong", "shandong", "yunnan"])
def test_a_pdf_gives_back_its_paragraphs(tmp_path, name):
    paras = printable(plain(province(name)))
    target = tmp_path / f"{name}.pdf"
    write_pdf(paras, target)
    source = read_source(target, ENCODINGS)
    assert source.encoding == "pdf" and source.kind == "pdf" and source.rejoined
    got = set(source.text.split("\n"))
    recovered = sum(para in got for para in paras) / len(paras)
    assert recovered >= 0.95, recovered  # measured on all 31 reports: 99.9% (2,640 of 2,643)
    for term in POLICY_TERMS:
        assert source.text.count(term) == sum(para.count(term) for para in paras), term
    assert not re.search(r"^— \d+ —$", source.text, re.MULTILINE)  # page numbers are gone
    assert any(note.startswith("hard-wrapped lines re-joined") for note in source.notes)
    assert source.line_map is not None and len(source.line_map) == len(source.text.split("\n")) - 1


def test_a_pdf_without_text_is_refused(tmp_path):
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 (the `test` extra) writes the test PDFs")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")
    target = tmp_path / "scan.pdf"
    pdf.output(str(target))
    with pytest.raises(InputError, match="no text layer"):
        read_source(target, ENCODINGS)


# --- hard-wrapped text -------------------------------------------------------------------------


def wrap(paras: list[str], columns: int, indent: bool) -> list[str]:
    """Wrap as an e-mail program does: at `columns` display columns, anywhere."""
    from gwr.readers import display_width

    lines = []
    for para in paras:
        current, width = "\u3000\u3000" if indent else "", 4 if indent else 0
        for char in para:
            w = display_width(char)
            if width + w > columns:
                lines.append(current)
                current, width = "", 0
            current += char
            width += w
        lines.append(current)
    return lines


def test_hard_wrapped_text_is_rejoined(tmp_path):
    text = plain(province("sichuan"))
    paras = paragraphs(text)
    indented = wrap(paras, 72, indent=True)
    out, joined = rejoin_wrapped(indented)
    assert joined
    assert sum(para in set(out) for para in paras) >= 0.99 * len(paras)
    # Without indents, headings, short lines and lines ending a sentence end a paragraph:
    # every heading and every short paragraph comes back whole.
    flat, joined = rejoin_wrapped(wrap(paras, 72, indent=False))
    assert joined
    headings = [
        p for p in paras if re.match(r"[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）", p)
    ]
    short = [p for p in paras if len(p) <= 30]
    assert all(p in set(flat) for p in short)
    assert all(any(line.startswith(h[:8]) for line in flat) for h in headings)
    # read_source re-joins such a file and maps its lines back to the file's.
    target = tmp_path / "mail.txt"
    target.write_text("\n".join(indented) + "\n", encoding="utf-8")
    source = read_source(target, ENCODINGS)
    assert source.rejoined and not source.converted
    assert source.notes == [f"hard-wrapped lines re-joined: {len(indented):,} → {len(out):,} lines"]
    assert source.source_line(1) == 1 and source.source_line(len(out)) > len(out)


def test_chinese_score_separates_text_from_mojibake():
    text = plain(province("beijing"))
    big5 = S2TW.convert(text).encode("big5", errors="replace")
    assert chinese_score(text) > 0.99
    assert chinese_score(big5.decode("gb18030", errors="replace")) < 0.4
