/** Speed budget: expected minutes per job, the critical paths, the warning and the opt-in error. */
import { bareProject, expectRejected } from './util';
import { DockerImage, DockerPreset, Environment, Pipeline, PipelineProps, Service } from '../src';
import { criticalPath, formatPath } from '../src/pipeline/budget';
import { synthSnapshot } from '../src/testing/synth';

const job = (id: string, minutes: number, needs: string[] = []) => ({ id, needs, runsOn: 'x', permissions: {}, timeoutMinutes: 10, steps: [], expectedMinutes: minutes });

describe('criticalPath', () => {
  test('GIVEN a diamond THEN it follows the slowest branch', () => {
    const jobs = [job('a', 1), job('b', 5, ['a']), job('c', 2, ['a']), job('d', 1, ['b', 'c'])];
    expect(criticalPath(jobs)).toEqual({ jobs: ['a', 'b', 'd'], minutes: 7 });
    expect(formatPath(criticalPath(jobs), jobs)).toBe('a (1m) → b (5m) → d (1m) = 7m');
  });

  test('GIVEN independent jobs THEN the slowest alone is the path', () => {
    expect(criticalPath([job('x', 3), job('y', 8), job('z', 8)])).toEqual({ jobs: ['y'], minutes: 8 });
  });
});

function synthLogging(props: PipelineProps): { info: string[]; warn: string[] } {
  const info: string[] = [];
  const warn: string[] = [];
  synthSnapshot((outdir) => {
    const p = bareProject(outdir);
    new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
    new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
    new Pipeline(p, 'ci', props);
    jest.spyOn(p.logger, 'info').mockImplementation((...a: unknown[]) => { info.push(a.join(' ')); });
    jest.spyOn(p.logger, 'warn').mockImplementation((...a: unknown[]) => { warn.push(a.join(' ')); });
    return p;
  });
  return { info, warn };
}

test('GIVEN the defaults THEN synthesis prints the PR and deploy critical paths and does not warn', () => {
  const { info, warn } = synthLogging({});
  expect(info).toContainEqual('shipshape pipeline app/ci: PR critical path codeql (8m) = 8m (budget 10m)');
  // The deploy job deploys the environment stack (a minute when unchanged), then the service (8m).
  expect(info).toContainEqual('shipshape pipeline app/ci: deploy critical path codeql (8m) → publish (6m) → deploy-prod (9m) = 23m');
  expect(warn).toEqual([]);
});

test('GIVEN a slow test job WHEN its expected minutes are overridden THEN the PR path is over budget and synthesis warns', () => {
  const { info, warn } = synthLogging({ checks: { test: { expectedMinutes: 14 } } });
  expect(info).toContainEqual(expect.stringContaining('PR critical path test (14m) = 14m'));
  expect(warn).toEqual(['shipshape pipeline app/ci: the PR critical path takes 14m, over the budget of 10m']);
});

test('GIVEN expectedMinutes by job id THEN it replaces the preset default', () => {
  const { info } = synthLogging({ expectedMinutes: { codeql: 4, image: 9 }, budget: { prMinutes: 12 } });
  expect(info).toContainEqual('shipshape pipeline app/ci: PR critical path changes (1m) → image (9m) = 10m (budget 12m)');
});

test('GIVEN failOnExceed WHEN over budget THEN synthesis stops before writing anything', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir);
    new Pipeline(p, 'ci', { checks: { lint: { expectedMinutes: 12 } }, budget: { prMinutes: 5, failOnExceed: true } });
    return p;
  });
  expect(err.code).toBe('SS-PIPELINE-BUDGET');
  expect(err.message).toContain('[app/ci] budget.prMinutes: must be a pull-request critical path of at most 5 minutes (got \'lint (12m) = 12m\')');
});
