FROM python:3.11-slim
WORKDIR /srv
COPY pyproject.toml README.md ./
COPY app ./app
COPY indexer ./indexer
COPY migrations ./migrations
COPY opensearch ./opensearch
RUN pip install --no-cache-dir -e . && useradd --system levelith
USER levelith
EXPOSE 8000
CMD ["levelith", "serve", "--host", "0.0.0.0", "--port", "8000"]
