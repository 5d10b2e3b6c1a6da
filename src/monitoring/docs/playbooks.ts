/** docs/playbooks/deploy.md and docs/playbooks/rollback.md. */
import {
  MIGRATION_LOG_STREAM_PREFIX, lastGoodImageTagParameter, lastGoodTemplateKey, migrationTaskFamily, serviceLogGroupName, templateBucketName,
} from '../../core/naming';
import type { ProjectModel, EnvironmentModel } from '../../model';
import { isRollbackAlarm } from '../model';
import { alarmExistsIn, alarmName, dashboardLink, describeStrategy, emergencyRollbackCommand, marker, ordered, rollbackCommand, target } from './common';

/** The rollback alarms the environment's stack creates (not those whose metric needs what the stack lacks). */
function criticalNames(model: ProjectModel, service: string, env: EnvironmentModel): string[] {
  const m = model.monitoring.find((x) => x.service === service);
  return m ? m.alarms.filter((a) => isRollbackAlarm(a) && alarmExistsIn(a, env, m, model)).map((a) => `\`${alarmName(service, env.name, a.name)}\``) : [];
}

export function renderDeployPlaybook(model: ProjectModel): string {
  const envs = ordered(model);
  const lines: string[] = [
    marker(model),
    '# Playbook: deploy',
    '',
    'Every change reaches users through the pipeline: it builds one image, then deploys it to each environment in order.',
    "A deployment is safe to leave alone: the service's CRITICAL metric alarms are its rollback alarms (a composite alarm only pages). If one goes into ALARM",
    'while the deployment runs or bakes, ECS rolls back to the previous task definition without anyone acting.',
    '',
    '## Environments, in deploy order',
    '',
    '| # | environment | account | region | strategy | approval |',
    '|---|---|---|---|---|---|',
    ...envs.map((e) => `| ${e.order + 1} | ${e.name} | \`${e.account}\` | ${e.region} | ${describeStrategy(e.strategy)} | ${e.approval ? [e.approval.reviewers.length ? `reviewers: ${e.approval.reviewers.join(', ')}` : '', e.approval.waitMinutes ? `wait ${e.approval.waitMinutes} min` : ''].filter(Boolean).join(', ') : '—'} |`),
    '',
    '## Rollback alarms',
    '',
    '| service | environment | dashboard | alarms that roll a deployment back |',
    '|---|---|---|---|',
  ];
  for (const s of model.services) {
    for (const e of envs) lines.push(`| ${s.name} | ${e.name} | ${dashboardLink(s.name, e)} | ${criticalNames(model, s.name, e).join(', ') || '—'} |`);
  }
  lines.push(
    '',
    'An alarm whose metric needs something the stack does not have (a load balancer, a URL) is not created in that environment.',
    '',
    '## Before',
    '',
    '1. The change is merged to the default branch and its checks are green.',
    '2. No CRITICAL alarm is in ALARM in the target environment (dashboard, "Is the system healthy?"): a deployment that starts in ALARM rolls back.',
    '3. For a risky change, tell the team channel which version goes out and who watches it.',
    '',
    '## During',
    '',
    '1. Watch the deployment in the pipeline run and on the dashboard ("What changed?" shows the deployment starting).',
    '2. With blue/green, canary or linear, the new version takes traffic step by step, then bakes. The rollback alarms are checked to fit inside the bake time when the configuration is synthesized.',
    '3. If you see user impact before an alarm fires, do not wait: roll back (see the [rollback playbook](rollback.md)).',
    '',
    '## After',
    '',
    '1. The pipeline verifies the health path and records the template and the image tag as the last good version (the template in the template bucket, with its tag in its metadata; the tag in the SSM parameter below).',
    '2. The canary stays green and no WARNING alarm fires in the next hour.',
    '',
    '| service | environment | stack | template | last good template | last good image tag |',
    '|---|---|---|---|---|---|',
  );
  for (const s of model.services) {
    for (const e of envs) {
      const t = target(model, s.name, e.name);
      const lastGood = `s3://${templateBucketName(model.name, e.account, e.region)}/${lastGoodTemplateKey(t.stackName)}`;
      lines.push(`| ${s.name} | ${e.name} | \`${t.stackName}\` | \`${t.filePath}\` | \`${lastGood}\` | \`${lastGoodImageTagParameter(s.name, e.name)}\` |`);
    }
  }
  lines.push(...migrationSection(model, envs));
  return `${lines.join('\n')}\n`;
}

/** The deploy playbook's migrations: what runs when, what a failure looks like, what to do (services with `migrate` only). */
function migrationSection(model: ProjectModel, envs: readonly EnvironmentModel[]): string[] {
  const migrating = model.services.filter((s) => s.migrate);
  if (migrating.length === 0) return [];
  const lines = [
    '',
    '## Migrations',
    '',
    'Before a service with a migration takes the new version, its deploy job runs the migration as an ECS task with the new image:',
    '`Prepare the migration of <service>` updates the stack with the migration task definition at the new image tag while the service keeps the',
    'running one (a first deploy creates the stack, database included, with the new tag), then `Migrate <service>` runs the task and waits for it to',
    'stop. Only exit code 0 lets `Deploy <service>` move traffic. The job summary links the task\'s log stream and gives its exit code.',
    '',
    '| service | environment | command | task definition family | logs (group, stream prefix) |',
    '|---|---|---|---|---|',
  ];
  for (const s of migrating) {
    for (const e of envs) {
      lines.push(`| ${s.name} | ${e.name} | \`${s.migrate!.command.join(' ')}\` | \`${migrationTaskFamily(s.name, e.name)}\` | \`${serviceLogGroupName(s.name, e.name)}\`, \`${MIGRATION_LOG_STREAM_PREFIX}/${s.name}/\` |`);
    }
  }
  lines.push(
    '',
    '### A failed migration',
    '',
    '- **What you see**: the `Migrate <service>` step failed with the outcome `exit-<n>` (the command failed), `no-exit-code` (the task stopped before the',
    '  command ended, such as `TaskFailedToStart` when the image or a secret could not be fetched), `not-started` (ECS refused the task) or `TIMED_OUT`',
    '  (the task was stopped after 30 minutes). `Deploy <service>` was skipped: **no traffic moved**, the service still runs the previous image.',
    '- **What the job did**: the rollback step put the stack back to its last good template and tag. It never runs a migration, and it cannot undo',
    '  what the migration changed in the database.',
    '- **What to do**: read the task\'s logs (the link in the job summary, or `aws logs tail <group> --log-stream-name-prefix migrate/<service>/ --since 2h`).',
    '  If the migration stopped halfway (a migration that is not one transaction), fix forward: a migration that finishes or undoes the partial change,',
    '  pushed as a new commit. Migrations must be safe to run again, since a re-run of the job runs them again.',
    '- **Always**: each migration must work with the version still running (expand, then contract): add columns and tables first, deploy the code that',
    '  uses them, remove the old ones in a later release. A rollback puts back the previous code, never the previous schema.',
  );
  return lines;
}

export function renderRollbackPlaybook(model: ProjectModel): string {
  const envs = ordered(model);
  const lines: string[] = [
    marker(model),
    '# Playbook: rollback',
    '',
    'Roll back first, investigate second: when a release hurts users, going back to the last good version is the fastest mitigation.',
    '',
    '## What rolls back by itself',
    '',
    "- **ECS deployments**: the service's CRITICAL metric alarms are the deployment alarms (a CRITICAL composite alarm only pages; its parts roll back), with `<service>-<env>-task-start-failures` (new tasks that never start) and, behind a load balancer, `<service>-<env>-unhealthy-targets` (new tasks that never pass the health check, in either target group); for rolling and blue/green deployments the circuit breaker stops them too. A deployment that trips one returns to the previous task definition.",
    '- **Feature flags (AppConfig)**: the same CRITICAL alarms are the monitors of the AppConfig environment; a configuration deployment that trips one is rolled back.',
    '- **The pipeline**: if a deploy, its wait or its verification fails or gives up, the deploy job redeploys the last good version of that stack: the template and the image tag that last passed verification together. A stack CloudFormation is still updating is first cancelled and waited for. Before the first verified deploy there is nothing to roll back to; a first creation that failed is deleted so that the next deploy starts afresh. Every wait gives up well before the job\'s timeout, so the rollback runs.',
    '',
    '## What a rollback does and does not undo',
    '',
    'A rollback redeploys the stack\'s last good template with its last good image tag. It undoes everything that template declares:',
    '',
    '- the image and the task definition (CPU, memory, environment variables, secret references), the ECS service and its deployment settings;',
    '- the alarms, dashboard, scaling, load balancer rules and IAM roles of the stack, as they were;',
    '- the feature flag values declared in `.projenrc.ts`, which CloudFormation deploys again through AppConfig (with the flags\' deployment strategy).',
    '',
    'It does not undo:',
    '',
    '- **data and schema**: rows written and migrations run by the bad version stay; write migrations that the previous version can run against (expand, then contract). A database engine version cannot be downgraded: a rollback across an engine upgrade fails;',
    '- **retained and replaced resources**: a resource with a Retain policy that the bad version removed stays in the account, outside the stack (redeploying a template that declares it creates a new one); a resource the bad version replaced is replaced again, without its data: restore it from a snapshot;',
    '- **values kept outside the template**: secret values in Secrets Manager, flag values changed by hand in AppConfig, SSM parameters such as the pager endpoint;',
    '- **other stacks and environments**: only the stack that failed rolls back; environments that already passed keep the new version;',
    '- **the change itself**: the image stays in the registry and the commit on the default branch; the next push deploys it again unless it is reverted;',
    '- **side effects**: messages sent, calls to other systems, caches filled.',
    '',
    'A project that recorded no last good template yet (upgraded from a version of shipshape before templates were recorded) rolls back with the current template and the last good image tag; the job summary says so. Redeploy that commit\'s template by hand if it changed: `git show <tag>:<template>` (the image tag is the commit SHA).',
    '',
    '## Emergency rollback: users are hurting now',
    '',
    'The rollback alarms are in ALARM during an incident. An ordinary rollback goes through the same canary, bake and rollback alarms, so ECS would',
    'roll it back; and CloudFormation refuses any update while the pipeline\'s update is in progress. The emergency rollback does not fight itself:',
    '',
    '1. it stops the ECS deployment in flight (`stop-service-deployment` with `--stop-type ROLLBACK`): ECS returns to the previous service revision at once, without bake;',
    '2. it cancels the stack update in progress and waits until CloudFormation has put the stack back (`UPDATE_ROLLBACK_COMPLETE`);',
    '3. it deploys the last good template and image tag with the ECS service\'s deployment alarms off and no bake, canary and linear shifting all at once (a `jq` edit of the downloaded template; the circuit breaker of rolling and blue/green deployments stays). The next pipeline deploy puts the declared settings back.',
    '',
    'Cancel the pipeline run first (GitHub → Actions → the run → Cancel), so that its own rollback does not start beside yours. Run the block with credentials for the environment\'s account; it needs the AWS CLI v2 and `jq`.',
    '',
  ];
  for (const s of model.services) {
    for (const e of envs) lines.push(`### ${s.name} in ${e.name}`, '', '```sh', emergencyRollbackCommand(model, s.name, e), '```', '');
  }
  lines.push(
    '## Ordinary rollback, by hand',
    '',
    'When no deployment is in flight and the rollback alarms are OK (for example, a bad version found by a person), redeploy the last good version the way the pipeline does: each block downloads the last good template, reads the image tag it was verified with, and deploys both through the declared deployment strategy.',
    'If the last good template does not exist (`NoSuchKey`), take the tag from the SSM parameter of the [deploy playbook](deploy.md) and the template from that commit (`git show <tag>:<template>`, the template path is in the deploy playbook).',
    '',
  );
  for (const s of model.services) {
    for (const e of envs) lines.push(`### ${s.name} in ${e.name}`, '', '```sh', rollbackCommand(model, s.name, e), '```', '');
  }
  lines.push(
    '## Afterwards',
    '',
    '1. Check the dashboard: the rollback alarms return to OK and "What changed?" shows the rollback deployment.',
    '2. Keep the bad version from being redeployed: revert or fix the change on the default branch.',
    '3. If users were affected, open a postmortem (New issue → Postmortem).',
  );
  return `${lines.join('\n')}\n`;
}
