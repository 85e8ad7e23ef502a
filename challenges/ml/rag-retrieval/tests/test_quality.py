"""Retrieval quality on a hidden corpus and query set, measured by the judge, in tiers.

The index is built with the candidate's own default ``size`` and ``overlap``: the brief asks
them to choose chunking for the corpus it describes (documents of 40 to 900 words; a query
names a short passage of one document). Measured on this corpus: 100/20 reaches recall@5
0.88 and MRR@10 0.68 (two tiers of six), 60/15 0.97 and 0.84 (five), 40/10 or 30/10 every
tier. Search itself is fixed by the brief, so chunking is the choice this category measures.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from corpus import Corpus, documents_ranking, make_corpus
from grader_harness import FunctionsClient

pytestmark = pytest.mark.category("quality")

K = 5


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return make_corpus(seed=2024, documents=400, words=(40, 900), queries=120)


@pytest.fixture(scope="module")
def rankings(shared_rag: FunctionsClient, corpus: Corpus) -> Iterator[list[list[str]]]:
    """The judge's own document ranking of every query, from the candidate's search."""
    shared_rag.call("build_index", "quality", corpus.documents)  # the candidate's defaults
    found = []
    for query in corpus.queries:
        hits = shared_rag.call("search", "quality", query["query"], 30, query.get("filters"))
        found.append(documents_ranking(hits))
    yield found


def recall(rankings: list[list[str]], corpus: Corpus) -> float:
    hits = [q["relevant"][0] in r[:K] for r, q in zip(rankings, corpus.queries, strict=True)]
    return sum(hits) / len(hits)


def mrr(rankings: list[list[str]], corpus: Corpus) -> float:
    total = 0.0
    for ranking, query in zip(rankings, corpus.queries, strict=True):
        top = ranking[:10]
        total += 1 / (top.index(query["relevant"][0]) + 1) if query["relevant"][0] in top else 0
    return total / len(corpus.queries)


@pytest.mark.parametrize("floor", [0.8, 0.9, 0.95])
def test_recall_at_5_reaches(rankings: list[list[str]], corpus: Corpus, floor: float) -> None:
    got = recall(rankings, corpus)
    assert got >= floor, f"recall@{K} on the hidden query set is {got:.3f}, below {floor}"


@pytest.mark.parametrize("floor", [0.65, 0.8, 0.9])
def test_mrr_at_10_reaches(rankings: list[list[str]], corpus: Corpus, floor: float) -> None:
    got = mrr(rankings, corpus)
    assert got >= floor, f"MRR@10 on the hidden query set is {got:.3f}, below {floor}"


def test_filtered_queries_return_only_matching_documents(
    shared_rag: FunctionsClient, corpus: Corpus
) -> None:
    topics = {doc["id"]: doc["metadata"]["topic"] for doc in corpus.documents}
    for query in [q for q in corpus.queries if "filters" in q][:20]:
        hits = shared_rag.call("search", "quality", query["query"], 30, query["filters"])
        assert {topics[hit["doc_id"]] for hit in hits} <= {query["filters"]["topic"]}
