"""The two segmentation engines (segment.engine): rjieba, the default, gives the tokens, tags,
dictionary, vocabulary and dropped tokens of jieba, the reference, on the seed, the provinces and
the national series. (rjieba itself keeps an ASCII run joined by `-` or `_` whole, `2-3`, `5G-A`,
where jieba cuts it at the joiners; the engine cuts it as jieba does: at N = 3000 synthetic
reports the runs had changed the counts behind one collocation of the dictionary.)"""

import copy
from collections import Counter

import pytest
from conftest import ROOT, SEED
from gwr.jieba_setup import ENGINES, RustEngine, make_engine
from gwr.segment import segment_report, segmenter_from_config
from gwr.split import paragraph_records, read_manifest, split_corpus

NATIONAL = ROOT.parent / "shared" / "corpora" / "national-1954-2022"


def national(settings):
    files = sorted(NATIONAL.glob("*.txt"))
    if len(files) != 49 or not (NATIONAL / "manifest.csv").exists():
        pytest.skip(f"the national series is not at {NATIONAL} (../shared is absent)")
    return split_corpus(
        [str(f) for f in files], settings, read_manifest(str(NATIONAL / "manifest.csv"))
    )


def run(corpus, config, engine: str, cache_dir):
    """(dictionary, harvested, token records, dropped counts) of the pipeline with `engine`."""
    config = copy.deepcopy(config)
    config["segment"]["engine"] = engine
    segmenter, harvested = segmenter_from_config(corpus, config, ROOT, cache_dir)
    dropped: Counter = Counter()
    records = [
        record
        for report in corpus.reports
        for record in segment_report(paragraph_records(report), segmenter, dropped)
    ]
    return sorted(segmenter.terms.items()), harvested, records, dropped


def compare(corpus, config, tmp_path) -> dict:
    jieba_run = run(corpus, config, "jieba", tmp_path / "jieba")
    rust_run = run(corpus, config, "rjieba", tmp_path / "rjieba")
    dictionary, harvested, records, dropped = jieba_run
    assert rust_run[0] == dictionary
    assert rust_run[1] == harvested
    assert len(rust_run[2]) == len(records) > 0
    for ours, theirs in zip(rust_run[2], records, strict=True):
        assert ours == theirs, theirs["text"][:60] if "text" in theirs else theirs
    vocabulary = Counter(t for r in records for t in r["tokens"])
    assert Counter(t for r in rust_run[2] for t in r["tokens"]) == vocabulary
    assert rust_run[3] == dropped
    joined = sum(count for (token, _, _), count in dropped.items() if token in "-_")
    return {"records": len(records), "tokens": sum(vocabulary.values()), "joiners": joined}


def test_engines_are_both_known(tmp_path):
    assert ENGINES[0] == "rjieba"  # the default of the schema (tests/test_config.py checks it)
    for name in ENGINES:
        engine = make_engine(name, tmp_path)
        assert engine.lcut("加快建设新型电力系统", True) == ["加快", "建设", "新型", "电力系统"]
        assert engine.knows("电力系统") and not engine.knows("电力系")
        engine.add_word("新型电力系统", 2000, "nz")
        assert engine.knows("新型电力系统")
        assert engine.lcut("加快建设新型电力系统", True) == ["加快", "建设", "新型电力系统"]
    with pytest.raises(ValueError, match="segment.engine"):
        make_engine("pkuseg", tmp_path)


def test_joined_ascii_runs_are_cut_as_jieba_cuts_them(tmp_path):
    """rjieba keeps `5G-A` and `2-3` whole; the engine cuts them at the joiners, as jieba."""
    text = "推进5G-A网络，增长2-3个百分点，PM_2.5浓度，2011-2020年，增长6.3%"
    assert "5G-A" in RustEngine().jieba.cut(text, True)  # what rjieba does by itself
    assert RustEngine().lcut(text, True) == make_engine("jieba", tmp_path).lcut(text, True)


def test_same_tokens_on_the_seed(settings, config, tmp_path):
    found = compare(split_corpus([str(SEED)], settings), config, tmp_path)
    assert found["tokens"] > 5_000


def test_same_tokens_on_the_provinces(provinces, settings, config, tmp_path):
    found = compare(split_corpus([str(p) for p in provinces], settings), config, tmp_path)
    assert found["tokens"] > 80_000
    # The reports hold joined runs (5G-A, 2-3 …): the test would see them cut otherwise.
    assert found["joiners"] > 0


def test_same_tokens_on_the_national_series(settings, config, tmp_path):
    found = compare(national(settings), config, tmp_path)
    assert found["tokens"] > 140_000
