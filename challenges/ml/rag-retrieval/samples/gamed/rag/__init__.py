"""Retrieval for a RAG pipeline: chunking, a cosine-similarity index, search and metrics."""
