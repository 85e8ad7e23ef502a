"""Retrieval API on top of the vector store."""

from rag.vectorstore import VectorStore  # the module was never committed

store = VectorStore()


def chunk_text(text, size, overlap):
    return store.chunk(text, size, overlap)


def build_index(name, documents, size=100, overlap=20):
    return store.build(name, documents, size, overlap)


def search(name, query, k=5, filters=None):
    return store.search(name, query, k, filters)
