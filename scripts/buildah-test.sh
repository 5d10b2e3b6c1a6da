#!/usr/bin/env bash
# Build a generated multi-stage Dockerfile with buildah, offline, then check the image.
#
#   scripts/buildah-test.sh <context-dir> <path-in-image> [--build-only]
#
# <context-dir> holds the Dockerfile. Its stages must be FROM localhost/shipshape-busybox:1,
# a base image this script makes from Debian's busybox-static (nothing is pulled).
# With STUBS=<dir>, every file of <dir> goes into the base image's /bin too: shell stand-ins for
# the tools a preset calls (npm, npx, pnpm, yarn, corepack, go), so a preset's own Dockerfile builds offline.
# --build-only: build, inspect and read the file, but do not start the entrypoint (health=skipped).
# The build gets a secret (id=token) and REVISION=buildah-test as a build arg.
# Needs root (buildah with chroot isolation and the vfs driver), buildah and busybox-static.
#
# It prints key=value lines for the caller to assert on:
#   user=<USER of the image config>        uid=<id -u inside the container>
#   file=<content of <path-in-image>>      revision=<the OCI revision label>
#   health=<exit code of the image's own HEALTHCHECK command while the ENTRYPOINT runs>
#   health_stopped=<the same command's exit code after the ENTRYPOINT is stopped>
#   secret_leaked=<1 if the build secret appears in the image config or history>
set -euo pipefail

ctx=${1:?usage: buildah-test.sh <context-dir> <path-in-image>}
file=${2:?usage: buildah-test.sh <context-dir> <path-in-image>}
mode=${3:-}
stubs=${STUBS:-}
base=localhost/shipshape-busybox:1
image=localhost/shipshape-buildah-test:1

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  buildah "${S[@]}" rm --all >/dev/null 2>&1 || true
  rm -rf "$work"
}
S=(--root "$work/root" --runroot "$work/run" --storage-driver vfs)
trap cleanup EXIT

bb=$(command -v busybox)
if ldd "$bb" >/dev/null 2>&1; then echo "buildah-test.sh: $bb is dynamically linked; install Debian's busybox-static" >&2; exit 2; fi

# 1. The base image: busybox-static in an empty image (the recipe links every applet except busybox itself).
c=$(buildah "${S[@]}" from scratch)
m=$(buildah "${S[@]}" mount "$c")
mkdir -p "$m/bin" "$m/tmp" "$m/etc"
chmod 1777 "$m/tmp"
cp "$bb" "$m/bin/busybox"
for a in $(busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$m/bin/$a"; done
if [ -n "$stubs" ]; then for s in "$stubs"/*; do install -m 0755 "$s" "$m/bin/$(basename "$s")"; done; fi
buildah "${S[@]}" config --env PATH=/bin --cmd /bin/sh "$c" >/dev/null
buildah "${S[@]}" unmount "$c" >/dev/null
buildah "${S[@]}" commit -q "$c" "$base" >/dev/null
buildah "${S[@]}" rm "$c" >/dev/null

# 2. The build: every stage, Docker format (OCI images drop HEALTHCHECK), a secret and a build arg.
secret="shipshape-test-secret-$RANDOM$RANDOM"
printf '%s' "$secret" > "$work/token"
buildah "${S[@]}" build -q --pull=never --isolation chroot --format docker --skip-unused-stages=false \
  --secret "id=token,src=$work/token" --build-arg REVISION=buildah-test \
  -t "$image" -f "$ctx/Dockerfile" "$ctx" >/dev/null

inspect() { buildah "${S[@]}" inspect --type image --format "$1" "$image"; }
mapfile -t health < <(inspect '{{range .Docker.Config.Healthcheck.Test}}{{println .}}{{end}}')
mapfile -t entrypoint < <(inspect '{{range .Docker.Config.Entrypoint}}{{println .}}{{end}}')
echo "user=$(inspect '{{.Docker.Config.User}}')"
echo "revision=$(inspect '{{index .Docker.Config.Labels "org.opencontainers.image.revision"}}')"
if buildah "${S[@]}" inspect --type image "$image" | grep -q "$secret"; then echo secret_leaked=1; else echo secret_leaked=0; fi

# 3. Run it: the container's own user, the copied file, and the healthcheck against the real entrypoint.
c=$(buildah "${S[@]}" from --pull=never -q "$image")
run() { buildah "${S[@]}" run --isolation chroot "$c" -- "$@"; }
echo "uid=$(run id -u)"
echo "file=$(run cat "$file")"
if [ "$mode" = --build-only ]; then echo "health=skipped"; exit 0; fi
if [ "${health[0]:-}" != CMD ]; then echo "health=missing"; exit 0; fi
check=("${health[@]:1}")
# Started directly (not through the run function) so that $! is buildah itself and kill stops the entrypoint.
buildah "${S[@]}" run --isolation chroot "$c" -- "${entrypoint[@]}" >/dev/null 2>&1 &
server=$!
rc=1
for _ in $(seq 1 25); do
  if run "${check[@]}" >/dev/null 2>&1; then rc=0; break; fi
  sleep 0.2
done
echo "health=$rc"
kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=
rc=0; run "${check[@]}" >/dev/null 2>&1 || rc=$?
echo "health_stopped=$rc"
