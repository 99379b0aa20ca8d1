# Rode draden: one image for every process (web, worker, beat, migrate); docker-compose.yml
# chooses the command. Build:  docker build -t rodedraden .

# --- Build stage: the locked dependencies in /app/.venv ---------------------------------------
FROM python:3.11-slim-bookworm AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_NO_CACHE=1

# The same uv version as pyproject.toml's [tool.uv] required-version and the Makefile.
RUN pip install uv==0.13.8

WORKDIR /app
# The production dependencies without the dev group (tests, the benchmark, deduce), plus the
# optional extras named here: s3 (django-storages with boto3) by default, so that the image
# runs with S3_BUCKET set; `docker build --build-arg EXTRAS= .` leaves it out (31 MB smaller).
ARG EXTRAS="s3"
# Only the lock files first: this layer (the slow one) is rebuilt only when they change.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project $(for extra in ${EXTRAS}; do printf -- '--extra %s ' "$extra"; done)


# --- Runtime stage ------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

# WeasyPrint's system libraries (Pango, HarfBuzz subsetting, image formats) and fonts for the PDFs.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        libjpeg62-turbo \
        libopenjp2-7 \
        fonts-dejavu-core \
        fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

# A fixed uid/gid, so that files on volumes keep a predictable owner across rebuilds.
RUN groupadd --system --gid 10001 rodedraden \
    && useradd --system --uid 10001 --gid rodedraden --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin rodedraden

ENV PATH="/app/.venv/bin:${PATH}" \
    VIRTUAL_ENV=/app/.venv \
    DJANGO_SETTINGS_MODULE=rodedraden.settings.production \
    PYTHONUNBUFFERED=1

WORKDIR /app
# The virtualenv was built at the same path on the same base image, so its scripts' shebangs hold.
COPY --from=build /app/.venv /app/.venv
COPY . /app

# Collect (and compress/hash) the static files into the image. Production settings refuse to
# load without SECRET_KEY, ALLOWED_HOSTS and a mail server: throwaway values exist for this RUN
# line only and are not stored in any ENV or layer metadata. The code stays owned by root (read-only for the app);
# only var/media (uploads, generated files; a volume in docker-compose.yml) is writable.
RUN SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        ALLOWED_HOSTS=localhost EMAIL_HOST=build-only.invalid \
        python manage.py collectstatic --noinput \
    && python -m compileall -q -x '/app/\.venv/' /app \
    && mkdir -p /app/var/media \
    && chown rodedraden:rodedraden /app/var/media

USER rodedraden

EXPOSE 8000

# The same check as the web service in docker-compose.yml. Django answers 400 to a Host header
# outside ALLOWED_HOSTS, so the request names the first allowed host (a "*" means any).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = [x.strip().lstrip('.') for x in os.environ.get('ALLOWED_HOSTS', '').split(',') if x.strip() not in ('', '*')]; u.urlopen(u.Request('http://127.0.0.1:8000/health/', headers={'Host': (h or ['localhost'])[0]}), timeout=5)"]

CMD ["gunicorn", "--config", "python:rodedraden.gunicorn", "rodedraden.wsgi"]
