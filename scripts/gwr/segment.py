"""Cut the reports' paragraphs into the tokens the models use, and filter them.

For speed, words are cut with jieba's plain cutter (`Tokenizer.lcut`), not `jieba.posseg`, which is
about five times slower; each word's part of speech is then looked up in a table: the tag the
project's dictionary gives it, else the tag of config/dictionary/pos_overrides.txt (how these
reports use a word that jieba's dictionary tags otherwise: 创新 vn, not v), else the tag of jieba's
own dictionary (what jieba.posseg gives a dictionary word too), else `new` for a word jieba's HMM
found that no dictionary holds. Dictionary terms with characters that
jieba's cutter splits on (马连道·数据街, “双提升”工程) are matched first and kept whole.

A token is dropped, in this order, if it is: space or punctuation; an enumeration marker (一是,
二要, 第三; reason `enumeration`); a number, date or percentage (unless a dictionary term: 十四五
stays); a stopword (standard list or government boilerplate); a place name of the corpus's regions;
a single character; a fragment, a piece of words that jieba's HMM took for a new word (reason
`fragment`, see below); of a part of speech not kept. What is dropped is counted by token and
reason, so that nothing goes silently.

Fragments. jieba's HMM joins the characters that no dictionary word covers into new words, and it
knows no function words: it glues a numeral, a particle, a preposition or a pronoun to the
character beside it (这是, 之心, 以学, 一仗, 一关, 多为, 三大), and the measure word of a number to
the character after it (1号线 -> 1/号线, 10条超百亿级 -> 10/条超/百亿级). A new word (in no
dictionary) of at most FRAGMENT_MAX_CHARS characters that holds a numeral (NUMERAL_CHARS) or a
function character (the single characters jieba's dictionary tags FUNCTION_TAGS), or that directly
follows a number, is such a piece: cut again without the HMM it falls apart into single characters
(no dictionary word is inside: measured on the three shared corpora), so it is dropped whole, with
the reason `fragment`. Dictionary words are never fragments (一体化, 三农, the project's 十四五,
两新). `count_fragments` measures what is left (benchmarks/fragments.py).

One job takes a shard of reports: jieba's start-up costs about a second per process.
"""

import copy
import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from pathlib import Path

from gwr.dictionary import read_term_file, read_word_list
from gwr.io import (
    InputError,
    csv_text,
    jsonl_text,
    read_csv,
    read_jsonl,
    replace_directory,
    setup_logging,
)
from gwr.jieba_setup import JIEBA_WORD_CHARS, base_tags, make_engine
from gwr.names import DROPPED_TOKEN_COLUMNS, NEW_WORD_TAG
from gwr.regions import place_names
from gwr.settings import fields_from_params

_SPACE_OR_PUNCTUATION = re.compile(r"^[\W_]+$")
_NUMBER = re.compile(
    r"^(?:第|约|近|超|逾)?[\d.,，%％+\-~～/零〇一二三四五六七八九十百千万亿两]+"
    r"(?:多|余|左右)?[年月日号时分秒个项次批条家所座名人户元倍岁期届度]?$"
)
_CJK = re.compile(r"[\u3400-\u9fff]")

# --- Fragments and enumeration markers (see the module's docstring) ------------------------------
# Numerals: digits and the Chinese numeral characters (a closed class; jieba's dictionary tags them
# m, with 年, 号, 点, 首 … that are measure words or morphemes of words as well). The financial
# numerals (壹, 陆, 伍, 拾 …) are left out: the reports do not write numbers with them, and 陆,
# 伍, 拾 are morphemes of words (陆港, 队伍).
NUMERAL_CHARS = frozenset("0123456789０１２３４５６７８９〇零一二三四五六七八九十百千万亿两几")
# Function characters: the single characters that jieba's own dictionary tags as a preposition (p:
# 以 为 于 对 向 …), conjunction (c: 和 而 及 并 …), pronoun (r: 这 其 我 各 …), particle (u 之 等,
# uj 的, ul 了, uv 地, ud 得, uz 着, ug 过) or modal particle (y: 呢 吗 …); read from jieba's tag
# table, so they follow its dictionary. Adverbs (d: 不 也 更 …) are not counted.
FUNCTION_TAGS = ("p", "c", "r", "u", "uj", "ul", "uv", "ud", "uz", "ug", "y")
# A fragment is short: jieba's HMM words are of two to four characters (of the new words kept on the
# three shared corpora, one is longer: 盐泰锡常宜, a list of cities).
FRAGMENT_MAX_CHARS = 4
# Enumeration markers: 一是 … 二是 …, 一要 … 二要 …, 第一 … 第二 … (jieba's HMM makes 二是, 三要 new
# words, its dictionary has 一要 as b and 第一 as m).
ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十百]+)$")
# Reasons of the dropped-token table for these (the others: space_or_punctuation, number, stopword,
# place_name, single_char, new_word, pos_<tag>).
FRAGMENT = "fragment"
ENUMERATION_MARKER = "enumeration"


def function_characters(tags: dict[str, str]) -> frozenset[str]:
    """The single characters that `tags` (jieba's tag table) tags with one of FUNCTION_TAGS."""
    return frozenset(word for word, tag in tags.items() if len(word) == 1 and tag in FUNCTION_TAGS)


def is_number(word: str) -> bool:
    """Whether `word` is a cardinal number as cut (3, 3.6, 000, S22, 十五, 五百; not 第一 or 唯一),
    after which comes its measure word: a new word there begins with that measure word."""
    return (
        word[-1:] in NUMERAL_CHARS
        and not word.startswith("第")
        and (word.isascii() or bool(_NUMBER.match(word)))
    )


@dataclasses.dataclass(frozen=True)
class SegmentSettings:
    """The segmentation parameters (config section `segment`)."""

    parts: tuple[str, ...]
    hmm: bool
    pos_keep: tuple[str, ...]
    keep_new_words: bool
    drop_single_chars: bool
    drop_numbers: bool
    place_names: str
    engine: str

    @classmethod
    def from_params(cls, params) -> "SegmentSettings":
        return cls(**fields_from_params(cls, params))


class Segmenter:
    """jieba's algorithm (an engine of gwr.jieba_setup) with the merged dictionary, the tag table
    and the token filters."""

    def __init__(
        self,
        engine,
        tags: dict[str, str],
        dictionary: Sequence[tuple[str, int | None, str | None]],
        stopwords: set[str],
        places,
        settings: SegmentSettings,
        drop_fragments: bool = True,
    ):
        self.engine = engine
        # Drop fragments and enumeration markers (off only to measure what they were: benchmarks).
        self.drop_fragments = drop_fragments
        self.function_chars = function_characters(tags)
        self.settings = settings
        self.stopwords = stopwords
        # The place names found are kept out of the tokens but listed in the record (`places`).
        self.places = places if settings.place_names != "keep" else frozenset()
        self.pos_keep = set(settings.pos_keep)
        self.tags = tags
        self.terms: dict[str, str] = {}
        special = []
        for term, freq, tag in dictionary:
            tag = tag or "nz"
            self.terms[term] = tag
            if JIEBA_WORD_CHARS.fullmatch(term):
                engine.add_word(term, freq, tag)
            else:
                special.append(term)
        # Longest first, so that a term is not cut short by a shorter one it contains.
        special.sort(key=lambda term: (-len(term), term))
        self.special = (
            re.compile("(" + "|".join(re.escape(term) for term in special) + ")")
            if special
            else None
        )
        # A special term has a character jieba splits on; a paragraph without any of these
        # characters (most of them) skips the slow search for special terms.
        self.special_chars = frozenset(
            char for term in special for char in term if not JIEBA_WORD_CHARS.fullmatch(char)
        )
        self._memo: dict[str, tuple[str, str | None, bool, bool]] = {}

    def with_fragments_dropped(self, drop: bool) -> "Segmenter":
        """This segmenter, dropping fragments and enumeration markers or not (to measure them)."""
        other = copy.copy(self)
        other.drop_fragments = drop
        other._memo = {}
        return other

    def tag(self, word: str) -> str:
        if _SPACE_OR_PUNCTUATION.match(word):
            return "x"  # jieba's tag for a non-word
        return self.terms.get(word) or self.tags.get(word) or NEW_WORD_TAG

    def words(self, text: str) -> list[str]:
        """The words of `text` as cut (every character kept), protected terms whole."""
        if not self.special or self.special_chars.isdisjoint(text):
            return self.engine.lcut(text, self.settings.hmm)
        words: list[str] = []
        for position, piece in enumerate(self.special.split(text)):
            if position % 2:  # a protected dictionary term
                words.append(piece)
            elif piece:
                words.extend(self.engine.lcut(piece, self.settings.hmm))
        return words

    def cut(self, text: str) -> list[tuple[str, str]]:
        """Every word of `text` with its part of speech, before filtering."""
        return [(word, self.tag(word)) for word in self.words(text)]

    def drop_reason(self, word: str, tag: str) -> str | None:
        """Why `word` is dropped, or None if it is kept."""
        if not word.strip() or _SPACE_OR_PUNCTUATION.match(word):
            return "space_or_punctuation"
        in_dictionary = word in self.terms
        if self.drop_fragments and not in_dictionary and ENUMERATION.match(word):
            return ENUMERATION_MARKER
        if self.settings.drop_numbers and not in_dictionary and _NUMBER.match(word):
            return "number"
        if word in self.stopwords:
            return "stopword"
        if word in self.places:
            return "place_name"
        if self.settings.drop_single_chars and len(word) == 1:
            return "single_char"
        if tag == NEW_WORD_TAG:
            keep = self.settings.keep_new_words and bool(_CJK.search(word))
            if not keep:
                return "new_word"
            return FRAGMENT if self.drop_fragments and self.holds_fragment_chars(word) else None
        if not in_dictionary and tag not in self.pos_keep:
            return f"pos_{tag}"
        return None

    def holds_fragment_chars(self, word: str) -> bool:
        """Whether a new word (in no dictionary) is a piece of words whatever its neighbours:
        short, with a numeral or a function character."""
        return len(word) <= FRAGMENT_MAX_CHARS and not (
            NUMERAL_CHARS.isdisjoint(word) and self.function_chars.isdisjoint(word)
        )

    def _fate(self, word: str) -> tuple[str, str | None, bool, bool]:
        """(tag, reason it is dropped or None, whether it is a fragment if it comes right after a
        number, whether it is a number), remembered: a word's fate depends on the word alone, except
        that a short new word kept right after a number begins with that number's measure word
        (1号线 -> 号线)."""
        tag = self.tag(word)
        reason = self.drop_reason(word, tag)
        fate = self._memo[word] = (
            tag,
            reason,
            self.drop_fragments
            and reason is None
            and tag == NEW_WORD_TAG
            and len(word) <= FRAGMENT_MAX_CHARS,
            self.drop_fragments and is_number(word),
        )
        return fate

    def decisions(self, text: str) -> list[tuple[str, str, str | None]]:
        """Every word of `text` as cut, with its tag and why it is dropped (None: kept)."""
        out = []
        after_number = False
        for word in self.words(text):
            tag, reason, measure_piece, number = self._memo.get(word) or self._fate(word)
            out.append((word, tag, FRAGMENT if after_number and measure_piece else reason))
            after_number = number
        return out

    def segment(self, text: str, dropped: Counter, places: list | None = None):
        """(tokens, tags) kept from `text`; what is dropped is counted in `dropped`, and the
        place names are appended to `places` when given. (The loop of `decisions`, inlined:
        this is the pipeline's inner loop.)"""
        tokens, tags = [], []
        memo = self._memo
        after_number = False
        for word in self.words(text):
            tag, reason, measure_piece, number = memo.get(word) or self._fate(word)
            if after_number and measure_piece:
                reason = FRAGMENT
            after_number = number
            if reason is None:
                tokens.append(word)
                tags.append(tag)
            elif reason != "space_or_punctuation" or word.strip():
                dropped[(word, tag, reason)] += 1
                if reason == "place_name" and places is not None:
                    places.append(word)
        return tokens, tags


def segment_report(records: Iterable[dict], segmenter: Segmenter, dropped: Counter) -> list[dict]:
    """Token records of one report's paragraphs (the parts that are modelled): the paragraph's
    index, part and section path (as in results/corpus/text), its tokens and their tags."""
    out = []
    for record in records:
        if record["part"] not in segmenter.settings.parts:
            continue
        places: list[str] = []
        tokens, tags = segmenter.segment(record["text"], dropped, places)
        out.append(
            {
                "index": record["index"],
                "part": record["part"],
                "section": record["section"],
                "tokens": tokens,
                "tags": tags,
                # Place names, kept out of the models (segment.place_names), listed here so
                # that they can still be counted.
                "places": places,
            }
        )
    return out


DROPPED_COLUMNS = DROPPED_TOKEN_COLUMNS


def dropped_rows(dropped: Counter) -> list[dict]:
    rows = [
        {"token": token, "tag": tag, "reason": reason, "count": count}
        for (token, tag, reason), count in dropped.items()
    ]
    rows.sort(key=lambda row: (-row["count"], row["reason"], row["token"], row["tag"]))
    return rows


def read_tag_overrides(paths: Iterable[str]) -> dict[str, str]:
    """`word tag` per line: the tag these reports use a word with, where jieba's differs."""
    overrides = {}
    for path in paths:
        for term, _, tag in read_term_file(path):
            if tag:
                overrides[term] = tag
    return overrides


def places_to_drop(reports: Sequence[dict], settings: SegmentSettings, gazetteer_dir):
    """The place names kept out of the tokens (a `gwr.places.PlaceNames`): every division of the
    gazetteer, the regional names made of the provinces' abbreviations (京津冀, 皖北) and the
    corpus's own regions (`all`), the corpus's own regions only (`corpus`), or none (`keep`)."""
    from gwr.places import PlaceNames, gazetteer_place_names, read_abbreviations

    if settings.place_names == "keep":
        return PlaceNames(frozenset())
    names = place_names(reports)
    if settings.place_names == "corpus":
        return PlaceNames(frozenset(names))
    names |= gazetteer_place_names(gazetteer_dir)
    return PlaceNames(frozenset(names), read_abbreviations(gazetteer_dir))


def load_segmenter(
    user_dict: str,
    stopword_files: Sequence[str],
    reports_csv: str,
    settings: SegmentSettings,
    jieba_cache: str,
    tag_override_files: Sequence[str] = (),
    log=None,
    gazetteer_dir=None,
) -> Segmenter:
    engine = make_engine(settings.engine, jieba_cache, log)
    tags = base_tags()
    tags.update(read_tag_overrides(tag_override_files))
    return Segmenter(
        engine,
        tags,
        read_term_file(user_dict),
        read_word_list(stopword_files),
        places_to_drop(read_csv(reports_csv), settings, gazetteer_dir),
        settings,
    )


def terms_kept_whole(paragraphs, cut, terms) -> tuple[int, int, set[str]]:
    """How well a segmentation keeps terms whole: (occurrences of `terms` in `paragraphs`, those
    lying inside one word of `cut(text)`, the terms found). `cut` must keep every character."""
    found = whole = 0
    present_anywhere: set[str] = set()
    for text in paragraphs:
        present = [term for term in terms if term in text]
        if not present:
            continue
        spans, start = [], 0
        for word in cut(text):
            spans.append((start, start + len(word)))
            start += len(word)
        if start != len(text):
            raise ValueError("the cut must keep every character of the text")
        for term in present:
            present_anywhere.add(term)
            for match in re.finditer(re.escape(term), text):
                found += 1
                whole += any(a <= match.start() and match.end() <= b for a, b in spans)
    return found, whole, present_anywhere


def classify_fragment(
    word: str,
    previous: str | None,
    in_project: bool,
    in_jieba: bool,
    function_chars: frozenset[str],
) -> str | None:
    """What kind of fragment a kept token is, or None: the measure of the issue "What each region
    stresses" (no fragments reach the models), independent of how the segmenter drops them.

    `enumeration`: an enumeration marker (一是, 二要, 第三) not in the project's dictionary. Else a
    token of at most FRAGMENT_MAX_CHARS characters in neither jieba's dictionary (a word with a
    frequency) nor the project's that holds a numeral (`numeral`: 一仗, 三大), a function character
    (`function_char`: 这是, 之心, 以学, 多为), or that comes right after a number `previous`
    (`measure_word`: the measure word of the number and the next character, 1号线 -> 号线).
    Measure characters elsewhere are not counted: there they are mostly morphemes of words (托位,
    绿道, 堵点, 首店).
    """
    if in_project:
        return None
    if ENUMERATION.match(word):
        return ENUMERATION_MARKER
    if in_jieba or len(word) > FRAGMENT_MAX_CHARS:
        return None
    if not NUMERAL_CHARS.isdisjoint(word):
        return "numeral"
    if not function_chars.isdisjoint(word):
        return "function_char"
    if previous is not None and is_number(previous):
        return "measure_word"
    return None


def fragment_kind(word: str, previous: str | None, segmenter: Segmenter) -> str | None:
    """`classify_fragment` with the dictionaries of `segmenter` (the merged project dictionary,
    jieba's with its frequencies)."""
    return classify_fragment(
        word,
        previous,
        word in segmenter.terms,
        segmenter.engine.knows(word),
        segmenter.function_chars,
    )


@functools.cache
def _default_dictionaries() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(jieba's own words, the shipped project terms, the function characters), read from jieba's
    dictionary file and the lists of config/config.yaml `dictionary.files`."""
    import yaml

    from gwr.jieba_setup import jieba_dictionary_file

    words, tags = set(), {}
    with open(jieba_dictionary_file(), encoding="utf-8") as handle:
        for line in handle:
            word, freq, *tag = line.split()
            if int(freq) > 0:
                words.add(word)
                if tag:
                    tags[word] = tag[0]
    root = Path(__file__).resolve().parents[2]
    config = yaml.safe_load((root / "config" / "config.yaml").read_text("utf-8"))
    shipped = {
        term
        for path in config["dictionary"]["files"]
        for term, _, _ in read_term_file(str(root / path))
    }
    return frozenset(words), frozenset(shipped), function_characters(tags)


def is_fragment(term: str, known: Container[str] = (), previous: str | None = None) -> bool:
    """Whether `term` (a kept token, a key term) is a fragment by `classify_fragment`, without a
    segmenter: the project's dictionary is the shipped lists plus `known` (pass the merged
    dictionary's terms, results/tokens/user_dict.txt, to count harvested terms as known), jieba's
    is its dictionary file; without `previous`, a measure word cut off a number is not seen."""
    jieba_words, shipped, function_chars = _default_dictionaries()
    return (
        classify_fragment(
            term,
            previous,
            term in shipped or term in known,
            term in jieba_words,
            function_chars,
        )
        is not None
    )


def count_fragments(segmenter: Segmenter, paragraphs: Iterable[str]) -> Counter:
    """Fragments among the tokens `segmenter` keeps from `paragraphs`, by `fragment_kind`:
    occurrences by (token, tag, kind)."""
    found: Counter = Counter()
    for text in paragraphs:
        previous = None
        for word, tag, reason in segmenter.decisions(text):
            if reason is None:
                kind = fragment_kind(word, previous, segmenter)
                if kind is not None:
                    found[(word, tag, kind)] += 1
            previous = word
    return found


def segmenter_from_config(corpus, config: dict, root, cache_dir, log=None):
    """The workflow's segmenter, built in one process for `corpus` (a split_reports.Corpus) from a
    config, with paths relative to `root`: the same dictionary, tags and filters as the rules,
    for tests and benchmarks. Returns (segmenter, harvested terms)."""
    from gwr.dictionary import build
    from gwr.split import paragraph_records, report_rows

    section = config["segment"]
    stopwords = read_word_list(str(root / path) for path in section["stopwords"])
    settings = SegmentSettings.from_params(section)
    builder = make_engine(settings.engine, cache_dir, log)
    tags = base_tags()
    dictionary, harvested = build(
        [str(root / path) for path in config["dictionary"]["files"]],
        [entry for report in corpus.reports for entry in report.glossary],
        [
            record["text"]
            for report in corpus.reports
            for record in paragraph_records(report)
            if record["part"] in section["parts"]
        ],
        stopwords,
        config["dictionary"],
        builder,
        tags,
    )
    tags.update(read_tag_overrides(str(root / path) for path in section["pos_overrides"]))
    segmenter = Segmenter(
        make_engine(settings.engine, cache_dir, log),
        tags,
        dictionary,
        stopwords,
        places_to_drop(report_rows(corpus), settings, root / section["gazetteer"]),
        settings,
    )
    return segmenter, harvested


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "segment")
    settings = SegmentSettings.from_params(snakemake.params.settings)
    segmenter = load_segmenter(
        snakemake.input.user_dict,
        list(snakemake.input.stopwords),
        snakemake.input.reports,
        settings,
        snakemake.params.jieba_cache,
        list(snakemake.input.pos_overrides),
        log,
        Path(snakemake.input.gazetteer[0]).parent,
    )
    files: dict[str, str] = {}
    dropped: Counter = Counter()
    for report_id in snakemake.params.reports:
        path = Path(snakemake.input.text) / f"{report_id}.jsonl"
        records = segment_report(read_jsonl(path), segmenter, dropped)
        if not any(record["tokens"] for record in records):
            raise InputError(
                f"report {report_id} ({path}) has no token left after segmentation and filtering: "
                "it is empty, or only boilerplate. Remove its text from `inputs`, or check its "
                "split in results/corpus/text/."
            )
        files[f"{report_id}.jsonl"] = jsonl_text(records)
        log.info(
            "%s: %d paragraphs, %d tokens",
            report_id,
            len(records),
            sum(len(r["tokens"]) for r in records),
        )
    # A byte order mark, as on every CSV table: Excel and WPS then read it as UTF-8.
    files["dropped_tokens.csv"] = "\ufeff" + csv_text(DROPPED_COLUMNS, dropped_rows(dropped))
    replace_directory(snakemake.output.shard, files)
