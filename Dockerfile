# syntax=docker/dockerfile:1
#
# claude-code-proxy container image. Usage and the mounted-credentials layout
# are documented in docs/deployment.md.

# One base for both stages so the node_modules built here match the runtime ABI.
ARG NODE_IMAGE=node:24-bookworm-slim

########################################################################
# build: the dependencies that compile TypeScript -> dist/
########################################################################
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Manifests first so the dependency layer is reused when only sources change.
# --omit=optional: package.json's optionalDependencies are the platform-bound
# tools only tests and benches run (the 381 MB linux-x64 Claude Code binary,
# the helm/kubectl layer, the Portkey gateway). The build needs none of them,
# and without them it builds the same on amd64 and arm64 builders.
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --no-audit --no-fund

COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

########################################################################
# runtime: production dependencies, compiled output, Claude Code CLI
########################################################################
FROM ${NODE_IMAGE} AS runtime

# Pinned so a rebuild does not silently change the token-refresh behaviour;
# bump deliberately with --build-arg CLAUDE_CODE_VERSION=x.y.z.
ARG CLAUDE_CODE_VERSION=2.1.331

# tini is PID 1: it forwards SIGTERM to node (graceful shutdown) and reaps the
# short-lived `claude` processes spawned by the refresh job.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# The npm package is a stub whose postinstall hard-links the platform binary
# (shipped as an optionalDependency) over bin/claude.exe. npm 11 may skip
# dependency install scripts unless approved, and older npm runs them
# unconditionally; installing with --ignore-scripts and then running exactly
# that one script behaves the same on every npm. `claude --version` fails the
# build if the stub is still in place.
RUN npm install -g --ignore-scripts --no-audit --no-fund "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" \
 && node "$(npm root -g)/@anthropic-ai/claude-code/install.cjs" \
 && claude --version \
 && npm cache clean --force

ENV NODE_ENV=production \
    PORT=8080 \
    HOME=/home/node \
    CLAUDE_CONFIG_DIR=/home/node/.claude \
    DISABLE_AUTOUPDATER=1

WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies are pure JS; skipping scripts keeps the runtime
# layer free of anything a dependency might run at install time. The optional
# ones are the test tools (see the build stage): npm installs optional
# dependencies with production ones unless told not to.
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

COPY --from=build /app/dist ./dist

# The credentials directory must be writable by the runtime user: the CLI
# rewrites .credentials.json when it renews the OAuth token.
RUN mkdir -p /home/node/.claude \
 && chown -R node:node /home/node \
 && chmod 700 /home/node/.claude

# uid/gid 1000 ("node" in the official image); Kubernetes runAsNonRoot needs
# a numeric user to verify it is not root.
USER 1000:1000

EXPOSE 8080

# Liveness only: readiness depends on credentials, and Docker would restart a
# container that is merely waiting for a login file.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health/live').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
