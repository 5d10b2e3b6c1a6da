/** docs/playbooks/deploy.md and docs/playbooks/rollback.md. */
import { lastGoodImageTagParameter } from '../../core/naming';
import type { ProjectModel } from '../../model';
import { alarmsIn, isRollbackAlarm } from '../model';
import { alarmName, dashboardLink, describeStrategy, marker, ordered, rollbackCommand, target } from './common';

function criticalNames(model: ProjectModel, service: string, env: string): string[] {
  const m = model.monitoring.find((x) => x.service === service);
  return m ? alarmsIn(m, env).filter(isRollbackAlarm).map((a) => `\`${alarmName(service, env, a.name)}\``) : [];
}

export function renderDeployPlaybook(model: ProjectModel): string {
  const envs = ordered(model);
  const lines: string[] = [
    marker(model),
    '# Playbook: deploy',
    '',
    'Every change reaches users through the pipeline: it builds one image, then deploys it to each environment in order.',
    "A deployment is safe to leave alone: the service's CRITICAL alarms are its rollback alarms. If one goes into ALARM",
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
    for (const e of envs) lines.push(`| ${s.name} | ${e.name} | ${dashboardLink(s.name, e)} | ${criticalNames(model, s.name, e.name).join(', ') || '—'} |`);
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
    '1. The pipeline verifies the health path and records the image tag as the last good one (SSM parameter below).',
    '2. The canary stays green and no WARNING alarm fires in the next hour.',
    '',
    '| service | environment | stack | template | last good image tag |',
    '|---|---|---|---|---|',
  );
  for (const s of model.services) {
    for (const e of envs) {
      const t = target(model, s.name, e.name);
      lines.push(`| ${s.name} | ${e.name} | \`${t.stackName}\` | \`${t.filePath}\` | \`${lastGoodImageTagParameter(s.name, e.name)}\` |`);
    }
  }
  return `${lines.join('\n')}\n`;
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
    "- **ECS deployments**: the service's CRITICAL alarms are the deployment alarms, with `<service>-<env>-task-start-failures` (new tasks that never start) and, behind a load balancer, `<service>-<env>-unhealthy-targets` (new tasks that never pass the health check, in either target group); for rolling and blue/green deployments the circuit breaker stops them too. A deployment that trips one returns to the previous task definition.",
    '- **Feature flags (AppConfig)**: the same CRITICAL alarms are the monitors of the AppConfig environment; a configuration deployment that trips one is rolled back.',
    '- **The pipeline**: if verification after a deploy fails, the deploy job redeploys the last good image tag.',
    '',
    '## Roll back by hand',
    '',
    'Each command redeploys the image tag recorded as the last good one after a verified deploy. Run it with credentials for the environment\'s account.',
    '',
  ];
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
