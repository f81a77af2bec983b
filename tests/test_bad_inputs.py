"""Bad and unusual inputs: each is read correctly or stops with an error naming the file."""

import pytest
from conftest import SEED
from gwr.io import InputError
from gwr.split import read_manifest, report_rows, split_corpus

SEED_TEXT = SEED.read_text(encoding="utf-8")


def rows_without_source(corpus):
    return [{k: v for k, v in row.items() if k != "source_file"} for row in report_rows(corpus)]


@pytest.fixture(scope="module")
def reference(settings):
    return rows_without_source(split_corpus([str(SEED)], settings))


def test_gb18030_is_detected_and_read(tmp_path, settings, reference, caplog):
    path = tmp_path / "gbk.txt"
    path.write_bytes(SEED_TEXT.encode("gb18030"))
    import logging

    log = logging.getLogger("test_gb18030")
    with caplog.at_level(logging.WARNING, logger="test_gb18030"):
        corpus = split_corpus([str(path)], settings, log=log)
    assert corpus.sources[0].encoding == "gb18030"
    assert rows_without_source(corpus) == reference
    assert "read as gb18030" in caplog.text and str(path) in caplog.text


def test_utf8_bom_and_crlf(tmp_path, settings, reference):
    path = tmp_path / "bom_crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED_TEXT.replace("\n", "\r\n").encode("utf-8"))
    corpus = split_corpus([str(path)], settings)
    assert corpus.sources[0].encoding == "utf-8 with BOM"
    assert rows_without_source(corpus) == reference  # same line numbers, same characters
    assert "\ufeff" not in corpus.reports[0].title


def test_utf16_with_bom(tmp_path, settings, reference):
    path = tmp_path / "utf16.txt"
    path.write_bytes(SEED_TEXT.encode("utf-16"))
    assert rows_without_source(split_corpus([str(path)], settings)) == reference


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n \r\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file"),
        (bytes(range(1, 32)) * 50, "binary file"),
        (b"\xfe\xfd\xfc" * 10 + b"\x81", "cannot be read"),
        (b"\xff\xfe" + "各位代表".encode("utf-16-le") + b"\x81", "cannot be read as utf-16-le"),
        ("今天天气很好。我们去公园散步。\n没有任何报告。\n".encode(), "no government work report"),
    ],
)
def test_unreadable_inputs_stop_with_a_clear_error(tmp_path, settings, content, message):
    path = tmp_path / "bad input.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        split_corpus([str(path)], settings)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_two_reports_of_the_same_region_and_year(tmp_path, settings):
    copy = tmp_path / "copy.txt"
    copy.write_text(SEED_TEXT, encoding="utf-8")
    with pytest.raises(InputError) as error:
        split_corpus([str(SEED), str(copy)], settings)
    message = str(error.value)
    assert "北京市 2024" in message or "北京市2024" in message
    assert str(SEED) in message and str(copy) in message and "line 42" in message


def test_a_text_without_header_is_read_from_its_text_or_the_manifest(tmp_path, settings):
    lines = SEED_TEXT.splitlines()[231:360]
    body = lines[next(i for i, line in enumerate(lines) if line.startswith("各位代表")) :]
    path = tmp_path / "no_header.txt"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    # The text says who speaks (我代表东城区人民政府) and which year it reviews (2023年工作回顾).
    (report,) = split_corpus([str(path)], settings).reports
    header = report.header
    assert (header.region, header.year) == ("东城区", 2024)
    assert (header.region_source, header.year_source) == ("opening", "review_heading")
    manifest_path = tmp_path / "manifest.csv"
    manifest_path.write_text(
        "file,region,year\nno_header.txt,北京市东城区,2024\n", encoding="utf-8-sig"
    )
    corpus = split_corpus([str(path)], settings, read_manifest(str(manifest_path)))
    (report,) = corpus.reports
    assert (report.header.region, report.header.parent, report.header.year) == (
        "东城区",
        "北京市",
        2024,
    )
    assert report.report_id == "beijing-dongcheng-2024"
    assert report.paragraphs[0].text.startswith("各位代表：现在")
    assert report.paragraphs[-1].part == "closing"


def test_manifest_overrides_the_header(tmp_path, settings):
    manifest_path = tmp_path / "manifest.csv"
    manifest_path.write_text(f"file,region,year\n{SEED.name},,2023\n", encoding="utf-8")
    corpus = split_corpus([str(SEED)], settings, read_manifest(str(manifest_path)))
    assert [r.header.year for r in corpus.reports] == [2023, 2023, 2023]
    assert [r.header.region for r in corpus.reports] == ["北京市", "东城区", "西城区"]
    # The manifest speaks for a whole file: a compendium of three regions can't take one region.
    manifest_path.write_text(f"file,region,year\n{SEED.name},北京市,2023\n", encoding="utf-8")
    with pytest.raises(InputError, match="gives one region .* for a file that holds 3 reports"):
        split_corpus([str(SEED)], settings, read_manifest(str(manifest_path)))


def test_bad_manifest(tmp_path):
    path = tmp_path / "manifest.csv"
    path.write_text("name,place\nx,y\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs the columns file, region, year"):
        read_manifest(str(path))
    path.write_text("file,region,year\nx.txt,东城区,二〇二四\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: year '二〇二四' is not a number"):
        read_manifest(str(path))


def test_a_streamed_table_is_the_table_written_whole(tmp_path):
    """write_csv takes a generator and writes as it goes: the bytes of csv_text, with a BOM,
    CRLF line ends, and quoting where a value needs it."""
    from gwr.io import csv_text, write_csv

    header = ["region", "term", "note"]
    rows = [
        {"region": "东城区", "term": "养老", "note": 'a "quoted", value'},
        ["西城区", "金融", None],
    ]
    write_csv(tmp_path / "t.csv", header, (row for row in rows))
    written = (tmp_path / "t.csv").read_bytes()
    assert written == b"\xef\xbb\xbf" + csv_text(header, rows).encode("utf-8")
    assert written.count(b"\r\n") == 3 and b'"a ""quoted"", value"' in written
    assert not list(tmp_path.glob(".t.csv.*"))  # no temporary file left


def test_a_text_that_does_not_tell_its_region_needs_the_manifest(tmp_path, settings):
    lines = SEED_TEXT.splitlines()[231:360]
    lines = lines[next(i for i, line in enumerate(lines) if line.startswith("各位代表")) :]
    lines[2] = lines[2].replace("东城区人民政府", "区人民政府")  # 我代表区人民政府: no name
    path = tmp_path / "no_region.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cannot tell the report's region .*manifest"):
        split_corpus([str(path)], settings)
