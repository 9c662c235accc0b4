# Greenlight's image: built from the sources in a build stage, run from the compiled build with
# production dependencies only, as a non-root user, its database and media on a volume.
#   docker build -t greenlight .
#   docker run -d -p 3000:3000 -v greenlight-data:/data --env-file .env greenlight
# See docs/deployment.md.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binding where one exists for this Node and platform, and
# compiles it otherwise: the compiler is here for that case, and stays in this stage.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Dependencies first (their layer is reused while only sources change); --ignore-scripts holds
# back `prepare` (the build needs the sources), so the native binding is built explicitly.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 esbuild
COPY scripts/build.mjs scripts/build.mjs
COPY src src
COPY db db
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    PLAYGROUND=off \
    DATABASE_URL=file:/data/db/greenlight.db \
    MEDIA_DIR=/data/media
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The database one folder down in the volume, so its marker (beside that folder) is on the
# volume too: a volume that failed to mount is refused at start instead of starting empty.
RUN mkdir -p /data/db /data/media && chown -R node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm: the runtime's SIGTERM reaches Greenlight, which finishes work in flight.
CMD ["node", "dist/main.js"]
