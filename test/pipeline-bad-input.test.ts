/** Bad pipeline input: each a clear ShipshapeError, thrown before any file is written. */
import { bareProject, expectRejected } from './util';
import { DockerImage, DockerPreset, Environment, Pipeline, Service, Toolchain } from '../src';
import { synthSnapshot } from '../src/testing/synth';

test('a deploy order that names an unknown environment', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
    new Environment(p, 'staging', { account: '123456789012', region: 'eu-west-1' });
    new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
    new Pipeline(p, 'ci', { deploy: { order: ['staging', 'prd'] } });
    return p;
  });
  expect(err.message).toContain("[app/ci] deploy.order.1: must be the name of a declared environment (staging, prod) (got 'prd') [SS-PIPELINE-DEPLOY-ORDER]");
});

test.each([
  ['an empty approval', {}],
  ['no reviewers and no wait', { reviewers: [], waitMinutes: 0 }],
])('a gated environment with %s', (_what, approval) => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1', approval });
    return p;
  });
  expect(err.path).toBe('app/prod');
  expect(err.property).toBe('approval');
  expect(err.expected).toBe('at least one reviewer or a wait of at least 1 minute');
});

test('a shard count below 1', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    new Pipeline(p, 'ci', { checks: { test: { shards: 0 } } });
    return p;
  });
  expect(err.message).toContain('[app/ci] checks.test.shards: must be at least 1 shard (got 0) [SS-PIPELINE-CHECKS]');
});

test('a budget below 1 minute', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    new Pipeline(p, 'ci', { budget: { prMinutes: 0.5 } });
    return p;
  });
  expect(err.message).toContain('[app/ci] budget.prMinutes: must be at least 1 minute (got 0.5) [SS-PIPELINE-BUDGET]');
});

test('an action reference not pinned while pinning is enforced', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    new Pipeline(p, 'ci').addJob('docs', { steps: [{ uses: 'actions/checkout@v4', with: { 'persist-credentials': false } }] });
    return p;
  });
  expect(err.message).toContain("[app/ci/jobs/docs] steps.0.uses: must be an action pinned to a full commit SHA ('owner/repo@<40 hex>'), or a bare 'owner/repo' from the pin table (got 'actions/checkout@v4') [SS-ACTION-UNPINNED]");
});

test('an unpinned reference is accepted when pinning is not enforced', () => {
  const files = synthSnapshot((outdir) => {
    const p = bareProject(outdir);
    new Pipeline(p, 'ci', { enforcePinning: false }).addJob('docs', { steps: [{ uses: 'actions/checkout@v4', with: { 'persist-credentials': false } }] });
    return p;
  });
  expect(files['.github/workflows/ci.yml']).toContain('uses: actions/checkout@v4\n');
});

test('untrusted context inside run:, and a checkout that keeps its credentials', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    new Pipeline(p, 'ci').addJob('greet', { steps: [{ uses: 'actions/checkout' }, { run: 'echo "${{ github.event.pull_request.title }}"' }] });
    return p;
  });
  expect(err.problems.map((x) => x.code)).toEqual(['SS-WORKFLOW-CHECKOUT', 'SS-WORKFLOW-UNTRUSTED']);
  expect(err.message).toContain('Pass the value through the step\'s env and read it as "$VAR".');
});

test('a check the toolchain has no preset for', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    new Pipeline(p, 'ci', { toolchain: Toolchain.python(), checks: { build: true } });
    return p;
  });
  expect(err.message).toContain("[app/ci] checks.build: must be a command: the python toolchain has no preset for 'build' (got true) [SS-PIPELINE-CHECKS]");
});

test('nodeVersion together with a toolchain', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    new Pipeline(p, 'ci', { nodeVersion: '20', toolchain: Toolchain.node() });
    return p;
  });
  expect(err.code).toBe('SS-PIPELINE-NODEVERSION');
});
