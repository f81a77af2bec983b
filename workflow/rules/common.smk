# Shared helpers: config validation at start-up, the input files, the final targets.
#
# The steps all declare `resources` for a cluster scheduler (see README, "Running on a cluster"):
# mem_mb and runtime (minutes) that cover about 3,000 reports with the shipped config, from the
# peak memory and times measured by benchmarks/scale.py on a 2-core machine, with headroom.
# A local run ignores them unless `--resources mem_mb=…` is given.

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))

from snakemake.utils import validate
from gwr.config import (
    ConfigError,
    check_config,
    check_consistency,
    check_for_corpus,
    check_manifest,
    expand_inputs,
    load_schema,
    type_overrides,
)
from gwr.io import read_csv
from gwr.provenance import code_version

SCHEMA = Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml"


def stop(message):
    """End the run with one line per problem, without a traceback (config mistakes)."""
    for line in str(message).splitlines():
        print(f"Error: {line.strip()}", file=sys.stderr)
    sys.exit(1)


# Values of --config typed as the schema says (Snakemake reads nested ones as strings), then a
# readable message naming the key, then Snakemake's own validation (fills in the defaults), then
# what one key alone cannot say. Each problem is one line, without a traceback.
try:
    type_overrides(config, load_schema(SCHEMA))
    check_config(config, SCHEMA)
    validate(config, str(SCHEMA))
    check_consistency(config)
    INPUT_FILES = expand_inputs(config["inputs"])
    check_manifest(config["manifest"])
except ConfigError as error:
    stop(error)


def manifest_input(wildcards):
    """The manifest, if the config names one (its edits then rerun the split)."""
    return [config["manifest"]] if config["manifest"] else []


SCRIPTS = Path(workflow.basedir) / "scripts"


def code(script):
    """Param `code` of a rule: a hash of the `gwr` modules its script imports, so that an edit
    of a shared module reruns the rules that use it (Snakemake tracks only the script).
    """
    return code_version(SCRIPTS / script)


# jieba's dictionary cache: project-local, not a file shared by everyone in /tmp.
JIEBA_CACHE = ".cache/jieba"
# Keys of `segment` that are not parameters of the tokens: how jobs are cut, and files (inputs).
JOB_KEYS = ("reports_per_job", "min_jobs", "stopwords", "pos_overrides", "gazetteer")
# The gazetteer's files (inputs of segmentation: an edit reruns it).
GAZETTEER_FILES = (
    "divisions.csv",
    "ethnic_groups.csv",
    "kept_out.csv",
    "abbreviations.csv",
)


def gazetteer_files(wildcards):
    return [
        str(Path(config["segment"]["gazetteer"]) / name) for name in GAZETTEER_FILES
    ]


# report_ids() by (reports.csv, its modification time): the input functions of every shard ask
# for it, and reading a table of thousands of reports each time slows every start-up.
_REPORT_IDS = {}


def report_ids():
    """The reports found by the split (known once the checkpoint has run)."""
    reports = checkpoints.split_reports.get().output.reports
    key = (reports, Path(reports).stat().st_mtime_ns)
    if key not in _REPORT_IDS:
        _REPORT_IDS[key] = [row["report_id"] for row in read_csv(reports)]
        # Settings impossible for this many reports stop the run here, before any model runs.
        problems = check_for_corpus(config, len(_REPORT_IDS[key]))
        if problems:
            stop("\n".join(problems))
    return _REPORT_IDS[key]


def shard_plan():
    """Reports cut into balanced, contiguous shards: one segmentation job per shard."""
    ids = report_ids()
    per_job, min_jobs = (
        config["segment"][key] for key in ("reports_per_job", "min_jobs")
    )
    count = min(len(ids), max(min_jobs, math.ceil(len(ids) / per_job)))
    size, extra = divmod(len(ids), count)
    plan, start = {}, 0
    for number in range(count):
        end = start + size + (number < extra)
        plan[f"shard-{number + 1:03d}"] = ids[start:end]
        start = end
    return plan


def shard_reports(wildcards):
    return shard_plan()[wildcards.shard]


def token_shards(wildcards):
    return expand("results/tokens/{shard}", shard=shard_plan())


def sorted_keys(value):
    """`value` with the keys of every dict in it sorted (lists keep their order)."""
    if isinstance(value, dict):
        return {key: sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(item) for item in value]
    return value


def settings(section, exclude=()):
    """A config section as a params value, its keys sorted: reordering keys reruns nothing."""
    return sorted_keys({k: v for k, v in config[section].items() if k not in exclude})


def split_settings(wildcards):
    return settings("split")


def dictionary_settings(wildcards):
    return settings("dictionary")


def segment_settings(wildcards):
    """What decides the tokens (a change reruns segmentation); not how jobs are cut."""
    return settings("segment", exclude=JOB_KEYS)


def tfidf_settings(wildcards):
    return settings("tfidf")


# Which `lda` keys each LDA step reads: a change reruns that step and what follows, no more.
LDA_PREPARE_KEYS = (
    "unit",
    "no_below",
    "no_above",
    "keep_n",
    "min_doc_tokens",
    "training_budget",
    "evaluation_documents",
    "sample_seed",
)
LDA_SWEEP_KEYS = (
    "unit",
    "seeds",
    "screen_passes",
    "screen_keep",
    "screen_smaller",
    "min_topic_diversity",
    "passes",
    "training_budget",
    "iterations",
    "inference",
    "alpha",
    "eta",
    "chunksize",
    "coherence_topn",
    "diversity_topn",
)
LDA_CHOOSE_KEYS = (
    "k_choice",
    "min_topic_diversity",
    "min_stability",
    "relevance_lambda",
    "relevance_pool",
    "top_terms",
    "label_terms",
    "shared_topics",
    "labels",
    "match_cosine",
)
LDA_SHARES_KEYS = (
    "chunksize",
    "inference",
    "bootstrap",
    "bootstrap_seed",
    "interval",
    "examples",
    "examples_per_report",
    "example_min_tokens",
    "example_chars",
)
# The numbers of topics of the sweep (its outputs: one folder per K).
LDA_KS = sorted(set(config["lda"]["k"]))


def lda_settings(keys):
    return {key: config["lda"][key] for key in keys}


def lda_prepare_settings(wildcards):
    return lda_settings(LDA_PREPARE_KEYS)


def lda_sweep_settings(wildcards):
    """Training and measuring the models: not the K list (a param of its own), not how K is
    chosen or the topics described, not the number of processes."""
    return lda_settings(LDA_SWEEP_KEYS)


def lda_forced_k(wildcards):
    """The K named by lda.k_choice (the sweep fits it with every seed), or None (auto)."""
    choice = config["lda"]["k_choice"]
    return None if choice == "auto" else int(choice)


def lda_choose_settings(wildcards):
    return lda_settings(LDA_CHOOSE_KEYS)


def lda_shares_settings(wildcards):
    return lda_settings(LDA_SHARES_KEYS)


def topic_view_settings(wildcards):
    """The view's words: the relevance pool, λ to start from, and the shared words' rule."""
    return lda_settings(
        ("relevance_lambda", "relevance_pool", "top_terms", "shared_topics")
    )


def trends_settings(wildcards):
    return settings("trends")


def attention_settings(wildcards):
    """The classification's parameters; the codebook is an input (an edit reruns the step)."""
    return settings("attention", exclude=("codebook",))


def targets_settings(wildcards):
    """The extraction's parameters; the indicators' file is an input (an edit reruns the step)."""
    return settings("targets", exclude=("indicators",))


def keyness_settings(wildcards):
    return settings("keyness")


def terms_settings(wildcards):
    return settings("terms")


# Keys of `similarity` that decide the common paragraphs (their own step).
COMMON_KEYS = ("common_share", "common_reports", "common_sample", "common_seed")


def common_paragraph_settings(wildcards):
    return {key: config["similarity"][key] for key in COMMON_KEYS}


def similarity_settings(wildcards):
    return settings("similarity", exclude=COMMON_KEYS)


def report_settings(wildcards):
    return settings("report")


def report_config(wildcards):
    """The whole config, shown on the report page (so any change refreshes the page)."""
    return sorted_keys(config)


def final_outputs():
    """Everything a default run produces."""
    return [
        rules.split_reports.output.reports,
        rules.split_reports.output.toc,
        rules.split_reports.output.glossary,
        rules.split_reports.output.dropped,
        rules.split_reports.output.sources,
        rules.build_dictionary.output.user_dict,
        rules.build_dictionary.output.harvested,
        rules.vocabulary.output.vocabulary,
        rules.vocabulary.output.dropped,
        rules.vocabulary.output.index,
        rules.keyness.output.keyness,
        rules.terms.output.frequency,
        rules.terms.output.watch,
        rules.terms.output.kwic,
        rules.tfidf.output.top_terms,
        rules.tfidf.output.by_part,
        rules.tfidf.output.matrix,
        rules.lda_choose.output.selection,
        rules.lda_choose.output.chosen_json,
        rules.lda_shares.output.report_topics,
        rules.lda_shares.output.report_topic_shares,
        rules.lda_shares.output.examples,
        rules.lda_shares.output.checks,
        rules.topic_view.output.html,
        rules.lda_choose.output.model,
        rules.similarity.output.tfidf_cosine,
        rules.similarity.output.topic_jsd,
        rules.similarity.output.topic_hellinger,
        rules.similarity.output.pairs,
        rules.similarity.output.pair_paragraphs,
        rules.similarity.output.nearest,
        rules.similarity.output.agreement,
        rules.common_paragraphs.output.common,
        rules.fig_watch.output.png,
        rules.trends.output.term_changes,
        rules.trends.output.first_seen,
        rules.trends.output.quotes,
        rules.trends.output.topic_shares,
        rules.trends.output.watch,
        rules.fig_trends.output.changes_png,
        rules.attention.output.paragraphs,
        rules.attention.output.shares,
        rules.attention.output.checks,
        rules.fig_attention.output.png,
        rules.targets.output.targets,
        rules.fig_targets.output.png,
        rules.report_page.output.html,
        rules.report_style.output.css,
    ]


def print_summary():
    """The last lines of a run that built the page: where it is, how many reports were read, and
    the warnings that matter (results/summary.txt, written by report_page)."""
    summary = Path("results/summary.txt")
    if summary.is_file():
        print(f"\n{summary.read_text(encoding='utf-8')}", file=sys.stderr)
