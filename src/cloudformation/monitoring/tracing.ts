/**
 * The X-Ray daemon sidecar. The environment stack's task definition calls
 * {@link addTracingSidecar} when the service's Monitoring has `tracing: Tracing.xray({...})`.
 */
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { TracingModel } from '../../monitoring/model';

export interface TracingSidecarOptions {
  readonly tracing: TracingModel;
  /** The log group the daemon logs to (the service's). */
  readonly logGroup: logs.ILogGroup;
  /** The application container: it gets `AWS_XRAY_DAEMON_ADDRESS` and starts after the daemon. */
  readonly appContainer?: ecs.ContainerDefinition;
}

/** The UDP port the daemon listens on; tasks in awsvpc mode reach it on 127.0.0.1. */
export const XRAY_DAEMON_PORT = 2000;

/** Add the X-Ray daemon container and the task role permissions it needs to send traces. */
export function addTracingSidecar(taskDefinition: ecs.TaskDefinition, options: TracingSidecarOptions): ecs.ContainerDefinition {
  const daemon = taskDefinition.addContainer('xray-daemon', {
    image: ecs.ContainerImage.fromRegistry(options.tracing.image),
    essential: false,
    cpu: 32,
    memoryReservationMiB: 256,
    user: '1337',
    readonlyRootFilesystem: true,
    portMappings: [{ containerPort: XRAY_DAEMON_PORT, protocol: ecs.Protocol.UDP }],
    logging: ecs.LogDrivers.awsLogs({ logGroup: options.logGroup, streamPrefix: 'xray' }),
  });
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries'],
    resources: ['*'],
  }));
  if (options.appContainer) {
    options.appContainer.addEnvironment('AWS_XRAY_DAEMON_ADDRESS', `127.0.0.1:${XRAY_DAEMON_PORT}`);
    options.appContainer.addContainerDependencies({ container: daemon, condition: ecs.ContainerDependencyCondition.START });
  }
  return daemon;
}
