# Step 1: from input texts to one clean document per report (results/corpus/).


checkpoint split_reports:
    input:
        sources=INPUT_FILES,
        manifest=manifest_input,
    output:
        reports=report(
            "results/corpus/reports.csv",
            caption="../report/reports.rst",
            category="1. Corpus",
        ),
        text=directory("results/corpus/text"),
        toc=report(
            "results/corpus/toc.csv",
            caption="../report/toc.rst",
            category="1. Corpus",
        ),
        glossary=report(
            "results/corpus/glossary.csv",
            caption="../report/glossary.rst",
            category="1. Corpus",
        ),
        dropped=report(
            "results/corpus/dropped.csv",
            caption="../report/dropped.rst",
            category="1. Corpus",
        ),
        sources="results/corpus/sources.csv",
    log:
        "results/logs/split_reports.log",
    benchmark:
        "results/benchmarks/rules/split_reports.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        code=code("split_reports.py"),
        settings=split_settings,
    script:
        "../../scripts/split_reports.py"


rule common_paragraphs:
    input:
        reports=rules.split_reports.output.reports,
        text=rules.split_reports.output.text,
    output:
        common=report(
            "results/corpus/common_paragraphs.csv",
            caption="../report/common_paragraphs.rst",
            category="1. Corpus",
        ),
    log:
        "results/logs/common_paragraphs.log",
    benchmark:
        "results/benchmarks/rules/common_paragraphs.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        code=code("common_paragraphs.py"),
        settings=common_paragraph_settings,
    script:
        "../../scripts/common_paragraphs.py"
