# syntax=docker/dockerfile:1
# Grantkeeper in one container, for Railway (railway.json) or any container host:
#   docker build -t grantkeeper .
#   docker run -p 3000:3000 -v grantkeeper-data:/data -e APP_URL=... grantkeeper
# The runtime image holds only Next's standalone server (node server.js, with npm start's V8 flags): no sources, no
# dev packages, no build tools. It runs as the unprivileged `node` user.
#
# No secret is needed to build, and none is passed in (no ARG carries one; .dockerignore keeps
# .env* and .data/ out of the context): every secret is read at run time from the environment.
#
# e2e/standalone.spec.ts runs this file's own lines on the test build (the assemble script, the
# runtime ENV, CMD and HEALTHCHECK), so what it proves is what this image does. Keep them simple:
# one instruction per line, ENV as KEY=value pairs, CMD and HEALTHCHECK in exec (JSON) form.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
# The lock file first, so the npm ci layer is reused until it changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN NEXT_OUTPUT=standalone node_modules/.bin/next build
RUN bash scripts/assemble-standalone.sh .next /app

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    GRANTKEEPER_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2
# The embedded database (PGlite) and its generated key live in /data: mount a volume there. There
# is no VOLUME line because Railway refuses it (its volumes are attached in the service settings).
# The app's files stay root-owned and read-only to `node`; only /data and Next's cache are its own.
COPY --from=build /app ./
RUN mkdir -p /data .next/cache && chown node:node /data .next/cache && chmod 700 /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health',{signal:AbortSignal.timeout(8000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
# The V8 flags of `npm start` (package.json "start": smaller young generation, slower heap growth;
# docs/benchmarks.md). Not NODE_OPTIONS: it refuses --heap-growing-percent. The standalone spec
# checks these equal package.json's.
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=50", "server.js"]
