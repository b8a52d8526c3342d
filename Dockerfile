# briefing in a container: a static binary on an empty image.
#
#   docker build -t briefing .
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/site" briefing build --root /site
#   docker run --rm -p 8000:8000 -v "$PWD:/site" briefing serve --root /site --bind 0.0.0.0
#
# Stage 1 builds a static musl binary (Alpine's Rust target is musl); stage 2 holds that
# binary alone, so the image is a few megabytes and runs no shell.
FROM rust:1.95-alpine AS build
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# The commit `briefing --version` names; the build context has no .git.
ARG BRIEFING_COMMIT=""
ENV BRIEFING_COMMIT=${BRIEFING_COMMIT}
RUN cargo build --profile dist --locked --bin briefing \
    && mkdir -p /out/site \
    && cp target/dist/briefing /out/briefing

FROM scratch
COPY --from=build /out/briefing /usr/local/bin/briefing
COPY --from=build /out/site /site
WORKDIR /site
ENTRYPOINT ["/usr/local/bin/briefing"]
CMD ["build", "--root", "/site"]
