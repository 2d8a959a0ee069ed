# RR-ALL terminology server: a small image running `rrall-tx serve` (granian, 2 workers) as a non-root user.
#
#   docker build -t rrall-tx .
#   docker run --rm -p 127.0.0.1:8080:8080 rrall-tx
#
# The image holds the code and this repository's content; the load cache is filled at build time, so a container
# starts warm. FHIR packages in packages/ (the repository ships hl7.fhir.r4.core-4.0.1.tgz) and an imported
# ICD-10-CM in build/icd10cm/ (rrall-tx import icd10cm, before building) are included: see docs/deployment.md. Probes: /healthz (liveness), /readyz (readiness), /metrics (Prometheus).

FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir --prefix=/install . \
 && mkdir -p packages build/icd10cm

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    RRALL_CACHE_DIR=/app/.cache
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin rrall
COPY --from=build /install /usr/local
WORKDIR /app
COPY --from=build /src/codesystems codesystems
COPY --from=build /src/valuesets valuesets
COPY --from=build /src/conceptmaps conceptmaps
COPY --from=build /src/packages packages
COPY --from=build /src/build/icd10cm build/icd10cm
RUN mkdir .cache && chown rrall:rrall .cache
USER 10001:10001
# fill the load cache now (validated files, indexes, parsed packages), so that every start is a warm start
RUN python -c "from service import config, create_app; core = config.core_package(); \
create_app({'CONTENT_DIRS': ['codesystems', 'valuesets', 'conceptmaps', 'build/icd10cm'], 'ACCESS_LOG': 'off', \
'PACKAGES': [str(core)] if core else []})"

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status != 200)"]
CMD ["rrall-tx", "serve", "--host", "0.0.0.0", "--port", "8080", "--workers", "2", \
     "--content", "codesystems", "--content", "valuesets", "--content", "conceptmaps", "--content", "build/icd10cm"]
