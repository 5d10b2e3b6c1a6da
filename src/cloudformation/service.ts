import { CfnParameter, Duration, type Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { buildMigrationTask, migrationImageTag } from './migration';
import { Duration as SsDuration } from '../core/duration';
import { IMAGE_TAG_PARAMETER, ecrRegistry, ecsServiceName, imageRepositoryName, serviceUrl, serviceUrlVariable } from '../core/naming';
import type { HealthcheckModel } from '../docker/model';
import type { SecretModel } from '../environment/model';
import type { EnvironmentModel, ServiceModel } from '../model';
import type { LoadBalancing } from './load-balancer';
import type { SharedEnvironment } from './shared';

/** The services `service` calls (Service Connect clients reach them by name). */
export function calleesOf(service: ServiceModel, services: readonly ServiceModel[]): ServiceModel[] {
  return services.filter((s) => service.calls.includes(s.name));
}

/** The names of the services that call `service`. */
export function workloadsCalling(service: ServiceModel, services: readonly ServiceModel[]): string[] {
  return services.filter((s) => s.calls.includes(service.name)).map((s) => s.name);
}

/** What other parts of the stack (database, feature flags) add to the service. */
export interface ServiceWiring {
  readonly variables: Record<string, string>;
  readonly secrets: Record<string, ecs.Secret>;
  readonly taskPolicy: iam.PolicyStatement[];
  /** Security groups the tasks may reach, and on which port. */
  readonly egress: Array<{ readonly peer: ec2.ISecurityGroup; readonly port: number; readonly description: string }>;
}

/** The account and region whose ECR holds the service images (the registry environment's). */
export interface ImageRegistry {
  readonly account: string;
  readonly region: string;
}

export interface FargateServiceProps {
  readonly service: ServiceModel;
  readonly environment: EnvironmentModel;
  /** The environment stack's network, cluster, namespace and load balancer. */
  readonly shared: SharedEnvironment;
  /** Every service of the project: Service Connect callees. */
  readonly services: readonly ServiceModel[];
  readonly logGroup: logs.ILogGroup;
  /** The Dockerfile's HEALTHCHECK, when shipshape builds the image: the container health check reuses it. */
  readonly healthcheck?: HealthcheckModel;
  readonly loadBalancing?: LoadBalancing;
  readonly deploymentAlarms: cloudwatch.IAlarm[];
  readonly wiring: ServiceWiring;
  /** Where the image repository lives; it may be another account (its bootstrap lets this account pull). */
  readonly registry: ImageRegistry;
}

/**
 * Where and how every workload's tasks run: private subnets without a public IP, the whole fleet kept during a
 * deployment (new tasks start beside the old ones), the service's tags on its tasks.
 */
export const PRIVATE_FLEET = {
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  assignPublicIp: false,
  minHealthyPercent: 100,
  maxHealthyPercent: 200,
  propagateTags: ecs.PropagatedTagSource.SERVICE,
} as const;

/** Image tags the pipeline passes (a commit SHA, a version, ...). */
const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

/** The `ImageTag` parameter of a workload's stack: the tag of its image the pipeline deploys. */
export function imageTagParameter(stack: Stack, workload: string): CfnParameter {
  return new CfnParameter(stack, IMAGE_TAG_PARAMETER, {
    type: 'String',
    allowedPattern: IMAGE_TAG_PATTERN,
    description: `The tag of the ${workload} image to run (the pipeline passes the commit SHA).`,
  });
}

/**
 * The ECS side: cluster, task definition (image from the ImageTag parameter, limits, variables,
 * secrets, health check, logs), the Fargate service with its deployment strategy, and autoscaling.
 */
export function buildFargateService(stack: Stack, props: FargateServiceProps): ecs.FargateService {
  const { service, environment, shared, loadBalancing: lb } = props;
  const vpc = shared.vpc;
  const infra = environment.infrastructure;
  const imageTag = imageTagParameter(stack, service.name);

  const cluster = shared.cluster;
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'TaskDefinition', {
    cpu: service.cpu,
    memoryLimitMiB: service.memoryMiB,
    runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
  });
  for (const statement of props.wiring.taskPolicy) taskDefinition.addToTaskRolePolicy(statement);

  // The Service declares its variables once (compose reads the same names); environments and wiring
  // (a Database) override them per environment.
  // The Service declares its variables once (compose reads the same names); the URL of each service it calls, as
  // Service Connect resolves it (the same name and port compose uses locally); environments and wiring (a Database)
  // override them per environment.
  const variables = {
    ...serviceValues(service),
    ...Object.fromEntries(calleesOf(service, props.services).map((c) => [serviceUrlVariable(c.name), serviceUrl(c.name, c.port)])),
    ...infra.variables,
    ...props.wiring.variables,
    PORT: String(service.port),
  };
  const secrets = { ...secretsOf(stack, serviceSecrets(service, { ...infra.secrets }, props.wiring.secrets)), ...props.wiring.secrets };
  const container = taskDefinition.addContainer('App', {
    containerName: service.name,
    image: registryImage(stack, taskDefinition, props.registry, service.name, imageTag.valueAsString),
    essential: true,
    readonlyRootFilesystem: false,
    portMappings: [{ containerPort: service.port, protocol: ecs.Protocol.TCP, name: 'http', appProtocol: ecs.AppProtocol.http }],
    environment: variables,
    secrets,
    healthCheck: containerHealthCheck(service, props.healthcheck),
    logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: service.name }),
  });

  const sg = new ec2.SecurityGroup(stack, 'ServiceSecurityGroup', {
    vpc,
    description: `${service.name} tasks: inbound only from the load balancer and Service Connect, outbound HTTPS, the database and the services it calls`,
    allowAllOutbound: false,
  });
  sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs (ECR, Secrets Manager, CloudWatch Logs, AppConfig)');
  for (const e of props.wiring.egress) sg.connections.allowTo(e.peer, ec2.Port.tcp(e.port), e.description);
  // Service Connect: other workloads' tasks reach this service's port through their proxy, from their own security groups.
  const callers = workloadsCalling(service, props.services);
  // Every workload's tasks are also in the environment's workload security group: a callee lets it in on its port,
  // a caller may reach it on each callee's port.
  if (callers.length > 0) {
    sg.addIngressRule(shared.workloadSecurityGroup, ec2.Port.tcp(service.port), `Service Connect: ${callers.join(', ')} call ${service.name}`);
  }
  for (const callee of calleesOf(service, props.services)) {
    sg.addEgressRule(shared.workloadSecurityGroup, ec2.Port.tcp(callee.port), `Service Connect: ${service.name} calls ${callee.name}`);
  }
  const subnets = vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;

  if (service.migrate) {
    // The migration: the same image repository, variables, secrets, task policy, subnets and security group.
    buildMigrationTask(stack, {
      service: service.name,
      environment: environment.name,
      migrate: service.migrate,
      cpu: service.cpu,
      memoryMiB: service.memoryMiB,
      imageTag: migrationImageTag(stack, service.name, IMAGE_TAG_PATTERN).valueAsString,
      image: (td, tag) => registryImage(stack, td, props.registry, service.name, tag),
      variables,
      secrets,
      taskPolicy: props.wiring.taskPolicy,
      logGroup: props.logGroup,
      subnets,
      securityGroup: sg,
    });
  }

  const strategy = environment.strategy;
  const bake = strategy.kind === 'rolling' ? undefined : Duration.seconds(strategy.bakeSeconds);
  const fargate = new ecs.FargateService(stack, 'Service', {
    cluster,
    taskDefinition,
    serviceName: ecsServiceName(service.name),
    securityGroups: [sg, shared.workloadSecurityGroup],
    ...PRIVATE_FLEET,
    // Every service joins the environment's namespace: it reaches the services it calls as http://<name>:<port>,
    // and publishes its own port under its name.
    serviceConnectConfiguration: {
      namespace: shared.namespace.namespaceArn,
      // The Cloud Map service name must be unique in the namespace: the service's name, not the port's.
      services: [{ portMappingName: 'http', discoveryName: service.name, dnsName: service.name, port: service.port }],
      logDriver: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: 'service-connect' }),
    },
    healthCheckGracePeriod: lb ? Duration.seconds(60) : undefined,
    // Failure detection as AWS documents it per strategy: the deployment circuit breaker for rolling and blue/green
    // ("Amazon ECS deployment failure detection": both the circuit breaker and CloudWatch alarms support rolling
    // update and blue/green deployments); CloudWatch deployment alarms for every strategy (the canary and linear pages
    // name alarms as their rollback mechanism). The environment stack's task-start-failures and unhealthy-targets
    // alarms are among the deployment alarms, so new tasks that never start or never get healthy fail any deployment.
    circuitBreaker: strategy.kind === 'rolling' || strategy.kind === 'blue-green' ? { enable: true, rollback: true } : undefined,
    // Without alarms here, a Monitoring sets its CRITICAL alarms later (useAsDeploymentAlarms).
    deploymentAlarms: props.deploymentAlarms.length > 0 ? {
      alarmNames: props.deploymentAlarms.map((a) => a.alarmName),
      behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
    } : undefined,
    deploymentStrategy: ecsStrategy(strategy.kind),
    bakeTime: bake,
    canaryConfiguration: strategy.kind === 'canary' ? { stepPercent: strategy.percent, stepBakeTime: bake } : undefined,
    linearConfiguration: strategy.kind === 'linear'
      ? { stepPercent: strategy.stepPercent, stepBakeTime: Duration.seconds(strategy.stepIntervalSeconds) } : undefined,
  });

  if (lb) {
    // The load balancer's security group lives in the environment stack: both rules are made here, in the
    // service's stack, so the environment stack never depends on a workload.
    sg.addIngressRule(lb.securityGroup, ec2.Port.tcp(service.port), 'Load balancer to the service port');
    new ec2.CfnSecurityGroupEgress(stack, 'LoadBalancerToService', {
      groupId: lb.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: service.port,
      toPort: service.port,
      destinationSecurityGroupId: sg.securityGroupId,
      description: `Load balancer to ${service.name}`,
    });
    const target = fargate.loadBalancerTarget({
      containerName: container.containerName,
      containerPort: service.port,
      protocol: ecs.Protocol.TCP,
      alternateTarget: lb.green ? new ecs.AlternateTarget('AlternateTarget', {
        alternateTargetGroup: lb.green,
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(lb.productionRule),
        testListener: lb.test ? ecs.ListenerRuleConfiguration.applicationListenerRule(lb.test.rule) : undefined,
        role: infrastructureRole(stack, service),
      }) : undefined,
    });
    target.attachToApplicationTargetGroup(lb.blue);
  }

  const scaling = fargate.autoScaleTaskCount({ minCapacity: infra.scaling.min, maxCapacity: infra.scaling.max });
  const cooldowns = { scaleInCooldown: Duration.minutes(5), scaleOutCooldown: Duration.minutes(1) };
  if (infra.scaling.metric === 'cpu') scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: infra.scaling.target, ...cooldowns });
  if (infra.scaling.metric === 'memory') scaling.scaleOnMemoryUtilization('MemoryScaling', { targetUtilizationPercent: infra.scaling.target, ...cooldowns });
  if (infra.scaling.metric === 'requests') {
    // The environment rejects request scaling without a load balancer (SS-ENV-SCALING).
    if (lb!.targetGroups.length > 1) requestsAcrossTargetGroups(stack, scaling, lb!, infra.scaling.target, cooldowns);
    else scaling.scaleOnRequestCount('RequestScaling', { requestsPerTarget: infra.scaling.target, targetGroup: lb!.blue, ...cooldowns });
  }
  if (service.exec) enableExec(fargate, taskDefinition, props.logGroup);
  return fargate;
}

/**
 * The infrastructure role ECS assumes to shift traffic between the target groups (AWS, "Amazon ECS infrastructure
 * IAM role for load balancers"): trusted by `ecs.amazonaws.com`, with the AWS managed policy
 * `AmazonECSInfrastructureRolePolicyForLoadBalancers`, which AWS keeps current (describe listeners, rules, target
 * groups and target health; register and deregister targets; modify listeners; ...). CloudFormation passes it to
 * ECS (`iam:PassRole`).
 */
function infrastructureRole(stack: Stack, service: ServiceModel): iam.Role {
  return new iam.Role(stack, 'EcsInfrastructureRole', {
    description: `ECS shifts ${service.name} traffic between the blue and green target groups with this role`,
    assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonECSInfrastructureRolePolicyForLoadBalancers')],
  });
}

/**
 * Request-count scaling that follows traffic across both target groups. `ALBRequestCountPerTarget` names one target
 * group, which goes quiet once a deployment moves the service to the other; instead, target tracking on metric math
 * (Application Auto Scaling, "Create a target tracking scaling policy using metric math"): the sum of each target
 * group's `RequestCountPerTarget`. Outside a deployment one group has the tasks and the other reports nothing (0);
 * during one, each fleet runs at full size, so the sum is still the requests per task of one fleet.
 */
function requestsAcrossTargetGroups(
  stack: Stack, scaling: ecs.ScalableTaskCount, lb: LoadBalancing, target: number,
  cooldowns: { readonly scaleInCooldown: Duration; readonly scaleOutCooldown: Duration },
): void {
  // The task count's ScalableTarget (aws-cdk-lib names it `Target`): its policies accept one metric, not metric math.
  const scalableTarget = scaling.node.findChild('Target') as appscaling.ScalableTarget;
  const perTarget = lb.targetGroups.map((group, i) => {
    const stat = group.metrics.requestCountPerTarget({ statistic: 'Sum' }).toMetricConfig().metricStat!;
    return {
      id: `tg${i}`,
      returnData: false,
      metricStat: {
        metric: {
          namespace: stat.namespace,
          metricName: stat.metricName,
          dimensions: (stat.dimensions ?? []).map((d) => ({ name: d.name, value: d.value as string })),
        },
        stat: 'Sum',
      },
    };
  });
  new appscaling.CfnScalingPolicy(stack, 'RequestScaling', {
    policyName: `${stack.stackName}-requests-per-task`,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: scalableTarget.scalableTargetId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: target,
      scaleInCooldown: cooldowns.scaleInCooldown.toSeconds(),
      scaleOutCooldown: cooldowns.scaleOutCooldown.toSeconds(),
      customizedMetricSpecification: {
        metrics: [
          ...perTarget,
          { id: 'requests', expression: perTarget.map((m) => `FILL(${m.id}, 0)`).join(' + '), label: 'requests per task', returnData: true },
        ],
      },
    },
  });
}

/**
 * The image in the registry repository, by its full URI, and the execution role's right to pull it: the
 * repository by ARN (in the registry account, which may be another account; its repository policy lets this
 * account pull) and `ecr:GetAuthorizationToken`, which has no resource-level permissions.
 */
/**
 * ECS Exec (`aws ecs execute-command`) into a service's tasks: the service allows it, and the task role gets what the
 * SSM agent in the task needs: the four Session Manager channel actions (no resource-level permissions: `*`), and,
 * because the environment's cluster logs sessions the DEFAULT way (through the container's awslogs configuration),
 * writes to the workload's own log group only, plus logs:DescribeLogGroups (a list action, `*` only). aws-cdk-lib's
 * `enableExecuteCommand` would give the log writes on every log group.
 */
export function enableExec(fargate: ecs.FargateService, taskDefinition: ecs.TaskDefinition, logGroup: logs.ILogGroup): void {
  (fargate.node.defaultChild as ecs.CfnService).enableExecuteCommand = true;
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
    sid: 'EcsExecSessionChannels',
    actions: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
    resources: ['*'],
  }));
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
    sid: 'EcsExecSessionLogs',
    actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ sid: 'EcsExecFindTheLogGroup', actions: ['logs:DescribeLogGroups'], resources: ['*'] }));
}

export function registryImage(
  stack: Stack, taskDefinition: ecs.TaskDefinition, registry: ImageRegistry, service: string, tag: string,
): ecs.ContainerImage {
  const name = imageRepositoryName(service);
  const repositoryArn = stack.formatArn({ service: 'ecr', account: registry.account, region: registry.region, resource: 'repository', resourceName: name });
  taskDefinition.addToExecutionRolePolicy(new iam.PolicyStatement({
    actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
    resources: [repositoryArn],
  }));
  taskDefinition.addToExecutionRolePolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  const host = ecrRegistry(registry.account, registry.region).replace(/amazonaws\.com$/, stack.urlSuffix);
  return ecs.ContainerImage.fromRegistry(`${host}/${name}:${tag}`);
}

function ecsStrategy(kind: EnvironmentModel['strategy']['kind']): ecs.DeploymentStrategy {
  switch (kind) {
    case 'rolling': return ecs.DeploymentStrategy.ROLLING;
    case 'blue-green': return ecs.DeploymentStrategy.BLUE_GREEN;
    case 'canary': return ecs.DeploymentStrategy.CANARY;
    case 'linear': return ecs.DeploymentStrategy.LINEAR;
  }
}

/** An exec-form health check with its timing (a Dockerfile's HEALTHCHECK) as the ECS container health check. */
export function execHealthCheck(check: HealthcheckModel): ecs.HealthCheck {
  const seconds = (d: string) => Duration.seconds(SsDuration.parse(d).toSeconds());
  return {
    command: ['CMD', ...check.command],
    interval: seconds(check.interval),
    timeout: seconds(check.timeout),
    startPeriod: seconds(check.startPeriod),
    retries: check.retries,
  };
}

/** The container health check: the Dockerfile's HEALTHCHECK when shipshape builds the image, else an HTTP probe of the Service's health path. */
function containerHealthCheck(service: ServiceModel, fromImage: HealthcheckModel | undefined): ecs.HealthCheck {
  if (fromImage) return execHealthCheck(fromImage);
  const url = `http://127.0.0.1:${service.port}${service.healthPath}`;
  return {
    command: ['CMD-SHELL', `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url} || exit 1`],
    interval: Duration.seconds(30),
    timeout: Duration.seconds(5),
    startPeriod: Duration.seconds(10),
    retries: 3,
  };
}

/** A workload's env: its variables by name, each a plain value or a secret reference. */
type WorkloadEnv = { readonly env: ServiceModel['env'] };

/** The Service's (or a Worker's) plain variables. */
export function serviceValues(service: WorkloadEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(service.env)) if (v.value !== undefined) out[name] = v.value;
  return out;
}

/** The Service's secret references, under the environment's own; names that wiring provides are left to it. */
export function serviceSecrets(
  service: WorkloadEnv,
  envSecrets: Record<string, SecretModel>,
  wired: Readonly<Record<string, unknown>>,
): Record<string, SecretModel> {
  const out: Record<string, SecretModel> = {};
  for (const [name, v] of Object.entries(service.env)) {
    if (v.secret === undefined || name in wired) continue;
    out[name] = v.secret.startsWith('arn:') ? { kind: 'arn', id: v.secret } : { kind: 'name', id: v.secret };
  }
  return { ...out, ...envSecrets };
}

/** ECS secrets from Secrets Manager references (by name or ARN; never values). */
export function secretsOf(stack: Stack, secrets: Readonly<Record<string, SecretModel>>): Record<string, ecs.Secret> {
  const out: Record<string, ecs.Secret> = {};
  for (const [name, ref] of Object.entries(secrets)) {
    const id = `Secret${name}`;
    const complete = /-[A-Za-z0-9]{6}$/.test(ref.id);
    const secret = ref.kind === 'name'
      ? secretsmanager.Secret.fromSecretNameV2(stack, id, ref.id)
      : secretsmanager.Secret.fromSecretAttributes(stack, id, complete ? { secretCompleteArn: ref.id } : { secretPartialArn: ref.id });
    out[name] = ecs.Secret.fromSecretsManager(secret, ref.field);
  }
  return out;
}
