"""Shared code of the workflow's steps (scripts/*.py, one per rule).

Modules: `io` (logging, atomic writes, the one CSV writer and reader, JSON Lines), `names` (the
names used across steps: parts, similarity measures, table columns), `regions` (region names,
levels, slugs, labels, place names of the corpus), `text` is inside `split` for now,
`config` (start-up checks of the config), `plotting` (matplotlib set-up and primitives),
`jieba_setup`, `dictionary`, `segment`, `split` (the steps other steps and tools reuse), and
`mock` (run one script alone, for debugging).

Snakemake reruns a rule when its script changes, not when a module it imports does: every rule
carries a param `code`, a hash of its script and of the modules of this package it imports
(workflow/rules/common.smk, `code_version`), so an edit of a shared module reruns exactly the
rules that use it.
"""
