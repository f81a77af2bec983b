"""Start-up checks of the config: every mistake that can be caught before work, one line each.

Called from workflow/rules/common.smk before Snakemake's own `validate` (which also fills in the
schema's defaults):

- `type_overrides` gives the values of `--config` their schema's types. Snakemake reads nested
  `--config` values with YAML's BaseLoader, so `--config 'split={max_header_lines: 20}'` arrives
  as the string '20'; here it becomes the integer the schema asks for (lists item by item).
- `check_config` validates against workflow/schemas/config.schema.yaml, with the formats the
  schema names: `regex` (the pattern compiles), `codec` (Python knows the encoding), `file` (the
  file exists). A wrong type, an unknown key or a bad value stops the run with a message such as
  `config key 'split.max_header_lines': 'ten' is not of type 'integer' (allowed: integer, at
  least 1)`.
- `check_consistency` checks what one key alone cannot say (`lda.k_choice` is one of `lda.k`).
- `check_for_corpus` runs once the split has run, when the number of reports is known (TF-IDF's
  document-frequency bounds).
"""

import codecs
import contextlib
import difflib
import glob
import math
import os
import re
from pathlib import Path

import jsonschema
import yaml


class ConfigError(Exception):
    """The config is wrong; the message names the key and what is allowed."""


def _key(path) -> str:
    return ".".join(str(part) for part in path) or "(top level)"


# An enum longer than this (matplotlib's colormaps) is not spelled out in a message.
_ENUM_SHOWN = 12


def _allowed(schema: dict) -> str:
    if "anyOf" in schema:
        return " or ".join(_allowed(option) for option in schema["anyOf"])
    if "enum" in schema:
        values = schema["enum"]
        if len(values) > _ENUM_SHOWN:
            return f"one of the {len(values)} names listed in workflow/schemas/config.schema.yaml"
        return "one of " + ", ".join(repr(value) for value in values)
    if "format" in schema:
        return _FORMATS[schema["format"]]
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


_FORMATS = {
    "regex": "a Python regular expression",
    "codec": "an encoding Python knows (utf-8, gb18030, big5 …)",
    "file": "an existing file, relative to the project's root",
}
FORMAT_CHECKER = jsonschema.FormatChecker(formats=())


@FORMAT_CHECKER.checks("regex", raises=re.error)
def _is_regex(value) -> bool:
    return not isinstance(value, str) or bool(re.compile(value) or True)


@FORMAT_CHECKER.checks("codec", raises=LookupError)
def _is_codec(value) -> bool:
    return not isinstance(value, str) or bool(codecs.lookup(value))


@FORMAT_CHECKER.checks("file")
def _is_file(value) -> bool:
    return not isinstance(value, str) or os.path.isfile(value)


def _format_problem(error) -> str:
    """What is wrong with a value of the wrong format, in words."""
    value, kind = error.instance, error.validator_value
    if kind == "regex":
        return f"{value!r} is not a valid regular expression ({error.cause})"
    if kind == "codec":
        return f"{value!r} is not an encoding Python knows"
    if kind == "file":
        return f"the file {value!r} does not exist (working directory {os.getcwd()})"
    return error.message


def _suggestion(error) -> str:
    """`; did you mean 'YlGnBu'?` for a misspelt name of an enum."""
    if error.validator != "enum" or not isinstance(error.instance, str):
        return ""
    close = difflib.get_close_matches(error.instance, [str(v) for v in error.validator_value], 1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _validator(schema: dict):
    return jsonschema.validators.validator_for(schema)(schema, format_checker=FORMAT_CHECKER)


def describe_errors(config: dict, schema: dict) -> list[str]:
    validator = _validator(schema)
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
        problem = _format_problem(error) if error.validator == "format" else error.message
        if error.validator == "enum" and len(error.validator_value) > _ENUM_SHOWN:
            problem = f"{error.instance!r} is not one of the allowed names"
        messages.append(
            f"config key '{_key(path)}': {problem}{_suggestion(error)} "
            f"(allowed: {_allowed(error.schema)})" + (f". {description}" if description else "")
        )
    return messages


def load_schema(schema_path: str | os.PathLike) -> dict:
    """The config schema, read with libyaml's safe loader where PyYAML has it (the same objects
    as yaml.safe_load, several times faster: every Snakemake start reads it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(schema_path).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506


def _conforms(value, schema: dict) -> bool:
    return jsonschema.validators.validator_for(schema)(schema).is_valid(value)


def _typed(value: str, schema: dict):
    """`value` (a string) as the type `schema` asks for, if one reading of it conforms."""
    if _conforms(value, schema):
        return value
    readings = []
    with contextlib.suppress(yaml.YAMLError):
        readings.append(yaml.safe_load(value))
    for parse in (int, float):
        with contextlib.suppress(ValueError):
            readings.append(parse(value))
    for reading in readings:
        if reading is not None and not isinstance(reading, str) and _conforms(reading, schema):
            return reading
    return value


def type_overrides(value, schema: dict):
    """Give string values the types their schema asks for, in place where `value` is a dict.

    Snakemake reads nested `--config` values as strings ('20', 'true', ['4', '8']); a string
    stays a string where the schema allows one, or where no reading of it conforms (validation
    then names the key).
    """
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key in list(value):
            if key in properties:
                value[key] = type_overrides(value[key], properties[key])
        return value
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [type_overrides(item, schema["items"]) for item in value]
    if isinstance(value, str):
        return _typed(value, schema)
    return value


def check_consistency(config: dict) -> None:
    """What one key alone cannot say; `config` has the schema's defaults filled in."""
    lda = config["lda"]
    if lda["k_choice"] != "auto" and lda["k_choice"] not in lda["k"]:
        raise ConfigError(
            f"config key 'lda.k_choice': {lda['k_choice']!r} is not one of lda.k "
            f"{lda['k']} (allowed: auto or one of lda.k). Add it to lda.k, or choose another."
        )


def check_for_corpus(config: dict, reports: int) -> list[str]:
    """Settings that are impossible for a corpus of `reports` reports (known after the split)."""
    messages = []
    tfidf = config["tfidf"]
    min_df, max_df = tfidf["min_df"], tfidf["max_df"]
    # max_df is a share of the documents (the TF-IDF step passes it to scikit-learn as a float).
    highest = math.floor(max_df * reports)
    if min_df > reports:
        messages.append(
            f"config key 'tfidf.min_df': {min_df} is more than the {reports} report(s) found, so "
            f"no term would be kept (allowed here: 1 to {reports}). Lower it, or add reports."
        )
    elif highest < min_df:
        messages.append(
            f"config key 'tfidf.max_df': {max_df!r} keeps terms in at most {highest} of the "
            f"{reports} report(s), fewer than tfidf.min_df = {min_df}, so no term would be kept. "
            "Raise tfidf.max_df (1.0 keeps all) or lower tfidf.min_df."
        )
    return messages


def check_config(config: dict, schema_path: str | os.PathLike) -> None:
    """Validate `config` against the schema; one line per problem, each naming its key."""
    messages = describe_errors(config, load_schema(schema_path))
    if messages:
        raise ConfigError("\n".join(messages))


def expand_inputs(patterns: list[str]) -> list[str]:
    """Paths and glob patterns of `inputs` -> existing files, in order, without duplicates."""
    files: list[str] = []
    for pattern in patterns:
        # A file of that exact name is that file, whatever characters it holds (report[1].txt
        # is not a pattern for report1.txt).
        if os.path.isfile(pattern):
            matches = [pattern]
        elif glob.has_magic(pattern):
            matches = sorted(
                path for path in glob.glob(pattern, recursive=True) if os.path.isfile(path)
            )
            if not matches:
                raise ConfigError(
                    f"config key 'inputs': the pattern {pattern!r} matches no file "
                    f"(working directory {os.getcwd()}). Correct the pattern or remove it."
                )
        else:
            raise ConfigError(
                f"config key 'inputs': the file {pattern!r} does not exist "
                f"(working directory {os.getcwd()}). Correct the path or remove it."
            )
        for match in matches:
            if "{" in match or "}" in match:
                raise ConfigError(
                    f"config key 'inputs': the file name {match!r} holds {{ or }}, which "
                    "Snakemake reads as a wildcard in any input path. Rename the file "
                    "(brackets [ ] and other characters are fine)."
                )
        files.extend(match for match in matches if match not in files)
    return files


def check_manifest(path: str) -> None:
    if path and not os.path.isfile(path):
        raise ConfigError(
            f"config key 'manifest': the file {path!r} does not exist "
            f'(working directory {os.getcwd()}). Correct the path, or set manifest: "".'
        )
