# shopxero container image: `docker build -t shopxero .`, then see docker-compose.yml.
#
# Standard by default: the official slim Python image and a normal install from PyPI pinned by
# requirements.lock. Two build arguments exist for machines without registry access
# (scripts/docker-demo uses both, with this same file):
#   PYTHON_IMAGE  any Debian-like image with python3 and its venv module (default python:3.12-slim)
#   PIP_ARGS      extra pip options, e.g. "--no-index --find-links /build/deps" for a wheelhouse
#                 put in the build context as wheels/ (copied to /build/deps below)
ARG PYTHON_IMAGE=python:3.12-slim

# --- builder: a venv with the locked dependencies and the shopxero wheel --------------------------
FROM ${PYTHON_IMAGE} AS builder
ARG PIP_ARGS=""
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /build
# The lock comes first so the dependency layer stays cached while the source changes.
# "wheel[s]" copies the contents of a local wheelhouse when the context has one and matches
# nothing otherwise; requirements.lock always matches, so the COPY never fails.
COPY requirements.lock wheel[s] /build/deps/
# `python3 -m venv` works on both the official image and a plain Debian python3 + python3-venv.
RUN python3 -m venv /opt/shopxero \
    && /opt/shopxero/bin/pip install $PIP_ARGS -r /build/deps/requirements.lock
COPY pyproject.toml README.md /build/project/
COPY src /build/project/src
# Build the wheel (hatchling comes from PyPI, or from the wheelhouse with PIP_ARGS) and install
# only it: every dependency is already in the venv at the locked version.
RUN /opt/shopxero/bin/pip wheel $PIP_ARGS --no-deps --wheel-dir /build/dist /build/project \
    && /opt/shopxero/bin/pip install --no-deps --no-index /build/dist/*.whl \
    && /opt/shopxero/bin/shopxero --version

# --- final: the venv only, run as an unprivileged user --------------------------------------------
FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 shopxero \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin shopxero \
    && mkdir -p /data \
    && chown 10001:10001 /data
COPY --from=builder /opt/shopxero /opt/shopxero
ENV PATH=/opt/shopxero/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SHOPXERO_DATA_DIR=/data
# Numeric, so orchestrators that enforce runAsNonRoot can verify it without /etc/passwd.
USER 10001:10001
WORKDIR /data
# state.db, the Xero token file (mode 0600) and the scheduler's heartbeat live here.
VOLUME ["/data"]
# Healthy = the data dir is writable and, under `schedule`, the last tick is recent and the runs
# are not failing over and over (see `shopxero health --help`).
HEALTHCHECK --interval=1m --timeout=30s --start-period=2m --retries=3 CMD ["shopxero", "health"]
ENTRYPOINT ["shopxero"]
# Every 15 minutes unless SHOPXERO_SCHEDULE_EVERY or SHOPXERO_SCHEDULE_CRON says otherwise;
# `docker run --rm IMAGE sync` runs once.
CMD ["schedule"]
