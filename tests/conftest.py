"""Shared fixtures: the project's paths, the splitting settings from the shipped config."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "beijing_2024_reports_compendium.txt"
PROVINCES = ROOT.parent / "shared" / "corpora" / "provinces-2025"
sys.path.insert(0, str(ROOT / "benchmarks"))

from project_copy import copy_project, set_config  # noqa: E402,F401  (the tests' fresh copies)

# The figure rules of workflow/rules/*.smk (a figure setting reruns these).
FIGURE_RULES = frozenset(
    name
    for path in sorted((ROOT / "workflow" / "rules").glob("*.smk"))
    for name in re.findall(r"^rule (fig_\w+):", path.read_text("utf-8"), re.M)
)

# The shipped parameters (config/config.yaml).
SHIPPED_CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def config():
    return SHIPPED_CONFIG


@pytest.fixture(scope="session")
def settings(config):
    from gwr.split import Settings

    return Settings.from_params(config["split"])


@pytest.fixture(scope="session")
def provinces():
    """The 31 provincial reports of ../shared (absent in a user's clone: the test skips)."""
    files = sorted(PROVINCES.glob("*.txt"))
    if len(files) != 31:
        pytest.skip(
            f"the provincial corpus is not at {PROVINCES} (it lives in ../shared, beside the "
            "project, on the developers' machines and in CI; a user's clone does not have it)"
        )
    return files


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run Snakemake in `workdir`; return the finished process (stdout and stderr merged)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    process = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    if check and process.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{process.stdout[-6000:]}")
    return process


def planned_jobs(output: str) -> dict[str, int]:
    """Jobs a dry run would run, by rule, read from Snakemake's "Job stats" table."""
    jobs: dict[str, int] = {}
    lines = output.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("Job stats:"):
            for row in lines[number + 3 :]:
                parts = row.split()
                if len(parts) != 2 or parts[0] == "total":
                    break
                jobs[parts[0]] = int(parts[1])
            break
    return jobs


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory):
    """One real run of the workflow on the bundled seed, in a temporary directory."""
    workdir = copy_project(tmp_path_factory.mktemp("seed_run"))
    run_snakemake(workdir)
    return workdir
