# syntax=docker/dockerfile:1
# Scanfleet image: two static binaries, no shell, non-root. scanfleet scans
# and runs scanners; scanfleet-controller is the same CLI with the
# Kubernetes integration linked in, for the controller.
#   docker build -t scanfleet .
#   docker run --rm scanfleet scan --skip-db alpine:3.20
# The same image runs the controller (command scanfleet-controller), the
# scanners and the database updater (deploy/kubernetes, deploy/helm/scanfleet).

FROM golang:1.27-bookworm AS build
WORKDIR /src
# Modules first, so that source edits do not re-download them.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY cmd ./cmd
COPY internal ./internal
ARG VERSION=dev
# CGO_ENABLED=0: a static binary (SQLite is modernc's pure Go port), so the
# final stage needs no libc.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=linux go build -trimpath \
      -ldflags "-s -w -X github.com/scanfleet/scanfleet/internal/buildinfo.version=${VERSION}" \
      -o /out/scanfleet ./cmd/scanfleet && \
    CGO_ENABLED=0 GOOS=linux go build -trimpath \
      -ldflags "-s -w -X github.com/scanfleet/scanfleet/internal/buildinfo.version=${VERSION}" \
      -o /out/scanfleet-controller ./cmd/scanfleet-controller

# distroless/static: CA certificates, /etc/passwd with "nonroot" (65532),
# tzdata, and nothing else (no shell, no package manager).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/scanfleet /out/scanfleet-controller /usr/local/bin/
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/scanfleet"]
CMD ["--help"]
