/**
 * The CloudWatch metric behind each preset, read from whatever the stack has. A preset whose
 * target is missing resolves to undefined and its alarm is skipped.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
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
  };
  return needs.filter((n) => !has[n]);
}

/** The metric of a source, with the alarm's period; undefined when a target is missing. */
export function resolveMetric(source: MetricSource, periodSeconds: number, t: MetricTargets): cloudwatch.IMetric | undefined {
  const period = Duration.seconds(periodSeconds);
  if (source.kind === 'custom') {
    const { namespace, metricName, statistic } = source;
    return new cloudwatch.Metric({ namespace, metricName, dimensionsMap: { ...source.dimensions }, statistic, period });
  }
  const lb = t.loadBalancer;
  switch (source.preset) {
    case 'http-5xx-rate':
      return lb && new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)',
        usingMetrics: {
          requests: lb.metrics.requestCount({ statistic: 'Sum', period }),
          target5xx: lb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', period }),
          elb5xx: lb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum', period }),
        },
        label: '5xx rate (%)',
        period,
      });
    case 'p99-latency':
      return lb && new cloudwatch.MathExpression({
        expression: '1000 * latency',
        usingMetrics: { latency: lb.metrics.targetResponseTime({ statistic: 'p99', period }) },
        label: 'p99 latency (ms)',
        period,
      });
    case 'unhealthy-hosts':
      return acrossTargetGroups(t.targetGroups, (g) => g.metrics.unhealthyHostCount({ statistic: 'Maximum', period }), 'unhealthy targets', period);
    case 'cpu':
      return t.ecsService?.metricCpuUtilization({ statistic: 'Average', period });
    case 'memory':
      return t.ecsService?.metricMemoryUtilization({ statistic: 'Average', period });
    case 'task-restarts':
      return t.events?.taskStops?.with({ period });
    case 'failed-deployments':
      return t.events?.deploymentsFailed?.with({ period });
    case 'error-rate':
      return t.errorLines.with({ period });
    case 'canary':
      return t.canary?.metricSuccessPercent({ period });
  }
}
