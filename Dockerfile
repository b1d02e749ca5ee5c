FROM python:3.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends libfribidi0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir '.[postgres]'
RUN useradd --create-home creative
USER creative
WORKDIR /data
EXPOSE 8000
CMD ["creative-ai", "serve", "--host", "0.0.0.0", "--port", "8000"]
