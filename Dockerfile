# sagemaker-audit: the Slack app, its workers and the CLI in one image.
# There is no Docker engine on the development machines: test/image/image.test.ts (`npm run image:check`, part of
# `npm test`) rebuilds this image's result without Docker from the COPY and RUN lines below and runs its CMD, so the
# two cannot drift. It reads FROM … AS, WORKDIR, ENV, COPY [--from=stage], RUN, USER, EXPOSE, HEALTHCHECK, ENTRYPOINT
# and CMD (exec form); anything else fails the check until the check learns it.

# 1. The build: TypeScript → dist/ (scripts/build.mjs), from the sources in this context only, never a local dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
COPY workers ./workers
RUN npm run build

# 2. Production dependencies only (no tsx, no TypeScript, no test tools).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. The image.
FROM node:20-bookworm-slim
# The digest chart is rendered to PNG with resvg, which needs a font; tini forwards SIGTERM to node.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM stops web and workers within SHUTDOWN_TIMEOUT_SECONDS (default 25; docker stop waits 10 s unless told -t).
ENTRYPOINT ["/usr/bin/tini", "--"]
# Web side + workers (second process, lower priority). Scale them apart with "dist/src/web.js" / "dist/workers/main.js";
# the CLI: docker run --rm IMAGE node bin/sagemaker-audit.mjs scan …
CMD ["node", "dist/src/main.js"]
