# Step 4: similarity between regions, and why (results/similarity/).


rule similarity:
    input:
        tfidf=rules.tfidf.output.matrix,
        report_topics=rules.lda_shares.output.report_topics,
        reports=rules.split_reports.output.reports,
        text=rules.split_reports.output.text,
        shards=token_shards,
        common=rules.common_paragraphs.output.common,
    output:
        tfidf_cosine=report(
            "results/similarity/tfidf_cosine.csv",
            caption="../report/similarity_matrix.rst",
            category="5. Similarity",
        ),
        topic_jsd=report(
            "results/similarity/topic_jsd.csv",
            caption="../report/similarity_matrix.rst",
            category="5. Similarity",
        ),
        topic_hellinger=report(
            "results/similarity/topic_hellinger.csv",
            caption="../report/similarity_matrix.rst",
            category="5. Similarity",
        ),
        pairs=report(
            "results/similarity/pairs.csv",
            caption="../report/pairs.rst",
            category="5. Similarity",
        ),
        pair_paragraphs="results/similarity/pair_paragraphs.csv",
        nearest="results/similarity/nearest.csv",
        agreement=report(
            "results/similarity/agreement.csv",
            caption="../report/agreement.rst",
            category="5. Similarity",
        ),
    log:
        "results/logs/similarity.log",
    benchmark:
        "results/benchmarks/rules/similarity.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        code=code("similarity.py"),
        settings=similarity_settings,
    script:
        "../../scripts/similarity.py"
