#!/usr/bin/env bash
# Make local stand-ins for the two base images of the Node.js preset, without any container registry:
#
#   scripts/buildah-node-base.sh <storage-root> <run-root>
#
#   localhost/shipshape-node:22-bookworm-slim        for node:22-bookworm-slim (the build stages)
#     the host's node binary and the shared libraries ldd lists, npm, npx and corepack laid out as in the official
#     image (/usr/local/bin, /usr/local/lib/node_modules), pnpm 9.15.0 already in corepack's cache
#     (/root/.cache/node/corepack), busybox-static for /bin/sh and the usual tools, users root, node (1000) and
#     nonroot (65532), /tmp 1777. COREPACK_ENABLE_NETWORK=0: a package manager not prepared here fails the build
#     instead of being downloaded (the official image does not set it).
#   localhost/shipshape-distroless-nodejs22:nonroot  for gcr.io/distroless/nodejs22-debian12:nonroot (the runtime)
#     as distroless lays it out: /nodejs/bin/node and its libraries, no shell, no npm, no `node` on PATH,
#     users root, nobody and nonroot (65532), USER 65532, WORKDIR /home/nonroot, ENTRYPOINT ["/nodejs/bin/node"].
#
# The node inside is the host's (its version, not 22): the stand-ins check paths, users, stages and commands, not
# Node.js 22 itself. The images go into the given buildah storage (vfs driver), so one storage serves many builds.
# pnpm: the first run fetches pnpm 9.15.0 from the npm registry once, with the checksum pinned below, into
# $SHIPSHAPE_COREPACK_HOME (default ~/.cache/shipshape/corepack); later runs and every build are offline.
# Needs root, buildah, busybox-static, node, npm and corepack on the host.
set -euo pipefail

root=${1:?usage: buildah-node-base.sh <storage-root> <run-root>}
runroot=${2:?usage: buildah-node-base.sh <storage-root> <run-root>}
S=(--root "$root" --runroot "$runroot" --storage-driver vfs)
NODE_IMAGE=localhost/shipshape-node:22-bookworm-slim
DISTROLESS_IMAGE=localhost/shipshape-distroless-nodejs22:nonroot
# pnpm's published sha512 for 9.15.0 (the form `packageManager` takes); corepack checks the download against it.
PNPM=pnpm@9.15.0+sha512.76e2379760a4328ec4415815bcd6628dee727af3779aaa4c914e3944156c4299921a89f976381ee107d41f12cfa4b66681ca9c718f0668fa0831ed4c6d8ba56c
STD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() { echo "buildah-node-base.sh: $*" >&2; exit 2; }
node=$(readlink -f "$(command -v node)") || die "node is not installed"
bb=$(command -v busybox) || die "busybox is not installed (apt-get install busybox-static)"
if ldd "$bb" >/dev/null 2>&1; then die "$bb is dynamically linked; install Debian's busybox-static"; fi
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")            # .../node_modules/npm
corepack_dir=$(dirname "$(dirname "$(readlink -f "$(command -v corepack)")")")  # .../node_modules/corepack
[ -f "$npm_dir/bin/npm-cli.js" ] || die "npm not found next to $(command -v npm)"
[ -f "$corepack_dir/dist/corepack.js" ] || die "corepack not found next to $(command -v corepack)"

# pnpm in corepack's own cache layout, fetched once per machine (checksum-pinned), then copied into the image.
corepack_home=${SHIPSHAPE_COREPACK_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/shipshape/corepack}
if [ ! -f "$corepack_home/v1/pnpm/9.15.0/.corepack" ]; then
  mkdir -p "$corepack_home"
  COREPACK_HOME="$corepack_home" COREPACK_ENABLE_DOWNLOAD_PROMPT=0 corepack install -g "$PNPM" >&2 \
    || die "could not prepare $PNPM with corepack (the npm registry must be reachable once)"
fi

# Copies the node binary and every library ldd lists (and the loader) to the same paths under $1, following links.
copy_node() {
  local dest=$1 bin=$2 lib
  mkdir -p "$dest$(dirname "$bin")"
  cp "$node" "$dest$bin"
  for lib in $(ldd "$node" | grep -o '/[^ ]*'); do
    mkdir -p "$dest$(dirname "$lib")"
    cp -L "$lib" "$dest$lib"
  done
}
new_image() {
  c=$(buildah "${S[@]}" from scratch)
  m=$(buildah "${S[@]}" mount "$c")
  mkdir -p "$m/tmp" "$m/etc" "$m/root"
  chmod 1777 "$m/tmp"
  chmod 0700 "$m/root"
}
commit_image() {
  buildah "${S[@]}" unmount "$c" >/dev/null
  buildah "${S[@]}" commit -q --format docker "$c" "$1" >/dev/null
  buildah "${S[@]}" rm "$c" >/dev/null
}

# 1. node:22-bookworm-slim's stand-in.
new_image
copy_node "$m" /usr/local/bin/node
mkdir -p "$m/bin" "$m/usr/bin" "$m/usr/local/lib/node_modules" "$m/home/node" "$m/home/nonroot"
cp "$bb" "$m/bin/busybox"
for a in $(busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$m/bin/$a"; done
ln -sf /bin/busybox "$m/usr/bin/env"   # the #!/usr/bin/env node of npm's and corepack's scripts
cp -a "$npm_dir" "$corepack_dir" "$m/usr/local/lib/node_modules/"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$m/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$m/usr/local/bin/npx"
ln -s ../lib/node_modules/corepack/dist/corepack.js "$m/usr/local/bin/corepack"
mkdir -p "$m/root/.cache/node"
cp -a "$corepack_home" "$m/root/.cache/node/corepack"
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'node:x:1000:1000::/home/node:/bin/sh' \
  'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' > "$m/etc/passwd"
printf '%s\n' 'root:x:0:' 'node:x:1000:' 'nonroot:x:65532:' > "$m/etc/group"
chown 1000:1000 "$m/home/node"
chown 65532:65532 "$m/home/nonroot"
buildah "${S[@]}" config --env "PATH=$STD_PATH" --env COREPACK_ENABLE_NETWORK=0 --cmd node "$c" >/dev/null
commit_image "$NODE_IMAGE"

# 2. gcr.io/distroless/nodejs22-debian12:nonroot's stand-in: no shell, node only at /nodejs/bin/node.
new_image
copy_node "$m" /nodejs/bin/node
mkdir -p "$m/home/nonroot"
printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
  'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' > "$m/etc/passwd"
printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'tty:x:5:' 'staff:x:50:' 'nonroot:x:65532:' > "$m/etc/group"
chown 65532:65532 "$m/home/nonroot"
buildah "${S[@]}" config --env "PATH=$STD_PATH" --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --user 65532 --workingdir /home/nonroot --entrypoint '["/nodejs/bin/node"]' "$c" >/dev/null
commit_image "$DISTROLESS_IMAGE"

echo "node=$NODE_IMAGE"
echo "distroless=$DISTROLESS_IMAGE"
