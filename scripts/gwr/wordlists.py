"""The word lists a user edits: dictionary files (`term [freq] [tag]`), stopword lists (a word per
line) and part-of-speech overrides (`word tag`); `#` starts a comment line.

Read as the reports are (gwr.readers.read_text_file): the encoding detected (a list saved in GBK
or Big5 is read right), traditional characters converted to simplified like the reports'.
"""

import re
from collections.abc import Iterable

from gwr.io import InputError
from gwr.readers import read_text_file

_USER_DICT_LINE = re.compile(r"^(?P<term>.+?)(?: (?P<freq>\d+))?(?: (?P<tag>[a-z]+))?$")


def read_term_file(path: str) -> list[tuple[str, int | None, str | None]]:
    """Terms of a dictionary file: `term [freq] [tag]` per line; `#` starts a comment line."""
    terms = []
    text = read_text_file(path, "dictionary", simplify=True)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _USER_DICT_LINE.match(line)
        if not match:
            raise InputError(
                f"{path} line {number}: not `term [freq] [tag]`: {line!r} (see "
                "config/dictionary/README.md)"
            )
        freq = int(match.group("freq")) if match.group("freq") else None
        terms.append((match.group("term"), freq, match.group("tag")))
    return terms


def read_word_list(paths: Iterable[str]) -> set[str]:
    """Words of one-per-line lists (stopwords); `#` starts a comment line."""
    words: set[str] = set()
    for path in paths:
        for raw in read_text_file(path, "word list", simplify=True).splitlines():
            word = raw.strip()
            if word and not word.startswith("#"):
                words.add(word)
    return words
