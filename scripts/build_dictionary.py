"""Rule build_dictionary: shipped terms plus terms harvested from the input -> the user dictionary.

The work is done by `gwr.dictionary.main`; this file is the rule's script.
"""

from gwr.dictionary import main

if __name__ == "__main__":
    main(snakemake)  # noqa: F821
