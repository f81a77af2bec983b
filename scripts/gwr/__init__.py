"""Shared code of the workflow's steps (scripts/*.py, one per rule).

Modules: `io` (logging, atomic writes, the one CSV writer and reader, JSON Lines), `names` (the
names used across steps: parts, similarity measures, table columns), `regions` (region names,
levels, slugs, labels, place names of the corpus), `readers` (file types, encodings,
traditional characters), `text` (normalisation, cutting lines), `header`, `structure`, `debris`
and `split` (reading reports), `wordlists`, `dictionary`, `jieba_setup` and `segment`, `keyness`
(G² and log ratio), `lda` (the LDA steps' corpus folder and worker pools), `plotting` and
`figure_data` (the figures), `config` (start-up checks of the config), `provenance` (the code
hash of each rule) and `mock` (run one script alone, for debugging).

Snakemake reruns a rule when its script changes, not when a module it imports does: every rule
carries a param `code`, a hash of its script and of the modules of this package it imports
(workflow/rules/common.smk, `code_version`), so an edit of a shared module reruns exactly the
rules that use it.
"""
