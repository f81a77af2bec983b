"""Build the dictionary that segmentation uses: shipped policy terms plus terms harvested from the
input itself.

Sources, in order of precedence (a term is credited to the first source that has it):

1. `shipped`: the curated lists in config/dictionary/ (jieba's format: `term [freq] [tag]`);
2. `glossary`: the terms the reports explain in their 名词解释 (results/corpus/glossary.csv);
3. `quoted`: terms the reports set in quotation marks “…”, of a configurable length;
4. `collocation`: word pairs that occur together far more often than chance, found by gensim's
   `Phrases` with normalised pointwise mutual information (NPMI, between -1 and 1) over the
   paragraphs as cut by jieba with the terms above.

Harvested terms that jieba's own dictionary already holds, that are numbers, or that contain a
stopword are not added. Outputs: the merged dictionary in jieba's format (`user_dict.txt`, what
segmentation loads) and `harvested_terms.csv` (term, source, count).
"""

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from gwr.io import read_csv, read_jsonl, setup_logging, write_csv, write_text
from gwr.jieba_setup import base_tags, make_engine
from gwr.wordlists import read_term_file, read_word_list  # noqa: F401  (re-exported)

SOURCES = ("shipped", "glossary", "quoted", "collocation")
_QUOTED = re.compile(r"“([^“”]+)”")
_SPLIT_TERM = re.compile(r"[“”‘’\"'「」『』《》〈〉（）()【】\[\]、，。：；！？,;:!?\s]+")
_NUMERIC = re.compile(r"^[\d.,%+\-—–~～/]+[年月日号个项万亿千百元倍]?$")
_WORDISH = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def is_candidate(term: str, min_chars: int, max_chars: int, stopwords: set[str]) -> bool:
    """A harvested string worth adding: of the right length, a word, not a number or a stopword."""
    return (
        min_chars <= len(term) <= max_chars
        and bool(_WORDISH.search(term))
        and not _NUMERIC.match(term)
        and term not in stopwords
        and not _SPLIT_TERM.search(term)
    )


def glossary_terms(entries: Sequence[dict], min_chars: int, max_chars: int, stopwords) -> Counter:
    """Glossary headwords; one with quotes gives its pieces (“双提升”工程 -> 双提升, 工程)."""
    found: Counter = Counter()
    for entry in entries:
        for piece in _SPLIT_TERM.split(entry["term"]):
            if is_candidate(piece, min_chars, max_chars, stopwords):
                found[piece] += 1
    return found


def quoted_terms(paragraphs: Iterable[str], min_chars: int, max_chars: int, stopwords) -> Counter:
    """Strings set in Chinese quotation marks “…” of min_chars to max_chars characters."""
    found: Counter = Counter()
    for text in paragraphs:
        for quoted in _QUOTED.findall(text):
            quoted = quoted.strip()
            if is_candidate(quoted, min_chars, max_chars, stopwords):
                found[quoted] += 1
    return found


def collocations(
    sentences: list[list[str]],
    min_count: int,
    threshold: float,
    max_chars: int,
    stopwords: set[str],
    tag_of=None,
    head_tags: Sequence[str] = (),
    excluded_tags: Sequence[str] = (),
) -> Counter:
    """Adjacent word pairs with NPMI above `threshold` seen at least `min_count` times.

    With `tag_of`, a collocation must look like a noun phrase: its last word (the head) tagged
    one of `head_tags`, and no word tagged one of `excluded_tags` (verbs, adverbs, function words),
    so that 清洁能源 is kept and 成功举办 is not.
    """
    from gensim.models.phrases import Phrases

    if not sentences:
        return Counter()
    model = Phrases(
        sentences,
        min_count=min_count,
        threshold=threshold,
        scoring="npmi",
        delimiter="\u0001",
    )
    found: Counter = Counter()
    for sentence in sentences:
        for token in model[sentence]:
            if "\u0001" not in token:
                continue
            parts = token.split("\u0001")
            term = "".join(parts)
            if (
                len(term) <= max_chars
                and all(len(part) >= 2 and part not in stopwords for part in parts)
                and is_candidate(term, 3, max_chars, stopwords)
                and (tag_of is None or _noun_phrase(parts, tag_of, head_tags, excluded_tags))
            ):
                found[term] += 1
    return Counter({term: count for term, count in found.items() if count >= min_count})


def _noun_phrase(parts, tag_of, head_tags, excluded_tags) -> bool:
    tags = [tag_of(part) for part in parts]
    return tags[-1] in head_tags and not any(tag in excluded_tags for tag in tags)


def sentences_of(paragraphs: Iterable[str], engine) -> list[list[str]]:
    """Paragraphs cut into clauses (at punctuation) and clauses into words (an engine of
    gwr.jieba_setup, with jieba's HMM)."""
    sentences = []
    for text in paragraphs:
        for clause in re.split(r"[，。；：！？、“”（）《》\s]+", text):
            words = [w for w in engine.lcut(clause) if w.strip()]
            if len(words) > 1:
                sentences.append(words)
    return sentences


def build(
    shipped_files: Sequence[str],
    glossary: Sequence[dict],
    paragraphs: Sequence[str],
    stopwords: set[str],
    settings: dict,
    engine,
    tags: dict[str, str] | None = None,
    collocation_paragraphs: Sequence[str] | None = None,
) -> tuple[list[tuple[str, int, str]], list[dict]]:
    """Return (dictionary entries `(term, freq, tag)`, harvested rows `term, source, count`).

    Collocations are sought in `collocation_paragraphs` if given (a sample of a large corpus),
    in all `paragraphs` otherwise.
    """
    freq, tag = settings["term_freq"], settings["term_tag"]
    entries: dict[str, tuple[int, str]] = {}
    sources: dict[str, tuple[str, int]] = {}
    for path in shipped_files:
        for term, term_freq, term_tag in read_term_file(path):
            entries.setdefault(term, (term_freq or freq, term_tag or tag))
            sources.setdefault(term, ("shipped", 0))

    def known(term: str) -> bool:
        return term in entries or engine.knows(term)

    def harvest(found: Counter, source: str) -> None:
        for term, count in sorted(found.items()):
            if not known(term):
                entries[term] = (freq, tag)
                sources[term] = (source, count)

    text = list(paragraphs)
    low, high = settings["min_chars"], settings["max_chars"]
    if settings["glossary"]:
        harvest(glossary_terms(glossary, low, high, stopwords), "glossary")
    if settings["quoted"]:
        quoted = quoted_terms(text, low, high, stopwords)
        harvest(
            Counter({t: c for t, c in quoted.items() if c >= settings["quoted_min_count"]}),
            "quoted",
        )
    if settings["collocations"]:
        for term, (term_freq, term_tag) in entries.items():
            engine.add_word(term, term_freq, term_tag)
        base = tags if tags is not None else {}
        found = collocations(
            sentences_of(
                text if collocation_paragraphs is None else collocation_paragraphs, engine
            ),
            settings["collocation_min_count"],
            settings["collocation_threshold"],
            high,
            stopwords,
            tag_of=lambda word: entries[word][1] if word in entries else base.get(word, "x"),
            head_tags=settings["collocation_head_tags"],
            excluded_tags=settings["collocation_excluded_tags"],
        )
        harvest(found, "collocation")
    dictionary = sorted((term, f, t) for term, (f, t) in entries.items())
    harvested = [
        {"term": term, "source": source, "count": count}
        for term, (source, count) in sorted(sources.items(), key=lambda kv: (kv[1][0], kv[0]))
        if source != "shipped"
    ]
    harvested.sort(key=lambda row: (SOURCES.index(row["source"]), -row["count"], row["term"]))
    return dictionary, harvested


def body_paragraphs(text_files: Iterable[str], parts: Sequence[str]) -> list[list[str]]:
    """The paragraphs of the given parts, one list per file (files in sorted order)."""
    return [
        [r["text"] for r in read_jsonl(path) if r["part"] in parts] for path in sorted(text_files)
    ]


def sample_reports(reports: Sequence[list[str]], max_chars: int, seed: int) -> list[list[str]]:
    """Whole reports drawn at random (with `seed`) until they hold `max_chars` characters, in
    their original order; all of them if they hold no more than that."""
    import random

    order = list(range(len(reports)))
    random.Random(seed).shuffle(order)
    chosen, total = [], 0
    for index in order:
        if total >= max_chars:
            break
        chosen.append(index)
        total += sum(len(text) for text in reports[index])
    return [reports[index] for index in sorted(chosen)]


def dictionary_text(entries: Sequence[tuple[str, int, str]]) -> str:
    return "".join(f"{term} {freq} {tag}\n" for term, freq, tag in entries)


def main(snakemake) -> None:
    from pathlib import Path

    log = setup_logging(snakemake.log[0], "build_dictionary")
    settings = dict(snakemake.params.settings)
    stopwords = read_word_list(snakemake.input.stopwords)
    engine = make_engine(snakemake.params.engine, snakemake.params.jieba_cache, log)
    text_files = [str(p) for p in Path(snakemake.input.text).glob("*.jsonl")]
    reports = body_paragraphs(text_files, snakemake.params.parts)
    sample = sample_reports(reports, settings["collocation_max_chars"], settings["sample_seed"])
    if len(sample) < len(reports):
        log.info(
            "collocations sought in %d of %d reports (%d characters at most, seed %d)",
            len(sample),
            len(reports),
            settings["collocation_max_chars"],
            settings["sample_seed"],
        )
    dictionary, harvested = build(
        list(snakemake.input.shipped),
        read_csv(snakemake.input.glossary),
        [text for paragraphs in reports for text in paragraphs],
        stopwords,
        settings,
        engine,
        base_tags(),
        collocation_paragraphs=[text for paragraphs in sample for text in paragraphs],
    )
    write_text(snakemake.output.user_dict, dictionary_text(dictionary))
    write_csv(snakemake.output.harvested, ["term", "source", "count"], harvested)
    counts = Counter(row["source"] for row in harvested)
    log.info(
        "dictionary: %d terms (%d shipped; harvested: %s)",
        len(dictionary),
        len(dictionary) - len(harvested),
        ", ".join(f"{source} {counts[source]}" for source in SOURCES[1:]),
    )
