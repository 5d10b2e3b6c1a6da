/** CD on the branch: build once, deploy in order, verify, record, roll back, report; strategies honoured. */
import { parse } from 'yaml';
import { bareProject } from './util';
import { DeploymentStrategy, DockerImage, DockerPreset, Duration, Environment, Pipeline, PipelineProps, Service } from '../src';
import { cloudFormationExecutionRoleName, deployRoleName, lastGoodImageTagParameter, lastGoodTemplateKey, templateBucketName } from '../src/core/naming';
import { synthSnapshot } from '../src/testing/synth';

function synth(props: PipelineProps = {}): Record<string, string> {
  return synthSnapshot((outdir) => {
    const p = bareProject(outdir, 'shop');
    new DockerImage(p, 'image', { service: new Service(p, 'api', { healthPath: '/health/ready' }), preset: DockerPreset.node() });
    new Environment(p, 'dev', { account: '111111111111', region: 'eu-west-1' });
    new Environment(p, 'staging', {
      account: '222222222222',
      region: 'eu-west-1',
      domain: { name: 'staging.example.com', hostedZoneId: 'ZSTAGING' },
      strategy: DeploymentStrategy.blueGreen({ bake: Duration.minutes(7) }),
    });
    new Environment(p, 'prod', {
      account: '333333333333',
      region: 'eu-west-1',
      domain: { name: 'example.com', hostedZoneId: 'ZPROD' },
      approval: { reviewers: ['alice', 'org/releasers'], waitMinutes: 15 },
      strategy: DeploymentStrategy.linear({ stepPercent: 25, interval: Duration.minutes(1), bake: Duration.minutes(10) }),
    });
    new Pipeline(p, 'ci', props);
    return p;
  });
}
const wfOf = (files: Record<string, string>) => parse(files['.github/workflows/ci.yml']);
const named = (job: any, name: string) => job.steps.find((s: any) => s.name === name);

describe('GIVEN three environments', () => {
  const files = synth({ deploy: { smokeTest: 'npm run smoke' } });
  const wf = wfOf(files);

  test('THEN the image is built and pushed once, tagged with the commit SHA, after the checks, on main only', () => {
    const publish = wf.jobs.publish;
    expect(publish.if).toBe("github.event_name != 'pull_request' && github.ref == 'refs/heads/main'");
    expect(publish.needs).toEqual(expect.arrayContaining(['lint', 'test', 'build', 'image', 'codeql']));
    expect(publish.needs).not.toContain('dependency-review');
    expect(publish.outputs['image-tag']).toBe('${{ github.sha }}');
    const push = publish.steps.find((s: any) => s.uses?.startsWith('docker/build-push-action@'));
    // The registry is the production environment's account by default (Shipshape.configure's registry).
    expect(push.with).toMatchObject({ 'push': true, 'tags': '333333333333.dkr.ecr.eu-west-1.amazonaws.com/api:${{ github.sha }}', 'cache-from': 'type=gha,scope=api' });
    // Tags are immutable: a re-run finds the image in the registry and neither builds nor pushes it.
    expect(push.if).toBe("steps.exists-api.outputs.exists == 'false'");
    expect(named(publish, 'Is api already in the registry?')).toMatchObject({ id: 'exists-api', env: { REGISTRY_ID: '333333333333', REPOSITORY: 'api', IMAGE_TAG: '${{ github.sha }}' } });
    expect(publish.steps.map((s: any) => s.uses?.split('@')[0])).toEqual(expect.arrayContaining(['aws-actions/configure-aws-credentials', 'aws-actions/amazon-ecr-login']));
    expect(Object.keys(wf.jobs).filter((id) => wf.jobs[id].steps.some((s: any) => s.with?.push === true))).toEqual(['publish']);
  });

  test('THEN environments deploy in declared order, each after the previous one', () => {
    expect(wf.jobs['deploy-dev'].needs).toEqual(['publish']);
    expect(wf.jobs['deploy-staging'].needs).toEqual(['publish', 'deploy-dev']);
    expect(wf.jobs['deploy-prod'].needs).toEqual(['publish', 'deploy-staging']);
  });

  test('THEN each deploy job declares its GitHub environment, assumes its role by OIDC and never runs concurrently or cancels', () => {
    const prod = wf.jobs['deploy-prod'];
    expect(prod.environment).toEqual({ name: 'prod', url: 'https://example.com' });
    expect(prod.permissions).toEqual({ 'actions': 'read', 'contents': 'read', 'id-token': 'write' });
    expect(prod.concurrency).toEqual({ 'group': 'deploy-prod', 'cancel-in-progress': false });
    expect(named(prod, 'Configure AWS credentials (OIDC)').with).toEqual({ 'role-to-assume': `arn:aws:iam::333333333333:role/${deployRoleName('shop', 'prod')}`, 'aws-region': 'eu-west-1' });
    expect(wf.jobs['deploy-dev'].environment).toEqual({ name: 'dev' });
  });

  // The deploy command of deploy and rollback: through the account's template bucket, as the execution role.
  const CFN_DEPLOY = (template: string, tag: string, bound: string) => [
    `timeout "${bound}" aws cloudformation deploy \\`,
    '  --stack-name "$STACK" \\',
    `  --template-file "${template}" \\`,
    '  --s3-bucket "$TEMPLATE_BUCKET" \\',
    '  --s3-prefix "$TEMPLATE_PREFIX" \\',
    '  --role-arn "$EXECUTION_ROLE_ARN" \\',
    '  --capabilities CAPABILITY_IAM \\',
    `  --parameter-overrides "ImageTag=${tag}" \\`,
    '  --no-fail-on-empty-changeset || code=$?',
  ].join('\n');
  const PROD_CFN_ENV = {
    STACK: 'api-prod',
    TEMPLATE: 'infra/api-prod.template.json',
    TEMPLATE_BUCKET: 'shop-templates-333333333333-eu-west-1',
    TEMPLATE_PREFIX: 'uploads/api-prod',
    EXECUTION_ROLE_ARN: 'arn:aws:iam::333333333333:role/shipshape-shop-prod-cfn-exec',
  };

  test('THEN deploy runs aws cloudformation deploy of the environment template with the ImageTag parameter, through S3, as the execution role', () => {
    const deploy = named(wf.jobs['deploy-prod'], 'Deploy api');
    // Linear 25% every minute, bake 10 minutes: the stack update (25 minutes) plus 4 steps and the bake.
    expect(deploy.env).toEqual({ ...PROD_CFN_ENV, DEPLOY_SECONDS: String(25 * 60 + 4 * 60 + 10 * 60) });
    expect(PROD_CFN_ENV.TEMPLATE_BUCKET).toBe(templateBucketName('shop', '333333333333', 'eu-west-1'));
    expect(PROD_CFN_ENV.EXECUTION_ROLE_ARN).toBe(`arn:aws:iam::333333333333:role/${cloudFormationExecutionRoleName('shop', 'prod')}`);
    expect(deploy.run).toContain(CFN_DEPLOY('$TEMPLATE', '$IMAGE_TAG', '$DEPLOY_SECONDS'));
    expect(wf.jobs['deploy-prod'].env).toEqual({ IMAGE_TAG: '${{ needs.publish.outputs.image-tag }}' });
    // Each environment deploys with its own account's bucket and execution role.
    expect(named(wf.jobs['deploy-dev'], 'Deploy api').env).toMatchObject({
      TEMPLATE_BUCKET: 'shop-templates-111111111111-eu-west-1', EXECUTION_ROLE_ARN: 'arn:aws:iam::111111111111:role/shipshape-shop-dev-cfn-exec',
    });
  });

  test('THEN the wait step reads the cluster and service from the stack outputs', () => {
    const wait = named(wf.jobs['deploy-prod'], 'Wait for api (linear 25% every 1m, bake 10m)');
    expect(wait.run).toContain("Outputs[?OutputKey=='EcsClusterName']");
    expect(wait.run).toContain("Outputs[?OutputKey=='EcsServiceName']");
  });

  test('THEN verify smoke-tests the URL and health path, then runs the user command', () => {
    const verify = named(wf.jobs['deploy-staging'], 'Verify api');
    expect(verify.env).toEqual({ BASE_URL: 'https://staging.example.com', HEALTH_PATH: '/health/ready' });
    expect(verify.run).toContain('curl --fail');
    expect(named(wf.jobs['deploy-staging'], 'Smoke test api')).toMatchObject({ run: 'npm run smoke', env: { BASE_URL: 'https://staging.example.com' } });
    expect(named(wf.jobs['deploy-dev'], 'Verify api').run).toContain('::notice::dev has no url');
  });

  test('THEN a verified template and tag are recorded together and rollback redeploys them on failure', () => {
    const job = wf.jobs['deploy-prod'];
    const names = job.steps.map((s: any) => s.name);
    const record = named(job, 'Record the last good version of api');
    expect(names.indexOf('Record the last good version of api')).toBeGreaterThan(names.indexOf('Verify api'));
    const LAST_GOOD = { TEMPLATE_BUCKET: PROD_CFN_ENV.TEMPLATE_BUCKET, LAST_GOOD_TEMPLATE_KEY: 'last-good/api-prod.template.json', PARAMETER: lastGoodImageTagParameter('api', 'prod') };
    expect(record.env).toEqual({ STACK: 'api-prod', TEMPLATE: 'infra/api-prod.template.json', ...LAST_GOOD });
    expect(LAST_GOOD.LAST_GOOD_TEMPLATE_KEY).toBe(lastGoodTemplateKey('api-prod'));
    expect(lastGoodImageTagParameter('api', 'prod')).toBe('/shipshape/api/prod/last-good-image-tag');
    // The template first, with its tag in its metadata (one write), then the tag.
    expect(record.run.split('\n').filter((l: string) => l.startsWith('aws '))).toEqual([
      'aws s3api put-object --bucket "$TEMPLATE_BUCKET" --key "$LAST_GOOD_TEMPLATE_KEY" --body "$TEMPLATE" --content-type application/json --metadata "image-tag=$IMAGE_TAG" --query ETag --output text',
      'aws ssm put-parameter --name "$PARAMETER" --value "$IMAGE_TAG" --type String --overwrite',
    ]);
    const rollback = named(job, 'Rollback api');
    expect(names.indexOf('Rollback api')).toBeGreaterThan(names.indexOf('Record the last good version of api'));
    expect(rollback.if).toBe("failure() && steps.deploy-api.outcome != 'skipped' && steps.record-api.outcome != 'success'");
    expect(rollback.env).toEqual({ ...PROD_CFN_ENV, ...LAST_GOOD, ROLLBACK_SECONDS: String(25 * 60 + 4 * 60 + 10 * 60 + 10 * 60) });
    expect(rollback.run).toContain('aws ssm get-parameter --name "$PARAMETER"');
    expect(rollback.run).toContain('aws s3api get-object --bucket "$TEMPLATE_BUCKET" --key "$LAST_GOOD_TEMPLATE_KEY"');
    // The same bucket and role flags as the deploy, with the last good template and tag, in the time left.
    expect(rollback.run).toContain(CFN_DEPLOY('$template_file', '$last_good', '$remaining'));
  });

  test('THEN rollback before any verified deploy says so in the summary instead of failing obscurely', () => {
    const run: string = named(wf.jobs['deploy-prod'], 'Rollback api').run;
    const missing = run.slice(run.indexOf('grep -q ParameterNotFound'), run.indexOf('exit 0'));
    expect(missing).toContain('echo "outcome=nothing-to-roll-back" >> "$GITHUB_OUTPUT"');
    expect(missing).toContain('nothing to roll back to');
    expect(missing).toContain('>> "$GITHUB_STEP_SUMMARY"');
    // Other errors reading the parameter still fail the step.
    expect(run).toContain('echo "::error::Could not read the last good image tag at $PARAMETER"\n  exit 1');
  });

  test('THEN the results go to the step summary', () => {
    const summary = named(wf.jobs['deploy-prod'], 'Summary');
    expect(summary.if).toBe('always()');
    expect(summary.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(summary.env.API_ROLLBACK).toBe('${{ steps.rollback-api.outputs.outcome || steps.rollback-api.outcome }}');
  });

  test('THEN each strategy is waited for, each wait bounded: rolling by its rollout state, the others by their service deployment', () => {
    const rolling = named(wf.jobs['deploy-dev'], 'Wait for api (rolling)');
    expect(rolling.run).toContain("deployments[?status=='PRIMARY'].rolloutState");
    // No AWS CLI waiter: `ecs wait services-stable` gives up after 10 minutes whatever the budget.
    expect(rolling.run).not.toContain('aws ecs wait');
    const bg = named(wf.jobs['deploy-staging'], 'Wait for api (blue-green, bake 7m)');
    expect(bg.env).toMatchObject({ STRATEGY: 'blue-green', WAIT_SECONDS: String(10 * 60) });
    expect(bg.run).toContain('aws ecs describe-service-deployments');
    const linear = named(wf.jobs['deploy-prod'], 'Wait for api (linear 25% every 1m, bake 10m)');
    expect(linear['timeout-minutes']).toBeGreaterThan(Number(linear.env.WAIT_SECONDS) / 60);
    for (const job of ['deploy-dev', 'deploy-staging', 'deploy-prod']) {
      const steps = wf.jobs[job].steps;
      expect(steps.every((s: any) => typeof s['timeout-minutes'] === 'number')).toBe(true);
      const sum = steps.reduce((n: number, s: any) => n + (s.name === 'Rollback api' ? 0 : s['timeout-minutes']), 0) + named(wf.jobs[job], 'Rollback api')['timeout-minutes'];
      expect(wf.jobs[job]['timeout-minutes']).toBe(sum + 10);
    }
  });

  test('THEN the gated environment is documented with its reviewers and wait timer', () => {
    const envs = JSON.parse(files['.github/environments.json']).environments;
    expect(envs.map((e: any) => e.name)).toEqual(['dev', 'staging', 'prod']);
    expect(envs[2]).toMatchObject({ wait_timer: 15, reviewers: [{ type: 'User', login: 'alice' }, { type: 'Team', slug: 'org/releasers' }], deployment_branches: ['main'] });
  });
});

test('GIVEN a deploy order that starts elsewhere THEN the image is still pushed to the project\'s registry (where the bootstrap puts it)', () => {
  const wf = wfOf(synth({ deploy: { order: ['staging', 'prod', 'dev'] } }));
  const push = wf.jobs.publish.steps.find((s: any) => s.uses?.startsWith('docker/build-push-action@'));
  expect(push.with.tags).toBe('333333333333.dkr.ecr.eu-west-1.amazonaws.com/api:${{ github.sha }}');
  expect(named(wf.jobs.publish, 'Configure AWS credentials (OIDC)').with['role-to-assume']).toBe('arn:aws:iam::333333333333:role/shipshape-shop-publish');
});

test('GIVEN a deploy order WHEN synthesized THEN environments deploy in that order', () => {
  const wf = wfOf(synth({ deploy: { order: ['staging', 'dev'] } }));
  expect(wf.jobs['deploy-staging'].needs).toEqual(['publish']);
  expect(wf.jobs['deploy-dev'].needs).toEqual(['publish', 'deploy-staging']);
  expect(wf.jobs['deploy-prod']).toBeUndefined();
});

test('GIVEN deploy false THEN there is no publish and no deploy job', () => {
  const wf = wfOf(synth({ deploy: false }));
  expect(Object.keys(wf.jobs).filter((id) => id === 'publish' || id.startsWith('deploy-'))).toEqual([]);
});

test('GIVEN a project without environments THEN no CD jobs and no drift workflow appear', () => {
  const files = synthSnapshot((outdir) => {
    const p = bareProject(outdir);
    new Pipeline(p, 'ci');
    return p;
  });
  expect(Object.keys(parse(files['.github/workflows/ci.yml']).jobs).filter((id) => id === 'publish' || id.startsWith('deploy-'))).toEqual([]);
  expect(files['.github/workflows/ci-drift.yml']).toBeUndefined();
  expect(files['.github/environments.json']).toBeUndefined();
});

describe('drift', () => {
  const files = synth();
  const drift = parse(files['.github/workflows/ci-drift.yml']);

  test('GIVEN environments THEN a scheduled workflow checks every stack with the read-only drift role', () => {
    expect(drift.on.schedule).toEqual([{ cron: '17 5 * * *' }]);
    expect(Object.keys(drift.jobs)).toEqual(['drift-dev', 'drift-staging', 'drift-prod']);
    expect(drift.jobs['drift-prod'].steps[0].with['role-to-assume']).toBe('arn:aws:iam::333333333333:role/shipshape-shop-prod-drift');
    expect(drift.jobs['drift-prod'].environment).toBeUndefined();
  });

  test('THEN it detects drift, waits, describes the drifted resources and fails loudly with a summary', () => {
    const script = drift.jobs['drift-prod'].steps[1].run;
    for (const part of ['detect-stack-drift', 'describe-stack-drift-detection-status', 'describe-stack-resource-drifts', 'GITHUB_STEP_SUMMARY', '::error::', 'exit 1']) {
      expect(script).toContain(part);
    }
  });

  test('GIVEN drift false THEN there is no drift workflow', () => {
    expect(synth({ drift: false })['.github/workflows/ci-drift.yml']).toBeUndefined();
  });
});
