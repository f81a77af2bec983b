"""The stock notebook recipe, for comparison with the workflow's topic model.

    python benchmarks/stock_recipe.py [--results results]

What a quick notebook does with these reports: raw `jieba.lcut`, a tiny stopword list, one
gensim `LdaModel` with K=10 (default training, a fixed seed), on the same paragraphs the workflow
models (results/corpus/text, the parts in segment.parts). It reports the coherence (c_npmi, c_v,
top 10 words) of the stock topics next to the chosen model's, whether any topic's top 10 holds a
generic boilerplate word (config/stopwords/government_boilerplate.txt), and the time the recipe
takes. Run it after `snakemake --cores all`. Writes results/benchmarks/lda_quality.csv.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import yaml  # noqa: E402
from gwr.dictionary import read_word_list  # noqa: E402
from gwr.io import read_csv, read_jsonl, write_csv  # noqa: E402
from gwr.lda import load_prepared  # noqa: E402

# What such notebooks typically drop: punctuation, whitespace and a handful of function words.
TINY_STOPWORDS = set("的了和是在等与及对为将把被中上下也都并而或其之以于")
STOCK_K = 10
STOCK_SEED = 1


def stock_tokens(text: str, jieba) -> list[str]:
    return [
        word
        for word in jieba.lcut(text)
        if word.strip() and word not in TINY_STOPWORDS and any(c.isalnum() for c in word)
    ]


def top_words(model, topn: int = 10) -> list[list[str]]:
    return [[w for w, _ in model.show_topic(t, topn=topn)] for t in range(model.num_topics)]


def coherences(topics, texts, dictionary) -> dict[str, float]:
    from gensim.models import CoherenceModel

    return {
        measure: CoherenceModel(
            topics=topics, texts=texts, dictionary=dictionary, coherence=measure, processes=1
        ).get_coherence()
        for measure in ("c_npmi", "c_v")
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=ROOT / "results")
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text("utf-8"))
    parts = set(config["segment"]["parts"])
    paragraphs = [
        record["text"]
        for path in sorted((args.results / "corpus" / "text").glob("*.jsonl"))
        for record in read_jsonl(path)
        if record["part"] in parts
    ]
    boilerplate = read_word_list([ROOT / "config" / "stopwords" / "government_boilerplate.txt"])

    start = time.perf_counter()
    import jieba
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    jieba.setLogLevel(60)
    texts = [stock_tokens(text, jieba) for text in paragraphs]
    texts = [t for t in texts if t]
    dictionary = Dictionary(texts)
    corpus = [dictionary.doc2bow(t) for t in texts]
    model = LdaModel(corpus, num_topics=STOCK_K, id2word=dictionary, random_state=STOCK_SEED)
    seconds = time.perf_counter() - start
    stock_topics = top_words(model)
    stock = coherences(stock_topics, texts, dictionary)
    # The same stock model judged on its content: its top 10 words that are not boilerplate.
    content_topics = [
        [w for w, _ in model.show_topic(t, topn=200) if w not in boilerplate][:10]
        for t in range(model.num_topics)
    ]
    stock_content = coherences(content_topics, texts, dictionary)

    # The workflow's chosen model, on its own tokens (what it was trained on).
    chosen = json.loads((args.results / "lda" / "chosen.json").read_text("utf-8"))
    ours_dictionary, _, ours_texts = load_prepared(str(args.results / "lda" / "corpus"))
    topics = [
        [
            row["term"]
            for row in read_csv(args.results / "lda" / "chosen" / "topics.csv")
            if row["topic"] == str(t) and row["ranking"] == "weight"
        ][:10]
        for t in range(1, chosen["k"] + 1)
    ]
    ours = coherences(topics, [t["tokens"] for t in ours_texts], ours_dictionary)

    def generic(topic_lists):
        return sorted({w for topic in topic_lists for w in topic if w in boilerplate})

    rows = [
        {
            "model": f"stock recipe (jieba.lcut, tiny stopwords, LdaModel K={STOCK_K})",
            "k": STOCK_K,
            "c_npmi": f"{stock['c_npmi']:.4f}",
            "c_v": f"{stock['c_v']:.4f}",
            "boilerplate_in_top10": " ".join(generic(stock_topics)),
            "seconds": f"{seconds:.2f}",
        },
        {
            "model": "stock recipe, boilerplate words skipped in its topics",
            "k": STOCK_K,
            "c_npmi": f"{stock_content['c_npmi']:.4f}",
            "c_v": f"{stock_content['c_v']:.4f}",
            "boilerplate_in_top10": "",
            "seconds": "",
        },
        {
            "model": f"workflow's chosen model (seed {chosen['kept_seed']})",
            "k": chosen["k"],
            "c_npmi": f"{ours['c_npmi']:.4f}",
            "c_v": f"{ours['c_v']:.4f}",
            "boilerplate_in_top10": " ".join(generic(topics)),
            "seconds": "",
        },
    ]
    out = args.results / "benchmarks" / "lda_quality.csv"
    write_csv(out, list(rows[0]), rows)
    print(f"{len(paragraphs)} paragraphs")
    for row in rows:
        print(
            f"  {row['model']:<62} K={row['k']:<3} c_npmi {row['c_npmi']:>8}  c_v {row['c_v']}"
            f"  boilerplate in top 10: {row['boilerplate_in_top10'] or 'none'}"
        )
    print(f"stock recipe took {seconds:.2f} s; written: {out}")


if __name__ == "__main__":
    main()
