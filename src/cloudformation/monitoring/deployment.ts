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
 * without a dependency cycle. (For blue/green, canary and linear, ECS watches them through the bake.)
 */
export function useAsDeploymentAlarms(service: ecs.BaseService, monitoring: ServiceMonitoring): void {
  if (monitoring.criticalAlarmNames.length === 0) return;
  service.enableDeploymentAlarms([...monitoring.criticalAlarmNames], { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM });
}

/**
 * The CRITICAL alarms as AppConfig monitors: a configuration (feature flag) deployment that trips
 * one is rolled back by AppConfig. Pass them as `monitors` of the `appconfig.Environment`.
 */
export function appConfigMonitors(monitoring: ServiceMonitoring): appconfig.Monitor[] {
  return monitoring.criticalAlarms.map((alarm) => appconfig.Monitor.fromCloudWatchAlarm(alarm));
}
