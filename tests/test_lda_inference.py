"""The batched E-step (lda.inference: batched, gwr/lda_inference.py) against gensim's own
(`LdaModel.inference`, one document at a time): the same draws, the same documents' topics, the
same fitted topics, the same perplexity; on the seed's paragraphs and on the 31 provinces'."""

import copy
from collections import Counter

import numpy as np
import pytest
from conftest import ROOT, SEED
from gwr.lda_inference import (
    INFERENCE,
    ArrayCorpus,
    BatchedLdaModel,
    ContinuedLdaModel,
    batched_inference,
    model_class,
    perplexity,
    plain,
)
from gwr.segment import segment_report, segmenter_from_config
from gwr.split import paragraph_records, split_corpus
from lda_sweep import equal_chunksize, matched_similarity, topic_terms, train


def bags(corpus, config, cache_dir):
    """The gensim dictionary and bags of words of the corpus's paragraphs, filtered as the
    shipped config filters them (lda.no_below, no_above, min_doc_tokens)."""
    from gensim.corpora import Dictionary

    segmenter, _ = segmenter_from_config(corpus, config, ROOT, cache_dir)
    texts = [
        record["tokens"]
        for report in corpus.reports
        for record in segment_report(paragraph_records(report), segmenter, Counter())
        if record["tokens"]
    ]
    lda = config["lda"]
    dictionary = Dictionary(texts)
    dictionary.filter_extremes(lda["no_below"], lda["no_above"], lda["keep_n"])
    bows = [dictionary.doc2bow(tokens) for tokens in texts]
    bows = [bow for bow in bows if sum(c for _, c in bow) >= lda["min_doc_tokens"]]
    return dictionary, bows


@pytest.fixture(scope="module")
def seed_bags(settings, config, tmp_path_factory):
    return bags(split_corpus([str(SEED)], settings), config, tmp_path_factory.mktemp("seg"))


def fit_both(dictionary, bows, config, k: int):
    settings = dict(config["lda"])
    return {
        name: train(bows, dictionary, k, 1, {**settings, "inference": name}) for name in INFERENCE
    }


def assert_same_topics(models, topn: int):
    ours, theirs = (models[name].get_topics() for name in INFERENCE)
    assert matched_similarity(ours, theirs) >= 0.99999
    cosine = (ours * theirs).sum(1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosine.min() >= 0.9999  # topic by topic, in the same order
    assert [set(t) for t in topic_terms(models["batched"], topn)] == [
        set(t) for t in topic_terms(models["gensim"], topn)
    ]


def test_the_default_is_batched(config):
    assert INFERENCE[0] == config["lda"]["inference"] == "batched"
    assert model_class("batched") is BatchedLdaModel
    assert model_class("gensim") is ContinuedLdaModel  # gensim's E-step
    with pytest.raises(ValueError, match="lda.inference"):
        model_class("mallet")


def test_one_chunk_as_gensim_infers_it(seed_bags, config):
    """The same gamma and sufficient statistics for a chunk (an empty document included), and
    the generator left where gensim leaves it."""
    dictionary, bows = seed_bags
    model = fit_both(dictionary, bows, config, 6)["gensim"]
    chunk = bows[:120] + [[]] + bows[120:150]
    ours, theirs = copy.deepcopy(model), copy.deepcopy(model)
    gamma, sstats = batched_inference(ours, chunk, collect_sstats=True)
    expected_gamma, expected_sstats = theirs.inference(chunk, collect_sstats=True)
    assert gamma.dtype == expected_gamma.dtype == model.dtype
    assert np.allclose(gamma, expected_gamma, rtol=1e-3)
    assert np.allclose(sstats, expected_sstats, rtol=1e-3, atol=1e-6 * sstats.max())
    assert np.array_equal(gamma[120], model.alpha)  # the empty document
    assert np.array_equal(ours.random_state.get_state()[1], theirs.random_state.get_state()[1])
    assert batched_inference(copy.deepcopy(model), chunk)[1] is None


def test_blocks_of_documents_change_nothing(seed_bags, config, monkeypatch):
    """A long chunk is updated in blocks of at most BLOCK_PAIRS pairs (memory): the same values
    to the last bit as one block."""
    from gwr import lda_inference

    dictionary, bows = seed_bags
    model = fit_both(dictionary, bows, config, 6)["batched"]
    chunk = bows[:100] + [[]] + bows[100:]
    whole = batched_inference(copy.deepcopy(model), chunk, collect_sstats=True)
    longest = max(map(len, chunk))
    monkeypatch.setattr(lda_inference, "BLOCK_PAIRS", longest + 3)
    assert len(list(lda_inference._blocks(np.cumsum([0, *map(len, chunk)])))) > 20
    blocked = batched_inference(copy.deepcopy(model), chunk, collect_sstats=True)
    assert np.array_equal(whole[0], blocked[0]) and np.array_equal(whole[1], blocked[1])


def test_a_fit_gives_gensims_topics_on_the_seed(seed_bags, config):
    dictionary, bows = seed_bags
    assert len(bows) > 150
    models = fit_both(dictionary, bows, config, 10)
    assert_same_topics(models, config["lda"]["coherence_topn"])
    assert type(models["batched"]) is BatchedLdaModel


def test_a_fit_gives_gensims_topics_on_the_provinces(provinces, settings, config, tmp_path):
    dictionary, bows = bags(split_corpus([str(p) for p in provinces], settings), config, tmp_path)
    assert len(bows) > 2_000
    models = fit_both(dictionary, bows, config, 10)
    assert_same_topics(models, config["lda"]["coherence_topn"])


def test_perplexity_is_gensims(seed_bags, config):
    dictionary, bows = seed_bags
    model = fit_both(dictionary, bows, config, 6)["gensim"]
    expected = 2 ** (-copy.deepcopy(model).log_perplexity(bows))
    chunksize = equal_chunksize(len(bows), 70)  # several chunks
    assert chunksize < len(bows)
    for name in INFERENCE:
        value = perplexity(copy.deepcopy(model), bows, name, chunksize)
        assert value == pytest.approx(expected, rel=1e-5)


def test_array_corpus_holds_the_same_bags(seed_bags):
    _, bows = seed_bags
    corpus = ArrayCorpus(bows + [[]])
    assert len(corpus) == len(bows) + 1
    read = [[(int(i), float(c)) for i, c in doc] for doc in corpus]
    assert read == [[(i, float(c)) for i, c in bow] for bow in bows] + [[]]


def test_the_saved_model_is_gensims_own(seed_bags, config, tmp_path):
    from gensim.models import LdaModel

    dictionary, bows = seed_bags
    model = fit_both(dictionary, bows, config, 6)["batched"]
    plain(model).save(str(tmp_path / "lda.gensim"))
    loaded = LdaModel.load(str(tmp_path / "lda.gensim"))
    assert type(loaded) is LdaModel and type(model) is BatchedLdaModel
    assert np.array_equal(loaded.get_topics(), model.get_topics())


@pytest.mark.parametrize("inference", INFERENCE)
def test_a_continued_fit_is_the_longer_fit(seed_bags, config, inference):
    """The sweep's screening fit (few passes) is continued to the refined fit's passes: the
    same model, bit for bit, as a fit of all the passes at once."""
    dictionary, bows = seed_bags
    settings = {**config["lda"], "inference": inference}
    corpus = ArrayCorpus(bows)
    whole = train(corpus, dictionary, 8, 2, {**settings, "passes": 6})
    part = train(corpus, dictionary, 8, 2, {**settings, "passes": 2})
    assert not np.array_equal(part.get_topics(), whole.get_topics())
    part.continue_fit(corpus, 2, 6)
    assert part.passes == whole.passes == 6
    assert np.array_equal(part.get_topics(), whole.get_topics())
    assert np.array_equal(part.alpha, whole.alpha) and np.array_equal(part.eta, whole.eta)
    assert part.state.numdocs == whole.state.numdocs and part.num_updates == whole.num_updates
    assert np.array_equal(part.random_state.get_state()[1], whole.random_state.get_state()[1])
    # gensim's own update() called again is another training (the reason for continue_fit)
    again = train(corpus, dictionary, 8, 2, {**settings, "passes": 2})
    LdaModel_update = super(ContinuedLdaModel, again).update
    LdaModel_update(corpus, passes=4)
    assert not np.allclose(again.get_topics(), whole.get_topics(), rtol=1e-4)
