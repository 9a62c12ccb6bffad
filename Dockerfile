# shopxero container image: `docker build -t shopxero .`, then docs/docker.md.
#
# Standard by default: the official slim Python image, pinned by digest, and an install from PyPI
# of exactly the files requirements.lock names (--require-hashes). Two build arguments exist for
# machines without registry access (scripts/docker-demo uses both, with this same file):
#   PYTHON_IMAGE  any Debian-like image with python3 (3.11, the lock's Python) and its venv module
#   PIP_ARGS      extra pip options, e.g. "--no-index --find-links /build/deps" for a wheelhouse
#                 put in the build context as wheels/ (copied to /build/deps below)
#
# The base: tag python:3.11-slim-bookworm (Python 3.11, the version both lock files are compiled
# for). The digest was NOT checked against Docker Hub by us (no registry access where this was
# written); docs/docker.md says where it comes from and how to update it:
#   docker buildx imagetools inspect python:3.11-slim-bookworm --format '{{json .Manifest.Digest}}'
ARG PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:2e32f7d302adc1c37428355c1e646897c0c53f4fd60b6a551245fb90ee129f91

# --- builder: a venv with the locked dependencies and the shopxero wheel --------------------------
FROM ${PYTHON_IMAGE} AS builder
ARG PIP_ARGS=""
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /build
# The locks come first so the dependency layers stay cached while the source changes.
# "wheel[s]" copies the contents of a local wheelhouse when the context has one and matches
# nothing otherwise; the locks always match, so the COPY never fails.
COPY requirements.lock requirements-build.lock wheel[s] /build/deps/
# Two venvs. /opt/build has pip and the pinned build backend (hatchling); it never leaves this
# stage. /opt/shopxero, the one the image ships, is made without pip or setuptools: the build
# venv's pip installs into it (pip --python). `python3 -m venv` works on both the official image
# and a plain Debian python3 + python3-venv.
RUN python3 -m venv /opt/build \
    && /opt/build/bin/pip install $PIP_ARGS --require-hashes -r /build/deps/requirements-build.lock \
    && python3 -m venv --without-pip /opt/shopxero \
    && /opt/build/bin/pip --python /opt/shopxero/bin/python install \
       $PIP_ARGS --require-hashes -r /build/deps/requirements.lock
COPY pyproject.toml README.md /build/project/
COPY src /build/project/src
# Build the wheel with the pinned hatchling already in /opt/build (no build isolation, so
# nothing unpinned is fetched), then install only it: every dependency is already in the venv.
RUN /opt/build/bin/pip wheel --no-build-isolation --no-deps --wheel-dir /build/dist /build/project \
    && /opt/build/bin/pip --python /opt/shopxero/bin/python install --no-deps --no-index \
       /build/dist/*.whl \
    && /opt/shopxero/bin/shopxero --version

# --- final: the venv only, run as an unprivileged user --------------------------------------------
FROM ${PYTHON_IMAGE}
# OCI labels. The version is pyproject.toml's (a test keeps them equal). The project has no
# published address yet: pass --build-arg SOURCE_URL=<your repository> and REVISION=<commit>.
ARG IMAGE_VERSION=0.1.0
ARG SOURCE_URL=""
ARG REVISION=""
LABEL org.opencontainers.image.title="shopxero" \
      org.opencontainers.image.description="Keep Xero in step with a Shopify shop" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${IMAGE_VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
# No pip, setuptools or wheel at run time (the official image ships them in its system Python;
# image scanners flag them, and nothing here installs anything). Debian's python3-venv keeps
# copies of their wheels in /usr/share/python-wheels: gone too.
RUN if python3 -m pip --version >/dev/null 2>&1; then \
        python3 -m pip uninstall --yes --disable-pip-version-check pip setuptools wheel; \
    fi \
    && rm -rf /usr/share/python-wheels \
    && groupadd --system --gid 10001 shopxero \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin shopxero \
    && install -d -o 10001 -g 10001 -m 0700 /data
COPY --from=builder /opt/shopxero /opt/shopxero
# SHOPXERO_REQUIRE_DATA_VOLUME: /data must be a named volume or a bind mount, or every command
# refuses to run (no VOLUME instruction: it would make a throwaway anonymous volume instead).
ENV PATH=/opt/shopxero/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SHOPXERO_DATA_DIR=/data \
    SHOPXERO_REQUIRE_DATA_VOLUME=true
# Numeric, so orchestrators that enforce runAsNonRoot can verify it without /etc/passwd.
USER 10001:10001
WORKDIR /data
# SIGTERM (Docker's default, said here on purpose): shopxero finishes the run that is going, then
# exits. Docker sends SIGKILL after 10 s unless told to wait longer: `docker run --stop-timeout
# 120` or compose's stop_grace_period (docs/docker.md).
STOPSIGNAL SIGTERM
# Healthy = the data dir is a kept volume and writable and, under `schedule`, the heartbeat is
# fresh, the last tick recent and the runs not failing over and over (`shopxero health --help`).
# --restart-hung: a scheduler stuck in this container is ended, so a restart policy
# (`--restart unless-stopped`) starts a fresh one; Docker itself never restarts for "unhealthy".
HEALTHCHECK --interval=1m --timeout=30s --start-period=2m --retries=3 \
    CMD ["shopxero", "health", "--restart-hung"]
ENTRYPOINT ["shopxero"]
# Every 15 minutes unless SHOPXERO_SCHEDULE_EVERY or SHOPXERO_SCHEDULE_CRON says otherwise;
# `docker run --rm -v shopxero-data:/data IMAGE sync` runs once.
CMD ["schedule"]
