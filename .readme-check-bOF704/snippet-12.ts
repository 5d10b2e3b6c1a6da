import { Project } from 'projen';
import { DockerPreset } from 'shipshape';
import { Service } from 'shipshape';
import { DockerImage } from 'shipshape';
declare const project: Project;
declare const api: Service;
import { AlarmMetric, Duration, EscalationPolicy, Monitoring, Severity, Tracing } from 'shipshape';

new EscalationPolicy(project, 'escalation', {
  critical: { pagerEndpointParameter: '/shipshape/pager/pagerduty-url' }, // SSM parameter (String) holding the pager URL
  warning: { slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } }, // or { email: ['team@example.com'] }
  info: { email: ['team@example.com'], every: Duration.hours(24) },         // a digest
  // By default only production environments page; the others send CRITICAL alarms to the WARNING route.
  environments: { staging: { page: false, warning: { email: ['staging@example.com'] } } },
});
const monitoring = new Monitoring(project, 'monitoring', {
  service: api,
  repository: 'example-org/node-api',   // alarm descriptions link to the runbooks there
  alarms: { p99Latency: { threshold: 800, steps: ['Check the orders database for slow queries.'] }, cpu: false },
  canary: { every: Duration.minutes(5), journeys: [{ name: 'list-orders', path: '/orders?limit=1' }] },
  tracing: Tracing.xray({ imageTag: '<a tag from gallery.ecr.aws/xray/aws-xray-daemon>' }),
});
monitoring.addAlarm('orders-backlog', {
  severity: Severity.WARNING,
  metric: AlarmMetric.custom({ namespace: 'node-api', metricName: 'OrdersBacklog', statistic: 'Maximum' }),
  threshold: 500, unit: 'count', steps: ['Check the order worker logs for a stuck batch.'],
});
monitoring.addAlarm('signups', { severity: Severity.INFO, anomaly: { metric: AlarmMetric.custom({ namespace: 'node-api', metricName: 'Signups', statistic: 'Sum' }), direction: 'below' } });
monitoring.addAlarm('users-hurting', { severity: Severity.CRITICAL, composite: { anyOf: ['http-5xx-rate', 'canary'] } });

export {};
