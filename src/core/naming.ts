/**
 * Names that several outputs must agree on. One function per name, read everywhere.
 * Each area keeps its own block; blocks are merged from parallel branches.
 */
import { createHash } from 'crypto';

// ---------------------------------------------------------------------------
// Monitoring (alarms, dashboards, canaries, runbooks)
// ---------------------------------------------------------------------------

/** The CloudWatch name of one alarm of a service in an environment. */
export function alarmName(service: string, env: string, alarm: string): string {
  return `${service}-${env}-${alarm}`;
}

/** The CloudWatch dashboard of a service in an environment. */
export function dashboardName(service: string, env: string): string {
  return `${service}-${env}`;
}

/** The console address of a dashboard. */
export function dashboardUrl(region: string, dashboard: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard}`;
}

/** The console address of an alarm. */
export function alarmUrl(region: string, alarm: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarm)}`;
}

/**
 * The Synthetics canary of a service in an environment. Canary names are at most 21 characters of
 * `[0-9a-z_-]`; a longer `<service>-<env>` is shortened and suffixed with a stable hash.
 */
export function canaryName(service: string, env: string): string {
  const full = `${service}-${env}`;
  if (full.length <= 21) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  return `${full.slice(0, 14).replace(/-+$/, '')}-${hash}`;
}

/** The SNS topic that carries the alarms of one severity. */
export function severityTopicName(service: string, env: string, severity: string): string {
  return `${service}-${env}-${severity}`;
}

/** The CloudWatch namespace of the metrics shipshape derives from a service's logs and events. */
export function monitoringNamespace(service: string, env: string): string {
  return `shipshape/${service}/${env}`;
}

/** The log group that records the ECS task and deployment events of a service (EventBridge requires /aws/events/). */
export function eventsLogGroupName(service: string, env: string): string {
  return `/aws/events/shipshape/${service}/${env}`;
}

/** Where the runbook of an alarm is generated, relative to the project root. */
export function runbookPath(service: string, alarm: string, singleService: boolean): string {
  return singleService ? `docs/runbooks/${alarm}.md` : `docs/runbooks/${service}-${alarm}.md`;
}

/**
 * The SSM parameter holding the image tag that last passed verification in an environment.
 * (Also defined with the same signature by the pipeline and CloudFormation blocks: keep one at merge.)
 */
export function lastGoodImageTagParameter(service: string, env: string): string {
  return `/shipshape/${service}/${env}/last-good-image-tag`;
}

/** The service's own log group (JSON lines). The environment stack creates it under this name. */
export function serviceLogGroupName(service: string, env: string): string {
  return `/shipshape/${service}/${env}`;
}
