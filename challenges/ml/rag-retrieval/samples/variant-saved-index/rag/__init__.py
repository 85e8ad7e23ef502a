"""Retrieval for RAG."""
