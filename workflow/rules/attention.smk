# Step 7: policy attention and stated targets (results/attention/, results/targets/): each body
# paragraph's policy domain by the codebook (config/attention/codebook.yaml), each report's
# share of attention per domain, checked against the reports' own section headings; and the
# quantities each government commits to (scripts/attention.py, scripts/targets.py; definitions
# in scripts/gwr/attention.py and scripts/gwr/targets.py).


rule attention:
    input:
        reports=rules.split_reports.output.reports,
        text=rules.split_reports.output.text,
        codebook=lookup(dpath="attention/codebook", within=config),
    output:
        paragraphs=report(
            "results/attention/paragraphs.csv",
            caption="../report/attention_paragraphs.rst",
            category="7. Attention and targets",
        ),
        shares=report(
            "results/attention/shares.csv",
            caption="../report/attention_shares.rst",
            category="7. Attention and targets",
        ),
        checks="results/attention/checks.csv",
        heading_check="results/attention/heading_check.csv",
    log:
        "results/logs/attention.log",
    benchmark:
        "results/benchmarks/rules/attention.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=3000,
        runtime=20,
    params:
        code=code("attention.py"),
        settings=attention_settings,
    script:
        "../../scripts/attention.py"


rule fig_attention:
    input:
        shares=rules.attention.output.shares,
        reports=rules.split_reports.output.reports,
        codebook=lookup(dpath="attention/codebook", within=config),
    output:
        png=report(
            "results/figures/attention.png",
            caption="../report/attention_fig.rst",
            category="7. Attention and targets",
        ),
        svg="results/figures/attention.svg",
        years_png=report(
            "results/figures/attention_years.png",
            caption="../report/attention_fig_years.rst",
            category="7. Attention and targets",
        ),
        years_svg="results/figures/attention_years.svg",
    log:
        "results/logs/figures/attention.log",
    benchmark:
        "results/benchmarks/rules/fig_attention.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=800,
        runtime=10,
    params:
        code=code("fig_attention.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        regions=lookup(dpath="figures/regions", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
    script:
        "../../scripts/fig_attention.py"


rule targets:
    input:
        reports=rules.split_reports.output.reports,
        text=rules.split_reports.output.text,
        indicators=lookup(dpath="targets/indicators", within=config),
    output:
        targets=report(
            "results/targets/targets.csv",
            caption="../report/targets.rst",
            category="7. Attention and targets",
        ),
    log:
        "results/logs/targets.log",
    benchmark:
        "results/benchmarks/rules/targets.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=code("targets.py"),
        settings=targets_settings,
    script:
        "../../scripts/targets.py"


rule fig_targets:
    input:
        targets=rules.targets.output.targets,
        reports=rules.split_reports.output.reports,
    output:
        png=report(
            "results/figures/targets.png",
            caption="../report/targets_fig.rst",
            category="7. Attention and targets",
        ),
        svg="results/figures/targets.svg",
        years_png=report(
            "results/figures/targets_years.png",
            caption="../report/targets_fig_years.rst",
            category="7. Attention and targets",
        ),
        years_svg="results/figures/targets_years.svg",
    log:
        "results/logs/figures/targets.log",
    benchmark:
        "results/benchmarks/rules/fig_targets.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=800,
        runtime=10,
    params:
        code=code("fig_targets.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        regions=lookup(dpath="figures/regions", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
    script:
        "../../scripts/fig_targets.py"
