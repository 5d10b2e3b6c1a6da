import { CfnOutput, CfnParameter, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  MIGRATION_IMAGE_TAG_PARAMETER, MIGRATION_LOG_STREAM_PREFIX, STACK_OUTPUTS, migrationRolePath, migrationTaskFamily,
} from '../core/naming';
import type { MigrateModel } from '../model';

/** What the migration task is built from: everything explicit, so any stack that holds the service can call it. */
export interface MigrationTaskProps {
  /** The service's name: the image repository, the container name, the family `<service>-<env>-migrate`. */
  readonly service: string;
  /** The environment's name. */
  readonly environment: string;
  readonly migrate: MigrateModel;
  /** CPU units and memory of one task: the service's. */
  readonly cpu: number;
  readonly memoryMiB: number;
  /** The image tag the task definition runs: the `MigrationImageTag` parameter ({@link migrationImageTag}). */
  readonly imageTag: string;
  /**
   * The image of the service at a tag (the service builder's `registryImage`: the full URI in the registry account,
   * and the pull grant on the execution role of the task definition it is given).
   */
  readonly image: (taskDefinition: ecs.TaskDefinition, tag: string) => ecs.ContainerImage;
  /** The service container's plain variables and secrets, as the service's task definition has them. */
  readonly variables: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, ecs.Secret>>;
  /** What the service's task role may do (the wiring's task policy: database, flags ...). */
  readonly taskPolicy: readonly iam.PolicyStatement[];
  /** The service's log group: the task logs there under the stream prefix `migrate`. */
  readonly logGroup: logs.ILogGroup;
  /** The private subnets (no public IP) and the security group the task runs in: the service's, so it reaches what the service reaches. */
  readonly subnets: readonly ec2.ISubnet[];
  readonly securityGroup: ec2.ISecurityGroup;
}

/** The `MigrationImageTag` parameter: the new tag in the deploy job's first change set, while `ImageTag` stays. */
export function migrationImageTag(stack: Stack, service: string, allowedPattern: string): CfnParameter {
  return new CfnParameter(stack, MIGRATION_IMAGE_TAG_PARAMETER, {
    type: 'String',
    allowedPattern,
    description: `The tag of the ${service} image the migration task runs (the deploy job passes the new commit SHA before it deploys the service).`,
  });
}

/**
 * The migration of a service: a Fargate task definition (family `<service>-<env>-migrate`) with the service's image
 * at `imageTag`, its variables, secrets and task policy, the exec-form command, and the awslogs driver on the
 * service's log group under the prefix `migrate`; its own task and execution roles under the IAM path
 * `/shipshape/<stack>/migrate/`, the only roles the deploy role may pass to ECS. Outputs the task definition ARN,
 * the subnets and the security group the deploy job's `aws ecs run-task` names (STACK_OUTPUTS).
 */
export function buildMigrationTask(stack: Stack, props: MigrationTaskProps): ecs.FargateTaskDefinition {
  const scope = new Construct(stack, 'Migration');
  const path = migrationRolePath(props.service, props.environment);
  const principal = new iam.ServicePrincipal('ecs-tasks.amazonaws.com');
  const taskRole = new iam.Role(scope, 'TaskRole', {
    path,
    assumedBy: principal,
    description: `The ${props.service} migration task in ${props.environment} (the service's task permissions)`,
  });
  const executionRole = new iam.Role(scope, 'ExecutionRole', {
    path,
    assumedBy: principal,
    description: `ECS starts the ${props.service} migration task in ${props.environment} with this role (image pull, logs, secrets)`,
  });
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    family: migrationTaskFamily(props.service, props.environment),
    cpu: props.cpu,
    memoryLimitMiB: props.memoryMiB,
    runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    taskRole,
    executionRole,
  });
  for (const statement of props.taskPolicy) taskDefinition.addToTaskRolePolicy(statement);
  taskDefinition.addContainer('Migrate', {
    containerName: props.service,
    image: props.image(taskDefinition, props.imageTag),
    essential: true,
    readonlyRootFilesystem: false,
    // The whole command: ECS would append a `command` to the image's ENTRYPOINT (which starts the service).
    entryPoint: [...props.migrate.command],
    environment: { ...props.variables },
    secrets: { ...props.secrets },
    logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: MIGRATION_LOG_STREAM_PREFIX }),
  });

  new CfnOutput(stack, STACK_OUTPUTS.migrationTaskDefinition, { value: taskDefinition.taskDefinitionArn });
  new CfnOutput(stack, STACK_OUTPUTS.migrationSecurityGroup, { value: props.securityGroup.securityGroupId });
  return taskDefinition;
}
