"""Rule build_dictionary: shipped terms plus terms harvested from the input -> the user dictionary.

The work is done by `gwr.dictionary.main`; this file is the rule's script.
"""

from gwr.dictionary import main

if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/build_dictionary.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("build_dictionary")
    main(snakemake)  # noqa: F821
