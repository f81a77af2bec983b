"""Noto Sans SC (the font installed with the Python dependencies) cut down to the characters a
page needs and embedded in CSS, so that Chinese shows on a machine without Chinese fonts; or cut
down to the words of a figure drawn with Pillow (the word clouds), which loads the font anew for
every size it tries: the 10 MB font costs about 1 ms a load, a cut-down one a tenth of that."""

import base64
import io
from pathlib import Path

# FreeType's auto-hinter, which Pillow's rendering of this unhinted font goes through, sets its
# CJK alignment zones and stem widths from these characters when the font has them (afblue.dat:
# AF_BLUE_STRING_CJK_TOP and _BOTTOM; afscript.h: the standard characters of `hani`, 田 囗). A
# cut-down font keeps them, so that every glyph is drawn exactly as with the whole font.
HINTING_REFERENCE = (
    "他们你來們到和地对對就席我时時會来為能舰說说这這齊军同已愿既星是景民照现現理用置要軍那配里開雷露面顾"
    "个为人他以们你來個們到和大对對就我时時有来為要說说主些因它想意理生當看着置者自著裡过还进進過道還里面"
    "田囗"
)


def _subset(text: str, flavor: str | None):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from gwr.plotting import cjk_font_path

    options = subset.Options()
    options.flavor = flavor
    options.recalc_timestamp = False
    font = TTFont(str(cjk_font_path()), recalcTimestamp=False, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    font.flavor = flavor
    return font


def font_file(text: str, path: str | Path) -> Path:
    """Noto Sans SC cut down to the characters of `text` (and HINTING_REFERENCE: Pillow draws
    them as with the whole font), written to `path` (TrueType); the same text gives the same
    file."""
    _subset(text + HINTING_REFERENCE, None).save(str(path), reorderTables=False)
    return Path(path)


def font_face(text: str) -> str:
    """@font-face of the family ReportCJK: Noto Sans SC cut down to the characters of `text`
    (WOFF, base64), at a fraction of the font's size. Written without quotes, which the
    templates' escaping would change inside <style>."""
    buffer = io.BytesIO()
    _subset(text, "woff").save(buffer, reorderTables=False)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"@font-face{{font-family:ReportCJK;src:url(data:font/woff;base64,{data})}}"
