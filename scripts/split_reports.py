"""Rule split_reports: the input texts -> one clean document per report (results/corpus/).

The work is done by `gwr.split.main`; this file is the rule's script.
"""

from gwr.split import main

if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/split_reports.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("split_reports")
    main(snakemake)  # noqa: F821
