"""Rule report_style: the stylesheet for Snakemake's own report (results/report_style.css), so
that `snakemake --report … --report-stylesheet results/report_style.css` shows Chinese with the
shipped font (Noto Sans SC) on a machine without Chinese fonts.

The font is cut down to the characters the report can show: those of the captions and the
workflow's description (workflow/report/*.rst), and every character of the corpus's texts
(results/corpus/text), from which every table's words and sentences come.
"""

from pathlib import Path

from gwr.fonts import font_face
from gwr.io import setup_logging, write_text

# The report's own text in the shipped font first, then its usual fonts.
RULES = (
    "body, .prose, table, h1, h2, h3, p, td, th, li, a, span, div"
    "{font-family: ReportCJK, ui-sans-serif, system-ui, sans-serif}"
)


def characters(captions, text_dir) -> str:
    found: set[str] = set()
    for path in [*captions, *sorted(Path(text_dir).glob("*.jsonl"))]:
        found.update(Path(path).read_text(encoding="utf-8"))
    return "".join(sorted(ch for ch in found if ord(ch) > 0x7F))


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "report_style")
    text = characters(snakemake.input.captions, snakemake.input.text)
    css = font_face(text) + "\n" + RULES + "\n"
    write_text(snakemake.output.css, css)
    log.info("report stylesheet: %d characters, %d bytes", len(text), len(css.encode()))


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/report_style.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("report_style")
    main(snakemake)  # noqa: F821
