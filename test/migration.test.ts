/**
 * Service.migrate: the migration task definition in the service's template, the deploy steps that run it with the new
 * image before the deploy step moves traffic (executed under bash with stub CLIs, test/workflow-runner.ts), the
 * deploy role's grants (proven like every other need), and bad input.
 */
import * as os from 'os';
import * as path from 'path';
import { Match } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { template } from './cloudformation-helpers';
import { fixtures } from './fixtures';
import { bareProject, expectRejected } from './util';
import { Answer, JobResult, Rule, awsError, environmentStackRules, runJob } from './workflow-runner';
import { Database, DockerImage, DockerPreset, Environment, EscalationPolicy, Monitoring, Pipeline, Service, Shipshape } from '../src';
import { evaluate } from '../src/iam/evaluate';
import { collectIamChecks } from '../src/policy/iam-rules';
import { readGenerated, synthSnapshot } from '../src/testing/synth';

const SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const OLD = 'badc0de0badc0de0badc0de0badc0de0badc0de0';
const NEEDS = { publish: { 'image-tag': SHA } };

/** One service with a migration and a database, deployed to dev (rolling, no URL) and to prod (blue/green, a domain). */
const files = synthSnapshot((outdir) => {
  const p = bareProject(outdir, 'migrating');
  Shipshape.configure(p, { cloudFormationValidation: false, repository: 'acme/migrating' });
  const api = new Service(p, 'api', { env: { API_TOKEN: { secret: 'migrating/api-token' } }, migrate: { command: ['npm', 'run', 'migrate'] } });
  new Database(p, 'db', { service: api });
  new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });
  new Environment(p, 'dev', { account: '111111111111', region: 'eu-west-1' });
  new Pipeline(p, 'ci', { guardrails: { checkProtection: false } });
  return p;
});
const workflow = parse(files['.github/workflows/ci.yml']);
const dev = template(files, 'infra/api-dev.template.json');

type Step = { id?: string; name?: string; if?: string; env?: Record<string, string> };
const stepsOf = (wf: { jobs: Record<string, { steps: Step[] }> }, job: string) => wf.jobs[job].steps;

describe('the template', () => {
  test('a migration task definition: the image at MigrationImageTag, the command, the service\'s variables and secrets, logs under "migrate"', () => {
    const json = dev.toJSON();
    expect(json.Parameters.MigrationImageTag).toMatchObject({ Type: 'String', AllowedPattern: json.Parameters.ImageTag.AllowedPattern });
    const definitions = dev.findResources('AWS::ECS::TaskDefinition', { Properties: { Family: 'api-dev-migrate' } });
    expect(Object.keys(definitions)).toHaveLength(1);
    const [container] = (Object.values(definitions)[0] as any).Properties.ContainerDefinitions;
    // The whole command as the entry point: a Command would be appended to the image's ENTRYPOINT, which starts the service.
    expect(container.EntryPoint).toEqual(['npm', 'run', 'migrate']);
    expect(container.Command).toBeUndefined();
    expect(JSON.stringify(container.Image)).toContain('{"Ref":"MigrationImageTag"}');
    expect(JSON.stringify(container.Image)).not.toContain('{"Ref":"ImageTag"}');
    expect(container.LogConfiguration.Options['awslogs-stream-prefix']).toBe('migrate');
    // The same variables and secrets as the service's container (the database's included), the same log group.
    const service = (Object.values(dev.findResources('AWS::ECS::TaskDefinition')) as any[]).find((d) => d.Properties.Family !== 'api-dev-migrate').Properties.ContainerDefinitions[0];
    expect(container.Environment).toEqual(service.Environment);
    expect(container.Secrets).toEqual(service.Secrets);
    expect(container.Secrets.map((s: { Name: string }) => s.Name).sort()).toEqual(['API_TOKEN', 'DATABASE_PASSWORD']);
    expect(container.LogConfiguration.Options['awslogs-group']).toEqual(service.LogConfiguration.Options['awslogs-group']);
    expect(container.HealthCheck).toBeUndefined();
    expect(container.PortMappings).toBeUndefined();
  });

  test('its own task and execution roles under the path the deploy role may pass, and the outputs the deploy job reads', () => {
    const json = dev.toJSON();
    const definition = Object.values(dev.findResources('AWS::ECS::TaskDefinition', { Properties: { Family: 'api-dev-migrate' } }))[0] as any;
    for (const property of ['TaskRoleArn', 'ExecutionRoleArn']) {
      const role = json.Resources[definition.Properties[property]['Fn::GetAtt'][0]];
      expect(role).toMatchObject({ Type: 'AWS::IAM::Role', Properties: { Path: '/shipshape/api-dev/migrate/' } });
    }
    expect(Object.keys(json.Outputs)).toEqual(expect.arrayContaining(['MigrationTaskDefinitionArn', 'MigrationSecurityGroup', 'LogGroupName', 'EcsClusterName']));
    expect(json.Outputs.MigrationTaskDefinitionArn.Value).toEqual({ Ref: expect.stringMatching(/^MigrationTaskDefinition/) });
    // The service's security group: the database admits it already.
    const [serviceSg] = Object.keys(dev.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^api tasks') } }));
    expect(serviceSg).toBeDefined();
    expect(json.Outputs.MigrationSecurityGroup.Value).toEqual({ 'Fn::GetAtt': [serviceSg, 'GroupId'] });
  });

  test('without migrate: no migration parameter, task definition, roles or outputs', () => {
    const plain = template(synthSnapshot((outdir) => {
      const p = bareProject(outdir, 'plain');
      Shipshape.configure(p, { cloudFormationValidation: false });
      new Service(p, 'api');
      new Environment(p, 'dev', { account: '111111111111', region: 'eu-west-1' });
      return p;
    }), 'infra/api-dev.template.json').toJSON();
    expect(plain.Parameters.MigrationImageTag).toBeUndefined();
    expect(Object.keys(plain.Resources).filter((k) => k.startsWith('Migration'))).toEqual([]);
    expect(Object.keys(plain.Outputs).filter((k) => k.startsWith('Migration'))).toEqual([]);
  });
});

describe('the deploy job', () => {
  test('prepares and runs the migration before the step that moves traffic, and rolls back from the first change', () => {
    const ids = stepsOf(workflow, 'deploy-dev').map((s) => s.id ?? s.name);
    expect(ids.indexOf('prepare-migration-api')).toBeGreaterThan(-1);
    expect(ids.indexOf('prepare-migration-api')).toBeLessThan(ids.indexOf('migrate-api'));
    expect(ids.indexOf('migrate-api')).toBeLessThan(ids.indexOf('deploy-api'));
    const rollback = stepsOf(workflow, 'deploy-dev').find((s) => s.id === 'rollback-api')!;
    expect(rollback.if).toBe("failure() && steps.prepare-migration-api.outcome != 'skipped' && steps.record-api.outcome != 'success'");
    // Values reach the scripts through env:, never through ${{ }} in run:.
    for (const s of stepsOf(workflow, 'deploy-dev') as Array<Step & { run?: string }>) expect(s.run ?? '').not.toContain('${{');
  });

  test('the flagship example (no migrate) has no migration step', () => {
    const flagship = parse(readGenerated(path.join(__dirname, '..', 'examples', 'node-api'))['.github/workflows/ci.yml']);
    for (const job of Object.keys(flagship.jobs).filter((j) => j.startsWith('deploy-'))) {
      expect(stepsOf(flagship, job).filter((s) => /migrat/i.test(`${s.id ?? ''} ${s.name ?? ''}`))).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The scripts, executed

const rule = (when: string, ...answers: Answer[]): Rule => ({ when, answers });
/** The AWS calls of the service's steps (the environment stack's deploy, which comes first, is tested elsewhere). */
const awsCalls = (r: JobResult) => r.calls.filter((c) => c.tool === 'aws').map((c) => c.argv)
  .filter((argv) => !argv.some((a) => a.includes('migrating-dev-environment')));
const TASK = 'arn:aws:ecs:eu-west-1:111111111111:task/api-dev/0a1b2c3d4e5f';
const TARGET = {
  stack: 'api-dev',
  template: 'infra/api-dev.template.json',
  bucket: 'migrating-templates-111111111111-eu-west-1',
  role: 'arn:aws:iam::111111111111:role/shipshape-migrating-dev-cfn-exec',
};
const cfnDeploy = (file: string, ...overrides: string[]) => [
  'cloudformation', 'deploy', '--stack-name', TARGET.stack, '--template-file', file, '--s3-bucket', TARGET.bucket, '--s3-prefix', `uploads/${TARGET.stack}`,
  '--role-arn', TARGET.role, '--capabilities', 'CAPABILITY_IAM', '--parameter-overrides', ...overrides, '--no-fail-on-empty-changeset',
];
const output = (key: string) => ['cloudformation', 'describe-stacks', '--stack-name', TARGET.stack, '--query', `Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue`, '--output', 'text'];
const STATUS = ['cloudformation', 'describe-stacks', '--stack-name', TARGET.stack, '--query', 'Stacks[0].StackStatus', '--output', 'text'];
const RUNNING_TAG = ['cloudformation', 'describe-stacks', '--stack-name', TARGET.stack, '--query', "Stacks[0].Parameters[?ParameterKey=='ImageTag'].ParameterValue | [0]", '--output', 'text'];
const RUN_TASK = [
  'ecs', 'run-task', '--cluster', 'api-dev', '--task-definition', 'arn:aws:ecs:eu-west-1:111111111111:task-definition/api-dev-migrate:4', '--launch-type', 'FARGATE',
  '--network-configuration', 'awsvpcConfiguration={subnets=[subnet-0aaa,subnet-0bbb],securityGroups=[sg-0ccc],assignPublicIp=DISABLED}',
  '--started-by', 'shipshape-deploy', '--query', '[tasks[0].taskArn, failures[0].reason]', '--output', 'text',
];
const LAST_STATUS = ['ecs', 'describe-tasks', '--cluster', 'api-dev', '--tasks', TASK, '--query', 'tasks[0].lastStatus', '--output', 'text'];
const RESULT = ['ecs', 'describe-tasks', '--cluster', 'api-dev', '--tasks', TASK, '--query', "[tasks[0].containers[?name=='api'].exitCode | [0], tasks[0].stopCode, tasks[0].stoppedReason]", '--output', 'text'];
const LOGS_LINK = 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fshipshape$252Fapi$252Fdev/log-events/migrate$252Fapi$252F0a1b2c3d4e5f';

const OUTPUTS = [
  rule("^aws cloudformation describe-stacks .*OutputKey=='EcsClusterName'", { stdout: 'api-dev' }),
  rule("^aws cloudformation describe-stacks .*OutputKey=='EcsServiceName'", { stdout: 'api' }),
  rule("^aws cloudformation describe-stacks .*OutputKey=='MigrationTaskDefinitionArn'", { stdout: 'arn:aws:ecs:eu-west-1:111111111111:task-definition/api-dev-migrate:4' }),
  // The service's subnets, tab-separated as the CLI prints a list (the script joins them with commas).
  rule('^aws ecs describe-services .*networkConfiguration', { stdout: 'subnet-0aaa\tsubnet-0bbb' }),
  rule("^aws cloudformation describe-stacks .*OutputKey=='MigrationSecurityGroup'", { stdout: 'sg-0ccc' }),
  rule("^aws cloudformation describe-stacks .*OutputKey=='LogGroupName'", { stdout: '/shipshape/api/dev' }),
];
const EXISTING = [
  rule('^aws cloudformation describe-stacks .*StackStatus', { stdout: 'UPDATE_COMPLETE' }),
  rule('^aws cloudformation describe-stacks .*ParameterKey', { stdout: OLD }),
];
const DEPLOYED = { stdout: 'Successfully created/updated stack', advance: 240 };
const STARTED = rule('^aws ecs run-task ', { stdout: `${TASK}\tNone` });
const runsThenStops = (result: string) => [
  rule('^aws ecs describe-tasks .*lastStatus', { stdout: 'PROVISIONING', advance: 20 }, { stdout: 'RUNNING', advance: 5 }, { stdout: 'STOPPED' }),
  rule('^aws ecs describe-tasks .*exitCode', { stdout: result }),
];
/** The rollback finds the stack settled and a last good tag and template. */
const ROLLBACK = [
  rule('^aws ssm get-parameter ', { stdout: OLD }),
  rule('^aws s3api get-object ', { stdout: OLD }),
];
/** The environment stack deploys first, unchanged. */
const run = (rules: Rule[]) => runJob(workflow, 'deploy-dev', { sha: SHA, needs: NEEDS, files, rules: [...environmentStackRules(), ...rules] });
/** No step ran past its own timeout-minutes, and the job fits its timeout. */
function expectWithinTimeouts(r: JobResult): void {
  for (const s of r.steps) expect({ step: s.name, within: s.elapsed < s.timeoutMinutes! * 60 }).toEqual({ step: s.name, within: true });
  expect(r.elapsed).toBeLessThan(workflow.jobs['deploy-dev']['timeout-minutes'] * 60);
}

describe('the migration, executed with stub CLIs', () => {
  test('GIVEN the migration exits 0 THEN it ran with the new image while the service kept the running one, then the deploy moved traffic', () => {
    const r = run([
      ...EXISTING,
      rule('^aws cloudformation deploy ', DEPLOYED),
      ...OUTPUTS,
      STARTED,
      ...runsThenStops('0\tEssentialContainerExited\tEssential container in task exited'),
      rule('^aws ecs describe-services ', { stdout: 'COMPLETED' }),
      rule('^aws s3api put-object ', { stdout: '"etag"' }),
      rule('^aws ssm put-parameter ', { stdout: '{"Version": 2}' }),
    ]);
    expect(r.status).toBe('success');
    const calls = awsCalls(r);
    expect(calls.slice(0, 14)).toEqual([
      STATUS,
      RUNNING_TAG,
      cfnDeploy(TARGET.template, `ImageTag=${OLD}`, `MigrationImageTag=${SHA}`),
      output('EcsClusterName'), output('MigrationTaskDefinitionArn'), output('EcsServiceName'),
      ['ecs', 'describe-services', '--cluster', 'api-dev', '--services', 'api', '--query', 'services[0].networkConfiguration.awsvpcConfiguration.subnets', '--output', 'text'],
      output('MigrationSecurityGroup'), output('LogGroupName'),
      RUN_TASK,
      LAST_STATUS, LAST_STATUS, LAST_STATUS,
      RESULT,
    ]);
    // Only after the migration: the deploy of the new image (the step that moves traffic).
    expect(calls[14]).toEqual(cfnDeploy(TARGET.template, `ImageTag=${SHA}`));
    expect(r.step('Prepare the migration of api').outputs).toEqual({ first: 'false' });
    expect(r.step('Migrate api').outputs).toEqual({ outcome: 'succeeded' });
    expect(r.summary).toContain(`### Migration of api (api-dev)\n\nTask \`0a1b2c3d4e5f\` with image tag ${SHA}: [logs (/shipshape/api/dev, migrate/api/0a1b2c3d4e5f)](${LOGS_LINK})\n`);
    expect(r.summary).toContain('Exit code 0: the migration succeeded.');
    expect(r.step('Rollback api').outcome).toBe('skipped');
    expectWithinTimeouts(r);
  });

  test('GIVEN the migration exits non-zero THEN the job fails before the deploy step, links the logs, and puts the stack back to its last good version', () => {
    const r = run([
      ...EXISTING,
      rule('^aws cloudformation deploy ', DEPLOYED),
      ...OUTPUTS,
      STARTED,
      ...runsThenStops('3\tEssentialContainerExited\tEssential container in task exited'),
      ...ROLLBACK,
    ]);
    expect(r.status).toBe('failure');
    expect(r.step('Migrate api')).toMatchObject({ outcome: 'failure', outputs: { outcome: 'exit-3' } });
    expect(r.step('Migrate api').output).toContain('::error::The migration of api exited with 3');
    expect(r.step('Deploy api').outcome).toBe('skipped');
    // No deploy of the new image for the service: the only deploys are the migration's change set and the rollback.
    const deploys = awsCalls(r).filter((c) => c[0] === 'cloudformation' && c[1] === 'deploy');
    expect(deploys).toEqual([
      cfnDeploy(TARGET.template, `ImageTag=${OLD}`, `MigrationImageTag=${SHA}`),
      cfnDeploy(`${r.runnerTemp}/api-dev.last-good.template.json`, `ImageTag=${OLD}`),
    ]);
    expect(awsCalls(r).some((c) => c[0] === 'ecs' && c[1] === 'run-task')).toBe(true);
    // The rollback redeploys; it never runs the migration again.
    expect(awsCalls(r).filter((c) => c[1] === 'run-task')).toHaveLength(1);
    expect(r.step('Rollback api').outcome).toBe('success');
    expect(r.summary).toContain(`(${LOGS_LINK})`);
    expect(r.summary).toContain('**Exit code 3** (Essential container in task exited): the migration failed; the deploy stopped before any traffic moved.');
  });

  test('GIVEN the task never starts (TaskFailedToStart) THEN there is no exit code and the job fails before the deploy step', () => {
    const r = run([
      ...EXISTING,
      rule('^aws cloudformation deploy ', DEPLOYED),
      ...OUTPUTS,
      STARTED,
      ...runsThenStops('None\tTaskFailedToStart\tCannotPullContainerError: pull image manifest has been retried 5 time(s)'),
      ...ROLLBACK,
    ]);
    expect(r.status).toBe('failure');
    expect(r.step('Migrate api').outputs).toEqual({ outcome: 'no-exit-code' });
    expect(r.step('Migrate api').output).toContain('::error::The migration task of api stopped without an exit code (TaskFailedToStart: CannotPullContainerError');
    expect(r.step('Deploy api').outcome).toBe('skipped');
    expect(r.summary).toContain('**No exit code** (TaskFailedToStart: CannotPullContainerError');
  });

  test('GIVEN ECS refuses to start the task THEN the step fails with the reason, before the deploy step', () => {
    const r = run([
      ...EXISTING,
      rule('^aws cloudformation deploy ', DEPLOYED),
      ...OUTPUTS,
      rule('^aws ecs run-task ', { stdout: 'None\tRESOURCE:ENI' }),
      ...ROLLBACK,
    ]);
    expect(r.step('Migrate api').outputs).toEqual({ outcome: 'not-started' });
    expect(r.summary).toContain('### Migration of api (api-dev): not started: RESOURCE:ENI');
    expect(awsCalls(r).some((c) => c[1] === 'describe-tasks')).toBe(false);
    expect(r.step('Deploy api').outcome).toBe('skipped');
  });

  test('GIVEN the migration never stops THEN the wait gives up at its bound, stops the task and fails inside every timeout', () => {
    const r = run([
      ...EXISTING,
      rule('^aws cloudformation deploy ', DEPLOYED),
      ...OUTPUTS,
      STARTED,
      rule('^aws ecs describe-tasks .*lastStatus', { stdout: 'RUNNING', advance: 5 }),
      rule('^aws ecs stop-task ', { stdout: 'STOPPED' }),
      ...ROLLBACK,
    ]);
    expect(r.status).toBe('failure');
    expect(r.step('Migrate api').outputs).toEqual({ outcome: 'TIMED_OUT' });
    const stop = awsCalls(r).filter((c) => c[1] === 'stop-task');
    expect(stop).toEqual([['ecs', 'stop-task', '--cluster', 'api-dev', '--task', TASK, '--reason', 'The migration did not finish in 1800 seconds', '--query', 'task.lastStatus', '--output', 'text']]);
    // No `aws ecs wait`: the script's own loop, with sleeps, bounded by MIGRATE_SECONDS.
    expect(awsCalls(r).some((c) => c[1] === 'wait')).toBe(false);
    expect(r.step('Migrate api').elapsed).toBeGreaterThanOrEqual(1800);
    expect(r.step('Deploy api').outcome).toBe('skipped');
    expectWithinTimeouts(r);
  });

  test('GIVEN a first deploy (no stack yet) THEN the stack is created with the new tag for both, the migration runs, then the deploy goes on', () => {
    const r = run([
      rule('^aws cloudformation describe-stacks .*StackStatus', awsError('ValidationError', 'DescribeStacks', 'Stack with id api-dev does not exist')),
      rule('^aws cloudformation deploy ', DEPLOYED),
      ...OUTPUTS,
      STARTED,
      ...runsThenStops('0\tEssentialContainerExited\tEssential container in task exited'),
      rule('^aws ecs describe-services ', { stdout: 'COMPLETED' }),
      rule('^aws s3api put-object ', { stdout: '"etag"' }),
      rule('^aws ssm put-parameter ', { stdout: '{"Version": 1}' }),
    ]);
    expect(r.status).toBe('success');
    expect(r.step('Prepare the migration of api').outputs).toEqual({ first: 'true' });
    const calls = awsCalls(r);
    // No running tag to read: the stack is created with the new tag for the service and the migration.
    expect(calls.slice(0, 2)).toEqual([STATUS, cfnDeploy(TARGET.template, `ImageTag=${SHA}`, `MigrationImageTag=${SHA}`)]);
    expect(calls.findIndex((c) => c[1] === 'run-task')).toBeLessThan(calls.findIndex((c) => c[1] === 'deploy' && c.includes(`ImageTag=${SHA}`) && c.length === cfnDeploy('', '').length));
  });

  test('GIVEN the stack cannot be read (not a missing stack) THEN nothing is deployed or run', () => {
    const r = run([rule('^aws cloudformation describe-stacks .*StackStatus', awsError('AccessDenied', 'DescribeStacks', 'not authorized'))]);
    expect(r.status).toBe('failure');
    expect(awsCalls(r).filter((c) => c[1] === 'deploy' || c[1] === 'run-task')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// IAM

describe('the deploy role', () => {
  const checks = collectIamChecks(Object.entries(files).map(([name, content]) => ({ name, content })));
  const deployRole = 'arn:aws:iam::111111111111:role/shipshape-migrating-dev-deploy';
  const needs = checks.checks.find((c) => c.roleArn === deployRole)!.needs;
  const role = checks.roles.get(deployRole)!;

  test('the proof derives RunTask on the migration family in its cluster, and PassRole of the migration roles only, to ECS tasks', () => {
    expect(checks.problems).toEqual([]);
    const of = (action: string) => needs.filter((n) => n.action === action).map((n) => ({ resource: n.resource, context: n.context }));
    expect(of('ecs:RunTask')).toEqual([{
      resource: 'arn:aws:ecs:eu-west-1:111111111111:task-definition/api-dev-migrate:*',
      context: { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:111111111111:cluster/migrating-dev' },
    }]);
    expect(of('iam:PassRole').filter((n) => n.context?.['iam:PassedToService'] === 'ecs-tasks.amazonaws.com')).toEqual([
      { resource: 'arn:aws:iam::111111111111:role/shipshape/api-dev/migrate/*', context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      { resource: 'arn:aws:iam::111111111111:role/shipshape/api-dev/migrate/*', context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    ]);
    expect(of('ecs:DescribeTasks').map((n) => n.resource)).toContain('arn:aws:ecs:eu-west-1:111111111111:task/migrating-dev/*');
    expect(of('ecs:StopTask')).toEqual([{ resource: 'arn:aws:ecs:eu-west-1:111111111111:task/migrating-dev/*', context: { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:111111111111:cluster/migrating-dev' } }]);
    for (const n of needs) expect(`${n.action} ${n.resource}: ${evaluate(role.statements, n, role.boundary).allowed}`).toBe(`${n.action} ${n.resource}: true`);
  });

  test('and nothing broader: another family, another cluster, a role outside the path, another service are denied', () => {
    const allowed = (action: string, resource: string, context?: Record<string, string>) =>
      evaluate(role.statements, { action, resource, ...(context ? { context } : {}) }, role.boundary).allowed;
    const cluster = { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:111111111111:cluster/migrating-dev' };
    expect(allowed('ecs:RunTask', 'arn:aws:ecs:eu-west-1:111111111111:task-definition/api-dev-migrate:4', cluster)).toBe(true);
    expect(allowed('ecs:RunTask', 'arn:aws:ecs:eu-west-1:111111111111:task-definition/other:1', cluster)).toBe(false);
    expect(allowed('ecs:RunTask', 'arn:aws:ecs:eu-west-1:111111111111:task-definition/api-dev-migrate:4', { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:111111111111:cluster/other' })).toBe(false);
    const toEcs = { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' };
    expect(allowed('iam:PassRole', 'arn:aws:iam::111111111111:role/shipshape/api-dev/migrate/api-dev-MigrationTaskRole-ABC', toEcs)).toBe(true);
    expect(allowed('iam:PassRole', 'arn:aws:iam::111111111111:role/api-dev-TaskDefinitionTaskRole-ABC', toEcs)).toBe(false);
    expect(allowed('iam:PassRole', 'arn:aws:iam::111111111111:role/shipshape/api-dev/migrate/api-dev-MigrationTaskRole-ABC', { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(false);
  });

  test('a deploy role without the PassRole of the migration roles fails the proof', () => {
    const bootstrap = Object.keys(files).find((f) => /bootstrap[^/]*\.template\.json$/.test(f))!;
    const t = JSON.parse(files[bootstrap]);
    for (const r of Object.values<any>(t.Resources)) {
      const statements = r.Properties?.PolicyDocument?.Statement;
      if (Array.isArray(statements)) r.Properties.PolicyDocument.Statement = statements.filter((s: { Sid?: string }) => s.Sid !== 'PassTheMigrationRolesToEcsTasks');
    }
    const trimmed = collectIamChecks(Object.entries({ ...files, [bootstrap]: JSON.stringify(t) }).map(([name, content]) => ({ name, content })));
    const trimmedRole = trimmed.roles.get(deployRole)!;
    const denied = needs.filter((n) => !evaluate(trimmedRole.statements, n, trimmedRole.boundary).allowed).map((n) => n.action);
    expect([...new Set(denied)]).toEqual(['iam:PassRole']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The deploy playbook

describe('the deploy playbook', () => {
  test('a service with a migration: what runs when, its logs, and what a failed migration looks like and asks', () => {
    const playbook = synthSnapshot((outdir) => {
      const p = bareProject(outdir, 'shop');
      Shipshape.configure(p, { cloudFormationValidation: false });
      const api = new Service(p, 'api', { migrate: { command: ['npm', 'run', 'migrate'] } });
      new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
      new EscalationPolicy(p, 'escalation', { critical: { pagerEndpointParameter: '/pager/url' }, warning: { email: ['team@example.com'] } });
      new Monitoring(p, 'monitoring', { service: api });
      return p;
    })['docs/playbooks/deploy.md'];
    expect(playbook).toContain('## Migrations');
    expect(playbook).toContain('| api | prod | `npm run migrate` | `api-prod-migrate` | `/shipshape/api/prod`, `migrate/api/` |');
    expect(playbook).toContain('### A failed migration');
    expect(playbook).toContain('**no traffic moved**');
    expect(playbook).toContain('expand, then contract');
  });

  test('the flagship example (no migrate) has no migration section', () => {
    expect(readGenerated(path.join(__dirname, '..', 'examples', 'node-api'))['docs/playbooks/deploy.md']).not.toContain('Migration');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Bad input

describe('bad migrate input', () => {
  const rejected = (migrate: unknown) => expectRejected((outdir) => {
    const p = bareProject(outdir);
    new Service(p, 'api', { migrate: migrate as never });
    return p;
  });

  test.each([
    ['an empty command', { command: [] }, /migrate\.command: must be an exec-form command such as \['npm', 'run', 'migrate'\]/],
    ['an empty argument', { command: ['npm', ''] }, /migrate\.command\.1: must be a non-empty argument/],
    ['a newline in an argument', { command: ['sh', '-c', 'migrate\nrm -rf /'] }, /migrate\.command\.2: must be an argument without control characters/],
    ['a shell string instead of exec form', { command: 'npm run migrate' }, /migrate\.command/],
    ['an unknown key', { command: ['npm'], timeout: 5 }, /migrate/],
  ])('%s', (_name, migrate, message) => {
    const err = rejected(migrate);
    expect(err.message).toMatch(message);
    expect(err.message).toContain('[app/api]');
  });

  test('a valid migrate is kept in the model as given', () => {
    const p = bareProject(os.tmpdir());
    const svc = new Service(p, 'api', { migrate: { command: ['python', '-m', 'alembic', 'upgrade', 'head'] } });
    expect(svc.migrate).toEqual({ command: ['python', '-m', 'alembic', 'upgrade', 'head'] });
    expect(new Service(p, 'web').migrate).toBeUndefined();
  });
});

test('the shared fixtures include a migration (proven by test/iam-proof.test.ts, validated by test/validate-outputs.test.ts)', () => {
  expect(fixtures.some(([name]) => /migration/.test(name))).toBe(true);
});
