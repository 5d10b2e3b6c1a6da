/**
 * Per-environment overrides of a workload (`environments: { prod: {...} }`) and ECS Exec (`exec: true`): each
 * environment's stack reads the workload through `inEnvironment`, so an override is one source of truth there.
 */
import { synthFailure } from './cloudformation-helpers';
import { bareProject } from './util';
import { DockerImage, DockerPreset, Environment, ScalingTarget, ScheduledJob, Service, ShipshapeError, Worker } from '../src';
import { synthSnapshot } from '../src/testing/synth';

type Json = any;
const resources = (template: string, type: string): Json[] => Object.values<Json>(JSON.parse(template).Resources).filter((r) => r.Type === type);
const container = (template: string) => resources(template, 'AWS::ECS::TaskDefinition')[0];
const envOf = (template: string) => Object.fromEntries(
  (container(template).Properties.ContainerDefinitions[0].Environment ?? []).map((e: Json) => [e.Name, e.Value]),
);

const files = synthSnapshot((outdir) => {
  const p = bareProject(outdir, 'shop');
  new Environment(p, 'staging', { account: '111111111111', region: 'eu-west-1' });
  new Environment(p, 'prod', { account: '222222222222', region: 'eu-west-1' });
  const api = new Service(p, 'api', {
    internal: true,
    exec: true,
    env: { LOG_LEVEL: { value: 'debug' }, REGION_NAME: { value: 'eu' } },
    scaling: { min: 1, max: 2, target: ScalingTarget.cpu(70) },
    environments: { prod: { cpu: 1024, memoryMiB: 2048, env: { LOG_LEVEL: { value: 'info' } }, scaling: { min: 3, max: 9, target: ScalingTarget.memory(60) } } },
  });
  // An override without scaling keeps the service's own scaling there.
  new Service(p, 'web', { internal: true, scaling: { min: 2, max: 5, target: ScalingTarget.cpu(50) }, environments: { prod: { cpu: 512, memoryMiB: 1024 } } });
  const billing = new Worker(p, 'billing', { healthCommand: ['node', 'dist/health.js'], environments: { prod: { scaling: { min: 2, max: 20, messagesPerTask: 10 } } } });
  const nightly = new ScheduledJob(p, 'nightly', { schedule: 'rate(1 day)', environments: { staging: { env: { DRY_RUN: { value: 'true' } } } } });
  for (const w of [api, billing, nightly]) new DockerImage(p, `${w.name}-image`, { service: w, preset: DockerPreset.node(), contextPath: w.name, dockerfilePath: `${w.name}/Dockerfile` });
  return p;
});

describe('GIVEN a service, a worker and a job with overrides for one environment', () => {
  test('THEN that environment\'s task gets the CPU, memory and merged variables; the other keeps the workload\'s own', () => {
    expect(container(files['infra/api-prod.template.json']).Properties).toMatchObject({ Cpu: '1024', Memory: '2048' });
    expect(container(files['infra/api-staging.template.json']).Properties).toMatchObject({ Cpu: '256', Memory: '512' });
    expect(envOf(files['infra/api-prod.template.json'])).toMatchObject({ LOG_LEVEL: 'info', REGION_NAME: 'eu' });
    expect(envOf(files['infra/api-staging.template.json'])).toMatchObject({ LOG_LEVEL: 'debug', REGION_NAME: 'eu' });
    expect(envOf(files['infra/nightly-staging.template.json'])).toMatchObject({ DRY_RUN: 'true' });
    expect(envOf(files['infra/nightly-prod.template.json']).DRY_RUN).toBeUndefined();
  });

  test('THEN scaling follows the environment\'s override (the service\'s metric too, the worker\'s backlog target)', () => {
    const target = (t: string) => resources(t, 'AWS::ApplicationAutoScaling::ScalableTarget')[0].Properties;
    const policy = (t: string) => resources(t, 'AWS::ApplicationAutoScaling::ScalingPolicy')[0].Properties.TargetTrackingScalingPolicyConfiguration;
    expect(target(files['infra/api-prod.template.json'])).toMatchObject({ MinCapacity: 3, MaxCapacity: 9 });
    expect(policy(files['infra/api-prod.template.json'])).toMatchObject({ TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' } });
    expect(target(files['infra/api-staging.template.json'])).toMatchObject({ MinCapacity: 1, MaxCapacity: 2 });
    expect(policy(files['infra/api-staging.template.json'])).toMatchObject({ TargetValue: 70 });
    expect(target(files['infra/billing-prod.template.json'])).toMatchObject({ MinCapacity: 2, MaxCapacity: 20 });
    expect(policy(files['infra/billing-prod.template.json']).TargetValue).toBe(10);
    expect(target(files['infra/billing-staging.template.json'])).toMatchObject({ MinCapacity: 1, MaxCapacity: 4 });
    // An override that says nothing of scaling keeps the workload's own (not the environment's 1 to 2 tasks).
    expect(target(files['infra/web-prod.template.json'])).toMatchObject({ MinCapacity: 2, MaxCapacity: 5 });
    expect(container(files['infra/web-prod.template.json']).Properties).toMatchObject({ Cpu: '512', Memory: '1024' });
  });

});

test('GIVEN a service without its own scaling and an override without scaling THEN the environment\'s scaling applies there', () => {
  const out = synthSnapshot((outdir) => {
    const p = bareProject(outdir, 'shop');
    new Environment(p, 'prod', { account: '222222222222', region: 'eu-west-1', scaling: { min: 2, max: 6, target: ScalingTarget.cpu(55) } });
    const web = new Service(p, 'web', { internal: true, environments: { prod: { cpu: 512, memoryMiB: 1024 } } });
    new DockerImage(p, 'web-image', { service: web, preset: DockerPreset.node() });
    return p;
  });
  const t = out['infra/web-prod.template.json'];
  expect(resources(t, 'AWS::ApplicationAutoScaling::ScalableTarget')[0].Properties).toMatchObject({ MinCapacity: 2, MaxCapacity: 6 });
  expect(container(t).Properties).toMatchObject({ Cpu: '512', Memory: '1024' });
});

describe('GIVEN exec: true', () => {
  test('THEN the ECS service allows ECS Exec, and the task role gets the session channels and writes to its own log group only', () => {
    const t = files['infra/api-prod.template.json'];
    expect(resources(t, 'AWS::ECS::Service')[0].Properties.EnableExecuteCommand).toBe(true);
    const statements = resources(t, 'AWS::IAM::Policy').flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: Json) => String(s.Sid).startsWith('EcsExec'));
    expect(statements.map((s: Json) => [s.Sid, s.Action, s.Resource === '*' ? '*' : 'scoped'])).toEqual([
      ['EcsExecSessionChannels', ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'], '*'],
      ['EcsExecSessionLogs', ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], 'scoped'],
      ['EcsExecFindTheLogGroup', 'logs:DescribeLogGroups', '*'],
    ]);
    expect(JSON.stringify(statements[1].Resource)).toContain('ApiLogs');
  });

  test('THEN a workload without it has no ECS Exec and no session permissions', () => {
    const t = files['infra/billing-prod.template.json'];
    expect(resources(t, 'AWS::ECS::Service')[0].Properties.EnableExecuteCommand).toBeUndefined();
    expect(t).not.toContain('ssmmessages');
  });
});

describe('GIVEN mistakes in overrides', () => {
  test('an environment the project does not declare and request scaling of an internal service are reported together, and nothing is written', () => {
    const { error, files: written } = synthFailure((p) => {
      new Environment(p, 'prod', { account: '222222222222', region: 'eu-west-1' });
      new Service(p, 'api', { internal: true, environments: { prd: { env: { A: { value: '1' } } }, prod: { scaling: { target: ScalingTarget.requests(100) } } } });
      new ScheduledJob(p, 'nightly', { schedule: 'rate(1 day)', environments: { staging: { cpu: 512, memoryMiB: 1024 } } });
    });
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).problems.map((x) => [x.code, x.path, x.property])).toEqual(expect.arrayContaining([
      ['SS-WORKLOAD-ENVIRONMENTS', 'shop/api', 'environments.prd'],
      ['SS-SERVICE-SCALING', 'shop/api', 'environments.prod.scaling.target'],
      ['SS-WORKLOAD-ENVIRONMENTS', 'shop/nightly', 'environments.staging'],
    ]));
    expect(written).toEqual([]);
  });

  test('a CPU and memory pair Fargate does not run, with the workload\'s own CPU where the override gives memory only', () => {
    const { error } = synthFailure((p) => {
      new Environment(p, 'prod', { account: '222222222222', region: 'eu-west-1' });
      new Worker(p, 'billing', { healthCommand: ['true'], cpu: 256, environments: { prod: { memoryMiB: 4096 } } });
    });
    expect((error as ShipshapeError).problems.map((x) => [x.code, x.path, x.property])).toEqual([['SS-WORKER-ENVIRONMENTS', 'shop/billing', 'environments.prod.memoryMiB']]);
    expect(error.message).toContain('256');
  });
});
