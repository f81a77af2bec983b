"""Run one step's script alone, outside Snakemake, for debugging (as PyPSA-Eur's mock_snakemake).

A script ends with

    if __name__ == "__main__":
        if "snakemake" not in globals():  # run alone: python scripts/<step>.py
            from gwr.mock import mock_snakemake
            snakemake = mock_snakemake("<rule>")
        main(snakemake)

and `python scripts/<step>.py` then builds the `snakemake` object Snakemake would give the
rule's job: Snakemake parses the project's Snakefile and config, and its own `Job` resolves the
input functions, params functions, wildcards, threads, resources and log of the rule. The outputs
of the checkpoints that already exist count as done, so input functions that ask a checkpoint
(`checkpoints.split_reports.get()`) see its results as in a real run.

Any problem that stops the mock (a checkpoint that has not run, a missing input, an unknown
rule, wrong wildcards) ends the program with one line on stderr: `MockSnakemakeError` is a
`SystemExit` with that line as its message.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

# The project's root: the folder holding `scripts/`, where this module is `scripts/gwr/mock.py`.
DEFAULT_ROOT = Path(__file__).resolve().parents[2]


class MockSnakemakeError(SystemExit):
    """A problem that stops the mock, told in one line (exit status 1 when not caught)."""

    def __init__(self, rule: str, message: str):
        super().__init__(f"mock_snakemake({rule!r}): {message}")


def mock_snakemake(
    rule: str,
    root: str | os.PathLike | None = None,
    configfiles: Iterable[str | os.PathLike] | str | os.PathLike = (),
    config: Mapping[str, Any] | None = None,
    **wildcards: Any,
):
    """The `snakemake` object of the job of `rule`, as Snakemake would pass it to the script.

    `root`: the project (default: the parent of `scripts/`); `configfiles` and `config` are
    Snakemake's `--configfile` and `--config` (files relative to the current directory);
    `wildcards`: the values of the rule's wildcards. The working directory becomes the job's
    (the root) and stays so: the paths in the object are relative to it, as in a real run.
    """
    root = Path(root).resolve() if root is not None else DEFAULT_ROOT
    if isinstance(configfiles, str | os.PathLike):
        configfiles = [configfiles]
    configfiles = [Path(path).resolve() for path in configfiles]
    for path in configfiles:
        if not path.is_file():
            raise MockSnakemakeError(rule, f"config file {path} does not exist")
    wildcards = {name: str(value) for name, value in wildcards.items()}
    previous = Path.cwd()
    os.chdir(root)
    try:
        return _job_object(rule, root, configfiles, dict(config or {}), wildcards)
    except BaseException:
        os.chdir(previous)
        raise


def _output_settings():
    """Snakemake's output settings, without its run log in .snakemake/log (no run happens)."""
    from snakemake.settings.types import OutputSettings

    fields = {field.name for field in dataclasses.fields(OutputSettings)}
    return OutputSettings(
        **({"enable_file_logging": False} if "enable_file_logging" in fields else {})
    )


def _job_object(rule_name, root, configfiles, config, wildcards):
    from snakemake.api import SnakemakeApi
    from snakemake.common import SNAKEFILE_CHOICES
    from snakemake.dag import DAG
    from snakemake.io import is_flagged
    from snakemake.jobs import Job
    from snakemake.script import Snakemake
    from snakemake.settings.types import ConfigSettings, DAGSettings, ResourceSettings

    snakefile = next((root / name for name in SNAKEFILE_CHOICES if (root / name).is_file()), None)
    if snakefile is None:
        raise MockSnakemakeError(rule_name, f"no Snakefile in {root}")

    with SnakemakeApi(_output_settings()) as api:
        workflow_api = api.workflow(
            # as `--cores all`: a rule's threads are capped by the machine's cores
            resource_settings=ResourceSettings(cores=os.cpu_count() or 1),
            config_settings=ConfigSettings(configfiles=configfiles, config=config),
            snakefile=snakefile,
        )
        workflow_api.dag(DAGSettings())  # parses the Snakefile, gives the workflow DAG settings
        workflow = workflow_api._workflow

        if not workflow.is_rule(rule_name):
            names = ", ".join(sorted(rule.name for rule in workflow.rules))
            raise MockSnakemakeError(rule_name, f"no such rule in {snakefile} (rules: {names})")
        rule = workflow.get_rule(rule_name)
        missing = sorted(rule.wildcard_names - wildcards.keys())
        unknown = sorted(wildcards.keys() - rule.wildcard_names)
        if missing or unknown:
            given = f"missing wildcards {', '.join(missing)}" if missing else ""
            extra = f"unknown wildcards {', '.join(unknown)}" if unknown else ""
            raise MockSnakemakeError(
                rule_name,
                "; ".join(filter(None, [given, extra]))
                + f" (the rule's: {', '.join(sorted(rule.wildcard_names)) or 'none'})",
            )

        # Checkpoints whose outputs all exist count as done, as Snakemake counts them when they
        # need no rerun: their input functions' `checkpoints.<name>.get()` then succeed.
        pending, done = {}, set()
        for checkpoint in workflow.rules:
            if checkpoint.is_checkpoint and not checkpoint.has_wildcards():
                output, _ = checkpoint.expand_output({})
                absent = [path for path in output if not os.path.exists(path)]
                if absent:
                    pending[checkpoint.name] = (output[0], absent)
                else:
                    done.update(output)
        _mark_done(workflow.globals["checkpoints"], done, pending)

        job = Job(rule, DAG(workflow, rules=[rule]), wildcards)

        targets = [path for path in job.input if is_flagged(path, "checkpoint_target")]
        if targets or getattr(job, "incomplete_input_expand", False):
            raise MockSnakemakeError(rule_name, _checkpoint_not_run(workflow, targets, pending))
        if wildcards and job.output and not rule.is_producer(job.output[0]):
            raise MockSnakemakeError(
                rule_name, f"wildcards {wildcards} do not match the rule's output {rule.output[0]}"
            )
        absent = [
            path
            for path in job.input
            if not getattr(path, "is_storage", False) and not os.path.exists(path)
        ]
        for name, (target, outputs) in pending.items():
            if set(outputs) & set(absent):
                raise MockSnakemakeError(rule_name, _not_run(name, target, outputs))
        if absent:
            raise MockSnakemakeError(
                rule_name,
                f"missing input {_some(absent)}:"
                f" run `snakemake --cores all {' '.join(absent)}` first",
            )

        snakemake = Snakemake(
            job.input,
            job.output,
            job.params,
            job.wildcards,
            job.threads,
            job.resources,
            job.log,
            workflow.config,
            rule.name,
            None,
            _scriptdir(rule),
        )
        # As Snakemake before a job: the folders of its outputs and logs exist.
        for path in [*job.output, *job.log]:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        jobdir = Path.cwd()  # the root, or the Snakefile's `workdir:`
    os.chdir(jobdir)  # the workflow's tear-down leaves a `workdir:`; the job runs in it
    return snakemake


def _mark_done(checkpoints, done, pending):
    """Record checkpoint outputs as created, in the checkpoints namespace of the Snakefile."""
    if isinstance(getattr(type(checkpoints), "created_output", None), property):
        checkpoints.created_output.update(done)  # Snakemake 9: a set of created outputs
    else:  # Snakemake 8: created outputs, and future ones (those not yet created)
        checkpoints.created_output = set(checkpoints.created_output or ()) | done
        checkpoints.future_output = {path for _, absent in pending.values() for path in absent}


def _scriptdir(rule):
    """The folder of the rule's script, found as Snakemake finds it (None if it cannot tell)."""
    from snakemake.sourcecache import infer_source_file

    if not isinstance(rule.script, str):
        return None
    try:
        basedir = infer_source_file(rule.script, rule.basedir).get_basedir()
        try:
            return basedir.get_path_or_uri(secret_free=True)
        except TypeError:  # Snakemake 8
            return basedir.get_path_or_uri()
    except Exception:  # a script given by a URL or a marker Snakemake resolves only at run time
        return None


def _some(paths):
    return paths[0] + (f" and {len(paths) - 1} more" if len(paths) > 1 else "")


def _not_run(name, target, absent):
    return (
        f"checkpoint {name} has not run ({_some(absent)} missing):"
        f" run `snakemake --cores all {target}` first"
    )


def _checkpoint_not_run(workflow, targets, pending):
    """The line for a job whose input functions ask a checkpoint that has not run."""
    for target in targets:
        for checkpoint in workflow.rules:
            if checkpoint.is_checkpoint and checkpoint.is_producer(target):
                _, absent = pending.get(checkpoint.name, (target, [target]))
                return _not_run(checkpoint.name, target, absent)
    if pending:
        name, (target, absent) = next(iter(pending.items()))
        return _not_run(name, target, absent)
    return "its input functions ask a checkpoint that has not run: run `snakemake` first"
