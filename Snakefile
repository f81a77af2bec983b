# Comparative text analysis of Chinese government work reports (政府工作报告).
# Run: snakemake --cores all ; parameters: config/config.yaml ; outputs: results/ (see results/README.md)

from snakemake.utils import min_version

min_version("8.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/corpus.smk"
include: "workflow/rules/segment.smk"
include: "workflow/rules/terms.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/similarity.smk"
include: "workflow/rules/trends.smk"
include: "workflow/rules/attention.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"


onsuccess:
    print_summary()


rule all:
    default_target: True
    input:
        final_outputs(),
