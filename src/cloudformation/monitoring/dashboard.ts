/**
 * One dashboard per service and environment, in three parts that answer: is the system healthy (alarms, tasks,
 * targets per group, the database), are users affected (5xx, 4xx, latency, the error budget of the SLO, the custom
 * metrics the alarms watch), and what changed (ECS deployments, feature-flag deployments, task events, the history
 * of the rollback alarms).
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import type { MetricTargets } from './metrics';
import { resolveMetric, serviceTrafficMetrics } from './metrics';
import { AVAILABILITY_RATIO, LATENCY_RATIO } from './slo';
import { dashboardName, monitoringNamespace } from '../../core/naming';
import type { MetricSource, MonitoringModel, SliModel } from '../../monitoring/model';

export interface DashboardProps {
  readonly service: string;
  readonly environment: string;
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** The rollback alarms, with their literal names. */
  readonly criticalAlarms: ReadonlyArray<readonly [string, cloudwatch.Alarm]>;
  readonly targets: MetricTargets;
  /** The service's monitoring: its SLO (error budget) and the custom metrics its alarms watch. */
  readonly monitoring?: MonitoringModel;
  /** True when the stack deploys feature flags (AppConfig): their deployments are shown under "What changed?". */
  readonly featureFlags?: boolean;
}

/** The metric filter counting AppConfig deployment events, in the service's monitoring namespace. */
export const FLAG_DEPLOYMENTS_METRIC = 'FlagDeployments';
/**
 * AppConfig sends these deployment events to EventBridge itself, best effort, with source `aws.appconfig`
 * (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-appconfig.html). They carry no documented field we
 * could filter on for one application, so the rule takes every flag deployment of the account and region.
 */
export const FLAG_DEPLOYMENT_EVENTS = ['On Deployment Start', 'On Deployment Complete', 'On Deployment Rollback'];

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
  const cluster = t.cluster ?? t.ecsService?.cluster;
  row(
    graph('CPU and memory (%)', [resolveMetric({ kind: 'preset', preset: 'cpu' }, MINUTE, t), resolveMetric({ kind: 'preset', preset: 'memory' }, MINUTE, t)],
      { leftYAxis: { min: 0, max: 100 } }),
    // Container Insights (enabled on the cluster) publishes the service's task counts
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html).
    graph('Running vs desired tasks', t.ecsService && cluster ? (['RunningTaskCount', 'DesiredTaskCount'] as const).map((metricName) => new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName,
      dimensionsMap: { ClusterName: cluster.clusterName, ServiceName: t.ecsService!.serviceName },
      statistic: 'Average',
      period: Duration.minutes(1),
      label: metricName === 'RunningTaskCount' ? 'running' : 'desired',
    })) : [], { leftYAxis: { min: 0 } }),
    // One line per target group: during a blue/green, canary or linear deployment the tasks move from one to the other.
    graph('Targets per target group', t.targetGroups.flatMap((g, i) => [
      g.metrics.healthyHostCount({ statistic: 'Minimum', period: Duration.minutes(1), label: `healthy, ${groupLabel(i)}` }),
      g.metrics.unhealthyHostCount({ statistic: 'Maximum', period: Duration.minutes(1), label: `unhealthy, ${groupLabel(i)}` }),
    ]), { leftYAxis: { min: 0 } }),
    graph('Error log lines', [t.errorLines.with({ period: Duration.minutes(1), label: 'error lines / minute' })]),
  );
  databaseRow(scope, row, graph, heading);

  // 2. Are users affected?
  row(heading('## Are users affected?'));
  const minute = Duration.minutes(1);
  const traffic = serviceTrafficMetrics(t, minute);
  row(
    graph('5xx rate (%)', [resolveMetric({ kind: 'preset', preset: 'http-5xx-rate' }, MINUTE, t)], { leftYAxis: { min: 0 } }),
    graph('4xx (count)', [
      traffic && labelled(traffic.target4xx(), 'from the service'),
      traffic && labelled(traffic.elb4xx(), 'from the load balancer (all its services)'),
    ], { leftYAxis: { min: 0 } }),
    graph('p99 latency (ms)', [resolveMetric({ kind: 'preset', preset: 'p99-latency' }, MINUTE, t)], { leftYAxis: { min: 0 } }),
    graph('Requests', [
      // The service's requests (the load balancer is shared): one line per target group when blue and green both exist.
      ...(t.targetGroups.length > 1
        ? t.targetGroups.map((g, i) => g.metrics.requestCount({ statistic: 'Sum', period: minute, label: groupLabel(i) }))
        : [traffic && labelled(traffic.requests(), 'requests / minute')]),
    ]),
  );
  row(graph('Synthetic checks (% success)', [resolveMetric({ kind: 'preset', preset: 'canary' }, 5 * MINUTE, t)], { leftYAxis: { min: 0, max: 100 } }));
  const slo = props.monitoring?.slo;
  if (slo && t.loadBalancer) {
    const lb = { loadBalancer: t.loadBalancer, targetGroups: t.targetGroups };
    row(heading(`## Error budget: ${slo.slis.map((s) => `${s.kind} ${s.objective} %`).join(', ')} over ${slo.windowDays} days`));
    row(...slo.slis.flatMap((sli) => [
      // One value over the whole SLO window: the period is the widget's time range.
      new cloudwatch.SingleValueWidget({
        title: `Error budget remaining (%): ${sli.kind}`,
        metrics: [sliExpression(lb, sli, `100 * (1 - (RATIO) / ${sli.budget})`, 'budget remaining (%)', Duration.hours(1))],
        setPeriodToTimeRange: true,
        start: `-P${slo.windowDays}D`,
        width: 6,
        height: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `Burn rate (× budget, hourly): ${sli.kind}`,
        left: [sliExpression(lb, sli, `(RATIO) / ${sli.budget}`, 'burn rate', Duration.hours(1))],
        leftYAxis: { min: 0 },
        leftAnnotations: [{ value: 14.4, label: 'fast burn (page)' }, { value: 6, label: 'slow burn (page)' }, { value: 1, label: 'budget burn (ticket)' }],
        width: 6,
        height: 6,
      }),
    ]));
  }
  const custom = customMetrics(props.monitoring);
  if (custom.length > 0) {
    row(heading('## Custom metrics the alarms watch'));
    row(...custom.map(([title, metric]) => graph(title, [metric])));
  }

  // 3. What changed?
  row(heading('## What changed? Deployments, feature flags, task events and the history of the rollback alarms'));
  const ev = t.events;
  const flags = ev && props.featureFlags ? flagDeployments(scope, ev.logGroup, props.service, props.environment) : undefined;
  row(
    graph('Deployments', [
      ev?.deploymentsStarted?.with({ period: Duration.minutes(5), label: 'started' }),
      ev?.deploymentsFailed?.with({ period: Duration.minutes(5), label: 'failed' }),
      flags?.with({ period: Duration.minutes(5), label: 'feature-flag deployment events' }),
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
  if (ev && flags) {
    row(new cloudwatch.LogQueryWidget({
      title: 'Feature-flag deployments (AppConfig, this account and region)',
      logGroupNames: [ev.logGroup.logGroupName],
      queryLines: [
        'fields @timestamp, `detail-type`, @message',
        'filter source = "aws.appconfig"',
        'sort @timestamp desc',
        'limit 50',
      ],
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      width: 24,
      height: 6,
    }));
  }
  row(...props.criticalAlarms.map(([name, alarm]) => new cloudwatch.AlarmWidget({ title: `Rollback alarm: ${name}`, alarm, width: 8, height: 5 })));
  return dashboard;
}

/** Target groups in the order the stack gives them: the primary first, the alternate (blue/green) second. */
/** The metric with a label for the graph. */
function labelled(metric: cloudwatch.IMetric, label: string): cloudwatch.IMetric {
  return metric instanceof cloudwatch.MathExpression ? metric.with({ label }) : (metric as cloudwatch.Metric).with({ label });
}

function groupLabel(i: number): string {
  return i === 0 ? 'primary target group' : i === 1 ? 'alternate target group' : `target group ${i + 1}`;
}

/** An SLI's bad-request ratio (the burn-rate alarms' own expression) inside `template`, where RATIO stands for it. */
function sliExpression(
  targets: { readonly loadBalancer: elbv2.IApplicationLoadBalancer; readonly targetGroups: readonly elbv2.IApplicationTargetGroup[] },
  sli: SliModel, template: string, label: string, period: Duration,
): cloudwatch.MathExpression {
  const traffic = serviceTrafficMetrics(targets, period)!;
  const groups = targets.targetGroups;
  const rank = (g: elbv2.IApplicationTargetGroup) => g.metrics.targetResponseTime({ statistic: `PR(:${sli.thresholdSeconds})`, period });
  // As the burn-rate alarms read it (src/cloudformation/monitoring/slo.ts): the lowest percentile rank of the groups.
  const fast = groups.length === 1 ? rank(groups[0]) : new cloudwatch.MathExpression({
    expression: `MIN([${groups.map((_, i) => `FILL(pr${i}, 100)`).join(', ')}])`,
    usingMetrics: Object.fromEntries(groups.map((g, i) => [`pr${i}`, rank(g)])),
    label: 'percentile rank',
    period,
  });
  const usingMetrics: Record<string, cloudwatch.IMetric> = sli.kind === 'availability'
    ? { requests: traffic.requests(), target5xx: traffic.target5xx(), elb5xx: traffic.elb5xx() }
    : { fast };
  const ratio = sli.kind === 'availability' ? AVAILABILITY_RATIO : LATENCY_RATIO;
  return new cloudwatch.MathExpression({ expression: template.replace('RATIO', ratio), usingMetrics, label, period });
}

/** One graph per distinct custom metric an alarm of the service watches (threshold or anomaly), with its statistic. */
function customMetrics(monitoring: MonitoringModel | undefined): Array<[string, cloudwatch.Metric]> {
  const seen = new Map<string, [string, cloudwatch.Metric]>();
  for (const a of monitoring?.alarms ?? []) {
    const c = a.condition;
    if (c.kind !== 'threshold' && c.kind !== 'anomaly') continue;
    const m: MetricSource = c.metric;
    if (m.kind !== 'custom') continue;
    const key = JSON.stringify([m.namespace, m.metricName, m.dimensions, m.statistic]);
    if (seen.has(key)) continue;
    seen.set(key, [`${m.namespace} ${m.metricName} (${m.statistic})`, new cloudwatch.Metric({
      namespace: m.namespace,
      metricName: m.metricName,
      dimensionsMap: { ...m.dimensions },
      statistic: m.statistic,
      period: Duration.seconds(c.periodSeconds),
      label: `${m.metricName} (alarm ${a.name})`,
    })]);
  }
  return [...seen.values()];
}

/**
 * The database row, when the stack has the service's database (built before the monitoring, as the child
 * 'Database' of the stack): CPU, connections, free storage and memory, read and write latency.
 */
function databaseRow(
  scope: Construct,
  row: (...widgets: Array<cloudwatch.IWidget | undefined>) => void,
  graph: (title: string, metrics: Array<cloudwatch.IMetric | undefined>) => cloudwatch.GraphWidget | undefined,
  heading: (markdown: string) => cloudwatch.TextWidget,
): void {
  const db = Stack.of(scope).node.tryFindChild('Database');
  if (!(db instanceof rds.DatabaseInstance)) return;
  const period = Duration.minutes(1);
  row(heading('## Database'));
  row(
    graph('Database CPU (%)', [db.metricCPUUtilization({ statistic: 'Maximum', period, label: 'CPU' })]),
    graph('Database connections', [db.metricDatabaseConnections({ statistic: 'Maximum', period, label: 'connections' })]),
    graph('Database free storage and memory (bytes)', [
      db.metricFreeStorageSpace({ statistic: 'Minimum', period, label: 'free storage' }),
      db.metricFreeableMemory({ statistic: 'Minimum', period, label: 'freeable memory' }),
    ]),
    graph('Database read and write latency (s)', [
      db.metric('ReadLatency', { statistic: 'Average', period, label: 'read' }),
      db.metric('WriteLatency', { statistic: 'Average', period, label: 'write' }),
    ]),
  );
}

/**
 * Feature-flag deployments: AppConfig's own deployment events (EventBridge) into the service's ECS events log group
 * (whose resource policy lets EventBridge write), and a metric filter counting them for the Deployments graph.
 */
function flagDeployments(scope: Construct, logGroup: logs.ILogGroup, service: string, environment: string): cloudwatch.Metric {
  const stack = Stack.of(scope);
  const arn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  new events.Rule(scope, 'FlagDeployments', {
    description: `Feature-flag (AppConfig) deployments seen by ${service} in ${environment}`,
    eventPattern: { source: ['aws.appconfig'], detailType: FLAG_DEPLOYMENT_EVENTS },
    targets: [{ bind: () => ({ arn }) }],
  });
  const namespace = monitoringNamespace(service, environment);
  new logs.MetricFilter(scope, 'FlagDeploymentsFilter', {
    logGroup,
    filterPattern: logs.FilterPattern.stringValue('$.source', '=', 'aws.appconfig'),
    metricNamespace: namespace,
    metricName: FLAG_DEPLOYMENTS_METRIC,
    metricValue: '1',
    defaultValue: 0,
  });
  return new cloudwatch.Metric({ namespace, metricName: FLAG_DEPLOYMENTS_METRIC, statistic: 'Sum' });
}
