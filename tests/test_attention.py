"""Policy attention (rules attention, fig_attention): the codebook, the seed terms, the classifier,
and its agreement with two references on the shared corpora — the reports' own section headings
and 230 paragraphs labelled by hand (tests/data/attention_labels.csv) — and the tables of a run.
"""

import csv
import math
from collections import Counter, defaultdict

import pytest
from conftest import ROOT, copy_project, run_snakemake, set_config
from gwr.attention import (
    NONE,
    PARAGRAPH_COLUMNS,
    SHARE_COLUMNS,
    SeedMatcher,
    Settings,
    agreement,
    heading_domains,
    read_codebook,
    seed_label,
    without_heading,
)
from gwr.io import InputError, read_csv

SHARED = ROOT.parent / "shared" / "corpora"
CORPORA = {
    "provinces-2025": ([str(SHARED / "provinces-2025" / "*.txt")], ""),
    "national-1954-2022": (
        [str(SHARED / "national-1954-2022" / "cn_national_*.txt")],
        str(SHARED / "national-1954-2022" / "manifest.csv"),
    ),
}
LABELS = ROOT / "tests" / "data" / "attention_labels.csv"
CODEBOOK = ROOT / "config" / "attention" / "codebook.yaml"
TARGETS = [
    "results/attention/paragraphs.csv",
    "results/attention/shares.csv",
    "results/attention/checks.csv",
]
# The goals of the issue: agreement with the hand labels (accuracy and macro-F1) ≥ 0.8. The
# heading check measured 0.79 (provinces) and 0.65 (national: old reports head whole chapters
# with 国民经济 or 人民生活); the floors below are those figures less a margin, so that a change
# that makes the method worse fails.
HAND_GOAL = 0.8
HEADING_FLOORS = {"provinces-2025": 0.75, "national-1954-2022": 0.6}


def settings(**changes) -> Settings:
    import yaml

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text("utf-8"))["attention"]
    config.update(changes)
    return Settings.from_params({k: v for k, v in config.items() if k != "codebook"})


# --- The codebook and the seed terms, without a run ------------------------------------------


def test_the_shipped_codebook_has_15_to_20_domains_each_named_described_and_seeded():
    codebook = read_codebook(CODEBOOK)
    assert 15 <= len(codebook.domains) <= 20
    for domain in codebook.domains:
        assert domain.name_zh and domain.name_en and domain.description and domain.terms
        assert domain.headings, domain.code
    # Every umbrella names domains of the codebook (read_codebook checks it).
    assert "民生" in codebook.umbrellas


def test_a_term_under_two_domains_is_a_one_line_error_naming_the_file(tmp_path):
    path = tmp_path / "codebook.yaml"
    text = CODEBOOK.read_text("utf-8").replace("terms: [扩大内需,", "terms: [扩大内需, 教育,", 1)
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as error:
        read_codebook(path)
    message = str(error.value)
    assert str(path) in message and "教育" in message and "\n" not in message


def test_the_longest_seed_term_wins_and_labels_need_a_clear_lead():
    matcher = SeedMatcher(read_codebook(CODEBOOK).domains)
    # 粮食安全 is agriculture's, not security's 安全.
    assert matcher.scores("牢牢守住粮食安全底线") == Counter({"agriculture": 1})
    scores = matcher.scores("抓好安全生产，深化国企改革，完善社会救助")
    assert set(scores) == {"security", "reform", "social_security"}
    # Three domains tied: no seed label; a clear lead: a label.
    assert seed_label(scores, settings()) == ""
    assert seed_label(Counter({"health": 3, "education": 1}), settings()) == "health"
    assert seed_label(Counter({"health": 2, "education": 1}), settings(margin=2.0)) == ""


def test_a_heading_names_its_domains_and_its_words_leave_the_lead_sentence():
    codebook = read_codebook(CODEBOOK)
    matcher = SeedMatcher(codebook.domains)
    heading, domains = heading_domains(
        ["二、2025年重点工作", "（五）全面推进乡村振兴"], matcher, codebook.umbrellas
    )
    assert heading == "（五）全面推进乡村振兴" and domains == {"agriculture"}
    _, domains = heading_domains(["（九）持续保障和改善民生"], matcher, codebook.umbrellas)
    assert {"social_security", "employment", "health", "education"} <= domains
    assert heading_domains(["二、2025年重点工作"], matcher, codebook.umbrellas) == ("", set())
    heading = "（五）全面推进乡村振兴"
    record = {"text": f"{heading}。抓好粮食生产。", "section": [heading]}
    assert without_heading(record) == "抓好粮食生产。"


def test_agreement_counts_accuracy_and_macro_f1():
    accuracy, macro = agreement([("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")])
    assert accuracy == 0.75
    assert math.isclose(macro, (2 / 3 + 0.8) / 2)


# --- On the shared corpora --------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory):
    """The attention tables of the 31 provincial and the 49 national reports."""
    if not (SHARED / "provinces-2025").is_dir() or not (SHARED / "national-1954-2022").is_dir():
        pytest.skip(
            f"the shared corpora are not at {SHARED} (they live in ../shared, beside the "
            "project, on the developers' machines and in CI; a user's clone does not have them)"
        )
    runs = {}
    for name, (inputs, manifest) in CORPORA.items():
        workdir = copy_project(tmp_path_factory.mktemp(f"attention_{name}"))
        set_config(workdir, inputs=inputs, manifest=manifest)
        run_snakemake(workdir, *TARGETS)
        runs[name] = workdir
    return runs


def test_the_hand_labelled_paragraphs_are_still_the_same_paragraphs(corpus_runs):
    import json

    for row in read_csv(LABELS):
        path = corpus_runs[row["corpus"]] / "results" / "corpus" / "text"
        records = {
            r["index"]: r
            for r in map(json.loads, (path / f"{row['report_id']}.jsonl").read_text().splitlines())
        }
        assert records[int(row["index"])]["text"].startswith(row["excerpt"]), row


def test_the_classifier_agrees_with_the_hand_labels(corpus_runs):
    """Right = the hand label, or its second domain where the reader saw the paragraph split."""
    labels = read_csv(LABELS)
    assert len(labels) >= 200
    given = {}
    for name, workdir in corpus_runs.items():
        for row in read_csv(workdir / "results" / "attention" / "paragraphs.csv"):
            given[(name, row["report_id"], row["index"])] = row["domain"]
    pairs = []
    for row in labels:
        domain = given[(row["corpus"], row["report_id"], row["index"])]
        right = domain in {row["domain"], row["second"]}
        pairs.append((domain if right else row["domain"], domain))
    accuracy, macro_f1 = agreement(pairs)
    assert accuracy >= HAND_GOAL and macro_f1 >= HAND_GOAL, (accuracy, macro_f1)


def test_the_classifier_mostly_agrees_with_the_reports_own_headings(corpus_runs):
    for name, workdir in corpus_runs.items():
        (check,) = read_csv(workdir / "results" / "attention" / "checks.csv")
        assert int(check["paragraphs"]) > 100
        assert float(check["accuracy"]) >= HEADING_FLOORS[name], (name, check)


def test_every_body_paragraph_has_one_domain_and_shares_add_up(corpus_runs):
    codes = {d.code for d in read_codebook(CODEBOOK).domains} | {NONE}
    for workdir in corpus_runs.values():
        results = workdir / "results"
        rows = read_csv(results / "attention" / "paragraphs.csv")
        keys = [(r["report_id"], r["index"]) for r in rows]
        assert len(keys) == len(set(keys))
        assert {r["domain"] for r in rows} <= codes
        assert {r["part"] for r in rows} <= {"review", "plans", "government", "other"}
        shares = read_csv(results / "attention" / "shares.csv")
        by_report = defaultdict(float)
        for row in shares:
            by_report[row["report_id"]] += float(row["share"])
            assert float(row["ci_low"]) <= float(row["share"]) <= float(row["ci_high"]), row
        reports = read_csv(results / "corpus" / "reports.csv")
        assert set(by_report) == {r["report_id"] for r in reports}
        assert all(math.isclose(total, 1, abs_tol=1e-3) for total in by_report.values())


# --- The seed, end to end ---------------------------------------------------------------------


def test_the_seed_run_writes_the_tables_with_their_columns_and_a_bom(seed_run):
    results = seed_run / "results"
    for name, columns in (("paragraphs", PARAGRAPH_COLUMNS), ("shares", SHARE_COLUMNS)):
        path = results / "attention" / f"{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        with open(path, encoding="utf-8-sig", newline="") as handle:
            assert next(csv.reader(handle)) == columns
    rows = read_csv(results / "attention" / "paragraphs.csv")
    # The evidence is the seed terms of the paragraph's text.
    texts = {}
    import json

    for path in (results / "corpus" / "text").glob("*.jsonl"):
        for record in map(json.loads, path.read_text("utf-8").splitlines()):
            texts[(path.stem, str(record["index"]))] = record["text"]
    for row in rows:
        for item in row["evidence"].split():
            term = item.rsplit("×", 1)[0]
            assert term in texts[(row["report_id"], row["index"])], row
    for name in ("attention", "attention_years"):
        assert (results / "figures" / f"{name}.png").stat().st_size > 0


def test_a_codebook_term_under_two_domains_stops_the_run_with_one_line(tmp_path):
    workdir = copy_project(tmp_path)
    path = workdir / "config" / "attention" / "codebook.yaml"
    path.write_text(
        path.read_text("utf-8").replace("terms: [扩大内需,", "terms: [扩大内需, 教育,", 1), "utf-8"
    )
    process = run_snakemake(workdir, "results/attention/shares.csv", check=False)
    assert process.returncode != 0
    assert "the term '教育' is under both" in process.stdout
    assert not (workdir / "results" / "attention" / "shares.csv").exists()


def test_on_the_seed_which_nothing_was_tuned_on_the_classifier_agrees_with_a_reader(seed_run):
    """36 paragraphs of the seed labelled by a reader who had not seen the classifier's labels
    (tests/data/attention_labels_seed.csv; the settings were chosen on the shared corpora)."""
    import json

    results = seed_run / "results"
    given = {
        (r["report_id"], r["index"]): r["domain"]
        for r in read_csv(results / "attention" / "paragraphs.csv")
    }
    pairs = []
    for row in read_csv(ROOT / "tests" / "data" / "attention_labels_seed.csv"):
        path = results / "corpus" / "text" / f"{row['report_id']}.jsonl"
        texts = {r["index"]: r["text"] for r in map(json.loads, path.read_text().splitlines())}
        assert texts[int(row["index"])].startswith(row["excerpt"]), row
        domain = given[(row["report_id"], row["index"])]
        right = domain in {row["domain"], row["second"]}
        pairs.append((domain if right else row["domain"], domain))
    accuracy, macro_f1 = agreement(pairs)
    # Measured: 0.86 and 0.81 (3 of the 5 misses are paragraphs the reader finds to have no
    # domain, which the classifier always gives one).
    assert accuracy >= HAND_GOAL and macro_f1 >= 0.75, (accuracy, macro_f1)
