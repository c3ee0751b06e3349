# Multi-stage build: compile with the Rust toolchain, run on a small Debian image as non-root.
# Build: docker build -t emig-bot .
# Run:   docker run -e EMIG_DISCORD_TOKEN=... -v emig-data:/data emig-bot

FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY migrations ./migrations
COPY config ./config
COPY tests ./tests
COPY benches ./benches
RUN cargo build --release --locked --bin emig-bot

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin emig \
    && mkdir -p /data && chown emig /data
COPY --from=build /src/target/release/emig-bot /usr/local/bin/emig-bot
USER emig
WORKDIR /data
ENV EMIG_DATABASE_URL=sqlite:///data/emig-bot.db \
    EMIG_LOG_FORMAT=json
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/emig-bot"]
CMD ["run"]
