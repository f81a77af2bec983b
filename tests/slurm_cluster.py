"""A throwaway single-node SLURM cluster on this machine, for the SLURM test (tests/test_slurm.py).

`SlurmCluster.start()` starts Debian's `munged`, `slurmctld` and `slurmd` (packages slurmctld,
slurmd, slurm-client, munge) with their key, state, spool, log and PID files in a fresh
directory under /tmp; `stop()` cancels the cluster's jobs and stops exactly the daemons it
started, by their process ids. When SLURM cannot be had (not root, packages missing, a SLURM
configuration of the machine's own, a daemon that does not come up), `start()` raises
`SlurmUnavailable`, whose message says why and what to install.

One file cannot live in the temporary directory: slurm.conf goes to /etc/slurm/slurm.conf, where
the SLURM commands look by default. The executor plugin's job step removes every SLURM_* variable
(SLURM_CONF included) from the environment of the `srun` it starts inside each job, so a
configuration elsewhere would not be found there. The file is written only where none exists,
carries a marker line naming the cluster's directory, and is removed by `stop()`; a file left by
an interrupted run (marker present) is cleaned up, with its daemons, by the next `start()`.

Usage, as root:  python tests/slurm_cluster.py  (starts, shows `sinfo`, runs one job, stops).
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACKAGES = ("slurmctld", "slurmd", "slurm-client", "munge")
COMMANDS = ("munged", "slurmctld", "slurmd", "sbatch", "srun", "squeue", "scancel", "sinfo")
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
MARKER = "# gwr-compare throwaway test cluster, removed when the test ends; directory: "
PARTITION = "debug"
INSTALL_HINT = (
    "install Debian's packages as root: apt-get install -y " + " ".join(PACKAGES) + " (the CI "
    "script .ci/run does this)"
)


class SlurmUnavailable(Exception):
    """SLURM cannot be started here; the message says why."""


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def node_name() -> str:
    """The short host name (`hostname -s`): slurmd finds its node by it."""
    return socket.gethostname().split(".")[0]


def memory_mb() -> int:
    """Memory the node offers jobs: 90 % of the machine's, so that slurmd does not drain it."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(int(line.split()[1]) / 1024 * 0.9)
    return 1024


def slurm_conf(root: Path, node: str, cpus: int, memory: int) -> str:
    """slurm.conf of a one-node cluster without accounting database or cgroups."""
    return f"""{MARKER}{root}
ClusterName=gwrtest
SlurmctldHost={node}(127.0.0.1)
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root}/munge/munge.socket
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
# No cgroups: processes are tracked through /proc, tasks are not confined.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
# No accounting database (slurmdbd): sacct has nothing to say, squeue reports the jobs.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Finished jobs stay visible to squeue for 10 minutes (the executor's status checks use squeue).
MinJobAge=600
ReturnToService=2
SlurmdParameters=config_overrides
NodeName={node} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName={PARTITION} Nodes={node} Default=YES MaxTime=INFINITE State=UP
"""


def check_prerequisites() -> None:
    """Raise SlurmUnavailable unless this machine can run the throwaway cluster."""
    if sys.platform != "linux":
        raise SlurmUnavailable(f"a SLURM test cluster needs Linux (this is {sys.platform})")
    if os.geteuid() != 0:
        raise SlurmUnavailable(
            "the SLURM test starts slurmctld, slurmd and munged, which must run as root "
            "(run it as root, or in CI)"
        )
    missing = [command for command in COMMANDS if shutil.which(command) is None]
    if missing:
        raise SlurmUnavailable(f"not installed: {', '.join(missing)}; {INSTALL_HINT}")
    try:
        pwd.getpwnam("munge")
    except KeyError:
        raise SlurmUnavailable(f"there is no 'munge' user; {INSTALL_HINT}") from None


class SlurmCluster:
    """The daemons of a one-node cluster; use `SlurmCluster.start()` and `stop()`."""

    def __init__(self, root: Path, node: str, cpus: int, memory: int):
        self.root = root
        self.node = node
        self.cpus = cpus
        self.memory = memory
        self.partition = PARTITION
        self.processes: dict[str, subprocess.Popen] = {}

    # Starting -----------------------------------------------------------------------------------

    @classmethod
    def start(cls, timeout: float = 60) -> SlurmCluster:
        check_prerequisites()
        remove_stale_cluster()
        if SYSTEM_CONF.exists():
            raise SlurmUnavailable(
                f"{SYSTEM_CONF} exists: this machine has a SLURM configuration of its own, which "
                "the test will not replace (run the workflow on that cluster with the profile "
                "instead, see README 'Running on a cluster')"
            )
        root = Path(tempfile.mkdtemp(prefix="gwr-slurm-", dir="/tmp"))
        root.chmod(0o755)  # munged runs as the munge user and must reach its directory
        cluster = cls(root, node_name(), len(os.sched_getaffinity(0)), memory_mb())
        try:
            cluster._start(timeout)
        except BaseException:
            cluster.stop(keep_files=True)
            raise
        return cluster

    def _start(self, timeout: float) -> None:
        munge = pwd.getpwnam("munge")
        for name in ("munge", "state", "spool", "log"):
            (self.root / name).mkdir(mode=0o700)
        munge_dir = self.root / "munge"
        munge_dir.chmod(0o755)  # munged wants its socket's directory open to all (/run/munge is)
        key = munge_dir / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        for path in (munge_dir, key):
            os.chown(path, munge.pw_uid, munge.pw_gid)

        self._spawn(
            "munged",
            [
                "munged",
                "--foreground",
                f"--key-file={key}",
                f"--socket={munge_dir / 'munge.socket'}",
                f"--pid-file={munge_dir / 'munged.pid'}",
                f"--log-file={munge_dir / 'munged.log'}",
                f"--seed-file={munge_dir / 'munged.seed'}",
            ],
            user=munge.pw_uid,
            group=munge.pw_gid,
        )
        self._wait("munged", lambda: (munge_dir / "munge.socket").exists(), timeout)

        conf = slurm_conf(self.root, self.node, self.cpus, self.memory)
        (self.root / "slurm.conf").write_text(conf)
        SYSTEM_CONF.parent.mkdir(parents=True, exist_ok=True)
        with SYSTEM_CONF.open("x") as handle:  # never overwrite a configuration
            handle.write(conf)

        log = self.root / "log"
        self._spawn("slurmctld", ["slurmctld", "-D", "-L", str(log / "slurmctld.log")])
        self._spawn("slurmd", ["slurmd", "-D", "-N", self.node, "-L", str(log / "slurmd.log")])
        self._wait("slurmd", self._node_is_idle, timeout)

    def _spawn(self, name: str, command: list[str], **kwargs) -> None:
        output = open(self.root / "log" / f"{name}.out", "wb")  # noqa: SIM115 (closed by stop)
        self.processes[name] = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not killed by the terminal's Ctrl-C before stop() runs
            **kwargs,
        )
        pids = {key: process.pid for key, process in self.processes.items()}
        (self.root / "pids.json").write_text(json.dumps({"owner": os.getpid(), **pids}))

    def _wait(self, name: str, ready, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for started, process in self.processes.items():
                if process.poll() is not None:
                    raise SlurmUnavailable(
                        f"{started} exited with code {process.returncode} while starting:\n"
                        + self.log_tail()
                    )
            if ready():
                return
            time.sleep(0.25)
        raise SlurmUnavailable(f"{name} was not ready after {timeout:.0f} s:\n" + self.log_tail())

    def _node_is_idle(self) -> bool:
        state = self.run("sinfo", "--noheader", "--format=%t", check=False).stdout.strip()
        return state in ("idle", "mix", "alloc")

    # Using ------------------------------------------------------------------------------------

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a SLURM command (sinfo, squeue, sbatch …) against this cluster."""
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=30,
            check=check,
            stdin=subprocess.DEVNULL,
        )

    def jobs(self) -> list[dict[str, str]]:
        """Every job the controller knows, finished ones included (kept for MinJobAge = 600 s)."""
        fields = ("id", "name", "state", "comment", "workdir", "cpus", "start", "end")
        out = self.run(
            "squeue", "--noheader", "--states=all", "--format=%i|%j|%T|%k|%Z|%C|%S|%e"
        ).stdout
        return [dict(zip(fields, line.split("|"), strict=True)) for line in out.splitlines()]

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of every daemon log, for a failure message."""
        parts = []
        for path in sorted((self.root / "log").glob("*")) + [self.root / "munge" / "munged.log"]:
            try:
                text = path.read_text(errors="replace").splitlines()[-lines:]
            except OSError:
                continue
            parts.append(f"--- {path}\n" + "\n".join(text))
        return "\n".join(parts)

    # Stopping ---------------------------------------------------------------------------------

    def stop(self, keep_files: bool = False) -> None:
        """Cancel the cluster's jobs, stop its daemons, remove slurm.conf (and the directory)."""
        if "slurmctld" in self.processes and self.processes["slurmctld"].poll() is None:
            cancel_all_jobs(self.run)
        for name in ("slurmd", "slurmctld", "munged"):
            process = self.processes.get(name)
            if process is not None:
                terminate(process.pid, process)
                if process.stdout:
                    process.stdout.close()
        remove_conf(self.root)
        if not keep_files:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> SlurmCluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def cancel_all_jobs(run) -> None:
    """Cancel the jobs still queued or running on this throwaway cluster; wait a little."""
    listing = run("squeue", "--noheader", "--format=%i", check=False)
    ids = listing.stdout.split()
    if not ids:
        return
    run("scancel", *ids, check=False)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if not run("squeue", "--noheader", "--format=%i", check=False).stdout.split():
            return
        time.sleep(0.5)


def terminate(pid: int, process: subprocess.Popen | None = None, grace: float = 15) -> None:
    """SIGTERM to one process, SIGKILL after `grace` seconds if it is still there."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if process is not None:
            if process.poll() is not None:
                return
        elif not Path(f"/proc/{pid}").exists():
            return
        time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    if process is not None:
        process.wait(timeout=10)


def remove_conf(root: Path) -> None:
    """Remove /etc/slurm/slurm.conf if it is this cluster's."""
    try:
        first = SYSTEM_CONF.read_text().splitlines()[0]
    except (OSError, IndexError):
        return
    if first == f"{MARKER}{root}":
        SYSTEM_CONF.unlink()


def remove_stale_cluster() -> None:
    """Stop the daemons of a cluster an interrupted run left, by the ids it recorded.

    A cluster whose owner (the process that started it) still runs is not stale: that is an
    error, not something to clean up.
    """
    try:
        first = SYSTEM_CONF.read_text().splitlines()[0]
    except (OSError, IndexError):
        return
    if not first.startswith(MARKER):
        return
    root = Path(first[len(MARKER) :])
    try:
        pids = json.loads((root / "pids.json").read_text())
    except (OSError, ValueError):
        pids = {}
    owner = pids.get("owner")
    if owner and owner != os.getpid() and Path(f"/proc/{owner}").exists():
        raise SlurmUnavailable(
            f"another test cluster is running (started by process {owner}, files in {root}); "
            "one at a time"
        )
    for name in ("slurmd", "slurmctld", "munged"):
        pid = pids.get(name)
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except (OSError, TypeError):
            continue
        # Only a daemon of that cluster: its command line names the cluster's directory.
        if str(root) in command and name in command:
            terminate(pid)
    SYSTEM_CONF.unlink(missing_ok=True)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    started = time.monotonic()
    try:
        cluster = SlurmCluster.start()
    except SlurmUnavailable as error:
        sys.exit(f"SLURM unavailable: {error}")
    print(f"started in {time.monotonic() - started:.1f} s, files in {cluster.root}")
    try:
        print(cluster.run("sinfo").stdout)
        job = cluster.run("sbatch", "--parsable", "--wrap=hostname", f"--chdir={cluster.root}")
        print("submitted job", job.stdout.strip())
        time.sleep(3)
        print(cluster.jobs())
    finally:
        cluster.stop()
        print(f"stopped after {time.monotonic() - started:.1f} s")
