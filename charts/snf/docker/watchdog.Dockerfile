# SNF watchdog image: a function's compute units (and, with `--role logger`, the output
# loggers). Not built by the tests. Build from the repo root:
#   docker build -f charts/snf/docker/watchdog.Dockerfile -t ghcr.io/you/snf-watchdog:<unique tag> .
# A unit's pod exposes its data plane and StatePeer ports by name (`data`, `peer`) in its
# Service, so the gateway finds them in the EndpointSlices (gateway/units/kubernetes/README.md).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN groupadd --system app && useradd --system --gid app --home /home/app app
WORKDIR /home/app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
USER app
EXPOSE 8080 7000 7001
ENTRYPOINT ["node", "/home/app/bin/snf.js"]
CMD ["watchdog"]
