# CineBooker image: one image for the webhook server (`serve`, the default), the
# Dramatiq workers (`worker`) and the one-shot `migrate`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed uid so volume permissions are predictable; the app never runs as root.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin cinebooker

WORKDIR /app

# Dependencies first, read from pyproject.toml alone, so a code change does not
# reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Editable install on purpose: bot/migrations.py finds alembic.ini and alembic/ beside
# the bot package, so the sources must stay at /app rather than move to site-packages.
COPY . /app
RUN pip install --no-deps -e . \
    && mkdir -p /app/var \
    && chown cinebooker:cinebooker /app/var

USER cinebooker

EXPOSE 8080

# slim has no curl; urlopen raises on connection errors and non-2xx answers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]

ENTRYPOINT ["cinebooker"]
CMD ["serve"]
