/** The generic workflow renderer: exact output, pin comments, overrides that leave the model untouched. */
import { ActionPins } from '../src/github/pins';
import { applyOverride, renderWorkflow } from '../src/github/render';
import type { WorkflowModel } from '../src/github/workflow';

const pins = ActionPins.fromTable({ 'actions/checkout': { sha: 'a'.repeat(40), version: 'v9.9.9' } });
const model: WorkflowModel = {
  name: 'ci',
  on: { push: { branches: ['main'] } },
  permissions: {},
  jobs: [{
    id: 'lint',
    needs: [],
    runsOn: 'ubuntu-24.04',
    permissions: { contents: 'read' },
    timeoutMinutes: 5,
    expectedMinutes: 2,
    steps: [{ uses: 'actions/checkout', with: { 'persist-credentials': false } }, { name: 'Lint', run: 'npm run lint' }],
  }],
  overrides: [{ path: ['jobs', 'lint', 'continue-on-error'], value: true }],
};

test('renders pinned actions with a two-space version comment, applies overrides, and never renders expectedMinutes', () => {
  expect(renderWorkflow(model, pins, ['generated'])).toBe([
    '# generated',
    'name: ci',
    'on:',
    '  push:',
    '    branches:',
    '      - main',
    'permissions: {}',
    'jobs:',
    '  lint:',
    '    runs-on: ubuntu-24.04',
    '    permissions:',
    '      contents: read',
    '    timeout-minutes: 5',
    '    continue-on-error: true',
    '    steps:',
    `      - uses: actions/checkout@${'a'.repeat(40)}  # v9.9.9`,
    '        with:',
    '          persist-credentials: false',
    '      - name: Lint',
    '        run: npm run lint',
    '',
  ].join('\n'));
});

test('an override copies on the way, so shared objects are not mutated', () => {
  const shared = { a: { b: 1 } };
  const root: Record<string, unknown> = { x: shared };
  applyOverride(root, { path: ['x', 'a', 'c'], value: 2 });
  applyOverride(root, { path: ['x', 'a', 'b'], value: undefined });
  expect(root).toEqual({ x: { a: { c: 2 } } });
  expect(shared).toEqual({ a: { b: 1 } });
});
