import math

from rag.embedder import embed

indexes = {}


def chunk_text(text, size, overlap):
    if overlap >= size:
        raise ValueError("overlap too big")
    words = text.split()
    chunks = []
    for i in range(0, len(words), size - overlap):
        chunks.append(" ".join(words[i : i + size]))
    return chunks


def cosine_similarity(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    if na == 0 or nb == 0:
        return 0.0
    return dot / (na * nb)


def build_index(name, documents, size=100, overlap=20):
    entries = []
    for doc in documents:
        for i, text in enumerate(chunk_text(doc["text"], size, overlap)):
            entries.append(
                {
                    "doc_id": doc["id"],
                    "chunk_id": doc["id"] + "#" + str(i),
                    "text": text,
                    "metadata": doc.get("metadata", {}),
                }
            )
    vectors = embed([e["text"] for e in entries])
    for entry, vector in zip(entries, vectors):
        entry["vector"] = vector
    indexes[name] = entries
    return len(entries)


def search(name, query, k=5, filters=None):
    q = embed([query])[0]
    qn = float((q @ q) ** 0.5)
    results = []
    for entry in indexes[name]:
        if filters:
            if any(entry["metadata"].get(f) != v for f, v in filters.items()):
                continue
        v = entry["vector"]
        norm = float((v @ v) ** 0.5)
        score = float(v @ q) / (norm * qn) if norm and qn else 0.0
        results.append({key: entry[key] for key in ("doc_id", "chunk_id", "text", "metadata")})
        results[-1]["score"] = score
    results.sort(key=lambda r: r["score"], reverse=True)
    return results[:k]


def recall_at_k(ranked, relevant, k):
    found = [r for r in ranked[:k] if r in relevant]
    return len(found) / len(relevant)


def mean_reciprocal_rank(rankings, relevant):
    total = 0
    for ranking, rel in zip(rankings, relevant):
        for i, item in enumerate(ranking):
            if item in rel:
                total += 1 / (i + 1)
                break
    return total / len(rankings)


def evaluate(name, queries, k=5):
    recalls, rankings = [], []
    for q in queries:
        hits = search(name, q["query"], k, q.get("filters"))
        ranking = [h["doc_id"] for h in hits]
        rankings.append(ranking)
        recalls.append(recall_at_k(ranking, q["relevant"], k))
    return {
        "recall_at_k": sum(recalls) / len(recalls),
        "mrr": mean_reciprocal_rank(rankings, [q["relevant"] for q in queries]),
    }
