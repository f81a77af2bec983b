"""A fresh copy of the workflow, as a user's checkout would be: where the tests and the
benchmarks run it (results/ and caches are not copied)."""

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROJECT_ITEMS = ["Snakefile", "workflow", "scripts", "config", "seeds"]


def copy_project(target: Path) -> Path:
    """Copy the workflow into `target` (created if missing); return `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for item in PROJECT_ITEMS:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(source, target / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / item)
    return target


def set_config(workdir: Path, **values) -> None:
    """Change the config of a copy of the project: `section.key=value` or `key=value`."""
    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text("utf-8"))
    for key, value in values.items():
        section, _, name = key.partition(".")
        if name:
            config[section][name] = value
        else:
            config[section] = value
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
