/**
 * One dashboard per service and environment, in three rows that answer: is the system healthy,
 * are users affected, and what changed (deployments, task events, alarm history).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { MetricTargets } from './metrics';
import { resolveMetric } from './metrics';
import { dashboardName } from '../../core/naming';
import { acrossTargetGroups } from '../load-balancer';

export interface DashboardProps {
  readonly service: string;
  readonly environment: string;
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** The rollback alarms, with their literal names. */
  readonly criticalAlarms: ReadonlyArray<readonly [string, cloudwatch.Alarm]>;
  readonly targets: MetricTargets;
}

const MINUTE = 60;

export function buildDashboard(scope: Construct, props: DashboardProps): cloudwatch.Dashboard {
  const { service, environment, targets: t } = props;
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: dashboardName(service, environment),
    defaultInterval: Duration.hours(3),
  });
  const graph = (title: string, metrics: Array<cloudwatch.IMetric | undefined>, opts: Partial<cloudwatch.GraphWidgetProps> = {}) => {
    const left = metrics.filter((m): m is cloudwatch.IMetric => m !== undefined);
    return left.length === 0 ? undefined : new cloudwatch.GraphWidget({ title, left, width: 6, height: 6, ...opts });
  };
  const row = (...widgets: Array<cloudwatch.IWidget | undefined>) => {
    const present = widgets.filter((w): w is cloudwatch.IWidget => w !== undefined);
    if (present.length > 0) dashboard.addWidgets(...present);
  };
  const heading = (markdown: string) => new cloudwatch.TextWidget({ markdown, width: 24, height: 1 });

  // 1. Is the system healthy?
  row(heading(`## Is the system healthy? — ${service} in ${environment}`));
  row(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 3 }));
  row(
    graph('CPU and memory (%)', [resolveMetric({ kind: 'preset', preset: 'cpu' }, MINUTE, t), resolveMetric({ kind: 'preset', preset: 'memory' }, MINUTE, t)],
      { leftYAxis: { min: 0, max: 100 } }),
    graph('Running tasks', [t.ecsService?.metricCpuUtilization({ statistic: 'SampleCount', period: Duration.minutes(1), label: 'tasks reporting CPU (≈ running tasks)' })]),
    // Summed over the target groups: after a blue/green, canary or linear deployment the tasks are in the other one.
    graph('Targets', [
      acrossTargetGroups(t.targetGroups, (g) => g.metrics.healthyHostCount({ statistic: 'Minimum', period: Duration.minutes(1), label: 'healthy' }),
        'healthy', Duration.minutes(1), 'healthy'),
      acrossTargetGroups(t.targetGroups, (g) => g.metrics.unhealthyHostCount({ statistic: 'Maximum', period: Duration.minutes(1), label: 'unhealthy' }),
        'unhealthy', Duration.minutes(1), 'unhealthy'),
    ]),
    graph('Error log lines', [t.errorLines.with({ period: Duration.minutes(1), label: 'error lines / minute' })]),
  );

  // 2. Are users affected?
  row(heading('## Are users affected?'));
  row(
    graph('5xx rate (%)', [resolveMetric({ kind: 'preset', preset: 'http-5xx-rate' }, MINUTE, t)], { leftYAxis: { min: 0 } }),
    graph('p99 latency (ms)', [resolveMetric({ kind: 'preset', preset: 'p99-latency' }, MINUTE, t)], { leftYAxis: { min: 0 } }),
    graph('Requests', [t.loadBalancer?.metrics.requestCount({ statistic: 'Sum', period: Duration.minutes(1), label: 'requests / minute' })]),
    graph('Synthetic checks (% success)', [resolveMetric({ kind: 'preset', preset: 'canary' }, 5 * MINUTE, t)], { leftYAxis: { min: 0, max: 100 } }),
  );

  // 3. What changed?
  row(heading('## What changed? Deployments, task events and the history of the rollback alarms'));
  const ev = t.events;
  row(
    graph('Deployments', [
      ev?.deploymentsStarted?.with({ period: Duration.minutes(5), label: 'started' }),
      ev?.deploymentsFailed?.with({ period: Duration.minutes(5), label: 'failed' }),
    ], { view: cloudwatch.GraphWidgetView.BAR }),
    graph('Unexpected task stops', [ev?.taskStops?.with({ period: Duration.minutes(5), label: 'stopped' })], { view: cloudwatch.GraphWidgetView.BAR }),
    ev ? new cloudwatch.LogQueryWidget({
      title: 'ECS events (deployments and stopped tasks)',
      logGroupNames: [ev.logGroup.logGroupName],
      queryLines: [
        'fields @timestamp, `detail-type`, detail.eventName, detail.reason, detail.stopCode, detail.stoppedReason',
        'sort @timestamp desc',
        'limit 50',
      ],
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      width: 12,
      height: 6,
    }) : undefined,
  );
  row(...props.criticalAlarms.map(([name, alarm]) => new cloudwatch.AlarmWidget({ title: `Rollback alarm: ${name}`, alarm, width: 8, height: 5 })));
  return dashboard;
}
