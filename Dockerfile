# syntax=docker/dockerfile:1
# Build: compile TypeScript (npm ci runs `prepare` = build), then drop dev dependencies.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY gateway gateway
COPY adapters adapters
COPY keys keys
COPY proto proto
COPY scripts scripts
COPY console console
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

# Run: a non-root user, the data dir as a volume. Beyond loopback the gateway insists on TLS:
# mount a certificate and set VOUCH_TLS_CERT / VOUCH_TLS_KEY (and VOUCH_BIND=0.0.0.0).
FROM node:20-bookworm-slim
ENV NODE_ENV=production VOUCH_DATA_DIR=/var/lib/vouch
RUN groupadd --system vouch && useradd --system --gid vouch --home /var/lib/vouch vouch \
  && mkdir -p /var/lib/vouch && chown vouch:vouch /var/lib/vouch && chmod 700 /var/lib/vouch
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/proto proto
COPY package.json ./
USER vouch
VOLUME ["/var/lib/vouch"]
EXPOSE 8080 50051
# The check reads the same VOUCH_* variables as the server: http or https (the server's own certificate
# pinned), the bind address and port; under mutual TLS the probes answer without a client certificate.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s \
  CMD ["node", "dist/gateway/healthcheck.js"]
CMD ["node", "dist/gateway/server.js"]
