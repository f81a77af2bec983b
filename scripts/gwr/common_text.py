"""Common paragraphs: text that most reports share (the yearly formula 今年政府工作的总体要求是…,
the closing thanks, the 各位代表 appeal), which says nothing about why two reports are alike.

A paragraph is common when at least `min_share` of its 8-character shingles each occur in more
than `min_reports` of the other reports (on a corpus of more than `sample` reports, of a seeded
sample of them). Shingles rather than whole paragraphs, because the formula is never word for word
the same: each report puts its own name and targets into it.
"""

import random

import numpy as np

SHINGLE = 8  # characters (Chinese words are one to four characters)


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 8-character shingles of `text`, as sorted 64-bit hashes (stable across runs:
    not Python's salted hash)."""
    import zlib

    if len(text) < SHINGLE:
        return np.zeros(0, dtype=np.uint64)
    values = {
        zlib.crc32(text[i : i + SHINGLE].encode("utf-8"))
        | (zlib.adler32(text[i : i + SHINGLE].encode("utf-8")) << 32)
        for i in range(len(text) - SHINGLE + 1)
    }
    return np.array(sorted(values), dtype=np.uint64)


def common_paragraphs(reports: dict[str, list[dict]], settings: dict) -> list[dict]:
    """Rows (report_id, index, share) of the common paragraphs of `reports` ({report_id: its
    body paragraphs}). `share`: the share of the paragraph's shingles that are common."""
    ids = sorted(reports)
    if len(ids) < 2:
        return []
    sample = ids
    if len(ids) > settings["common_sample"]:
        sample = sorted(
            random.Random(settings["common_seed"]).sample(ids, settings["common_sample"])
        )
    per_report = {
        report_id: np.unique(
            np.concatenate([shingle_hashes(p["text"]) for p in reports[report_id]] or [[]]).astype(
                np.uint64
            )
        )
        for report_id in sample
    }
    values, counts = np.unique(np.concatenate(list(per_report.values())), return_counts=True)
    in_sample = set(sample)
    rows = []
    for report_id in ids:
        own = report_id in in_sample
        others = len(sample) - own
        if others == 0:
            continue
        for paragraph in reports[report_id]:
            hashes = shingle_hashes(paragraph["text"])
            if not len(hashes):
                continue
            at = np.searchsorted(values, hashes)
            at = np.minimum(at, len(values) - 1)
            found = values[at] == hashes
            holders = np.where(found, counts[at], 0) - own * found
            common = holders / others > settings["common_reports"]
            share = float(common.mean())
            if share >= settings["common_share"]:
                rows.append({"report_id": report_id, "index": paragraph["index"], "share": share})
    return rows
