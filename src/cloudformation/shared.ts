/**
 * The environment stack: the infrastructure every workload of an environment shares (the VPC, the ECS cluster,
 * the Service Connect namespace and, when public services need one, the load balancer with its listeners and one
 * certificate for every public name). Workload stacks read it through named exports (`Fn::ImportValue` of
 * `<environment stack>:<value>`), never through aws-cdk-lib's automatic cross-stack references: each template is
 * built on its own, the names are readable, and CloudFormation refuses to remove an export a workload still uses.
 */
import { CfnOutput, DefaultStackSynthesizer, Fn, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { TEST_LISTENER_PORT, clusterName, environmentExportName, environmentStackName, serviceConnectNamespace } from '../core/naming';
import { publicHostName, publicServicesIn } from '../environment/urls';
import type { EnvironmentModel, ServiceModel } from '../model';
import { acknowledgeSharedStack } from './nag';
import { AZ_COUNT, buildNetwork } from './network';

/** What a workload's resources need from its environment. */
export interface SharedEnvironment {
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.ICluster;
  /** The Service Connect namespace every ECS service of the environment joins (as client; servers also publish). */
  readonly namespace: servicediscovery.INamespace;
  /**
   * The security group every workload's tasks are in besides their own (no rules of its own): a service that is
   * called lets it in on its port, and a caller may reach it on its callees' ports.
   */
  readonly workloadSecurityGroup: ec2.ISecurityGroup;
  /** The shared load balancer, when the environment has a domain and public services. */
  readonly loadBalancer?: SharedLoadBalancer;
  /** The SNS topic of one severity's route; undefined: no route for it here. */
  topicFor(severity: 'critical' | 'warning' | 'info'): sns.ITopic | undefined;
}

/** What a worker's or a job's resources need of the environment (they have no load balancer rule and call no service). */
export type WorkloadEnvironment = Pick<SharedEnvironment, 'vpc' | 'cluster' | 'namespace' | 'topicFor'>;

/** The environment's one Application Load Balancer, as a workload stack sees it. */
export interface SharedLoadBalancer {
  readonly alb: elbv2.IApplicationLoadBalancer;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The HTTPS listener (443): each public service adds its own rule. */
  readonly https: elbv2.IApplicationListener;
  /** The test listener (8443) of blue/green, canary and linear deployments. */
  readonly test?: elbv2.IApplicationListener;
  /** The certificate of every public name of the environment. */
  readonly certificate: acm.ICertificate;
  /** The environment's domain. */
  readonly domain: string;
}

/** The values an environment stack exports, by export suffix. */
export const ENVIRONMENT_EXPORTS = {
  vpcId: 'VpcId',
  privateSubnet: (i: number) => `PrivateSubnet${i + 1}`,
  publicSubnet: (i: number) => `PublicSubnet${i + 1}`,
  clusterArn: 'ClusterArn',
  namespaceArn: 'NamespaceArn',
  namespaceId: 'NamespaceId',
  workloadSecurityGroup: 'WorkloadSecurityGroupId',
  loadBalancerArn: 'LoadBalancerArn',
  loadBalancerSecurityGroup: 'LoadBalancerSecurityGroupId',
  loadBalancerDnsName: 'LoadBalancerDnsName',
  loadBalancerZone: 'LoadBalancerCanonicalHostedZoneId',
  httpsListener: 'HttpsListenerArn',
  testListener: 'TestListenerArn',
  certificateArn: 'CertificateArn',
} as const;

/** Whether an environment stack has a load balancer: a domain and at least one public service. */
export function hasLoadBalancer(environment: EnvironmentModel, services: readonly ServiceModel[]): boolean {
  return environment.infrastructure.domain !== undefined && publicServicesIn(services).length > 0;
}

/** Whether the load balancer has the test listener: the environment's strategy shifts traffic between target groups. */
export function hasTestListener(environment: EnvironmentModel): boolean {
  return environment.strategy.kind !== 'rolling';
}

export interface EnvironmentSharedStackProps {
  readonly project: string;
  readonly environment: EnvironmentModel;
  /** Every service of the project: the public ones get a name on the certificate and a DNS record. */
  readonly services: readonly ServiceModel[];
}

/**
 * One environment's shared infrastructure. Deployable with plain `aws cloudformation deploy`: no bootstrap version
 * rule or parameter, no assets, no CDKMetadata, no context lookups.
 */
export class EnvironmentSharedStack extends Stack {
  constructor(scope: Construct, id: string, props: EnvironmentSharedStackProps) {
    const { project, environment } = props;
    super(scope, id, {
      stackName: environmentStackName(project, environment.name),
      env: { account: environment.account, region: environment.region },
      description: `The ${environment.name} environment of ${project}: network, cluster, Service Connect namespace, load balancer (generated by shipshape from .projenrc.ts)`,
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      analyticsReporting: false,
    });
    const infra = environment.infrastructure;
    // Output ids apart from the template parameters of an existing network (VpcId, …).
    const out = (key: string, value: string, description: string) => new CfnOutput(this, `Export${key}`, {
      value, description, exportName: environmentExportName(project, environment.name, key),
    });

    const vpc = buildNetwork(this, infra.network, environment.logRetentionDays);
    out(ENVIRONMENT_EXPORTS.vpcId, vpc.vpcId, 'The VPC of every workload');
    vpc.privateSubnets.slice(0, AZ_COUNT).forEach((s, i) => out(ENVIRONMENT_EXPORTS.privateSubnet(i), s.subnetId, `Private subnet ${i + 1} (tasks, databases)`));
    vpc.publicSubnets.slice(0, AZ_COUNT).forEach((s, i) => out(ENVIRONMENT_EXPORTS.publicSubnet(i), s.subnetId, `Public subnet ${i + 1} (load balancer)`));

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      clusterName: clusterName(project, environment.name),
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    out(ENVIRONMENT_EXPORTS.clusterArn, cluster.clusterArn, 'The ECS cluster of every workload');
    // Service Connect (ECS): each service publishes `<name>:<port>` in this namespace, and every workload's tasks
    // resolve those names through their Service Connect proxy.
    // A private DNS namespace (a Route 53 private hosted zone of the VPC): Service Connect needs only the Cloud Map
    // namespace, and this type's CloudFormation handler permissions are in shipshape's checked data.
    const namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: serviceConnectNamespace(project, environment.name),
      vpc,
      description: `Service Connect names of ${project} in ${environment.name}`,
    });
    out(ENVIRONMENT_EXPORTS.namespaceArn, namespace.namespaceArn, 'The Service Connect namespace');
    out(ENVIRONMENT_EXPORTS.namespaceId, namespace.namespaceId, 'The Service Connect namespace id');

    const workloads = new ec2.SecurityGroup(this, 'WorkloadSecurityGroup', {
      vpc,
      description: `Every workload of ${project} in ${environment.name}: services that are called let it in on their port`,
      allowAllOutbound: false,
    });
    out(ENVIRONMENT_EXPORTS.workloadSecurityGroup, workloads.securityGroupId, 'The security group of every workload task');

    if (hasLoadBalancer(environment, props.services)) this.loadBalancer(vpc, props, out);
    acknowledgeSharedStack(this, environment);
  }

  /** The AZs CloudFormation picks at deploy time: no context lookup, no credentials at synthesis. */
  public get availabilityZones(): string[] {
    return Array.from({ length: AZ_COUNT }, (_, i) => Fn.select(i, Fn.getAzs()));
  }

  /**
   * An internet-facing Application Load Balancer shared by the environment's public services: HTTPS on 443 with
   * one certificate for every public name (the domain, and `<host>.<domain>` for each service with a host), HTTP
   * on 80 answering only with a redirect to HTTPS, and, when the strategy shifts traffic, the test listener. Each
   * listener answers 404 to what no service's rule matches; the services add their rules from their own stacks.
   */
  private loadBalancer(vpc: ec2.IVpc, props: EnvironmentSharedStackProps, out: (key: string, value: string, description: string) => CfnOutput): void {
    const { environment } = props;
    const domain = environment.infrastructure.domain!;
    const production = environment.infrastructure.production;
    const test = hasTestListener(environment);
    const sg = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: `${props.project} ${environment.name} load balancer: HTTPS and the HTTP redirect from anywhere`,
      allowAllOutbound: false,
    });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from anywhere');
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from anywhere, redirected to HTTPS');
    // The canary runs outside the VPC: it reaches the test listener over the internet, and only with the test header.
    if (test) sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(TEST_LISTENER_PORT), 'HTTPS test listener: the canary reaches new tasks during a deployment');
    const alb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      securityGroup: sg,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
      deletionProtection: production,
    });

    // Every public name: the domain for a service without a host, `<host>.<domain>` for each service with one.
    const names = [...new Set(publicServicesIn(props.services).map((s) => publicHostName(s, domain.name)))];
    const [first, ...alternates] = names.includes(domain.name) ? [domain.name, ...names.filter((n) => n !== domain.name)] : names;
    const zone = domain.hostedZoneId ? route53.HostedZone.fromHostedZoneId(this, 'Zone', domain.hostedZoneId) : undefined;
    const certificate = domain.certificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn)
      : new acm.Certificate(this, 'Certificate', {
        domainName: first,
        subjectAlternativeNames: alternates.length > 0 ? alternates : undefined,
        validation: acm.CertificateValidation.fromDns(zone!),
      });
    if (domain.hostedZoneId) {
      names.forEach((name, i) => new route53.CfnRecordSet(this, i === 0 && name === domain.name ? 'AliasRecord' : `AliasRecord${name.slice(0, -domain.name.length - 1).replace(/[^A-Za-z0-9]/g, '')}`, {
        hostedZoneId: domain.hostedZoneId!,
        name: `${name}.`,
        type: 'A',
        aliasTarget: { dnsName: alb.loadBalancerDnsName, hostedZoneId: alb.loadBalancerCanonicalHostedZoneId, evaluateTargetHealth: true },
      }));
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
    out(ENVIRONMENT_EXPORTS.loadBalancerArn, alb.loadBalancerArn, 'The shared load balancer');
    out(ENVIRONMENT_EXPORTS.loadBalancerSecurityGroup, sg.securityGroupId, 'The load balancer security group: services allow it in');
    out(ENVIRONMENT_EXPORTS.loadBalancerDnsName, alb.loadBalancerDnsName, 'The load balancer DNS name');
    out(ENVIRONMENT_EXPORTS.loadBalancerZone, alb.loadBalancerCanonicalHostedZoneId, 'The load balancer hosted zone');
    out(ENVIRONMENT_EXPORTS.httpsListener, https.listenerArn, 'The HTTPS listener: each public service adds its rule');
    out(ENVIRONMENT_EXPORTS.certificateArn, certificate.certificateArn, 'The certificate of every public name');
    if (test) out(ENVIRONMENT_EXPORTS.testListener, httpsListener('TestHttps', TEST_LISTENER_PORT).listenerArn, 'The test listener of traffic-shifting deployments');
  }
}

/**
 * The environment stack's shared pieces, imported into a workload stack by their export names. `topicFor` is the
 * workload stack's own routes (or none).
 */
export function importSharedEnvironment(
  stack: Stack,
  props: { readonly project: string; readonly environment: EnvironmentModel; readonly loadBalancer: boolean },
  topicFor: SharedEnvironment['topicFor'] = () => undefined,
): SharedEnvironment {
  const { project, environment } = props;
  const imp = (key: string) => Fn.importValue(environmentExportName(project, environment.name, key));
  const azs = Array.from({ length: AZ_COUNT }, (_, i) => Fn.select(i, Fn.getAzs()));
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'EnvironmentVpc', {
    vpcId: imp(ENVIRONMENT_EXPORTS.vpcId),
    availabilityZones: azs,
    privateSubnetIds: azs.map((_, i) => imp(ENVIRONMENT_EXPORTS.privateSubnet(i))),
    publicSubnetIds: azs.map((_, i) => imp(ENVIRONMENT_EXPORTS.publicSubnet(i))),
  });
  const cluster = ecs.Cluster.fromClusterAttributes(stack, 'EnvironmentCluster', {
    clusterName: clusterName(project, environment.name),
    clusterArn: imp(ENVIRONMENT_EXPORTS.clusterArn),
    vpc,
  });
  const namespace = servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(stack, 'EnvironmentNamespace', {
    namespaceName: serviceConnectNamespace(project, environment.name),
    namespaceArn: imp(ENVIRONMENT_EXPORTS.namespaceArn),
    namespaceId: imp(ENVIRONMENT_EXPORTS.namespaceId),
  });
  const workloadSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'WorkloadSecurityGroup', imp(ENVIRONMENT_EXPORTS.workloadSecurityGroup), {
    allowAllOutbound: false, mutable: false,
  });
  let loadBalancer: SharedLoadBalancer | undefined;
  if (props.loadBalancer) {
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'LoadBalancerSecurityGroup', imp(ENVIRONMENT_EXPORTS.loadBalancerSecurityGroup), {
      allowAllOutbound: false, mutable: false,
    });
    const alb = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'LoadBalancer', {
      loadBalancerArn: imp(ENVIRONMENT_EXPORTS.loadBalancerArn),
      securityGroupId: securityGroup.securityGroupId,
      loadBalancerDnsName: imp(ENVIRONMENT_EXPORTS.loadBalancerDnsName),
      loadBalancerCanonicalHostedZoneId: imp(ENVIRONMENT_EXPORTS.loadBalancerZone),
      vpc,
    });
    const listener = (id: string, key: string) => elbv2.ApplicationListener.fromApplicationListenerAttributes(stack, id, {
      listenerArn: imp(key), securityGroup,
    });
    loadBalancer = {
      alb,
      securityGroup,
      https: listener('HttpsListener', ENVIRONMENT_EXPORTS.httpsListener),
      test: hasTestListener(environment) ? listener('TestListener', ENVIRONMENT_EXPORTS.testListener) : undefined,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', imp(ENVIRONMENT_EXPORTS.certificateArn)),
      domain: environment.infrastructure.domain!.name,
    };
  }
  return { vpc, cluster, namespace, workloadSecurityGroup, loadBalancer, topicFor };
}
