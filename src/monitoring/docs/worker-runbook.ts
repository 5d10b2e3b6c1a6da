/**
 * One runbook per alarm of a worker: docs/runbooks/<worker>-<alarm>.md, from the model and the alarm data the
 * CloudFormation builder reads (src/workloads/worker-alarms.ts). Every command has its names filled in.
 */
import { marker, ordered } from './common';
import {
  alarmName, alarmUrl, deadLetterQueueName, ecsServiceName, environmentClusterName, lastGoodImageTagParameter, queueArn, runbookPath,
  serviceLogGroupName, workerQueueName,
} from '../../core/naming';
import type { EnvironmentModel, ProjectModel, RenderedFile, WorkerModel } from '../../model';
import { WorkerAlarmSpec, workerAlarms } from '../../workloads/worker-alarms';

/** The condition in words. */
function condition(spec: WorkerAlarmSpec): string {
  const window = (spec.periodSeconds * spec.evaluationPeriods) / 60;
  return `\`>= ${spec.threshold} ${spec.unit}\` (${spec.statistic}) for ${spec.datapointsToAlarm} of ${spec.evaluationPeriods} periods of ${spec.periodSeconds} s (window ${window} min)`;
}

/** What to look at first in one environment: the alarm, the queues, the ECS service, the worker's log. */
function investigation(model: ProjectModel, worker: WorkerModel, spec: WorkerAlarmSpec, env: EnvironmentModel): string[] {
  const r = `--region ${env.region}`;
  const cluster = environmentClusterName(model.name, env.name);
  return [
    `aws cloudwatch describe-alarm-history ${r} --alarm-name ${alarmName(worker.name, env.name, spec.suffix)} --alarm-types MetricAlarm \\\n  --history-item-type StateUpdate --max-items 10`,
    `queue="$(aws sqs get-queue-url ${r} --queue-name ${workerQueueName(worker.name, env.name)} --query QueueUrl --output text)"`,
    `dlq="$(aws sqs get-queue-url ${r} --queue-name ${deadLetterQueueName(worker.name, env.name)} --query QueueUrl --output text)"`,
    `aws sqs get-queue-attributes ${r} --queue-url "$queue" \\\n  --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible ApproximateNumberOfMessagesDelayed`,
    `aws sqs get-queue-attributes ${r} --queue-url "$dlq" --attribute-names ApproximateNumberOfMessages`,
    `aws ecs describe-services ${r} --cluster ${cluster} --services ${ecsServiceName(worker.name)} \\\n  --query 'services[0].{running:runningCount,desired:desiredCount,deployments:deployments[].[status,rolloutState,taskDefinition]}'`,
    `aws logs tail ${serviceLogGroupName(worker.name, env.name)} ${r} --since 30m`,
  ];
}

/** A look at the dead letters (they become visible again at once), then the redrive to the queue they came from. */
function redrive(worker: WorkerModel, env: EnvironmentModel): string[] {
  const r = `--region ${env.region}`;
  const dlq = deadLetterQueueName(worker.name, env.name);
  const arn = queueArn(env.account, env.region, dlq);
  return [
    '# 1. Look at up to 10 dead letters; with a visibility timeout of 0 they stay in the queue.',
    `dlq="$(aws sqs get-queue-url ${r} --queue-name ${dlq} --query QueueUrl --output text)"`,
    `aws sqs receive-message ${r} --queue-url "$dlq" --max-number-of-messages 10 --visibility-timeout 0`,
    '# 2. Once the cause is fixed and deployed: move every dead letter back to the queue it came from.',
    `aws sqs start-message-move-task ${r} --source-arn ${arn}`,
    `aws sqs list-message-move-tasks ${r} --source-arn ${arn} --max-results 1`,
  ];
}

export function renderWorkerRunbook(model: ProjectModel, worker: WorkerModel, spec: WorkerAlarmSpec): string {
  const envs = ordered(model);
  const lines: string[] = [
    marker(model),
    `# Runbook: ${worker.name} ${spec.suffix}`,
    '',
    '| | |',
    '|---|---|',
    `| Severity | **${spec.severity.toUpperCase()}** |`,
    `| Worker | \`${worker.name}\` |`,
    `| Watches | ${spec.summary} |`,
    `| Impact | ${spec.impact} |`,
    `| Condition | ${condition(spec)} |`,
    '| Route | Notifies the environment\'s WARNING route (its SNS topic), where the environment has one. Never rolls back a deployment. |',
    '',
    '## Where to look',
    '',
    '| environment | CloudWatch alarm | queue | dead-letter queue | log group | last good image tag |',
    '|---|---|---|---|---|---|',
    ...envs.map((e) => {
      const name = alarmName(worker.name, e.name, spec.suffix);
      return `| ${e.name} | [\`${name}\`](${alarmUrl(e.region, name)}) | \`${workerQueueName(worker.name, e.name)}\` | \`${deadLetterQueueName(worker.name, e.name)}\` `
        + `| \`${serviceLogGroupName(worker.name, e.name)}\` | \`${lastGoodImageTagParameter(worker.name, e.name)}\` |`;
    }),
    '',
    '## Checks',
    '',
    ...spec.steps.map((s, i) => `${i + 1}. ${s}`),
    '',
    '## Commands',
    '',
    'Every name is filled in: paste the block of the environment, with credentials for its account.',
    '',
    ...envs.flatMap((e) => [`### ${e.name}`, '', '```sh', investigation(model, worker, spec, e).join('\n'), '```', '']),
    '## Redrive',
    '',
    `A message reaches the dead-letter queue after ${worker.queue.maxReceiveCount} receives without a delete. Fix the cause first:`,
    'moved back too early, the messages fail again and return. The move goes back to the queue each message came from, at a',
    'rate SQS adjusts to the backlog; only one move runs per queue at a time.',
    '',
    ...envs.flatMap((e) => [`### ${e.name}`, '', '```sh', redrive(worker, e).join('\n'), '```', '']),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The runbooks of every worker's alarms (none without an environment: no alarm exists yet). */
export function renderWorkerRunbooks(model: ProjectModel): RenderedFile[] {
  if (model.environments.length === 0) return [];
  return model.workers.flatMap((worker) => workerAlarms(worker).map((spec) => ({
    path: runbookPath(worker.name, spec.suffix, false),
    content: renderWorkerRunbook(model, worker, spec),
    source: worker.path,
  })));
}
