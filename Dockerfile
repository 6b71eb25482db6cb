# Multi-stage build of the one Yuechuang binary with the web app embedded;
# runs as a non-root user. Untested here: this machine has no Docker engine.
# `make image-check` runs the same steps as plain commands on the host
# (scripts/image-check.sh), including the health check and a start as the
# image's user on folders it owns.
FROM node:22-bookworm-slim AS web
WORKDIR /web
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /web/dist ./frontend/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/yuechuang ./server
# Distroless has no shell to create folders in: make them here and copy them
# with the runtime user (nonroot = 65532) as owner. A new named volume takes
# the owner of the image's folder, so the first start can write its data.
RUN mkdir -p /out/data /out/backups

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/yuechuang /usr/local/bin/yuechuang
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build --chown=65532:65532 /out/backups /backups
ENV LISTEN_ADDR=:8080 DATA_DIR=/data BACKUP_DIR=/backups
VOLUME ["/data", "/backups"]
EXPOSE 8080
USER nonroot:nonroot
# No shell or curl in the image: the binary checks its own /readyz.
HEALTHCHECK --interval=30s --timeout=10s --start-period=5m --retries=3 CMD ["/usr/local/bin/yuechuang", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/yuechuang"]
