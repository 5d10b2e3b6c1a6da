/** Pull-request checks: toolchain presets, parallel jobs, sharding, service containers, caching, path filters, concurrency. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { javascript, typescript } from 'projen';
import { parse } from 'yaml';
import { bareProject } from './util';
import { DockerImage, DockerPreset, Pipeline, PipelineProps, Service, ServiceContainer, Shipshape, Toolchain } from '../src';
import { WORKFLOW_CONCURRENCY_GROUP } from '../src/pipeline/pipeline';
import { synthSnapshot } from '../src/testing/synth';

function workflow(props: PipelineProps = {}, withImage = false): any {
  const files = synthSnapshot((outdir) => {
    const p = bareProject(outdir);
    if (withImage) new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
    new Pipeline(p, 'ci', props);
    return p;
  });
  return parse(files['.github/workflows/ci.yml']);
}

const run = (job: any, name: string) => job.steps.find((s: any) => s.name === name)?.run;
const uses = (job: any) => job.steps.map((s: any) => s.uses?.split('@')[0]).filter(Boolean);

describe('toolchain presets', () => {
  test.each([
    ['npm', 'npm ci', 'npm run lint', 'npm run format:check', 'npm run typecheck', 'npm test', 'npm run test:integration', 'npm audit --audit-level=high'],
    ['pnpm', 'pnpm install --frozen-lockfile', 'pnpm lint', 'pnpm format:check', 'pnpm typecheck', 'pnpm test', 'pnpm test:integration', 'pnpm audit --audit-level high'],
    ['yarn-berry', 'yarn install --immutable', 'yarn lint', 'yarn format:check', 'yarn typecheck', 'yarn test', 'yarn test:integration', 'yarn npm audit --all --recursive --severity high'],
    ['yarn-classic', 'yarn install --frozen-lockfile --non-interactive', 'yarn lint', 'yarn format:check', 'yarn typecheck', 'yarn test', 'yarn test:integration', 'yarn audit --level high || [ $(( $? & 24 )) -eq 0 ]'],
  ] as const)('GIVEN Node with %s WHEN every check is on THEN each job installs with that manager and runs its preset', (pm, install, lint, format, typecheck, test, integration, audit) => {
    const wf = workflow({ toolchain: Toolchain.node({ packageManager: pm }), checks: { format: true, typecheck: true, integration: true } });
    expect(run(wf.jobs.lint, 'Install dependencies')).toBe(install);
    expect(run(wf.jobs.lint, 'Lint')).toBe(lint);
    expect(run(wf.jobs.format, 'Check formatting')).toBe(format);
    expect(run(wf.jobs.typecheck, 'Type-check')).toBe(typecheck);
    expect(run(wf.jobs.test, 'Unit tests')).toBe(test);
    expect(run(wf.jobs.integration, 'Integration tests')).toBe(integration);
    expect(run(wf.jobs.audit, 'Audit dependencies')).toBe(audit);
    const setup = wf.jobs.lint.steps.find((s: any) => s.uses?.startsWith('actions/setup-node@'));
    expect(setup.with.cache).toBe(pm.replace(/-.*/, ''));
    if (pm === 'pnpm') expect(uses(wf.jobs.lint)).toContain('pnpm/action-setup');
  });

  test('GIVEN Python WHEN the checks run THEN pip is cached and ruff, mypy and pytest run', () => {
    const wf = workflow({ toolchain: Toolchain.python({ version: '3.12' }), checks: { format: true, typecheck: true, build: false } });
    const setup = wf.jobs.lint.steps.find((s: any) => s.uses?.startsWith('actions/setup-python@'));
    expect(setup.with).toEqual({ 'python-version': '3.12', 'cache': 'pip', 'cache-dependency-path': 'requirements.txt\nrequirements-dev.txt' });
    expect(run(wf.jobs.lint, 'Install dependencies')).toBe('python -m pip install -r requirements.txt -r requirements-dev.txt');
    expect(run(wf.jobs.lint, 'Lint')).toBe('ruff check .');
    expect(run(wf.jobs.format, 'Check formatting')).toBe('ruff format --check .');
    expect(run(wf.jobs.typecheck, 'Type-check')).toBe('mypy .');
    expect(run(wf.jobs.test, 'Unit tests')).toBe('pytest -m "not integration"');
    expect(wf.jobs.build).toBeUndefined();
  });

  test('GIVEN Go WHEN the checks run THEN the Go version comes from go.mod and vet, gofmt and go test run', () => {
    const wf = workflow({ toolchain: Toolchain.go(), checks: { format: true } });
    const setup = wf.jobs.lint.steps.find((s: any) => s.uses?.startsWith('actions/setup-go@'));
    expect(setup.with).toEqual({ 'go-version-file': 'go.mod', 'cache': true });
    expect(run(wf.jobs.lint, 'Lint')).toBe('go vet ./...');
    expect(run(wf.jobs.format, 'Check formatting')).toBe('test -z "$(gofmt -l .)"');
    expect(run(wf.jobs.test, 'Unit tests')).toBe('go test ./...');
  });

  test('GIVEN a command string or false WHEN given per check THEN it replaces the preset or drops the job', () => {
    const wf = workflow({ checks: { lint: 'npx eslint .', build: false } });
    expect(run(wf.jobs.lint, 'Lint')).toBe('npx eslint .');
    expect(wf.jobs.build).toBeUndefined();
  });
});

describe('job layout', () => {
  test('GIVEN the default checks WHEN synthesized THEN every check and scan runs in parallel (no needs)', () => {
    const wf = workflow({ checks: { format: true, typecheck: true } });
    for (const id of ['lint', 'format', 'typecheck', 'test', 'build', 'audit', 'codeql', 'secrets', 'dependency-review', 'synth-check']) {
      expect(wf.jobs[id]).toBeDefined();
      expect(wf.jobs[id].needs).toBeUndefined();
    }
  });

  test('GIVEN 4 test shards WHEN synthesized THEN a matrix runs the tests with SHARD_INDEX and SHARD_TOTAL', () => {
    const wf = workflow({ checks: { test: { command: 'npx jest --shard="$SHARD_INDEX/$SHARD_TOTAL"', shards: 4 } } });
    expect(wf.jobs.test.strategy).toEqual({ 'fail-fast': false, 'matrix': { shard: [1, 2, 3, 4] } });
    expect(wf.jobs.test.name).toBe('test (${{ matrix.shard }}/4)');
    const step = wf.jobs.test.steps.find((s: any) => s.name === 'Unit tests');
    expect(step.env).toEqual({ SHARD_INDEX: '${{ matrix.shard }}', SHARD_TOTAL: '4' });
  });

  test('GIVEN integration tests with postgres and redis WHEN synthesized THEN both containers carry health options and the tests get their URLs', () => {
    const wf = workflow({ checks: { integration: { services: { postgres: ServiceContainer.postgres(), redis: ServiceContainer.redis() } } } });
    const { postgres, redis } = wf.jobs.integration.services;
    expect(postgres.image).toBe('postgres:17');
    expect(postgres.options).toContain('--health-cmd "pg_isready -U postgres"');
    expect(redis.options).toContain('--health-cmd "redis-cli ping"');
    expect(postgres.env).toEqual({ POSTGRES_HOST_AUTH_METHOD: 'trust' });
    const step = wf.jobs.integration.steps.find((s: any) => s.name === 'Integration tests');
    expect(step.env).toEqual({ DATABASE_URL: 'postgres://postgres@localhost:5432/postgres', REDIS_URL: 'redis://localhost:6379' });
  });

  test('GIVEN any pipeline WHEN synthesized THEN every job has a timeout and superseded PR runs are cancelled', () => {
    const wf = workflow({}, true);
    for (const job of Object.values<any>(wf.jobs)) expect(job['timeout-minutes']).toBeGreaterThan(0);
    expect(wf.concurrency).toEqual({ 'group': WORKFLOW_CONCURRENCY_GROUP, 'cancel-in-progress': "${{ github.event_name == 'pull_request' }}" });
  });
});

describe('images and path filters', () => {
  const wf = workflow({ docsPaths: ['**/*.md', 'docs/**', 'LICENSE'] }, true);

  test('GIVEN an image WHEN built in CI THEN buildx uses the GitHub Actions layer cache and never pushes', () => {
    const build = wf.jobs.image.steps.find((s: any) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build.with).toMatchObject({ 'push': false, 'cache-from': 'type=gha,scope=api', 'cache-to': 'type=gha,scope=api,mode=max' });
    expect(uses(wf.jobs.image)).toContain('docker/setup-buildx-action');
  });

  test('GIVEN a docs-only pull request THEN the image job is skipped through the changes filter', () => {
    expect(wf.jobs.image.needs).toEqual(['changes']);
    expect(wf.jobs.image.if).toBe("needs.changes.outputs.code == 'true'");
    const filter = wf.jobs.changes.steps[0];
    expect(filter.with.filters).toBe("code:\n  - '**'\n  - '!**/*.md'\n  - '!docs/**'\n  - '!LICENSE'\n");
    expect(filter.with['predicate-quantifier']).toBe('every');
  });

  test('GIVEN a docs-only push THEN the workflow does not start (no image build, no deploy)', () => {
    expect(wf.on.push['paths-ignore']).toEqual(['**/*.md', 'docs/**', 'LICENSE']);
    expect(wf.on.pull_request['paths-ignore']).toBeUndefined();
  });
});

describe('synthesis check', () => {
  test('GIVEN the default WHEN synthesized THEN CI re-runs npx projen and fails on a diff', () => {
    const wf = workflow();
    expect(run(wf.jobs['synth-check'], 'Re-synthesize')).toBe('npx projen');
    expect(run(wf.jobs['synth-check'], 'Fail when generated files differ from the commit')).toContain('git diff --exit-code');
  });

  test('GIVEN synthCheck false THEN there is no such job', () => {
    expect(workflow({ synthCheck: false }).jobs['synth-check']).toBeUndefined();
  });
});

/** Synthesize a projen TypeScriptProject (or any project) with a Pipeline and return every generated file. */
function synthWith(make: (outdir: string) => import('projen').Project, props: PipelineProps = {}, files: Record<string, string> = {}): Record<string, string> {
  return synthSnapshot((outdir) => {
    for (const [f, body] of Object.entries(files)) fs.writeFileSync(path.join(outdir, f), body);
    const p = make(outdir);
    Shipshape.configure(p, { cloudFormationValidation: false });
    new Pipeline(p, 'ci', props);
    return p;
  });
}

const tsProject = (packageManager: javascript.NodePackageManager) => (outdir: string) =>
  new typescript.TypeScriptProject({ name: 'svc', defaultReleaseBranch: 'main', outdir, packageManager });

describe('toolchains as repositories have them', () => {
  test.each([
    [javascript.NodePackageManager.YARN_CLASSIC, 'yarn install --frozen-lockfile --non-interactive', 'yarn audit --level high || [ $(( $? & 24 )) -eq 0 ]'],
    [javascript.NodePackageManager.PNPM, 'pnpm install --frozen-lockfile', 'pnpm audit --audit-level high'],
  ])('GIVEN a fresh projen TypeScriptProject on %s WHEN a default Pipeline is added THEN the checks run its projen tasks with its package manager', (pm, install, audit) => {
    const files = synthWith(tsProject(pm));
    const wf = parse(files['.github/workflows/ci.yml']);
    expect(run(wf.jobs.lint, 'Install dependencies')).toBe(install);
    // projen's eslint and test tasks fix files (--fix, --updateSnapshot): the job fails when they changed anything
    expect(run(wf.jobs.lint, 'Lint')).toMatch(/^npx projen eslint\n.*\ngit diff --exit-code\ntest -z "\$\(git status --porcelain\)"/);
    expect(run(wf.jobs.test, 'Unit tests')).toMatch(/^npx projen test\n.*\ngit diff --exit-code\n/);
    // compile, not build: projen's build task would run the tests and eslint a second time
    expect(run(wf.jobs.build, 'Build')).toBe('npx projen compile');
    expect(run(wf.jobs.audit, 'Audit dependencies')).toBe(audit);
  });

  test('GIVEN a projen TypeScriptProject WHEN a Pipeline is added THEN projen\'s build, release and upgrade workflows are switched off', () => {
    const files = synthWith(tsProject(javascript.NodePackageManager.NPM));
    const workflows = Object.keys(files).filter((f) => f.startsWith('.github/workflows/')).sort();
    expect(workflows).toContain('.github/workflows/ci.yml');
    for (const gone of ['build.yml', 'release.yml', 'upgrade-main.yml']) expect(workflows).not.toContain(`.github/workflows/${gone}`);
  });

  test('GIVEN a projen project on yarn Classic WHEN packageManager says npm THEN synthesis stops and names the project\'s own', () => {
    expect(() => synthWith(tsProject(javascript.NodePackageManager.YARN_CLASSIC), { toolchain: Toolchain.node({ packageManager: 'npm' }) }))
      .toThrow(/packageManager: must be the projen project's own package manager, 'yarn-classic' \(got 'npm'\)/);
  });

  test.each([
    ['a Yarn 1 lockfile', { 'yarn.lock': '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n' }, 'yarn install --frozen-lockfile --non-interactive'],
    ['packageManager yarn@4', { 'package.json': '{"name":"x","packageManager":"yarn@4.5.0"}' }, 'yarn install --immutable'],
  ])('GIVEN packageManager yarn and %s WHEN synthesized THEN CI uses that Yarn\'s commands', (_name, repo, install) => {
    const files = synthWith((outdir) => bareProject(outdir), { toolchain: Toolchain.node({ packageManager: 'yarn' }) }, repo);
    expect(run(parse(files['.github/workflows/ci.yml']).jobs.lint, 'Install dependencies')).toBe(install);
  });

  test('GIVEN Go with 3 test shards WHEN synthesized THEN each shard tests its own packages and the budget counts a third', () => {
    const wf = workflow({ toolchain: Toolchain.go(), checks: { test: { shards: 3 } } });
    const cmd = run(wf.jobs.test, 'Unit tests');
    expect(cmd).toContain('go list ./... | awk -v n="$SHARD_TOTAL" -v i="$SHARD_INDEX"');
    expect(cmd).toContain('go test $pkgs');
    expect(cmd).not.toContain('go test ./...');
  });

  test('GIVEN the Go shard script WHEN run with 7 packages over 3 shards THEN every package runs exactly once', () => {
    const cmd: string = run(workflow({ toolchain: Toolchain.go(), checks: { test: { shards: 3 } } }).jobs.test, 'Unit tests');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-shard-'));
    try {
      // a fake go: `go list` prints 7 packages, `go test` prints what it was given
      fs.writeFileSync(path.join(dir, 'go'), '#!/bin/sh\nif [ "$1" = list ]; then for i in 1 2 3 4 5 6 7; do echo "example.com/m/p$i"; done; else shift; echo "$@"; fi\n', { mode: 0o755 });
      const ran = [1, 2, 3].flatMap((i) => {
        const r = spawnSync('bash', ['-c', cmd], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, SHARD_INDEX: String(i), SHARD_TOTAL: '3' }, encoding: 'utf8' });
        expect(r.status).toBe(0);
        return r.stdout.trim().split(/\s+/);
      });
      expect(ran.sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `example.com/m/p${i}`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN Python with 2 test shards and integration on WHEN synthesized THEN each shard runs its slice and unit tests leave integration out', () => {
    const wf = workflow({ toolchain: Toolchain.python(), checks: { test: { shards: 2 }, integration: true } });
    const cmd = run(wf.jobs.test, 'Unit tests');
    expect(cmd).toContain('pytest --collect-only -q -m "not integration"');
    expect(cmd).toContain('awk -v n="$SHARD_TOTAL" -v i="$SHARD_INDEX"');
    expect(run(wf.jobs.integration, 'Integration tests')).toBe('pytest -m integration');
  });

  test('GIVEN the smallest Python pipeline WHEN synthesized THEN it has no build job (nothing to build) and no error', () => {
    const wf = workflow({ toolchain: Toolchain.python() });
    expect(wf.jobs.build).toBeUndefined();
    expect(wf.jobs.test).toBeDefined();
  });

  test('GIVEN Node with 3 shards and the preset command WHEN synthesized THEN synthesis stops: npm test cannot be split', () => {
    expect(() => workflow({ checks: { test: { shards: 3 } } })).toThrow(/checks\.test\.shards: must be 1, or a command that runs its share/);
  });

  test('GIVEN a sharded command that ignores SHARD_INDEX WHEN budgeted THEN each shard is expected to take the whole suite', () => {
    const whole = workflow({ checks: { test: { command: 'npx vitest run', shards: 4 } } });
    const split = workflow({ checks: { test: { command: 'npx jest --shard="$SHARD_INDEX/$SHARD_TOTAL"', shards: 4 } } });
    const minutes = (wf: any) => Number(/(\d+)/.exec(JSON.stringify(wf.jobs.test['timeout-minutes']))![1]);
    expect(minutes(whole)).toBeGreaterThan(minutes(split));
  });
});

describe('one version from one place (Python, Go); uv', () => {
  test('GIVEN pyproject.toml requires-python >=3.13 and the 3.12 image WHEN a Python pipeline is added THEN synthesis stops with the one place to change', () => {
    expect(() => synthWith((outdir) => bareProject(outdir), { toolchain: Toolchain.python() }, { 'pyproject.toml': '[project]\nrequires-python = ">=3.13"\n' }))
      .toThrow(/\[Toolchain.python\] version: must be a Python line that pyproject.toml's requires-python '>=3.13' allows \(got '3.12'\)/);
  });

  test('GIVEN uv WHEN synthesized THEN CI installs the given uv release and syncs the lock; without a release synthesis stops', () => {
    const wf = workflow({ toolchain: Toolchain.python({ installer: 'uv', uvVersion: '0.5.11' }) });
    expect(run(wf.jobs.lint, 'Install dependencies')).toBe('python -m pip install uv==0.5.11 && uv sync --locked');
    expect(run(wf.jobs.lint, 'Lint')).toBe('uv run ruff check .');
    expect(() => Toolchain.python({ installer: 'uv' })).toThrow(/uvVersion: must be the uv release CI installs/);
  });

  test('GIVEN go.mod on Go 1.24 WHEN Toolchain.go names 1.23 THEN synthesis stops: go.mod is the one place', () => {
    expect(() => synthWith((outdir) => bareProject(outdir), { toolchain: Toolchain.go({ version: '1.23' }) }, { 'go.mod': 'module x\n\ngo 1.24\n' }))
      .toThrow(/\[Toolchain.go\] version: must be Go 1.24, the line of go.mod's 'go' directive/);
    const wf = parse(synthWith((outdir) => bareProject(outdir), { toolchain: Toolchain.go({ version: '1.24.3' }) }, { 'go.mod': 'module x\n\ngo 1.24\n' })['.github/workflows/ci.yml']);
    expect(wf.jobs.lint.steps.find((s: any) => s.uses?.startsWith('actions/setup-go@')).with['go-version']).toBe('1.24.3');
  });
});
