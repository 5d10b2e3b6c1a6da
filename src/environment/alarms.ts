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

/** An alarm that rolls deployments back, and its evaluation window (period × evaluation periods). */
export interface RollbackWindow {
  /** The alarm's name within its service, for example `canary`. */
  readonly name: string;
  readonly windowSeconds: number;
}

/**
 * The margin a bake keeps beyond an alarm's window: CloudWatch evaluates alarms once a minute on metrics that land up
 * to a minute or two late, and a deployment starts at any point of a period, so an alarm whose window equals the
 * bake exactly may fire just after the bake ended (the default canary alarm, 2 × 5 minutes, against a 10-minute bake).
 */
export const BAKE_MARGIN_SECONDS = 120;

/**
 * The built-in rollback alarms of an environment: the failure path (task-start failures, unhealthy targets) always,
 * the error-logs and target-5xx alarms only where no Monitoring replaces them with its CRITICAL alarms.
 */
export function builtinRollbackWindows(hasLoadBalancer: boolean, monitored: boolean): RollbackWindow[] {
  const failurePath = [TASK_START_FAILURES_ALARM, UNHEALTHY_TARGETS_ALARM];
  return deploymentAlarms(hasLoadBalancer).filter((a) => !monitored || failurePath.includes(a))
    .map((a) => ({ name: a.suffix, windowSeconds: a.periodSeconds * a.evaluationPeriods }));
}

/**
 * The one bake-time check: a bake lasts at least the longest window of the alarms that roll the deployment back
 * (the built-in deployment alarms and every CRITICAL rollback alarm of a Monitoring), plus {@link BAKE_MARGIN_SECONDS}.
 * Returns the shortest acceptable bake and the alarm that sets it, or undefined when the bake is long enough.
 */
export function bakeShortfall(
  bakeSeconds: number, windows: readonly RollbackWindow[],
): { readonly requiredSeconds: number; readonly alarm: RollbackWindow } | undefined {
  const longest = [...windows].sort((a, b) => b.windowSeconds - a.windowSeconds)[0];
  if (!longest) return undefined;
  const requiredSeconds = longest.windowSeconds + BAKE_MARGIN_SECONDS;
  return bakeSeconds < requiredSeconds ? { requiredSeconds, alarm: longest } : undefined;
}

/** Something that declares rollback alarms per environment (a Monitoring), read by the Environment's bake check. */
export interface RollbackAlarmSource {
  _rollbackWindows(environment: string): RollbackWindow[];
}

