# Multi-stage build of the one Yuechuang binary with the web app embedded;
# runs as a non-root user. (Untested here: this machine has no Docker engine.)
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

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/yuechuang /usr/local/bin/yuechuang
ENV LISTEN_ADDR=:8080 DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/yuechuang"]
