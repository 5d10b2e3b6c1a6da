/** One runbook per alarm of each ScheduledJob: docs/runbooks/<job>-<alarm>.md, rendered from the model. */
import {
  alarmName, alarmUrl, clusterName, jobRunbookPath, jobScheduleGroupName, jobStateMachineArn, jobTaskFamily, serviceLogGroupName,
} from '../../core/naming';
import type { EnvironmentModel, ProjectModel, RenderedFile, ScheduledJobModel } from '../../model';
import { JOB_ALARMS, JobAlarm } from '../../workloads/job-alarms';
import type { WarningRouteModel } from '../model';
import { routesIn } from '../model';
import { severityLabel } from '../severity';
import { marker, ordered } from './common';

export function renderJobRunbooks(model: ProjectModel): RenderedFile[] {
  if (model.environments.length === 0) return [];
  return model.jobs.flatMap((job) => Object.values(JOB_ALARMS).map((alarm) => ({
    path: jobRunbookPath(job.name, alarm.suffix),
    source: job.path,
    content: renderJobRunbook(model, job, alarm),
  })));
}

/** How a WARNING alarm of the job reaches people in one environment. */
function route(model: ProjectModel, env: EnvironmentModel): string {
  const escalation = model.monitoring[0]?.escalation;
  if (!escalation) return 'no notification (the project has no EscalationPolicy; the alarm shows in the CloudWatch console)';
  const w: WarningRouteModel = routesIn(escalation, env.name, env.infrastructure.production).warning;
  return w.kind === 'slack'
    ? `Slack channel \`${w.channelId}\` (workspace \`${w.workspaceId}\`), through the environment's WARNING topic`
    : `${w.addresses.map((a) => `\`${a}\``).join(', ')} by email, through the environment's WARNING topic`;
}

function describeJob(job: ScheduledJobModel): string {
  const timeout = job.timeoutSeconds % 3600 === 0 ? `${job.timeoutSeconds / 3600} h` : `${job.timeoutSeconds / 60} min`;
  return `\`${job.schedule}\`${job.timezone === 'UTC' ? ' (UTC)' : ` (${job.timezone})`}, ${job.retries} ${job.retries === 1 ? 'retry' : 'retries'}, timeout ${timeout}`;
}

function renderJobRunbook(model: ProjectModel, job: ScheduledJobModel, alarm: JobAlarm): string {
  const envs = ordered(model);
  const lines: string[] = [
    marker(model),
    `# Runbook: ${job.name} ${alarm.suffix}`,
    '',
    '| | |',
    '|---|---|',
    `| Severity | **${severityLabel(alarm.severity)}** |`,
    `| Job | \`${job.name}\`: ${describeJob(job)} |`,
    `| Watches | ${alarm.summary} |`,
    `| Impact | ${alarm.impact} |`,
    `| Condition | ${alarm.condition} |`,
    `| Route | ${envs.map((e) => `${e.name}: ${route(model, e)}`).join('; ')} |`,
    '',
    '## Where to look',
    '',
    '| environment | CloudWatch alarm | state machine | schedule (group/name) | log group |',
    '|---|---|---|---|---|',
    ...envs.map((e) => {
      const name = alarmName(job.name, e.name, alarm.suffix);
      const group = jobScheduleGroupName(job.name, e.name);
      return `| ${e.name} | [\`${name}\`](${alarmUrl(e.region, name)}) | \`${jobStateMachineArn(e.account, e.region, job.name, e.name)}\` | \`${group}/${group}\` | \`${serviceLogGroupName(job.name, e.name)}\` |`;
    }),
    '',
    '## Checks',
    '',
    ...alarm.steps.map((s, i) => `${i + 1}. ${s}`),
    '',
    '## Commands',
    '',
    'Every name is filled in: paste the block of the environment, with credentials for its account.',
    '',
    ...envs.flatMap((e) => [`### ${e.name}`, '', '```sh', investigation(model, job, alarm, e).join('\n'), '```', '']),
    '## Run the job once by hand',
    '',
    'After a fix, or to make up a missed run: start an execution of the state machine (the same task, retries and timeout',
    'as a scheduled run), then read its status until it is no longer RUNNING.',
    '',
    ...envs.flatMap((e) => [`### ${e.name}`, '', '```sh', runOnce(job, e).join('\n'), '```', '']),
    '## Escalation',
    '',
    '1. The alarm is a WARNING: it opens a ticket, nobody is paged.',
    '2. If the job\'s work is needed before its next run (a report due, data others wait for), tell its owners and run it by hand once fixed.',
    `3. If it keeps failing and the impact spreads, declare an incident${model.monitoring.length > 0 ? ' and follow [incident response](../incident-response.md)' : ''}.`,
    '',
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

function investigation(model: ProjectModel, job: ScheduledJobModel, alarm: JobAlarm, env: EnvironmentModel): string[] {
  const r = `--region ${env.region}`;
  const machine = jobStateMachineArn(env.account, env.region, job.name, env.name);
  const executions = "--query 'executions[].[name,status,startDate,stopDate]' --output text";
  const out = [
    `aws cloudwatch describe-alarm-history ${r} --alarm-name ${alarmName(job.name, env.name, alarm.suffix)} --alarm-types MetricAlarm \\\n  --history-item-type StateUpdate --max-items 10`,
  ];
  if (alarm.suffix === JOB_ALARMS.missedRuns.suffix) {
    const group = jobScheduleGroupName(job.name, env.name);
    out.push(
      `aws scheduler get-schedule ${r} --group-name ${group} --name ${group} \\\n  --query '{state:State,expression:ScheduleExpression,timezone:ScheduleExpressionTimezone,target:Target.Arn,role:Target.RoleArn}'`,
      `aws stepfunctions list-executions ${r} --state-machine-arn ${machine} --max-items 5 \\\n  ${executions}`,
    );
    return out;
  }
  const cluster = clusterName(model.name, env.name);
  out.push(
    ...['FAILED', 'TIMED_OUT'].map((status) => `aws stepfunctions list-executions ${r} --state-machine-arn ${machine} --status-filter ${status} --max-items 5 \\\n  ${executions}`),
    [
      `execution="$(aws stepfunctions list-executions ${r} --state-machine-arn ${machine} --max-items 1 \\`,
      "  --query 'executions[0].executionArn' --output text)\"",
      `aws stepfunctions describe-execution ${r} --execution-arn "$execution" --query '{status:status,error:error,cause:cause}'`,
      `aws stepfunctions get-execution-history ${r} --execution-arn "$execution" --reverse-order --max-items 20 \\`,
      "  --query 'events[].[timestamp,type]' --output text",
    ].join('\n'),
    [
      `stopped="$(aws ecs list-tasks ${r} --cluster ${cluster} --family ${jobTaskFamily(job.name, env.name)} --desired-status STOPPED \\`,
      "  --query 'taskArns[:5]' --output text)\"",
      `[ -z "$stopped" ] || aws ecs describe-tasks ${r} --cluster ${cluster} --tasks $stopped \\`,
      "  --query 'tasks[].[taskArn,stopCode,stoppedReason,containers[0].exitCode]' --output text",
    ].join('\n'),
    `aws logs tail ${serviceLogGroupName(job.name, env.name)} ${r} --since 2h`,
  );
  return out;
}

function runOnce(job: ScheduledJobModel, env: EnvironmentModel): string[] {
  const r = `--region ${env.region}`;
  return [
    `execution="$(aws stepfunctions start-execution ${r} --state-machine-arn ${jobStateMachineArn(env.account, env.region, job.name, env.name)} \\`,
    '  --name "manual-$(date -u +%Y%m%dT%H%M%SZ)" --query executionArn --output text)"',
    `aws stepfunctions describe-execution ${r} --execution-arn "$execution" --query status --output text`,
  ];
}
