# The WMS API and admin, served by gunicorn (gunicorn.conf.py); the same image runs the webhook
# worker (manage.py webhook_worker).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# tini as PID 1: reaps orphans, passes signals to gunicorn's whole process group (-g), and ends
# the container, and with it every worker, when the gunicorn master dies for any reason.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY manage.py gunicorn.conf.py ./
COPY config/ config/
COPY wms/ wms/
COPY warehouses/ warehouses/
COPY inventory/ inventory/
COPY documents/ documents/
COPY integrations/ integrations/

# The admin's static files, served by whitenoise. Settings refuse to load without a strong key,
# so the build uses a throwaway one that never leaves this step.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --no-input --verbosity 0

# Non-root user for security.
RUN useradd --create-home --uid 10001 appuser && chown -R appuser:appuser /app
USER appuser

EXPOSE 8000

# Standard library only: the slim image has no curl, and requests is not a dependency. The Host
# header is the first of ALLOWED_HOSTS (localhost for none or "*"), so the check passes whatever
# host names the instance is given.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import os, sys, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; r = u.Request('http://127.0.0.1:8000/health', headers={'Host': h}); sys.exit(u.urlopen(r, timeout=2).status != 200)"

ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
