/**
 * ECS task and deployment events → a log group → metric filters. This gives the task-restarts and
 * failed-deployments alarms their metrics, the dashboard its deployment count, and the on-call
 * engineer a record of what changed. Written without CDK's log-group target, which needs a custom
 * resource (and therefore an asset).
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { eventsLogGroupName, monitoringNamespace } from '../../core/naming';
import { RDS_EVENT_CATEGORIES } from '../../monitoring/presets';

/** The metric (in the service's monitoring namespace) counting tasks that failed to start or whose essential container exited. */
export const TASK_STOPS_METRIC = 'TaskStops';

export interface ServiceEventsProps {
  readonly service: string;
  readonly environment: string;
  readonly logRetentionDays: number;
  readonly cluster?: ecs.ICluster;
  readonly ecsService?: ecs.BaseService;
  /** The AWS Backup vault whose failed jobs are counted. */
  readonly backupVaultName?: string;
  /** The service's database: its RDS events (failover, failure, low storage…) are counted. */
  readonly database?: rds.IDatabaseInstance;
}

/**
 * The stop reasons of tasks the ECS scheduler replaced for failing a health check ("Why is my Amazon ECS task
 * stopped?", https://repost.aws/knowledge-center/ecs-task-stopped: "Task failed ELB health checks", "Task failed
 * container health checks"): the usual crash loop, which the essential-container and start failures miss.
 */
export const HEALTH_CHECK_STOP_REASONS = ['Task failed ELB health checks', 'Task failed container health checks'];

export class ServiceEvents extends Construct {
  public readonly logGroup: logs.LogGroup;
  /** Tasks that stopped because an essential container exited or the task failed to start. */
  public readonly taskStops?: cloudwatch.Metric;
  /** AWS Backup jobs of the vault that failed, were aborted or expired. */
  public readonly backupFailures?: cloudwatch.Metric;
  /** RDS events of the database instance in the categories worth a look (RDS_EVENT_CATEGORIES). */
  public readonly databaseEvents?: cloudwatch.Metric;
  /** ECS deployments that started. */
  public readonly deploymentsStarted?: cloudwatch.Metric;
  /** ECS deployments that failed (and rolled back). */
  public readonly deploymentsFailed?: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: ServiceEventsProps) {
    super(scope, id);
    const { service, environment } = props;
    const namespace = monitoringNamespace(service, environment);
    const name = eventsLogGroupName(service, environment);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: name,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stack = Stack.of(this);
    const targetArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const target: events.IRuleTarget = { bind: () => ({ arn: targetArn }) };
    new logs.ResourcePolicy(this, 'Policy', {
      resourcePolicyName: `${service}-${environment}-ecs-events`,
      policyStatements: [new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com'), new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      })],
    });

    const filter = (fid: string, metricName: string, pattern: logs.IFilterPattern) => {
      new logs.MetricFilter(this, fid, { logGroup: this.logGroup, filterPattern: pattern, metricNamespace: namespace, metricName, metricValue: '1', defaultValue: 0 });
      return new cloudwatch.Metric({ namespace, metricName, statistic: 'Sum' });
    };

    const cluster = props.cluster ?? props.ecsService?.cluster;
    if (cluster) {
      // Stopped tasks of this cluster (and service), matched by one more field of the event's detail.
      const stoppedTasks = (rid: string, description: string, match: Record<string, unknown>) => new events.Rule(this, rid, {
        description,
        eventPattern: {
          source: ['aws.ecs'],
          detailType: ['ECS Task State Change'],
          detail: {
            clusterArn: [cluster.clusterArn],
            lastStatus: ['STOPPED'],
            ...match,
            ...(props.ecsService ? { group: [`service:${props.ecsService.serviceName}`] } : {}),
          },
        },
        targets: [target],
      });
      stoppedTasks('TaskStops', `Tasks of ${service} in ${environment} that stopped unexpectedly`,
        { stopCode: ['EssentialContainerExited', 'TaskFailedToStart'] });
      stoppedTasks('TaskHealthCheckKills', `Tasks of ${service} in ${environment} replaced for failing a load balancer or container health check`,
        { stoppedReason: HEALTH_CHECK_STOP_REASONS.map((p) => ({ prefix: p })) });
      this.taskStops = filter('TaskStopsFilter', TASK_STOPS_METRIC, logs.FilterPattern.stringValue('$.detail.lastStatus', '=', 'STOPPED'));
    }
    if (props.backupVaultName) {
      // "Monitoring AWS Backup events using Amazon EventBridge" (https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html).
      new events.Rule(this, 'BackupJobs', {
        description: `Backup jobs of ${service} in ${environment} that failed, were aborted or expired`,
        eventPattern: {
          source: ['aws.backup'],
          detailType: ['Backup Job State Change'],
          detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'], backupVaultName: [props.backupVaultName] },
        },
        targets: [target],
      });
      this.backupFailures = filter('BackupFailuresFilter', 'BackupJobsFailed', logs.FilterPattern.stringValue('$.source', '=', 'aws.backup'));
    }
    if (props.database) {
      // RDS sends "RDS DB Instance Event" to EventBridge (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-rds.html);
      // the detail carries the RDS Event fields (EventCategories, SourceArn, Message:
      // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Event.html). An array in the event matches
      // when it shares a value with the pattern's.
      new events.Rule(this, 'DatabaseEvents', {
        description: `RDS events of the ${service} database in ${environment}: ${RDS_EVENT_CATEGORIES.join(', ')}`,
        eventPattern: {
          source: ['aws.rds'],
          detailType: ['RDS DB Instance Event'],
          detail: { SourceArn: [props.database.instanceArn], EventCategories: [...RDS_EVENT_CATEGORIES] },
        },
        targets: [target],
      });
      this.databaseEvents = filter('DatabaseEventsFilter', 'DatabaseEvents', logs.FilterPattern.stringValue('$.source', '=', 'aws.rds'));
    }
    if (props.ecsService) {
      new events.Rule(this, 'Deployments', {
        description: `Deployments of ${service} in ${environment}`,
        eventPattern: { source: ['aws.ecs'], detailType: ['ECS Deployment State Change'], resources: [props.ecsService.serviceArn] },
        targets: [target],
      });
      this.deploymentsStarted = filter('DeploymentsStartedFilter', 'DeploymentsStarted',
        logs.FilterPattern.stringValue('$.detail.eventName', '=', 'SERVICE_DEPLOYMENT_IN_PROGRESS'));
      this.deploymentsFailed = filter('DeploymentsFailedFilter', 'DeploymentsFailed',
        logs.FilterPattern.stringValue('$.detail.eventName', '=', 'SERVICE_DEPLOYMENT_FAILED'));
    }
  }
}
