/**
 * A worker in one environment (its workload stack): the SQS queue and its dead-letter queue, the subscriptions of
 * the queue to the publishers' topics, a Fargate service without load balancer, scaling on backlog per task, and
 * the alarms of src/workloads/worker-alarms.ts. Also the publisher's side: the events topic of a Service with
 * `publishes: true` ({@link buildTopic}), in the publisher's own stack.
 */
import type { WorkloadEnvironment as SharedEnvironment } from './shared';

export type { WorkloadEnvironment as SharedEnvironment } from './shared';
import { CfnOutput, Fn, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  enableExec,
  ImageRegistry, PRIVATE_FLEET, ServiceWiring, execHealthCheck, imageTagParameter, registryImage, secretsOf, serviceSecrets, serviceValues,
} from './service';
import { pascalCase } from '../core/names';
import {
  QUEUE_URL_VARIABLE, STACK_OUTPUTS, alarmName, deadLetterQueueName, ecsServiceName, eventsTopicExportName, eventsTopicName, serviceLogGroupName,
  topicArnVariable,
  workerQueueName,
} from '../core/naming';
import type { HealthcheckModel } from '../docker/model';
import type { EnvironmentModel, ServiceModel, WorkerModel } from '../model';
import { alarmQueueName, workerAlarms } from '../workloads/worker-alarms';


/** What {@link buildWorker} needs beyond the shared environment. */
export interface WorkerStackProps {
  readonly worker: WorkerModel;
  readonly environment: EnvironmentModel;
  /** Where the image repository lives (the registry environment's account and region). */
  readonly registry: ImageRegistry;
  /** The HEALTHCHECK of the worker's Dockerfile, when shipshape builds its image: its timing is reused. */
  readonly healthcheck?: HealthcheckModel;
  /** What other parts of the stack add (a database's variables, secrets and egress, the security groups of services it calls). */
  readonly wiring?: Partial<ServiceWiring>;
}

/** What {@link buildWorker} made, for the stack to wire further (monitoring, outputs). */
export interface BuiltWorker {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly service: ecs.FargateService;
  readonly logGroup: logs.LogGroup;
  readonly alarms: readonly cloudwatch.Alarm[];
}

/** The health check timing when shipshape does not build the image: the Dockerfile defaults. */
const DEFAULT_TIMING = { interval: '30s', timeout: '5s', startPeriod: '10s', retries: 3 } as const;

/** The SQS actions a consumer needs on its queue: read, delete, extend the visibility of what it holds, read the attributes. */
const CONSUMER_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];

/**
 * The worker's resources in its stack. Defines the `ImageTag` parameter and the outputs `EcsClusterName` and
 * `EcsServiceName` (STACK_OUTPUTS, as a service's stack: the pipeline waits on the ECS deployment by them),
 * `QueueUrl` and `DeadLetterQueueUrl`. The publishers' topics are named, not referenced: their stacks deploy first.
 */
export function buildWorker(stack: Stack, shared: SharedEnvironment, props: WorkerStackProps): BuiltWorker {
  const { worker, environment } = props;
  const env = environment.name;
  const infra = environment.infrastructure;
  const wiring = props.wiring ?? {};

  const logGroup = new logs.LogGroup(stack, `${pascalCase(worker.name)}Logs`, {
    logGroupName: serviceLogGroupName(worker.name, env),
    retention: environment.logRetentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const retention = Duration.seconds(worker.queue.retentionSeconds);
  // A message expires by its original enqueue time, also in the dead-letter queue: AWS advises a longer retention
  // there than in the queue, so the dead-letter queue keeps messages for SQS's maximum, 14 days.
  const deadLetterQueue = new sqs.Queue(stack, 'DeadLetterQueue', {
    queueName: deadLetterQueueName(worker.name, env),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const queue = new sqs.Queue(stack, 'Queue', {
    queueName: workerQueueName(worker.name, env),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: retention,
    visibilityTimeout: Duration.seconds(worker.queue.visibilityTimeoutSeconds),
    // Long polling: a receive waits up to 20 s for a message instead of answering empty at once.
    receiveMessageWaitTime: Duration.seconds(20),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: worker.queue.maxReceiveCount },
    removalPolicy: RemovalPolicy.RETAIN,
  });

  // Each publisher's topic, by its deterministic ARN (it lives in the publisher's stack): raw delivery, so the
  // message body is what the service published. Only these topics may send to the queue.
  const topics = worker.subscribe.map((publisher) => ({
    publisher,
    // Exported by the publisher's stack (a literal ARN is what the validator's W9002 refuses): the import also makes
    // CloudFormation refuse a worker stack whose publisher is not deployed yet, and keep the topic while it is read.
    arn: Fn.importValue(eventsTopicExportName(publisher, env)),
  }));
  for (const t of topics) {
    new sns.CfnSubscription(stack, `Subscribe${pascalCase(t.publisher)}`, {
      protocol: 'sqs',
      topicArn: t.arn,
      endpoint: queue.queueArn,
      rawMessageDelivery: true,
    });
  }
  if (topics.length > 0) {
    queue.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'PublisherTopicsSend',
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': topics.map((t) => t.arn) } },
    }));
  }

  const imageTag = imageTagParameter(stack, worker.name);
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'TaskDefinition', {
    cpu: worker.cpu,
    memoryLimitMiB: worker.memoryMiB,
    runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
  });
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ actions: CONSUMER_ACTIONS, resources: [queue.queueArn] }));
  for (const statement of wiring.taskPolicy ?? []) taskDefinition.addToTaskRolePolicy(statement);
  const wiredSecrets = wiring.secrets ?? {};
  taskDefinition.addContainer('App', {
    containerName: worker.name,
    image: registryImage(stack, taskDefinition, props.registry, worker.name, imageTag.valueAsString),
    essential: true,
    readonlyRootFilesystem: false,
    // No port mapping: a worker listens on nothing.
    environment: { ...serviceValues(worker), ...infra.variables, ...wiring.variables, [QUEUE_URL_VARIABLE]: queue.queueUrl },
    secrets: { ...secretsOf(stack, serviceSecrets(worker, { ...infra.secrets }, wiredSecrets)), ...wiredSecrets },
    healthCheck: execHealthCheck(props.healthcheck ?? { command: worker.healthCommand, ...DEFAULT_TIMING }),
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: worker.name }),
  });

  const sg = new ec2.SecurityGroup(stack, 'WorkerSecurityGroup', {
    vpc: shared.vpc,
    description: `${worker.name} tasks: no inbound; outbound HTTPS (SQS, ECR, CloudWatch Logs) and what it is wired to`,
    allowAllOutbound: false,
  });
  sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs (SQS, ECR, Secrets Manager, CloudWatch Logs)');
  for (const e of wiring.egress ?? []) sg.connections.allowTo(e.peer, ec2.Port.tcp(e.port), e.description);

  const service = new ecs.FargateService(stack, 'Service', {
    cluster: shared.cluster,
    taskDefinition,
    serviceName: ecsServiceName(worker.name),
    securityGroups: [sg],
    ...PRIVATE_FLEET,
    // No load balancer, so no traffic to shift: a rolling deployment, rolled back by the circuit breaker when new
    // tasks never start or never pass the container health check.
    circuitBreaker: { enable: true, rollback: true },
    deploymentStrategy: ecs.DeploymentStrategy.ROLLING,
    // A client of the environment's Service Connect namespace: it reaches services by name, publishes nothing.
    serviceConnectConfiguration: { namespace: shared.namespace.namespaceArn },
  });

  if (worker.exec) enableExec(service, taskDefinition, logGroup);
  backlogScaling(stack, service, queue, worker);
  const alarms = workerAlarmResources(stack, shared, worker, env, { queue, deadLetterQueue });

  // The pipeline reads these two to wait for the ECS deployment, as for a service.
  new CfnOutput(stack, STACK_OUTPUTS.clusterName, { value: shared.cluster.clusterName });
  new CfnOutput(stack, STACK_OUTPUTS.serviceName, { value: service.serviceName });
  new CfnOutput(stack, 'QueueUrl', { value: queue.queueUrl });
  new CfnOutput(stack, 'DeadLetterQueueUrl', { value: deadLetterQueue.queueUrl });
  new CfnOutput(stack, 'LogGroupName', { value: logGroup.logGroupName });
  return { queue, deadLetterQueue, service, logGroup, alarms };
}

/**
 * Target tracking on the backlog per task, as AWS documents for SQS ("Create a target tracking scaling policy for
 * Application Auto Scaling using metric math", example "Amazon SQS queue backlog per task"): the queue's visible
 * messages divided by the service's running tasks (Container Insights' `RunningTaskCount`; the environment's cluster
 * turns Container Insights on), kept at `messagesPerTask`.
 */
function backlogScaling(stack: Stack, service: ecs.FargateService, queue: sqs.Queue, worker: WorkerModel): void {
  const scaling = service.autoScaleTaskCount({ minCapacity: worker.scaling.min, maxCapacity: worker.scaling.max });
  // The task count's ScalableTarget (aws-cdk-lib names it `Target`): its policies accept one metric, not metric math.
  const target = scaling.node.findChild('Target') as appscaling.ScalableTarget;
  new appscaling.CfnScalingPolicy(stack, 'BacklogScaling', {
    policyName: `${stack.stackName}-backlog-per-task`,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: target.scalableTargetId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: worker.scaling.messagesPerTask,
      scaleInCooldown: 300,
      scaleOutCooldown: 60,
      customizedMetricSpecification: {
        metrics: [
          {
            id: 'm1',
            label: 'visible messages',
            returnData: false,
            metricStat: {
              metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: [{ name: 'QueueName', value: queue.queueName }] },
              stat: 'Sum',
            },
          },
          {
            id: 'm2',
            label: 'running tasks',
            returnData: false,
            metricStat: {
              metric: {
                namespace: 'ECS/ContainerInsights',
                metricName: 'RunningTaskCount',
                dimensions: [{ name: 'ClusterName', value: service.cluster.clusterName }, { name: 'ServiceName', value: service.serviceName }],
              },
              stat: 'Average',
            },
          },
          { id: 'e1', expression: 'm1 / m2', label: 'backlog per task', returnData: true },
        ],
      },
    },
  });
}

/** The worker's alarms (src/workloads/worker-alarms.ts), each notifying the environment's route of its severity. */
function workerAlarmResources(
  stack: Stack, shared: SharedEnvironment, worker: WorkerModel, env: string,
  queues: { readonly queue: sqs.Queue; readonly deadLetterQueue: sqs.Queue },
): cloudwatch.Alarm[] {
  return workerAlarms(worker).map((spec) => {
    const alarm = new cloudwatch.Alarm(stack, `${pascalCase(spec.suffix)}Alarm`, {
      alarmName: alarmName(worker.name, env, spec.suffix),
      alarmDescription: `${worker.name} in ${env}: ${spec.summary}. Runbook: docs/runbooks/${worker.name}-${spec.suffix}.md`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/SQS',
        metricName: spec.metricName,
        // The queue by its literal name: the runbook and the dashboard read the same.
        dimensionsMap: { QueueName: alarmQueueName(spec, worker.name, env) },
        statistic: spec.statistic,
        period: Duration.seconds(spec.periodSeconds),
      }),
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // An idle queue sends no datapoints: nothing is late and nothing died.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // The alarm reads the queues by name; it must not exist before them.
    alarm.node.addDependency(spec.queue === 'queue' ? queues.queue : queues.deadLetterQueue);
    const topic = shared.topicFor(spec.severity);
    if (topic) {
      alarm.addAlarmAction(new cwActions.SnsAction(topic));
      alarm.addOkAction(new cwActions.SnsAction(topic));
    }
    return alarm;
  });
}

/** What {@link buildTopic} made: the topic, and what its service's task gets. */
export interface BuiltTopic {
  readonly topic: sns.Topic;
  /** `<NAME>_TOPIC_ARN`, and `sns:Publish` on the topic with the key actions publishing to an encrypted topic needs. */
  readonly wiring: Pick<ServiceWiring, 'variables' | 'taskPolicy'>;
}

/**
 * The events topic of a publishing service, in its own stack: `<service>-<env>-events`, encrypted with its own KMS
 * key (rotated) and refusing requests without TLS. The service's task gets the topic's ARN as `<NAME>_TOPIC_ARN` and
 * may publish to it: `sns:Publish` on the topic, and `kms:GenerateDataKey` and `kms:Decrypt` on its key (what AWS
 * documents a publisher to an encrypted topic needs). Merge `wiring` into the service's wiring.
 */
export function buildTopic(stack: Stack, service: ServiceModel, environment: EnvironmentModel): BuiltTopic {
  const name = eventsTopicName(service.name, environment.name);
  const key = new kms.Key(stack, 'EventsTopicKey', {
    description: `Encrypts the ${name} topic`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const topic = new sns.Topic(stack, 'EventsTopic', {
    topicName: name,
    displayName: `${service.name} ${environment.name} events`,
    masterKey: key,
    enforceSSL: true,
  });
  new CfnOutput(stack, 'EventsTopicArn', { value: topic.topicArn, exportName: eventsTopicExportName(service.name, environment.name) });
  return {
    topic,
    wiring: {
      variables: { [topicArnVariable(service.name)]: topic.topicArn },
      taskPolicy: [
        new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
      ],
    },
  };
}
