/**
 * SLO burn-rate alarms as CloudWatch resources: per alarm, two metric-math alarms (the long and the short window)
 * and a shared minimum-traffic guard per long window, under a composite alarm whose rule ANDs the three. The parts
 * have no actions: only the composite notifies (ServiceMonitoring routes it by severity like any other alarm).
 *
 * Facts used (AWS documentation):
 * - Application Load Balancer metrics
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
 *   `RequestCount` counts only requests for which the load balancer could choose a target, so the 503s it answers
 *   with no healthy target are in `HTTPCode_ELB_5XX_Count` only: the bad requests are target 5xx + ELB 5xx, and the
 *   ELB 5xx are added to the denominator too (a total outage reads 100 %, not 0 %). `TargetResponseTime` is in
 *   seconds. Every one of them is reported only when non-zero or when requests flow: FILL(…, 0).
 * - Statistics (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html):
 *   percentile rank `PR(:t)` is the percentage of data points at or below t; PutMetricAlarm accepts `PR(n:m)` as an
 *   extended statistic and a metric-math MetricStat takes any statistic, so the good share of requests is
 *   `PR(:threshold)` of TargetResponseTime. (Trimmed count `TC` with absolute bounds is not among the alarm's
 *   documented extended statistics, which list only `TC(X%:X%)`.)
 * - Limits (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html): period ×
 *   evaluation periods at most 1 day below a 1-hour period, 7 days from 1 hour up; see BURN_TIERS.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import { pascalCase } from '../../core/names';
import type { BurnRateCondition, BurnWindowModel } from '../../monitoring/model';
import { windowText } from '../../monitoring/slo';

export interface BurnRateAlarmProps {
  /** The composite's CloudWatch name, `<service>-<env>-<alarm>`; the parts add their window to it. */
  readonly name: string;
  /** `<service>-<env>`: the prefix of the shared traffic guards. */
  readonly prefix: string;
  readonly description: string;
  readonly condition: BurnRateCondition;
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The service's target groups (blue, and green when the strategy shifts traffic). */
  readonly targetGroups: readonly elbv2.IApplicationTargetGroup[];
}

const ELB = 'AWS/ApplicationELB';

/**
 * The bad-request ratio (0 to 1) of an SLI as metric-data queries, the returned series with id `ratio`. What targets
 * answer is read per target group of the service (the load balancer is shared by the environment's public services)
 * and summed over blue and green; the load balancer's own 5xx exist only per load balancer.
 */
export function sliQueries(
  c: BurnRateCondition, lb: elbv2.IApplicationLoadBalancer, targetGroups: readonly elbv2.IApplicationTargetGroup[], periodSeconds: number,
): cloudwatch.CfnAlarm.MetricDataQueryProperty[] {
  // The dimensions as aws-cdk-lib's own metrics carry them: LoadBalancer (its full name) and TargetGroup.
  const dimensionsOf = (m: cloudwatch.IMetric) =>
    Object.entries((m as cloudwatch.Metric).dimensions ?? {}).map(([name, value]) => ({ name, value: String(value) }));
  type Dimensions = Array<{ name: string; value: string }>;
  const stat = (id: string, metricName: string, s: string, dimensions: Dimensions): cloudwatch.CfnAlarm.MetricDataQueryProperty => ({
    id,
    returnData: false,
    metricStat: { metric: { namespace: ELB, metricName, dimensions }, period: periodSeconds, stat: s },
  });
  const groups = targetGroups.map((g) => dimensionsOf(g.metrics.requestCount()));
  /** `id` summed over the groups: one query per group (`<id>0`, …) and the sum under `id`. */
  const perGroup = (id: string, metricName: string, s: string, combine: (ids: string[]) => string): cloudwatch.CfnAlarm.MetricDataQueryProperty[] => [
    ...groups.map((d, i) => stat(`${id}${i}`, metricName, s, d)),
    { id, expression: combine(groups.map((_, i) => `${id}${i}`)), returnData: false },
  ];
  const sum = (ids: string[]) => ids.map((i) => `FILL(${i}, 0)`).join(' + ');
  if (c.sli.kind === 'availability') {
    return [
      ...perGroup('requests', 'RequestCount', 'Sum', sum),
      ...perGroup('target5xx', 'HTTPCode_Target_5XX_Count', 'Sum', sum),
      stat('elb5xx', 'HTTPCode_ELB_5XX_Count', 'Sum', dimensionsOf(lb.metrics.requestCount())),
      { id: 'ratio', expression: AVAILABILITY_RATIO, label: 'bad-request ratio (5xx)', returnData: true },
    ];
  }
  return [
    // The lowest percentile rank of the groups: the group with more slow responses counts (no requests: 100 %).
    ...perGroup('fast', 'TargetResponseTime', `PR(:${c.sli.thresholdSeconds})`, (ids) => (ids.length === 1 ? `FILL(${ids[0]}, 100)` : `MIN([${ids.map((i) => `FILL(${i}, 100)`).join(', ')}])`)),
    { id: 'ratio', expression: LATENCY_RATIO, label: `bad-request ratio (slower than ${c.sli.thresholdSeconds} s)`, returnData: true },
  ];
}

/** 5xx (target and load balancer) over every request (target-routed and load balancer 5xx); 0 without requests. */
export const AVAILABILITY_RATIO = 'IF((FILL(requests, 0) + FILL(elb5xx, 0)) > 0, (FILL(target5xx, 0) + FILL(elb5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)';
/** The share of responses slower than the threshold: 100 % minus the percentile rank; 0 without responses. */
export const LATENCY_RATIO = '(100 - FILL(fast, 100)) / 100';
/** Every request the load balancer received for the service: target-routed plus the 5xx it answered itself. */
export const TRAFFIC = 'FILL(requests, 0) + FILL(elb5xx, 0)';

/** Create the burn-rate alarm: its two windows, the traffic guard (shared per long window), and the composite. */
export function burnRateAlarm(scope: Construct, id: string, props: BurnRateAlarmProps): cloudwatch.CompositeAlarm {
  const { condition: c, loadBalancer: lb } = props;
  const partOf = `Part of ${props.name}; does not notify (the composite alarm does).`;
  const window = (w: BurnWindowModel, which: string) => {
    const suffix = windowText(w.periodSeconds * w.evaluationPeriods);
    const name = `${props.name}-${suffix}`;
    const alarm = new cloudwatch.CfnAlarm(scope, `${id}${which}`, {
      alarmName: name,
      alarmDescription: `${partOf} Bad-request ratio over ${suffix} >= ${c.threshold} (${c.burnRate} × the error budget ${c.sli.budget}).`,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: c.threshold,
      evaluationPeriods: w.evaluationPeriods,
      datapointsToAlarm: w.datapointsToAlarm,
      treatMissingData: c.treatMissingData,
      metrics: sliQueries(c, lb, props.targetGroups, w.periodSeconds),
    });
    return { name, alarm };
  };
  const long = window(c.long, 'Long');
  const short = window(c.short, 'Short');
  const guard = trafficGuard(scope, props.prefix, c, lb, props.targetGroups);
  const composite = new cloudwatch.CompositeAlarm(scope, id, {
    compositeAlarmName: props.name,
    alarmDescription: props.description,
    alarmRule: cloudwatch.AlarmRule.fromString([long.name, short.name, guard.name].map((n) => `ALARM("${n}")`).join(' AND ')),
  });
  // The rule names the parts literally: CloudWatch needs them to exist before the composite.
  for (const part of [long.alarm, short.alarm, guard.alarm]) composite.node.addDependency(part);
  return composite;
}

/** At least `minimumRequests` requests per long-window period: one alarm per long window, shared by the SLIs. */
function trafficGuard(
  scope: Construct, prefix: string, c: BurnRateCondition, lb: elbv2.IApplicationLoadBalancer, targetGroups: readonly elbv2.IApplicationTargetGroup[],
): { name: string; alarm: cloudwatch.CfnAlarm } {
  const w = c.long;
  const suffix = windowText(w.periodSeconds * w.evaluationPeriods);
  const name = `${prefix}-slo-traffic-${suffix}`;
  const id = `SloTraffic${pascalCase(suffix)}Alarm`;
  const existing = scope.node.tryFindChild(id);
  if (existing instanceof cloudwatch.CfnAlarm) return { name, alarm: existing };
  const requests = sliQueries({ ...c, sli: { ...c.sli, kind: 'availability' } }, lb, targetGroups, w.periodSeconds).filter((q) => /^requests\d*$/.test(q.id) || q.id === 'elb5xx');
  const alarm = new cloudwatch.CfnAlarm(scope, id, {
    alarmName: name,
    alarmDescription: `Minimum-traffic guard of the SLO burn-rate alarms over ${suffix}: at least ${c.minimumRequests} requests per ${windowText(w.periodSeconds)}, `
      + 'so that a few failures among a handful of requests do not page. Does not notify.',
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    threshold: c.minimumRequests,
    evaluationPeriods: w.evaluationPeriods,
    datapointsToAlarm: w.datapointsToAlarm,
    // No requests at all: the guard is not met (the canary and the 5xx-rate alarm cover a dead load balancer).
    treatMissingData: 'notBreaching',
    metrics: [...requests, { id: 'traffic', expression: TRAFFIC, label: 'requests', returnData: true }],
  });
  return { name, alarm };
}
