"""Noto Sans SC (the font installed with the Python dependencies) cut down to the characters a
page needs and embedded in CSS, so that Chinese shows on a machine without Chinese fonts."""

import base64
import io


def font_face(text: str) -> str:
    """@font-face of the family ReportCJK: Noto Sans SC cut down to the characters of `text`
    (WOFF, base64), at a fraction of the font's size. Written without quotes, which the
    templates' escaping would change inside <style>."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from gwr.plotting import cjk_font_path

    options = subset.Options()
    options.flavor = "woff"
    options.recalc_timestamp = False
    font = TTFont(str(cjk_font_path()), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer, reorderTables=False)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"@font-face{{font-family:ReportCJK;src:url(data:font/woff;base64,{data})}}"
