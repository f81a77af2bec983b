"""Web-page debris, by kind: what a line around (or inside) a report is when it is not report text.

Rules for kinds of debris, not a list of one site's strings (README, "Debris"). Each applies to a
short line only (at most `split.max_debris_chars` characters): a paragraph of a report is longer,
or ends like a sentence.

- `web_debris`: a line matching one of `split.debris_lines` (the user's own patterns);
- `link`: a line holding a web address (http://, www., a domain name);
- `widget`: a line made mostly of page-widget words (`split.widget_words`: 下载 打印 全屏 收藏
  字号 分享 …) and brackets — a toolbar such as `下载 打印 全屏 收藏 【字号 大 中 小】` or
  `》》点击图片进入专题《《`;
- `source_line`: a line that starts with a label of the page's metadata (`split.source_labels`:
  来源 编辑 责任编辑 作者 发布时间 …) and a colon, or is such a note in brackets `（来源：…日报）`;
- `time_stamp`: a line that starts with a numeric date (2025-01-15 09:30 …);
- `photo_caption`: a line that credits a photograph (… 摄, 图为…, 摄影：…);
- `markup`: what a wiki's editor leaves behind: a line of placeholder text
  (`split.markup_placeholders`: 粗体文字 …) or of markup characters alone (''', ==, **);
- `licence_notice`: a line of a licence or copyright notice (`split.licence_markers`: 公有领域,
  Public domain, 著作权法 …), or a bare `true`/`false` left by a page's template.
"""

import re

_LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|cn|net|org|gov)(?:\.cn)?\b", re.IGNORECASE)
_STAMP = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*\d{1,2}[:：]\d{2}")
_NUMERIC_DATE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b")
_PHOTO = re.compile(r"(?:^图为|^图片?[：:]|摄影[：:]|[\s（(]摄[）)]?$|记者\s?\S{2,4}\s?摄)")
_MARKUP = re.compile(r"['\"=*#~_|\-]+")
_TEMPLATE_WORDS = {"true", "false", "null", "none", "undefined"}
_BRACKETS = re.compile(r"[\s【】\[\]（）()《》〈〉<>|｜/、·•>》《—-]+")
# The share of a line's characters that widget words must cover for the line to be a widget.
WIDGET_SHARE = 0.6


def _covered(line: str, words) -> float:
    """Share of the characters of `line` (brackets and spaces left out) covered by `words`."""
    text = _BRACKETS.sub("", line)
    if not text:
        # Punctuation alone (、 or 《 left on a line of its own by a page's links) is text.
        return 0.0
    covered = [False] * len(text)
    for word in words:
        start = text.find(word)
        while start >= 0:
            for position in range(start, start + len(word)):
                covered[position] = True
            start = text.find(word, start + 1)
    # Single characters left between widget words (大 中 小 of 【字号 大 中 小】) count too.
    return sum(covered) / len(text)


def debris_kind(line: str, settings) -> str | None:
    """The kind of debris `line` (normalised) is, or None for report text."""
    if not line or len(line) > settings.max_debris_chars:
        return None
    if settings.compiled("debris_lines").fullmatch(line):
        return "web_debris"
    if line in settings.markup_placeholders or _MARKUP.fullmatch(line):
        return "markup"
    if line.strip().lower() in _TEMPLATE_WORDS:
        return "licence_notice"
    if any(marker.lower() in line.lower() for marker in settings.licence_markers):
        return "licence_notice"
    if _LINK.search(line):
        return "link"
    compact = line.replace(" ", "")
    stripped = compact.lstrip("（(【[")
    if any(re.match(rf"{re.escape(label)}[：:]", stripped) for label in settings.source_labels):
        return "source_line"
    if _STAMP.match(compact) or _NUMERIC_DATE.match(compact):
        return "time_stamp"
    if _PHOTO.search(line):
        return "photo_caption"
    if len(compact) <= settings.max_widget_chars and _covered(compact, settings.widget_words) >= (
        WIDGET_SHARE
    ):
        return "widget"
    return None
