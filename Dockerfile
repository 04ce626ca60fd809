# sandbug in a container: gdb, gcc and the two binaries, running as a non-root user.
#
#   docker build -t sandbug .
#   docker run --rm -it --cap-add=SYS_PTRACE --security-opt seccomp=unconfined sandbug demo ptrace
#
# Why those two flags: see "Running in Docker" in the README.
# CI does not build this image (no Docker engine there); it runs the same `make build`
# that the builder stage runs, through .ci/run.

# --- build: the same command as the README and CI -------------------------------------
FROM golang:1.26-bookworm AS build
WORKDIR /src
# Module downloads first, so that a source change does not re-download them.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make build \
 && mkdir -p /out/examples \
 && for l in examples/*/lesson.md; do cp -r "$(dirname "$l")" /out/examples/; done

# --- runtime ---------------------------------------------------------------------------
FROM debian:bookworm-slim
# gdb: debug mode. gcc + libc6-dev: sandbug compiles .c files and the demos itself
# (gcc brings binutils; libc6-dev brings the headers and crt files).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdb gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/bin/sandbug /src/bin/sandbug-wrapper /src/bin/sandbug-keeper /usr/local/bin/
# The demos are embedded in the sandbug binary; this copy is for reading and editing.
COPY --from=build /out/examples /usr/share/sandbug/examples
# Not root by default: a program started by root is run as `nobody`, which needs
# --cap-add=SYS_PTRACE for gdb to reach it. As `student` it runs as `student`.
RUN useradd --create-home --uid 1000 --shell /bin/bash student
USER student
WORKDIR /home/student
# gdb starts programs through $SHELL; C.UTF-8 keeps gdb's output stable.
ENV SHELL=/bin/sh LANG=C.UTF-8
ENTRYPOINT ["sandbug"]
CMD ["demo"]
