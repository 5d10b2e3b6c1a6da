// The aws-cdk-lib side of monitoring. Import only from src/cloudformation/.
export { ServiceMonitoring, addServiceMonitoring, alarmDescription } from './service-monitoring';
export type { ServiceMonitoringProps, SkippedAlarm } from './service-monitoring';
export { useAsDeploymentAlarms, appConfigMonitors } from './deployment';
export { addTracingSidecar, XRAY_DAEMON_PORT } from './tracing';
export type { TracingSidecarOptions } from './tracing';
export { CANARY_RUNTIME } from './canary';
