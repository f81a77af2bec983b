# Step 2: dictionary, segmentation with jieba and token filters (results/tokens/).


rule build_dictionary:
    input:
        shipped=config["dictionary"]["files"],
        glossary=rules.split_reports.output.glossary,
        text=rules.split_reports.output.text,
        stopwords=config["segment"]["stopwords"],
    output:
        user_dict="results/tokens/user_dict.txt",
        harvested=report(
            "results/tokens/harvested_terms.csv",
            caption="../report/harvested_terms.rst",
            category="2. Tokens",
        ),
    log:
        "results/logs/build_dictionary.log",
    benchmark:
        "results/benchmarks/rules/build_dictionary.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        code=code("build_dictionary.py"),
        settings=dictionary_settings,
        parts=lookup(dpath="segment/parts", within=config),
        engine=lookup(dpath="segment/engine", within=config),
        jieba_cache=JIEBA_CACHE,
    script:
        "../../scripts/build_dictionary.py"


rule segment:
    input:
        text=rules.split_reports.output.text,
        reports=rules.split_reports.output.reports,
        user_dict=rules.build_dictionary.output.user_dict,
        stopwords=config["segment"]["stopwords"],
        pos_overrides=config["segment"]["pos_overrides"],
        gazetteer=gazetteer_files,
    output:
        shard=directory("results/tokens/{shard}"),
    log:
        "results/logs/segment/{shard}.log",
    benchmark:
        "results/benchmarks/rules/segment_{shard}.tsv"
    wildcard_constraints:
        shard=r"shard-\d+",
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=1000,
        runtime=15,
    params:
        code=code("segment.py"),
        reports=shard_reports,
        settings=segment_settings,
        jieba_cache=JIEBA_CACHE,
    script:
        "../../scripts/segment.py"


rule vocabulary:
    input:
        shards=token_shards,
        reports=rules.split_reports.output.reports,
        user_dict=rules.build_dictionary.output.user_dict,
        harvested=rules.build_dictionary.output.harvested,
    output:
        vocabulary=report(
            "results/tokens/vocabulary.csv",
            caption="../report/vocabulary.rst",
            category="2. Tokens",
        ),
        dropped=report(
            "results/tokens/dropped_tokens.csv",
            caption="../report/dropped_tokens.rst",
            category="2. Tokens",
        ),
        index="results/tokens/index.csv",
    log:
        "results/logs/vocabulary.log",
    benchmark:
        "results/benchmarks/rules/vocabulary.tsv"
    conda:
        "../envs/gwr.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=code("vocabulary.py"),
    script:
        "../../scripts/vocabulary.py"
