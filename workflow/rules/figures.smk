# Step 5: figures (results/figures/): PNG for reading, SVG as the vector copy. For many regions,
# figures name at most figures.max_regions of them (see scripts/figures.py).


def figure_settings(wildcards):
    return settings("figures")


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
        code=code("figures.py"),
        settings=figure_settings,
    script:
        "../../scripts/figures.py"


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
        code=code("figures.py"),
        settings=figure_settings,
    script:
        "../../scripts/figures.py"


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
        code=code("figures.py"),
        settings=figure_settings,
    script:
        "../../scripts/figures.py"


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
        code=code("figures.py"),
        settings=figure_settings,
    script:
        "../../scripts/figures.py"


rule fig_topics:
    input:
        topics=rules.lda_choose.output.topics,
        chosen=rules.lda_choose.output.chosen_json,
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
        code=code("figures.py"),
        settings=figure_settings,
    script:
        "../../scripts/figures.py"


rule fig_region_topics:
    input:
        report_topics=rules.lda_choose.output.report_topics,
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
        code=code("figures.py"),
        settings=figure_settings,
    script:
        "../../scripts/figures.py"


rule fig_parts_topics:
    input:
        doc_topics=rules.lda_choose.output.doc_topics,
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
        code=code("figures.py"),
        settings=figure_settings,
    script:
        "../../scripts/figures.py"


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
        code=code("figures.py"),
        settings=figure_settings,
    script:
        "../../scripts/figures.py"


rule fig_similarity:
    input:
        tfidf_cosine=rules.similarity.output.tfidf_cosine,
        topic_jsd=rules.similarity.output.topic_jsd,
        topic_hellinger=rules.similarity.output.topic_hellinger,
    output:
        png_tfidf=report(
            "results/figures/similarity_tfidf_cosine.png",
            caption="../report/fig_similarity.rst",
            category="5. Similarity",
        ),
        svg_tfidf="results/figures/similarity_tfidf_cosine.svg",
        png_jsd=report(
            "results/figures/similarity_topic_jsd.png",
            caption="../report/fig_similarity.rst",
            category="5. Similarity",
        ),
        svg_jsd="results/figures/similarity_topic_jsd.svg",
        png_hellinger=report(
            "results/figures/similarity_topic_hellinger.png",
            caption="../report/fig_similarity.rst",
            category="5. Similarity",
        ),
        svg_hellinger="results/figures/similarity_topic_hellinger.svg",
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
        code=code("figures.py"),
        settings=figure_settings,
    script:
        "../../scripts/figures.py"
