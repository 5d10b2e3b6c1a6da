import { Duration, type Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { TEST_HEADER, TEST_HEADER_VALUE, TEST_LISTENER_PORT } from '../core/naming';
import type { InfrastructureModel } from '../environment/model';
import type { ServiceModel } from '../model';

type Domain = NonNullable<InfrastructureModel['domain']>;


/** The load balancer side of a service: ALB, listeners, the production rule and both target groups. */
export interface LoadBalancing {
  readonly alb: elbv2.ApplicationLoadBalancer;
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
  /** The HTTPS listener's ACM certificate (created, or the domain's certificateArn). */
  readonly certificate: acm.ICertificate;
}

/**
 * An internet-facing Application Load Balancer: HTTPS on 443 with the domain's certificate, HTTP on
 * 80 answering only with a redirect to HTTPS, a production listener rule that ECS shifts between
 * the blue and green target groups, and target-group health checks read from the Service.
 */
export function buildLoadBalancer(
  stack: Stack, vpc: ec2.IVpc, service: ServiceModel, domain: Domain, alternate: boolean, production: boolean,
): LoadBalancing {
  const sg = new ec2.SecurityGroup(stack, 'LoadBalancerSecurityGroup', {
    vpc,
    description: `${service.name} load balancer: HTTPS and the HTTP redirect from anywhere`,
    allowAllOutbound: false,
  });
  sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from anywhere');
  sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from anywhere, redirected to HTTPS');
  // The canary runs outside the VPC: it reaches the test listener over the internet, and only with the test header.
  if (alternate) sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(TEST_LISTENER_PORT), 'HTTPS test listener: the canary reaches new tasks during a deployment');
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'LoadBalancer', {
    vpc,
    internetFacing: true,
    securityGroup: sg,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    dropInvalidHeaderFields: true,
    deletionProtection: production,
  });

  const certificate = domain.certificateArn
    ? acm.Certificate.fromCertificateArn(stack, 'Certificate', domain.certificateArn)
    : new acm.Certificate(stack, 'Certificate', {
      domainName: domain.name,
      validation: acm.CertificateValidation.fromDns(route53.HostedZone.fromHostedZoneId(stack, 'Zone', domain.hostedZoneId!)),
    });
  if (domain.hostedZoneId) {
    new route53.CfnRecordSet(stack, 'AliasRecord', {
      hostedZoneId: domain.hostedZoneId,
      name: `${domain.name}.`,
      type: 'A',
      aliasTarget: { dnsName: alb.loadBalancerDnsName, hostedZoneId: alb.loadBalancerCanonicalHostedZoneId, evaluateTargetHealth: true },
    });
  }

  const httpsListener = (id: string, port: number) => alb.addListener(id, {
    port,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    certificates: [elbv2.ListenerCertificate.fromCertificateManager(certificate)],
    sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    open: false,
    defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
  });
  const https = httpsListener('Https', 443);
  alb.addListener('Http', {
    port: 80,
    protocol: elbv2.ApplicationProtocol.HTTP,
    open: false,
    defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
  });

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
  // Blue/green, canary and linear (AWS, "Application Load Balancer resources for blue/green, linear, and canary
  // deployments"): the production rule forwards to both target groups, all traffic to the primary (weight 100) and
  // none to the alternate (weight 0); ECS shifts the weights through the infrastructure role during a deployment.
  const productionRule = new elbv2.ApplicationListenerRule(stack, 'ProductionRule', {
    listener: https,
    priority: 1,
    conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
    action: green
      ? elbv2.ListenerAction.weightedForward([{ targetGroup: blue, weight: 100 }, { targetGroup: green, weight: 0 }])
      : elbv2.ListenerAction.forward([blue]),
  });
  // The test listener rule (AWS, "Application Load Balancer resources for blue/green, linear, and canary
  // deployments"; CloudFormation AWS::ECS::Service AdvancedConfiguration TestListenerRule): on its own listener, so the
  // production rule stays as it is, and only for requests with the test header. ECS forwards it to the new tasks
  // during a deployment, so the canary checks the new version from the first minute instead of one run in ten.
  const test = green ? {
    rule: new elbv2.ApplicationListenerRule(stack, 'TestRule', {
      listener: httpsListener('TestHttps', TEST_LISTENER_PORT),
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*']), elbv2.ListenerCondition.httpHeader(TEST_HEADER, [TEST_HEADER_VALUE])],
      action: elbv2.ListenerAction.weightedForward([{ targetGroup: blue, weight: 100 }, { targetGroup: green, weight: 0 }]),
    }),
    url: `https://${domain.name}:${TEST_LISTENER_PORT}`,
    header: TEST_HEADER,
    value: TEST_HEADER_VALUE,
  } : undefined;
  const target5xx = alb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1), statistic: 'Sum' });
  return { alb, productionRule, blue, green, test, targetGroups: green ? [blue, green] : [blue], target5xx, certificate };
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
