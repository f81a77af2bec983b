"""Policy attention: how a report divides its attention among the domains of the codebook.

The codebook (config/attention/codebook.yaml) names 15-20 policy domains, each with seed terms.
Every paragraph of the parts `parts` (by default the review, the plans, the government's own
conduct, and the whole text of a report without numbered parts: not the opening address and the
closing appeal, not the appendix; headings on lines of their own are not paragraphs) gets one
domain, or `none`, in two stages:

1. **Seed scores.** The paragraph's text is scanned for the codebook's terms, longest first and
   without overlap (粮食安全 is one match, for agriculture: not 安全 for security). A domain's
   score is its number of matches. The paragraph's seed label is the domain of the highest
   score, when it reaches `min_score` and exceeds the runner-up's by the factor `margin`.
2. **A classifier taught by the seeds** (`method: classifier`): a multinomial naive Bayes
   (scikit-learn, smoothing `alpha`) learns, from the paragraphs that have a seed label, which
   character n-grams (`ngram`) go with each domain, and then labels every paragraph by its
   whole wording — also those that name no seed term or several domains alike. With
   `method: seeds` the seed labels are the result (a paragraph without one is `none`).

`score` is the chosen domain's share of the paragraph's seed matches (1: every seed term found
is the domain's; 0: the wording alone decided, no seed term of it is there); `evidence` lists
the seed terms found, so that every label can be read against its text. (The classifier's own
probabilities are not given: naive Bayes over a paragraph's hundreds of n-grams puts nearly all
of it on one domain, which says nothing about how sure the label is.)

A report's attention to a domain is the share of its classified characters in paragraphs of
that domain (`none` included: the shares of a report add up to 1); its interval resamples the
report's paragraphs (gwr.shares).

**The check against the reports' own headings** (`heading_check`): a section heading names its
domain (（五）全面推进乡村振兴 → agriculture). Each paragraph under a heading whose seed terms
point to one or more domains is classified again — by the whole method, on a corpus in which
every heading's words are gone (a paragraph whose lead sentence is its heading loses that
sentence; the headings on lines of their own are not classified anyway) — and compared with the
heading's domains: right when it is one of them. A heading that names no domain is skipped.
"""

import dataclasses
import re
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

from gwr.io import InputError
from gwr.settings import fields_from_params

NONE = "none"
DOMAIN_KEYS = ("code", "name_zh", "name_en", "cap", "description", "headings", "terms")
METHODS = ("seeds", "classifier")
PARAGRAPH_COLUMNS = [
    "report_id",
    "label",
    "index",
    "domain",
    "score",
    "part",
    "section",
    "characters",
    "seed_domain",
    "evidence",
]
SHARE_COLUMNS = [
    "report_id",
    "label",
    "region",
    "year",
    "domain",
    "share",
    "ci_low",
    "ci_high",
    "domain_zh",
    "domain_en",
    "characters",
    "paragraphs",
]
CHECK_COLUMNS = ["check", "paragraphs", "skipped", "accuracy", "macro_f1"]
DECIMALS = 4
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


@dataclasses.dataclass(frozen=True)
class Domain:
    code: str
    name_zh: str
    name_en: str
    cap: tuple[int, ...]
    description: str
    headings: tuple[str, ...]
    terms: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Codebook:
    domains: list[Domain]
    # Heading words that name several domains at once: {term: domains} (the heading check only).
    umbrellas: dict[str, tuple[str, ...]]

    def name_zh(self, code: str) -> str:
        names = {d.code: d.name_zh for d in self.domains}
        return names.get(code, "未归类" if code == NONE else code)

    def name_en(self, code: str) -> str:
        names = {d.code: d.name_en for d in self.domains}
        return names.get(code, "no domain" if code == NONE else code)


def read_codebook(path: str | Path) -> Codebook:
    """The codebook of a file; an InputError naming the file and the fault otherwise."""
    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InputError(f"{where}: cannot read the codebook ({error}); fix the file") from None
    entries = data.get("domains") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{where}: the codebook needs a list `domains:`; see its header")
    domains: list[Domain] = []
    owner: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in DOMAIN_KEYS if not isinstance(entry, dict) or key not in entry]
        if missing:
            raise InputError(f"{where}: domain {number} lacks {', '.join(missing)}")
        code = str(entry["code"])
        if code == NONE or code in {d.code for d in domains}:
            raise InputError(f"{where}: domain code {code!r} is taken; give each domain its own")
        terms = tuple(str(term) for term in entry["terms"])
        if not terms:
            raise InputError(f"{where}: domain {code} has no terms")
        for term in terms:
            if term in owner:
                raise InputError(
                    f"{where}: the term {term!r} is under both {owner[term]} and {code}; "
                    "a term may mark one domain only"
                )
            owner[term] = code
        domains.append(
            Domain(
                code=code,
                name_zh=str(entry["name_zh"]),
                name_en=str(entry["name_en"]),
                cap=tuple(int(c) for c in entry["cap"] or ()),
                description=str(entry["description"]),
                headings=tuple(str(h) for h in entry["headings"] or ()),
                terms=terms,
            )
        )
    codes = {d.code for d in domains}
    umbrellas: dict[str, tuple[str, ...]] = {}
    for entry in data.get("umbrellas") or ():
        if not isinstance(entry, dict) or "term" not in entry or "domains" not in entry:
            raise InputError(f"{where}: each of `umbrellas` needs a term and its domains")
        unknown = sorted(set(entry["domains"]) - codes)
        if unknown:
            raise InputError(
                f"{where}: umbrella {entry['term']!r} names unknown domains {', '.join(unknown)}"
            )
        umbrellas[str(entry["term"])] = tuple(entry["domains"])
    return Codebook(domains, umbrellas)


@dataclasses.dataclass(frozen=True)
class Settings:
    """The attention parameters (config section `attention`)."""

    method: str
    min_score: int
    margin: float
    alpha: float
    ngram: tuple[int, int]
    parts: tuple[str, ...]
    bootstrap: int
    bootstrap_seed: int
    interval: float

    @classmethod
    def from_params(cls, params) -> "Settings":
        return cls(**fields_from_params(cls, params))


class SeedMatcher:
    """The codebook's terms in one regular expression, longest first."""

    def __init__(self, domains: list[Domain]):
        self.codes = [d.code for d in domains]
        self.domain_of = {term: d.code for d in domains for term in d.terms}
        ordered = sorted(self.domain_of, key=lambda term: (-len(term), term))
        self.pattern = re.compile("|".join(re.escape(term) for term in ordered))

    def terms(self, text: str) -> Counter:
        return Counter(self.pattern.findall(text))

    def scores(self, text: str) -> Counter:
        return self.domain_scores(self.terms(text))

    def domain_scores(self, terms: Counter) -> Counter:
        """Each domain's number of matches among `terms` (a Counter of `terms()`)."""
        found = Counter()
        for term, count in terms.items():
            found[self.domain_of[term]] += count
        return found


def seed_label(scores: Counter, settings: Settings) -> str:
    """The domain of the highest seed score, if it reaches min_score and beats the runner-up by
    the factor `margin`; else ''."""
    if not scores:
        return ""
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    top, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if best >= settings.min_score and best > settings.margin * runner_up:
        return top
    return ""


def evidence(terms: Counter) -> str:
    """The seed terms of a paragraph, most frequent first: `乡村振兴×2 农业×1`."""
    ranked = sorted(terms.items(), key=lambda item: (-item[1], item[0]))
    return " ".join(f"{term}×{count}" for term, count in ranked)


def character_ngrams(text: str, sizes: tuple[int, int]) -> list[str]:
    """The character n-grams (n from sizes[0] to sizes[1]) of the Chinese runs of a text:
    digits, Latin letters and punctuation break a run."""
    low, high = sizes
    grams: list[str] = []
    for run in CJK_RUN.findall(text):
        for n in range(low, high + 1):
            if n == 1:
                grams.extend(run)
            elif n == 2:  # the common case, without a slice per gram
                grams.extend(map(str.__add__, run[:-1], run[1:]))
            else:
                grams.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return grams


def classify(texts: list[str], matcher: SeedMatcher, settings: Settings) -> list[dict]:
    """Per text: domain, score, seed_domain, evidence (see the module's docstring)."""
    found = [matcher.terms(text) for text in texts]
    scores = [matcher.domain_scores(terms) for terms in found]
    seeds = [seed_label(score, settings) for score in scores]
    rows = [
        {
            "seed_domain": seed,
            "evidence": evidence(terms),
            "domain": seed or NONE,
        }
        for terms, score, seed in zip(found, scores, seeds, strict=True)
    ]
    taught = [i for i, seed in enumerate(seeds) if seed]
    if settings.method == "seeds" or len({seeds[i] for i in taught}) < 2:
        # (A classifier needs two domains to tell apart: with fewer the seed labels stand.)
        return _scored(rows, scores)
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import MultinomialNB

    vectorizer = CountVectorizer(
        analyzer=lambda text: character_ngrams(text, settings.ngram), dtype=np.float64
    )
    matrix = vectorizer.fit_transform(texts)
    model = MultinomialNB(alpha=settings.alpha)
    model.fit(matrix[taught], [seeds[i] for i in taught])
    for row, predicted in zip(rows, model.predict(matrix), strict=True):
        row["domain"] = str(predicted)
    return _scored(rows, scores)


def _scored(rows: list[dict], scores: list[Counter]) -> list[dict]:
    for row, score in zip(rows, scores, strict=True):
        total = sum(score.values())
        row["score"] = score[row["domain"]] / total if total else 0.0
    return rows


def body_paragraphs(records: list[dict], parts: tuple[str, ...]) -> list[dict]:
    """The paragraphs to classify: those of the parts `parts`, headings on lines of their own
    left out."""
    return [r for r in records if r["part"] in parts and not r["heading"]]


def heading_domains(
    section: list[str], matcher: SeedMatcher, umbrellas: dict[str, tuple[str, ...]]
) -> tuple[str, set[str]]:
    """(the heading, its domains) of a paragraph: the deepest heading of its section path whose
    seed terms name domains, with the domains of its highest seed score (several on a tie) and
    those of any umbrella word in it; ('', set()) when no heading names one."""
    for heading in reversed(section):
        scores = matcher.scores(heading)
        if scores:
            best = max(scores.values())
            domains = {code for code, score in scores.items() if score == best}
            for term, covered in umbrellas.items():
                if term in heading:
                    domains.update(covered)
            return heading, domains
    return "", set()


def without_heading(record: dict) -> str:
    """A paragraph's text without its heading's words: the lead sentence goes when it is the
    section's last heading (a long numbered line, split as a paragraph that names its
    section)."""
    text = record["text"]
    section = record["section"]
    if section and text.startswith(section[-1]):
        return text[len(section[-1]) :].lstrip("。；：:，, ")
    return text


def heading_check(
    reports: dict[str, list[dict]],
    matcher: SeedMatcher,
    umbrellas: dict[str, tuple[str, ...]],
    settings: Settings,
):
    """(check row, per-paragraph rows) of the heading check over a corpus's reports
    ({report_id: body paragraphs})."""
    keys, texts, expected = [], [], []
    skipped = 0
    for report_id, paragraphs in reports.items():
        for record in paragraphs:
            texts.append(without_heading(record))
            heading, domains = heading_domains(record["section"], matcher, umbrellas)
            keys.append((report_id, record["index"], heading))
            expected.append(domains)
    labels = classify(texts, matcher, settings)
    pairs = []
    details = []
    for key, domains, label in zip(keys, expected, labels, strict=True):
        if not domains:
            skipped += 1
            continue
        predicted = label["domain"]
        truth = predicted if predicted in domains else sorted(domains)[0]
        pairs.append((truth, predicted))
        details.append(
            {
                "report_id": key[0],
                "index": key[1],
                "heading": key[2],
                "heading_domains": " ".join(sorted(domains)),
                "domain": predicted,
                "right": int(predicted in domains),
            }
        )
    accuracy, macro_f1 = agreement(pairs)
    check = {
        "check": "headings",
        "paragraphs": len(pairs),
        "skipped": skipped,
        "accuracy": _fixed(accuracy),
        "macro_f1": _fixed(macro_f1),
    }
    return check, details


def agreement(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    """Accuracy and macro-F1 (over the true classes) of (truth, predicted) pairs; NaN for none."""
    if not pairs:
        return float("nan"), float("nan")
    from sklearn.metrics import f1_score

    truth = [t for t, _ in pairs]
    predicted = [p for _, p in pairs]
    accuracy = sum(t == p for t, p in pairs) / len(pairs)
    macro = f1_score(truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0)
    return accuracy, float(macro)


def _fixed(value: float) -> str:
    return "" if value != value else f"{value:.{DECIMALS}f}"
