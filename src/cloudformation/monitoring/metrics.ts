/**
 * The CloudWatch metric behind each preset, read from whatever the stack has. A preset whose
 * target is missing resolves to undefined and its alarm is skipped.
 */
import { Duration } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as synthetics from 'aws-cdk-lib/aws-synthetics';
import type { ServiceEvents } from './events';
import type { MetricSource, MonitoringTarget } from '../../monitoring/model';
import { acrossTargetGroups } from '../load-balancer';

/** What the stack offers to read metrics from. */
export interface MetricTargets {
  readonly errorLines: cloudwatch.Metric;
  readonly ecsService?: ecs.BaseService;
  readonly cluster?: ecs.ICluster;
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  /** The service's target groups (blue, and green under blue/green, canary and linear); metrics sum over them. */
  readonly targetGroups: readonly elbv2.IApplicationTargetGroup[];
  readonly canary?: synthetics.Canary;
  readonly events?: ServiceEvents;
  /** The environment's autoscaling maximum (scaling-at-max compares the desired count with it). */
  readonly scalingMax?: number;
  readonly database?: rds.IDatabaseInstance;
  /** The database's instance class, for example `db.t4g.micro` (burstable classes spend CPU credits). */
  readonly databaseInstanceType?: string;
  /** Failed, aborted or expired AWS Backup jobs of the service's vault (from ServiceEvents). */
  readonly backupFailures?: cloudwatch.IMetric;
  /** Whether the stack tests the database's restores (an AWS Backup restore testing plan). */
  readonly restoreTesting?: boolean;
  /** RDS events of the database instance (ServiceEvents). */
  readonly databaseEvents?: cloudwatch.IMetric;
  readonly certificate?: acm.ICertificate;
  /** The INFO digest function. */
  readonly digest?: lambda.IFunction;
}

/** Which of the targets an alarm needs are missing. */
export function missingTargets(needs: readonly MonitoringTarget[], t: MetricTargets): MonitoringTarget[] {
  const has: Record<MonitoringTarget, boolean> = {
    'load-balancer': t.loadBalancer !== undefined,
    'target-group': t.targetGroups.length > 0,
    'ecs-service': t.ecsService !== undefined,
    'cluster': t.cluster !== undefined || t.ecsService !== undefined,
    'url': t.canary !== undefined,
    'log-group': true,
    'database': t.database !== undefined,
    'burstable-database': t.database !== undefined && /^db\.t\d/.test(t.databaseInstanceType ?? ''),
    'backup': t.backupFailures !== undefined,
    'restore-testing': t.restoreTesting === true,
    'certificate': t.certificate !== undefined,
    'digest': t.digest !== undefined,
  };
  return needs.filter((n) => !has[n]);
}

/** The metric of a source, with the alarm's period; undefined when a target is missing. */
/**
 * The load balancer metrics of this service only. The environment's load balancer is shared by its public services:
 * what targets answer (requests, target 4xx/5xx, connection errors, response time) is read per target group (each
 * group's metric carries its TargetGroup and LoadBalancer dimensions), summed over blue and green; what the load
 * balancer answers itself (ELB 4xx/5xx, such as a 503 when no target is healthy) exists only per load balancer, so
 * it counts for every service behind it.
 */
export function serviceTrafficMetrics(t: Pick<MetricTargets, 'loadBalancer' | 'targetGroups'>, period: Duration) {
  const lb = t.loadBalancer;
  if (!lb || t.targetGroups.length === 0) return undefined;
  const sum = (id: string, label: string, metric: (g: elbv2.IApplicationTargetGroup) => cloudwatch.IMetric) =>
    acrossTargetGroups(t.targetGroups, metric, label, period, id)!;
  return {
    requests: () => sum('rq', 'requests', (g) => g.metrics.requestCount({ statistic: 'Sum', period })),
    target5xx: () => sum('tf', 'target 5xx', (g) => g.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', period })),
    target4xx: () => sum('tv', 'target 4xx', (g) => g.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_4XX_COUNT, { statistic: 'Sum', period })),
    connectionErrors: () => sum('ce', 'target connection errors', (g) => g.metrics.targetConnectionErrorCount({ statistic: 'Sum', period })),
    /** The highest of the groups' percentiles (a raw metric with one group: metric math would drop EvaluateLowSampleCountPercentile). */
    p99: () => (t.targetGroups.length === 1
      ? t.targetGroups[0].metrics.targetResponseTime({ statistic: 'p99', period })
      : new cloudwatch.MathExpression({
        expression: `MAX([${t.targetGroups.map((_, i) => `FILL(rt${i}, 0)`).join(', ')}])`,
        usingMetrics: Object.fromEntries(t.targetGroups.map((g, i) => [`rt${i}`, g.metrics.targetResponseTime({ statistic: 'p99', period })])),
        label: 'p99 response time',
        period,
      })),
    elb5xx: () => lb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum', period }),
    elb4xx: () => lb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_4XX_COUNT, { statistic: 'Sum', period }),
  };
}

export function resolveMetric(source: MetricSource, periodSeconds: number, t: MetricTargets): cloudwatch.IMetric | undefined {
  const period = Duration.seconds(periodSeconds);
  if (source.kind === 'custom') {
    const { namespace, metricName, statistic } = source;
    return new cloudwatch.Metric({ namespace, metricName, dimensionsMap: { ...source.dimensions }, statistic, period });
  }
  const lb = serviceTrafficMetrics(t, period);
  const db = t.database;
  // Metric names, statistics and dimensions: "CloudWatch metrics for your Application Load Balancer"
  // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html), "Amazon ECS
  // Container Insights metrics" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html),
  // "Amazon CloudWatch metrics for Amazon RDS" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html).
  switch (source.preset) {
    case 'http-5xx-rate':
      // RequestCount counts only the requests routed to a target: the load balancer's own 503s (no healthy target) are
      // not in it, so they are added to the denominator, or a total outage would read 0 %.
      return lb && new cloudwatch.MathExpression({
        expression: 'IF((FILL(requests, 0) + FILL(elb5xx, 0)) > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)',
        usingMetrics: {
          requests: lb.requests(),
          target5xx: lb.target5xx(),
          elb5xx: lb.elb5xx(),
        },
        label: '5xx rate (%)',
        period,
      });
    case 'http-4xx-rate':
      return lb && new cloudwatch.MathExpression({
        expression: 'IF((FILL(requests, 0) + FILL(elb4xx, 0) + FILL(elb5xx, 0)) > 0, 100 * (FILL(target4xx, 0) + FILL(elb4xx, 0)) / (FILL(requests, 0) + FILL(elb4xx, 0) + FILL(elb5xx, 0)), 0)',
        usingMetrics: {
          requests: lb.requests(),
          target4xx: lb.target4xx(),
          elb4xx: lb.elb4xx(),
          elb5xx: lb.elb5xx(),
        },
        label: '4xx rate (%)',
        period,
      });
    case 'target-connection-errors':
      return lb?.connectionErrors();
    case 'p99-latency':
      // The percentile in seconds (the alarm's threshold is converted): raw with one target group.
      return lb?.p99();
    case 'unhealthy-hosts':
      return acrossTargetGroups(t.targetGroups, (g) => g.metrics.unhealthyHostCount({ statistic: 'Maximum', period }), 'unhealthy targets', period);
    case 'no-healthy-hosts':
      // Summed over every target group: after a blue/green, canary or linear deployment the tasks are in either one.
      return acrossTargetGroups(t.targetGroups, (g) => g.metrics.healthyHostCount({ statistic: 'Minimum', period }), 'healthy targets', period);
    case 'tasks-below-desired': {
      const dims = ecsDimensions(t);
      return dims && new cloudwatch.MathExpression({
        expression: 'FILL(desired, 0) - FILL(running, 0)',
        usingMetrics: {
          desired: new cloudwatch.Metric({ namespace: 'ECS/ContainerInsights', metricName: 'DesiredTaskCount', dimensionsMap: dims, statistic: 'Minimum', period }),
          running: new cloudwatch.Metric({ namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimensionsMap: dims, statistic: 'Minimum', period }),
        },
        label: 'tasks missing',
        period,
      });
    }
    case 'scaling-at-max': {
      const dims = ecsDimensions(t);
      return dims && t.scalingMax !== undefined ? new cloudwatch.MathExpression({
        expression: `100 * desired / ${t.scalingMax}`,
        usingMetrics: {
          desired: new cloudwatch.Metric({ namespace: 'ECS/ContainerInsights', metricName: 'DesiredTaskCount', dimensionsMap: dims, statistic: 'Minimum', period }),
        },
        label: 'desired tasks (% of the scaling maximum)',
        period,
      }) : undefined;
    }
    case 'cpu':
      return t.ecsService?.metricCpuUtilization({ statistic: 'Average', period });
    case 'memory':
      // The fullest task: one task heading for an out-of-memory kill hides in the average.
      return t.ecsService?.metricMemoryUtilization({ statistic: 'Maximum', period });
    case 'task-restarts':
      return t.events?.taskStops?.with({ period });
    case 'failed-deployments':
      return t.events?.deploymentsFailed?.with({ period });
    case 'error-rate':
      return t.errorLines.with({ period });
    case 'canary':
      return t.canary?.metricSuccessPercent({ period });
    case 'db-cpu':
      return db?.metricCPUUtilization({ statistic: 'Average', period });
    case 'db-cpu-credits':
      return db?.metric('CPUCreditBalance', { statistic: 'Minimum', period });
    case 'db-free-storage':
      return db?.metricFreeStorageSpace({ statistic: 'Minimum', period });
    case 'db-connections':
      return db?.metricDatabaseConnections({ statistic: 'Maximum', period });
    case 'db-freeable-memory':
      return db?.metricFreeableMemory({ statistic: 'Minimum', period });
    case 'db-read-latency':
      return db?.metric('ReadLatency', { statistic: 'Average', period });
    case 'db-write-latency':
      return db?.metric('WriteLatency', { statistic: 'Average', period });
    case 'backup-failures':
      return t.backupFailures && (t.backupFailures as cloudwatch.Metric).with({ period });
    case 'restore-test-failed':
      // "Monitoring AWS Backup metrics with CloudWatch": restore job counts carry one dimension, ResourceType.
      return t.restoreTesting ? new cloudwatch.Metric({
        namespace: 'AWS/Backup', metricName: 'NumberOfRestoreJobsFailed', dimensionsMap: { ResourceType: 'RDS' }, statistic: 'Sum', period,
      }) : undefined;
    case 'db-events':
      return t.databaseEvents && (t.databaseEvents as cloudwatch.Metric).with({ period });
    case 'certificate-expiry':
      // ACM publishes DaysToExpiry once a day (AWS/CertificateManager, dimension CertificateArn).
      return t.certificate?.metricDaysToExpiry({ statistic: 'Minimum', period });
    case 'digest-errors':
      return t.digest?.metricErrors({ statistic: 'Sum', period });
  }
}

/** The Container Insights dimensions of the ECS service (ClusterName, ServiceName). */
function ecsDimensions(t: MetricTargets): Record<string, string> | undefined {
  const svc = t.ecsService;
  if (!svc) return undefined;
  return { ClusterName: svc.cluster.clusterName, ServiceName: svc.serviceName };
}
