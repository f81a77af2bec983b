"""A jieba tokenizer with the project's settings: cache in a project-local folder, quiet logging.

jieba keeps a cache of its prefix dictionary in the system temporary folder by default, shared by
every user and process on the machine, and logs its start-up to the console. Here each step gets
its own `jieba.Tokenizer` whose cache lives in a folder of the project, and jieba's log records
go to the step's log file instead of the console.
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


def base_tags(tokenizer) -> dict[str, str]:
    """Part-of-speech tag of every word of jieba's own dictionary (its most frequent tag)."""
    jieba = import_jieba()
    return jieba.posseg.POSTokenizer(tokenizer).word_tag_tab


class _LogWriter:
    """File-like object that sends what jieba prints to stderr to a logger."""

    def __init__(self, logger: logging.Logger):
        self.logger = logger

    def write(self, text: str) -> None:
        if text.strip():
            self.logger.info(text.strip())

    def flush(self) -> None:
        pass
