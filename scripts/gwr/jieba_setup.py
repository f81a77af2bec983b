"""The segmentation engines: jieba's algorithm and dictionary, in Python (jieba) or in Rust
(rjieba, the default: the same words, about five times faster through the project's filters).

`make_engine(name, cache_dir, log)` gives either behind one interface (`Engine`): `lcut`,
`add_word` and `knows` (a word of the dictionary, jieba's own or added). Both use jieba's
dictionary file; its tags (`base_tags`) give every word its part of speech, whichever engine cuts.
The two were compared on the seed, the provinces and the national series (tests/test_engines.py):
the same dictionary, tokens, tags, vocabulary and dropped tokens. rjieba keeps an ASCII run joined
by `-` or `_` whole (`2-3`, `5G-A`, `PM_2.5`) where jieba cuts it at the joiners; `RustEngine`
cuts it as jieba does.

jieba keeps a cache of its prefix dictionary in the system temporary folder by default, shared by
every user and process on the machine, and logs its start-up to the console. Here each step gets
its own `jieba.Tokenizer` whose cache lives in a folder of the project, and jieba's log records
go to the step's log file instead of the console. rjieba builds its dictionary in memory.
"""

import contextlib
import logging
import re
import warnings
from pathlib import Path

# jieba's default cutter splits text into blocks of these characters before it looks words up;
# a dictionary term with any other character (马连道·数据街, “双提升”工程) needs protecting.
JIEBA_WORD_CHARS = re.compile(r"[\u4e00-\u9fd5a-zA-Z0-9+#&._%\-]+")


def import_jieba():
    """Import jieba without letting its deprecation warnings reach the console."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
        import jieba.posseg  # noqa: F401  (its tag table gives each word its part of speech)
    return jieba


def make_tokenizer(cache_dir: str | Path, log: logging.Logger | None = None):
    """A fresh, initialised jieba.Tokenizer whose cache lives in `cache_dir`."""
    jieba = import_jieba()
    jieba_logger = logging.getLogger("jieba")
    jieba_logger.handlers.clear()
    jieba_logger.propagate = False
    if log is not None:
        for handler in log.handlers:
            if isinstance(handler, logging.FileHandler):
                jieba_logger.addHandler(handler)
    jieba_logger.setLevel(logging.DEBUG)
    jieba.default_logger = jieba_logger
    jieba.setLogLevel(logging.DEBUG)
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(cache_dir)
    with warnings.catch_warnings(), contextlib.redirect_stderr(_LogWriter(jieba_logger)):
        warnings.simplefilter("ignore")
        tokenizer.initialize()
    return tokenizer


def jieba_dictionary_file() -> Path:
    """jieba's dictionary (`word freq tag` per line), the one rjieba embeds too."""
    import importlib.util

    return Path(importlib.util.find_spec("jieba").origin).with_name("dict.txt")


def base_tags() -> dict[str, str]:
    """Part-of-speech tag of every word of jieba's own dictionary (read from its file, as
    `jieba.posseg` reads it; the same for either engine)."""
    tags: dict[str, str] = {}
    with open(jieba_dictionary_file(), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 3:
                tags[parts[0]] = parts[2]
    return tags


ENGINES = ("rjieba", "jieba")


class JiebaEngine:
    """jieba (Python): a `jieba.Tokenizer` with its cache in the project."""

    name = "jieba"

    def __init__(self, cache_dir: str | Path, log: logging.Logger | None = None):
        self.tokenizer = make_tokenizer(cache_dir, log)

    def lcut(self, text: str, hmm: bool = True) -> list[str]:
        return self.tokenizer.lcut(text, HMM=hmm)

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        self.tokenizer.add_word(word, freq, tag)

    def knows(self, word: str) -> bool:
        """A word of the dictionary (jieba's `FREQ` holds word prefixes too, with frequency 0)."""
        return self.tokenizer.FREQ.get(word, 0) > 0


class RustEngine:
    """rjieba (jieba-rs): jieba's algorithm and dictionary in Rust.

    Every word must be added before the first cut (adding during a cut raises `Already
    borrowed`); the project adds its dictionary when it builds a segmenter, then only cuts.
    """

    name = "rjieba"

    def __init__(self):
        import rjieba

        self.jieba = rjieba.Jieba()

    def lcut(self, text: str, hmm: bool = True) -> list[str]:
        words = self.jieba.cut(text, hmm)
        if "-" not in text and "_" not in text:
            return words
        # rjieba keeps an ASCII run joined by - or _ whole (2-3, PM_2.5, 5G-A) where jieba cuts
        # it at the joiners unless its dictionary holds it (2-1-1-5-2): cut the same way, or the
        # dictionary's collocations (counted over these words) and the dropped tokens differ.
        out: list[str] = []
        for word in words:
            if _ASCII_JOINED.fullmatch(word) and not self.jieba.has_word(word):
                out.extend(piece for piece in _JOINERS.split(word) if piece)
            else:
                out.append(word)
        return out

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        self.jieba.add_word(word, freq, tag)

    def knows(self, word: str) -> bool:
        return self.jieba.has_word(word)


# An ASCII word holding a joiner (- or _) and something else: what rjieba keeps whole.
_ASCII_JOINED = re.compile(r"(?=.*[-_])(?=.*[0-9A-Za-z])[0-9A-Za-z.%+#&_-]+")
_JOINERS = re.compile(r"([-_])")


Engine = JiebaEngine | RustEngine


def make_engine(name: str, cache_dir: str | Path, log: logging.Logger | None = None) -> Engine:
    """The engine `name` of ENGINES (config `segment.engine`), with jieba's dictionary."""
    if name == "jieba":
        return JiebaEngine(cache_dir, log)
    if name == "rjieba":
        return RustEngine()
    raise ValueError(f"segment.engine is {name!r}: use one of {', '.join(ENGINES)}.")


class _LogWriter:
    """File-like object that sends what jieba prints to stderr to a logger."""

    def __init__(self, logger: logging.Logger):
        self.logger = logger

    def write(self, text: str) -> None:
        if text.strip():
            self.logger.info(text.strip())

    def flush(self) -> None:
        pass
