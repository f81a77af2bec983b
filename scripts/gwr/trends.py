"""Trends: how one region's reports change from year to year (results/trends/).

A region is (parent, region) of results/corpus/reports.csv; its series is its reports in year
order. "Consecutive years" are a region's adjacent available reports: 1988 → 1992 where the
reports of 1989–1991 are missing (`years_apart` = 4 then; tables and figures show such a gap).

Change between consecutive years, term by term, with the statistics of the region comparison
(gwr.keyness): for a term with `a` tokens among the `c` tokens of the later report and `b`
among the `d` tokens of the earlier one, G² (Rayson and Garside 2000, no Williams correction)
and Hardie's log ratio log2((a / c) / (b / d)) with 0.5 for a zero count — positive = more
frequent in the later year. A change is listed when G² is significant at p < `p_max` and the
larger of the two counts reaches `min_count`. Its kind:

- `new`: absent from the earlier report (count_from = 0), present now;
- `gone`: present in the earlier report, absent now (count_to = 0);
- `rising` / `falling`: in both reports, more / less frequent now (per token).

So `new` and `rising` are told apart by the earlier count alone: `new` is a term the report of
the year before did not use at all (which need not be its first use ever: first_seen.csv says
when a term was first used), `rising` one it used less often.

First seen: each term's first year in a region's series, with its count then — what a year's
report introduced. A region's first report introduces everything, so it is left out. The terms
of `terms.watch` are counted in the text (inside longer words too, as results/terms/watch.csv
does; `counted` = `text`), every other term as tokens (`counted` = `tokens`): a watched term the
tokenizer splits (“十一五” is 十一 + 五 to jieba) is still seen.
"""

import csv
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from gwr.io import CSV_ENCODING, InputError
from gwr.keyness import critical_g2, g2, log_ratio, p_value, per_10k

NEW, RISING, FALLING, GONE = "new", "rising", "falling", "gone"
CHANGES = (NEW, RISING, FALLING, GONE)
COUNTED_TOKENS, COUNTED_TEXT = "tokens", "text"

CHANGE_COLUMNS = [
    "region",
    "year_from",
    "year_to",
    "term",
    "count_from",
    "count_to",
    "per_10k_from",
    "per_10k_to",
    "g2",
    "log_ratio",
    "change",
    "p_value",
    "parent",
    "report_id_from",
    "report_id_to",
    "years_apart",
]
FIRST_SEEN_COLUMNS = [
    "region",
    "term",
    "first_year",
    "count",
    "per_10k",
    "counted",
    "parent",
    "report_id",
    "year_before",
]
TOPIC_COLUMNS = [
    "report_id",
    "label",
    "region",
    "year",
    "topic",
    "topic_label",
    "share",
    "ci_low",
    "ci_high",
    "parent",
]
WATCH_COLUMNS = [
    "report_id",
    "label",
    "region",
    "year",
    "term",
    "count",
    "per_10k",
    "parent",
    "years_apart",
]

# Decimals of the tables (as results/keyness/keyness.csv).
G2_FORMAT, RATIO_FORMAT, P_FORMAT, PER_10K_FORMAT = ".4f", ".4f", ".3e", ".3f"
# G² values that differ beyond this many decimals only are ties (sorted by the term then).
SORT_DECIMALS = 9


# --- Series ------------------------------------------------------------------------------------


def region_key(report: Mapping) -> tuple[str, str]:
    return (report["parent"], report["region"])


def series(reports: Iterable[Mapping]) -> dict[tuple[str, str], list[Mapping]]:
    """{(parent, region): its reports in year order}, regions sorted. Two reports of one region
    and year stop the run: a trend compares one report a year."""
    by_region: dict[tuple[str, str], list[Mapping]] = {}
    for report in reports:
        by_region.setdefault(region_key(report), []).append(report)
    result = {}
    for key in sorted(by_region):
        rows = sorted(by_region[key], key=lambda row: (int(row["year"]), row["report_id"]))
        for before, after in zip(rows, rows[1:], strict=False):
            if before["year"] == after["year"]:
                raise InputError(
                    f"reports.csv: {region_name(key)} has two reports of {after['year']} "
                    f"({before['report_id']}, {after['report_id']}); trends compare one report "
                    "per region and year: leave one out of the inputs or give the other a "
                    "region of its own in the manifest"
                )
        result[key] = rows
    return result


def region_name(key: tuple[str, str]) -> str:
    """A region as a reader names it: 全国, 北京市, 北京市 东城区."""
    parent, region = key
    return f"{parent} {region}" if parent else region


def display_names(keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """{key: the region alone where no other region has its name, else with its parent}."""
    names = Counter(region for _, region in keys)
    return {key: key[1] if names[key[1]] == 1 else region_name(key) for key in keys}


def pairs(by_region: Mapping[tuple[str, str], list[Mapping]]):
    """(key, earlier report, later report) of every region's consecutive reports."""
    for key, rows in by_region.items():
        for before, after in zip(rows, rows[1:], strict=False):
            yield key, before, after


def years_apart(before: Mapping, after: Mapping) -> int:
    return int(after["year"]) - int(before["year"])


def with_series(by_region) -> dict:
    """The regions with at least two reports (those that have a trend)."""
    return {key: rows for key, rows in by_region.items() if len(rows) >= 2}


# --- Term counts -------------------------------------------------------------------------------


def token_counts(frequency_csv, report_ids: set[str]) -> dict[str, Counter]:
    """{report id: Counter of its tokens} from results/terms/frequency.csv, for `report_ids`
    (read a row at a time: the table of thousands of reports is large)."""
    counts: dict[str, Counter] = {report_id: Counter() for report_id in report_ids}
    with open(frequency_csv, encoding=CSV_ENCODING, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["report_id"] in counts:
                counts[row["report_id"]][row["term"]] += int(row["count"])
    return counts


def watch_counts(watch_rows: Iterable[Mapping]) -> dict[str, Counter]:
    """{report id: Counter of the watched terms' occurrences in its text} of terms/watch.csv."""
    counts: dict[str, Counter] = {}
    for row in watch_rows:
        counts.setdefault(row["report_id"], Counter())[row["term"]] += int(row["count"])
    return counts


def body_characters(paragraphs: Iterable[Mapping]) -> int:
    """Characters of a report's body: every part but the appendix (as terms/ and keyness/)."""
    return sum(len(p["text"]) for p in paragraphs if p["part"] != "appendix")


# --- Changes -----------------------------------------------------------------------------------


def kind_of(count_from: int, count_to: int, ratio: float) -> str:
    if count_from == 0:
        return NEW
    if count_to == 0:
        return GONE
    return RISING if ratio > 0 else FALLING


def pair_changes(earlier: Counter, later: Counter, *, p_max: float, min_count: int) -> list[dict]:
    """The significant changes of every term from `earlier` to `later` (token Counters), the
    highest G² first (ties: the term). Each: term, count_from, count_to, g2, p_value,
    log_ratio, change."""
    terms = sorted(set(earlier) | set(later))
    d, c = sum(earlier.values()), sum(later.values())
    if not terms or c == 0 or d == 0:
        return []
    b = np.array([earlier[t] for t in terms], dtype=float)
    a = np.array([later[t] for t in terms], dtype=float)
    scores = g2(a, b, c, d)
    ratios = log_ratio(a, b, c, d)
    keep = (scores >= critical_g2(p_max)) & (np.maximum(a, b) >= min_count)
    found = []
    for k in np.flatnonzero(keep):
        count_from, count_to = int(b[k]), int(a[k])
        found.append(
            {
                "term": terms[k],
                "count_from": count_from,
                "count_to": count_to,
                "g2": float(scores[k]),
                "p_value": float(p_value(scores[k])),
                "log_ratio": float(ratios[k]),
                "change": kind_of(count_from, count_to, float(ratios[k])),
            }
        )
    found.sort(key=lambda row: (-round(row["g2"], SORT_DECIMALS), row["term"]))
    return found


def change_rows(by_region, counts, characters, *, p_max: float, min_count: int):
    """The rows of term_changes.csv: region by region, pair by pair in year order."""
    for key, before, after in pairs(by_region):
        earlier, later = before["report_id"], after["report_id"]
        for change in pair_changes(
            counts[earlier], counts[later], p_max=p_max, min_count=min_count
        ):
            yield {
                "region": key[1],
                "year_from": before["year"],
                "year_to": after["year"],
                "term": change["term"],
                "count_from": change["count_from"],
                "count_to": change["count_to"],
                "per_10k_from": format(
                    per_10k(change["count_from"], characters[earlier]), PER_10K_FORMAT
                ),
                "per_10k_to": format(
                    per_10k(change["count_to"], characters[later]), PER_10K_FORMAT
                ),
                "g2": format(change["g2"], G2_FORMAT),
                "log_ratio": format(change["log_ratio"], RATIO_FORMAT),
                "change": change["change"],
                "p_value": format(change["p_value"], P_FORMAT),
                "parent": key[0],
                "report_id_from": earlier,
                "report_id_to": later,
                "years_apart": years_apart(before, after),
            }


# --- Quotes ---------------------------------------------------------------------------------

QUOTE_COLUMNS = [
    "region",
    "year_from",
    "year_to",
    "term",
    "change",
    "count_from",
    "count_to",
    "report_id",
    "label",
    "index",
    "section",
    "sentence",
    "parent",
]
SENTENCE_ENDS = "。！？；!?;"
ELLIPSIS = "…"


def sentence_with(text: str, term: str, max_chars: int) -> str | None:
    """The sentence of `text` (between 。！？；) that first holds `term`, cut to `max_chars`
    around it (… where cut); None if the text does not hold the term."""
    at = text.find(term)
    if at < 0:
        return None
    start = max((text.rfind(end, 0, at) for end in SENTENCE_ENDS), default=-1) + 1
    ends = [i for i in (text.find(end, at) for end in SENTENCE_ENDS) if i >= 0]
    stop = min(ends) + 1 if ends else len(text)
    sentence = text[start:stop]
    if len(sentence) <= max_chars:
        return sentence
    at -= start
    left = max(0, min(at - (max_chars - len(term)) // 2, len(sentence) - max_chars))
    cut = sentence[left : left + max_chars]
    return (ELLIPSIS if left else "") + cut + (ELLIPSIS if left + max_chars < len(sentence) else "")


def quote_rows(
    changes: Sequence[Mapping], paragraphs, labels, *, per_direction: int, max_chars: int
):
    """The rows of quotes.csv: for every pair of consecutive reports, its `per_direction`
    largest rises (new, rising) and falls (falling, gone) by G² (the order of term_changes.csv),
    each with the first sentence that holds the term — in the later report for a rise, in the
    earlier for a fall (a term gone is quoted from the year it was last used). `paragraphs`:
    {report id: its records}; body paragraphs only (no heading, no appendix)."""
    taken: Counter = Counter()
    for change in changes:
        rise = change["change"] in (NEW, RISING)
        key = (change["parent"], change["region"], change["year_to"], rise)
        if taken[key] >= per_direction:
            continue
        report_id = change["report_id_to"] if rise else change["report_id_from"]
        for record in paragraphs[report_id]:
            if record["part"] == "appendix" or record["heading"]:
                continue
            sentence = sentence_with(record["text"], change["term"], max_chars)
            if sentence is None:
                continue
            taken[key] += 1
            yield {
                "region": change["region"],
                "year_from": change["year_from"],
                "year_to": change["year_to"],
                "term": change["term"],
                "change": change["change"],
                "count_from": change["count_from"],
                "count_to": change["count_to"],
                "report_id": report_id,
                "label": labels[report_id],
                "index": record["index"],
                "section": " / ".join(record["section"]),
                "sentence": sentence,
                "parent": change["parent"],
            }
            break


# --- First seen --------------------------------------------------------------------------------


def first_seen_rows(by_region, tokens, watched, characters, *, min_count: int):
    """The rows of first_seen.csv: each term's first year in its region's series (the first
    report left out), if counted at least `min_count` times then; by region, year, the largest
    count first, then the term. `tokens`, `watched`: {report id: Counter}; a watched term is
    counted in the text only."""
    watch_terms = {term for counter in watched.values() for term in counter}
    for key, rows in by_region.items():
        seen: set[str] = set()
        for number, report in enumerate(rows):
            report_id = report["report_id"]
            counted = {
                term: (count, COUNTED_TOKENS)
                for term, count in tokens.get(report_id, Counter()).items()
                if term not in watch_terms and count > 0
            }
            counted.update(
                (term, (count, COUNTED_TEXT))
                for term, count in watched.get(report_id, Counter()).items()
                if count > 0
            )
            fresh = [term for term in counted if term not in seen]
            seen.update(fresh)
            if number == 0:
                continue
            fresh = [term for term in fresh if counted[term][0] >= min_count]
            for term in sorted(fresh, key=lambda t: (-counted[t][0], t)):
                count, how = counted[term]
                yield {
                    "region": key[1],
                    "term": term,
                    "first_year": report["year"],
                    "count": count,
                    "per_10k": format(per_10k(count, characters[report_id]), PER_10K_FORMAT),
                    "counted": how,
                    "parent": key[0],
                    "report_id": report_id,
                    "year_before": rows[number - 1]["year"],
                }


# --- Shares and watched terms over time ---------------------------------------------------------


def _series_order(by_region) -> dict[str, tuple[int, int]]:
    """{report id: (region's position, report's position in its series)}."""
    return {
        report["report_id"]: (region_number, number)
        for region_number, rows in enumerate(by_region.values())
        for number, report in enumerate(rows)
    }


def _gaps(by_region) -> dict[str, str]:
    """{report id: years since the region's report before ("" for its first)}."""
    gaps = {}
    for rows in by_region.values():
        gaps[rows[0]["report_id"]] = ""
        for before, after in zip(rows, rows[1:], strict=False):
            gaps[after["report_id"]] = str(years_apart(before, after))
    return gaps


def _report_of(reports: Mapping[str, Mapping], report_id: str, table: str) -> Mapping:
    """The reports.csv row of a report that `table` names; a clear error if there is none."""
    report = reports.get(report_id)
    if report is None:
        raise InputError(
            f"{table}: report {report_id} is not in reports.csv "
            "(an output of an older run? run snakemake again)"
        )
    return report


def topic_rows(by_region, shares: Iterable[Mapping]) -> list[dict]:
    """results/lda/chosen/report_topic_shares.csv joined with reports.csv, by region, year and
    topic (values copied as they are)."""
    order = _series_order(by_region)
    reports = {r["report_id"]: r for rows in by_region.values() for r in rows}
    rows = []
    for share in shares:
        report = _report_of(reports, share["report_id"], "report_topic_shares.csv")
        rows.append(
            {
                "report_id": share["report_id"],
                "label": share["label"],
                "region": report["region"],
                "year": report["year"],
                "topic": share["topic"],
                "topic_label": share["topic_label"],
                "share": share["share"],
                "ci_low": share["ci_low"],
                "ci_high": share["ci_high"],
                "parent": report["parent"],
            }
        )
    rows.sort(key=lambda row: (order[row["report_id"]], int(row["topic"])))
    return rows


def watch_trend_rows(by_region, watch: Iterable[Mapping]) -> list[dict]:
    """results/terms/watch.csv by region and year (terms in the table's order), with the parent
    and the years since the region's report before."""
    order = _series_order(by_region)
    gaps = _gaps(by_region)
    reports = {r["report_id"]: r for rows in by_region.values() for r in rows}
    rows = []
    for position, row in enumerate(watch):
        report = _report_of(reports, row["report_id"], "terms/watch.csv")
        rows.append(
            (
                order[row["report_id"]],
                position,
                {
                    **{column: row[column] for column in WATCH_COLUMNS[:7]},
                    "parent": report["parent"],
                    "years_apart": gaps[row["report_id"]],
                },
            )
        )
    rows.sort(key=lambda item: item[:2])
    return [row for _, _, row in rows]
