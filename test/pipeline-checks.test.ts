/** Pull-request checks: toolchain presets, parallel jobs, sharding, service containers, caching, path filters, concurrency. */
import { parse } from 'yaml';
import { bareProject } from './util';
import { DockerImage, DockerPreset, Pipeline, PipelineProps, Service, ServiceContainer, Toolchain } from '../src';
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
    ['yarn', 'yarn install --immutable', 'yarn lint', 'yarn format:check', 'yarn typecheck', 'yarn test', 'yarn test:integration', 'yarn npm audit --all --recursive --severity high'],
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
    expect(setup.with.cache).toBe(pm);
    if (pm === 'pnpm') expect(uses(wf.jobs.lint)).toContain('pnpm/action-setup');
  });

  test('GIVEN Python WHEN the checks run THEN pip is cached and ruff, mypy and pytest run', () => {
    const wf = workflow({ toolchain: Toolchain.python({ version: '3.12' }), checks: { format: true, typecheck: true, build: false } });
    const setup = wf.jobs.lint.steps.find((s: any) => s.uses?.startsWith('actions/setup-python@'));
    expect(setup.with).toEqual({ 'python-version': '3.12', 'cache': 'pip', 'cache-dependency-path': 'requirements.txt' });
    expect(run(wf.jobs.lint, 'Lint')).toBe('ruff check .');
    expect(run(wf.jobs.format, 'Check formatting')).toBe('ruff format --check .');
    expect(run(wf.jobs.typecheck, 'Type-check')).toBe('mypy .');
    expect(run(wf.jobs.test, 'Unit tests')).toBe('pytest');
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
