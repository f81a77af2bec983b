"""Start-up checks of the config: a readable error naming the key, and the input files.

Called from workflow/rules/common.smk before Snakemake's own `validate` (which also fills in the
schema's defaults), so that a wrong type or an unknown key stops the run with a message such as
`config key 'split.max_header_lines': 'ten' is not of type 'integer' (allowed: integer, at
least 1)`.
"""

import glob
import os
from pathlib import Path

import jsonschema
import yaml


class ConfigError(Exception):
    """The config is wrong; the message names the key and what is allowed."""


def _key(path) -> str:
    return ".".join(str(part) for part in path) or "(top level)"


def _allowed(schema: dict) -> str:
    if "anyOf" in schema:
        return " or ".join(_allowed(option) for option in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(repr(value) for value in schema["enum"])
    kind = schema.get("type", "any")
    kind = " or ".join(kind) if isinstance(kind, list) else kind
    bounds = []
    if "minimum" in schema:
        bounds.append(f"at least {schema['minimum']}")
    if "maximum" in schema:
        bounds.append(f"at most {schema['maximum']}")
    if "minItems" in schema:
        bounds.append(f"at least {schema['minItems']} item(s)")
    if kind == "object" and "properties" in schema:
        bounds.append("keys: " + ", ".join(schema["properties"]))
    return kind + (", " + ", ".join(bounds) if bounds else "")


def describe_errors(config: dict, schema: dict) -> list[str]:
    validator = jsonschema.validators.validator_for(schema)(schema)
    messages = []
    for error in sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path)):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            for key in sorted(set(error.instance) - set(known)):
                messages.append(
                    f"config key '{_key(path + [key])}' is unknown; allowed keys here: "
                    + ", ".join(known)
                )
            continue
        description = error.schema.get("description", "")
        messages.append(
            f"config key '{_key(path)}': {error.message} (allowed: {_allowed(error.schema)})"
            + (f". {description}" if description else "")
        )
    return messages


def check_config(config: dict, schema_path: str | os.PathLike) -> None:
    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    messages = describe_errors(config, schema)
    if messages:
        raise ConfigError(
            "the config does not match workflow/schemas/config.schema.yaml:\n  "
            + "\n  ".join(messages)
        )


def expand_inputs(patterns: list[str]) -> list[str]:
    """Paths and glob patterns of `inputs` -> existing files, in order, without duplicates."""
    files: list[str] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            matches = sorted(
                path for path in glob.glob(pattern, recursive=True) if os.path.isfile(path)
            )
            if not matches:
                raise ConfigError(
                    f"config key 'inputs': the pattern {pattern!r} matches no file "
                    f"(working directory {os.getcwd()}). Correct the pattern or remove it."
                )
        elif not os.path.isfile(pattern):
            raise ConfigError(
                f"config key 'inputs': the file {pattern!r} does not exist "
                f"(working directory {os.getcwd()}). Correct the path or remove it."
            )
        else:
            matches = [pattern]
        files.extend(match for match in matches if match not in files)
    return files


def check_manifest(path: str) -> None:
    if path and not os.path.isfile(path):
        raise ConfigError(
            f"config key 'manifest': the file {path!r} does not exist "
            f'(working directory {os.getcwd()}). Correct the path, or set manifest: "".'
        )
