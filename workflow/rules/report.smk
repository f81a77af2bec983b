# Step 6: the report page (results/report.html), self-contained: rendered from the tables with
# the templates of workflow/report/page/ (inputs, so that editing one reruns the page); each
# figure's PNG and SVG copy are inputs, embedded in the smaller readable form and linked.


# The interactive topic view (results/lda/topic_view.html), self-contained and offline: the
# topics on a map of their distances, a λ slider that re-ranks a topic's words, and, for the
# topic clicked, its examples and its share by report.
rule topic_view:
    input:
        model=rules.lda_choose.output.model,
        corpus=rules.lda_prepare.output.corpus,
        chosen=rules.lda_choose.output.chosen_json,
        topics=rules.lda_choose.output.topics,
        examples=rules.lda_shares.output.examples,
        shares=rules.lda_shares.output.report_topic_shares,
        reports=rules.split_reports.output.reports,
        templates=[
            "workflow/report/topic_view/topic_view.html.j2",
            "workflow/report/topic_view/topic_view.js",
            "workflow/report/topic_view/topic_view.css",
        ],
    output:
        html=report(
            "results/lda/topic_view.html",
            caption="../report/topic_view.rst",
            category="4. Topics",
        ),
    log:
        "results/logs/topic_view.log",
    benchmark:
        "results/benchmarks/rules/topic_view.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        code=code("topic_view.py"),
        settings=topic_view_settings,
    script:
        "../../scripts/topic_view.py"


rule report_page:
    input:
        reports=rules.split_reports.output.reports,
        toc=rules.split_reports.output.toc,
        sources=rules.split_reports.output.sources,
        glossary=rules.split_reports.output.glossary,
        dropped=rules.split_reports.output.dropped,
        top_terms=rules.tfidf.output.top_terms,
        keyness=rules.keyness.output.keyness,
        watch=rules.terms.output.watch,
        by_part=rules.tfidf.output.by_part,
        selection=rules.lda_choose.output.selection,
        chosen=rules.lda_choose.output.chosen_json,
        topics=rules.lda_choose.output.topics,
        report_topics=rules.lda_shares.output.report_topics,
        report_topic_shares=rules.lda_shares.output.report_topic_shares,
        examples=rules.lda_shares.output.examples,
        checks=rules.lda_shares.output.checks,
        topic_view=rules.topic_view.output.html,
        pairs=rules.similarity.output.pairs,
        agreement=rules.similarity.output.agreement,
        nearest=rules.similarity.output.nearest,
        attention=rules.attention.output.shares,
        attention_checks=rules.attention.output.checks,
        fig_attention=rules.fig_attention.output.png,
        fig_attention_svg=rules.fig_attention.output.svg,
        fig_attention_years=rules.fig_attention.output.years_png,
        fig_attention_years_svg=rules.fig_attention.output.years_svg,
        targets=rules.targets.output.targets,
        term_changes=rules.trends.output.term_changes,
        quotes=rules.trends.output.quotes,
        fig_trends_changes=rules.fig_trends.output.changes_png,
        fig_trends_changes_svg=rules.fig_trends.output.changes_svg,
        fig_trends_topics=rules.fig_trends.output.topics_png,
        fig_trends_topics_svg=rules.fig_trends.output.topics_svg,
        fig_trends_watch=rules.fig_trends.output.watch_png,
        fig_trends_watch_svg=rules.fig_trends.output.watch_svg,
        fig_trends_distance=rules.fig_trends.output.distance_png,
        fig_trends_distance_svg=rules.fig_trends.output.distance_svg,
        fig_targets=rules.fig_targets.output.png,
        fig_targets_svg=rules.fig_targets.output.svg,
        fig_targets_years=rules.fig_targets.output.years_png,
        fig_targets_years_svg=rules.fig_targets.output.years_svg,
        fig_corpus=rules.fig_corpus.output.png,
        fig_corpus_svg=rules.fig_corpus.output.svg,
        fig_top_terms=rules.fig_top_terms.output.png,
        fig_top_terms_svg=rules.fig_top_terms.output.svg,
        fig_watch=rules.fig_watch.output.png,
        fig_watch_svg=rules.fig_watch.output.svg,
        fig_wordclouds=rules.fig_wordclouds.output.png,
        fig_wordclouds_svg=rules.fig_wordclouds.output.svg,
        fig_model_selection=rules.fig_model_selection.output.png,
        fig_model_selection_svg=rules.fig_model_selection.output.svg,
        fig_topics=rules.fig_topics.output.png,
        fig_topics_svg=rules.fig_topics.output.svg,
        fig_region_topics=rules.fig_region_topics.output.png,
        fig_region_topics_svg=rules.fig_region_topics.output.svg,
        fig_topic_intervals=rules.fig_topic_intervals.output.png,
        fig_topic_intervals_svg=rules.fig_topic_intervals.output.svg,
        fig_parts_topics=rules.fig_parts_topics.output.png,
        fig_parts_topics_svg=rules.fig_parts_topics.output.svg,
        fig_similarity_tfidf_cosine=rules.fig_similarity.output.png_tfidf_cosine,
        fig_similarity_tfidf_cosine_svg=rules.fig_similarity.output.svg_tfidf_cosine,
        fig_similarity_topic_jsd=rules.fig_similarity.output.png_topic_jsd,
        fig_similarity_topic_jsd_svg=rules.fig_similarity.output.svg_topic_jsd,
        fig_similarity_topic_hellinger=rules.fig_similarity.output.png_topic_hellinger,
        fig_similarity_topic_hellinger_svg=rules.fig_similarity.output.svg_topic_hellinger,
        fig_dendrograms=rules.fig_dendrograms.output.png,
        fig_dendrograms_svg=rules.fig_dendrograms.output.svg,
        templates=[
            "workflow/report/page/page.html.j2",
            "workflow/report/page/macros.html.j2",
            "workflow/report/page/page.css",
        ],
    output:
        html=report(
            "results/report.html",
            caption="../report/report_page.rst",
            category="0. Report page",
        ),
        summary="results/summary.txt",
    log:
        "results/logs/report_page.log",
    benchmark:
        "results/benchmarks/rules/report_page.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=code("report_page.py"),
        config=report_config,
        settings=report_settings,
    script:
        "../../scripts/report_page.py"


# The stylesheet of Snakemake's own report (`snakemake --report results/snakemake-report.html
# --report-stylesheet results/report_style.css`): the shipped font, cut down to the characters
# of the captions and of the corpus, so that Chinese shows on any machine.
rule report_style:
    input:
        captions=sorted(str(path) for path in Path("workflow/report").glob("*.rst")),
        text=rules.split_reports.output.text,
    output:
        css="results/report_style.css",
    log:
        "results/logs/report_style.log",
    benchmark:
        "results/benchmarks/rules/report_style.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=code("report_style.py"),
    script:
        "../../scripts/report_style.py"
