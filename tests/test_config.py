"""The shipped config, its schema and the declared dependencies agree with each other."""

import re
import tomllib

import pytest
import yaml
from conftest import ROOT
from gwr.config import (
    ConfigError,
    check_consistency,
    check_for_corpus,
    describe_errors,
    expand_inputs,
    type_overrides,
)
from gwr.provenance import code_version, modules_of

SCHEMA = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text("utf-8"))


def leaves(schema, config, path=()):
    """(path, schema node, config value) for every leaf key of the schema."""
    for key, node in schema["properties"].items():
        assert key in config, f"config/config.yaml lacks {'.'.join(path + (key,))}"
        if node.get("type") == "object" and "properties" in node:
            yield from leaves(node, config[key], path + (key,))
        else:
            yield path + (key,), node, config[key]


def test_the_shipped_config_is_valid(config, monkeypatch):
    monkeypatch.chdir(ROOT)  # the file paths of the config are relative to the project's root
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


def test_an_exact_path_is_that_file_whatever_its_name_holds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("report[1].txt", "report1.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert expand_inputs(["report[1].txt"]) == ["report[1].txt"]  # not report1.txt
    assert expand_inputs(["report[0-9].txt"]) == ["report1.txt"]  # a pattern, no such file
    (tmp_path / "report{2}.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"holds \{ or \}.*Rename the file"):
        expand_inputs(["report{2}.txt"])


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


def copy_of(config):
    return yaml.safe_load(yaml.safe_dump(config))


def test_nested_overrides_get_the_schema_types(config):
    # What Snakemake passes for --config 'split={max_header_lines: 20}' and the like: strings.
    values = copy_of(config)
    values["split"]["max_header_lines"] = "20"
    values["lda"].update(k=["4", "8"], k_choice="8", alpha="0.1", eta="auto")
    values["segment"]["hmm"] = "false"
    values["tfidf"]["max_df"] = "1"
    type_overrides(values, SCHEMA)
    assert values["split"]["max_header_lines"] == 20
    assert values["lda"]["k"] == [4, 8] and values["lda"]["k_choice"] == 8
    assert values["lda"]["alpha"] == 0.1 and values["lda"]["eta"] == "auto"
    assert values["segment"]["hmm"] is False
    assert values["tfidf"]["max_df"] == 1
    # Strings stay strings where the schema wants one, or where no reading fits.
    values["split"]["encodings"] = ["utf-8"]
    values["split"]["max_header_lines"] = "ten"
    type_overrides(values, SCHEMA)
    assert values["split"]["encodings"] == ["utf-8"]
    assert any("'split.max_header_lines'" in m for m in describe_errors(values, SCHEMA))


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    [
        ("split", "debris_lines", ["(未闭合"], "is not a valid regular expression"),
        ("split", "unnumbered_headings", ["[a-"], "'split.unnumbered_headings.0'"),
        ("split", "encodings", ["utf-8", "gbk2"], "'gbk2' is not an encoding Python knows"),
        ("figures", "cmap", "viridiss", "did you mean 'viridis'?"),
        ("segment", "pos_overrides", ["none.txt"], "the file 'none.txt' does not exist"),
    ],
)
def test_a_value_of_the_wrong_form_is_named(config, monkeypatch, section, key, value, expected):
    monkeypatch.chdir(ROOT)
    values = copy_of(config)
    values[section][key] = value
    messages = describe_errors(values, SCHEMA)
    assert len(messages) == 1 and expected in messages[0], messages
    assert "\n" not in messages[0]


def test_the_colormap_names_of_the_schema_are_matplotlib_s():
    import matplotlib

    names = SCHEMA["properties"]["figures"]["properties"]["cmap"]["enum"]
    assert set(names) <= set(matplotlib.colormaps)
    assert {"YlGnBu", "RdBu_r", "viridis"} <= set(names)


def test_k_choice_must_be_one_of_k(config):
    values = copy_of(config)
    values["lda"].update(k=[4, 8], k_choice=6)
    with pytest.raises(ConfigError, match=r"'lda.k_choice': 6 is not one of lda.k \[4, 8\]"):
        check_consistency(values)
    values["lda"]["k_choice"] = 8
    check_consistency(values)


def test_tfidf_bounds_are_checked_against_the_number_of_reports(config):
    values = copy_of(config)
    assert check_for_corpus(values, 3) == []
    values["tfidf"]["min_df"] = 4
    assert "'tfidf.min_df': 4 is more than the 3 report(s)" in check_for_corpus(values, 3)[0]
    values["tfidf"].update(min_df=2, max_df=0.5)
    assert "'tfidf.max_df'" in check_for_corpus(values, 3)[0]
    assert check_for_corpus(values, 31) == []


def rule_scripts():
    """(rule, script, the script its `code` param names) of every rule of workflow/rules."""
    for path in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        text = path.read_text("utf-8")
        for block in re.split(r"(?m)^(?=(?:rule|checkpoint) )", text)[1:]:
            name = re.match(r"(?:rule|checkpoint) (\w+)", block).group(1)
            script = re.search(r'script:\n\s+"\.\./\.\./scripts/([\w.]+)"', block)
            named = re.search(r'code=code\("([\w.]+)"\)', block)
            yield name, script and script.group(1), named and named.group(1)


def test_every_rule_has_a_script_of_its_own_and_hashes_its_modules():
    rules = list(rule_scripts())
    assert len(rules) >= 10
    scripts = [script for _, script, _ in rules]
    assert len(set(scripts)) == len(scripts), "a script serves two rules"
    for name, script, named in rules:
        assert script and named == script, f"rule {name}: script {script}, code param {named}"


def test_the_code_version_follows_the_imported_modules(tmp_path):
    scripts = tmp_path / "scripts"
    (scripts / "gwr").mkdir(parents=True)
    (scripts / "gwr" / "a.py").write_text("from gwr.b import x\n", "utf-8")
    (scripts / "gwr" / "b.py").write_text("x = 1\n", "utf-8")
    (scripts / "gwr" / "c.py").write_text("y = 1\n", "utf-8")
    step = scripts / "step.py"
    step.write_text("def main():\n    from gwr import a\n", "utf-8")
    assert modules_of(step) == ("gwr.a", "gwr.b")
    before = code_version(step)
    code_version.cache_clear()
    (scripts / "gwr" / "c.py").write_text("y = 2\n", "utf-8")  # not imported: same version
    assert code_version(step) == before
    code_version.cache_clear()
    (scripts / "gwr" / "b.py").write_text("x = 2\n", "utf-8")  # imported through a
    assert code_version(step) != before
