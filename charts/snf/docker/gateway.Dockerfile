# SNF gateway image (not built by the tests). Satisfies the stock openfaas chart's gateway
# contract (REFERENCE.md §6.3): WORKDIR /home/app, executable ./gateway, user app, ports 8080
# and 8082. Build from the repo root:
#   docker build -f charts/snf/docker/gateway.Dockerfile -t ghcr.io/you/snf-gateway:<unique tag> .
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
COPY charts/snf/docker/gateway.sh ./gateway
RUN chmod 0755 ./gateway
USER app
EXPOSE 8080 8082
CMD ["./gateway"]
