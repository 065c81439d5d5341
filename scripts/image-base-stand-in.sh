#!/usr/bin/env bash
# Builds a local stand-in for the public base image node:24-bookworm-slim and tags it with that name, for
# machines that reach no image registry (CI here): a minimal Debian bookworm from debootstrap, this machine's
# Node.js 24 and npm under /usr/local, and the `node` user (uid/gid 1000) the official image has. Then
# `podman build --pull=never -f docker/Dockerfile .` builds the real Dockerfile unchanged. Does nothing when
# podman already holds the tag, so repeated CI runs pay for it once.
#
# Usage: scripts/image-base-stand-in.sh   (as root; installs podman, buildah, runc, podman's DNS plugin and
# debootstrap if missing)
set -euo pipefail

readonly base_tag='docker.io/library/node:24-bookworm-slim'
readonly suite='bookworm'

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf 'image-base-stand-in: %s\n' "$*"; }

ensure_packages() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v buildah >/dev/null || missing+=(buildah)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  # The runtime the image test runs containers with: crun refuses this machine's hybrid cgroups.
  command -v runc >/dev/null || missing+=(runc)
  # Name resolution between containers (a Service name such as payment-provider) on podman's CNI networks; a
  # recommendation of podman's, which --no-install-recommends leaves out.
  [ -x /usr/lib/cni/dnsname ] || missing+=(golang-github-containernetworking-plugin-dnsname)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The first Debian mirror this machine's apt uses (deb822 .sources or one-line .list), so debootstrap
# fetches from where apt already can.
debian_mirror() {
  local mirror
  mirror="$(
    {
      grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
      grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'
    } | grep -v -- '-security' | head -n 1
  )"
  echo "${mirror:-http://deb.debian.org/debian}"
}

if [ "$(id -u)" -ne 0 ]; then
  echo "image-base-stand-in: run as root (debootstrap and podman's root storage need it)" >&2
  exit 1
fi

ensure_packages
if podman image exists "$base_tag"; then
  log "$base_tag is already there"
  exit 0
fi

# shellcheck source=./use-node-24.sh
source scripts/use-node-24.sh
node_binary="$(readlink -f "$(command -v node)")"
npm_package="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
node_version="$(node --version)"

rootfs="$(mktemp -d /var/tmp/trellis-base.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT

mirror="$(debian_mirror)"
log "debootstrap --variant=minbase $suite from $mirror"
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  tail -n 20 "$rootfs.log" >&2
  rm -f "$rootfs.log"
  exit 1
}
rm -f "$rootfs.log"

log "adding node $node_version and npm $(npm --version) under /usr/local"
install -D -m 0755 "$node_binary" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_package" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

# As the official image makes it: the unprivileged user images built on it run as.
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

# This machine reaches the npm registry through a TLS-inspecting proxy whose CA Node.js trusts through
# NODE_EXTRA_CA_CERTS; the stand-in trusts it the same way, or `npm ci` in a build could not fetch. The
# public base image needs nothing of the kind, and this image never leaves the machine.
extra_ca=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  install -D -m 0644 "$NODE_EXTRA_CA_CERTS" "$rootfs/usr/local/share/stand-in/extra-ca.pem"
  extra_ca=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/stand-in/extra-ca.pem')
fi

# What a slim image leaves out: downloaded packages and package lists (a build runs apt-get update first).
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/*

log "importing it as $base_tag"
tar -C "$rootfs" --numeric-owner -c . | podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change 'CMD ["node"]' \
  "${extra_ca[@]}" \
  --message "local stand-in for $base_tag ($suite minbase, node $node_version)" \
  - "$base_tag" >/dev/null
log "done: $(podman image inspect --format '{{.Id}} {{.Size}} bytes' "$base_tag")"
