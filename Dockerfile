# Multi-stage build of the one Yuechuang binary; runs as a non-root user.
# (The frontend stage joins here once frontend/ has a package.json.)
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/yuechuang ./server

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/yuechuang /usr/local/bin/yuechuang
ENV LISTEN_ADDR=:8080 DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/yuechuang"]
