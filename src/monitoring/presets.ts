/**
 * The built-in alarms of a service: default thresholds, severities, evaluation and runbook checks.
 * Every value can be overridden through `Monitoring({ alarms: { <preset>: {...} } })`.
 */
import type { Comparison, MetricUnit, MonitoringTarget, PresetKind, SeverityLevel, TreatMissingData } from './model';

export interface PresetDefinition {
  readonly kind: PresetKind;
  /** The key in `MonitoringProps.alarms`. */
  readonly key: PresetKey;
  readonly severity: SeverityLevel;
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly unit: MetricUnit;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  /** Why missing data is treated this way (the README's preset table says it). */
  readonly missingData: string;
  /**
   * False for a CRITICAL alarm that pages but does not roll deployments back.
   * @default true
   */
  readonly rollback?: boolean;
  readonly needs: readonly MonitoringTarget[];
  readonly summary: (threshold: number) => string;
  readonly impact: string;
  readonly steps: readonly string[];
}

export type PresetKey =
  | 'http5xxRate' | 'p99Latency' | 'unhealthyHosts' | 'cpu' | 'memory' | 'taskRestarts' | 'failedDeployments' | 'errorRate' | 'canary'
  | 'noHealthyHosts' | 'tasksBelowDesired' | 'scalingAtMax' | 'http4xxRate' | 'targetConnectionErrors'
  | 'dbCpu' | 'dbCpuCredits' | 'dbFreeStorage' | 'dbConnections' | 'dbFreeableMemory' | 'dbReadLatency' | 'dbWriteLatency' | 'dbEvents'
  | 'backupFailures' | 'restoreTestFailed' | 'certificateExpiry' | 'digestErrors';

const DASHBOARD_FIRST = 'Open the dashboard (link above). Under "What changed?", check whether a deployment started shortly before the alarm.';
const ROLLBACK_IF_DEPLOY = 'If a deployment is in progress or finished within the last hour, roll back first (command below), then keep investigating.';
const ERROR_LOGS = 'Read the error lines of the service log group around the alarm time (the logs command under "Commands" below).';
/** Count metrics: no datapoint means nothing happened. */
const COUNT_ZERO = 'not breaching: a count with no datapoint is zero (the metric filter or the load balancer reports nothing when nothing happened)';
const NO_TRAFFIC = 'not breaching: without requests there is nothing to measure; a total outage is caught by no-healthy-hosts and the canary';
const DB_MISSING = 'not breaching: RDS reports every minute while the instance runs; an unavailable database shows in the service\'s own alarms (5xx, error lines)';
/**
 * The RDS event categories worth a WARNING: the instance failed, failed over, recovered, ran low on storage or went
 * into maintenance (the categories of DB instance events in "Amazon RDS event categories and event messages",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Messages.html).
 */
export const RDS_EVENT_CATEGORIES = ['availability', 'failover', 'failure', 'low storage', 'maintenance', 'recovery'] as const;

/** A WARNING on any one event counted in 5 minutes (a count: no datapoint means none happened). */
const ANY_EVENT_IN_5_MINUTES = {
  severity: 'warning',
  threshold: 1,
  comparison: '>=',
  unit: 'count',
  periodSeconds: 300,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: 'notBreaching',
  missingData: COUNT_ZERO,
} as const;

/** A WARNING on 5 or more a minute in 3 of 5 minutes (a count: no datapoint means none happened). */
const FIVE_A_MINUTE_IN_3_OF_5 = {
  severity: 'warning',
  threshold: 5,
  comparison: '>=',
  unit: 'count',
  periodSeconds: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  treatMissingData: 'notBreaching',
  missingData: COUNT_ZERO,
} as const;

/** A WARNING on any one counted in an hour (a count: no datapoint means none happened). */
const ANY_IN_AN_HOUR = { ...ANY_EVENT_IN_5_MINUTES, periodSeconds: 3600 } as const;

/**
 * A WARNING on one failed restore job in an hour. AWS Backup publishes its job counts to CloudWatch
 * (`AWS/Backup`, "Monitoring AWS Backup metrics with CloudWatch"); with no restore job there is no datapoint.
 */
const RESTORE_TEST_EVALUATION = {
  ...ANY_IN_AN_HOUR,
  missingData: 'not breaching: AWS Backup publishes the count only while restore jobs run; none means none failed',
} as const;

const DB_STEPS = [
  'Open the database in the RDS console (Monitoring and Performance Insights tabs): the top SQL by load shows what the database is busy with.',
  'Check the RDS events of the instance (RDS console, the instance\'s "Logs & events" tab): a failover, a maintenance or a storage-full event explains most incidents.',
];

export const PRESETS: readonly PresetDefinition[] = [
  {
    kind: 'http-5xx-rate',
    key: 'http5xxRate',
    severity: 'critical',
    threshold: 5,
    comparison: '>=',
    unit: 'percent',
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    missingData: NO_TRAFFIC,
    needs: ['load-balancer'],
    summary: (t) => `At least ${t}% of the requests through the load balancer end in a 5xx (target and load balancer errors, over the requests routed to a target plus those the load balancer answered itself with a 5xx).`,
    impact: 'Users see server errors on a share of their requests.',
    steps: [
      DASHBOARD_FIRST,
      ROLLBACK_IF_DEPLOY,
      'Compare load balancer 5xx with target 5xx: load balancer 502/503/504 with zero healthy hosts means no task is healthy; target 5xx means the application answers with errors.',
      ERROR_LOGS,
      'Check the dependencies the failing requests use (database, downstream APIs) for errors, throttling or exhausted connections.',
    ],
  },
  {
    kind: 'p99-latency',
    key: 'p99Latency',
    severity: 'warning',
    threshold: 1000,
    comparison: '>',
    unit: 'milliseconds',
    periodSeconds: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    missingData: NO_TRAFFIC,
    needs: ['load-balancer'],
    summary: (t) => `The 99th percentile of the target response time is above ${t} ms.`,
    impact: 'The slowest 1% of requests are slow enough for users to notice; timeouts may follow.',
    steps: [
      DASHBOARD_FIRST,
      'Check CPU and memory under "Is the system healthy?": a saturated task answers slowly; scale out if they are high.',
      'Check the latency of dependencies (database, downstream APIs) and their connection pools.',
      ERROR_LOGS,
    ],
  },
  {
    kind: 'unhealthy-hosts',
    key: 'unhealthyHosts',
    severity: 'warning',
    threshold: 1,
    comparison: '>=',
    unit: 'count',
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    missingData: COUNT_ZERO,
    needs: ['target-group'],
    summary: (t) => `At least ${t} target(s) fail the load balancer health check.`,
    impact: 'Capacity is reduced; if every target is unhealthy, users get 503s.',
    steps: [
      DASHBOARD_FIRST,
      'List the stopped tasks and their stop reasons (the ECS commands under "Commands" below).',
      'Call the health path of one task from inside the VPC, or read the task logs for failures at startup.',
      ROLLBACK_IF_DEPLOY,
    ],
  },
  {
    kind: 'cpu',
    key: 'cpu',
    severity: 'warning',
    threshold: 80,
    comparison: '>=',
    unit: 'percent',
    periodSeconds: 300,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    missingData: 'not breaching: ECS reports utilization only while tasks run; no running task is caught by tasks-below-desired and no-healthy-hosts',
    needs: ['ecs-service'],
    summary: (t) => `The service's average CPU utilization is at least ${t}%.`,
    impact: 'Requests slow down as tasks saturate; autoscaling may be at its maximum.',
    steps: [
      DASHBOARD_FIRST,
      'Compare the request count with the usual traffic: more traffic needs more tasks (raise the desired or maximum count).',
      'If traffic is normal, look for a hot code path introduced by the last deployment, and roll back if it started with it.',
    ],
  },
  {
    kind: 'memory',
    key: 'memory',
    severity: 'warning',
    threshold: 85,
    comparison: '>=',
    unit: 'percent',
    periodSeconds: 300,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    missingData: 'not breaching: ECS reports utilization only while tasks run; no running task is caught by tasks-below-desired and no-healthy-hosts',
    needs: ['ecs-service'],
    summary: (t) => `The memory utilization of the service's fullest task (Maximum) is at least ${t}%.`,
    impact: 'Tasks close to their memory limit are killed (OutOfMemory) and restarted.',
    steps: [
      DASHBOARD_FIRST,
      'Check "Task restarts" for tasks stopped with OutOfMemoryError.',
      'A steady climb after a deployment suggests a leak: roll back, then compare heap profiles. A step with traffic suggests more memory per task.',
    ],
  },
  {
    kind: 'task-restarts',
    key: 'taskRestarts',
    severity: 'warning',
    threshold: 3,
    comparison: '>=',
    unit: 'count',
    periodSeconds: 900,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
    missingData: COUNT_ZERO,
    needs: ['cluster'],
    summary: (t) => `At least ${t} tasks stopped unexpectedly (essential container exited, failed to start, or replaced for failing the load balancer or container health check) in 15 minutes.`,
    impact: 'Crashing tasks drop in-flight requests and reduce capacity.',
    steps: [
      DASHBOARD_FIRST,
      'Read the task events under "What changed?" (stop code and reason of each stopped task).',
      'Read the last log lines of a stopped task: exit codes 137 (killed, often out of memory) and 1 (uncaught error) are the usual ones.',
      ROLLBACK_IF_DEPLOY,
    ],
  },
  {
    kind: 'failed-deployments',
    key: 'failedDeployments',
    ...ANY_EVENT_IN_5_MINUTES,
    needs: ['ecs-service'],
    summary: (t) => `At least ${t} ECS deployment failed or was rolled back.`,
    impact: 'The new version did not reach users; the previous version keeps serving.',
    steps: [
      'Read the deployment events under "What changed?" on the dashboard: the reason names the alarm or the circuit breaker that stopped it.',
      'Open the failed run of the CD workflow and its summary table.',
      'Confirm the service is back on the last good image tag (the SSM parameter in the table above) and healthy.',
    ],
  },
  {
    kind: 'error-rate',
    key: 'errorRate',
    ...FIVE_A_MINUTE_IN_3_OF_5,
    needs: ['log-group'],
    summary: (t) => `The service logs at least ${t} lines per minute at an error level (JSON levels such as error/fatal, pino's 50/60, Python's ERROR/CRITICAL levelname, and unstructured stack traces; through metric filters).`,
    impact: 'Requests or background work are failing.',
    steps: [
      DASHBOARD_FIRST,
      ROLLBACK_IF_DEPLOY,
      ERROR_LOGS,
      'Group the errors by message to find the dominant one, and check whether it involves a dependency.',
    ],
  },
  {
    kind: 'canary',
    key: 'canary',
    severity: 'critical',
    threshold: 90,
    comparison: '<',
    unit: 'percent',
    periodSeconds: 300,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'breaching',
    missingData: 'breaching: a canary that stopped running or cannot publish its result must not read as healthy',
    needs: ['url'],
    summary: (t) => `Fewer than ${t}% of the synthetic checks (health path and user journeys) succeed.`,
    impact: 'The service is unreachable or failing from the outside, as users see it.',
    steps: [
      'Open the canary in the CloudWatch Synthetics console and read the failed run: the step, the status code and the response.',
      'Call the health path yourself (the curl command under "Commands" below). A DNS or TLS error points at the domain or certificate, a 5xx at the service.',
      DASHBOARD_FIRST,
      ROLLBACK_IF_DEPLOY,
    ],
  },
  {
    kind: 'no-healthy-hosts',
    key: 'noHealthyHosts',
    severity: 'critical',
    threshold: 1,
    comparison: '<',
    unit: 'count',
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'breaching',
    missingData: 'breaching: the load balancer reports healthy hosts every minute; silence means no target group reports any',
    // Pages, but does not roll back: the first fleet of a new stack is not healthy yet, and the failure path
    // (unhealthy-targets, task-start-failures, the circuit breaker) already fails a deployment whose tasks never get healthy.
    rollback: false,
    needs: ['target-group'],
    summary: () => 'No target is healthy in any target group of the service (the healthy hosts summed over the blue and green target groups): the load balancer answers every request with a 503.',
    impact: 'The service is down: every request fails.',
    steps: [
      ROLLBACK_IF_DEPLOY,
      'Read the stop reasons of the stopped tasks (the stopped-tasks command under "Commands" below): failed health checks, an image pull or a crash.',
      'Read the last log lines of the service: a crash at startup (configuration, secrets, database) stops every new task.',
      DASHBOARD_FIRST,
    ],
  },
  {
    kind: 'tasks-below-desired',
    key: 'tasksBelowDesired',
    severity: 'warning',
    threshold: 1,
    comparison: '>=',
    unit: 'count',
    periodSeconds: 60,
    evaluationPeriods: 10,
    datapointsToAlarm: 10,
    treatMissingData: 'breaching',
    missingData: 'breaching: Container Insights reports the task counts every minute; silence means the service is not reporting',
    needs: ['ecs-service'],
    summary: (t) => `At least ${t} fewer tasks run than desired, for 10 minutes (Container Insights DesiredTaskCount − RunningTaskCount).`,
    impact: 'Capacity is reduced: tasks cannot start or keep crashing.',
    steps: [
      'Read the ECS service\'s events (ECS console, the service\'s Events tab): placement, image pull, secrets and health check failures show there.',
      'Read the task events under "What changed?" (stop code and reason of each stopped task).',
      ROLLBACK_IF_DEPLOY,
    ],
  },
  {
    kind: 'scaling-at-max',
    key: 'scalingAtMax',
    severity: 'warning',
    threshold: 100,
    comparison: '>=',
    unit: 'percent',
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    missingData: 'not breaching: without a task count there is nothing to compare; tasks-below-desired catches a silent service',
    needs: ['ecs-service'],
    summary: (t) => `Autoscaling is pinned at its maximum: the desired task count is at least ${t}% of the environment's scaling maximum, for 15 minutes.`,
    impact: 'The service cannot scale out further: more traffic will slow it down or fail requests.',
    steps: [
      DASHBOARD_FIRST,
      'Compare the request count with the usual traffic: if the traffic is real, raise the environment\'s scaling maximum (`scaling: { max }`).',
      'If traffic is normal, a slower version needs more tasks for the same load: check the last deployment and roll back if it started with it.',
    ],
  },
  {
    kind: 'http-4xx-rate',
    key: 'http4xxRate',
    severity: 'warning',
    threshold: 25,
    comparison: '>=',
    unit: 'percent',
    periodSeconds: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'notBreaching',
    missingData: NO_TRAFFIC,
    needs: ['load-balancer'],
    summary: (t) => `At least ${t}% of the requests end in a 4xx (target and load balancer), for 5 minutes: a surge of client errors.`,
    impact: 'Clients are rejected: a broken client release, an expired credential, or scanning traffic.',
    steps: [
      DASHBOARD_FIRST,
      'Split target 4xx from load balancer 4xx on the dashboard: load balancer 4xx are malformed or oversized requests, target 4xx come from the application (401/403/404).',
      'If it started with a deployment, check for a changed route or authentication, and roll back.',
    ],
  },
  {
    kind: 'target-connection-errors',
    key: 'targetConnectionErrors',
    ...FIVE_A_MINUTE_IN_3_OF_5,
    needs: ['load-balancer'],
    summary: (t) => `The load balancer failed at least ${t} times a minute to connect to a target (TargetConnectionErrorCount).`,
    impact: 'Requests to some tasks fail with 502/503: tasks are overloaded, stopping, or unreachable.',
    steps: [
      'Check the security group rules between the load balancer and the tasks, and whether tasks were stopping at the time (deployments, scale-in).',
      DASHBOARD_FIRST,
      ROLLBACK_IF_DEPLOY,
    ],
  },
  {
    kind: 'db-cpu',
    key: 'dbCpu',
    severity: 'warning',
    threshold: 80,
    comparison: '>=',
    unit: 'percent',
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    missingData: DB_MISSING,
    needs: ['database'],
    summary: (t) => `The database instance's CPU utilization is at least ${t}% for 15 minutes.`,
    impact: 'Queries slow down; requests that use the database time out.',
    steps: DB_STEPS,
  },
  {
    kind: 'db-cpu-credits',
    key: 'dbCpuCredits',
    severity: 'warning',
    threshold: 20,
    comparison: '<',
    unit: 'count',
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    missingData: 'not breaching: RDS reports the credit balance of a burstable instance every 5 minutes while it runs',
    needs: ['burstable-database'],
    summary: (t) => `The burstable database instance has fewer than ${t} CPU credits left: it will be throttled to its baseline.`,
    impact: 'Once the credits are spent, the database runs at its baseline CPU and every query slows down.',
    steps: [...DB_STEPS, 'Move to a larger or non-burstable instance class (`instanceType` of the Database) if the balance keeps falling.'],
  },
  {
    kind: 'db-free-storage',
    key: 'dbFreeStorage',
    severity: 'warning',
    threshold: 2147483648,
    comparison: '<',
    unit: 'bytes',
    periodSeconds: 300,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    missingData: DB_MISSING,
    needs: ['database'],
    summary: (t) => `The database has less than ${Math.round((t / 1073741824) * 10) / 10} GiB of free storage.`,
    impact: 'A full database stops accepting writes.',
    steps: [...DB_STEPS, 'Storage autoscaling grows the volume up to the Database\'s maxAllocatedStorageGiB: raise it, or delete data you no longer need.'],
  },
  {
    kind: 'db-connections',
    key: 'dbConnections',
    severity: 'warning',
    threshold: 80,
    comparison: '>=',
    unit: 'count',
    periodSeconds: 300,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    missingData: DB_MISSING,
    needs: ['database'],
    summary: (t) => `At least ${t} connections are open to the database (size the threshold to the instance's max_connections).`,
    impact: 'New connections are refused once max_connections is reached: requests fail.',
    steps: [...DB_STEPS, 'Check the connection pool size per task × the task count against max_connections; a leak shows as connections growing without traffic.'],
  },
  {
    kind: 'db-freeable-memory',
    key: 'dbFreeableMemory',
    severity: 'warning',
    threshold: 134217728,
    comparison: '<',
    unit: 'bytes',
    periodSeconds: 300,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    missingData: DB_MISSING,
    needs: ['database'],
    summary: (t) => `The database instance has less than ${Math.round(t / 1048576)} MiB of freeable memory.`,
    impact: 'The database swaps or is restarted out of memory: queries slow down or fail.',
    steps: DB_STEPS,
  },
  {
    kind: 'db-read-latency',
    key: 'dbReadLatency',
    severity: 'warning',
    threshold: 0.02,
    comparison: '>',
    unit: 'seconds',
    periodSeconds: 300,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    missingData: 'not breaching: no disk reads, no read latency',
    needs: ['database'],
    summary: (t) => `The database's average disk read latency is above ${t * 1000} ms.`,
    impact: 'Queries that read from disk slow down.',
    steps: DB_STEPS,
  },
  {
    kind: 'db-write-latency',
    key: 'dbWriteLatency',
    severity: 'warning',
    threshold: 0.02,
    comparison: '>',
    unit: 'seconds',
    periodSeconds: 300,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    missingData: 'not breaching: no disk writes, no write latency',
    needs: ['database'],
    summary: (t) => `The database's average disk write latency is above ${t * 1000} ms.`,
    impact: 'Writes and commits slow down.',
    steps: DB_STEPS,
  },
  {
    kind: 'db-events',
    key: 'dbEvents',
    ...ANY_EVENT_IN_5_MINUTES,
    needs: ['database'],
    summary: (t) => `At least ${t} RDS event of the database's instance in the categories ${RDS_EVENT_CATEGORIES.join(', ')} (RDS events → EventBridge → log group → metric filter).`,
    impact: 'The database failed over, failed, is running out of storage or is in maintenance: connections may drop or slow down.',
    steps: [
      'Read the events in the service\'s ECS events log group (the RDS event\'s `Message` says what happened), or in the RDS console, the instance\'s "Logs & events" tab.',
      'A failover or a recovery ends on its own: check that the service reconnected (5xx rate, error lines). Low storage: see db-free-storage.',
    ],
  },
  {
    kind: 'backup-failures',
    key: 'backupFailures',
    ...ANY_IN_AN_HOUR,
    needs: ['backup'],
    summary: (t) => `At least ${t} AWS Backup job of the database's vault failed, was aborted or expired (AWS Backup events → log group → metric filter).`,
    impact: 'No new restore point: a restore would lose more data than planned.',
    steps: [
      'In the AWS Backup console, open Jobs, filter on the database\'s backup vault and the state Failed: each job\'s status message says why.',
      'Start an on-demand backup once the cause is fixed, so the restore point is current.',
    ],
  },
  {
    kind: 'restore-test-failed',
    key: 'restoreTestFailed',
    ...RESTORE_TEST_EVALUATION,
    needs: ['restore-testing'],
    summary: (t) => `At least ${t} AWS Backup restore job of an RDS recovery point failed in the environment's account and region (\`AWS/Backup\` \`NumberOfRestoreJobsFailed\`, ResourceType RDS): the database's scheduled restore test, or any other RDS restore there.`,
    impact: 'A backup that cannot be restored is no backup: the recovery point the last test picked may be unusable, and the restore time (the database\'s RTO) is unproven.',
    steps: [
      'List the failed restore jobs of the database\'s restore testing plan (commands below): each job\'s `StatusMessage` says why (a subnet group or security group that no longer exists, an instance class the engine version does not offer, a quota).',
      'Fix the cause, then check that the next scheduled test completes (the COMPLETED jobs below): its CreationDate and CompletionDate give the restore time, which is the database\'s RTO (with one deployment to repoint the service).',
    ],
  },
  {
    kind: 'certificate-expiry',
    key: 'certificateExpiry',
    severity: 'warning',
    threshold: 30,
    comparison: '<',
    unit: 'count',
    periodSeconds: 86400,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'breaching',
    missingData: 'breaching: ACM stops publishing DaysToExpiry once the certificate has expired',
    needs: ['certificate'],
    summary: (t) => `The environment's ACM certificate expires in fewer than ${t} days (ACM renews DNS-validated certificates it issued; an imported one is not renewed).`,
    impact: 'Once it expires, browsers and clients refuse the HTTPS connection: the service is unreachable.',
    steps: [
      'Check the renewal status of the environment\'s certificate in the ACM console: a DNS validation record that was removed blocks the renewal.',
      'An imported certificate must be re-imported with a new one before it expires.',
    ],
  },
  {
    kind: 'digest-errors',
    key: 'digestErrors',
    ...ANY_IN_AN_HOUR,
    needs: ['digest'],
    summary: (t) => `The INFO digest function failed at least ${t} time(s) in an hour: INFO alarms are not being reported.`,
    impact: 'No user impact; INFO alarm changes are not reaching the team.',
    steps: ['Read the digest function\'s log group for the error (permissions, SNS publish, DescribeAlarmHistory throttling).'],
  },
];

/** The definition of one preset. */
export function preset(kind: PresetKind): PresetDefinition {
  return PRESETS.find((p) => p.kind === kind)!;
}

/** The problem with a threshold of this unit, if any: wrong sign or out of range. */
export function thresholdProblem(unit: MetricUnit, threshold: unknown): string | undefined {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) return 'a finite number';
  switch (unit) {
    case 'percent': return threshold >= 0 && threshold <= 100 ? undefined : 'a percentage from 0 to 100';
    case 'milliseconds':
    case 'seconds': return threshold > 0 ? undefined : `a positive duration in ${unit}`;
    case 'count':
    case 'bytes': return threshold >= 0 ? undefined : `a ${unit} of 0 or more`;
    case 'none': return undefined;
  }
}

/** The problem with a period, if any (CloudWatch accepts 10, 30 or a multiple of 60 seconds). */
export function periodProblem(seconds: number): string | undefined {
  return seconds === 10 || seconds === 30 || (seconds > 0 && seconds % 60 === 0 && seconds <= 86400) ? undefined : '10s, 30s or a whole number of minutes up to 1 day';
}
