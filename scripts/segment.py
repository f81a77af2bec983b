"""Rule segment: one shard of reports -> their tokens (results/tokens/shard-NNN/).

The work is done by `gwr.segment.main`; this file is the rule's script.
"""

from gwr.segment import main

if __name__ == "__main__":
    main(snakemake)  # noqa: F821
