# Rumbo CRM production image: gunicorn serving config.wsgi on port 8000.
# The same image runs the task worker (`python manage.py db_worker`), see docker-compose.yml.
FROM python:3.13-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH \
    PRIVATE_MEDIA_ROOT=/data/media

# WeasyPrint's native libraries and a font for PDFs; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv

WORKDIR /app

# Dependencies first (only the lock file changes invalidate this layer); no dev tools.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --locked --no-dev --no-install-project --no-cache

COPY . .

# Translations are compiled here (.mo files are never committed); static files get hashed
# names for whitenoise. Settings need a SECRET_KEY to load: this one exists only in this step.
# The app's bytecode is compiled too: at run time the code directory is read-only.
RUN export SECRET_KEY=build-time-only-key-never-used-at-run-time-0123456789 \
    && python manage.py compilemessages --ignore=.venv --ignore=var -v 0 \
    && python manage.py collectstatic --no-input -v 0 \
    && python -m compileall -q -x '/\.venv/' .

# Run as an unprivileged user; the code stays owned by root (read-only for the app).
# Uploaded documents go to PRIVATE_MEDIA_ROOT, a volume owned by that user.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/rumbo rumbo \
    && mkdir -p /data/media \
    && chown rumbo:rumbo /data/media
USER rumbo

EXPOSE 8000
# Workers: set WEB_CONCURRENCY (gunicorn reads it), e.g. 2 x CPU cores + 1. gunicorn's
# control socket is not needed in a container.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--timeout", "60", "--no-control-socket"]
