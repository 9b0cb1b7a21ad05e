# The dashboard as a container: docker build -t nn-digits . && docker run -p 8501:8501 nn-digits
# then open http://localhost:8501. Settings for a public server are in .streamlit/config.toml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Two malloc arenas instead of up to 8 per core: each visitor's script runs in a thread of its
# own, and memory freed into a thread's arena is rarely given back to the system
# (benchmarks/memory_findings.md: -66 MB with one visitor, -89 MB with two).
ENV MALLOC_ARENA_MAX=2

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

# The app runs as an unprivileged user; its code belongs to root, so the app cannot change it.
RUN useradd --create-home --uid 10001 app
COPY . .
USER app

# Build the digit caches (~/.cache/nn-digits) now, so the first visitor does not wait for them.
RUN python -c "from nn_core import DATASETS, load_dataset; [load_dataset(n) for n in DATASETS]"

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
