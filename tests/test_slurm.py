"""The workflow on a real SLURM cluster (one node, on this machine) gives the tables of a local run.

The test starts a throwaway cluster (tests/slurm_cluster.py: Debian's slurmctld, slurmd and
munge, as root), runs the workflow once locally and once with `--profile profiles/slurm`
(snakemake-executor-plugin-slurm) in two copies of the project, and compares every table.

It runs when GWR_SLURM=1 (set by .ci/run) or CI=true; otherwise it is skipped, because it needs
root and Debian's SLURM packages. Where SLURM cannot be started it is skipped with the reason,
except in CI (CI=true), where that is a failure: a skipped cluster test would hide breakage.

On one node the cluster's job working directory, the temporary project copy, is trivially on a
"shared filesystem": slurmd runs each job in that same directory (sbatch -D), as a real cluster
does on a filesystem every node mounts.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project, run_snakemake, set_config
from slurm_cluster import SlurmCluster, SlurmUnavailable

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]

IN_CI = os.environ.get("CI") == "true"
ENABLED = os.environ.get("GWR_SLURM") == "1" or IN_CI

# A small configuration, the same for both runs: few LDA fits, so that the run is short.
SMALL_CONFIG = {"lda.k": [4, 6], "lda.seeds": [1, 2]}

# The test cluster has no accounting database: no account to give, job states from squeue
# (MinJobAge is 600 s there), and a quick first status check. Logs are kept as evidence.
CLUSTER_OPTIONS = (
    "--slurm-no-account",
    "--slurm-status-command=squeue",
    "--slurm-init-seconds-before-status-checks=1",
    "--slurm-keep-successful-logs",
)
# The longest the cluster run may take before the test gives up (it takes 3-4 minutes here).
CLUSTER_RUN_TIMEOUT = 900


@pytest.fixture(scope="module")
def cluster():
    if not ENABLED:
        pytest.skip(
            "the SLURM test starts a throwaway cluster as root; set GWR_SLURM=1 to run it "
            "(needs Debian's slurmctld slurmd slurm-client munge, and the '.[slurm]' extra)"
        )
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        unavailable('snakemake-executor-plugin-slurm is not installed: pip install -e ".[slurm]"')
    try:
        started = SlurmCluster.start()
    except SlurmUnavailable as error:
        unavailable(str(error))
    try:
        yield started
    finally:
        started.stop()


def unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"CI must run the SLURM test, but SLURM is unavailable: {reason}")
    pytest.skip(f"SLURM unavailable: {reason}")


def run_on_cluster(workdir: Path, cluster: SlurmCluster) -> str:
    """`snakemake --profile profiles/slurm` in `workdir`; its output (stdout and stderr)."""
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--cores",
        str(cluster.cpus),  # overrides the profile's 8: no job asks for more than the node has
        "--profile",
        "profiles/slurm",
        *CLUSTER_OPTIONS,
    ]
    try:
        process = subprocess.run(
            command,
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
            timeout=CLUSTER_RUN_TIMEOUT,
        )
    except subprocess.TimeoutExpired as error:
        output = error.output or ""
        output = output if isinstance(output, str) else output.decode(errors="replace")
        raise AssertionError(
            f"the cluster run took over {CLUSTER_RUN_TIMEOUT} s:\n{output[-6000:]}\n"
            f"{cluster.log_tail()}"
        ) from None
    if process.returncode != 0:
        raise AssertionError(
            f"the cluster run failed:\n{process.stdout[-8000:]}\n{cluster.log_tail()}"
        )
    return process.stdout


def tables(results: Path) -> dict[Path, bytes]:
    """Every CSV a run wrote, but logs and benchmarks (which hold times)."""
    return {
        path.relative_to(results): path.read_bytes()
        for path in sorted(results.rglob("*.csv"))
        if path.relative_to(results).parts[0] not in ("logs", "benchmarks")
    }


def test_the_workflow_on_slurm_gives_the_tables_of_a_local_run(cluster, tmp_path):
    local, on_slurm = tmp_path / "local", tmp_path / "slurm"
    for workdir in (local, on_slurm):
        workdir.mkdir()
        copy_project(workdir)
        set_config(workdir, **SMALL_CONFIG)
    shutil.copytree(ROOT / "profiles", on_slurm / "profiles")

    started = time.monotonic()
    run_snakemake(local)
    local_seconds = time.monotonic() - started
    started = time.monotonic()
    output = run_on_cluster(on_slurm, cluster)
    slurm_seconds = time.monotonic() - started
    print(f"local run {local_seconds:.0f} s, SLURM run {slurm_seconds:.0f} s")

    # The same tables, byte for byte.
    ours, theirs = tables(on_slurm / "results"), tables(local / "results")
    assert len(theirs) > 20
    assert sorted(ours) == sorted(theirs)
    different = sorted(str(path) for path in ours if ours[path] != theirs[path])
    assert different == [], f"tables that differ between the SLURM and the local run: {different}"
    assert (on_slurm / "results" / "report.html").stat().st_size > 0

    # Every step ran as a SLURM job: only the target rule `all` (no action) ran locally …
    assert set(re.findall(r"^localrule (\w+):", output, re.MULTILINE)) == {"all"}, output
    submitted = re.findall(r"submitted with SLURM jobid (\d+)", output)
    jobs = {job["id"]: job for job in cluster.jobs()}
    assert submitted and sorted(submitted) == sorted(jobs), (submitted, jobs)
    assert {job["state"] for job in jobs.values()} == {"COMPLETED"}, jobs
    # … in the project's directory (sbatch -D), the "shared filesystem" of this one node …
    assert {job["workdir"] for job in jobs.values()} == {str(on_slurm)}, jobs
    # … each with its SLURM log (kept by --slurm-keep-successful-logs).
    logs = (on_slurm / ".snakemake" / "slurm_logs").rglob("*.log")
    assert sorted(log.stem for log in logs) == sorted(jobs)

    # The profile's groups became one cluster job each; the other rules ran alone.
    groups = yaml.safe_load((on_slurm / "profiles/slurm/config.yaml").read_text())["groups"]
    grouped = re.findall(r"Group job (\w+) \(", output)
    alone = re.findall(r"^(?:rule|checkpoint) (\w+):", output, re.MULTILINE)
    assert sorted(grouped) == sorted(set(groups.values())), grouped
    assert alone and not set(alone) & set(groups), alone
    assert len(jobs) == len(grouped) + len(alone)
    print(f"{len(jobs)} SLURM jobs: groups {sorted(grouped)}, rules {sorted(alone)}")
    for job in jobs.values():
        print(job["id"], job["comment"][:40], job["cpus"], job["start"], job["end"])
