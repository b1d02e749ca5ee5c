FROM python:3.11-slim-bookworm
COPY scripts/system-deps.sh /tmp/system-deps.sh
RUN bash /tmp/system-deps.sh && rm -rf /var/lib/apt/lists/* /tmp/system-deps.sh
# The OCR runtime of the painted-text check reports usage over the network unless this is set.
ENV ORT_DISABLE_TELEMETRY=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir '.[postgres]'
RUN useradd --create-home creative \
 && mkdir -p /data/outputs /data/assets /data/inbox && chown -R creative:creative /data
USER creative
WORKDIR /data
EXPOSE 8000
CMD ["creative-ai", "serve", "--host", "0.0.0.0", "--port", "8000"]
