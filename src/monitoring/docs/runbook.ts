/** One runbook per alarm: docs/runbooks/<alarm>.md. */
import { alarmUrl, lastGoodImageTagParameter, serviceLogGroupName } from '../../core/naming';
import type { ProjectModel } from '../../model';
import type { AlarmModel, MonitoringModel, MonitoringTarget } from '../model';
import { evaluationWindowSeconds, isRollbackAlarm, silentParts } from '../model';
import { severityLabel } from '../severity';
import { describeBurnRate } from '../slo';
import { alarmName, dashboardLink, emergencyRollbackCommand, environmentsOf, investigationCommands, marker, routeSentence } from './common';

const NEEDS: Record<MonitoringTarget, string> = {
  'load-balancer': 'a load balancer',
  'target-group': 'a load balancer target group',
  'ecs-service': 'an ECS service',
  'cluster': 'an ECS cluster',
  'url': 'a public URL (the canary)',
  'log-group': 'the service log group',
  'database': 'a database',
  'burstable-database': 'a database on a burstable (db.t*) instance class',
  'backup': 'the database backup plan',
  'restore-testing': 'the database restore testing plan',
  'certificate': 'the environment certificate (a domain)',
  'digest': 'the INFO digest',
};

/** The condition in words: threshold, evaluation and window. */
export function describeCondition(alarm: AlarmModel, all: readonly AlarmModel[]): string {
  const c = alarm.condition;
  if (c.kind === 'composite') return `${c.operator === 'any' ? 'any' : 'all'} of ${c.alarms.map((a) => `\`${a}\``).join(', ')} in ALARM`;
  if (c.kind === 'burn-rate') return describeBurnRate(c);
  const window = evaluationWindowSeconds(alarm, all);
  const when = `${c.datapointsToAlarm} of ${c.evaluationPeriods} periods of ${c.periodSeconds} s (window ${window / 60} min)`;
  if (c.kind === 'anomaly') return `outside (${c.direction}) the anomaly band of ${c.bandWidth} standard deviations, for ${when}`;
  return `\`${c.comparison} ${c.threshold}${c.unit === 'none' ? '' : ` ${c.unit}`}\` for ${when}`;
}

export function renderRunbook(model: ProjectModel, monitoring: MonitoringModel, alarm: AlarmModel): string {
  const service = monitoring.service;
  // Only the environments whose stack creates the alarm: no link to an alarm that does not exist there.
  const envs = environmentsOf(model, monitoring, alarm);
  // A CRITICAL part of a CRITICAL composite notifies nobody: the composite pages, once per incident.
  const composite = silentParts(monitoring.alarms).has(alarm.name)
    ? monitoring.alarms.find((a) => a.condition.kind === 'composite' && a.severity === 'critical' && a.condition.alarms.includes(alarm.name))
    : undefined;
  const route = composite
    ? `Notifies nobody itself: the composite alarm \`${composite.name}\` notifies for it (one page or message per incident).${isRollbackAlarm(alarm) ? ' Rolls back a deployment in progress.' : ''}`
    : routeSentence(monitoring.escalation, alarm.severity, service, isRollbackAlarm(alarm), envs);
  const up = '../'.repeat(alarm.runbookPath.split('/').length - 2);
  const lines: string[] = [
    marker(model),
    `# Runbook: ${service} ${alarm.name}`,
    '',
    '| | |',
    '|---|---|',
    `| Severity | **${severityLabel(alarm.severity)}** |`,
    `| Service | \`${service}\` |`,
    `| Watches | ${alarm.summary} |`,
    `| Impact | ${alarm.impact} |`,
    `| Condition | ${describeCondition(alarm, monitoring.alarms)} |`,
    `| Route | ${route} |`,
    '',
  ];
  if (alarm.needs.some((n) => n !== 'log-group')) {
    lines.push(`The alarm exists where the environment stack has ${alarm.needs.map((n) => NEEDS[n]).join(' and ')}.`, '');
  }
  lines.push(
    '## Where to look',
    '',
    '| environment | CloudWatch alarm | dashboard | log group | last good image tag |',
    '|---|---|---|---|---|',
    ...envs.map((e) => {
      const name = alarmName(service, e.name, alarm.name);
      return `| ${e.name} | [\`${name}\`](${alarmUrl(e.region, name)}) | ${dashboardLink(service, e)} | \`${serviceLogGroupName(service, e.name)}\` | \`${lastGoodImageTagParameter(service, e.name)}\` |`;
    }),
    '',
    '## Checks',
    '',
    ...(alarm.steps.length > 0 ? alarm.steps.map((s, i) => `${i + 1}. ${s}`) : ['1. Open the dashboard (table above) and compare the alarm time with "What changed?".']),
    '',
    '## Commands',
    '',
    'Every name is filled in: paste the block of the environment, with credentials for its account.',
    '',
    ...envs.flatMap((e) => [`### ${e.name}`, '', '```sh', investigationCommands(model, monitoring, alarm, e).join('\n'), '```', '']),
    '## Escalation',
    '',
    `1. ${route}`,
    alarm.severity === 'critical'
      ? '2. Unacknowledged pages escalate by the pager service\'s own escalation policy (configured in PagerDuty or Opsgenie).'
      : '2. If users are affected, treat it as CRITICAL: page the on-call engineer through the pager service.',
    `3. If the impact lasts more than 30 minutes or spreads, declare an incident and follow [incident response](${up}incident-response.md).`,
    '',
    '## Rollback',
    '',
    'Users are hurting now: the emergency rollback stops the deployment in flight (ECS returns to the previous revision at once),',
    'cancels the stack update in progress, then deploys the last good template and image tag without bake and without rollback alarms,',
    `which are in ALARM during the incident and would roll an ordinary rollback back. Details, the ordinary rollback and what a rollback does not undo: [rollback playbook](${up}playbooks/rollback.md).`,
    '',
  );
  for (const e of envs) lines.push(`### ${e.name}`, '', '```sh', emergencyRollbackCommand(model, service, e), '```', '');
  return `${lines.join('\n').trimEnd()}\n`;
}
