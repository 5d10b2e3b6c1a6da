/**
 * A ScheduledJob in one environment, modelled on AWS Copilot's Scheduled Job (its CloudFormation template runs the
 * task through a Step Functions state machine for retries and the timeout): EventBridge Scheduler → Step Functions
 * (ECS RunTask `.sync`) → one Fargate task in the environment's private subnets, no public IP, no port.
 *
 * `buildScheduledJob(stack, shared, props)` adds everything to the job's own stack; the shared pieces (VPC, cluster,
 * alarm topics) come from the environment stack through {@link SharedEnvironment}.
 */
import type { WorkloadEnvironment as SharedEnvironment } from './shared';

export type { WorkloadEnvironment as SharedEnvironment } from './shared';
import { CfnOutput, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  JOB_STACK_OUTPUTS, alarmName, jobScheduleGroupName, jobStateMachineName, jobTaskFamily, serviceLogGroupName,
} from '../core/naming';
import type { EnvironmentModel, ScheduledJobModel } from '../model';
import { acknowledgeScheduledJob } from './nag';
import { ImageRegistry, imageTagParameter, registryImage, secretsOf, serviceSecrets, serviceValues } from './service';
import { JOB_ALARMS } from '../workloads/job-alarms';


export interface ScheduledJobStackProps {
  readonly job: ScheduledJobModel;
  /** The environment: its variables and secrets, log retention, account and region. */
  readonly environment: EnvironmentModel;
  /** Where the job's image repository lives (the project's registry: `model.registry`). */
  readonly registry: ImageRegistry;
}

/** What the builder made, for the caller's outputs and tests. */
export interface ScheduledJobResources {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: scheduler.CfnSchedule;
  readonly logGroup: logs.LogGroup;
  readonly alarms: readonly cloudwatch.Alarm[];
}

/** How long EventBridge Scheduler keeps trying to start one run before it drops it (and the missed-runs alarm fires). */
export const JOB_START_RETRY = { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 10 } as const;

/** The name of the Fail state's error for a run whose container exited with a code other than 0. */
export const NON_ZERO_EXIT_ERROR = 'Job.NonZeroExit';

/** Add the job's task definition, state machine, schedule, logs and alarms to its stack. */
export function buildScheduledJob(stack: Stack, shared: SharedEnvironment, props: ScheduledJobStackProps): ScheduledJobResources {
  const { job, environment } = props;
  const infra = environment.infrastructure;
  const retention = environment.logRetentionDays as logs.RetentionDays;
  const imageTag = imageTagParameter(stack, job.name);

  const logGroup = new logs.LogGroup(stack, 'Logs', {
    logGroupName: serviceLogGroupName(job.name, environment.name),
    retention,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'TaskDefinition', {
    // Named, so that a runbook can list the job's tasks by family.
    family: jobTaskFamily(job.name, environment.name),
    cpu: job.cpu,
    memoryLimitMiB: job.memoryMiB,
    runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
  });
  taskDefinition.addContainer('App', {
    containerName: job.name,
    image: registryImage(stack, taskDefinition, props.registry, job.name, imageTag.valueAsString),
    essential: true,
    readonlyRootFilesystem: false,
    // The job's whole command, when it declares one: it replaces the image's ENTRYPOINT (and so its CMD).
    entryPoint: job.command ? [...job.command] : undefined,
    // No port and no health check: a job runs to completion, and its exit code is its health.
    environment: { ...serviceValues(job), ...infra.variables },
    secrets: secretsOf(stack, serviceSecrets(job, { ...infra.secrets }, {})),
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: job.name }),
  });

  const securityGroup = new ec2.SecurityGroup(stack, 'JobSecurityGroup', {
    vpc: shared.vpc,
    description: `${job.name} job tasks: no inbound, outbound HTTPS only`,
    allowAllOutbound: false,
  });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs (ECR, Secrets Manager, CloudWatch Logs)');

  const stateMachine = jobStateMachine(stack, shared, job, environment, taskDefinition, securityGroup, retention);
  const schedule = jobSchedule(stack, job, environment, stateMachine);
  const alarms = jobAlarms(stack, shared, job, environment, stateMachine);

  new CfnOutput(stack, JOB_STACK_OUTPUTS.stateMachineArn, { value: stateMachine.stateMachineArn });
  new CfnOutput(stack, JOB_STACK_OUTPUTS.taskDefinitionArn, { value: taskDefinition.taskDefinitionArn });
  new CfnOutput(stack, JOB_STACK_OUTPUTS.scheduleName, { value: `${jobScheduleGroupName(job.name, environment.name)}/${schedule.name}` });
  new CfnOutput(stack, JOB_STACK_OUTPUTS.logGroupName, { value: logGroup.logGroupName });

  acknowledgeScheduledJob(stack);
  return { taskDefinition, stateMachine, schedule, logGroup, alarms };
}

/**
 * One run: a Parallel state around "run the task and wait" (ECS RunTask `.sync`) and a check of the container's exit
 * code, so that the Parallel state's retrier covers both ways a run fails: the task state failing (the task could not
 * start, ECS reported `Failures`, or Step Functions fails it for the stopped container) and the container exiting
 * non-zero, which the check turns into the error {@link NON_ZERO_EXIT_ERROR} whether or not the task state failed.
 * A failed run is a failed execution (`ExecutionsFailed`); the execution's `TimeoutSeconds` bounds a run with all
 * its retries (`ExecutionsTimedOut`), and Step Functions then stops the ECS task.
 */
function jobStateMachine(
  stack: Stack, shared: SharedEnvironment, job: ScheduledJobModel, environment: EnvironmentModel,
  taskDefinition: ecs.FargateTaskDefinition, securityGroup: ec2.ISecurityGroup, retention: logs.RetentionDays,
): sfn.StateMachine {
  const subnets = shared.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
  // The task state as AWS documents the ECS integration ("Run Amazon ECS or Fargate tasks with Step Functions"),
  // written out so that the role below can name this task definition revision and this cluster exactly.
  const runTask = new sfn.CustomState(stack, 'RunTask', {
    stateJson: {
      Type: 'Task',
      Resource: `arn:${stack.partition}:states:::ecs:runTask.sync`,
      Parameters: {
        'LaunchType': 'FARGATE',
        'PlatformVersion': 'LATEST',
        'Cluster': shared.cluster.clusterArn,
        'TaskDefinition': taskDefinition.taskDefinitionArn,
        'PropagateTags': 'TASK_DEFINITION',
        // Tasks of one execution share a group, so `list-tasks` can find them (as AWS Copilot does).
        'Group.$': '$$.Execution.Name',
        'NetworkConfiguration': { AwsvpcConfiguration: { Subnets: subnets, SecurityGroups: [securityGroup.securityGroupId], AssignPublicIp: 'DISABLED' } },
      },
    },
  });
  const exitCode = '$.Containers[0].ExitCode';
  const check = new sfn.Choice(stack, 'CheckExitCode', { stateName: 'Exit code 0?' })
    .when(sfn.Condition.and(sfn.Condition.isPresent(exitCode), sfn.Condition.numberEquals(exitCode, 0)), new sfn.Succeed(stack, 'Succeeded', { stateName: 'Succeeded' }))
    .otherwise(new sfn.Fail(stack, 'NonZeroExit', {
      stateName: 'Exited non-zero',
      error: NON_ZERO_EXIT_ERROR,
      cause: `The ${job.name} container stopped without exit code 0`,
    }));
  const run = new sfn.Parallel(stack, 'Run', { stateName: `Run ${job.name}` }).branch(runTask.next(check));
  if (job.retries > 0) run.addRetry({ errors: [sfn.Errors.ALL], maxAttempts: job.retries, interval: Duration.seconds(10), backoffRate: 1.5 });

  const executionLogs = new logs.LogGroup(stack, 'ExecutionLogs', {
    // Step Functions delivers logs as vended logs: the /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy small.
    logGroupName: `/aws/vendedlogs/states/shipshape/${job.name}/${environment.name}`,
    retention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const machine = new sfn.StateMachine(stack, 'StateMachine', {
    stateMachineName: jobStateMachineName(job.name, environment.name),
    stateMachineType: sfn.StateMachineType.STANDARD,
    comment: `Runs ${job.name} (${job.schedule}${job.timezone === 'UTC' ? '' : `, ${job.timezone}`}) with ${job.retries} retries`,
    definitionBody: sfn.DefinitionBody.fromChainable(run),
    timeout: Duration.seconds(job.timeoutSeconds),
    logs: { destination: executionLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
  });
  // "IAM policies for Amazon ECS/Fargate" (Step Functions Developer Guide), Run a Job (.sync), narrowed: this task
  // definition revision on this cluster; stopping and describing tasks of this cluster; passing the task's two roles
  // to ECS only; and the managed rule through which Step Functions learns that the task stopped.
  const onCluster = { ArnEquals: { 'ecs:cluster': shared.cluster.clusterArn } };
  machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecs:RunTask'], resources: [taskDefinition.taskDefinitionArn], conditions: onCluster }));
  machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecs:StopTask', 'ecs:DescribeTasks'], resources: ['*'], conditions: onCluster }));
  machine.addToRolePolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [taskDefinition.taskRole.roleArn, taskDefinition.obtainExecutionRole().roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
  }));
  machine.addToRolePolicy(new iam.PolicyStatement({
    actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
    resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForECSTaskRule' })],
  }));
  return machine;
}

/**
 * The schedule, in its own schedule group (EventBridge Scheduler's metrics are per group): the exact time (flexible
 * window off), in the job's time zone, starting an execution with a role that may start this state machine only.
 */
function jobSchedule(stack: Stack, job: ScheduledJobModel, environment: EnvironmentModel, stateMachine: sfn.StateMachine): scheduler.CfnSchedule {
  const groupName = jobScheduleGroupName(job.name, environment.name);
  const group = new scheduler.CfnScheduleGroup(stack, 'ScheduleGroup', { name: groupName });
  const role = new iam.Role(stack, 'SchedulerRole', {
    description: `EventBridge Scheduler starts the ${job.name} state machine with this role`,
    // The confused-deputy conditions of "Set up the execution role" (EventBridge Scheduler User Guide).
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnEquals: { 'aws:SourceArn': group.attrArn },
      },
    }),
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] }));
  const schedule = new scheduler.CfnSchedule(stack, 'Schedule', {
    name: groupName,
    groupName: group.ref,
    description: `Starts ${job.name} in ${environment.name}`,
    scheduleExpression: job.schedule,
    scheduleExpressionTimezone: job.timezone,
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: stateMachine.stateMachineArn,
      roleArn: role.roleArn,
      retryPolicy: { maximumEventAgeInSeconds: JOB_START_RETRY.maximumEventAgeSeconds, maximumRetryAttempts: JOB_START_RETRY.maximumRetryAttempts },
    },
  });
  // The policy first: a schedule whose role cannot start the state machine yet would fail its first invocation.
  schedule.node.addDependency(role);
  return schedule;
}

/**
 * WARNING alarms, to the environment's WARNING route:
 * - failed runs: `ExecutionsFailed` + `ExecutionsTimedOut` of the state machine (AWS/States, dimension
 *   StateMachineArn) ≥ 1 in 5 minutes;
 * - missed runs: EventBridge Scheduler's `TargetErrorCount` + `InvocationDroppedCount` of the job's schedule group
 *   (AWS/Scheduler, dimension ScheduleGroup) ≥ 1 in 5 minutes. Why these rather than "no ExecutionsStarted in the
 *   expected interval": a cron schedule's longest gap can be a month, beyond what one CloudWatch alarm evaluates, and
 *   a run started by hand would hide a missed scheduled one; Scheduler reports the scheduled invocation itself.
 * Missing data is not breaching: no datapoint means no run failed.
 */
function jobAlarms(
  stack: Stack, shared: SharedEnvironment, job: ScheduledJobModel, environment: EnvironmentModel, stateMachine: sfn.StateMachine,
): cloudwatch.Alarm[] {
  const group = jobScheduleGroupName(job.name, environment.name);
  const states = (metricName: string, period: number) => new cloudwatch.Metric({
    namespace: 'AWS/States', metricName, dimensionsMap: { StateMachineArn: stateMachine.stateMachineArn }, statistic: 'Sum', period: Duration.seconds(period),
  });
  const scheduled = (metricName: string, period: number) => new cloudwatch.Metric({
    namespace: 'AWS/Scheduler', metricName, dimensionsMap: { ScheduleGroup: group }, statistic: 'Sum', period: Duration.seconds(period),
  });
  const failed = JOB_ALARMS.failedRuns;
  const missed = JOB_ALARMS.missedRuns;
  /** The sum of counts, each read as 0 where it has no datapoint. */
  const sum = (label: string, period: number, parts: Record<string, cloudwatch.IMetric>) => new cloudwatch.MathExpression({
    expression: Object.keys(parts).map((id) => `FILL(${id}, 0)`).join(' + '), usingMetrics: parts, label, period: Duration.seconds(period),
  });
  const specs = [
    {
      id: 'FailedRunsAlarm',
      spec: failed,
      metric: sum('failed or timed-out runs', failed.periodSeconds, {
        failed: states('ExecutionsFailed', failed.periodSeconds), timedOut: states('ExecutionsTimedOut', failed.periodSeconds),
      }),
    },
    {
      id: 'MissedRunsAlarm',
      spec: missed,
      metric: sum('runs not started', missed.periodSeconds, {
        errors: scheduled('TargetErrorCount', missed.periodSeconds), dropped: scheduled('InvocationDroppedCount', missed.periodSeconds),
      }),
    },
  ];
  const topic = shared.topicFor('warning');
  return specs.map(({ id, spec, metric }) => {
    const alarm = new cloudwatch.Alarm(stack, id, {
      alarmName: alarmName(job.name, environment.name, spec.suffix),
      alarmDescription: `${job.name} in ${environment.name}: ${spec.summary}. ${spec.impact}`,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (topic) {
      alarm.addAlarmAction(new cwActions.SnsAction(topic));
      alarm.addOkAction(new cwActions.SnsAction(topic));
    }
    return alarm;
  });
}
