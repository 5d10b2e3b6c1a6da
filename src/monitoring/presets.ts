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
  readonly needs: readonly MonitoringTarget[];
  readonly summary: (threshold: number) => string;
  readonly impact: string;
  readonly steps: readonly string[];
}

export type PresetKey =
  | 'http5xxRate' | 'p99Latency' | 'unhealthyHosts' | 'cpu' | 'memory' | 'taskRestarts' | 'failedDeployments' | 'errorRate' | 'canary';

const DASHBOARD_FIRST = 'Open the dashboard (link above). Under "What changed?", check whether a deployment started shortly before the alarm.';
const ROLLBACK_IF_DEPLOY = 'If a deployment is in progress or finished within the last hour, roll back first (command below), then keep investigating.';
const ERROR_LOGS = 'Read the error lines of the service log group around the alarm time (the logs command under "Commands" below).';

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
    needs: ['load-balancer'],
    summary: (t) => `At least ${t}% of the requests through the load balancer end in a 5xx (target and load balancer errors).`,
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
    needs: ['ecs-service'],
    summary: (t) => `The service's average memory utilization is at least ${t}%.`,
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
    needs: ['cluster'],
    summary: (t) => `At least ${t} tasks stopped unexpectedly (essential container exited or failed to start) in 15 minutes.`,
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
    severity: 'warning',
    threshold: 1,
    comparison: '>=',
    unit: 'count',
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
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
    severity: 'critical',
    threshold: 5,
    comparison: '>=',
    unit: 'count',
    periodSeconds: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    needs: ['log-group'],
    summary: (t) => `The service logs at least ${t} lines per minute at an error level (JSON logs, through a metric filter).`,
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
    treatMissingData: 'notBreaching',
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
