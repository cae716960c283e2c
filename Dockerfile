# sagemaker-audit: the Slack app and its workers in one image.
# Not built on the development machine (it has no Docker engine); CI builds it where one exists.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; tsx is one of them (TypeScript runs without a build step, see README).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:20-bookworm-slim
# The digest chart is rendered to PNG with resvg, which needs a font.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY workers ./workers
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tini forwards SIGTERM so workers close gracefully (BullMQ waits for active jobs).
ENTRYPOINT ["/usr/bin/tini", "--"]
# Web side and workers together; override with "src/web.ts" or "workers/index.ts" to scale them apart.
CMD ["node", "--import", "tsx", "src/main.ts"]
