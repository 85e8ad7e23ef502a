"""The rag-retrieval hidden corpus generator: deterministic, with answerable queries."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

TESTS = Path(__file__).resolve().parents[2] / "challenges" / "ml" / "rag-retrieval" / "tests"


def _corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rag_retrieval_corpus", TESTS / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def test_the_same_seed_gives_the_same_corpus_and_queries() -> None:
    corpus = _corpus()
    assert corpus.make_corpus(7, 20, (30, 60), 10) == corpus.make_corpus(7, 20, (30, 60), 10)
    assert corpus.make_corpus(7, 20, (30, 60), 10) != corpus.make_corpus(8, 20, (30, 60), 10)


def test_every_query_names_one_document_whose_words_it_uses() -> None:
    corpus = _corpus()
    made = corpus.make_corpus(3, 30, (30, 60), 25)
    texts = {doc["id"]: set(doc["text"].split()) for doc in made.documents}
    for query in made.queries:
        (relevant,) = query["relevant"]
        assert len(set(query["query"].split()) & texts[relevant]) >= 4


def test_a_document_ranking_lists_each_document_once_in_order() -> None:
    corpus = _corpus()
    hits = [{"doc_id": "b"}, {"doc_id": "a"}, {"doc_id": "b"}, {"doc_id": "c"}]
    assert corpus.documents_ranking(hits) == ["b", "a", "c"]


def test_chunks_of_numbers_each_documents_windows_and_stops_at_the_last_word() -> None:
    corpus = _corpus()
    docs = [{"id": "a", "text": "w1 w2 w3 w4 w5 w6"}, {"id": "b", "text": "x1 x2"}]
    assert corpus.chunks_of(docs, 3, 1) == [
        ("a#0", "w1 w2 w3"),
        ("a#1", "w3 w4 w5"),
        ("a#2", "w5 w6"),
        ("b#0", "x1 x2"),
    ]
