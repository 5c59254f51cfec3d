# Build stage: turn the checkout into a wheel (index definitions, migrations, alembic.ini,
# static pages and the shipped catalogue travel inside it as package data).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY app ./app
COPY indexer ./indexer
COPY migrations ./migrations
COPY opensearch ./opensearch
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Runtime stage: the wheels installed non-editable, no source tree, no build tools.
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LEVELITH_DATA_DIR=/var/lib/levelith
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels levelith-search \
    && rm -rf /wheels \
    && useradd --system --create-home --home-dir /home/levelith levelith \
    && mkdir -p /var/lib/levelith && chown levelith /var/lib/levelith
USER levelith
WORKDIR /home/levelith
VOLUME ["/var/lib/levelith"]
EXPOSE 8000
# /health answers as soon as the process serves; the embedded engines and index build come first,
# hence the long start period.
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status != 200)"]
CMD ["levelith", "serve", "--host", "0.0.0.0", "--port", "8000"]
