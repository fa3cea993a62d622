#!/usr/bin/env bash
# Installs the peers and documents the mock benchmark needs into bench/mock/node_modules
# (git-ignored): Stoplight Prism and GitHub's public OpenAPI description.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f package.json ]; then
  printf '{\n  "name": "contractkit-mock-bench",\n  "private": true\n}\n' > package.json
fi
npm install --no-package-lock --no-audit --no-fund --loglevel=error @stoplight/prism-cli @octokit/openapi
if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk not found: the benchmark falls back to its Python load generator" >&2
  echo "(install it with: apt-get install -y wrk)" >&2
fi
