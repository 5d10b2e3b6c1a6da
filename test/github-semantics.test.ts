/**
 * What GitHub does with the generated files once they are pushed: synth-check must re-run the projenrc,
 * Dependabot must not open PRs that synth-check rejects, a pending approval must not hold back CI,
 * and the values GitHub rejects stop synthesis.
 */
import { Project, typescript } from 'projen';
import { parse } from 'yaml';
import { bareProject, rejectedInEmptyDir } from './util';
import { DockerImage, DockerPreset, Environment, Pipeline, PipelineProps, Service, Shipshape } from '../src';
import { cronProblems } from '../src/github/cron';
import { synthSnapshot } from '../src/testing/synth';

function build(props: PipelineProps = {}, setup?: (p: Project) => void): (outdir: string) => Project {
  return (outdir) => {
    const p = bareProject(outdir);
    setup?.(p);
    new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
    new Environment(p, 'prod', { account: '333333333333', region: 'eu-west-1' });
    new Pipeline(p, 'ci', props);
    return p;
  };
}
const synth = (props: PipelineProps = {}, setup?: (p: Project) => void) => synthSnapshot(build(props, setup));
const defaultTask = (files: Record<string, string>) => JSON.parse(files['.projen/tasks.json']).tasks.default;

describe('synth-check re-runs what generated the files', () => {
  test('GIVEN a bare new Project (the README\'s first example) THEN `npx projen` runs .projenrc.ts, so synth-check checks something', () => {
    const task = defaultTask(synth());
    expect(task.steps).toEqual([{ execArgs: ['tsx', '.projenrc.ts'], shell: ['npx', '-y', '-p', 'tsx', '-c'] }]);
  });

  test('GIVEN a project with its own ProjenrcTs THEN its runner is kept and nothing is added', () => {
    const task = defaultTask(synth({}, (p) => new typescript.ProjenrcTs(p, { runner: typescript.TypeScriptRunner.tsx({ typeCheck: false }) })));
    expect(task.steps).toHaveLength(1);
    expect(task.steps[0].execArgs).toEqual(['tsx', '.projenrc.ts']);
  });

  test('GIVEN synth-check off or a custom command THEN the default task is left alone', () => {
    expect(defaultTask(synth({ synthCheck: false })).steps).toBeUndefined();
    expect(defaultTask(synth({ synthCheck: 'npx tsx projenrc/main.ts' })).steps).toBeUndefined();
  });
});

describe('Dependabot stays on the package ecosystems', () => {
  test('GIVEN a pipeline with an image THEN dependabot.yml never targets the generated workflows or Dockerfiles', () => {
    const d = parse(synth()['.github/dependabot.yml']);
    expect(d.updates.map((u: any) => u['package-ecosystem'])).toEqual(['npm']);
  });
});

describe('a pending approval does not block main', () => {
  const wf = parse(synth()['.github/workflows/ci.yml']);

  test('THEN pull requests share one group per PR and cancel each other; every push has a group of its own', () => {
    expect(wf.concurrency.group).toContain("format('pr-{0}', github.event.pull_request.number)");
    expect(wf.concurrency.group).toContain("format('run-{0}', github.run_id)");
    expect(wf.concurrency.group).not.toContain('github.ref');
    expect(wf.concurrency['cancel-in-progress']).toBe("${{ github.event_name == 'pull_request' }}");
  });

  test('THEN deploys still queue per environment, never cancelled', () => {
    expect(wf.jobs['deploy-prod'].concurrency).toEqual({ 'group': 'deploy-prod', 'cancel-in-progress': false });
  });
});

describe('the image carries its revision and source', () => {
  test('THEN publish passes REVISION and SOURCE_URL as build args', () => {
    const wf = parse(synth()['.github/workflows/ci.yml']);
    const push = wf.jobs.publish.steps.find((s: any) => s.name === 'Build and push api');
    expect(push.with['build-args']).toBe('REVISION=${{ github.sha }}\nSOURCE_URL=${{ github.server_url }}/${{ github.repository }}');
  });
});

describe('values GitHub rejects stop synthesis', () => {
  test('GIVEN 7 reviewers on an environment THEN SS-ENV-REVIEWERS names the environment', () => {
    const { error, written } = rejectedInEmptyDir('app', (p) => {
      new Environment(p, 'prod', { account: '333333333333', region: 'eu-west-1', approval: { reviewers: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] } });
      new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
      new Pipeline(p, 'ci');
    });
    expect(written).toEqual([]);
    expect(error.problems).toEqual([expect.objectContaining({ code: 'SS-ENV-REVIEWERS', path: 'app/prod', property: 'approval.reviewers' })]);
    expect(error.problems[0].expected).toContain('at most 6 reviewers');
  });

  test.each([
    ['60 5 * * *', "minute '60': 60 is outside 0-59"],
    ['0 24 * * *', "hour '24': 24 is outside 0-23"],
    ['0 5 0 * *', "day of the month '0': 0 is outside 1-31"],
    ['0 5 * 13 *', "month '13': 13 is outside 1-12"],
    ['0 5 * * 7', "day of the week '7': 7 is outside 0-6"],
    ['0 5 * * MON-XYZ', "day of the week 'MON-XYZ': 'XYZ' is not a number or a name"],
    ['*/0 5 * * *', "minute '*/0': the step must be a whole number of at least 1"],
    ['0 9-5 * * *', "hour '9-5': the range runs backwards"],
  ])('GIVEN the drift schedule %s THEN synthesis stops: %s', (schedule, why) => {
    expect(cronProblems(schedule)).toEqual([why]);
    const { error } = rejectedInEmptyDir('app', (p) => new Pipeline(p, 'ci', { drift: { schedule } }));
    expect(error.problems).toEqual([expect.objectContaining({ code: 'SS-PIPELINE-DRIFT', property: 'drift.schedule' })]);
    expect(error.problems[0].expected).toContain(why);
  });

  test('GIVEN cron expressions GitHub accepts THEN nothing is reported', () => {
    for (const c of ['17 5 * * *', '0,30 */2 1-15 JAN-JUN MON-FRI', '5 4 * * sun', '0 0 1 1/3 *']) expect(cronProblems(c)).toEqual([]);
  });

  test("GIVEN the branch 'refs/heads/main' THEN synthesis stops and says to give the name only", () => {
    const { error } = rejectedInEmptyDir('app', (p) => new Pipeline(p, 'ci', { branch: 'refs/heads/main' }));
    expect(error.problems).toEqual([expect.objectContaining({ code: 'SS-PIPELINE-BRANCH', property: 'branch', got: "'refs/heads/main'" })]);
    expect(error.problems[0].expected).toContain("without 'refs/heads/'");
  });

  test("GIVEN the repository 'owner/repo.git' THEN Shipshape.configure stops and names the repository to give", () => {
    let caught: any;
    try {
      Shipshape.configure(new Project({ name: 'app', outdir: '/tmp/shipshape-unused' }), { repository: 'acme/shop.git' });
    } catch (e) {
      caught = e;
    }
    expect(caught?.problems).toEqual([expect.objectContaining({ code: 'SS-REPOSITORY', property: 'repository' })]);
    expect(caught.problems[0].expected).toContain("without '.git' ('acme/shop')");
  });
});
