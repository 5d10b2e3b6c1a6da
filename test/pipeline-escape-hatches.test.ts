/** Escape hatches: add or patch any job or step, and raw workflow keys. */
import { parse } from 'yaml';
import { bareProject, expectRejected } from './util';
import { DockerImage, DockerPreset, Environment, Pipeline, Service } from '../src';
import { synthSnapshot } from '../src/testing/synth';

function synth(configure: (ci: Pipeline) => void): any {
  const files = synthSnapshot((outdir) => {
    const p = bareProject(outdir);
    new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
    const ci = new Pipeline(p, 'ci');
    configure(ci);
    // Declared after the pipeline: generated deploy jobs still exist and can be patched.
    new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
    return p;
  });
  return parse(files['.github/workflows/ci.yml']);
}

test('GIVEN an added job THEN it is a check with read-only contents and appears in the workflow', () => {
  const wf = synth((ci) => ci.addJob('e2e', { needs: ['build'], expectedMinutes: 4, steps: [{ run: 'npm run e2e' }] }));
  expect(wf.jobs.e2e).toMatchObject({ name: 'e2e', needs: ['build'], permissions: { contents: 'read' }, steps: [{ run: 'npm run e2e' }] });
});

test('GIVEN patches of generated jobs and steps THEN the rendered workflow carries them', () => {
  const wf = synth((ci) => {
    ci.patchJob('lint', { timeoutMinutes: 3 });
    ci.patchJob('deploy-prod', (job) => ({ ...job, env: { ...job.env, EXTRA: 'yes' } }));
    ci.addStep('test', { name: 'Coverage', run: 'npm run coverage' }, { after: 'Unit tests' });
    ci.addStep('test', { name: 'Before', run: 'echo before' }, { before: 'Install dependencies' });
    ci.patchStep('build', 'Build', { run: 'npm run build:prod' });
  });
  expect(wf.jobs.lint['timeout-minutes']).toBe(3);
  expect(wf.jobs['deploy-prod'].env).toEqual({ IMAGE_TAG: '${{ needs.publish.outputs.image-tag }}', EXTRA: 'yes' });
  expect(wf.jobs.test.steps.map((s: any) => s.name)).toEqual(['Check out', 'Set up Node.js', 'Before', 'Install dependencies', 'Unit tests', 'Coverage']);
  expect(wf.jobs.build.steps.at(-1).run).toBe('npm run build:prod');
});

test('GIVEN raw overrides THEN keys the typed API lacks are set and deleted', () => {
  const wf = synth((ci) => {
    ci.addOverride('jobs.lint.continue-on-error', true);
    ci.addOverride(['on', 'merge_group'], {});
    ci.addOverride('jobs.lint.steps.0.with.fetch-depth', 0);
    ci.addOverride('on.workflow_dispatch', undefined);
  });
  expect(wf.jobs.lint['continue-on-error']).toBe(true);
  expect(wf.on.merge_group).toEqual({});
  expect(wf.on.workflow_dispatch).toBeUndefined();
  expect(wf.jobs.lint.steps[0].with).toEqual({ 'persist-credentials': false, 'fetch-depth': 0 });
});

test('GIVEN a patch of an unknown job or step THEN synthesis stops naming it', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    const ci = new Pipeline(p, 'ci', { checks: { build: false } });
    ci.patchJob('lnit', { timeoutMinutes: 3 });
    ci.patchStep('lint', 'Lnt', { run: 'x' });
    return p;
  });
  expect(err.problems.map((x) => x.code)).toEqual(['SS-JOB-PATCH', 'SS-STEP-PATCH']);
  expect(err.message).toContain('[app/ci/jobs/lnit] id: must be the id of a job in this pipeline (lint, test,');
  expect(err.message).toContain('[app/ci/jobs/lint] step: must be the name or id of a step of lint');
});

test('GIVEN an added job with a generated id THEN synthesis points to patchJob', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    new Pipeline(p, 'ci').addJob('lint', { steps: [{ run: 'true' }] });
    return p;
  });
  expect(err.code).toBe('SS-JOB-DUPLICATE');
  expect(err.message).toContain('Use patchJob() to change a generated job.');
});

describe('escape hatches are validated in the files they write (GitHub workflow parser and actionlint)', () => {
  const rejected = (configure: (ci: Pipeline) => void) => expectRejected((outdir) => {
    const p = bareProject(outdir, 'shop');
    const ci = new Pipeline(p, 'ci');
    configure(ci);
    return p;
  });

  test('GIVEN an override with a word for a number THEN the error names that override and the line', () => {
    const err = rejected((ci) => {
      ci.addOverride('jobs.lint.continue-on-error', true);
      ci.addOverride('jobs.lint.timeout-minutes', 'ten');
    });
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ code: 'SS-WORKFLOW-OVERRIDE', path: 'shop/ci', property: "addOverride('jobs.lint.timeout-minutes')", got: "'ten'" });
    expect(err.problems[0].expected).toBe("a value that leaves a workflow GitHub's workflow parser accepts (Unexpected value 'ten')");
    expect(err.problems[0].hint).toMatch(/^\.github\/workflows\/ci\.yml line \d+\. Fix or remove this addOverride/);
  });

  test('GIVEN a number for runs-on THEN actionlint rejects it, naming the override; a self-hosted label string passes', () => {
    const err = rejected((ci) => ci.addOverride('jobs.lint.runs-on', 5));
    expect(err.problems.map((x) => [x.code, x.property, x.got])).toEqual([['SS-WORKFLOW-OVERRIDE', "addOverride('jobs.lint.runs-on')", '5']]);
    expect(err.problems[0].expected).toBe('a value that leaves a workflow actionlint accepts (label "5" is unknown)');
    const wf = synth((ci) => ci.addOverride('jobs.lint.runs-on', ['self-hosted', 'gpu-large']));
    expect(wf.jobs.lint['runs-on']).toEqual(['self-hosted', 'gpu-large']);
  });

  test('GIVEN a patch that writes an invalid value THEN the error names the patch', () => {
    const err = rejected((ci) => ci.patchJob('lint', { timeoutMinutes: 'ten' as never }));
    expect(err.problems.map((x) => [x.code, x.property])).toEqual([['SS-WORKFLOW-ESCAPE-HATCH', "patchJob('lint')"]]);
    expect(err.problems[0].got).toMatch(/^\.github\/workflows\/ci\.yml line \d+: Unexpected value 'ten'$/);
  });
});
