# Step 5: figures (results/figures/): PNG for reading, SVG as the vector copy. One script per
# figure (scripts/fig_*.py; shared code in scripts/gwr/plotting.py and figure_data.py), and each
# rule takes only the settings its figure reads, so that a change reruns only the figures it
# affects. For many regions, figures name at most figures.max_regions of them (see
# scripts/gwr/figure_data.py).


rule fig_corpus:
    input:
        reports=rules.split_reports.output.reports,
        toc=rules.split_reports.output.toc,
        text=rules.split_reports.output.text,
    output:
        png=report(
            "results/figures/corpus_overview.png",
            caption="../report/corpus_overview.rst",
            category="1. Corpus",
        ),
        svg="results/figures/corpus_overview.svg",
    log:
        "results/logs/figures/corpus_overview.log",
    benchmark:
        "results/benchmarks/rules/fig_corpus.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_corpus.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        regions=lookup(dpath="figures/regions", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
    script:
        "../../scripts/fig_corpus.py"


rule fig_top_terms:
    input:
        top_terms=rules.tfidf.output.top_terms,
        reports=rules.split_reports.output.reports,
    output:
        png=report(
            "results/figures/top_terms.png",
            caption="../report/fig_top_terms.rst",
            category="3. Keywords",
        ),
        svg="results/figures/top_terms.svg",
    log:
        "results/logs/figures/top_terms.log",
    benchmark:
        "results/benchmarks/rules/fig_top_terms.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_top_terms.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        top_terms=lookup(dpath="figures/top_terms", within=config),
        cmap=lookup(dpath="figures/cmap", within=config),
        regions=lookup(dpath="figures/regions", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
    script:
        "../../scripts/fig_top_terms.py"


rule fig_wordclouds:
    input:
        top_terms=rules.tfidf.output.top_terms,
        reports=rules.split_reports.output.reports,
    output:
        png=report(
            "results/figures/wordclouds.png",
            caption="../report/fig_wordclouds.rst",
            category="3. Keywords",
        ),
        svg="results/figures/wordclouds.svg",
    log:
        "results/logs/figures/wordclouds.log",
    benchmark:
        "results/benchmarks/rules/fig_wordclouds.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_wordclouds.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        wordcloud_words=lookup(dpath="figures/wordcloud_words", within=config),
        wordcloud_seed=lookup(dpath="figures/wordcloud_seed", within=config),
        cmap=lookup(dpath="figures/cmap", within=config),
        regions=lookup(dpath="figures/regions", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
    script:
        "../../scripts/fig_wordclouds.py"


rule fig_model_selection:
    input:
        selection=rules.lda_choose.output.selection,
        chosen=rules.lda_choose.output.chosen_json,
    output:
        png=report(
            "results/figures/model_selection.png",
            caption="../report/fig_model_selection.rst",
            category="4. Topics",
        ),
        svg="results/figures/model_selection.svg",
    log:
        "results/logs/figures/model_selection.log",
    benchmark:
        "results/benchmarks/rules/fig_model_selection.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_model_selection.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
    script:
        "../../scripts/fig_model_selection.py"


rule fig_topics:
    input:
        topics=rules.lda_choose.output.topics,
    output:
        png=report(
            "results/figures/topics.png",
            caption="../report/fig_topics.rst",
            category="4. Topics",
        ),
        svg="results/figures/topics.svg",
    log:
        "results/logs/figures/topics.log",
    benchmark:
        "results/benchmarks/rules/fig_topics.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_topics.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        top_terms=lookup(dpath="figures/top_terms", within=config),
        cmap=lookup(dpath="figures/cmap", within=config),
    script:
        "../../scripts/fig_topics.py"


rule fig_region_topics:
    input:
        report_topics=rules.lda_shares.output.report_topics,
        reports=rules.split_reports.output.reports,
        chosen=rules.lda_choose.output.chosen_json,
    output:
        png=report(
            "results/figures/region_topics.png",
            caption="../report/fig_region_topics.rst",
            category="4. Topics",
        ),
        svg="results/figures/region_topics.svg",
    log:
        "results/logs/figures/region_topics.log",
    benchmark:
        "results/benchmarks/rules/fig_region_topics.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_region_topics.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        cmap=lookup(dpath="figures/cmap", within=config),
        annotate_max=lookup(dpath="figures/annotate_max", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
        linkage=lookup(dpath="figures/linkage", within=config),
        optimal_order_max=lookup(dpath="figures/optimal_order_max", within=config),
    script:
        "../../scripts/fig_region_topics.py"


rule fig_topic_intervals:
    input:
        shares=rules.lda_shares.output.report_topic_shares,
        chosen=rules.lda_choose.output.chosen_json,
    output:
        png=report(
            "results/figures/topic_intervals.png",
            caption="../report/fig_topic_intervals.rst",
            category="4. Topics",
        ),
        svg="results/figures/topic_intervals.svg",
    log:
        "results/logs/figures/topic_intervals.log",
    benchmark:
        "results/benchmarks/rules/fig_topic_intervals.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_topic_intervals.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        cmap=lookup(dpath="figures/cmap", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
    script:
        "../../scripts/fig_topic_intervals.py"


rule fig_parts_topics:
    input:
        doc_topics=rules.lda_shares.output.doc_topics,
        reports=rules.split_reports.output.reports,
        chosen=rules.lda_choose.output.chosen_json,
    output:
        png=report(
            "results/figures/parts_topics.png",
            caption="../report/fig_parts_topics.rst",
            category="4. Topics",
        ),
        svg="results/figures/parts_topics.svg",
    log:
        "results/logs/figures/parts_topics.log",
    benchmark:
        "results/benchmarks/rules/fig_parts_topics.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_parts_topics.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        parts=lookup(dpath="tfidf/parts", within=config),
        cmap=lookup(dpath="figures/cmap", within=config),
        cmap_diverging=lookup(dpath="figures/cmap_diverging", within=config),
        annotate_max=lookup(dpath="figures/annotate_max", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
        linkage=lookup(dpath="figures/linkage", within=config),
        optimal_order_max=lookup(dpath="figures/optimal_order_max", within=config),
    script:
        "../../scripts/fig_parts_topics.py"


rule fig_dendrograms:
    input:
        tfidf_cosine=rules.similarity.output.tfidf_cosine,
        topic_jsd=rules.similarity.output.topic_jsd,
        topic_hellinger=rules.similarity.output.topic_hellinger,
    output:
        png=report(
            "results/figures/dendrograms.png",
            caption="../report/fig_dendrograms.rst",
            category="5. Similarity",
        ),
        svg="results/figures/dendrograms.svg",
    log:
        "results/logs/figures/dendrograms.log",
    benchmark:
        "results/benchmarks/rules/fig_dendrograms.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_dendrograms.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        linkage=lookup(dpath="figures/linkage", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
        optimal_order_max=lookup(dpath="figures/optimal_order_max", within=config),
    script:
        "../../scripts/fig_dendrograms.py"


rule fig_similarity:
    input:
        tfidf_cosine=rules.similarity.output.tfidf_cosine,
        topic_jsd=rules.similarity.output.topic_jsd,
        topic_hellinger=rules.similarity.output.topic_hellinger,
    output:
        png_tfidf_cosine=report(
            "results/figures/similarity_tfidf_cosine.png",
            caption="../report/fig_similarity.rst",
            category="5. Similarity",
        ),
        svg_tfidf_cosine="results/figures/similarity_tfidf_cosine.svg",
        png_topic_jsd=report(
            "results/figures/similarity_topic_jsd.png",
            caption="../report/fig_similarity.rst",
            category="5. Similarity",
        ),
        svg_topic_jsd="results/figures/similarity_topic_jsd.svg",
        png_topic_hellinger=report(
            "results/figures/similarity_topic_hellinger.png",
            caption="../report/fig_similarity.rst",
            category="5. Similarity",
        ),
        svg_topic_hellinger="results/figures/similarity_topic_hellinger.svg",
    log:
        "results/logs/figures/similarity.log",
    benchmark:
        "results/benchmarks/rules/fig_similarity.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_similarity.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        cmap=lookup(dpath="figures/cmap", within=config),
        annotate_max=lookup(dpath="figures/annotate_max", within=config),
        linkage=lookup(dpath="figures/linkage", within=config),
        optimal_order_max=lookup(dpath="figures/optimal_order_max", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
    script:
        "../../scripts/fig_similarity.py"


rule fig_watch:
    input:
        watch=rules.terms.output.watch,
    output:
        png=report(
            "results/figures/watch.png",
            caption="../report/fig_watch.rst",
            category="3. Keywords",
        ),
        svg="results/figures/watch.svg",
    log:
        "results/logs/figures/watch.log",
    benchmark:
        "results/benchmarks/rules/fig_watch.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=600,
        runtime=10,
    params:
        code=code("fig_watch.py"),
        dpi=lookup(dpath="figures/dpi", within=config),
        cmap=lookup(dpath="figures/cmap", within=config),
        annotate_max=lookup(dpath="figures/annotate_max", within=config),
        max_regions=lookup(dpath="figures/max_regions", within=config),
    script:
        "../../scripts/fig_watch.py"
