/**
 * The alarms that watch a deployment and roll it back. The environment stack creates them from
 * this table, and the Environment checks bake times against their evaluation window, so both read
 * the same numbers.
 */
export interface DeploymentAlarmSpec {
  /** The alarm's own part of its name; the full name comes from `alarmName` in src/core/naming.ts. */
  readonly suffix: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  /** True when the alarm reads the load balancer's metrics (only environments with a domain have it). */
  readonly needsLoadBalancer: boolean;
}

export const ERROR_LOGS_ALARM: DeploymentAlarmSpec = {
  suffix: 'error-logs', periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3, threshold: 5, needsLoadBalancer: false,
};

export const TARGET_5XX_ALARM: DeploymentAlarmSpec = {
  suffix: 'target-5xx', periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 2, threshold: 5, needsLoadBalancer: true,
};

/**
 * Targets failing the load balancer health check, summed over both target groups (the green one included), for
 * 3 minutes: new tasks that never get healthy fail a deployment of any strategy. Environments with a Monitoring
 * get it too, beside their CRITICAL alarms.
 */
export const UNHEALTHY_TARGETS_ALARM: DeploymentAlarmSpec = {
  suffix: 'unhealthy-targets', periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 3, threshold: 1, needsLoadBalancer: true,
};

/**
 * Tasks of the service that stopped because they failed to start or an essential container exited (ECS task state
 * change events), at least 3 in 5 minutes: a deployment whose new tasks never start fails under every strategy,
 * with or without a load balancer. Environments with a Monitoring get it too.
 */
export const TASK_START_FAILURES_ALARM: DeploymentAlarmSpec = {
  suffix: 'task-start-failures', periodSeconds: 300, evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 3, needsLoadBalancer: false,
};

/** The deployment alarms of an environment with or without a load balancer. */
export function deploymentAlarms(hasLoadBalancer: boolean): DeploymentAlarmSpec[] {
  const all = [ERROR_LOGS_ALARM, TARGET_5XX_ALARM, UNHEALTHY_TARGETS_ALARM, TASK_START_FAILURES_ALARM];
  return all.filter((a) => hasLoadBalancer || !a.needsLoadBalancer);
}

/** The longest evaluation window of the deployment alarms: a bake must last at least this long to see them fire. */
export function alarmWindowSeconds(hasLoadBalancer: boolean): number {
  return Math.max(...deploymentAlarms(hasLoadBalancer).map((a) => a.periodSeconds * a.evaluationPeriods));
}

