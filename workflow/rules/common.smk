# Shared helpers: config validation at start-up, the input files, the final targets.

import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))

from snakemake.utils import validate
from config_check import check_config, check_manifest, expand_inputs

SCHEMA = Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml"

# A readable message naming the key first, then Snakemake's own validation (fills defaults).
check_config(config, SCHEMA)
validate(config, str(SCHEMA))

INPUT_FILES = expand_inputs(config["inputs"])
check_manifest(config["manifest"])


def manifest_input(wildcards):
    """The manifest, if the config names one (its edits then rerun the split)."""
    return [config["manifest"]] if config["manifest"] else []


def final_outputs():
    """Everything a default run produces."""
    return [
        rules.split_reports.output.reports,
        rules.split_reports.output.toc,
        rules.split_reports.output.glossary,
        rules.split_reports.output.dropped,
        rules.split_reports.output.sources,
    ]
