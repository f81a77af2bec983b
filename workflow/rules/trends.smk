# Step 6: trends (results/trends/, results/figures/trends_*): how each region's reports change
# from year to year — significant changes of terms between consecutive reports, the terms each
# year introduced, topic shares and watched terms over the years (scripts/trends.py,
# scripts/fig_trends.py; definitions in scripts/gwr/trends.py).


rule trends:
    input:
        reports=rules.split_reports.output.reports,
        text=rules.split_reports.output.text,
        frequency=rules.terms.output.frequency,
        watch=rules.terms.output.watch,
        topic_shares=rules.lda_shares.output.report_topic_shares,
    output:
        term_changes=report(
            "results/trends/term_changes.csv",
            caption="../report/trends_term_changes.rst",
            category="6. Trends",
        ),
        quotes=report(
            "results/trends/quotes.csv",
            caption="../report/trends_quotes.rst",
            category="6. Trends",
        ),
        first_seen=report(
            "results/trends/first_seen.csv",
            caption="../report/trends_first_seen.rst",
            category="6. Trends",
        ),
        topic_shares=report(
            "results/trends/topic_shares.csv",
            caption="../report/trends_topic_shares.rst",
            category="6. Trends",
        ),
        watch=report(
            "results/trends/watch.csv",
            caption="../report/trends_watch.rst",
            category="6. Trends",
        ),
    log:
        "results/logs/trends.log",
    benchmark:
        "results/benchmarks/rules/trends.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        code=code("trends.py"),
        settings=trends_settings,
    script:
        "../../scripts/trends.py"


rule fig_trends:
    input:
        term_changes=rules.trends.output.term_changes,
        topic_shares=rules.trends.output.topic_shares,
        watch=rules.trends.output.watch,
        tfidf_cosine=rules.similarity.output.tfidf_cosine,
        topic_jsd=rules.similarity.output.topic_jsd,
    output:
        topics_png=report(
            "results/figures/trends_topics.png",
            caption="../report/trends_fig_topics.rst",
            category="6. Trends",
        ),
        topics_svg="results/figures/trends_topics.svg",
        watch_png=report(
            "results/figures/trends_watch.png",
            caption="../report/trends_fig_watch.rst",
            category="6. Trends",
        ),
        watch_svg="results/figures/trends_watch.svg",
        changes_png=report(
            "results/figures/trends_changes.png",
            caption="../report/trends_fig_changes.rst",
            category="6. Trends",
        ),
        changes_svg="results/figures/trends_changes.svg",
        distance_png=report(
            "results/figures/trends_distance.png",
            caption="../report/trends_fig_distance.rst",
            category="6. Trends",
        ),
        distance_svg="results/figures/trends_distance.svg",
    log:
        "results/logs/figures/trends.log",
    benchmark:
        "results/benchmarks/rules/fig_trends.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=800,
        runtime=10,
    params:
        code=code("fig_trends.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        top_terms=lookup(dpath="figures/top_terms", within=config),
        regions=lookup(dpath="figures/regions", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
    script:
        "../../scripts/fig_trends.py"
