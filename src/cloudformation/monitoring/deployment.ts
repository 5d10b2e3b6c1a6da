/**
 * Alarms drive deploy safety: the CRITICAL alarms of a service are the rollback alarms of its
 * deployments. These helpers are the integration points for the environment stack.
 */
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { ServiceMonitoring } from './service-monitoring';

/**
 * Make the service's CRITICAL alarms the ECS deployment alarms: a deployment that trips one rolls
 * back. Alarm names are passed as literals, so the alarms may read the service's own metrics
 * without a dependency cycle. (For blue/green, canary and linear, ECS watches them through the bake.) `also` names
 * further alarms that roll back (the environment stack's unhealthy-targets alarm).
 */
export function useAsDeploymentAlarms(service: ecs.BaseService, monitoring: ServiceMonitoring, also: readonly string[] = []): void {
  const names = [...also, ...monitoring.criticalAlarmNames];
  if (names.length === 0) return;
  // One call, on a service created without deployment alarms: aws-cdk-lib 2.276's enableDeploymentAlarms drops the
  // names of a second call (it concatenates without keeping the result).
  service.enableDeploymentAlarms(names, { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM });
}

/**
 * The CRITICAL alarms as AppConfig monitors: a configuration (feature flag) deployment that trips
 * one is rolled back by AppConfig. Pass them as `monitors` of the `appconfig.Environment`.
 */
export function appConfigMonitors(monitoring: ServiceMonitoring): appconfig.Monitor[] {
  return monitoring.criticalAlarms.map((alarm) => appconfig.Monitor.fromCloudWatchAlarm(alarm));
}
