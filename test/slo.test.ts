/**
 * SLOs and burn rates (issue 14): the multiwindow, multi-burn-rate alarms a Monitoring's `slo` generates (metric math,
 * statistics, periods, evaluation, thresholds, missing data, composite rules, actions), their runbooks, the
 * dashboard (error budget, tasks, target groups, 4xx, database, custom metrics, flag deployments) and the
 * postmortem template.
 */
import * as os from 'os';
import { ESCALATION, shop, synthShop } from './monitoring-helpers';
import { AlarmMetric, Database, Duration, FeatureFlag, Service, Severity, Shipshape } from '../src';
import type { SloOptions } from '../src';
import { AVAILABILITY_RATIO, LATENCY_RATIO, TRAFFIC } from '../src/cloudformation/monitoring/slo';
import { renderPostmortemTemplate } from '../src/monitoring/docs/incident';
import { CloudFormationValidator } from '../src/validators/cloudformation';

jest.setTimeout(60_000);

const SLO: SloOptions = { availability: { target: 99.9 }, latency: { thresholdMs: 300, target: 99 }, window: Duration.days(30) };

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

function byName(json: Record<string, any>): Map<string, [string, Resource]> {
  const out = new Map<string, [string, Resource]>();
  for (const [id, r] of Object.entries(json.Resources as Record<string, Resource>)) {
    const name = r.Properties?.AlarmName;
    if (typeof name === 'string') out.set(name, [id, r]);
  }
  return out;
}

/** The dashboard body with every token replaced by '<token>'. */
function dashboard(json: Record<string, any>): { widgets: Array<{ type: string; properties: Record<string, any> }> } {
  const body = Object.values(json.Resources as Record<string, Resource>).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : '<token>')).join('');
  return JSON.parse(text);
}

const widget = (json: Record<string, any>, title: string) => dashboard(json).widgets.find((w) => w.properties.title === title);

describe('GIVEN a Monitoring with an availability (99.9 %) and a latency (300 ms, 99 %) SLO over 30 days', () => {
  const { json, files } = synthShop({ monitoring: { slo: SLO } });
  const alarms = byName(json);
  const topic = (severity: string) => Object.entries(json.Resources as Record<string, Resource>)
    .find(([id, r]) => r.Type === 'AWS::SNS::Topic' && id.startsWith(`MonitoringRoutes${severity}`))![0];

  const TIERS = [
    { name: 'fast-burn', burn: 14.4, long: [3600, 1, 1, '1h'], short: [300, 1, 1, '5m'], severity: 'Critical', guard: 100 },
    { name: 'slow-burn', burn: 6, long: [21600, 1, 1, '6h'], short: [1800, 1, 1, '30m'], severity: 'Critical', guard: 600 },
    { name: 'budget-burn', burn: 1, long: [86400, 3, 3, '3d'], short: [21600, 1, 1, '6h'], severity: 'Warning', guard: 2400 },
  ] as const;

  describe.each(TIERS)('THEN the $name alarms', (tier) => {
    test.each([['availability', 0.001], ['latency', 0.01]] as const)('of %s: long and short metric-math windows at burn × budget, no actions', (sli, budget) => {
      const threshold = Number((tier.burn * budget).toPrecision(10));
      for (const [window, which] of [[tier.long, 'long'], [tier.short, 'short']] as const) {
        const [, part] = alarms.get(`api-prod-slo-${sli}-${tier.name}-${window[3]}`) ?? [undefined, undefined];
        expect({ which, found: part !== undefined }).toEqual({ which, found: true });
        const p = part!.Properties;
        expect(p).toMatchObject({
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: threshold,
          EvaluationPeriods: window[1],
          DatapointsToAlarm: window[2],
          TreatMissingData: 'notBreaching',
        });
        // Page from the composite only: the windows notify no one.
        expect(p.AlarmActions).toBeUndefined();
        expect(p.OKActions).toBeUndefined();
        const returned = p.Metrics.filter((m: any) => m.ReturnData);
        expect(returned).toEqual([expect.objectContaining({ Id: 'ratio', Expression: sli === 'availability' ? AVAILABILITY_RATIO : LATENCY_RATIO })]);
        const stats = p.Metrics.filter((m: any) => m.MetricStat)
          .map((m: any) => [m.Id, m.MetricStat.Metric.Namespace, m.MetricStat.Metric.MetricName, m.MetricStat.Stat, m.MetricStat.Period]);
        // What targets answer, per target group of the service (blue and green: the load balancer is shared by the
        // environment's public services), and the load balancer's own 5xx.
        expect(stats).toEqual(sli === 'availability'
          ? [
            ['requests0', 'AWS/ApplicationELB', 'RequestCount', 'Sum', window[0]],
            ['requests1', 'AWS/ApplicationELB', 'RequestCount', 'Sum', window[0]],
            ['target5xx0', 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'Sum', window[0]],
            ['target5xx1', 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'Sum', window[0]],
            ['elb5xx', 'AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', 'Sum', window[0]],
          ]
          : [['fast0', 'AWS/ApplicationELB', 'TargetResponseTime', 'PR(:0.3)', window[0]], ['fast1', 'AWS/ApplicationELB', 'TargetResponseTime', 'PR(:0.3)', window[0]]]);
        const dimensions = p.Metrics.filter((m: any) => /^(requests|target5xx|fast)\d$/.test(m.Id)).map((m: any) => m.MetricStat.Metric.Dimensions.map((d: any) => d.Name).sort());
        for (const d of dimensions) expect(d).toEqual(['LoadBalancer', 'TargetGroup']);
        const sums = p.Metrics.filter((m: any) => m.Expression && !m.ReturnData).map((m: any) => [m.Id, m.Expression]);
        expect(sums).toEqual(sli === 'availability'
          ? [['requests', 'FILL(requests0, 0) + FILL(requests1, 0)'], ['target5xx', 'FILL(target5xx0, 0) + FILL(target5xx1, 0)']]
          : [['fast', 'MIN([FILL(fast0, 100), FILL(fast1, 100)])']]);
      }
    });

    test('traffic guard: requests (target-routed + ELB 5xx) per long period, at least minimumRequestsPerHour × hours', () => {
      const [, guard] = alarms.get(`api-prod-slo-traffic-${tier.long[3]}`)!;
      expect(guard.Properties).toMatchObject({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: tier.guard,
        EvaluationPeriods: tier.long[1],
        DatapointsToAlarm: tier.long[2],
        TreatMissingData: 'notBreaching',
      });
      expect(guard.Properties.AlarmActions).toBeUndefined();
      expect(guard.Properties.Metrics.find((m: any) => m.ReturnData).Expression).toBe(TRAFFIC);
      expect(guard.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.MetricStat.Metric.MetricName, m.MetricStat.Period]))
        .toEqual([['RequestCount', tier.long[0]], ['RequestCount', tier.long[0]], ['HTTPCode_ELB_5XX_Count', tier.long[0]]]);
    });

    test.each(['availability', 'latency'])('of %s: the composite ANDs long, short and guard, and alone notifies its severity route', (sli) => {
      const name = `api-prod-slo-${sli}-${tier.name}`;
      const [, composite] = alarms.get(name)!;
      expect(composite.Type).toBe('AWS::CloudWatch::CompositeAlarm');
      expect(composite.Properties.AlarmRule).toBe(`ALARM("${name}-${tier.long[3]}") AND ALARM("${name}-${tier.short[3]}") AND ALARM("api-prod-slo-traffic-${tier.long[3]}")`);
      expect(composite.Properties.AlarmActions).toEqual([{ Ref: topic(tier.severity) }]);
      // The parts exist before the composite that names them.
      const ids = [`${name}-${tier.long[3]}`, `${name}-${tier.short[3]}`, `api-prod-slo-traffic-${tier.long[3]}`].map((n) => alarms.get(n)![0]);
      expect(composite.DependsOn).toEqual(expect.arrayContaining(ids));
    });
  });

  test('THEN every metric alarm stays within CloudWatch evaluation limits (1 day below a 1-hour period, 7 days from 1 hour)', () => {
    for (const [name, [, r]] of alarms) {
      if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
      const period = r.Properties.Period ?? r.Properties.Metrics.find((m: any) => m.MetricStat).MetricStat.Period;
      const limit = period < 3600 ? 86400 : 604800;
      expect({ name, range: period * r.Properties.EvaluationPeriods <= limit }).toEqual({ name, range: true });
    }
  });

  test('THEN the burn-rate alarms do not roll deployments back (their windows outlast any bake)', () => {
    const service = Object.values(json.Resources as Record<string, Resource>).find((r) => r.Type === 'AWS::ECS::Service')!;
    const names: string[] = service.Properties.DeploymentConfiguration.Alarms.AlarmNames;
    expect(names.filter((n) => n.includes('slo-'))).toEqual([]);
    expect(names).toContain('api-prod-http-5xx-rate');
  });

  test('THEN each burn-rate alarm has a runbook whose condition states windows, threshold and guard', () => {
    const runbook = files['docs/runbooks/slo-availability-fast-burn.md'];
    expect(runbook).toContain('| Severity | **CRITICAL** |');
    expect(runbook).toContain('| Condition | bad-request ratio `>= 0.0144` (14.4 × the error budget 0.001) over 1h AND over 5m, AND at least 100 requests per 1h (traffic guard) |');
    expect(files['docs/runbooks/slo-latency-budget-burn.md']).toContain('| Condition | bad-request ratio `>= 0.01` (1 × the error budget 0.01) over each of 3 periods of 1d AND over 6h, AND at least 2400 requests per 1d (traffic guard) |');
    expect(files['docs/runbooks/slo-latency-budget-burn.md']).toContain('| Severity | **WARNING** |');
    expect(files['docs/incident-response.md']).toContain('| api | slo-availability-slow-burn | CRITICAL | [docs/runbooks/slo-availability-slow-burn.md](runbooks/slo-availability-slow-burn.md) |');
  });

  test('THEN the dashboard shows the error budget remaining over the SLO window and the burn rate against the alert thresholds', () => {
    const budget = widget(json, 'Error budget remaining (%): availability')!;
    expect(budget.properties).toMatchObject({ view: 'singleValue', setPeriodToTimeRange: true, start: '-P30D' });
    expect(budget.properties.metrics[0][0].expression).toBe(`100 * (1 - (${AVAILABILITY_RATIO}) / 0.001)`);
    const latency = widget(json, 'Error budget remaining (%): latency')!;
    expect(latency.properties.metrics[0][0].expression).toBe(`100 * (1 - (${LATENCY_RATIO}) / 0.01)`);
    // The lowest percentile rank of the service's two target groups.
    expect(latency.properties.metrics[1][0].expression).toBe('MIN([FILL(pr0, 100), FILL(pr1, 100)])');
    expect(latency.properties.metrics.slice(2).map((m: any) => [m[1], [m[2], m[4]].sort()])).toEqual([
      ['TargetResponseTime', ['LoadBalancer', 'TargetGroup']], ['TargetResponseTime', ['LoadBalancer', 'TargetGroup']],
    ]);
    const burn = widget(json, 'Burn rate (× budget, hourly): availability')!;
    expect(burn.properties.annotations.horizontal.map((a: any) => a.value)).toEqual([14.4, 6, 1]);
  });

  test('THEN the CloudFormation validator (cfn-lint rules) finds nothing on the burn-rate alarms', () => {
    const cfn = new CloudFormationValidator();
    try {
      const found = cfn.validate(JSON.stringify(json), 'prod.template.json').filter((f) => f.severity !== 'info');
      expect(found).toEqual([]);
    } finally {
      cfn.free();
    }
  });
});

describe('GIVEN a 99.5 % availability SLO with a guard of 1000 requests an hour', () => {
  const { json } = synthShop({ monitoring: { slo: { availability: { target: 99.5 }, minimumRequestsPerHour: 1000 } } });
  const alarms = byName(json);
  test('THEN the thresholds are 14.4, 6 and 1 times the 0.5 % budget and the guards scale with the long window', () => {
    expect(alarms.get('api-prod-slo-availability-fast-burn-1h')![1].Properties.Threshold).toBe(0.072);
    expect(alarms.get('api-prod-slo-availability-slow-burn-6h')![1].Properties.Threshold).toBe(0.03);
    expect(alarms.get('api-prod-slo-availability-budget-burn-3d')![1].Properties.Threshold).toBe(0.005);
    expect(alarms.get('api-prod-slo-traffic-1h')![1].Properties.Threshold).toBe(1000);
    expect(alarms.get('api-prod-slo-traffic-6h')![1].Properties.Threshold).toBe(6000);
    expect(alarms.get('api-prod-slo-traffic-3d')![1].Properties.Threshold).toBe(24000);
    expect([...alarms.keys()].filter((n) => n.includes('slo-latency'))).toEqual([]);
  });
});

describe('GIVEN no load balancer', () => {
  test('THEN the burn-rate alarms are skipped in that stack (their SLIs are load balancer metrics)', () => {
    const { json } = synthShop({ url: false, monitoring: { slo: SLO } });
    expect([...byName(json).keys()].filter((n) => n.includes('slo-'))).toEqual([]);
  });
});

describe('dashboard', () => {
  const { json } = synthShop({
    extra: (m, p) => {
      const api = Shipshape.of(p).membersOf(Service)[0];
      new Database(p, 'db', { service: api, databaseName: 'app', username: 'app' });
      new FeatureFlag(p, 'new-checkout', { description: 'Serve the new checkout flow', values: { prod: true } });
      m.addAlarm('orders-backlog', {
        severity: Severity.WARNING, metric: AlarmMetric.custom({ namespace: 'shop', metricName: 'OrdersBacklog', statistic: 'Maximum' }), threshold: 500, unit: 'count',
      });
    },
  });

  test('THEN running vs desired tasks come from Container Insights, not from the sample count of CPU', () => {
    const w = widget(json, 'Running vs desired tasks')!;
    expect(w.properties.metrics.map((m: unknown[]) => [m[0], m[1], m[2], m[4]])).toEqual([
      ['ECS/ContainerInsights', 'RunningTaskCount', 'ClusterName', 'ServiceName'],
      ['ECS/ContainerInsights', 'DesiredTaskCount', 'ClusterName', 'ServiceName'],
    ]);
    expect(JSON.stringify(dashboard(json))).not.toContain('SampleCount');
  });

  test('THEN targets and requests are shown per target group (both groups of a canary or blue/green deployment)', () => {
    const w = widget(json, 'Targets per target group')!;
    expect(w.properties.metrics.map((m: any[]) => m[m.length - 1].label)).toEqual([
      'healthy, primary target group', 'unhealthy, primary target group', 'healthy, alternate target group', 'unhealthy, alternate target group',
    ]);
    const requests = widget(json, 'Requests')!;
    // The service's requests, per target group (the load balancer is shared: not its total).
    expect(requests.properties.metrics.map((m: any[]) => m[m.length - 1].label)).toEqual(['primary target group', 'alternate target group']);
    expect(requests.properties.metrics.map((m: any[]) => [m[2], m[4]].sort())).toEqual([['LoadBalancer', 'TargetGroup'], ['LoadBalancer', 'TargetGroup']]);
  });

  test('THEN 4xx from the service and from the load balancer are graphed', () => {
    const w = widget(json, '4xx (count)')!;
    const shown = w.properties.metrics.filter((m: any[]) => m[m.length - 1].visible !== false);
    expect(shown.map((m: any[]) => m[m.length - 1].label)).toEqual(['from the service', 'from the load balancer (all its services)']);
    // The service's own: target 4xx of its target groups; the load balancer's own 4xx exist only per load balancer.
    expect(w.properties.metrics.filter((m: any[]) => m[m.length - 1].visible === false).map((m: any[]) => [m[1], m[2]]))
      .toEqual([['HTTPCode_Target_4XX_Count', 'LoadBalancer'], ['HTTPCode_Target_4XX_Count', 'LoadBalancer']]);
    expect(shown[1][1]).toBe('HTTPCode_ELB_4XX_Count');
  });

  test('THEN the database row graphs CPU, connections, storage, memory and latency of the instance', () => {
    const names = ['Database CPU (%)', 'Database connections', 'Database free storage and memory (bytes)', 'Database read and write latency (s)']
      .flatMap((t) => widget(json, t)!.properties.metrics.map((m: any[]) => `${m[0]} ${m[1]}`));
    expect(names).toEqual(['AWS/RDS CPUUtilization', 'AWS/RDS DatabaseConnections', 'AWS/RDS FreeStorageSpace', 'AWS/RDS FreeableMemory', 'AWS/RDS ReadLatency', 'AWS/RDS WriteLatency']);
  });

  test('THEN the custom metric an alarm watches is graphed with its statistic', () => {
    const w = widget(json, 'shop OrdersBacklog (Maximum)')!;
    expect(w.properties.metrics).toEqual([['shop', 'OrdersBacklog', { label: 'OrdersBacklog (alarm orders-backlog)', period: 60, stat: 'Maximum' }]]);
  });

  test('THEN feature-flag deployments (AppConfig events) reach the events log group and "What changed?"', () => {
    const rule = Object.values(json.Resources as Record<string, Resource>)
      .find((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern?.source?.[0] === 'aws.appconfig')!;
    expect(rule.Properties.EventPattern).toEqual({ 'source': ['aws.appconfig'], 'detail-type': ['On Deployment Start', 'On Deployment Complete', 'On Deployment Rollback'] });
    const filter = Object.values(json.Resources as Record<string, Resource>)
      .find((r) => r.Type === 'AWS::Logs::MetricFilter' && r.Properties.MetricTransformations[0].MetricName === 'FlagDeployments')!;
    expect(filter.Properties.FilterPattern).toBe('{ $.source = "aws.appconfig" }');
    const table = widget(json, 'Feature-flag deployments (AppConfig, this account and region)')!;
    expect(table.properties.query).toContain('filter source = "aws.appconfig"');
    expect(widget(json, 'Deployments')!.properties.metrics.map((m: any[]) => m[m.length - 1].label)).toContain('feature-flag deployment events');
  });

  test('GIVEN no feature flags THEN there is no AppConfig rule', () => {
    const { json: plain } = synthShop();
    expect(Object.values(plain.Resources as Record<string, Resource>).filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern?.source?.[0] === 'aws.appconfig')).toEqual([]);
  });
});

describe('postmortem template', () => {
  test('GIVEN an SLO THEN it asks for the error budget consumed per SLI, the time to detect and the time to mitigate', () => {
    const model = Shipshape.of(shop(os.tmpdir(), { monitoring: { slo: SLO } })).model();
    const text = renderPostmortemTemplate(model);
    expect(text).toContain('  - `api` availability (99.9 % over 30 days): __ % of the budget (remaining before: __ %, after: __ %)');
    expect(text).toContain('  - `api` latency (99 % over 30 days): __ % of the budget (remaining before: __ %, after: __ %)');
    expect(text).toContain('- Time to detect (first user impact → first alarm or page):');
    expect(text).toContain('- Time to mitigate (first alarm or page → users no longer affected):');
  });

  test('GIVEN no SLO THEN it still asks for the budget, saying none is declared', () => {
    const model = Shipshape.of(shop(os.tmpdir(), { escalation: ESCALATION })).model();
    expect(renderPostmortemTemplate(model)).toContain('- Error budget consumed: no SLO is declared (Monitoring `slo`); estimate the share of requests that failed.');
  });
});
