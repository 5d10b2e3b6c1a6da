import { Duration, type Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { TEST_HEADER, TEST_HEADER_VALUE, TEST_LISTENER_PORT } from '../core/naming';
import { publicHostName } from '../environment/urls';
import type { ServiceModel } from '../model';
import type { SharedLoadBalancer } from './shared';


/** The load balancer side of a service: its rules on the shared listeners and both target groups. */
export interface LoadBalancing {
  readonly alb: elbv2.IApplicationLoadBalancer;
  /** The shared load balancer's security group (in the environment stack). */
  readonly securityGroup: ec2.ISecurityGroup;
  readonly productionRule: elbv2.ApplicationListenerRule;
  readonly blue: elbv2.ApplicationTargetGroup;
  /** The alternate target group of blue/green, canary and linear deployments. */
  readonly green?: elbv2.ApplicationTargetGroup;
  /**
   * With an alternate target group: the test listener rule ECS points at the new tasks during a deployment, and how
   * the canary reaches it (the URL of the test listener and the header the rule requires).
   */
  readonly test?: { readonly rule: elbv2.ApplicationListenerRule; readonly url: string; readonly header: string; readonly value: string };
  /**
   * Every target group the service's tasks may be in: blue, and green when the strategy shifts traffic. After a
   * blue/green, canary or linear deployment the new tasks serve from whichever group was the alternate, so metrics
   * of the service's targets read all of them.
   */
  readonly targetGroups: readonly elbv2.ApplicationTargetGroup[];
  /** 5xx answers of the service's targets, across both target groups. */
  readonly target5xx: cloudwatch.IMetric;
  /** The HTTPS listener's ACM certificate (the environment's). */
  readonly certificate: acm.ICertificate;
}

/**
 * The listener rule priority of a public service on its environment's shared listeners: unique per listener, and
 * stable when services are added or removed (each service deploys on its own, so two stacks must never swap
 * priorities). Path rules come before host rules (a path rule is the narrower match on the same host); within each
 * band the priority follows the order of the names, so it is the same in every environment.
 */
export function listenerRulePriority(service: ServiceModel, services: readonly ServiceModel[]): number {
  const band = (s: ServiceModel) => (s.exposure.kind === 'public' && s.exposure.path ? 0 : 1);
  const peers = services.filter((s) => s.exposure.kind === 'public' && band(s) === band(service)).map((s) => s.name).sort();
  return band(service) * 25_000 + 1 + peers.indexOf(service.name) * 10;
}

/**
 * A public service's side of the environment's shared load balancer: the production rule on the HTTPS listener
 * (host header, and path prefix when the service has one) that ECS shifts between the blue and green target groups,
 * the test rule on the test listener, and target-group health checks read from the Service.
 */
export function buildServiceRouting(
  stack: Stack, vpc: ec2.IVpc, shared: SharedLoadBalancer, service: ServiceModel, services: readonly ServiceModel[], alternate: boolean,
): LoadBalancing {
  const targetGroup = (id: string) => new elbv2.ApplicationTargetGroup(stack, id, {
    vpc,
    port: service.port,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targetType: elbv2.TargetType.IP,
    deregistrationDelay: Duration.seconds(30),
    healthCheck: {
      path: service.healthPath,
      healthyHttpCodes: '200',
      interval: Duration.seconds(15),
      timeout: Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    },
  });
  const blue = targetGroup('BlueTargetGroup');
  const green = alternate ? targetGroup('GreenTargetGroup') : undefined;
  const host = publicHostName(service, shared.domain);
  const path = service.exposure.kind === 'public' ? service.exposure.path : undefined;
  const conditions = [
    elbv2.ListenerCondition.hostHeaders([host]),
    elbv2.ListenerCondition.pathPatterns(path ? [path, `${path}/*`] : ['/*']),
  ];
  const priority = listenerRulePriority(service, services);
  // Blue/green, canary and linear (AWS, "Application Load Balancer resources for blue/green, linear, and canary
  // deployments"): the production rule forwards to both target groups, all traffic to the primary (weight 100) and
  // none to the alternate (weight 0); ECS shifts the weights through the infrastructure role during a deployment.
  const productionRule = new elbv2.ApplicationListenerRule(stack, 'ProductionRule', {
    listener: shared.https,
    priority,
    conditions,
    action: green
      ? elbv2.ListenerAction.weightedForward([{ targetGroup: blue, weight: 100 }, { targetGroup: green, weight: 0 }])
      : elbv2.ListenerAction.forward([blue]),
  });
  // The test listener rule (AWS, "Application Load Balancer resources for blue/green, linear, and canary
  // deployments"; CloudFormation AWS::ECS::Service AdvancedConfiguration TestListenerRule): on its own listener, so the
  // production rule stays as it is, and only for requests with the test header. ECS forwards it to the new tasks
  // during a deployment, so the canary checks the new version from the first minute instead of one run in ten.
  const test = green && shared.test ? {
    rule: new elbv2.ApplicationListenerRule(stack, 'TestRule', {
      listener: shared.test,
      priority,
      conditions: [...conditions, elbv2.ListenerCondition.httpHeader(TEST_HEADER, [TEST_HEADER_VALUE])],
      action: elbv2.ListenerAction.weightedForward([{ targetGroup: blue, weight: 100 }, { targetGroup: green, weight: 0 }]),
    }),
    url: `https://${host}:${TEST_LISTENER_PORT}`,
    header: TEST_HEADER,
    value: TEST_HEADER_VALUE,
  } : undefined;
  const target5xx = acrossTargetGroups(green ? [blue, green] : [blue],
    (g) => g.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1), statistic: 'Sum' }), 'target 5xx', Duration.minutes(1))!;
  return {
    alb: shared.alb,
    securityGroup: shared.securityGroup,
    productionRule,
    blue,
    green,
    test,
    targetGroups: green ? [blue, green] : [blue],
    target5xx,
    certificate: shared.certificate,
  };
}

/**
 * One metric of the service's targets across all its target groups: the sum of each group's metric (a group
 * without targets reports nothing, and counts as 0). With one group, that group's metric as it is. `idPrefix`
 * names the per-group series (`<idPrefix>0`, ...), distinct for each sum one graph holds.
 */
export function acrossTargetGroups(
  groups: readonly elbv2.IApplicationTargetGroup[],
  metric: (group: elbv2.IApplicationTargetGroup) => cloudwatch.IMetric,
  label: string,
  period: Duration,
  idPrefix = 'tg',
): cloudwatch.IMetric | undefined {
  if (groups.length === 0) return undefined;
  if (groups.length === 1) return metric(groups[0]);
  const usingMetrics = Object.fromEntries(groups.map((g, i) => [`${idPrefix}${i}`, metric(g)]));
  return new cloudwatch.MathExpression({
    expression: Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(' + '),
    usingMetrics,
    label,
    period,
  });
}
