/**
 * The emergency rollback of the rollback playbook and the runbooks, run as written under bash with the stub AWS CLI
 * (test/workflow-runner.ts) and the real `jq`: it stops the ECS deployment in flight, cancels the stack update in
 * progress and waits for it, then deploys the last good template and tag without bake and without rollback alarms.
 */
import * as os from 'os';
import { Answer, Rule, awsError, runJob } from './workflow-runner';
import { createProject } from '../examples/node-api/.projenrc';
import { Shipshape } from '../src';
import { EMERGENCY_JQ, emergencyRollbackCommand, rollbackCommand } from '../src/monitoring/docs/common';
import { synthSnapshot } from '../src/testing/synth';
import { shellcheck } from '../src/validators/shellcheck';

const OLD = 'badc0de0badc0de0badc0de0badc0de0badc0de0';
const ARN = 'arn:aws:ecs:eu-west-1:333333333333:service-deployment/api-prod/api/NCWGC2ZR-taawPAYrIaU5';
const BUCKET = 'node-api-templates-333333333333-eu-west-1';
const ROLE = 'arn:aws:iam::333333333333:role/shipshape-node-api-prod-cfn-exec';
const LAST_GOOD = 'api-prod.last-good.template.json';
const FAST = 'api-prod.emergency.template.json';

const files = synthSnapshot((outdir) => createProject(outdir));
const model = Shipshape.of(createProject(os.tmpdir())).model();
const prod = model.environments.find((e) => e.name === 'prod')!;
const template = files['infra/api-prod.template.json'];
const rule = (when: string, ...answers: Answer[]): Rule => ({ when, answers });

/** Run the emergency rollback of api in prod with the last good template in the working directory; print the template it deployed. */
function run(rules: Rule[]) {
  const script = `${emergencyRollbackCommand(model, 'api', prod)}\necho '--- deployed:'\ncat ${FAST}`;
  return runJob({ jobs: { manual: { steps: [{ name: 'by hand', run: script }] } } }, 'manual', { rules, files: { [LAST_GOOD]: template } });
}

const awsCalls = (r: ReturnType<typeof run>) => r.calls.filter((c) => c.tool === 'aws').map((c) => c.argv);
const listDeployments = ['ecs', 'list-service-deployments', '--region', 'eu-west-1', '--cluster', 'node-api-prod', '--service', 'api', '--status', 'PENDING', 'IN_PROGRESS',
  '--query', 'serviceDeployments[0].serviceDeploymentArn', '--output', 'text'];
const stackStatus = ['cloudformation', 'describe-stacks', '--region', 'eu-west-1', '--stack-name', 'api-prod', '--query', 'Stacks[0].StackStatus', '--output', 'text'];
const getTemplate = ['s3api', 'get-object', '--region', 'eu-west-1', '--bucket', BUCKET, '--key', 'last-good/api-prod.template.json', LAST_GOOD, '--query', 'Metadata."image-tag"', '--output', 'text'];
const deploy = [
  'cloudformation', 'deploy', '--region', 'eu-west-1', '--stack-name', 'api-prod', '--template-file', FAST, '--s3-bucket', BUCKET, '--s3-prefix', 'uploads/api-prod',
  '--role-arn', ROLE, '--parameter-overrides', `ImageTag=${OLD}`, '--capabilities', 'CAPABILITY_IAM', '--no-fail-on-empty-changeset',
];

const deployedService = (r: ReturnType<typeof run>) => {
  const out = r.step('by hand').output;
  const deployed = JSON.parse(out.slice(out.indexOf('--- deployed:') + '--- deployed:'.length));
  return Object.values(deployed.Resources as Record<string, any>).find((x) => x.Type === 'AWS::ECS::Service');
};

test('GIVEN a canary deployment in flight and the pipeline\'s stack update in progress THEN it stops the deployment, cancels the update, waits, and deploys the last good version without bake or rollback alarms', () => {
  const r = run([
    rule('^aws ecs list-service-deployments ', { stdout: ARN }),
    rule('^aws ecs stop-service-deployment ', { stdout: JSON.stringify({ serviceDeploymentArn: ARN }) }),
    rule('^aws cloudformation describe-stacks ', { stdout: 'UPDATE_IN_PROGRESS' }),
    rule('^aws cloudformation cancel-update-stack ', {}),
    rule('^aws cloudformation wait stack-rollback-complete ', { advance: 300 }),
    rule('^aws s3api get-object ', { stdout: OLD }),
    rule('^aws cloudformation deploy ', { stdout: 'Successfully created/updated stack', advance: 120 }),
  ]);
  expect(r.status).toBe('success');
  expect(awsCalls(r)).toEqual([
    listDeployments,
    ['ecs', 'stop-service-deployment', '--region', 'eu-west-1', '--service-deployment-arn', ARN, '--stop-type', 'ROLLBACK'],
    stackStatus,
    ['cloudformation', 'cancel-update-stack', '--region', 'eu-west-1', '--stack-name', 'api-prod'],
    ['cloudformation', 'wait', 'stack-rollback-complete', '--region', 'eu-west-1', '--stack-name', 'api-prod'],
    getTemplate,
    deploy,
  ]);
  // The template deployed: the declared one, but the ECS service shifts all at once, without bake and without alarms.
  const declared = Object.values(JSON.parse(template).Resources as Record<string, any>).find((x) => x.Type === 'AWS::ECS::Service');
  expect(declared.Properties.DeploymentConfiguration.Strategy).toBe('CANARY');
  const service = deployedService(r);
  expect(service.Properties.DeploymentConfiguration).toEqual({
    ...declared.Properties.DeploymentConfiguration,
    Alarms: { ...declared.Properties.DeploymentConfiguration.Alarms, Enable: false, Rollback: false },
    BakeTimeInMinutes: 0,
    CanaryConfiguration: undefined,
    Strategy: 'BLUE_GREEN',
  });
  expect({ ...service.Properties, DeploymentConfiguration: undefined }).toEqual({ ...declared.Properties, DeploymentConfiguration: undefined });
});

test('GIVEN no deployment in flight and a settled stack THEN it stops and cancels nothing, and deploys the last good version at once', () => {
  const r = run([
    rule('^aws ecs list-service-deployments ', { stdout: 'None' }),
    rule('^aws cloudformation describe-stacks ', { stdout: 'UPDATE_COMPLETE' }),
    rule('^aws s3api get-object ', { stdout: OLD }),
    rule('^aws cloudformation deploy ', { stdout: 'Successfully created/updated stack' }),
  ]);
  expect(r.status).toBe('success');
  expect(awsCalls(r)).toEqual([listDeployments, stackStatus, getTemplate, deploy]);
});

test.each([
  ['UPDATE_ROLLBACK_IN_PROGRESS', 'stack-rollback-complete'],
  ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'stack-update-complete'],
])('GIVEN the stack is %s (CloudFormation is already putting it back, or finishing) THEN it cancels nothing, waits for %s, then deploys', (status, waiter) => {
  const r = run([
    rule('^aws ecs list-service-deployments ', { stdout: 'None' }),
    rule('^aws cloudformation describe-stacks ', { stdout: status }),
    rule(`^aws cloudformation wait ${waiter} `, { advance: 120 }),
    rule('^aws s3api get-object ', { stdout: OLD }),
    rule('^aws cloudformation deploy ', { stdout: 'Successfully created/updated stack' }),
  ]);
  expect(r.status).toBe('success');
  expect(awsCalls(r)).toEqual([listDeployments, stackStatus, ['cloudformation', 'wait', waiter, '--region', 'eu-west-1', '--stack-name', 'api-prod'], getTemplate, deploy]);
});

test('GIVEN the last good template is missing THEN it stops before deploying anything', () => {
  const r = run([
    rule('^aws ecs list-service-deployments ', { stdout: 'None' }),
    rule('^aws cloudformation describe-stacks ', { stdout: 'UPDATE_COMPLETE' }),
    rule('^aws s3api get-object ', awsError('NoSuchKey', 'GetObject', 'The specified key does not exist.')),
  ]);
  expect(r.status).toBe('failure');
  expect(awsCalls(r).map((c) => c.slice(0, 2).join(' '))).not.toContain('cloudformation deploy');
});

test('the jq program leaves a rolling service\'s strategy and circuit breaker alone, and only turns its alarms off', () => {
  const rolling = {
    Resources: {
      S: {
        Type: 'AWS::ECS::Service',
        Properties: {
          DeploymentConfiguration: {
            Alarms: { AlarmNames: ['a'], Enable: true, Rollback: true }, DeploymentCircuitBreaker: { Enable: true, Rollback: true }, Strategy: 'ROLLING',
          },
        },
      },
    },
  };
  const r = runJob({ jobs: { j: { steps: [{ name: 'jq', run: `jq -c '${EMERGENCY_JQ}' t.json` }] } } }, 'j', { rules: [], files: { 't.json': JSON.stringify(rolling) } });
  expect(JSON.parse(r.step('jq').output).Resources.S.Properties.DeploymentConfiguration).toEqual({
    Alarms: { AlarmNames: ['a'], Enable: false, Rollback: false }, DeploymentCircuitBreaker: { Enable: true, Rollback: true }, Strategy: 'ROLLING',
  });
});

test('the rollback playbook and every runbook of the flagship give the emergency rollback; the playbook keeps the ordinary one too', () => {
  const playbook = files['docs/playbooks/rollback.md'];
  expect(playbook).toContain(['### api in prod', '', '```sh', emergencyRollbackCommand(model, 'api', prod), '```'].join('\n'));
  expect(playbook).toContain(['```sh', rollbackCommand(model, 'api', prod), '```'].join('\n'));
  expect(playbook.indexOf('## Emergency rollback')).toBeLessThan(playbook.indexOf('## Ordinary rollback'));
  for (const [file, text] of Object.entries(files).filter(([f]) => f.startsWith('docs/runbooks/'))) {
    expect({ file, emergency: text.includes('aws ecs stop-service-deployment') }).toEqual({ file, emergency: true });
  }
});

test('the emergency rollback passes shellcheck', () => {
  expect(shellcheck(emergencyRollbackCommand(model, 'api', prod), 'emergency rollback')).toEqual([]);
});
