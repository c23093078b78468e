# syntax=docker/dockerfile:1
#
# Skald's container image, built from the repository root:
#
#   docker build -t skald:0.1.0 .
#   docker run -p 3100:3100 skald:0.1.0                  # one process, filesystem storage under /loki
#   docker run skald:0.1.0 -config.file=/etc/loki/config/config.yaml -target=read
#   docker run skald:0.1.0 canary -addr=loki-gateway:80
#
# It runs as uid/gid 10001, as Loki's image does, so that the Helm chart's security contexts and the
# volumes of an existing Loki deployment fit unchanged.

# Node with a compiler: re2 and zstd-napi fetch prebuilt binaries and compile with node-gyp where
# none fits.
FROM node:20-slim AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# The package's own `prepare` script builds the sources, which are not here yet (so that the
# dependency layers are reused while only sources change): installs here run without it. The
# dependencies' install scripts (the native modules) still run.
RUN npm pkg delete scripts.prepare

# The production dependencies.
FROM toolchain AS dependencies
RUN npm ci --omit=dev --no-audit --no-fund

# The compiled sources (dist/), built with every dependency.
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY proto ./proto
COPY deploy/docker/local-config.yaml /etc/loki/local-config.yaml
RUN mkdir -p /loki /var/loki \
 && chown 10001:10001 /loki /var/loki \
 && node bin/skald.js -version
USER 10001:10001
# HTTP (API, /metrics, /ready), gRPC (between the targets), memberlist gossip.
EXPOSE 3100 9095 7946
ENTRYPOINT ["node", "--max-semi-space-size=4", "bin/skald.js"]
CMD ["-config.file=/etc/loki/local-config.yaml"]
