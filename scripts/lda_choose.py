"""Rule lda_choose: the number of topics K, by a documented rule over the sweep's metrics (see
`choose_k`) or as configured (lda.k_choice); each K's topics described (their words ranked by
weight and by relevance, and labelled); how robust the choice is; the chosen model and its
topics, named by lda.labels where given (results/lda/model_selection.csv, chosen.json,
sweep_topics.csv: every K's topics, chosen/).

lda_shares then applies the chosen model to every document.
"""

import json
import shutil
from pathlib import Path

import numpy as np
from gwr.io import InputError, atomic_directory, atomic_path, setup_logging, write_csv, write_json
from gwr.lda import DECIMALS, load_model, load_prepared, shared_terms, term_shares

SELECTION_METRICS = ["c_npmi", "c_v", "u_mass", "perplexity", "topic_diversity"]
TOPIC_COLUMNS = [
    "topic",
    "topic_label",
    "ranking",
    "rank",
    "term",
    "weight",
    "relevance",
    "shared",
]


# --- the number of topics ------------------------------------------------------------------------


def eligible_ks(by_k: dict[int, dict], settings: dict) -> list[int]:
    """The K whose topics are distinct and stable enough (the floors of `choose_k`)."""
    return [
        k
        for k, m in sorted(by_k.items())
        if m["summary"]["topic_diversity"]["mean"] >= settings["min_topic_diversity"]
        and m["stability"] >= settings["min_stability"]
    ]


def best_k(by_k: dict[int, dict], eligible: list[int]) -> int:
    """The K of best mean c_npmi among `eligible` (the smaller on ties)."""
    return max(eligible, key=lambda k: (by_k[k]["summary"]["c_npmi"]["mean"], -k))


def refined(metrics: list[dict]) -> list[dict]:
    """The metrics of the K fitted with every seed: those the sweep did not screen out (see
    scripts/lda_sweep.py); only they can be chosen."""
    return [m for m in metrics if not m.get("screened_out")]


def choose_k(metrics: list[dict], settings: dict) -> tuple[int, str]:
    """The number of topics, and why.

    Rule `auto`: among the K whose topics are distinct enough (mean topic diversity at least
    lda.min_topic_diversity) and stable enough across seeds (at least lda.min_stability), find the
    best mean c_npmi; choose the smallest K whose mean c_npmi is within one standard deviation
    (across seeds) of that best. Coherence by NPMI is the criterion that agrees best with human
    judgement among the measures that do not need a reference corpus; c_v is reported but not used
    alone, as its author advises; the spread across seeds stops the choice from chasing noise; and
    the smallest such K gives the most readable model.
    """
    every_k = sorted(m["k"] for m in metrics)
    screened_out = [m["k"] for m in metrics if m.get("screened_out")]
    by_k = {m["k"]: m for m in refined(metrics)}
    choice = settings["k_choice"]
    if choice != "auto":
        k = int(choice)
        if k not in every_k:
            raise InputError(f"lda.k_choice is {k}, which is not in lda.k {every_k}.")
        if k not in by_k:
            raise InputError(
                f"lda.k_choice is {k}, which the sweep screened out: rerun the sweep "
                "(the workflow refits a K named by lda.k_choice with every seed)."
            )
        return k, f"set in the config (lda.k_choice: {k})"
    eligible = eligible_ks(by_k, settings)
    note = ""
    if not eligible:
        eligible = sorted(by_k)
        note = (
            " No K met the diversity and stability floors "
            f"({settings['min_topic_diversity']}, {settings['min_stability']}): all K considered."
        )
    best = best_k(by_k, eligible)
    best_mean = by_k[best]["summary"]["c_npmi"]["mean"]
    spread = by_k[best]["summary"]["c_npmi"]["sd"]
    chosen = min(k for k in eligible if by_k[k]["summary"]["c_npmi"]["mean"] >= best_mean - spread)
    reason = (
        f"auto: best mean c_npmi {best_mean:.4f} (sd {spread:.4f} over "
        f"{len(by_k[best]['seeds'])} seeds) at K={best}; K={chosen} is the smallest K within one "
        f"sd of it (mean c_npmi {by_k[chosen]['summary']['c_npmi']['mean']:.4f}), among the K "
        f"with topic diversity >= {settings['min_topic_diversity']} and stability >= "
        f"{settings['min_stability']}: {eligible}.{note}"
    )
    if screened_out:
        reason += (
            f" Screened out by one quick fit each (lda.screen_passes): K {screened_out}; "
            f"fitted with every seed: K {sorted(by_k)}."
        )
    return chosen, reason


def selection_rows(metrics: list[dict], chosen: int) -> list[dict]:
    rows = []
    for m in sorted(metrics, key=lambda m: m["k"]):
        row = {"k": m["k"]}
        for name in SELECTION_METRICS:
            row[f"{name}_mean"] = m["summary"][name]["mean"]
            # A K screened out has one fit: no spread (not a spread of 0).
            row[f"{name}_sd"] = "" if m.get("screened_out") else m["summary"][name]["sd"]
        row["stability"] = "" if m["stability"] is None else m["stability"]
        row["seeds"] = len(m["seeds"])
        row["passes"] = m.get("passes", "")
        row["kept_seed"] = m["kept_seed"]
        row["chosen"] = "yes" if m["k"] == chosen else ""
        rows.append(row)
    return rows


def chosen_record(chosen: int, reason: str, metrics: list[dict], description: dict) -> dict:
    """chosen.json."""
    chosen_metrics = next(m for m in metrics if m["k"] == chosen)
    return {
        "k": chosen,
        "reason": reason,
        "reason_zh": description["reason_zh"],
        "reason_en": description["reason_en"],
        "kept_seed": chosen_metrics["kept_seed"],
        "kept_because": chosen_metrics["kept_because"],
        "stability": chosen_metrics["stability"],
        "labels": description["labels"],
        "auto_labels": description["auto_labels"],
        "label_warnings": description["label_warnings"],
        "shared_terms": description["shared"],
        "robustness": description["robustness"],
        "metrics": chosen_metrics["summary"],
    }


def copy_file(source: Path, target: str) -> None:
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)


# --- the topics' words and labels ----------------------------------------------------------------


def relevance_ranking(topic_word: np.ndarray, term_share: np.ndarray, lam: float) -> np.ndarray:
    """LDAvis relevance: λ log p(w|t) + (1-λ) log(p(w|t) / p(w)) (Sievert & Shirley 2014).

    A term no modelled document holds (p(w) = 0: it occurs only in documents left out for being
    too short) would get an infinite lift; it is ranked last instead, never first."""
    log_phi = np.log(topic_word)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_share = np.log(term_share)
        relevance = lam * log_phi + (1 - lam) * (log_phi - log_share)
    return np.where(term_share > 0, relevance, -np.inf)


def label_words(ranked: list[str], shared: set[str], n: int) -> list[str]:
    """The first `n` words of `ranked` for a label: no word shared by many topics, and no word
    that holds or is held by one taken already (城市更新 and 更新, 养老服务 and 服务); if too few
    remain, the shared words fill in."""
    taken: list[str] = []
    for allow_shared in (False, True):
        for word in ranked:
            if len(taken) == n:
                return taken
            if word in taken or (word in shared and not allow_shared):
                continue
            if any(word in other or other in word for other in taken):
                continue
            taken.append(word)
    return taken


def describe_topics(model, dictionary, term_share: np.ndarray, settings: dict):
    """Rows of topics.csv, the automatic labels, and the words shared by many topics.

    Each topic's words are ranked two ways: by weight p(w|t), and by relevance (λ =
    lda.relevance_lambda) among its lda.relevance_pool most probable words, the words shared by
    many topics (lda.shared_topics) last. The label is made of the first lda.label_terms words
    of the relevance ranking, by `label_words`; the figures and the page use the same ranking.
    """
    topic_word = model.get_topics()
    relevance = relevance_ranking(topic_word, term_share, settings["relevance_lambda"])
    topn = settings["top_terms"]
    shared_ids = shared_terms(topic_word, topn, settings["shared_topics"])
    shared = {dictionary[w] for w in shared_ids}
    rows, labels = [], []
    for topic in range(model.num_topics):
        weights = topic_word[topic]
        ranked = sorted(range(len(dictionary)), key=lambda w: (-weights[w], w))
        by_weight = ranked[:topn]
        # Relevance reorders the topic's most probable terms; over the whole vocabulary it would
        # favour rare terms, whose tiny corpus share inflates their lift in every topic.
        pool = ranked[: max(topn, settings["relevance_pool"])]
        by_relevance = sorted(pool, key=lambda w: (w in shared_ids, -relevance[topic, w], w))
        words = [dictionary[w] for w in by_relevance]
        label = "·".join(label_words(words, shared, settings["label_terms"]))
        if label in labels:
            label = f"{label} ({topic + 1})"
        labels.append(label)
        for ranking, ids in (("weight", by_weight), ("relevance", by_relevance[:topn])):
            for rank, w in enumerate(ids, start=1):
                rows.append(
                    {
                        "topic": topic + 1,
                        "topic_label": label,
                        "ranking": ranking,
                        "rank": rank,
                        "term": dictionary[w],
                        "weight": f"{topic_word[topic, w]:.{DECIMALS}f}",
                        "relevance": f"{relevance[topic, w]:.{DECIMALS}f}",
                        "shared": "yes" if w in shared_ids else "",
                    }
                )
    return rows, labels, sorted(shared)


def named_labels(auto: list[str], names: dict, k: int) -> tuple[list[str], list[str]]:
    """The topics' labels with the names of lda.labels (automatic label -> name), and a warning
    for each name whose automatic label no topic of the model has any more (a refit changed the
    topic's leading words: the automatic label returns)."""
    labels = [names.get(label, label) for label in auto]
    warnings = [
        f"lda.labels: no topic of the chosen model (K={k}) is labelled {old!r} any more, so "
        f"the name {new!r} is not used; rename the topics of this model (see topics.csv)."
        for old, new in names.items()
        if old not in auto
    ]
    seen: dict[str, int] = {}
    for number, label in enumerate(labels):
        if label in seen:
            warnings.append(
                f"lda.labels: topics {seen[label] + 1} and {number + 1} are both named "
                f"{label!r}; topic {number + 1} keeps its automatic label."
            )
            labels[number] = auto[number]
        seen.setdefault(labels[number], number)
    return labels, warnings


def describe_models(model_dirs, corpus_dir, settings: dict) -> list[dict]:
    """Each K's kept model described: its topics.csv rows, labels and shared words."""
    dictionary, corpus, _ = load_prepared(corpus_dir)
    share = term_shares(corpus, len(dictionary))
    described = []
    for model_dir in model_dirs:
        model = load_model(model_dir)
        rows, labels, shared = describe_topics(model, dictionary, share, settings)
        described.append({"rows": rows, "labels": labels, "shared": shared, "model": model})
    return described


# --- how robust the choice is --------------------------------------------------------------------


def seed_choices(metrics: list[dict], settings: dict) -> dict[int, int]:
    """The K the rule would choose from each seed's fits alone (its c_npmi and diversity, no
    spread; the stability across seeds as it is)."""
    metrics = refined(metrics)
    seeds = [run["seed"] for run in metrics[0]["seeds"]]
    choices = {}
    for number, seed in enumerate(seeds):
        alone = []
        for m in metrics:
            run = m["seeds"][number]
            summary = {
                name: {"mean": run[name], "sd": 0.0} for name in ("c_npmi", "topic_diversity")
            }
            alone.append({**m, "summary": summary, "seeds": [run]})
        choices[seed] = choose_k(alone, {**settings, "k_choice": "auto"})[0]
    return choices


def runner_up(metrics: list[dict], chosen: int, settings: dict) -> int | None:
    """The K the rule would choose without the chosen one."""
    others = [m for m in refined(metrics) if m["k"] != chosen]
    return choose_k(others, {**settings, "k_choice": "auto"})[0] if others else None


def matched_topics(a: np.ndarray, b: np.ndarray, floor: float) -> list[tuple[int, int, float]]:
    """Topics of `a` paired one to one with topics of `b` (Hungarian, cosine of topic-word
    distributions): (topic of a, topic of b, cosine) for the pairs at `floor` or above."""
    from scipy.optimize import linear_sum_assignment

    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    similarity = a @ b.T
    rows, columns = linear_sum_assignment(-similarity)
    return [
        (int(r), int(c), float(similarity[r, c]))
        for r, c in zip(rows, columns, strict=True)
        if similarity[r, c] >= floor
    ]


def robustness(metrics, chosen: int, described: dict[int, dict], settings: dict) -> dict:
    """How the choice moves: each seed's own choice, the runner-up K, and how many of the chosen
    topics the runner-up model has too (matched at lda.match_cosine)."""
    by_seed = seed_choices(metrics, settings)
    second = runner_up(metrics, chosen, settings) if settings["k_choice"] == "auto" else None
    record = {
        "seed_choices": {str(seed): k for seed, k in by_seed.items()},
        "fragile": len(set(by_seed.values()) | {chosen}) > 1,
        "runner_up": second,
    }
    if second is not None:
        pairs = matched_topics(
            described[chosen]["model"].get_topics(),
            described[second]["model"].get_topics(),
            settings["match_cosine"],
        )
        record["runner_up_shared_topics"] = len(pairs)
        record["runner_up_kept"] = [described[chosen]["labels"][a] for a, _, _ in sorted(pairs)]
    return record


def plain_reason(chosen: int, metrics: list[dict], settings: dict) -> tuple[str, str]:
    """Why this K, in plain words: (Chinese, English)."""
    if settings["k_choice"] != "auto":
        return (
            f"主题数 K = {chosen} 由配置指定（lda.k_choice）。",
            f"The number of topics, K = {chosen}, is set in the config (lda.k_choice).",
        )
    by_k = {m["k"]: m for m in refined(metrics)}
    best = best_k(by_k, eligible_ks(by_k, settings) or sorted(by_k))
    floors = (
        f"多样性 ≥ {settings['min_topic_diversity']}、稳定性 ≥ {settings['min_stability']}",
        f"diversity ≥ {settings['min_topic_diversity']}, stability ≥ {settings['min_stability']}",
    )
    zh, en = screen_note(metrics, sorted(by_k))
    if best == chosen:
        return (
            f"{zh}在主题彼此区分、换随机种子也能重现的 K 中（{floors[0]}），K = {chosen} 的主题"
            "词最常一起出现（连贯性 NPMI 最高），所以选它。",
            f"{en}Among the K whose topics are distinct and reproducible across random seeds "
            f"({floors[1]}), K = {chosen} has the most coherent topics (their words occur "
            "together most often: NPMI), so it is used.",
        )
    return (
        f"{zh}在主题彼此区分、换随机种子也能重现的 K 中（{floors[0]}），K = {best} 的主题最连贯"
        f"（NPMI 最高）；K = {chosen} 与它相差不到随机种子间的波动（一个标准差），主题更少、更易"
        "读，所以选它。",
        f"{en}Among the K whose topics are distinct and reproducible across random seeds "
        f"({floors[1]}), K = {best} has the most coherent topics (NPMI); K = {chosen} is as "
        "coherent within the spread across seeds (one standard deviation) with fewer topics, "
        "easier to read, so it is used.",
    )


def screen_note(metrics: list[dict], kept: list[int]) -> tuple[str, str]:
    """The screening in plain words, or nothing when every K was fitted with every seed."""
    out = [m for m in metrics if m.get("screened_out")]
    if not out:
        return "", ""
    passes = out[0]["passes"]
    # (a sweep that did not record why: every refined K as the screen's pick)
    by = {m["k"]: m.get("refined_by") or "screen" for m in metrics if m["k"] in kept}
    best = [k for k in kept if by[k] == "screen"]
    smaller = [k for k in kept if by[k] == "smaller"]
    named = [k for k in kept if by[k] == "k_choice"]

    def listed(ks, sep):
        return sep.join(map(str, ks))

    zh = (
        f"每个 K 先用一个随机种子快速拟合一次（{passes} 遍）作筛选，"
        f"其中最连贯的 K（{listed(best, '、')}）"
    )
    en = (
        f"Every K was first screened by one quick fit (one seed, {passes} passes); the most "
        f"coherent ones (K = {listed(best, ', ')})"
    )
    if smaller:
        zh += f"及比它们小的 K（{listed(smaller, '、')}；规则偏向较小的 K）"
        en += f" and every smaller K ({listed(smaller, ', ')}: the rule favours a smaller K)"
    if named:
        zh += f"及 lda.k_choice 指定的 K（{listed(named, '、')}）"
        en += f" and the K named by lda.k_choice ({listed(named, ', ')})"
    return (
        zh + "再用全部种子完整拟合，只在它们之中选择。",
        en + " were fitted with every seed, and K is chosen among them. ",
    )


def main(snakemake) -> None:
    log = setup_logging(snakemake.log[0], "lda_choose")
    settings = dict(snakemake.params.settings)
    metrics = [json.loads(Path(p).read_text("utf-8")) for p in snakemake.input.metrics]
    chosen, reason = choose_k(metrics, settings)
    rows = selection_rows(metrics, chosen)
    write_csv(snakemake.output.selection, list(rows[0]), rows)
    ks = [m["k"] for m in metrics]
    models = describe_models(snakemake.input.models, snakemake.input.corpus, settings)
    described = dict(zip(ks, models, strict=True))
    write_csv(
        snakemake.output.sweep_topics,
        ["k", *TOPIC_COLUMNS],
        [{"k": k, **row} for k in ks for row in described[k]["rows"]],
    )
    auto = described[chosen]["labels"]
    labels, warnings = named_labels(auto, dict(settings["labels"]), chosen)
    for warning in warnings:
        log.warning("%s", warning)
    renamed = dict(zip(auto, labels, strict=True))
    chosen_rows = [
        {**row, "topic_label": renamed[row["topic_label"]]} for row in described[chosen]["rows"]
    ]
    write_csv(snakemake.output.topics, TOPIC_COLUMNS, chosen_rows)
    source = Path(snakemake.input.models[ks.index(chosen)])
    copy_file(source.parent / "metrics.json", snakemake.output.metrics)
    with atomic_directory(snakemake.output.model) as staging:
        shutil.copytree(source, staging, dirs_exist_ok=True)
    reason_zh, reason_en = plain_reason(chosen, metrics, settings)
    description = {
        "labels": labels,
        "auto_labels": auto,
        "label_warnings": warnings,
        "shared": described[chosen]["shared"],
        "robustness": robustness(metrics, chosen, described, settings),
        "reason_zh": reason_zh,
        "reason_en": reason_en,
    }
    write_json(snakemake.output.chosen_json, chosen_record(chosen, reason, metrics, description))
    log.info("chosen K=%d: %s", chosen, reason)
    log.info("robustness: %s", description["robustness"])


if __name__ == "__main__":
    if "snakemake" not in globals():  # run alone: python scripts/lda_choose.py
        from gwr.mock import mock_snakemake

        snakemake = mock_snakemake("lda_choose")
    main(snakemake)  # noqa: F821
