import { BuildContext, JobSpec, andCondition, changedCondition, changedOutput, checkout, onBranch } from './job-spec';
import { PROTECTION_CHECK_PERMISSIONS, protectionCheckStep } from './protection';
import {
  DEPLOY_SCRIPT, ENVIRONMENT_DEPLOY_SCRIPT, ENVIRONMENT_DEPLOY_SECONDS, IMAGE_EXISTS_SCRIPT, MIGRATE_SCRIPT, MIGRATION_SECONDS, POLL_SECONDS,
  PREPARE_MIGRATION_SCRIPT, RECORD_SCRIPT, ROLLBACK_SCRIPT, SMOKE_SCRIPT,
  deployBounds, describeStrategy, trafficSeconds, waitScript,
} from './scripts';
import type { EnvironmentTarget, StackTarget } from '../cloudformation/templates';
import { Problem, problem } from '../core/errors';
import {
  cloudFormationExecutionRoleName, deployRoleName, ecrRegistry, imageRepositoryName, lastGoodImageTagParameter, lastGoodTemplateKey, publishRoleName,
  roleArn, templateBucketName, templatePrefix,
} from '../core/naming';
import { publicUrl } from '../environment/urls';
import { githubEnvironmentOf } from '../github/guardrails';
import type { StepModel } from '../github/workflow';
import type { EnvironmentModel } from '../model';

/** Deploy settings after defaults are applied. */
export interface ResolvedDeploy {
  /** An optional command run after the health check, with `BASE_URL` set. */
  readonly smokeCommand?: string;
  /** Start each job by checking that its GitHub environment is protected as declared (src/pipeline/protection.ts). */
  readonly checkProtection?: boolean;
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
 * The registry is the project's (`registryLocation`, whatever the deploy order), as in the bootstrap and the templates.
 */
export function publishJob(ctx: BuildContext, checkIds: readonly string[]): JobSpec | undefined {
  const registryEnv = ctx.registry;
  if (!registryEnv || ctx.images.length === 0) return undefined;
  const registry = ecrRegistry(registryEnv.account, registryEnv.region);
  const steps: StepModel[] = [
    checkout(),
    assumeRole(registryEnv.account, registryEnv.region, publishRoleName(ctx.project)),
    { name: 'Log in to Amazon ECR', uses: 'aws-actions/amazon-ecr-login' },
    { name: 'Set up Docker Buildx', uses: 'docker/setup-buildx-action' },
  ];
  // A monorepo's publish builds only the images of the workloads that changed, and passes the answers to the deploy jobs.
  const outputs: Record<string, string> = { 'image-tag': '${{ github.sha }}' };
  for (const image of ctx.images) {
    const repository = imageRepositoryName(image.service);
    const check = `exists-${image.service}`;
    const changed = changedCondition(ctx, image.service, 'changes');
    if (changed) outputs[changedOutput(image.service)] = `\${{ needs.changes.outputs.${changedOutput(image.service)} }}`;
    steps.push(
      {
        name: `Is ${image.service} already in the registry?`,
        id: check,
        ...(changed ? { if: changed } : {}),
        env: { REGISTRY_ID: registryEnv.account, REPOSITORY: repository, IMAGE_TAG: '${{ github.sha }}' },
        run: IMAGE_EXISTS_SCRIPT,
      },
      {
        name: `Build and push ${image.service}`,
        // Tags are immutable: an image already pushed for this commit (a re-run) is neither rebuilt nor pushed.
        if: andCondition(changed, `steps.${check}.outputs.exists == 'false'`),
        uses: 'docker/build-push-action',
        with: {
          'context': image.contextPath,
          'file': image.dockerfilePath,
          'push': true,
          'tags': `${registry}/${repository}:\${{ github.sha }}`,
          // The Dockerfile's OCI labels (org.opencontainers.image.revision / .source) read these build args.
          'build-args': 'REVISION=${{ github.sha }}\nSOURCE_URL=${{ github.server_url }}/${{ github.repository }}',
          'cache-from': `type=gha,scope=${image.service}`,
          'cache-to': `type=gha,scope=${image.service},mode=max`,
        },
      },
    );
  }
  const expected = ctx.expectedMinutes.publish ?? 6 * ctx.images.length;
  return {
    job: {
      id: 'publish',
      name: 'publish',
      needs: checkIds,
      // With change detection, the checks of unchanged workloads are skipped, and a job whose needs were skipped is
      // skipped too unless its condition says otherwise: publish runs when none of them failed or was cancelled.
      if: ctx.changeDetection
        ? `!cancelled() && !contains(needs.*.result, 'failure') && !contains(needs.*.result, 'cancelled') && ${onBranch(ctx.branch)}`
        : onBranch(ctx.branch),
      runsOn: ctx.runsOn,
      permissions: { 'contents': 'read', 'id-token': 'write' },
      timeoutMinutes: Math.max(20, expected * 3),
      outputs,
      steps,
      expectedMinutes: expected,
    },
    stage: 'deploy',
    required: false,
    prOnly: false,
    path: `${ctx.constructPath}/jobs/publish`,
  };
}

/** Minutes a deploy is expected to take: the stack update, the traffic shifts and the bake (and 5 for a migration). */
function deployMinutes(t: StackTarget): number {
  return 8 + (t.service.migrate ? 5 : 0) + Math.ceil(trafficSeconds(t.environment.strategy) / 60);
}

/**
 * Step timeouts, in minutes, of the deploy job's steps that have no in-script bound of their own: checkout and
 * credentials, the toolchain setup (an install), the health check (curl's retries end in under 3 minutes),
 * the user's smoke command, the record and the summary.
 */
export const STEP_MINUTES = { action: 5, toolchain: 10, verify: 5, smoke: 10, record: 3, summary: 2, protection: 3 } as const;
/** GitHub-hosted runners end any job after 6 hours, whatever its `timeout-minutes`. */
export const GITHUB_JOB_LIMIT_MINUTES = 360;
/** Room, in minutes, between the worst case of a deploy job and its `timeout-minutes`. */
export const DEPLOY_JOB_MARGIN_MINUTES = 10;

/** A step's timeout: its in-script bound, a last poll, and slack for the commands around it. */
const boundMinutes = (seconds: number, slack = 2) => Math.ceil((seconds + POLL_SECONDS) / 60) + slack;

/**
 * The deploy job's `timeout-minutes`: every step carries its own `timeout-minutes`; in the worst case every step
 * up to the last stack's record runs to its timeout and then one rollback does (rollback steps run only for the
 * stack whose deploy ran and whose record did not: at most one), then the summary. A step that times out fails,
 * so the rollback still runs; the job's own timeout, which would skip it, lies beyond that worst case.
 */
export function deployJobTimeoutMinutes(steps: readonly StepModel[]): number {
  const minutes = (s: StepModel) => s.timeoutMinutes ?? Infinity;
  const rollbacks = steps.filter((s) => s.if?.startsWith('failure()'));
  const rest = steps.filter((s) => !rollbacks.includes(s));
  return rest.reduce((sum, s) => sum + minutes(s), 0) + Math.max(0, ...rollbacks.map(minutes)) + DEPLOY_JOB_MARGIN_MINUTES;
}

/**
 * The deploy jobs, environment by environment; each environment's jobs start after every job of the environments
 * before it. Inside a job: the environment stack (shared infrastructure) → per workload: deploy (CloudFormation,
 * ImageTag) → wait (the strategy) → verify (health path, optional command) → record the last good template and tag
 * → rollback on failure → summary. Every wait is bounded (`deployBounds`) well inside the job's timeout, so the
 * rollback step runs.
 *
 * An environment with one workload has one job, `deploy-<env>`. With several, each workload gets its own job,
 * `deploy-<env>-<workload>`, and they run in parallel: the worst case of a job is one workload's deploy and bake,
 * not the sum of them (GitHub ends a job after 6 hours). They wait for an environment's approval together, so a
 * reviewer approves them at once (GitHub asks again only for jobs that start waiting later). Each deploys the
 * environment stack first, idempotently (ENVIRONMENT_DEPLOY_SCRIPT), and has its own concurrency group, so runs
 * stay in order per workload.
 */
export function deployJobs(
  ctx: BuildContext, targets: readonly StackTarget[], options: ResolvedDeploy, problems: Problem[] = [],
  environmentStacks: readonly EnvironmentTarget[] = [],
): JobSpec[] {
  const jobs: JobSpec[] = [];
  const perEnvironment = ctx.environments.map((env) => ({ env, stacks: targets.filter((t) => t.environment.name === env.name) }))
    .filter((e) => e.stacks.length > 0);
  // With parallel jobs, a skipped job (its workload did not change) must not skip the next environment: those jobs
  // decide from every earlier job's result (a failure anywhere before stops them) and need all of them.
  const parallel = perEnvironment.some((e) => e.stacks.length > 1);
  let before: string[] = [];
  for (const { env, stacks } of perEnvironment) {
    const shared = environmentStacks.find((t) => t.environment.name === env.name);
    const units = stacks.map((t) => ({ id: stacks.length === 1 ? `deploy-${env.name}` : `deploy-${env.name}-${t.service.name}`, t }));
    for (const { id, t } of units) {
      // Skipped when its workload did not change: no approval is asked for nothing.
      const changed = changedCondition(ctx, t.service.name);
      const needs = parallel ? ['publish', ...before] : ['publish', ...before.slice(-1)];
      // `changed-<workload>` is 'true' only when publish ran; without change detection, publish must have succeeded.
      const status = "!cancelled() && !contains(needs.*.result, 'failure') && !contains(needs.*.result, 'cancelled')";
      const condition = parallel
        ? andCondition(andCondition(status, onBranch(ctx.branch)), changed ?? "needs.publish.result == 'success'")!
        : andCondition(onBranch(ctx.branch), changed)!;
      jobs.push(deployJob(ctx, env, id, t, shared, options, problems, needs, condition, units.length > 1));
    }
    before = [...before, ...units.map((u) => u.id)];
  }
  return jobs;
}

/** One deploy job: the environment stack, then the workload's stack, its rollback and the summary. */
function deployJob(
  ctx: BuildContext, env: EnvironmentModel, id: string, t: StackTarget, shared: EnvironmentTarget | undefined,
  options: ResolvedDeploy, problems: Problem[], needs: readonly string[], condition: string, perWorkload: boolean,
): JobSpec {
  const action = (step: StepModel): StepModel => ({ ...step, timeoutMinutes: step.timeoutMinutes ?? STEP_MINUTES.action });
  const protection = options.checkProtection ? [{
    ...protectionCheckStep(githubEnvironmentOf(env, ctx.branch)),
    timeoutMinutes: STEP_MINUTES.protection,
  }] : [];
  const steps: StepModel[] = [
    ...protection, action(checkout()), action(assumeRole(env.account, env.region, deployRoleName(ctx.project, env.name))),
  ];
  // The user's smoke test may need the project's dependencies.
  if (options.smokeCommand && env.url) {
    steps.push(...ctx.toolchain.setup.map((s) => ({ ...s, timeoutMinutes: s.timeoutMinutes ?? STEP_MINUTES.toolchain })));
  }
  const summary: Record<string, string> = {};
  // What `aws cloudformation deploy` needs besides the stack: the account's template bucket and the execution role.
  const cfnEnv = (stack: Pick<StackTarget, 'stackName' | 'filePath'>) => ({
    STACK: stack.stackName,
    TEMPLATE: stack.filePath,
    TEMPLATE_BUCKET: templateBucketName(ctx.project, env.account, env.region),
    TEMPLATE_PREFIX: templatePrefix(stack.stackName),
    EXECUTION_ROLE_ARN: roleArn(env.account, env.region, cloudFormationExecutionRoleName(ctx.project, env.name)),
  });
  const lastGood = {
    TEMPLATE_BUCKET: templateBucketName(ctx.project, env.account, env.region),
    LAST_GOOD_TEMPLATE_KEY: lastGoodTemplateKey(t.stackName),
    PARAMETER: lastGoodImageTagParameter(t.service.name, env.name),
  };
  // The environment's shared infrastructure first: every workload stack imports its exports.
  if (shared) {
    steps.push({
      name: `Deploy the ${env.name} environment`,
      id: 'deploy-environment',
      env: {
        ...cfnEnv(shared),
        LAST_GOOD_TEMPLATE_KEY: lastGoodTemplateKey(shared.stackName),
        DEPLOY_SECONDS: String(ENVIRONMENT_DEPLOY_SECONDS),
        COMMIT: '${{ github.sha }}',
        REPOSITORY: '${{ github.repository }}',
        GH_TOKEN: '${{ github.token }}',
      },
      run: ENVIRONMENT_DEPLOY_SCRIPT,
      timeoutMinutes: boundMinutes(ENVIRONMENT_DEPLOY_SECONDS),
    });
  }
  const s = t.service.name;
  const key = pascal(s).toUpperCase();
  const url = publicUrl(t.service, env);
  // The service's own view of the environment: an internal service deploys with a rolling update.
  const strategy = t.environment.strategy;
  const bounds = deployBounds(strategy);
  if (t.service.migrate) steps.push(...migrationSteps(t, env, cfnEnv(t), bounds.deploySeconds));
  steps.push(
    { name: `Deploy ${s}`, id: `deploy-${s}`, env: { ...cfnEnv(t), DEPLOY_SECONDS: String(bounds.deploySeconds) }, run: DEPLOY_SCRIPT, timeoutMinutes: boundMinutes(bounds.deploySeconds) },
  );
  // A scheduled job has no ECS service to wait for: its stack update is its deploy (its next run uses the new tag).
  if (t.kind !== 'job') {
    steps.push({
      name: `Wait for ${s} (${describeStrategy(strategy)})`,
      id: `wait-${s}`,
      env: { STACK: t.stackName, STRATEGY: strategy.kind, WAIT_SECONDS: String(bounds.waitSeconds) },
      run: waitScript(strategy),
      timeoutMinutes: boundMinutes(bounds.waitSeconds),
    });
  }
  steps.push(
    url
      ? { name: `Verify ${s}`, id: `verify-${s}`, env: { BASE_URL: url, HEALTH_PATH: t.service.healthPath }, run: SMOKE_SCRIPT, timeoutMinutes: STEP_MINUTES.verify }
      : {
        name: `Verify ${s}`,
        id: `verify-${s}`,
        run: t.kind === 'job'
          ? `echo "::notice::${s} is a scheduled job: its next run uses the new image (run it by hand with its runbook's command to check it now)"`
          : t.kind === 'worker'
            ? `echo "::notice::${s} is a queue worker (no URL): the ECS deployment's health checks (its health command) verified it"`
            : t.service.exposure.kind === 'internal'
              ? `echo "::notice::${s} is internal (no public URL): the ECS deployment's health checks verified it"`
              : `echo "::notice::${env.name} has no url: the smoke test of ${s} is skipped"`,
        timeoutMinutes: STEP_MINUTES.verify,
      },
  );
  if (options.smokeCommand && url) {
    steps.push({
      name: `Smoke test ${s}`, id: `smoke-${s}`, env: { BASE_URL: url, SERVICE: s }, run: options.smokeCommand, timeoutMinutes: STEP_MINUTES.smoke,
    });
  }
  steps.push({
    name: `Record the last good version of ${s}`,
    id: `record-${s}`,
    env: { STACK: t.stackName, TEMPLATE: t.filePath, ...lastGood },
    run: RECORD_SCRIPT,
    timeoutMinutes: STEP_MINUTES.record,
  });
  Object.assign(summary, {
    [`${key}_DEPLOY`]: `\${{ steps.deploy-${s}.outputs.outcome || steps.deploy-${s}.outcome }}`,
    // A scheduled job has no ECS deployment to wait for.
    [`${key}_WAIT`]: t.kind === 'job' ? 'none (a scheduled job)' : `\${{ steps.wait-${s}.outputs.outcome || steps.wait-${s}.outcome }}`,
    [`${key}_VERIFY`]: `\${{ steps.verify-${s}.outcome }}`,
    [`${key}_ROLLBACK`]: `\${{ steps.rollback-${s}.outputs.outcome || steps.rollback-${s}.outcome }}`,
  });
  const row = `echo "| ${s} | ${t.stackName} | $IMAGE_TAG | ${describeStrategy(strategy)} | $${key}_DEPLOY | $${key}_WAIT | $${key}_VERIFY | $${key}_ROLLBACK |"`;
  // A migration's first change set is the first step that changes the stack.
  const first = t.service.migrate ? `prepare-migration-${s}` : `deploy-${s}`;
  steps.push({
    name: `Rollback ${s}`,
    id: `rollback-${s}`,
    // Only when the stack was deployed (or its migration's change set made) and not recorded as good.
    if: `failure() && steps.${first}.outcome != 'skipped' && steps.record-${s}.outcome != 'success'`,
    env: { ...cfnEnv(t), ...lastGood, ROLLBACK_SECONDS: String(deployBounds(t.environment.strategy).rollbackSeconds) },
    run: ROLLBACK_SCRIPT,
    timeoutMinutes: boundMinutes(deployBounds(t.environment.strategy).rollbackSeconds, 3),
  });
  steps.push({
    name: 'Summary',
    if: 'always()',
    // The record of the deploy a person finds later ("what changed?"): who, which commit, which image, the outcome.
    env: {
      ...summary,
      JOB_STATUS: '${{ job.status }}',
      TRIGGERED_BY: '${{ github.triggering_actor }}',
      COMMIT: '${{ github.sha }}',
      RUN_URL: '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}',
    },
    run: [
      '{',
      `  echo "### Deploy ${perWorkload ? `${t.service.name} ` : ''}to ${env.name}: $JOB_STATUS"`,
      '  echo ""',
      '  echo "Triggered by @$TRIGGERED_BY, commit $COMMIT, image tag $IMAGE_TAG ([run]($RUN_URL))."',
      '  echo ""',
      '  echo "| service | stack | image tag | strategy | deploy | wait | verify | rollback |"',
      '  echo "|---|---|---|---|---|---|---|---|"',
      `  ${row}`,
      '} >> "$GITHUB_STEP_SUMMARY"',
    ].join('\n'),
    timeoutMinutes: STEP_MINUTES.summary,
  });
  const expected = ctx.expectedMinutes[id] ?? deployMinutes(t) + (shared ? 1 : 0);
  const timeoutMinutes = deployJobTimeoutMinutes(steps);
  if (timeoutMinutes > GITHUB_JOB_LIMIT_MINUTES) {
    problems.push(problem('SS-PIPELINE-DEPLOY-TIME', ctx.constructPath, `deploy (environment ${env.name}${perWorkload ? `, workload ${t.service.name}` : ''})`,
      `a worst case of ${timeoutMinutes} minutes for ${t.stackName} with ${describeStrategy(t.environment.strategy)}`,
      `a deploy job that fits GitHub's ${GITHUB_JOB_LIMIT_MINUTES}-minute job limit (a job cancelled for time runs no rollback)`,
      `Shorten the bake or step interval of ${env.name}'s strategy.`));
  }
  return {
    job: {
      id,
      name: id,
      // `needs` gives access to direct dependencies only: publish (the image tag) and the earlier environments.
      needs: [...needs],
      if: condition,
      runsOn: ctx.runsOn,
      environment: { name: env.name, ...(env.url ? { url: env.url } : {}) },
      permissions: { 'contents': 'read', 'id-token': 'write', ...(options.checkProtection ? PROTECTION_CHECK_PERMISSIONS : {}) },
      // One group per job: parallel jobs in one group would cancel each other (a group holds one pending job).
      concurrency: { group: id, cancelInProgress: false },
      timeoutMinutes,
      env: { IMAGE_TAG: '${{ needs.publish.outputs.image-tag }}' },
      steps,
      expectedMinutes: expected,
    },
    stage: 'deploy',
    required: false,
    prOnly: false,
    path: `${ctx.constructPath}/jobs/${id}`,
  };
}

/**
 * The migration of a service with `migrate`, before its deploy step: a first change set that gives the migration
 * task definition the new image while the service keeps the running one, then the migration task, whose exit code
 * decides whether the deploy goes on. A failure stops the job before `Deploy <service>`: no traffic moves, and the
 * rollback step puts the stack back to its last good template (it never re-runs the migration).
 */
function migrationSteps(t: StackTarget, env: EnvironmentModel, cfn: Record<string, string>, deploySeconds: number): StepModel[] {
  const s = t.service.name;
  return [
    {
      name: `Prepare the migration of ${s}`,
      id: `prepare-migration-${s}`,
      env: { ...cfn, DEPLOY_SECONDS: String(deploySeconds) },
      run: PREPARE_MIGRATION_SCRIPT,
      timeoutMinutes: boundMinutes(deploySeconds),
    },
    {
      name: `Migrate ${s}`,
      id: `migrate-${s}`,
      env: { STACK: t.stackName, CONTAINER: s, REGION: env.region, MIGRATE_SECONDS: String(MIGRATION_SECONDS) },
      run: MIGRATE_SCRIPT,
      timeoutMinutes: boundMinutes(MIGRATION_SECONDS),
    },
  ];
}
