"""Helpers shared by the workflow's steps: logging, atomic writes, CSV and JSON Lines I/O.

Every output is written to a temporary file beside its target and renamed into place, so a job
that is killed never leaves a file that looks finished. CSV tables carry a UTF-8 byte order mark
so that Excel and WPS open them with the right encoding.
"""

import contextlib
import csv
import io
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

CSV_ENCODING = "utf-8-sig"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class InputError(Exception):
    """Bad input that the user has to fix: the message names the file and what to do."""


def setup_logging(log_path: str | os.PathLike | None, name: str) -> logging.Logger:
    """Send the step's log records to its Snakemake log file and to the console."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    logger.handlers.clear()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
        file_handler.setFormatter(fmt)
        logger.addHandler(file_handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    console.setFormatter(fmt)
    logger.addHandler(console)
    logger.propagate = False
    return logger


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike):
    """Yield a temporary path beside `target`; rename it onto `target` only on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp creates the file readable by its owner only; give it the usual permissions.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(target: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")


def csv_text(header: Sequence[str], rows: Iterable[Mapping | Sequence]) -> str:
    buffer = io.StringIO()
    _write_rows(buffer, header, rows)
    return buffer.getvalue()


def _write_rows(handle, header: Sequence[str], rows: Iterable[Mapping | Sequence]) -> None:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        if isinstance(row, Mapping):
            row = [row.get(column, "") for column in header]
        writer.writerow(["" if value is None else value for value in row])


def write_csv(target: str | os.PathLike, header: Sequence[str], rows: Iterable) -> None:
    """Write a UTF-8 CSV with a BOM and CRLF line ends (what Excel and WPS expect).

    Rows are written as they come (a generator is never held in memory whole); the bytes are
    those of `csv_text`.
    """
    with atomic_path(target) as tmp, open(tmp, "w", encoding=CSV_ENCODING, newline="") as handle:
        _write_rows(handle, header, rows)


def read_csv(path: str | os.PathLike) -> list[dict[str, str]]:
    with open(path, encoding=CSV_ENCODING, newline="") as handle:
        return list(csv.DictReader(handle))


def jsonl_text(records: Iterable[Mapping]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def read_jsonl(path: str | os.PathLike) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_json(target: str | os.PathLike, data) -> None:
    write_text(target, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def iter_token_files(shard_dirs: Iterable[str | os.PathLike]):
    """(report_id, token records) of every report in the segmentation shards, by report_id.

    Tokens and tags are interned: thousands of reports repeat the same words millions of times,
    and a step that holds them all then holds each word once.
    """
    paths = sorted(
        (path for shard in shard_dirs for path in Path(shard).glob("*.jsonl")),
        key=lambda path: path.stem,
    )
    for path in paths:
        records = read_jsonl(path)
        for record in records:
            for key in ("tokens", "tags"):
                if key in record:
                    record[key] = [sys.intern(value) for value in record[key]]
        yield path.stem, records


def write_npz(target: str | os.PathLike, **arrays) -> None:
    """numpy's .npz, but byte-identical for identical arrays (fixed zip timestamps)."""
    import zipfile

    import numpy as np

    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as handle:
                np.lib.format.write_array(handle, np.asarray(arrays[name]), allow_pickle=False)


@contextlib.contextmanager
def atomic_directory(target: str | os.PathLike):
    """Yield a fresh staging directory; on success it replaces `target` whole."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging
        os.chmod(staging, 0o777 & ~_umask())
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def replace_directory(target: str | os.PathLike, files: Mapping[str, str]) -> None:
    """Write `files` (name -> text) into a fresh directory, then swap it in for `target`."""
    with atomic_directory(target) as staging:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8", newline="")
