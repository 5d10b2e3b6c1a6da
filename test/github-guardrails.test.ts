/** Repository guardrails: the ruleset (check names derived from jobs), Dependabot, and exact emitter output. */
import { parse } from 'yaml';
import { bareProject } from './util';
import { DockerImage, DockerPreset, Pipeline, PipelineProps, Service, Toolchain } from '../src';
import { checkNames, dependabotObject, rulesetObject } from '../src/github/guardrails';
import { synthSnapshot } from '../src/testing/synth';

function synth(props: PipelineProps = {}): Record<string, string> {
  return synthSnapshot((outdir) => {
    const p = bareProject(outdir);
    new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node(), dockerfilePath: 'docker/Dockerfile' });
    new Pipeline(p, 'ci', props);
    return p;
  });
}

/** Minor and patch updates in one pull request per entry (the ruleset's up-to-date rule would rebase each of many). */
const GROUPS = { 'minor-and-patch': { 'patterns': ['*'], 'update-types': ['minor', 'patch'] } };

describe('GIVEN a pipeline with sharded tests', () => {
  const files = synth({ checks: { test: { shards: 2, command: 'npx jest --shard="$SHARD_INDEX/$SHARD_TOTAL"' } }, guardrails: { requiredApprovals: 2 } });
  const ruleset = JSON.parse(files['.github/rulesets/main.json']);
  const wf = parse(files['.github/workflows/ci.yml']);

  test('THEN the ruleset requires every check name the workflow reports, derived from the jobs', () => {
    const checks = ruleset.rules.find((r: any) => r.type === 'required_status_checks').parameters;
    const contexts = checks.required_status_checks.map((c: any) => c.context);
    // `changes` is required: the image job needs it, and a job skipped because a job it needs failed counts as passed.
    expect(contexts).toEqual(['lint', 'test (1/2)', 'test (2/2)', 'build', 'changes', 'image', 'dependency-review', 'audit', 'codeql', 'secrets', 'synth-check']);
    for (const c of contexts.filter((x: string) => !x.startsWith('test'))) expect(wf.jobs[c].name).toBe(c);
    expect(checks.strict_required_status_checks_policy).toBe(true);
  });

  test('THEN it asks for approving reviews, linear history, and targets the branch', () => {
    expect(ruleset).toMatchObject({ name: 'main', target: 'branch', enforcement: 'active', conditions: { ref_name: { include: ['refs/heads/main'] } } });
    expect(ruleset.rules.find((r: any) => r.type === 'pull_request').parameters.required_approving_review_count).toBe(2);
    expect(ruleset.rules.map((r: any) => r.type)).toEqual(expect.arrayContaining(['required_linear_history', 'non_fast_forward', 'deletion']));
  });

  test('THEN Dependabot watches the toolchain only (the workflows and the Dockerfile are generated)', () => {
    expect(parse(files['.github/dependabot.yml'])).toEqual({
      version: 2,
      updates: [
        { 'package-ecosystem': 'npm', 'directory': '/', 'schedule': { interval: 'weekly' }, 'groups': GROUPS },
      ],
    });
  });
});

test('GIVEN Go and monthly updates THEN Dependabot uses gomod', () => {
  const files = synth({ toolchain: Toolchain.go(), guardrails: { dependabot: 'monthly' } });
  const d = parse(files['.github/dependabot.yml']);
  expect(d.updates[0]).toEqual({ 'package-ecosystem': 'gomod', 'directory': '/', 'schedule': { interval: 'monthly' }, 'groups': GROUPS });
});

test('GIVEN guardrails switched off THEN neither file is written', () => {
  const files = synth({ guardrails: { ruleset: false, dependabot: false } });
  expect(files['.github/rulesets/main.json']).toBeUndefined();
  expect(files['.github/dependabot.yml']).toBeUndefined();
});

describe('emitters', () => {
  test('checkNames expands a one-key matrix into GitHub\'s check names', () => {
    expect(checkNames({ id: 'test', name: 'test (${{ matrix.shard }}/3)', strategy: { matrix: { shard: [1, 2, 3] } } })).toEqual(['test (1/3)', 'test (2/3)', 'test (3/3)']);
    expect(checkNames({ id: 'e2e', strategy: { matrix: { browser: ['chrome', 'firefox'] } } })).toEqual(['e2e (chrome)', 'e2e (firefox)']);
    expect(checkNames({ id: 'lint', name: 'Lint' })).toEqual(['Lint']);
  });

  test('the ruleset body, exactly', () => {
    expect(rulesetObject({ branch: 'trunk', requiredChecks: ['lint'], requiredApprovals: 1 })).toEqual({
      name: 'trunk',
      target: 'branch',
      enforcement: 'active',
      conditions: { ref_name: { include: ['refs/heads/trunk'], exclude: [] } },
      bypass_actors: [],
      rules: [
        { type: 'deletion' },
        { type: 'non_fast_forward' },
        { type: 'required_linear_history' },
        { type: 'pull_request', parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true, require_code_owner_review: false, require_last_push_approval: true, required_review_thread_resolution: true } },
        { type: 'required_status_checks', parameters: { strict_required_status_checks_policy: true, required_status_checks: [{ context: 'lint' }] } },
      ],
    });
  });

  test('dependabot.yml, exactly', () => {
    const files = synth({ checks: { test: false, build: false }, guardrails: { dependabot: 'daily' } });
    expect(files['.github/dependabot.yml']).toBe([
      '# ~~ Generated by projen. To modify, edit .projenrc.ts and run "npx projen".',
      'version: 2',
      'updates:',
      '  - package-ecosystem: npm',
      '    directory: /',
      '    groups:',
      '      minor-and-patch:',
      '        patterns:',
      '          - "*"',
      '        update-types:',
      '          - minor',
      '          - patch',
      '    schedule:',
      '      interval: daily',
      '',
    ].join('\n'));
    expect(dependabotObject({ interval: 'weekly', updates: [] })).toEqual({ version: 2, updates: [] });
  });
});
