# The grader image: the web app, the workers and flower all run from it (see compose.yaml).
# Workers reach the host's Docker daemon through its socket and move files into sandboxes
# through the Docker API, so no host paths are shared with the sandboxes.
FROM python:3.11-slim-bookworm

# git: fetch candidates' repositories; ca-certificates: verify the git hosts and package index.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY grader ./grader
COPY worker ./worker
RUN pip install --no-cache-dir . "flower>=2.0,<3"

RUN useradd --system --uid 10001 --home-dir /var/lib/grader --create-home grader
# Writable by the workers: challenge images download their pinned wheels into image/wheels/.
COPY --chown=grader challenges ./challenges
USER grader
ENV GRADER_HOME=/var/lib/grader \
    GRADER_CHALLENGES_DIR=/app/challenges \
    PYTHONUNBUFFERED=1

EXPOSE 8000 5555
CMD ["grader", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-worker"]
