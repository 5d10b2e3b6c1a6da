/**
 * Blue/green, canary and linear wired as AWS documents them ("Application Load Balancer resources for blue/green,
 * linear, and canary deployments", "Amazon ECS infrastructure IAM role for load balancers", "Amazon ECS deployment
 * failure detection"), and alarms, dashboard and scaling that follow the tasks across both target groups.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { Project } from 'projen';
import { DOMAIN, envTemplate } from './cloudformation-helpers';
import { DeploymentStrategy, Duration, EscalationPolicy, Monitoring, ScalingTarget, type Service } from '../src';

/** A Monitoring with every preset, and the escalation its CRITICAL alarms need. */
function monitored(project: Project, service: Service): void {
  new EscalationPolicy(project, 'escalation', { critical: { pagerEndpointParameter: '/pager/url' }, warning: { email: ['team@example.com'] }, info: { email: ['digest@example.com'] } });
  new Monitoring(project, 'ops', { service });
}

type Resource = { Type: string; Properties: Record<string, any> };

const SHIFTING = {
  'blue-green': () => DeploymentStrategy.blueGreen(),
  'canary': () => DeploymentStrategy.canary({ percent: 10 }),
  'linear': () => DeploymentStrategy.linear({ stepPercent: 25 }),
} as const;

function logicalId(t: Template, type: string, pattern: RegExp): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => pattern.test(id));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function resourcesOf(t: Template, type: string): Resource[] {
  return Object.values(t.findResources(type)) as Resource[];
}

/** The target groups a metric-data query list reads, by logical id. */
function targetGroupsRead(metrics: Array<Record<string, any>>): string[] {
  return metrics
    .flatMap((m) => m.MetricStat?.Metric?.Dimensions ?? [])
    .filter((d: any) => d.Name === 'TargetGroup')
    .map((d: any) => d.Value['Fn::GetAtt'][0])
    .sort();
}

describe.each(Object.entries(SHIFTING))('%s: the load balancer resources ECS needs', (_kind, strategy) => {
  const t = envTemplate({ domain: DOMAIN, strategy: strategy() });
  const blue = logicalId(t, 'AWS::ElasticLoadBalancingV2::TargetGroup', /^BlueTargetGroup/);
  const green = logicalId(t, 'AWS::ElasticLoadBalancingV2::TargetGroup', /^GreenTargetGroup/);
  const rule = logicalId(t, 'AWS::ElasticLoadBalancingV2::ListenerRule', /^ProductionRule/);
  const roleId = () => logicalId(t, 'AWS::IAM::Role', /^EcsInfrastructureRole/);

  test('the production listener rule forwards to both target groups: blue weight 100, green weight 0', () => {
    // The listener is the environment stack's, shared by every public service: the rule imports it.
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { 'Fn::ImportValue': 'shop-prod-environment:HttpsListenerArn' },
      Actions: [{
        Type: 'forward',
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: { Ref: blue }, Weight: 100 }, { TargetGroupArn: { Ref: green }, Weight: 0 }] },
      }],
    });
  });

  test('the ECS service names blue, the alternate (green) target group, the production rule and the infrastructure role', () => {
    t.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [{
        ContainerName: 'api',
        ContainerPort: 8080,
        TargetGroupArn: { Ref: blue },
        AdvancedConfiguration: {
          AlternateTargetGroupArn: { Ref: green },
          ProductionListenerRule: { Ref: rule },
          RoleArn: { 'Fn::GetAtt': [roleId(), 'Arn'] },
          // The canary reaches the new tasks through the test listener rule during a deployment.
          TestListenerRule: { Ref: logicalId(t, 'AWS::ElasticLoadBalancingV2::ListenerRule', /^TestRule/) },
        },
      }],
    });
  });

  test('the test listener rule is on its own HTTPS listener (8443), only for requests with the test header, forwarding to both groups; the canary calls it with that header', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8443, Protocol: 'HTTPS', DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) }] });
    const production = t.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')[rule] as Resource;
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { 'Fn::ImportValue': 'shop-prod-environment:TestListenerArn' },
      // The same priority on its own listener as the production rule on 443.
      Priority: production.Properties.Priority,
      Conditions: Match.arrayWith([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-shipshape-test', Values: ['new-version'] } }]),
      Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: { Ref: blue }, Weight: 100 }, { TargetGroupArn: { Ref: green }, Weight: 0 }] } }],
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.arrayWith([Match.objectLike({ FromPort: 8443, ToPort: 8443, CidrIp: '0.0.0.0/0' })]) });
    // The production rule is untouched: on the 443 listener.
    expect(production.Properties.ListenerArn).toEqual({ 'Fn::ImportValue': 'shop-prod-environment:HttpsListenerArn' });
  });

  test('the infrastructure role is assumed by ECS and holds AmazonECSInfrastructureRolePolicyForLoadBalancers, nothing else', () => {
    const role = roleId();
    const r = t.findResources('AWS::IAM::Role')[role] as Resource;
    expect(r.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' } },
    ]);
    expect(r.Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers']] },
    ]);
    expect(r.Properties.Policies).toBeUndefined();
    const attached = resourcesOf(t, 'AWS::IAM::Policy').filter((p) => JSON.stringify(p.Properties.Roles ?? []).includes(role));
    expect(attached).toEqual([]);
  });

  test('every target group is on a listener rule (ECS rejects an alternate target group with no load balancer)', () => {
    const forwarded = JSON.stringify(resourcesOf(t, 'AWS::ElasticLoadBalancingV2::ListenerRule').map((r) => r.Properties.Actions));
    for (const tg of [blue, green]) expect(forwarded).toContain(`{"Ref":"${tg}"}`);
  });
});

test('rolling: one target group, forwarded to alone, and no infrastructure role', () => {
  const t = envTemplate({ domain: DOMAIN });
  t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
    Actions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^BlueTargetGroup') } }],
  });
  expect(Object.keys(t.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('EcsInfrastructureRole'))).toEqual([]);
  t.hasResourceProperties('AWS::ECS::Service', { LoadBalancers: [Match.objectLike({ AdvancedConfiguration: Match.absent() })] });
});

describe('a deployment whose new tasks never start or never become healthy fails, under every strategy', () => {
  const strategies = { rolling: () => DeploymentStrategy.rolling(), ...SHIFTING };
  /** The circuit breaker where AWS documents it ("Amazon ECS deployment failure detection": rolling and blue/green). */
  const circuitBreaker: Record<string, boolean> = { 'rolling': true, 'blue-green': true, 'canary': false, 'linear': false };

  /** The task-start-failures alarm reads the metric the ECS task events feed, and that metric counts failed starts. */
  function expectTaskStartFailuresPath(t: Template, alarm: string): void {
    const props = (t.findResources('AWS::CloudWatch::Alarm')[alarm] as Resource).Properties;
    expect(props).toMatchObject({
      AlarmName: 'api-prod-task-start-failures',
      Namespace: 'shipshape/api/prod',
      MetricName: 'TaskStops',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
    t.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricNamespace: 'shipshape/api/prod', MetricName: 'TaskStops' })] });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        'detail-type': ['ECS Task State Change'],
        'detail': Match.objectLike({ lastStatus: ['STOPPED'], stopCode: ['EssentialContainerExited', 'TaskFailedToStart'], group: [{ 'Fn::Join': ['', ['service:', Match.anyValue()]] }] }),
      }),
    });
  }

  test.each(Object.entries(strategies))('%s: deployment alarms on failed task starts and on unhealthy targets of every target group roll back', (kind, strategy) => {
    const t = envTemplate({ domain: DOMAIN, strategy: strategy() });
    const starts = logicalId(t, 'AWS::CloudWatch::Alarm', /^ApiTaskStartFailuresAlarm/);
    const unhealthy = logicalId(t, 'AWS::CloudWatch::Alarm', /^ApiUnhealthyTargetsAlarm/);
    t.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: circuitBreaker[kind] ? { Enable: true, Rollback: true } : Match.absent(),
        Alarms: { Enable: true, Rollback: true, AlarmNames: Match.arrayWith([{ Ref: starts }, { Ref: unhealthy }]) },
      }),
    });
    expectTaskStartFailuresPath(t, starts);
    const props = (t.findResources('AWS::CloudWatch::Alarm')[unhealthy] as Resource).Properties;
    expect(props).toMatchObject({ AlarmName: 'api-prod-unhealthy-targets', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 3 });
    const groups = Object.keys(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).sort();
    const read = props.Metrics ? targetGroupsRead(props.Metrics) : [props.Dimensions.find((d: any) => d.Name === 'TargetGroup').Value['Fn::GetAtt'][0]];
    expect(read).toEqual(groups);
  });

  test('without a load balancer (rolling only): the circuit breaker and the task-start-failures alarm', () => {
    const t = envTemplate();
    const starts = logicalId(t, 'AWS::CloudWatch::Alarm', /^ApiTaskStartFailuresAlarm/);
    t.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: Match.objectLike({ AlarmNames: Match.arrayWith([{ Ref: starts }]) }),
      }),
    });
    expectTaskStartFailuresPath(t, starts);
  });

  test('with a Monitoring, both failure-path alarms roll back beside its CRITICAL alarms', () => {
    const t = envTemplate({ domain: DOMAIN, strategy: DeploymentStrategy.canary() }, monitored);
    const starts = logicalId(t, 'AWS::CloudWatch::Alarm', /^ApiTaskStartFailuresAlarm/);
    const unhealthy = logicalId(t, 'AWS::CloudWatch::Alarm', /^ApiUnhealthyTargetsAlarm/);
    t.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        Alarms: {
          Enable: true,
          Rollback: true,
          AlarmNames: ['api-prod-task-start-failures', 'api-prod-unhealthy-targets', 'api-prod-http-5xx-rate', 'api-prod-canary'],
        },
      }),
    });
    expectTaskStartFailuresPath(t, starts);
    expect(targetGroupsRead((t.findResources('AWS::CloudWatch::Alarm')[unhealthy] as Resource).Properties.Metrics)).toHaveLength(2);
  });
});

describe('alarms, dashboard and scaling follow the tasks across both target groups', () => {
  const t = envTemplate({
    domain: DOMAIN,
    strategy: DeploymentStrategy.canary(),
    scaling: { min: 2, max: 6, target: ScalingTarget.requests(500) },
  }, monitored);
  const groups = Object.keys(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).sort();

  test('the unhealthy-hosts preset sums UnHealthyHostCount of blue and green', () => {
    const alarm = resourcesOf(t, 'AWS::CloudWatch::Alarm').find((a) => a.Properties.AlarmName === 'api-prod-unhealthy-hosts')!;
    expect(alarm.Properties.Metrics.find((m: any) => m.ReturnData !== false).Expression).toBe('FILL(tg0, 0) + FILL(tg1, 0)');
    expect(targetGroupsRead(alarm.Properties.Metrics)).toEqual(groups);
    expect(alarm.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName)).toEqual(['UnHealthyHostCount', 'UnHealthyHostCount']);
  });

  test('the dashboard graphs healthy and unhealthy targets of each target group, one line per group', () => {
    const body = JSON.stringify((resourcesOf(t, 'AWS::CloudWatch::Dashboard')[0]).Properties.DashboardBody);
    for (const tg of groups) expect(body).toContain(tg);
    for (const label of ['healthy, primary target group', 'unhealthy, primary target group', 'healthy, alternate target group', 'unhealthy, alternate target group']) {
      expect(body).toContain(label);
    }
    expect(body).toContain('HealthyHostCount');
    expect(body).toContain('UnHealthyHostCount');
  });

  test('request-count scaling tracks metric math: RequestCountPerTarget of blue plus green, per task', () => {
    const policies = resourcesOf(t, 'AWS::ApplicationAutoScaling::ScalingPolicy');
    expect(policies).toHaveLength(1);
    const config = policies[0].Properties.TargetTrackingScalingPolicyConfiguration;
    expect(config.PredefinedMetricSpecification).toBeUndefined();
    expect(config.TargetValue).toBe(500);
    const metrics = config.CustomizedMetricSpecification.Metrics;
    expect(targetGroupsRead(metrics)).toEqual(groups);
    for (const m of metrics.filter((x: any) => x.MetricStat)) {
      expect(m.MetricStat).toMatchObject({ Stat: 'Sum', Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCountPerTarget' } });
      expect(m.ReturnData).toBe(false);
    }
    expect(metrics.filter((x: any) => x.ReturnData === true)).toEqual([
      { Id: 'requests', Expression: 'FILL(tg0, 0) + FILL(tg1, 0)', Label: 'requests per task', ReturnData: true },
    ]);
  });

  test('rolling keeps the predefined ALBRequestCountPerTarget of its one target group', () => {
    envTemplate({ domain: DOMAIN, scaling: { min: 2, max: 6, target: ScalingTarget.requests(500) } }).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }) }),
    });
  });
});

describe('the bake lasts at least the evaluation window of every alarm that rolls back', () => {
  /** Period × evaluation periods of an alarm, in seconds (metric-math alarms carry the period on each series). */
  function windowSeconds(a: Resource): number {
    const p = a.Properties;
    const period = p.Period ?? Math.max(...p.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Period));
    return period * p.EvaluationPeriods;
  }

  // The shortest bake is the longest rollback window (5 minutes) plus the 2-minute margin for evaluation lag.
  test.each(Object.entries(SHIFTING))('%s with the shortest bake synthesis accepts (7 minutes: 5-minute windows + 2)', (kind) => {
    const strategy = kind === 'blue-green' ? DeploymentStrategy.blueGreen({ bake: Duration.minutes(7) })
      : kind === 'canary' ? DeploymentStrategy.canary({ bake: Duration.minutes(7) }) : DeploymentStrategy.linear({ bake: Duration.minutes(7) });
    const t = envTemplate({ domain: DOMAIN, strategy });
    const service = resourcesOf(t, 'AWS::ECS::Service')[0].Properties.DeploymentConfiguration;
    expect(service.BakeTimeInMinutes).toBe(7);
    const alarms = t.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>;
    const rollback = service.Alarms.AlarmNames.map((n: { Ref: string }) => alarms[n.Ref]);
    expect(rollback).toHaveLength(4);
    for (const a of rollback) expect(windowSeconds(a) + 120).toBeLessThanOrEqual(7 * 60);
  });

  test.each(Object.entries(SHIFTING))('%s with a bake of exactly the alarm window (5 minutes) is rejected: no margin', (kind) => {
    const strategy = kind === 'blue-green' ? DeploymentStrategy.blueGreen({ bake: Duration.minutes(5) })
      : kind === 'canary' ? DeploymentStrategy.canary({ bake: Duration.minutes(5) }) : DeploymentStrategy.linear({ bake: Duration.minutes(5) });
    expect(() => envTemplate({ domain: DOMAIN, strategy })).toThrow(/SS-ENV-BAKE/);
  });
});
