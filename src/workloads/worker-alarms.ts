/**
 * The alarms of a worker, as data: the CloudFormation builder (src/cloudformation/worker.ts) creates them and the
 * runbook renderer (src/monitoring/docs/worker-runbook.ts) describes them, both from here, so the two cannot drift.
 */
import { deadLetterQueueName, workerQueueName } from '../core/naming';
import type { WorkerModel } from '../model';

/** One alarm of a worker in an environment, on one SQS metric. */
export interface WorkerAlarmSpec {
  /** The alarm's suffix: `<worker>-<env>-<suffix>`, and its runbook `docs/runbooks/<worker>-<suffix>.md`. */
  readonly suffix: string;
  readonly severity: 'warning';
  /** Which queue the metric is read from. */
  readonly queue: 'queue' | 'dead-letter';
  /** An `AWS/SQS` metric, by the dimension `QueueName`. */
  readonly metricName: 'ApproximateAgeOfOldestMessage' | 'ApproximateNumberOfMessagesVisible';
  readonly statistic: 'Maximum';
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  /** `>=` */
  readonly comparison: 'GreaterThanOrEqualToThreshold';
  readonly unit: 'seconds' | 'messages';
  /** What it watches, in words. */
  readonly summary: string;
  /** What users see when it fires. */
  readonly impact: string;
  /** What to check first, in order. */
  readonly steps: readonly string[];
}

/** The metric period of the SQS alarms: SQS sends its metrics to CloudWatch every minute; five smooth out one slow poll. */
const PERIOD_SECONDS = 300;

/**
 * The age of the oldest message a worker accepts before it alarms: 15 minutes, or twice the visibility timeout when
 * that is longer (a message in flight is invisible for that long, and one retry must not alarm).
 */
export function oldestMessageThresholdSeconds(worker: WorkerModel): number {
  return Math.max(900, 2 * worker.queue.visibilityTimeoutSeconds);
}

/** The alarms every worker has, in each environment. */
export function workerAlarms(worker: WorkerModel): WorkerAlarmSpec[] {
  const age = oldestMessageThresholdSeconds(worker);
  return [
    {
      suffix: 'oldest-message-age',
      severity: 'warning',
      queue: 'queue',
      metricName: 'ApproximateAgeOfOldestMessage',
      statistic: 'Maximum',
      periodSeconds: PERIOD_SECONDS,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      threshold: age,
      comparison: 'GreaterThanOrEqualToThreshold',
      unit: 'seconds',
      summary: `the age of the oldest message in the queue (\`AWS/SQS ApproximateAgeOfOldestMessage\`, Maximum) is at least ${age} s for 15 minutes`,
      impact: 'Work waits: messages are handled late, or not at all while the worker fails or is scaled to its maximum.',
      steps: [
        'Check the running and desired task count: at the scaling maximum, the backlog grows faster than the tasks handle it (raise `scaling.max`).',
        'Read the worker\'s log for errors: a message that fails every time is received again after each visibility timeout, until it reaches the dead-letter queue.',
        'Compare the visible and in-flight message counts: many in flight and few deleted means the worker takes longer than the visibility timeout.',
      ],
    },
    {
      suffix: 'dead-letters',
      severity: 'warning',
      queue: 'dead-letter',
      metricName: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
      periodSeconds: PERIOD_SECONDS,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
      unit: 'messages',
      summary: `messages in the dead-letter queue (\`AWS/SQS ApproximateNumberOfMessagesVisible\`, Maximum, at least 1): messages received ${worker.queue.maxReceiveCount} times without being deleted`,
      impact: 'Some messages were given up on: the work they carry is not done until they are moved back to the queue.',
      steps: [
        'Look at a few dead letters (commands below): the same kind of message every time points at a bug; varied messages at an outage of something the worker calls.',
        'Read the worker\'s log around the time the first message arrived there.',
        'Fix the cause and deploy, then move the messages back to the queue (the redrive below) and watch the queue drain.',
      ],
    },
  ];
}

/** The name of the queue an alarm reads, in an environment. */
export function alarmQueueName(spec: WorkerAlarmSpec, worker: string, env: string): string {
  return spec.queue === 'queue' ? workerQueueName(worker, env) : deadLetterQueueName(worker, env);
}
