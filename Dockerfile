# syntax=docker/dockerfile:1
#
# Container image of the interestgraph service: one static binary with the
# subcommands serve (default), gateway, consumer and rebuild.
#
#   docker build -t interestgraph .
#   docker run --rm -p 127.0.0.1:8080:8080 interestgraph            # embedded default
#   docker compose up --build                                       # with Kafka and Neo4j
#
# Stage 1 builds with the Go toolchain; stage 2 is a small Alpine image. Alpine
# rather than distroless/static so the compose healthcheck can call /healthz
# with busybox wget.

FROM golang:1.26 AS build
WORKDIR /src
# Build caches in fixed places so BuildKit cache mounts can keep them.
ENV GOMODCACHE=/go/pkg/mod GOCACHE=/cache/go-build
# Download modules in their own layer so code changes do not refetch them.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# CGO off: a static binary that runs on any base image.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/cache/go-build \
    CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" \
      -o /out/interestgraph ./cmd/interestgraph

FROM alpine:3.22
COPY --from=build /out/interestgraph /usr/local/bin/interestgraph
# Never run as root. A numeric uid needs no /etc/passwd entry.
USER 10001:10001
# Listen on all interfaces inside the container (the default, 127.0.0.1, is
# unreachable through a published port).
ENV HTTP_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/interestgraph"]
CMD ["serve"]
