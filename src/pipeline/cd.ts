import type { StackTarget } from '../cloudformation/templates';
import {
  cloudFormationExecutionRoleName, deployRoleName, ecrRegistry, imageRepositoryName, lastGoodImageTagParameter, publishRoleName, registryEnvironment,
  roleArn, templateBucketName, templatePrefix,
} from '../core/naming';
import type { StepModel } from '../github/workflow';
import type { EnvironmentModel } from '../model';
import { BuildContext, JobSpec, checkout, onBranch } from './job-spec';
import { DEPLOY_SCRIPT, RECORD_SCRIPT, ROLLBACK_SCRIPT, SMOKE_SCRIPT, describeStrategy, strategyWaitSeconds, waitScript } from './scripts';

/** Deploy settings after defaults are applied. */
export interface ResolvedDeploy {
  /** An optional command run after the health check, with `BASE_URL` set. */
  readonly smokeCommand?: string;
}


/** Assume a role through GitHub OIDC (the job needs `id-token: write`). */
export function assumeRole(account: string, region: string, name: string): StepModel {
  return {
    name: 'Configure AWS credentials (OIDC)',
    uses: 'aws-actions/configure-aws-credentials',
    with: { 'role-to-assume': roleArn(account, region, name), 'aws-region': region },
  };
}

const pascal = (s: string) => s.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase());

/**
 * `publish`: build every image once and push it to ECR in the registry environment's
 * account, tagged immutably with the commit SHA. Runs only on the branch, after the checks.
 * The registry is the first declared environment's account (whatever the deploy order), as in the bootstrap.
 */
export function publishJob(ctx: BuildContext, checkIds: readonly string[]): JobSpec | undefined {
  const registryEnv = ctx.registry ?? registryEnvironment(ctx.environments);
  if (!registryEnv || ctx.images.length === 0) return undefined;
  const registry = ecrRegistry(registryEnv.account, registryEnv.region);
  const steps: StepModel[] = [
    checkout(),
    assumeRole(registryEnv.account, registryEnv.region, publishRoleName(ctx.project)),
    { name: 'Log in to Amazon ECR', uses: 'aws-actions/amazon-ecr-login' },
    { name: 'Set up Docker Buildx', uses: 'docker/setup-buildx-action' },
  ];
  for (const image of ctx.images) {
    steps.push({
      name: `Build and push ${image.service}`,
      uses: 'docker/build-push-action',
      with: {
        'context': image.contextPath,
        'file': image.dockerfilePath,
        'push': true,
        'tags': `${registry}/${imageRepositoryName(image.service)}:\${{ github.sha }}`,
        // The Dockerfile's OCI labels (org.opencontainers.image.revision / .source) read these build args.
        'build-args': 'REVISION=${{ github.sha }}\nSOURCE_URL=${{ github.server_url }}/${{ github.repository }}',
        'cache-from': `type=gha,scope=${image.service}`,
        'cache-to': `type=gha,scope=${image.service},mode=max`,
      },
    });
  }
  const expected = ctx.expectedMinutes.publish ?? 6 * ctx.images.length;
  return {
    job: {
      id: 'publish',
      name: 'publish',
      needs: checkIds,
      if: onBranch(ctx.branch),
      runsOn: ctx.runsOn,
      permissions: { 'contents': 'read', 'id-token': 'write' },
      timeoutMinutes: Math.max(20, expected * 3),
      outputs: { 'image-tag': '${{ github.sha }}' },
      steps,
      expectedMinutes: expected,
    },
    stage: 'deploy',
    required: false,
    prOnly: false,
    path: `${ctx.constructPath}/jobs/publish`,
  };
}

/** Minutes a deploy is expected to take: the stack update, the traffic shifts and the bake. */
function deployMinutes(env: EnvironmentModel, stacks: number): number {
  const wait = strategyWaitSeconds(env.strategy) - 15 * 60;
  return stacks * 8 + Math.ceil(wait / 60);
}

/**
 * `deploy-<env>`: one job per environment, in order, each after the previous one. Inside:
 * deploy (CloudFormation, ImageTag) → wait (the strategy) → verify (health path, optional
 * command) → record the last good tag → rollback on failure → summary.
 * One job per environment keeps one approval per gated environment.
 */
export function deployJobs(ctx: BuildContext, targets: readonly StackTarget[], options: ResolvedDeploy): JobSpec[] {
  const jobs: JobSpec[] = [];
  let previous = 'publish';
  for (const env of ctx.environments) {
    const stacks = targets.filter((t) => t.environment.name === env.name);
    if (stacks.length === 0) continue;
    const id = `deploy-${env.name}`;
    const steps: StepModel[] = [checkout(), assumeRole(env.account, env.region, deployRoleName(ctx.project, env.name))];
    // The user's smoke test may need the project's dependencies.
    if (options.smokeCommand && env.url) steps.push(...ctx.toolchain.setup);
    const summary: Record<string, string> = {};
    const rows: string[] = [];
    // What `aws cloudformation deploy` needs besides the stack: the account's template bucket and the execution role.
    const cfnEnv = (stack: string) => ({
      STACK: stack,
      TEMPLATE_BUCKET: templateBucketName(ctx.project, env.account, env.region),
      TEMPLATE_PREFIX: templatePrefix(stack),
      EXECUTION_ROLE_ARN: roleArn(env.account, env.region, cloudFormationExecutionRoleName(ctx.project, env.name)),
    });
    for (const t of stacks) {
      const s = t.service.name;
      const key = pascal(s).toUpperCase();
      const stackEnv = { STACK: t.stackName, TEMPLATE: t.filePath };
      const parameter = { PARAMETER: lastGoodImageTagParameter(s, env.name) };
      steps.push(
        { name: `Deploy ${s}`, id: `deploy-${s}`, env: { ...cfnEnv(t.stackName), TEMPLATE: t.filePath }, run: DEPLOY_SCRIPT },
        {
          name: `Wait for ${s} (${describeStrategy(env.strategy)})`,
          id: `wait-${s}`,
          env: { ...stackEnv, STRATEGY: env.strategy.kind, ...(env.strategy.kind === 'rolling' ? {} : { WAIT_SECONDS: String(strategyWaitSeconds(env.strategy)) }) },
          run: waitScript(env.strategy),
        },
        env.url
          ? { name: `Verify ${s}`, id: `verify-${s}`, env: { BASE_URL: env.url, HEALTH_PATH: t.service.healthPath }, run: SMOKE_SCRIPT }
          : { name: `Verify ${s}`, id: `verify-${s}`, run: `echo "::notice::${env.name} has no url: the smoke test of ${s} is skipped"` },
      );
      if (options.smokeCommand && env.url) {
        steps.push({ name: `Smoke test ${s}`, id: `smoke-${s}`, env: { BASE_URL: env.url, SERVICE: s }, run: options.smokeCommand });
      }
      steps.push({ name: `Record the last good image of ${s}`, env: parameter, run: RECORD_SCRIPT });
      Object.assign(summary, {
        [`${key}_DEPLOY`]: `\${{ steps.deploy-${s}.outcome }}`,
        [`${key}_WAIT`]: `\${{ steps.wait-${s}.outputs.outcome || steps.wait-${s}.outcome }}`,
        [`${key}_VERIFY`]: `\${{ steps.verify-${s}.outcome }}`,
        [`${key}_ROLLBACK`]: `\${{ steps.rollback-${s}.outputs.outcome || steps.rollback-${s}.outcome }}`,
      });
      rows.push(`echo "| ${s} | ${t.stackName} | $IMAGE_TAG | ${describeStrategy(env.strategy)} | $${key}_DEPLOY | $${key}_WAIT | $${key}_VERIFY | $${key}_ROLLBACK |"`);
    }
    for (const t of stacks) {
      steps.push({
        name: `Rollback ${t.service.name}`,
        id: `rollback-${t.service.name}`,
        if: 'failure()',
        env: { ...cfnEnv(t.stackName), TEMPLATE: t.filePath, PARAMETER: lastGoodImageTagParameter(t.service.name, env.name) },
        run: ROLLBACK_SCRIPT,
      });
    }
    steps.push({
      name: 'Summary',
      if: 'always()',
      env: { ...summary, JOB_STATUS: '${{ job.status }}' },
      run: [
        '{',
        `  echo "### Deploy to ${env.name}: $JOB_STATUS"`,
        '  echo ""',
        '  echo "| service | stack | image tag | strategy | deploy | wait | verify | rollback |"',
        '  echo "|---|---|---|---|---|---|---|---|"',
        ...rows.map((r) => `  ${r}`),
        '} >> "$GITHUB_STEP_SUMMARY"',
      ].join('\n'),
    });
    const expected = ctx.expectedMinutes[id] ?? deployMinutes(env, stacks.length);
    jobs.push({
      job: {
        id,
        name: id,
        // `needs` gives access to direct dependencies only: publish (the image tag) and the previous environment.
        needs: previous === 'publish' ? ['publish'] : ['publish', previous],
        if: onBranch(ctx.branch),
        runsOn: ctx.runsOn,
        environment: { name: env.name, ...(env.url ? { url: env.url } : {}) },
        permissions: { 'contents': 'read', 'id-token': 'write' },
        concurrency: { group: `deploy-${env.name}`, cancelInProgress: false },
        timeoutMinutes: Math.ceil(strategyWaitSeconds(env.strategy) / 60) * stacks.length + 30,
        env: { IMAGE_TAG: '${{ needs.publish.outputs.image-tag }}' },
        steps,
        expectedMinutes: expected,
      },
      stage: 'deploy',
      required: false,
      prOnly: false,
      path: `${ctx.constructPath}/jobs/${id}`,
    });
    previous = id;
  }
  return jobs;
}
