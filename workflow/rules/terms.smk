# Step 3b: keyness and term tables (results/keyness/, results/terms/).


rule keyness:
    input:
        shards=token_shards,
        reports=rules.split_reports.output.reports,
        text=rules.split_reports.output.text,
    output:
        keyness=report(
            "results/keyness/keyness.csv",
            caption="../report/keyness.rst",
            category="3. Keywords",
        ),
    log:
        "results/logs/keyness.log",
    benchmark:
        "results/benchmarks/rules/keyness.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        code=code("keyness.py"),
        settings=keyness_settings,
    script:
        "../../scripts/keyness.py"


rule terms:
    input:
        shards=token_shards,
        reports=rules.split_reports.output.reports,
        text=rules.split_reports.output.text,
        keyness=rules.keyness.output.keyness,
    output:
        frequency="results/terms/frequency.csv",
        watch=report(
            "results/terms/watch.csv",
            caption="../report/watch.rst",
            category="3. Keywords",
        ),
        kwic=report(
            "results/terms/kwic.csv",
            caption="../report/kwic.rst",
            category="3. Keywords",
        ),
    log:
        "results/logs/terms.log",
    benchmark:
        "results/benchmarks/rules/terms.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        code=code("terms.py"),
        settings=terms_settings,
    script:
        "../../scripts/terms.py"
