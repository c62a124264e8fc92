#!/usr/bin/env bash
# Prepares a fresh Debian machine for Herald: Chromium for timeline cards,
# Redis for the queues, and the npm dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

chromium_path="${HERALD_CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium_path" ]; then
  echo "setup: installing Debian's chromium (cards are rendered with it)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi

redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
if ! node -e 'const s=require("net").connect(+new URL(process.argv[1]).port||6379,new URL(process.argv[1]).hostname);s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1))' "$redis_url" 2>/dev/null; then
  if ! command -v redis-server >/dev/null; then
    echo "setup: installing Debian's redis-server"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
  fi
  echo "setup: starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# Puppeteer must not try to download its own Chrome: these machines cannot, and Herald uses Debian's.
export PUPPETEER_SKIP_DOWNLOAD=true
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-fund --no-audit --loglevel=error
fi
echo "setup: ready (chromium: $chromium_path, redis: $redis_url)"
