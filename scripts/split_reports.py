"""Rule split_reports: the input texts -> one clean document per report (results/corpus/).

The work is done by `gwr.split.main`; this file is the rule's script.
"""

from gwr.split import main

if __name__ == "__main__":
    main(snakemake)  # noqa: F821
