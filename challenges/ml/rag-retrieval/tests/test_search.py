"""Cosine similarity, top-k order, ties and metadata filters on small exact cases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from corpus import chunks_of
from grader_harness import CandidateError, FunctionsClient
from hashing import embed

pytestmark = pytest.mark.category("search")

DOCS: list[dict[str, Any]] = [
    {
        "id": "fees",
        "text": "Card payments carry a small fee. Refunds return the fee to the card.",
        "metadata": {"topic": "billing", "year": 2023, "lang": "en"},
    },
    {
        "id": "parcels",
        "text": "Parcels ship within two days. Tracking numbers arrive by email.",
        "metadata": {"topic": "shipping", "year": 2022, "lang": "en"},
    },
    {
        "id": "rechnung",
        "text": "Refunds for card payments arrive within five days of the request.",
        "metadata": {"topic": "billing", "year": 2021, "lang": "de"},
    },
    {
        "id": "keys",
        "text": "Rotate API keys every ninety days and never email them.",
        "metadata": {"topic": "security", "year": 2023},
    },
]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norms if norms else 0.0


def expected(query: str, chunks: list[tuple[str, str]], k: int) -> list[tuple[str, float]]:
    """(chunk id, score) best first, ties in index order, for (chunk id, text) pairs."""
    vectors = embed([text for _, text in chunks])
    q = embed([query])[0]
    scored = [(cid, cosine(v, q)) for (cid, _), v in zip(chunks, vectors, strict=True)]
    return sorted(scored, key=lambda item: -item[1])[:k]  # sorted() is stable


def ids(hits: list[dict[str, Any]]) -> list[str]:
    return [hit["chunk_id"] for hit in hits]


@pytest.fixture
def small(rag: FunctionsClient) -> FunctionsClient:
    assert rag.call("build_index", "small", DOCS, 6, 2) == len(chunks_of(DOCS, 6, 2))
    return rag


def test_cosine_similarity_of_small_vectors(rag: FunctionsClient) -> None:
    cases = [([1, 0], [0, 1], 0.0), ([1, 2, 3], [2, 4, 6], 1.0), ([1, 1], [-1, -1], -1.0)]
    cases.append(([3, 4], [4, 3], 0.96))
    for a, b, want in cases:
        assert rag.call("cosine_similarity", a, b) == pytest.approx(want, abs=1e-9)


def test_cosine_with_a_zero_vector_is_zero(rag: FunctionsClient) -> None:
    assert rag.call("cosine_similarity", [0, 0, 0], [1, 2, 3]) == 0.0


def test_build_index_returns_the_number_of_chunks(rag: FunctionsClient) -> None:
    assert rag.call("build_index", "a", DOCS, 4, 1) == len(chunks_of(DOCS, 4, 1))


def test_scores_are_cosine_similarities_of_the_embeddings(small: FunctionsClient) -> None:
    hits = small.call("search", "small", "card refunds fee", 5)
    want = expected("card refunds fee", chunks_of(DOCS, 6, 2), 5)
    assert ids(hits) == [cid for cid, _ in want]
    for hit, (_, score) in zip(hits, want, strict=True):
        assert hit["score"] == pytest.approx(score, abs=1e-5)


def test_results_come_best_first_and_stop_at_k(small: FunctionsClient) -> None:
    hits = small.call("search", "small", "tracking numbers for parcels", 3)
    assert len(hits) == 3
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert hits[0]["doc_id"] == "parcels"


def test_equal_scores_keep_the_order_of_the_index(rag: FunctionsClient) -> None:
    docs = [{"id": name, "text": "same words here"} for name in ("c", "a", "b")]
    rag.call("build_index", "ties", docs, 10, 0)
    assert ids(rag.call("search", "ties", "same words", 3)) == ["c#0", "a#0", "b#0"]


def test_a_hit_carries_its_ids_text_and_metadata(small: FunctionsClient) -> None:
    hit = small.call("search", "small", "rotate keys", 1)[0]
    assert hit["doc_id"] == "keys" and hit["chunk_id"] == "keys#0"
    assert hit["text"] == "Rotate API keys every ninety days"
    assert hit["metadata"] == {"topic": "security", "year": 2023}


def test_a_filter_keeps_only_matching_documents(small: FunctionsClient) -> None:
    hits = small.call("search", "small", "card refunds", 10, {"lang": "de"})
    assert hits and {hit["doc_id"] for hit in hits} == {"rechnung"}


def test_a_list_in_a_filter_matches_any_of_its_values(small: FunctionsClient) -> None:
    hits = small.call("search", "small", "days", 20, {"year": [2021, 2022]})
    assert {hit["doc_id"] for hit in hits} == {"parcels", "rechnung"}


def test_every_filter_field_must_match_and_missing_fields_never_do(
    small: FunctionsClient,
) -> None:
    hits = small.call("search", "small", "email", 20, {"topic": "security", "lang": "en"})
    assert hits == []
    hits = small.call("search", "small", "card", 20, {"topic": "billing", "year": 2023})
    assert {hit["doc_id"] for hit in hits} == {"fees"}


def test_filtered_results_are_ranked_like_unfiltered_ones(small: FunctionsClient) -> None:
    hits = small.call("search", "small", "refunds card payments", 3, {"topic": "billing"})
    billing = [d for d in DOCS if d["metadata"]["topic"] == "billing"]
    want = expected("refunds card payments", chunks_of(billing, 6, 2), 3)
    assert ids(hits) == [cid for cid, _ in want]


def test_k_larger_than_the_matches_returns_them_all(small: FunctionsClient) -> None:
    hits = small.call("search", "small", "anything", 100)
    assert sorted(ids(hits)) == sorted(cid for cid, _ in chunks_of(DOCS, 6, 2))


def test_k_below_one_is_a_value_error(small: FunctionsClient) -> None:
    with pytest.raises(CandidateError) as raised:
        small.call("search", "small", "card", 0)
    assert raised.value.exc_type == "ValueError", str(raised.value)


def test_building_an_index_again_replaces_it(rag: FunctionsClient) -> None:
    rag.call("build_index", "x", DOCS, 6, 2)
    rag.call("build_index", "x", DOCS[3:], 6, 2)
    assert {hit["doc_id"] for hit in rag.call("search", "x", "card refunds", 10)} == {"keys"}


def test_indexes_with_different_names_are_independent(rag: FunctionsClient) -> None:
    rag.call("build_index", "one", DOCS[:1], 6, 2)
    rag.call("build_index", "two", DOCS[1:2], 6, 2)
    assert {hit["doc_id"] for hit in rag.call("search", "one", "parcels", 10)} == {"fees"}
    assert {hit["doc_id"] for hit in rag.call("search", "two", "card", 10)} == {"parcels"}


def test_duplicate_document_ids_are_a_value_error(rag: FunctionsClient) -> None:
    with pytest.raises(CandidateError) as raised:
        rag.call("build_index", "dup", [DOCS[0], DOCS[0]], 6, 2)
    assert raised.value.exc_type == "ValueError", str(raised.value)
