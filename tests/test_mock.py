"""Running one step's script alone (gwr.mock.mock_snakemake): `python scripts/vocabulary.py`."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_project, run_snakemake

pytestmark = pytest.mark.workflow

VOCABULARY_OUTPUTS = [
    "results/tokens/vocabulary.csv",
    "results/tokens/dropped_tokens.csv",
    "results/tokens/index.csv",
]
VOCABULARY_LOG = "results/logs/vocabulary.log"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A copy of the project where Snakemake has run the seed up to the vocabulary step."""
    workdir = copy_project(tmp_path_factory.mktemp("mock"))
    run_snakemake(workdir, "results/tokens/vocabulary.csv")
    return workdir


def run_alone(workdir, script="scripts/vocabulary.py"):
    """`python scripts/<step>.py` in `workdir`, as a developer runs it."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, script], cwd=workdir, capture_output=True, text=True, env=env
    )


def test_script_run_alone_writes_what_snakemake_wrote(seeded, tmp_path):
    workdir = shutil.copytree(seeded, tmp_path / "copy", symlinks=True)
    written = {name: (workdir / name).read_bytes() for name in VOCABULARY_OUTPUTS}
    for name in [*VOCABULARY_OUTPUTS, VOCABULARY_LOG]:
        (workdir / name).unlink()
    process = run_alone(workdir)
    assert process.returncode == 0, process.stderr
    for name, content in written.items():
        assert (workdir / name).read_bytes() == content, name
    assert "terms" in (workdir / VOCABULARY_LOG).read_text("utf-8")
    # from another directory too: the mock works in the project's root
    (workdir / VOCABULARY_OUTPUTS[0]).unlink()
    process = run_alone(tmp_path, workdir / "scripts" / "vocabulary.py")
    assert process.returncode == 0, process.stderr
    assert (workdir / VOCABULARY_OUTPUTS[0]).read_bytes() == written[VOCABULARY_OUTPUTS[0]]


def one_line_error(process):
    assert process.returncode == 1
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1, process.stderr
    return lines[0]


def test_checkpoint_not_run_is_one_line(tmp_path):
    workdir = copy_project(tmp_path)
    line = one_line_error(run_alone(workdir))
    assert line.startswith("mock_snakemake('vocabulary'): checkpoint split_reports has not run")
    assert "run `snakemake --cores all results/corpus/reports.csv` first" in line
    assert not (workdir / "results" / "tokens").exists()


def test_missing_input_is_one_line(seeded, tmp_path):
    workdir = shutil.copytree(seeded, tmp_path / "copy", symlinks=True)
    shutil.rmtree(workdir / "results" / "tokens" / "shard-002")
    line = one_line_error(run_alone(workdir))
    assert "missing input results/tokens/shard-002" in line
    assert "snakemake --cores all results/tokens/shard-002" in line


def test_object_has_the_jobs_values(seeded, monkeypatch):
    from gwr.mock import MockSnakemakeError, mock_snakemake

    monkeypatch.chdir(seeded)  # the mock changes directory: restored after the test
    monkeypatch.setattr(sys, "path", list(sys.path))  # the Snakefile adds scripts/ to it
    snakemake = mock_snakemake("segment", root=seeded, shard="shard-001")
    assert snakemake.rule == "segment"
    assert snakemake.wildcards.shard == snakemake.wildcards[0] == "shard-001"
    assert snakemake.output.shard == snakemake.output[0] == "results/tokens/shard-001"
    assert snakemake.log[0] == "results/logs/segment/shard-001.log"
    assert snakemake.input.reports == "results/corpus/reports.csv"
    assert snakemake.params.reports and snakemake.params.jieba_cache == ".cache/jieba"
    assert snakemake.resources.mem_mb == 1000 and snakemake.threads == 1
    assert snakemake.config["segment"]["min_jobs"] >= 1
    assert Path.cwd().resolve() == seeded.resolve()
    with pytest.raises(MockSnakemakeError, match="do not match"):
        mock_snakemake("segment", root=seeded, shard="nonsense")
    with pytest.raises(MockSnakemakeError, match="missing wildcards shard"):
        mock_snakemake("segment", root=seeded)
