"""Deterministic corpora and query sets for the hidden tests (judge side, fixed seeds)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
TOPICS = ("billing", "shipping", "security", "onboarding", "storage", "search")
LANGS = ("en", "de", "fr")
COMMON = 1000


def vocabulary(size: int, seed: int) -> list[str]:
    """``size`` distinct made-up words of two or three syllables."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.choice((2, 3))
        words["".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))] = None
    return list(words)


@dataclass(frozen=True)
class Corpus:
    documents: list[dict[str, Any]]
    queries: list[dict[str, Any]]  # {"query", "relevant": [doc id], "filters"?}


def _text(rng: random.Random, words: int, pools: list[tuple[list[str], float]]) -> list[str]:
    lists = [pool for pool, _ in pools]
    weights = [weight for _, weight in pools]
    return [rng.choice(rng.choices(lists, weights)[0]) for _ in range(words)]


def make_corpus(seed: int, documents: int, words: tuple[int, int], queries: int = 0) -> Corpus:
    """Documents of common, topic and signature words; queries name one document each."""
    rng = random.Random(seed)
    vocab = vocabulary(COMMON + 150 * len(TOPICS) + 8 * documents, seed)
    common = vocab[:COMMON]
    topic_words = {
        t: vocab[COMMON + 150 * i : COMMON + 150 * (i + 1)] for i, t in enumerate(TOPICS)
    }
    signatures = vocab[COMMON + 150 * len(TOPICS) :]
    docs = []
    for number in range(documents):
        topic = TOPICS[number % len(TOPICS)]
        own = signatures[8 * number : 8 * number + 8]
        body = _text(rng, rng.randint(*words), [(common, 6.0), (topic_words[topic], 3.0)])
        for _ in range(rng.randint(1, 2)):  # a passage about the document's own subject
            passage = own + rng.sample(topic_words[topic], 5)
            rng.shuffle(passage)
            at = rng.randrange(len(body) + 1)
            body[at:at] = passage
        metadata = {"topic": topic, "year": 2015 + number % 9, "lang": LANGS[number % 3]}
        docs.append({"id": f"doc-{number:05d}", "text": " ".join(body), "metadata": metadata})
    return Corpus(docs, [_query(rng, docs, signatures, common) for _ in range(queries)])


def _query(
    rng: random.Random, docs: list[dict[str, Any]], signatures: list[str], common: list[str]
) -> dict[str, Any]:
    number = rng.randrange(len(docs))
    doc = docs[number]
    own = signatures[8 * number : 8 * number + 8]
    words = rng.sample(own, 4) + rng.sample(common, 1)
    rng.shuffle(words)
    query: dict[str, Any] = {"query": " ".join(words), "relevant": [doc["id"]]}
    if rng.random() < 0.4:
        query["filters"] = {"topic": doc["metadata"]["topic"]}
    return query


def documents_ranking(hits: list[dict[str, Any]]) -> list[str]:
    """Each document once, at the rank of its best chunk."""
    return list(dict.fromkeys(str(hit.get("doc_id")) for hit in hits))


def chunks_of(docs: list[dict[str, Any]], size: int, overlap: int) -> list[tuple[str, str]]:
    """(chunk id, text) of every chunk, as the brief's ``chunk_text`` and ``build_index`` say."""
    out = []
    for doc in docs:
        items, step = doc["text"].split(), size - overlap
        for number, start in enumerate(range(0, len(items), step)):
            out.append((f"{doc['id']}#{number}", " ".join(items[start : start + size])))
            if start + size >= len(items):
                break
    return out
