# The occi-operator image: `occi-operator run` as a non-root user.
#
#   docker build -t ghcr.io/occi-operator/occi-operator:0.1.0 .
#
# The base is pinned by version tag (python 3.11 on Debian 12 "bookworm"). Pin it by digest
# as well when building for production: `docker buildx imagetools inspect
# python:3.11-slim-bookworm` prints the digest to append as `@sha256:…`.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# Stage 1: build the wheel from the source tree.
FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
RUN python -m pip install --no-cache-dir "build>=1.2"
COPY pyproject.toml README.md ./
COPY operator/ operator/
RUN python -m build --wheel --outdir /dist

# Stage 2: install the wheel (and only its runtime dependencies) into a virtualenv.
FROM ${PYTHON_IMAGE} AS install
COPY --from=build /dist/*.whl /tmp/
RUN python -m venv /opt/occi-operator \
    && /opt/occi-operator/bin/pip install --no-cache-dir /tmp/*.whl \
    && rm /tmp/*.whl

# Stage 3: the runtime: the virtualenv, a non-root user, nothing else.
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="occi-operator" \
      org.opencontainers.image.description="Kubernetes operator for OCCI 1.2 clouds" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 occi \
    && useradd --system --uid 10001 --gid occi --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin occi
COPY --from=install /opt/occi-operator /opt/occi-operator
ENV PATH=/opt/occi-operator/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 10001:10001
# The liveness/readiness endpoint with `--probe-port 8080` and the Prometheus metrics with
# `--metrics-port 9090`, as the Helm chart runs it.
EXPOSE 8080 9090
ENTRYPOINT ["occi-operator", "run"]
