# Step 3: TF-IDF keywords (results/tfidf/) and LDA topic models with a K sweep (results/lda/).


rule tfidf:
    input:
        shards=token_shards,
        reports=rules.split_reports.output.reports,
    output:
        top_terms=report(
            "results/tfidf/top_terms.csv",
            caption="../report/top_terms.rst",
            category="3. Keywords",
        ),
        by_part=report(
            "results/tfidf/top_terms_by_part.csv",
            caption="../report/top_terms_by_part.rst",
            category="3. Keywords",
        ),
        matrix="results/tfidf/matrix.npz",
    log:
        "results/logs/tfidf.log",
    benchmark:
        "results/benchmarks/rules/tfidf.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=2500,
        runtime=20,
    params:
        code=code("tfidf.py"),
        settings=tfidf_settings,
    script:
        "../../scripts/tfidf.py"


rule lda_prepare:
    input:
        shards=token_shards,
        reports=rules.split_reports.output.reports,
    output:
        corpus=directory("results/lda/corpus"),
        documents="results/lda/documents.csv",
    log:
        "results/logs/lda_prepare.log",
    benchmark:
        "results/benchmarks/rules/lda_prepare.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=2500,
        runtime=20,
    params:
        code=code("lda_prepare.py"),
        settings=lda_prepare_settings,
    script:
        "../../scripts/lda_prepare.py"


rule lda_sweep:
    input:
        corpus=rules.lda_prepare.output.corpus,
    output:
        models=directory(expand("results/lda/k{k}/model", k=LDA_KS)),
        metrics=expand("results/lda/k{k}/metrics.json", k=LDA_KS),
    log:
        "results/logs/lda_sweep.log",
    benchmark:
        "results/benchmarks/rules/lda_sweep.tsv"
    conda:
        "../envs/gwr.yaml"
    threads: config["lda"]["threads"]
    resources:
        mem_mb=lambda wildcards, threads: 1000 + 600 * threads,
        runtime=240,
    params:
        code=code("lda_sweep.py"),
        ks=LDA_KS,
        settings=lda_sweep_settings,
        forced_k=lda_forced_k,
    script:
        "../../scripts/lda_sweep.py"


rule lda_choose:
    input:
        metrics=rules.lda_sweep.output.metrics,
        models=rules.lda_sweep.output.models,
        corpus=rules.lda_prepare.output.corpus,
    output:
        selection=report(
            "results/lda/model_selection.csv",
            caption="../report/model_selection.rst",
            category="4. Topics",
        ),
        chosen_json="results/lda/chosen.json",
        sweep_topics="results/lda/sweep_topics.csv",
        topics="results/lda/chosen/topics.csv",
        metrics="results/lda/chosen/metrics.json",
        model=directory("results/lda/chosen/model"),
    log:
        "results/logs/lda_choose.log",
    benchmark:
        "results/benchmarks/rules/lda_choose.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        code=code("lda_choose.py"),
        settings=lda_choose_settings,
    script:
        "../../scripts/lda_choose.py"


rule lda_shares:
    input:
        model=rules.lda_choose.output.model,
        chosen=rules.lda_choose.output.chosen_json,
        corpus=rules.lda_prepare.output.corpus,
        documents=rules.lda_prepare.output.documents,
        reports=rules.split_reports.output.reports,
        text=rules.split_reports.output.text,
    output:
        doc_topics="results/lda/chosen/doc_topics.csv",
        report_topics="results/lda/chosen/report_topics.csv",
        report_topic_shares="results/lda/chosen/report_topic_shares.csv",
        examples="results/lda/chosen/examples.csv",
        checks="results/lda/chosen/checks.csv",
    log:
        "results/logs/lda_shares.log",
    benchmark:
        "results/benchmarks/rules/lda_shares.tsv"
    conda:
        "../envs/gwr.yaml"
    threads: config["lda"]["threads"]
    resources:
        mem_mb=lambda wildcards, threads: 1500 + 300 * threads,
        runtime=30,
    params:
        code=code("lda_shares.py"),
        settings=lda_shares_settings,
    script:
        "../../scripts/lda_shares.py"
