"""The stock notebook recipe, end to end, as one process: what the workflow's speed is compared to.

    python benchmarks/stock_notebook.py SEED_FILE OUT_DIR
    python benchmarks/stock_notebook.py FOLDER OUT_DIR      # every *.txt of a folder of reports

Reads the text (or each one-report file of a folder, in name order), takes its lines of some
length as paragraphs, cuts them with raw `jieba.lcut`,
drops a tiny stopword list, fits one gensim `LdaModel` with K=10 (gensim's default training, a
fixed seed) and draws one heatmap (paragraph x topic) to OUT_DIR/stock_heatmap.png. The scale
benchmark (benchmarks/scale.py) times this whole process, imports included, as it times the
workflow's.
"""

import sys
from pathlib import Path

# What such notebooks typically do.
MIN_PARAGRAPH_CHARS = 20
TINY_STOPWORDS = set("的了和是在等与及对为将把被中上下也都并而或其之以于")
STOCK_K = 10
STOCK_SEED = 1
HEATMAP_ROWS = 60


def main() -> None:
    import jieba
    import matplotlib
    import numpy as np
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    jieba.setLogLevel(60)
    files = sorted(source.glob("*.txt")) if source.is_dir() else [source]
    lines = [
        line for path in files for line in path.read_text("utf-8", errors="replace").splitlines()
    ]
    paragraphs = [line.strip() for line in lines if len(line.strip()) >= MIN_PARAGRAPH_CHARS]
    texts = [
        [w for w in jieba.lcut(p) if w.strip() and w not in TINY_STOPWORDS] for p in paragraphs
    ]
    dictionary = Dictionary(texts)
    corpus = [dictionary.doc2bow(t) for t in texts]
    model = LdaModel(corpus, num_topics=STOCK_K, id2word=dictionary, random_state=STOCK_SEED)
    theta = np.array(
        [[p for _, p in model.get_document_topics(b, minimum_probability=0)] for b in corpus]
    )
    fig, ax = plt.subplots()
    ax.imshow(theta[:HEATMAP_ROWS], aspect="auto")
    ax.set_xlabel("topic")
    ax.set_ylabel("paragraph")
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "stock_heatmap.png")


if __name__ == "__main__":
    main()
