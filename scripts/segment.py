"""Rule segment: one shard of reports -> their tokens (results/tokens/shard-NNN/).

The work is done by `gwr.segment.main`; this file is the rule's script.
"""

from gwr.segment import main

if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/segment.py [shard-NNN]
        import sys

        from gwr.mock import mock_snakemake

        shard = sys.argv[1] if len(sys.argv) > 1 else "shard-001"
        snakemake = mock_snakemake("segment", shard=shard)
    main(snakemake)  # noqa: F821
