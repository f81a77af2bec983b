"""Cut the reports' paragraphs into the tokens the models use, and filter them.

For speed, words are cut with jieba's plain cutter (`Tokenizer.lcut`), not `jieba.posseg`, which is
about five times slower; each word's part of speech is then looked up in a table: the tag the
project's dictionary gives it, else the tag of config/dictionary/pos_overrides.txt (how these
reports use a word that jieba's dictionary tags otherwise: 创新 vn, not v), else the tag of jieba's
own dictionary (what jieba.posseg gives a dictionary word too), else `new` for a word jieba's HMM
found that no dictionary holds. Dictionary terms with characters that
jieba's cutter splits on (马连道·数据街, “双提升”工程) are matched first and kept whole.

A token is dropped, in this order, if it is: space or punctuation; a number, date or percentage
(unless a dictionary term: 十四五 stays); a stopword (standard list or government boilerplate); a
place name of the corpus's regions; a single character; of a part of speech not kept. What is
dropped is counted by token and reason, so that nothing goes silently.

One job takes a shard of reports: jieba's start-up costs about a second per process.
"""

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Sequence
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
from gwr.jieba_setup import JIEBA_WORD_CHARS, base_tags, make_tokenizer
from gwr.names import DROPPED_TOKEN_COLUMNS, NEW_WORD_TAG
from gwr.regions import place_names

_SPACE_OR_PUNCTUATION = re.compile(r"^[\W_]+$")
_NUMBER = re.compile(
    r"^(?:第|约|近|超|逾)?[\d.,，%％+\-~～/零〇一二三四五六七八九十百千万亿两]+"
    r"(?:多|余|左右)?[年月日号时分秒个项次批条家所座名人户元倍岁期届度]?$"
)
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclasses.dataclass(frozen=True)
class SegmentSettings:
    """The segmentation parameters (config section `segment`)."""

    parts: tuple[str, ...]
    hmm: bool
    pos_keep: tuple[str, ...]
    keep_new_words: bool
    drop_single_chars: bool
    drop_numbers: bool
    drop_place_names: bool

    @classmethod
    def from_params(cls, params) -> "SegmentSettings":
        # Every field from the params (the schema gives each key its default): no defaults here.
        values = {field.name: params[field.name] for field in dataclasses.fields(cls)}
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


class Segmenter:
    """jieba with the merged dictionary, the tag table and the token filters."""

    def __init__(
        self,
        tokenizer,
        tags: dict[str, str],
        dictionary: Sequence[tuple[str, int | None, str | None]],
        stopwords: set[str],
        places: set[str],
        settings: SegmentSettings,
    ):
        self.tokenizer = tokenizer
        self.settings = settings
        self.stopwords = stopwords
        self.places = places if settings.drop_place_names else set()
        self.pos_keep = set(settings.pos_keep)
        self.tags = tags
        self.terms: dict[str, str] = {}
        special = []
        for term, freq, tag in dictionary:
            tag = tag or "nz"
            self.terms[term] = tag
            if JIEBA_WORD_CHARS.fullmatch(term):
                tokenizer.add_word(term, freq, tag)
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
        self._memo: dict[str, tuple[str, str | None]] = {}

    def tag(self, word: str) -> str:
        if _SPACE_OR_PUNCTUATION.match(word):
            return "x"  # jieba's tag for a non-word
        return self.terms.get(word) or self.tags.get(word) or NEW_WORD_TAG

    def words(self, text: str) -> list[str]:
        """The words of `text` as cut (every character kept), protected terms whole."""
        if not self.special or self.special_chars.isdisjoint(text):
            return self.tokenizer.lcut(text, HMM=self.settings.hmm)
        words: list[str] = []
        for position, piece in enumerate(self.special.split(text)):
            if position % 2:  # a protected dictionary term
                words.append(piece)
            elif piece:
                words.extend(self.tokenizer.lcut(piece, HMM=self.settings.hmm))
        return words

    def cut(self, text: str) -> list[tuple[str, str]]:
        """Every word of `text` with its part of speech, before filtering."""
        return [(word, self.tag(word)) for word in self.words(text)]

    def drop_reason(self, word: str, tag: str) -> str | None:
        """Why `word` is dropped, or None if it is kept."""
        if not word.strip() or _SPACE_OR_PUNCTUATION.match(word):
            return "space_or_punctuation"
        in_dictionary = word in self.terms
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
            return None if keep else "new_word"
        if not in_dictionary and tag not in self.pos_keep:
            return f"pos_{tag}"
        return None

    def segment(self, text: str, dropped: Counter) -> tuple[list[str], list[str]]:
        """(tokens, tags) kept from `text`; what is dropped is counted in `dropped`."""
        tokens, tags = [], []
        memo = self._memo
        for word in self.words(text):
            # A word's tag and fate depend on the word alone: remember them.
            known = memo.get(word)
            if known is None:
                tag = self.tag(word)
                known = memo[word] = (tag, self.drop_reason(word, tag))
            tag, reason = known
            if reason is None:
                tokens.append(word)
                tags.append(tag)
            elif reason != "space_or_punctuation" or word.strip():
                dropped[(word, tag, reason)] += 1
        return tokens, tags


def segment_report(records: Iterable[dict], segmenter: Segmenter, dropped: Counter) -> list[dict]:
    """Token records of one report's paragraphs (the parts that are modelled): the paragraph's
    index, part and section path (as in results/corpus/text), its tokens and their tags."""
    out = []
    for record in records:
        if record["part"] not in segmenter.settings.parts:
            continue
        tokens, tags = segmenter.segment(record["text"], dropped)
        out.append(
            {
                "index": record["index"],
                "part": record["part"],
                "section": record["section"],
                "tokens": tokens,
                "tags": tags,
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


def load_segmenter(
    user_dict: str,
    stopword_files: Sequence[str],
    reports_csv: str,
    settings: SegmentSettings,
    jieba_cache: str,
    tag_override_files: Sequence[str] = (),
    log=None,
) -> Segmenter:
    tokenizer = make_tokenizer(jieba_cache, log)
    tags = base_tags(tokenizer)
    tags.update(read_tag_overrides(tag_override_files))
    return Segmenter(
        tokenizer,
        tags,
        read_term_file(user_dict),
        read_word_list(stopword_files),
        place_names(read_csv(reports_csv)),
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


def segmenter_from_config(corpus, config: dict, root, cache_dir, log=None):
    """The workflow's segmenter, built in one process for `corpus` (a split_reports.Corpus) from a
    config, with paths relative to `root`: the same dictionary, tags and filters as the rules,
    for tests and benchmarks. Returns (segmenter, harvested terms)."""
    from gwr.dictionary import build
    from gwr.split import paragraph_records, report_rows

    section = config["segment"]
    stopwords = read_word_list(str(root / path) for path in section["stopwords"])
    builder = make_tokenizer(cache_dir, log)
    tags = base_tags(builder)
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
        make_tokenizer(cache_dir, log),
        tags,
        dictionary,
        stopwords,
        place_names(report_rows(corpus)),
        SegmentSettings.from_params(section),
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
