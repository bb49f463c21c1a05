# Multi-stage build: compile in the Rust image, run on a slim Debian.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin zhijiang

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/zhijiang --create-home zhijiang
COPY --from=build /src/target/release/zhijiang /usr/local/bin/zhijiang
USER zhijiang
WORKDIR /var/lib/zhijiang
ENV ZHIJIANG_LISTEN=0.0.0.0:8080 \
    ZHIJIANG_DATA_DIR=/var/lib/zhijiang \
    ZHIJIANG_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["zhijiang"]
CMD ["serve"]
