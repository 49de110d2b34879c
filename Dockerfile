# The SNF runtime image: this project, built, with `snf` on PATH. Functions built from the
# snf-ts OpenFaaS template (template/snf-ts/Dockerfile) start FROM it and add their handler.
#   docker build -t snf/runtime:0.1.0 .
# Dev dependencies stay installed: the template's build step runs the handler's test with this
# project's jest/ts-jest, and `snf watchdog` transpiles a .ts handler with its TypeScript.
FROM node:20-alpine
WORKDIR /opt/snf
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build \
 && ln -s /opt/snf/bin/snf.js /usr/local/bin/snf \
 && addgroup -S app && adduser -S app -G app \
 && mkdir -p /home/app && chown app:app /home/app
ENV SNF_HOME=/opt/snf NODE_ENV=production
WORKDIR /home/app
CMD ["snf", "--help"]
