"""The interactive topic view (results/lda/topic_view.html, scripts/topic_view.py).

Its numbers: principal coordinates that reproduce Jensen–Shannon distances, relevance that ranks
by weight at λ = 1 and by lift at λ = 0 (as lda_choose ranks topics.csv), the seed's view
holding the seed's model, topics.csv, examples and shares, light and byte-identical when made
again. In headless Chromium (Debian's chromium through chromium-driver, as
tests/test_page_browser.py; skipped without them, failing in CI): the view fits a desktop and a
phone, moving the λ slider re-ranks the words exactly as Python ranks them, a click on a topic
shows its examples and its share by region, and markup in a region's name or a text never runs.
"""

import json
import math
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from gwr.io import InputError, read_csv
from test_page_browser import (  # noqa: F401  (browser: the module's headless Chromium)
    WIDTHS,
    browser,
    open_page,
    viewport,
    wide_elements,
)
from topic_view import (
    data_json,
    jensen_shannon_distances,
    principal_coordinates,
    rank_pool,
    relevance,
    render,
    term_shares,
    view_data,
)

VIEW_BYTES = 300_000
SETTINGS = {"relevance_lambda": 0.6, "relevance_pool": 8, "top_terms": 5, "shared_topics": 0.5}
INJECTED = '</script><script>window.__xss = 1</script><img src=x onerror="window.__xss=2">'
LAMBDAS = [i / 10 for i in range(11)]


@pytest.fixture
def chromium(request):
    return request.getfixturevalue("browser")


# --- toy data ------------------------------------------------------------------------------------


class ToyModel:
    """What the view asks of a gensim LdaModel."""

    def __init__(self, topic_word):
        self.topic_word = np.asarray(topic_word, dtype=float)
        self.num_topics, self.num_terms = self.topic_word.shape

    def get_topics(self):
        return self.topic_word


def toy_inputs(label: str = "东城区", text: str = "推进养老服务和就业。"):
    """A 3-topic model of 12 terms and the tables lda_choose and lda_shares would write for it
    (topics.csv by lda_choose's own `describe_topics`)."""
    from lda_choose import describe_topics

    rng = np.random.default_rng(7)
    topic_word = rng.dirichlet(np.full(12, 0.3), size=3)
    dictionary = [f"词{i:02d}" for i in range(12)]
    corpus = [[(w, int(c)) for w, c in enumerate(rng.integers(0, 6, 12)) if c] for _ in range(5)]
    share = term_shares(corpus, 12)
    model = ToyModel(topic_word)
    rows, labels, _ = describe_topics(model, dictionary, share, {**SETTINGS, "label_terms": 2})
    reports = [
        {"report_id": "r1", "label": "北京市", "characters": "2000"},
        {"report_id": "r2", "label": label, "characters": "1000"},
    ]
    shares, examples = [], []
    for number, report in enumerate(reports):
        vector = [0.5, 0.3, 0.2] if number == 0 else [0.1, 0.3, 0.6]
        for t, value in enumerate(vector):
            shares.append(
                {
                    "report_id": report["report_id"],
                    "label": report["label"],
                    "topic": str(t + 1),
                    "topic_label": labels[t],
                    "share": f"{value:.6f}",
                    "ci_low": f"{value / 2:.6f}",
                    "ci_high": f"{min(1, value * 1.5):.6f}",
                }
            )
            examples.append(
                {
                    "topic": str(t + 1),
                    "topic_label": labels[t],
                    "rank": str(number + 1),
                    "report_id": report["report_id"],
                    "label": report["label"],
                    "index": "3",
                    "section": "一、工作回顾",
                    "share": "0.900000",
                    "text": f"{text} ({t + 1})",
                }
            )
    chosen = {"k": 3, "labels": labels, "reason_zh": "理由", "reason_en": "why"}
    return model, dictionary, share, chosen, rows, shares, examples, reports


# --- the map -------------------------------------------------------------------------------------


def test_jensen_shannon_distances_are_scipys():
    from scipy.spatial.distance import jensenshannon

    p = np.random.default_rng(1).dirichlet(np.ones(30), size=5)
    p[2, :10] = 0  # zeros where another topic is not 0
    p[2] /= p[2].sum()
    distances = jensen_shannon_distances(p)
    expected = [[jensenshannon(a, b, base=2) for b in p] for a in p]
    assert np.allclose(distances, expected, atol=1e-12)
    assert np.all(distances <= 1) and np.allclose(np.diag(distances), 0)


def pairwise(points: np.ndarray) -> np.ndarray:
    return np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)


def test_principal_coordinates_reproduce_jensen_shannon_distances():
    """Three topics: any three distances that obey the triangle inequality lie in a plane, so
    the map keeps them exactly."""
    p = np.random.default_rng(2).dirichlet(np.full(40, 0.5), size=3)
    distances = jensen_shannon_distances(p)
    coordinates, kept = principal_coordinates(distances)
    assert np.allclose(pairwise(coordinates), distances, atol=1e-12)
    assert kept == pytest.approx(1.0)
    assert np.allclose(coordinates.mean(axis=0), 0, atol=1e-12)  # centred


def test_principal_coordinates_of_a_plane_and_their_signs():
    """Points of a plane come back (up to rotation) with all of the variance, each axis's first
    nonzero coordinate positive; points in more dimensions keep less."""
    square = np.array([[0.0, 0], [3, 0], [3, 1], [0, 1]])
    coordinates, kept = principal_coordinates(pairwise(square))
    assert np.allclose(pairwise(coordinates), pairwise(square), atol=1e-12)
    assert kept == pytest.approx(1.0)
    for axis in range(2):
        column = coordinates[:, axis]
        assert column[np.flatnonzero(np.abs(column) > 1e-9)[0]] > 0
    simplex = np.eye(4)  # a regular tetrahedron: three equal axes, the map keeps two
    _, kept = principal_coordinates(pairwise(simplex))
    assert kept == pytest.approx(2 / 3)
    one, kept = principal_coordinates(np.zeros((1, 1)))
    assert one.shape == (1, 2) and kept == 1.0


# --- relevance -----------------------------------------------------------------------------------


def toy_pool():
    """A topic's pool: [term index, log p(w|t)] and the terms [id, term, log p(w), shared]."""
    phi = [0.4, 0.3, 0.2, 0.1]
    pw = [0.2, 0.01, 0.05, 0.0]
    shared = [0, 0, 1, 0]
    terms = [[10 + i, f"t{i}", math.log(pw[i]) if pw[i] else None, shared[i]] for i in range(4)]
    return [[i, math.log(phi[i])] for i in range(4)], terms


def test_relevance_at_one_ranks_by_weight_at_zero_by_lift():
    pool, terms = toy_pool()
    # λ = 1: weight (the word no modelled document holds ranks last all the same).
    assert rank_pool(pool, terms, 1.0, shared_last=False) == ["t0", "t1", "t2"] + ["t3"]
    # λ = 0: lift p(w|t)/p(w): t1 30, t2 4, t0 2.
    assert rank_pool(pool, terms, 0.0, shared_last=False) == ["t1", "t2", "t0", "t3"]
    # The shared word last.
    assert rank_pool(pool, terms, 0.0) == ["t1", "t0", "t3", "t2"]
    assert relevance(math.log(0.1), None, 0.5) == -math.inf


def test_relevance_and_term_shares_are_lda_choose_s():
    from lda_choose import relevance_ranking
    from lda_choose import term_shares as choose_shares

    model, _, share, *_ = toy_inputs()
    corpus = [[(0, 3), (2, 1)], [(1, 2), (2, 2), (5, 1)]]
    assert np.array_equal(term_shares(corpus, 6), choose_shares(corpus, 6))
    share = share.copy()
    share[4] = 0.0
    for lam in (0.0, 0.6, 1.0):
        with np.errstate(invalid="ignore"):  # λ = 1 and p(w) = 0: 0 · ∞, masked there
            expected = relevance_ranking(model.get_topics(), share, lam)
        for t in range(3):
            for w in range(12):
                log_share = math.log(share[w]) if share[w] > 0 else None
                got = relevance(math.log(model.get_topics()[t, w]), log_share, lam)
                assert got == pytest.approx(expected[t, w], abs=1e-12) or (
                    got == expected[t, w] == -math.inf
                )


def test_view_data_of_a_toy_model():
    inputs = toy_inputs()
    model, dictionary, share, chosen, rows, shares, examples, reports = inputs
    data = view_data(*inputs, SETTINGS)
    assert data["k"] == 3 and data["reports"] == ["北京市", "东城区"]
    assert [t["label"] for t in data["topics"]] == chosen["labels"]
    # Sizes: report shares weighted by characters (2000 and 1000).
    sizes = [t["size"] for t in data["topics"]]
    assert sizes == pytest.approx([(2 * 0.5 + 0.1) / 3, 0.3, (2 * 0.2 + 0.6) / 3], abs=1e-6)
    for t, topic in enumerate(data["topics"]):
        assert len(topic["pool"]) == SETTINGS["relevance_pool"]
        relevance_rows = [
            r["term"] for r in rows if r["ranking"] == "relevance" and r["topic"] == t + 1
        ]
        weight_rows = [r["term"] for r in rows if r["ranking"] == "weight" and r["topic"] == t + 1]
        top = SETTINGS["top_terms"]
        assert rank_pool(topic["pool"], data["terms"], 0.6)[:top] == relevance_rows
        assert rank_pool(topic["pool"], data["terms"], 1.0, False)[:top] == weight_rows
        assert topic["examples"][0]["text"] == f"推进养老服务和就业。 ({t + 1})"
        assert [s[0] for s in topic["shares"]] == [
            float(r["share"]) for r in shares if r["topic"] == str(t + 1)
        ]


def test_inconsistent_inputs_are_one_line_errors():
    model, dictionary, share, chosen, rows, shares, examples, reports = toy_inputs()
    cases = [
        ({**chosen, "k": 4}, rows, shares, reports, "K=4"),
        (chosen, rows, shares, reports[:1], "reports.csv does not list"),
        (chosen, rows, shares[:-1], reports, "topic shares, not 3"),
        (chosen, [{**r, "term": "别的"} for r in rows], shares, reports, "not of this model"),
        (chosen, rows, [{**r, "topic_label": "x"} for r in shares], reports, "otherwise"),
    ]
    for chosen_, rows_, shares_, reports_, message in cases:
        with pytest.raises(InputError, match=message) as error:
            view_data(
                model, dictionary, share, chosen_, rows_, shares_, examples, reports_, SETTINGS
            )
        assert "\n" not in str(error.value)
    with pytest.raises(InputError, match="no tokens"):
        term_shares([[]], 3)


def test_data_json_cannot_end_its_element():
    text = data_json({"label": INJECTED, "b": [1.5, None], "a": "<!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"label": INJECTED, "b": [1.5, None], "a": "<!--"}
    assert text.index('"a"') < text.index('"b"') < text.index('"label"')  # keys sorted


# --- the seed's view -----------------------------------------------------------------------------


def embedded(page: Path) -> dict:
    html = page.read_text("utf-8")
    match = re.search(r'<script type="application/json" id="topic-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def seed_view(seed_run):
    from gwr.lda import load_model

    results = seed_run / "results"
    page = results / "lda" / "topic_view.html"
    chosen = json.loads((results / "lda" / "chosen.json").read_text("utf-8"))
    return SimpleNamespace(
        root=seed_run,
        page=page,
        data=embedded(page),
        chosen=chosen,
        model=load_model(results / "lda" / "chosen" / "model"),
        topics=read_csv(results / "lda" / "chosen" / "topics.csv"),
        examples=read_csv(results / "lda" / "chosen" / "examples.csv"),
        shares=read_csv(results / "lda" / "chosen" / "report_topic_shares.csv"),
        reports=read_csv(results / "corpus" / "reports.csv"),
    )


def seed_settings():
    from conftest import SHIPPED_CONFIG

    lda = SHIPPED_CONFIG["lda"]
    return {key: lda[key] for key in SETTINGS}


def ranked_rows(rows: list[dict], topic: int, ranking: str) -> list[str]:
    return [r["term"] for r in rows if r["topic"] == str(topic) and r["ranking"] == ranking]


@pytest.mark.workflow
def test_seed_view_is_light_self_contained_and_reproducible(seed_view):
    from topic_view import load_view_data

    html = seed_view.page.read_text("utf-8")
    assert seed_view.page.stat().st_size < VIEW_BYTES
    # Nothing from the network: no external source, link or import; a CSP forbids it anyway.
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html and "script-src 'sha256-" in html
    assert 'name="viewport"' in html
    for text in ("主题距离图", "Intertopic distance map", "λ 相关度权重", "relevance weight"):
        assert text in html
    # Made again from the same inputs: the same bytes.
    results = seed_view.root / "results"
    inputs = {
        "model": results / "lda" / "chosen" / "model",
        "corpus": results / "lda" / "corpus",
        "chosen": results / "lda" / "chosen.json",
        "topics": results / "lda" / "chosen" / "topics.csv",
        "examples": results / "lda" / "chosen" / "examples.csv",
        "shares": results / "lda" / "chosen" / "report_topic_shares.csv",
        "reports": results / "corpus" / "reports.csv",
    }
    again = render(load_view_data(inputs, seed_settings()))
    assert again.encode("utf-8") == seed_view.page.read_bytes()


@pytest.mark.workflow
def test_seed_view_holds_the_model_and_its_tables(seed_view):
    data, settings = seed_view.data, seed_settings()
    k = seed_view.chosen["k"]
    assert data["k"] == k == len(data["topics"])
    assert [t["label"] for t in data["topics"]] == seed_view.chosen["labels"]
    assert data["lambda"] == settings["relevance_lambda"]
    top = settings["top_terms"]
    for topic in data["topics"]:
        number = topic["topic"]
        assert len(topic["pool"]) == max(top, settings["relevance_pool"])
        # λ of the config, shared words last: topics.csv's relevance ranking; λ = 1: its weights.
        by_relevance = rank_pool(topic["pool"], data["terms"], settings["relevance_lambda"])
        assert by_relevance[:top] == ranked_rows(seed_view.topics, number, "relevance")
        by_weight = rank_pool(topic["pool"], data["terms"], 1.0, shared_last=False)
        assert by_weight[:top] == ranked_rows(seed_view.topics, number, "weight")
        assert [e["text"] for e in topic["examples"]] == [
            r["text"] for r in seed_view.examples if r["topic"] == str(number)
        ]
        assert [s[0] for s in topic["shares"]] == [
            float(r["share"]) for r in seed_view.shares if r["topic"] == str(number)
        ]
    shared = {row["term"] for row in seed_view.topics if row["shared"] == "yes"}
    assert {term for _, term, _, flag in data["terms"] if flag} == shared
    assert sum(t["size"] for t in data["topics"]) == pytest.approx(1, abs=1e-5)
    # The map: principal coordinates of the model's Jensen–Shannon distances.
    coordinates, kept = principal_coordinates(
        jensen_shannon_distances(seed_view.model.get_topics())
    )
    shown = np.array([[t["x"], t["y"]] for t in data["topics"]])
    assert np.allclose(shown, coordinates, atol=1e-6)
    assert data["map_kept"] == pytest.approx(kept, abs=1e-6) and 0 < kept <= 1


# --- in Chromium ---------------------------------------------------------------------------------


def shown_terms(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#terms li'),"
        " li => li.getAttribute('data-term'));"
    )


def check_fits(driver, width: int) -> None:
    size = viewport(driver)
    assert size["inner"] == width, size
    assert size["scroll"] <= size["inner"], (size, wide_elements(driver, width))


@pytest.mark.workflow
@pytest.mark.parametrize("width", WIDTHS)
def test_seed_view_in_chromium(seed_view, chromium, width):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver, data = chromium, seed_view.data
    top = data["top_terms"]
    open_page(driver, seed_view.page, width)
    check_fits(driver, width)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#map g.topic circle")) == data["k"]
    first = data["topics"][0]
    assert shown_terms(driver) == rank_pool(first["pool"], data["terms"], data["lambda"])[:top]

    # The slider moved to each end (keys, as a reader would): the ranking follows.
    slider = driver.find_element(By.ID, "lambda")
    slider.send_keys(Keys.HOME)
    assert driver.find_element(By.ID, "lambda-value").text == "0.00"
    at_zero = shown_terms(driver)
    assert at_zero == rank_pool(first["pool"], data["terms"], 0.0)[:top]
    slider.send_keys(Keys.END)
    at_one = shown_terms(driver)
    assert at_one == rank_pool(first["pool"], data["terms"], 1.0)[:top]
    assert at_zero != at_one
    # The JS's ranking is Python's for every topic, λ and choice of the shared words.
    for t, topic in enumerate(data["topics"]):
        for shared_last in (True, False):
            got = driver.execute_script(
                "return arguments[0].map("
                " l => window.topicView.rank(arguments[1], l, arguments[2]));",
                LAMBDAS,
                t,
                shared_last,
            )
            expected = [
                rank_pool(topic["pool"], data["terms"], lam, shared_last) for lam in LAMBDAS
            ]
            assert got == expected, (t, shared_last)

    # A click on a topic's circle (one not under another circle at its centre).
    target = driver.execute_script(
        "for (const g of document.querySelectorAll('#map g.topic')) {"
        " const t = Number(g.getAttribute('data-topic')); if (t === 0) continue;"
        " const r = g.querySelector('circle').getBoundingClientRect();"
        " g.scrollIntoView({block: 'center'});"
        " const q = g.querySelector('circle').getBoundingClientRect();"
        " const hit = document.elementFromPoint(q.x + q.width / 2, q.y + q.height / 2);"
        " if (hit && hit.closest('g.topic') === g) return t; }"
        "return null;"
    )
    assert target is not None
    circle = driver.find_element(By.CSS_SELECTOR, f'#map g.topic[data-topic="{target}"]')
    circle.click()
    check_topic_shown(driver, seed_view, target)
    # ... and on a topic's button.
    driver.find_element(By.CSS_SELECTOR, '#topic-buttons button[data-topic="0"]').click()
    check_topic_shown(driver, seed_view, 0)
    check_fits(driver, width)
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def check_topic_shown(driver, seed_view, t: int) -> None:
    """The topic's name, its words (at λ as the slider stands), its examples and its shares."""
    data = seed_view.data
    topic = data["topics"][t]
    state = driver.execute_script(
        "return {chosen: document.getElementById('selected-topic').textContent,"
        " lambda: parseFloat(document.getElementById('lambda').value),"
        " selected: Array.from(document.querySelectorAll('#map g.topic.selected'),"
        "  g => Number(g.getAttribute('data-topic'))),"
        " examples: Array.from(document.querySelectorAll('#examples .example-text'),"
        "  p => p.textContent),"
        " regions: Array.from(document.querySelectorAll('#shares .region'), s => s.textContent),"
        " values: Array.from(document.querySelectorAll('#shares .value'), s => s.textContent)};"
    )
    assert topic["label"] in state["chosen"] and state["selected"] == [t]
    assert (
        shown_terms(driver)
        == (rank_pool(topic["pool"], data["terms"], state["lambda"])[: data["top_terms"]])
    )
    expected = [r["text"] for r in seed_view.examples if r["topic"] == str(t + 1)]
    assert state["examples"] == expected and expected
    by_report = {r["report_id"]: r for r in seed_view.shares if r["topic"] == str(t + 1)}
    shares = [by_report[r["report_id"]] for r in seed_view.reports if r["report_id"] in by_report]
    assert state["regions"] == [r["label"] for r in shares]
    assert state["values"] == [f"{100 * float(r['share']):.1f}%" for r in shares]


@pytest.mark.parametrize("width", WIDTHS)
def test_markup_in_region_names_and_texts_never_runs(chromium, tmp_path, width):
    inputs = toy_inputs(label=INJECTED, text=INJECTED)
    page = tmp_path / "topic_view.html"
    page.write_text(render(view_data(*inputs, SETTINGS)), "utf-8")
    open_page(chromium, page, width)
    state = chromium.execute_script(
        "return {flag: window.__xss === undefined ? null : window.__xss,"
        " scripts: document.scripts.length, images: document.images.length,"
        " ready: typeof window.topicView, text: document.body.innerText};"
    )
    assert state["flag"] is None and state["images"] == 0
    assert state["scripts"] == 2 and state["ready"] == "object"  # the data and the view's script
    chromium.find_element("css selector", '#topic-buttons button[data-topic="1"]').click()
    text = chromium.execute_script("return document.body.innerText;")
    assert INJECTED in text  # shown as the text it is
    assert viewport(chromium)["scroll"] <= width
