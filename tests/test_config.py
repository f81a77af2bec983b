"""The shipped config, its schema and the declared dependencies agree with each other."""

import re
import tomllib

import pytest
import yaml
from conftest import ROOT
from gwr.config import ConfigError, describe_errors, expand_inputs

SCHEMA = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text("utf-8"))


def leaves(schema, config, path=()):
    """(path, schema node, config value) for every leaf key of the schema."""
    for key, node in schema["properties"].items():
        assert key in config, f"config/config.yaml lacks {'.'.join(path + (key,))}"
        if node.get("type") == "object":
            yield from leaves(node, config[key], path + (key,))
        else:
            yield path + (key,), node, config[key]


def test_the_shipped_config_is_valid(config):
    assert describe_errors(config, SCHEMA) == []


def test_every_key_is_described_with_a_default_equal_to_the_shipped_value(config):
    for path, node, value in leaves(SCHEMA, config):
        assert node.get("description"), f"{'.'.join(path)} has no description"
        assert "default" in node, f"{'.'.join(path)} has no default"
        assert node["default"] == value, f"schema default of {'.'.join(path)} != config value"


def test_the_config_has_no_key_the_schema_does_not_know(config):
    bad = dict(config, extra_key=1)
    bad["split"] = dict(config["split"], max_header_lnes=3)
    messages = describe_errors(bad, SCHEMA)
    assert any("'extra_key' is unknown" in m for m in messages)
    typo = "'split.max_header_lnes' is unknown"
    assert any(typo in m and "max_header_lines" in m for m in messages)


def test_every_config_key_is_commented():
    lines = (ROOT / "config" / "config.yaml").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if re.match(r"\s*[a-z_]+:", line):
            above = lines[number - 1].strip() if number else ""
            assert above.startswith("#"), f"config/config.yaml line {number + 1} has no comment"


@pytest.mark.parametrize("pattern_key", ["appendix_headings", "glossary_headings", "debris_lines"])
def test_the_regular_expressions_compile(config, pattern_key):
    for pattern in config["split"][pattern_key]:
        re.compile(pattern)


def test_inputs_expand_in_order_without_duplicates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("b.txt", "a.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert expand_inputs(["b.txt", "*.txt"]) == ["b.txt", "a.txt"]
    with pytest.raises(ConfigError, match="matches no file"):
        expand_inputs(["*.doc"])


def test_conda_environment_lists_the_project_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROOT / "workflow" / "envs" / "gwr.yaml").read_text(encoding="utf-8"))
    pip = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    assert sorted(pip) == sorted(project["dependencies"])
