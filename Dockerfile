# The dashboard's image: daphne serving the app; `python manage.py watch_rollouts` for the
# watcher (deploy/base/watcher.yaml). Two stages: the wheels are installed into a virtualenv in
# the first, and only that virtualenv and the code reach the final image (no pip cache, no
# build tools, no tests' packages).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements.txt /tmp/requirements.txt
# The runtime part of requirements.txt only: pytest, Playwright and ruff stay out of the image.
RUN sed '/^# Tests and lint/,$d' /tmp/requirements.txt > /tmp/runtime.txt \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install -r /tmp/runtime.txt

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DASHBOARD_STATE_DIR=/var/lib/rollouts-dashboard \
    STATIC_ROOT=/app/staticfiles
RUN groupadd --system --gid 10001 dashboard \
 && useradd --system --uid 10001 --gid dashboard --home-dir /nonexistent --shell /usr/sbin/nologin dashboard \
 && mkdir -p /var/lib/rollouts-dashboard && chown dashboard:dashboard /var/lib/rollouts-dashboard
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY manage.py ./
COPY dashboard dashboard
COPY rollouts rollouts
COPY templates templates
COPY static static
# Hashed, compressed copies for WhiteNoise (STATIC_ROOT set: the manifest storage), and
# bytecode compiled now: the root filesystem is read-only at run time. The key only lets the
# settings load here; deployments give their own (deploy/base/secret.env).
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
 && python -m compileall -q dashboard rollouts
USER 10001:10001
EXPOSE 3100 9102
# For plain `docker run` of the web process; Kubernetes ignores it and uses the manifests'
# probes (the watcher's are on its metrics port).
HEALTHCHECK --interval=30s --timeout=5s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:3100' + os.environ.get('ROLLOUTS_ROOT_PATH', '') + '/healthz', timeout=4)"
CMD ["daphne", "-b", "0.0.0.0", "-p", "3100", "--proxy-headers", "dashboard.asgi:application"]
