"""Names used across steps: parts of a report, similarity measures, shared column names.

One word for one thing: the same names appear in the config, the tables, the figures and the
page (see ../shared/TABLES.md for the columns).
"""

# The parts of a report (README, "Parts"), in reading order; `appendix` is kept out of modelling.
PARTS = ("opening", "review", "plans", "government", "closing", "other", "appendix")
APPENDIX = "appendix"
BODY_PARTS = tuple(part for part in PARTS if part != APPENDIX)
# The part name for a whole report's body in long tables.
ALL_PARTS = "all"

# Names of the parts, in Chinese with English, for figures and the page.
PART_NAMES = {
    "opening": "开篇 opening",
    "review": "工作回顾 review of the past year",
    "plans": "今年安排 plans for this year",
    "government": "政府自身建设 government's own conduct",
    "closing": "结语 closing appeal",
    "other": "其他 other",
    "appendix": "附录 appendix",
}

# Similarity measures between reports: the table (results/similarity/{name}.csv), the figure
# (results/figures/similarity_{name}.png) and the pairs.csv column all use this name.
TFIDF_COSINE = "tfidf_cosine"
TOPIC_JSD = "topic_jsd"
TOPIC_HELLINGER = "topic_hellinger"
MEASURES = (TFIDF_COSINE, TOPIC_JSD, TOPIC_HELLINGER)
# Whether a higher value means more alike (cosine) or less (distances).
HIGHER_IS_CLOSER = {TFIDF_COSINE: True, TOPIC_JSD: False, TOPIC_HELLINGER: False}

# The tag segmentation gives a word that no dictionary holds (found by jieba's HMM).
NEW_WORD_TAG = "new"
# Columns of the dropped-token tables (per shard and summed).
DROPPED_TOKEN_COLUMNS = ["token", "tag", "reason", "count"]
