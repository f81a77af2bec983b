"""Matplotlib set-up shared by the figures: a CJK font, reproducible and atomic output.

The font is NotoSansSC-Regular.ttf (SIL Open Font License), shipped inside the `zhplot` package.
It is located without importing zhplot, whose import changes matplotlib's global settings, and
registered with matplotlib's font manager directly, so that a font cache written before the font
was installed cannot hide it.

Figures are written twice, as PNG and as SVG, each to a temporary file that is renamed into place
on success, with the metadata that would change from run to run (software version, date) left out
and SVG ids derived from a fixed salt: the same figure gives byte-identical files.
"""

import importlib.util
from pathlib import Path

from gwr.io import atomic_path

FONT_PACKAGE = "zhplot"
FONT_FILE = "NotoSansSC-Regular.ttf"
# Fixed salt for the ids matplotlib writes into SVG files (random by default).
SVG_HASHSALT = "gwr-compare"
# Below this, the CJK glyphs of small labels turn to mush.
MIN_DPI = 150
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}


def cjk_font_path() -> Path:
    """Path of the Noto Sans SC font shipped in the installed `zhplot` package (not imported)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise RuntimeError(
            f"the figures need the Chinese font {FONT_FILE} of the Python package "
            f"'{FONT_PACKAGE}', which is not installed: run `pip install {FONT_PACKAGE}` "
            "(or `pip install -e .` in the project)"
        )
    package_dir = Path(locations[0])
    candidates = [package_dir / "fonts" / FONT_FILE, *sorted(package_dir.rglob(FONT_FILE))]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise RuntimeError(
        f"the package '{FONT_PACKAGE}' is installed at {package_dir} but holds no {FONT_FILE}: "
        f"reinstall it with `pip install --force-reinstall {FONT_PACKAGE}`"
    )


def setup_matplotlib(dpi: int) -> str:
    """Agg backend, the CJK font first, reproducible SVG; return the font's family name."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    sans = [name for name in matplotlib.rcParams["font.sans-serif"] if name != family]
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, *sans],
            "axes.unicode_minus": False,
            "svg.hashsalt": SVG_HASHSALT,
            "svg.fonttype": "path",
            "figure.dpi": dpi,
            "savefig.dpi": dpi,
        }
    )
    return family


def close_figure(fig) -> None:
    """Release a figure from pyplot's registry, if pyplot manages it (no-op otherwise)."""
    import matplotlib.pyplot as plt

    plt.close(fig)


def save_figure(fig, png_path, svg_path, dpi: int) -> None:
    """Write `fig` as PNG at `dpi` and as SVG, atomically and reproducibly; close it."""
    if dpi < MIN_DPI:
        raise ValueError(f"figure dpi {dpi} is below {MIN_DPI}: small Chinese labels blur")
    try:
        # Constrained layout settles on the first draw: the files are the same whether or not
        # the figure was drawn before (a second save of the same figure is then identical).
        fig.draw_without_rendering()
        with atomic_path(png_path) as tmp:
            fig.savefig(tmp, format="png", dpi=dpi, metadata=PNG_METADATA)
        with atomic_path(svg_path) as tmp:
            fig.savefig(tmp, format="svg", dpi=dpi, metadata=SVG_METADATA)
    finally:
        close_figure(fig)
