/**
 * The generated publish and deploy scripts, executed: the real `run:` scripts of the flagship example's and a
 * blue/green fixture's workflow, in order, under bash, with GitHub's step semantics (test/workflow-runner.ts)
 * and stub `aws`, `curl`, `docker`, `npm`, `date`, `sleep` and `timeout` that record every call. Each scenario
 * asserts the exact AWS calls, the step outcomes and the job summary.
 */
import * as os from 'os';
import { parse } from 'yaml';
import { bareProject, expectRejected } from './util';
import { Answer, Context, JobResult, RUNNER_ACTOR, RUNNER_REPOSITORY, RUNNER_RUN_ID, Rule, RunOptions, awsError, environmentStackRules, evaluate, interpolate, parseOutputs, runJob } from './workflow-runner';
import { createProject } from '../examples/node-api/.projenrc';
import { DeploymentStrategy, DockerImage, DockerPreset, Duration, Environment, Pipeline, Service, Shipshape } from '../src';
import { rollbackCommand } from '../src/monitoring/docs/common';
import { synthSnapshot } from '../src/testing/synth';
import { runScripts, shellcheck } from '../src/validators/shellcheck';

const SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const OLD = 'badc0de0badc0de0badc0de0badc0de0badc0de0';
const NEEDS = { publish: { 'image-tag': SHA } };
/** The fixture's two services build from their own directories: publish passes on which of them changed (both, here). */
const FIXTURE_NEEDS = { publish: { 'image-tag': SHA, 'changed-alpha': 'true', 'changed-beta': 'true' } };

const flagshipFiles = synthSnapshot((outdir) => createProject(outdir));
const flagship = parse(flagshipFiles['.github/workflows/ci.yml']);

/** Two services on one blue/green environment with a URL. */
const fixtureFiles = synthSnapshot((outdir) => {
  const p = bareProject(outdir, 'pair');
  for (const name of ['alpha', 'beta']) {
    // Each on its own host of the shared load balancer.
    const service = new Service(p, name, { healthPath: '/health', host: name });
    new DockerImage(p, `${name}-image`, { service, preset: DockerPreset.node(), contextPath: name, dockerfilePath: `${name}/Dockerfile` });
  }
  new Environment(p, 'live', {
    account: '444444444444',
    region: 'us-east-1',
    domain: { name: 'live.example.com', hostedZoneId: 'ZLIVE' },
    strategy: DeploymentStrategy.blueGreen({ bake: Duration.minutes(7) }),
  });
  new Pipeline(p, 'ci');
  return p;
});
const fixture = parse(fixtureFiles['.github/workflows/ci.yml']);

const rule = (when: string, ...answers: Answer[]): Rule => ({ when, answers });

type Workflow = { jobs: Record<string, { steps: Array<{ name?: string; env?: Record<string, string> }> }> };
const PROTECTION_STEP = 'Check the environment protection';

/**
 * GitHub's answers (`gh api`) for a deploy job's environment protected exactly as `.projenrc.ts` declares it, built
 * from what the job's protection check expects (GET environments/<env> and its deployment-branch-policies).
 */
function protectedAsDeclared(workflow: Workflow, jobId: string, change: { waitTimer?: number; branch?: string } = {}): Rule[] {
  const step = workflow.jobs[jobId].steps.find((s) => s.name === PROTECTION_STEP);
  if (!step?.env) throw new Error(`${jobId} has no protection check`);
  const env = step.env;
  const reviewers = env.EXPECTED_REVIEWERS ? env.EXPECTED_REVIEWERS.split(',').map((r) => {
    const [type, name] = r.split(':');
    return { type, reviewer: type === 'Team' ? { slug: name } : { login: name } };
  }) : [];
  const waitTimer = change.waitTimer ?? Number(env.EXPECTED_WAIT_TIMER);
  const environment = {
    name: env.ENVIRONMENT,
    protection_rules: [
      ...(waitTimer > 0 ? [{ type: 'wait_timer', wait_timer: waitTimer }] : []),
      ...(reviewers.length > 0 ? [{ type: 'required_reviewers', reviewers }] : []),
    ],
    deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
  };
  const api = `repos/${RUNNER_REPOSITORY}/environments/${env.ENVIRONMENT}`;
  return [
    rule(`^gh api ${api}/deployment-branch-policies --paginate$`, { stdout: JSON.stringify({ total_count: 1, branch_policies: [{ name: change.branch ?? env.EXPECTED_BRANCH }] }) }),
    rule(`^gh api ${api}$`, { stdout: JSON.stringify(environment) }),
  ];
}


/** Run a deploy job whose GitHub environment is protected as declared (the job's first step checks it). */
const runDeploy = (workflow: Workflow, jobId: string, options: RunOptions): JobResult =>
  runJob(workflow as never, jobId, { ...options, rules: [...protectedAsDeclared(workflow, jobId), ...environmentStackRules(), ...options.rules] });
/** The AWS calls of the workloads' steps: the environment stack's deploy, which comes first, is asserted on its own. */
const awsCalls = (r: JobResult) => r.calls.filter((c) => c.tool === 'aws').map((c) => c.argv).filter((argv) => !argv.some((a) => a.includes('-environment')));
const toolCalls = (r: JobResult, tool: string) => r.calls.filter((c) => c.tool === tool).map((c) => c.argv);
const outcomes = (r: JobResult) => Object.fromEntries(r.steps.map((s) => [s.name, s.outcome]));

/** What one stack's AWS calls name. */
interface Target { stack: string; template: string; bucket: string; role: string; parameter: string }
const flagshipTarget = (env: string, account: string): Target => ({
  stack: `api-${env}`,
  template: `infra/api-${env}.template.json`,
  bucket: `node-api-templates-${account}-eu-west-1`,
  role: `arn:aws:iam::${account}:role/shipshape-node-api-${env}-cfn-exec`,
  parameter: `/shipshape/api/${env}/last-good-image-tag`,
});
const DEV = flagshipTarget('dev', '111111111111');
const STAGING = flagshipTarget('staging', '222222222222');
const fixtureTarget = (service: string): Target => ({
  stack: `${service}-live`,
  template: `infra/${service}-live.template.json`,
  bucket: 'pair-templates-444444444444-us-east-1',
  role: 'arn:aws:iam::444444444444:role/shipshape-pair-live-cfn-exec',
  parameter: `/shipshape/${service}/live/last-good-image-tag`,
});
const BETA = fixtureTarget('beta');

const cfnDeploy = (t: Target, template: string, tag: string) => [
  'cloudformation', 'deploy', '--stack-name', t.stack, '--template-file', template, '--s3-bucket', t.bucket, '--s3-prefix', `uploads/${t.stack}`,
  '--role-arn', t.role, '--capabilities', 'CAPABILITY_IAM', '--parameter-overrides', `ImageTag=${tag}`, '--no-fail-on-empty-changeset',
];
const stackOutput = (t: Target, key: string) => ['cloudformation', 'describe-stacks', '--stack-name', t.stack, '--query', `Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue`, '--output', 'text'];
const readService = (t: Target) => [stackOutput(t, 'EcsClusterName'), stackOutput(t, 'EcsServiceName')];
const rolloutState = (cluster: string, service: string) => [
  'ecs', 'describe-services', '--cluster', cluster, '--services', service, '--query', "services[0].deployments[?status=='PRIMARY'].rolloutState | [0]", '--output', 'text',
];
const listDeployments = (cluster: string, service: string) => [
  'ecs', 'list-service-deployments', '--cluster', cluster, '--service', service, '--query', 'sort_by(serviceDeployments, &createdAt)[-1].serviceDeploymentArn', '--output', 'text',
];
const deploymentStatus = (arn: string) => ['ecs', 'describe-service-deployments', '--service-deployment-arns', arn, '--query', 'serviceDeployments[0].status', '--output', 'text'];
const putTemplate = (t: Target, tag: string) => [
  's3api', 'put-object', '--bucket', t.bucket, '--key', `last-good/${t.stack}.template.json`, '--body', t.template, '--content-type', 'application/json',
  '--metadata', `image-tag=${tag}`, '--query', 'ETag', '--output', 'text',
];
const putTag = (t: Target, tag: string) => ['ssm', 'put-parameter', '--name', t.parameter, '--value', tag, '--type', 'String', '--overwrite'];
const stackStatus = (t: Target) => ['cloudformation', 'describe-stacks', '--stack-name', t.stack, '--query', 'Stacks[0].StackStatus', '--output', 'text'];
const getTag = (t: Target) => ['ssm', 'get-parameter', '--name', t.parameter, '--query', 'Parameter.Value', '--output', 'text'];
const getTemplate = (t: Target, file: string) => [
  's3api', 'get-object', '--bucket', t.bucket, '--key', `last-good/${t.stack}.template.json`, '--query', 'Metadata."image-tag"', '--output', 'text', file,
];
const lastGoodFile = (r: JobResult, t: Target) => `${r.runnerTemp}/${t.stack}.last-good.template.json`;

// Scripted answers shared by the scenarios.
const outputsOf = (stack: string, cluster: string, service: string) => [
  rule(`^aws cloudformation describe-stacks --stack-name ${stack} .*EcsClusterName`, { stdout: cluster }),
  rule(`^aws cloudformation describe-stacks --stack-name ${stack} .*EcsServiceName`, { stdout: service }),
];
const DEPLOYED = { stdout: 'Successfully created/updated stack', advance: 240 };
const RECORDS = [rule('^aws s3api put-object ', { stdout: '"9b2cf535f27731c974343645a3985328"' }), rule('^aws ssm put-parameter ', { stdout: '{"Version": 7}' })];
/** The rollback's reads: the stack's status, the last good tag, the last good template (its recorded tag). */
const rollbackReads = (stack: string, status: string, tag: Answer, template?: Answer) => [
  rule(`^aws cloudformation describe-stacks --stack-name ${stack} --query Stacks\\[0\\]\\.StackStatus`, { stdout: status }),
  rule('^aws ssm get-parameter ', tag),
  ...(template ? [rule('^aws s3api get-object ', template)] : []),
];
const NOT_FOUND = awsError('ParameterNotFound', 'GetParameter', '');
const NO_SUCH_KEY = awsError('NoSuchKey', 'GetObject', 'The specified key does not exist.');

const jobTimeoutSeconds = (wf: any, job: string) => wf.jobs[job]['timeout-minutes'] * 60;
/** No step ran past its own timeout-minutes (GitHub would have killed it), and the job fits its timeout. */
function expectWithinTimeouts(r: JobResult, wf: any, job: string): void {
  for (const s of r.steps) {
    expect(s.timeoutMinutes).toBeDefined();
    const within = s.elapsed < s.timeoutMinutes! * 60;
    expect({ step: s.name, elapsed: s.elapsed, within }).toEqual({ step: s.name, elapsed: s.elapsed, within: true });
  }
  expect(r.elapsed).toBeLessThan(jobTimeoutSeconds(wf, job));
}

describe('publish', () => {
  const DESCRIBE = ['ecr', 'describe-images', '--registry-id', '333333333333', '--repository-name', 'api', '--image-ids', `imageTag=${SHA}`, '--query', 'imageDetails[0].imageDigest', '--output', 'text'];
  const BUILD = [
    'buildx', 'build', '--file', 'Dockerfile', '--tag', `333333333333.dkr.ecr.eu-west-1.amazonaws.com/api:${SHA}`,
    '--cache-from', 'type=gha,scope=api', '--cache-to', 'type=gha,scope=api,mode=max', '--push', '.',
  ];

  test('GIVEN a new commit THEN the registry is checked, then the image is built and pushed', () => {
    const r = runJob(flagship, 'publish', {
      sha: SHA,
      rules: [
        rule('^aws ecr describe-images ', awsError('ImageNotFoundException', 'DescribeImages', `The image with imageId {imageDigest:'null', imageTag:'${SHA}'} does not exist within the repository with name 'api' in the registry with id '333333333333'`)),
        rule('^docker buildx build ', { stdout: 'pushed', advance: 180 }),
      ],
    });
    expect(r.status).toBe('success');
    expect(r.calls.map((c) => [c.tool, ...c.argv])).toEqual([['aws', ...DESCRIBE], ['docker', ...BUILD]]);
    expect(r.step('Is api already in the registry?').outputs).toEqual({ exists: 'false' });
    expect(r.step('Build and push api').outcome).toBe('success');
  });

  test('GIVEN a re-run of the same commit (the tag is already in the registry) THEN it succeeds without building or pushing', () => {
    const r = runJob(flagship, 'publish', { sha: SHA, rules: [rule('^aws ecr describe-images ', { stdout: 'sha256:5d41402abc4b2a76b9719d911017c592' })] });
    expect(r.status).toBe('success');
    expect(r.calls.map((c) => [c.tool, ...c.argv])).toEqual([['aws', ...DESCRIBE]]);
    expect(toolCalls(r, 'docker')).toEqual([]);
    expect(r.step('Build and push api').outcome).toBe('skipped');
    expect(r.summary).toBe(`- api:${SHA} is already in the registry: not built or pushed again\n`);
  });

  test('GIVEN the registry cannot be read (not a missing image) THEN publish fails and nothing is built', () => {
    const r = runJob(flagship, 'publish', {
      sha: SHA, rules: [rule('^aws ecr describe-images ', awsError('AccessDeniedException', 'DescribeImages', 'User is not authorized to perform: ecr:DescribeImages'))],
    });
    expect(r.status).toBe('failure');
    expect(r.step('Is api already in the registry?').output).toContain(`::error::Could not check whether api:${SHA} is in the registry`);
    expect(r.step('Build and push api').outcome).toBe('skipped');
    expect(toolCalls(r, 'docker')).toEqual([]);
  });
});

describe('deploy, flagship', () => {
  test('GIVEN a GitHub environment whose protection differs from .projenrc.ts THEN the job deploys nothing and rolls nothing back', () => {
    // prod declares reviewers and a 5-minute wait timer; the repository's environment has no wait timer.
    const r = runJob(flagship, 'deploy-prod', { sha: SHA, needs: NEEDS, files: flagshipFiles, rules: protectedAsDeclared(flagship, 'deploy-prod', { waitTimer: 0 }) });
    expect(r.status).toBe('failure');
    expect(r.step(PROTECTION_STEP).outcome).toBe('failure');
    expect(r.step(PROTECTION_STEP).output).toContain('wait timer: 0 minute(s), expected 5');
    expect(toolCalls(r, 'gh')).toEqual([
      ['api', `repos/${RUNNER_REPOSITORY}/environments/prod`],
      ['api', `repos/${RUNNER_REPOSITORY}/environments/prod/deployment-branch-policies`, '--paginate'],
    ]);
    expect(awsCalls(r)).toEqual([]);
    expect(r.step('Rollback api').outcome).toBe('skipped');
  });

  test('GIVEN a GitHub environment that deploys from any branch THEN the job refuses', () => {
    const r = runJob(flagship, 'deploy-prod', { sha: SHA, needs: NEEDS, files: flagshipFiles, rules: protectedAsDeclared(flagship, 'deploy-prod', { branch: 'feature/x' }) });
    expect(r.step(PROTECTION_STEP).outcome).toBe('failure');
    expect(r.step(PROTECTION_STEP).output).toContain("deployment branches: 'feature/x', expected only 'main'");
    expect(awsCalls(r)).toEqual([]);
  });

  test('GIVEN a first deploy that succeeds THEN it deploys, waits for the rollout, records the template and tag, and does not roll back', () => {
    const r = runDeploy(flagship, 'deploy-dev', {
      sha: SHA,
      needs: NEEDS,
      files: flagshipFiles,
      rules: [
        rule('^aws cloudformation deploy ', DEPLOYED),
        ...outputsOf('api-dev', 'api-dev-cluster', 'api'),
        rule('^aws ecs describe-services ', { stdout: 'IN_PROGRESS' }, { stdout: 'COMPLETED' }),
        ...RECORDS,
      ],
    });
    expect(r.status).toBe('success');
    expect(awsCalls(r)).toEqual([
      cfnDeploy(DEV, DEV.template, SHA),
      ...readService(DEV),
      rolloutState('api-dev-cluster', 'api'),
      rolloutState('api-dev-cluster', 'api'),
      putTemplate(DEV, SHA),
      putTag(DEV, SHA),
    ]);
    // The environment stack's deploy and the service's, each under its bound.
    expect(toolCalls(r, 'timeout')).toEqual([[String(25 * 60)], [String(25 * 60)]]);
    expect(toolCalls(r, 'sleep')).toEqual([['15']]);
    expect(outcomes(r)).toEqual({
      'Check the environment protection': 'success',
      'Check out': 'success',
      'Configure AWS credentials (OIDC)': 'success',
      'Deploy the dev environment': 'success',
      'Deploy api': 'success',
      'Wait for api (rolling)': 'success',
      'Verify api': 'success',
      'Record the last good version of api': 'success',
      'Rollback api': 'skipped',
      'Summary': 'success',
    });
    expect(r.step('wait-api').outputs).toEqual({ outcome: 'COMPLETED' });
    expect(r.summary).toBe([
      '### Deploy to dev: success', '',
      // The record a person finds later: who, which commit, which image, and the run.
      `Triggered by @${RUNNER_ACTOR}, commit ${SHA}, image tag ${SHA} ([run](https://github.com/${RUNNER_REPOSITORY}/actions/runs/${RUNNER_RUN_ID})).`, '',
      '| service | stack | image tag | strategy | deploy | wait | verify | rollback |',
      '|---|---|---|---|---|---|---|---|',
      `| api | api-dev | ${SHA} | rolling | success | COMPLETED | success | skipped |`, '',
    ].join('\n'));
  });

  test('GIVEN verify fails THEN the rollback redeploys the last good template with the last good tag', () => {
    const r = runDeploy(flagship, 'deploy-staging', {
      sha: SHA,
      needs: NEEDS,
      files: flagshipFiles,
      rules: [
        rule('^npm ci$', {}),
        rule('^aws cloudformation deploy ', DEPLOYED),
        ...outputsOf('api-staging', 'api-staging-cluster', 'api'),
        rule('^aws ecs list-service-deployments ', { stdout: 'arn:aws:ecs:eu-west-1:222222222222:service-deployment/api-staging-cluster/api/d1' }),
        rule('^aws ecs describe-service-deployments ', { stdout: 'IN_PROGRESS', advance: 60 }, { stdout: 'SUCCESSFUL' }),
        rule('^curl ', { exit: 22, stderr: 'curl: (22) The requested URL returned error: 503', advance: 170 }),
        ...rollbackReads('api-staging', 'UPDATE_COMPLETE', { stdout: OLD }, { stdout: OLD }),
      ],
    });
    expect(r.status).toBe('failure');
    expect(awsCalls(r)).toEqual([
      cfnDeploy(STAGING, STAGING.template, SHA),
      ...readService(STAGING),
      listDeployments('api-staging-cluster', 'api'),
      deploymentStatus('arn:aws:ecs:eu-west-1:222222222222:service-deployment/api-staging-cluster/api/d1'),
      deploymentStatus('arn:aws:ecs:eu-west-1:222222222222:service-deployment/api-staging-cluster/api/d1'),
      stackStatus(STAGING),
      getTag(STAGING),
      getTemplate(STAGING, lastGoodFile(r, STAGING)),
      cfnDeploy(STAGING, lastGoodFile(r, STAGING), OLD),
    ]);
    expect(toolCalls(r, 'curl')).toEqual([[
      '--fail', '--silent', '--show-error', '--location', '--retry', '10', '--retry-delay', '6', '--retry-all-errors', '--max-time', '10', '--output', '/dev/null',
      'https://staging.api.example.com/healthz',
    ]]);
    expect(toolCalls(r, 'npm')).toEqual([['ci']]);
    expect(outcomes(r)).toMatchObject({
      'Verify api': 'failure', 'Smoke test api': 'skipped', 'Record the last good version of api': 'skipped', 'Rollback api': 'success', 'Summary': 'success',
    });
    expect(r.step('rollback-api').outputs).toEqual({ outcome: `rolled-back-to-${OLD}` });
    expect(r.summary).toContain(`Rolled api-staging back to image tag ${OLD} with the last good template (s3://node-api-templates-222222222222-eu-west-1/last-good/api-staging.template.json).`);
    expect(r.summary).toContain(`| api | api-staging | ${SHA} | canary 10%, bake 15m | success | SUCCESSFUL | failure | rolled-back-to-${OLD} |`);
    expect(r.summary).toContain('### Deploy to staging: failure');
    expectWithinTimeouts(r, flagship, 'deploy-staging');
  });

  test('GIVEN the last good template was recorded with another tag than the parameter THEN the pair recorded together is redeployed', () => {
    const newer = 'feed0000feed0000feed0000feed0000feed0000';
    const r = runDeploy(flagship, 'deploy-dev', {
      sha: SHA,
      needs: NEEDS,
      files: flagshipFiles,
      rules: [
        rule('^aws cloudformation deploy .*ImageTag=c0ffee', { exit: 255, stderr: 'Failed to create/update the stack. Run the following command to fetch the list of events leading up to the failure' }),
        rule('^aws cloudformation deploy ', DEPLOYED),
        ...rollbackReads('api-dev', 'UPDATE_ROLLBACK_COMPLETE', { stdout: OLD }, { stdout: newer }),
      ],
    });
    expect(awsCalls(r).slice(-1)).toEqual([cfnDeploy(DEV, lastGoodFile(r, DEV), newer)]);
    expect(r.step('rollback-api').output).toContain(`::warning::The last good template was recorded with image tag ${newer} but ${DEV.parameter} holds ${OLD}`);
  });

  test('GIVEN aws cloudformation deploy fails on an update THEN the rollback redeploys the last good version', () => {
    const r = runDeploy(flagship, 'deploy-dev', {
      sha: SHA,
      needs: NEEDS,
      files: flagshipFiles,
      rules: [
        rule('^aws cloudformation deploy .*ImageTag=c0ffee', { exit: 255, stderr: 'Failed to create/update the stack. Run the following command to fetch the list of events leading up to the failure' }),
        rule('^aws cloudformation deploy ', DEPLOYED),
        ...rollbackReads('api-dev', 'UPDATE_ROLLBACK_COMPLETE', { stdout: OLD }, { stdout: OLD }),
      ],
    });
    expect(r.status).toBe('failure');
    expect(awsCalls(r)).toEqual([
      cfnDeploy(DEV, DEV.template, SHA),
      stackStatus(DEV),
      getTag(DEV),
      getTemplate(DEV, lastGoodFile(r, DEV)),
      cfnDeploy(DEV, lastGoodFile(r, DEV), OLD),
    ]);
    expect(outcomes(r)).toMatchObject({ 'Deploy api': 'failure', 'Wait for api (rolling)': 'skipped', 'Verify api': 'skipped', 'Rollback api': 'success' });
    expect(r.summary).toContain(`| api | api-dev | ${SHA} | rolling | failure | skipped | skipped | rolled-back-to-${OLD} |`);
  });

  test('GIVEN a first deploy fails (no last good tag) THEN nothing is rolled back, the summary says so and the empty ROLLBACK_COMPLETE stack is deleted', () => {
    const r = runDeploy(flagship, 'deploy-dev', {
      sha: SHA,
      needs: NEEDS,
      files: flagshipFiles,
      rules: [
        rule('^aws cloudformation deploy ', { exit: 255, stderr: 'Failed to create/update the stack.', advance: 600 }),
        ...rollbackReads('api-dev', 'ROLLBACK_COMPLETE', NOT_FOUND),
        rule('^aws cloudformation delete-stack ', {}),
      ],
    });
    expect(r.status).toBe('failure');
    expect(awsCalls(r)).toEqual([
      cfnDeploy(DEV, DEV.template, SHA),
      stackStatus(DEV),
      getTag(DEV),
      ['cloudformation', 'delete-stack', '--stack-name', 'api-dev', '--role-arn', DEV.role],
    ]);
    expect(r.step('rollback-api')).toMatchObject({ outcome: 'success', outputs: { outcome: 'nothing-to-roll-back' } });
    expect(r.summary).toContain('### Rollback of api-dev: nothing to roll back to');
    expect(r.summary).toContain('(/shipshape/api/dev/last-good-image-tag does not exist), so there is no earlier version to redeploy. The stack is ROLLBACK_COMPLETE.');
    expect(r.summary).toContain('is being deleted so that the next deploy creates it afresh');
    expect(r.summary).toContain(`| api | api-dev | ${SHA} | rolling | failure | skipped | skipped | nothing-to-roll-back |`);
  });

  test('GIVEN no last good tag and a stack that is not ROLLBACK_COMPLETE THEN nothing is deleted', () => {
    const r = runDeploy(flagship, 'deploy-dev', {
      sha: SHA,
      needs: NEEDS,
      files: flagshipFiles,
      rules: [
        rule('^aws cloudformation deploy ', DEPLOYED),
        ...outputsOf('api-dev', 'c', 's'),
        rule('^aws ecs describe-services ', { stdout: 'FAILED' }),
        ...rollbackReads('api-dev', 'CREATE_COMPLETE', NOT_FOUND),
      ],
    });
    expect(awsCalls(r).slice(-2)).toEqual([stackStatus(DEV), getTag(DEV)]);
    expect(r.step('wait-api').outputs).toEqual({ outcome: 'FAILED' });
    expect(r.step('rollback-api').outputs).toEqual({ outcome: 'nothing-to-roll-back' });
  });

  test('GIVEN the last good tag cannot be read (not a missing parameter) THEN the rollback fails and deploys nothing', () => {
    const r = runDeploy(flagship, 'deploy-dev', {
      sha: SHA,
      needs: NEEDS,
      files: flagshipFiles,
      rules: [
        rule('^aws cloudformation deploy ', { exit: 255, stderr: 'Failed' }),
        rule('^aws cloudformation describe-stacks ', { stdout: 'UPDATE_ROLLBACK_COMPLETE' }),
        rule('^aws ssm get-parameter ', awsError('AccessDeniedException', 'GetParameter', 'not authorized')),
      ],
    });
    expect(awsCalls(r).map((a) => a.slice(0, 2).join(' '))).toEqual(['cloudformation deploy', 'cloudformation describe-stacks', 'ssm get-parameter']);
    expect(r.step('rollback-api').outcome).toBe('failure');
    expect(r.step('rollback-api').output).toContain('::error::Could not read the last good image tag at /shipshape/api/dev/last-good-image-tag');
  });
});

describe('deploy, blue/green fixture with two stacks (one job each)', () => {
  const ARN = 'arn:aws:ecs:us-east-1:444444444444:service-deployment/c/beta/d2';
  const alphaSucceeds = [
    rule('^aws cloudformation deploy --stack-name alpha-live ', DEPLOYED),
    ...outputsOf('alpha-live', 'alpha-cluster', 'alpha'),
    rule('^aws ecs list-service-deployments --cluster alpha-cluster ', { stdout: 'arn:alpha' }),
    rule('^aws ecs describe-service-deployments --service-deployment-arns arn:alpha ', { stdout: 'SUCCESSFUL' }),
    rule('^curl .*/health$', {}),
    ...RECORDS,
  ];
  const BETA_ROLLBACK_THEN = [
    rule('^aws ssm get-parameter --name /shipshape/beta/live/', { stdout: OLD }),
  ];

  test('THEN the deploy is bounded by the stack update plus the bake, the wait and the rollback by their own bounds', () => {
    const step = (id: string) => fixture.jobs['deploy-live-beta'].steps.find((s: any) => s.id === id);
    expect(step('deploy-beta').env.DEPLOY_SECONDS).toBe(String(25 * 60 + 7 * 60));
    expect(step('wait-beta').env).toEqual({ STACK: 'beta-live', STRATEGY: 'blue-green', WAIT_SECONDS: String(10 * 60) });
    expect(step('rollback-beta').env.ROLLBACK_SECONDS).toBe(String(25 * 60 + 7 * 60 + 10 * 60));
  });

  test('GIVEN the wait times out THEN the rollback step still runs: it cancels the update still in progress, waits for it, and redeploys (current template when none was recorded)', () => {
    const r = runDeploy(fixture, 'deploy-live-beta', {
      sha: SHA,
      needs: FIXTURE_NEEDS,
      files: fixtureFiles,
      rules: [
        ...alphaSucceeds,
        rule('^aws cloudformation deploy --stack-name beta-live .*ImageTag=c0ffee', DEPLOYED),
        ...outputsOf('beta-live', 'beta-cluster', 'beta'),
        rule('^aws ecs list-service-deployments --cluster beta-cluster ', { stdout: ARN }),
        rule(`^aws ecs describe-service-deployments --service-deployment-arns ${ARN} `, { stdout: 'IN_PROGRESS' }),
        rule('^aws cloudformation describe-stacks --stack-name beta-live --query Stacks\\[0\\]\\.StackStatus',
          { stdout: 'UPDATE_IN_PROGRESS' }, { stdout: 'UPDATE_ROLLBACK_IN_PROGRESS' }, { stdout: 'UPDATE_ROLLBACK_IN_PROGRESS' }, { stdout: 'UPDATE_ROLLBACK_COMPLETE' }),
        rule('^aws cloudformation cancel-update-stack ', {}),
        ...BETA_ROLLBACK_THEN,
        rule('^aws s3api get-object ', NO_SUCH_KEY),
        rule('^aws cloudformation deploy --stack-name beta-live ', DEPLOYED),
      ],
    });
    expect(r.status).toBe('failure');
    const polls = (10 * 60) / 15 + 1;
    expect(awsCalls(r)).toEqual([
      cfnDeploy(BETA, BETA.template, SHA),
      ...readService(BETA),
      listDeployments('beta-cluster', 'beta'),
      ...Array(polls).fill(deploymentStatus(ARN)),
      stackStatus(BETA),
      ['cloudformation', 'cancel-update-stack', '--stack-name', 'beta-live'],
      stackStatus(BETA),
      stackStatus(BETA),
      stackStatus(BETA),
      getTag(BETA),
      getTemplate(BETA, lastGoodFile(r, BETA)),
      cfnDeploy(BETA, BETA.template, OLD),
    ]);
    expect(r.step('wait-beta').outputs).toEqual({ outcome: 'TIMED_OUT' });
    expect(r.step('wait-beta').output).toContain('::error::The blue-green deployment of beta did not finish in 600 seconds (last status IN_PROGRESS)');
    // Each workload has its own job: beta's holds no step of alpha's.
    expect(outcomes(r)).toMatchObject({ 'Rollback beta': 'success', 'Verify beta': 'skipped' });
    expect(Object.keys(outcomes(r)).filter((name) => name.includes('alpha'))).toEqual([]);
    expect(r.step('rollback-beta').outputs).toEqual({ outcome: `rolled-back-to-${OLD}` });
    expect(r.summary).toContain('### Rollback of beta-live: no last good template');
    expect(r.summary).toContain(`so the rollback redeploys image tag ${OLD} with the current template, infra/beta-live.template.json.`);
    expect(r.summary).toContain(`git show ${OLD}:infra/beta-live.template.json`);
    expect(r.summary).toContain(`| beta | beta-live | ${SHA} | blue-green, bake 7m | success | TIMED_OUT | skipped | rolled-back-to-${OLD} |`);
    expectWithinTimeouts(r, fixture, 'deploy-live-beta');
  });

  test('GIVEN aws cloudformation deploy hangs THEN it gives up at its bound, the rollback cancels the update and redeploys the last good version, all inside the timeouts', () => {
    const r = runDeploy(fixture, 'deploy-live-beta', {
      sha: SHA,
      needs: FIXTURE_NEEDS,
      files: fixtureFiles,
      rules: [
        ...alphaSucceeds,
        // CloudFormation waits for an ECS service that never stabilizes: the CLI would wait for hours.
        rule('^aws cloudformation deploy --stack-name beta-live .*ImageTag=c0ffee', { advance: 3 * 3600 }),
        rule('^aws cloudformation describe-stacks --stack-name beta-live --query Stacks\\[0\\]\\.StackStatus',
          { stdout: 'UPDATE_IN_PROGRESS', advance: 5 }, { stdout: 'UPDATE_ROLLBACK_IN_PROGRESS', advance: 600 }, { stdout: 'UPDATE_ROLLBACK_COMPLETE' }),
        rule('^aws cloudformation cancel-update-stack ', {}),
        ...BETA_ROLLBACK_THEN,
        rule('^aws s3api get-object ', { stdout: OLD }),
        rule('^aws cloudformation deploy --stack-name beta-live ', { stdout: 'Successfully created/updated stack', advance: 25 * 60 }),
      ],
    });
    expect(r.step('deploy-beta')).toMatchObject({ outcome: 'failure', outputs: { outcome: 'TIMED_OUT' }, elapsed: 32 * 60 });
    expect(r.step('deploy-beta').output).toContain('::error::aws cloudformation deploy of beta-live did not finish in 1920 seconds');
    expect(awsCalls(r).slice(1)).toEqual([
      stackStatus(BETA),
      ['cloudformation', 'cancel-update-stack', '--stack-name', 'beta-live'],
      stackStatus(BETA),
      stackStatus(BETA),
      getTag(BETA),
      getTemplate(BETA, lastGoodFile(r, BETA)),
      cfnDeploy(BETA, lastGoodFile(r, BETA), OLD),
    ]);
    expect(r.step('rollback-beta').outputs).toEqual({ outcome: `rolled-back-to-${OLD}` });
    expect(r.summary).toContain(`| beta | beta-live | ${SHA} | blue-green, bake 7m | TIMED_OUT | skipped | skipped | rolled-back-to-${OLD} |`);
    expectWithinTimeouts(r, fixture, 'deploy-live-beta');
  });

  test('GIVEN the stack stays busy past the settle bound THEN the rollback gives up inside its own timeout and says so', () => {
    const r = runDeploy(fixture, 'deploy-live-alpha', {
      sha: SHA,
      needs: FIXTURE_NEEDS,
      files: fixtureFiles,
      rules: [
        rule('^aws cloudformation deploy --stack-name alpha-live ', { advance: 5 * 3600 }),
        rule('^aws cloudformation describe-stacks --stack-name alpha-live --query Stacks\\[0\\]\\.StackStatus', { stdout: 'UPDATE_IN_PROGRESS' }, { stdout: 'UPDATE_ROLLBACK_IN_PROGRESS', advance: 120 }),
        rule('^aws cloudformation cancel-update-stack ', awsError('ValidationError', 'CancelUpdateStack', 'CancelUpdateStack cannot be called from current stack status')),
      ],
    });
    const rollback = r.step('rollback-alpha');
    expect(rollback).toMatchObject({ outcome: 'failure', outputs: { outcome: 'stack-busy' } });
    expect(rollback.output).toContain('::warning::Could not cancel the update of alpha-live: waiting for it to end');
    expect(rollback.output).toContain('::error::alpha-live is still UPDATE_ROLLBACK_IN_PROGRESS after 2520 seconds');
    expect(awsCalls(r).filter((a) => a[1] === 'deploy')).toHaveLength(1);
    expect(outcomes(r)).toMatchObject({ 'Deploy alpha': 'failure', 'Record the last good version of alpha': 'skipped', 'Rollback alpha': 'failure' });
    expectWithinTimeouts(r, fixture, 'deploy-live-alpha');
  });

  test('GIVEN a stack whose rollback failed (UPDATE_ROLLBACK_FAILED) THEN the rollback step fails with what to do', () => {
    const r = runDeploy(fixture, 'deploy-live-alpha', {
      sha: SHA,
      needs: FIXTURE_NEEDS,
      files: fixtureFiles,
      rules: [
        rule('^aws cloudformation deploy --stack-name alpha-live ', { exit: 255, stderr: 'Failed' }),
        rule('^aws cloudformation describe-stacks --stack-name alpha-live --query Stacks\\[0\\]\\.StackStatus', { stdout: 'UPDATE_ROLLBACK_FAILED' }),
      ],
    });
    expect(r.step('rollback-alpha')).toMatchObject({ outcome: 'failure', outputs: { outcome: 'stack-failed' } });
    expect(r.step('rollback-alpha').output).toContain('continue-update-rollback');
  });
});

describe('time budget: every wait gives up well before the job timeout, so the rollback runs', () => {
  const make = (kind: string) => {
    switch (kind) {
      case 'blue-green': return DeploymentStrategy.blueGreen({ bake: Duration.minutes(15) });
      case 'canary': return DeploymentStrategy.canary({ percent: 10, bake: Duration.minutes(7) });
      case 'linear': return DeploymentStrategy.linear({ stepPercent: 25, interval: Duration.minutes(2), bake: Duration.minutes(7) });
      default: return DeploymentStrategy.rolling();
    }
  };
  const budgetProject = (outdir: string, stacks: number, strategy: DeploymentStrategy) => {
    const p = bareProject(outdir, 'budget');
    for (let i = 0; i < stacks; i++) {
      const service = new Service(p, `s${i}`, { host: `s${i}` });
      new DockerImage(p, `s${i}-image`, { service, preset: DockerPreset.node(), contextPath: `s${i}`, dockerfilePath: `s${i}/Dockerfile` });
    }
    new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1', domain: { name: 'example.com', hostedZoneId: 'Z1' }, strategy });
    new Pipeline(p, 'ci', { deploy: { smokeTest: 'npm run smoke' } });
    return p;
  };
  const cases = ['rolling', 'blue-green', 'canary', 'linear'].flatMap((kind) => [1, 2, 3].map((stacks) => [kind, stacks] as const));

  test.each(cases)('GIVEN %s with %i stacks THEN each job\'s steps\' bounds add up to less than its timeout', (kind, stacks) => {
    const files = synthSnapshot((outdir) => budgetProject(outdir, stacks, make(kind)));
    const wf = parse(files['.github/workflows/ci.yml']);
    // One workload: one job per environment; several: one job per workload, in parallel.
    const ids = stacks === 1 ? ['deploy-prod'] : Array.from({ length: stacks }, (_x, i) => `deploy-prod-s${i}`);
    expect(Object.keys(wf.jobs).filter((j) => j.startsWith('deploy-'))).toEqual(ids);
    for (const [i, id] of ids.entries()) {
      const job = wf.jobs[id];
      const steps: any[] = job.steps;
      // Every step is bounded.
      for (const s of steps) expect({ step: s.name, timeout: typeof s['timeout-minutes'] }).toEqual({ step: s.name, timeout: 'number' });
      // Each in-script bound gives up before its step's timeout (with room for a last poll and the commands around it).
      for (const s of steps.filter((x) => x.id?.startsWith('deploy-'))) {
        expect(Number(s.env.DEPLOY_SECONDS) + 60).toBeLessThan(s['timeout-minutes'] * 60);
      }
      for (const s of steps.filter((x) => x.env?.ROLLBACK_SECONDS)) expect(Number(s.env.ROLLBACK_SECONDS) + 15 + 60).toBeLessThan(s['timeout-minutes'] * 60);
      for (const s of steps.filter((x) => x.env?.WAIT_SECONDS)) expect(Number(s.env.WAIT_SECONDS) + 15 + 60).toBeLessThan(s['timeout-minutes'] * 60);
      // Worst case: every step up to the record runs to its timeout, then the rollback, then the summary.
      const rollbacks = steps.filter((s) => String(s.if).startsWith('failure()'));
      expect(rollbacks.map((s) => s.if)).toEqual([`failure() && steps.deploy-s${i}.outcome != 'skipped' && steps.record-s${i}.outcome != 'success'`]);
      const worst = steps.filter((s) => !rollbacks.includes(s)).reduce((sum, s) => sum + s['timeout-minutes'], 0)
        + Math.max(...rollbacks.map((s) => s['timeout-minutes']));
      expect(worst + 10).toBeLessThanOrEqual(job['timeout-minutes']);
      // GitHub-hosted runners end any job after 6 hours, whatever timeout-minutes says.
      expect(job['timeout-minutes']).toBeLessThanOrEqual(360);
    }
  });

  test('GIVEN three workloads with a 30-minute canary bake THEN they deploy in three parallel jobs, each inside GitHub\'s 6-hour limit', () => {
    // One job for the three took a worst case of 529 minutes: synthesis refused it (SS-PIPELINE-DEPLOY-TIME).
    const wf = parse(synthSnapshot((outdir) => budgetProject(outdir, 3, DeploymentStrategy.canary({ bake: Duration.minutes(30) })))['.github/workflows/ci.yml']);
    const jobs = ['deploy-prod-s0', 'deploy-prod-s1', 'deploy-prod-s2'].map((id) => wf.jobs[id]);
    for (const job of jobs) {
      expect(job['timeout-minutes']).toBeLessThanOrEqual(360);
      // Same needs: they start, and wait for prod's approval, together.
      expect(job.needs).toEqual(['publish']);
      expect(job.environment.name).toBe('prod');
    }
    // One concurrency group per job: in one group, a third pending job would cancel the second.
    expect(new Set(jobs.map((j) => j.concurrency.group)).size).toBe(3);
  });

  test('GIVEN a worst case beyond GitHub\'s 6-hour job limit THEN synthesis fails and says what to shorten', () => {
    const slow = DeploymentStrategy.linear({ stepPercent: 10, interval: Duration.minutes(30), bake: Duration.minutes(30) });
    const err = expectRejected((outdir) => budgetProject(outdir, 2, slow));
    expect(err.problems.map((p) => [p.code, p.property])).toEqual([
      ['SS-PIPELINE-DEPLOY-TIME', 'deploy (environment prod, workload s0)'],
      ['SS-PIPELINE-DEPLOY-TIME', 'deploy (environment prod, workload s1)'],
    ]);
    expect(err.problems[0].got).toMatch(/^'a worst case of \d+ minutes for s0-prod with linear 10% every 30m, bake 30m'$/);
    expect(err.problems[0].hint).toBe("Shorten the bake or step interval of prod's strategy.");
  });
});

test('every run: script of the publish and deploy jobs passes shellcheck', () => {
  for (const [name, files] of [['flagship', flagshipFiles], ['fixture', fixtureFiles]] as const) {
    const scripts = runScripts(files['.github/workflows/ci.yml']).filter((s) => /jobs\.(publish|deploy-)/.test(s.label));
    expect(scripts.length).toBeGreaterThan(5);
    for (const s of scripts) {
      expect({ name, label: s.label, findings: shellcheck(s.script, s.label) }).toEqual({ name, label: s.label, findings: [] });
    }
  }
});

test('the runbook\'s rollback command, run as written, deploys the last good template with the tag recorded with it', () => {
  const model = Shipshape.of(createProject(os.tmpdir())).model();
  const staging = model.environments.find((e) => e.name === 'staging')!;
  const manual = { jobs: { manual: { steps: [{ name: 'by hand', run: rollbackCommand(model, 'api', staging) }] } } };
  const r = runJob(manual, 'manual', { rules: [rule('^aws s3api get-object ', { stdout: OLD }), rule('^aws cloudformation deploy ', DEPLOYED)] });
  expect(r.status).toBe('success');
  const file = 'api-staging.last-good.template.json';
  expect(awsCalls(r)).toEqual([
    ['s3api', 'get-object', '--region', 'eu-west-1', '--bucket', STAGING.bucket, '--key', 'last-good/api-staging.template.json', file, '--query', 'Metadata."image-tag"', '--output', 'text'],
    [
      'cloudformation', 'deploy', '--region', 'eu-west-1', '--stack-name', 'api-staging', '--template-file', file, '--s3-bucket', STAGING.bucket,
      '--s3-prefix', 'uploads/api-staging', '--role-arn', STAGING.role, '--parameter-overrides', `ImageTag=${OLD}`, '--capabilities', 'CAPABILITY_IAM',
      '--no-fail-on-empty-changeset',
    ],
  ]);
});

describe('the runner itself', () => {
  const ran = (outcome: 'success' | 'failure' | 'skipped', outputs: Record<string, string> = {}) => ({ name: 'x', outcome, outputs, output: '', elapsed: 0 });
  const ctx = (status: 'success' | 'failure', steps: Record<string, ReturnType<typeof ran>>): Context => ({
    sha: SHA, needs: NEEDS, status: () => status, step: (id) => steps[id],
  });

  test('status functions, comparisons (case-insensitive), && and || as GitHub evaluates them', () => {
    const c = ctx('failure', { 'deploy-api': ran('failure'), 'record-api': ran('skipped'), 'wait-api': ran('failure', { outcome: 'TIMED_OUT' }) });
    expect(evaluate("failure() && steps.deploy-api.outcome != 'skipped' && steps.record-api.outcome != 'success'", c)).toBe(true);
    expect(evaluate("failure() && steps.deploy-api.outcome != 'skipped' && steps.record-api.outcome != 'success'", ctx('failure', { 'deploy-api': ran('skipped') }))).toBe(false);
    expect(evaluate('success()', c)).toBe(false);
    expect(evaluate('always()', c)).toBe(true);
    expect(evaluate("steps.deploy-api.outcome == 'FAILURE'", c)).toBe(true);
    expect(interpolate('${{ steps.wait-api.outputs.outcome || steps.wait-api.outcome }}', c)).toBe('TIMED_OUT');
    expect(interpolate('${{ steps.deploy-api.outputs.outcome || steps.deploy-api.outcome }}', c)).toBe('failure');
    expect(interpolate('${{ steps.rollback-api.outputs.outcome || steps.rollback-api.outcome }}', c)).toBe('');
    expect(interpolate('${{ needs.publish.outputs.image-tag }}/${{ github.sha }}/${{ job.status }}', c)).toBe(`${SHA}/${SHA}/failure`);
  });

  test('an expression it does not know fails instead of being guessed', () => {
    expect(() => evaluate('github.event.pull_request.title', ctx('success', {}))).toThrow('unsupported context github.event.pull_request.title');
    expect(() => evaluate("startsWith('a', 'b')", ctx('success', {}))).toThrow('unsupported');
    expect(() => evaluate("contains(github.event.commits, 'b')", ctx('success', {}))).toThrow('not supported');
  });

  test('GITHUB_OUTPUT lines and heredocs', () => {
    expect(parseOutputs('a=1\nb=x=y\nc<<EOF\nline 1\nline 2\nEOF\na=2\n')).toEqual({ a: '2', b: 'x=y', c: 'line 1\nline 2' });
  });

  test('a script that fails makes its step and the job fail; later steps run only under failure() or always()', () => {
    const r = runJob({
      jobs: {
        j: {
          steps: [
            { name: 'one', id: 'one', run: 'echo "v=1" >> "$GITHUB_OUTPUT"; false; echo never' },
            { name: 'two', run: 'echo two' },
            { name: 'three', if: 'failure()', env: { V: '${{ steps.one.outputs.v }}:${{ steps.one.outcome }}' }, run: 'echo "$V" >> "$GITHUB_STEP_SUMMARY"' },
            { name: 'four', if: '${{ always() }}', run: 'date +%s; sleep 30; date +%s' },
          ],
        },
      },
    }, 'j', { rules: [] });
    expect(outcomes(r)).toEqual({ one: 'failure', two: 'skipped', three: 'success', four: 'success' });
    expect(r.step('one').output).not.toContain('never');
    expect(r.summary).toBe('1:failure\n');
    expect(r.step('four')).toMatchObject({ output: '0\n30\n', elapsed: 30 });
    expect(r.status).toBe('failure');
  });

  test('an unscripted command fails the test with the call it did not expect', () => {
    expect(() => runJob({ jobs: { j: { steps: [{ name: 'x', run: 'aws sts get-caller-identity' }] } } }, 'j', { rules: [] })).toThrow('aws sts get-caller-identity');
  });
});
