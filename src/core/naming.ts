/**
 * Naming conventions shared by the pipeline (which assumes roles, pushes images,
 * reads stack outputs and SSM parameters) and the CloudFormation side (which
 * creates them). Each name is defined here once; both sides import it.
 */
import { createHash } from 'crypto';

/**
 * What AWS accepts for one kind of name: its length and characters, and where that is documented. Every generated
 * name is checked against its limit before anything is written (src/core/name-checks.ts); names are never cut.
 */
export interface NameLimit {
  /** What the name names, as the AWS documentation calls it. */
  readonly resource: string;
  readonly maxLength: number;
  /** The whole name must match. */
  readonly pattern: RegExp;
  /** The characters allowed, in words (for the message). */
  readonly rule: string;
  /** The AWS documentation that states the limit. */
  readonly source: string;
  /** AWS treats names that differ only in case as the same name (IAM). */
  readonly caseInsensitive?: boolean;
}

/** IAM RoleName: 1-64 of `[\w+=,.@-]`, unique per account regardless of case. */
export const IAM_ROLE_NAME: NameLimit = {
  resource: 'IAM role name',
  maxLength: 64,
  pattern: /^[\w+=,.@-]+$/,
  rule: 'letters, digits and _+=,.@-',
  caseInsensitive: true,
  source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html',
};

/** IAM PolicyName (a managed policy): 1-128 of `[\w+=,.@-]`, unique per account regardless of case. */
export const IAM_MANAGED_POLICY_NAME: NameLimit = {
  resource: 'IAM managed policy name',
  maxLength: 128,
  pattern: /^[\w+=,.@-]+$/,
  rule: 'letters, digits and _+=,.@-',
  caseInsensitive: true,
  source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html',
};

/** The managed policies of a role are `<role>-<n>`: room left for the suffix of the 128-character policy name. */
export function managedPolicyName(role: string, index: number): string {
  return `${role}-${index + 1}`;
}

/** IAM role names are at most 64 characters of `[\w+=,.@-]` ({@link IAM_ROLE_NAME}); a longer one stops synthesis. */
function roleName(parts: readonly string[]): string {
  return parts.join('-').replace(/[^\w+=,.@-]/g, '-');
}

/**
 * The role a deploy job assumes in an environment's account (through GitHub OIDC).
 * The bootstrap stack creates it, trusting `repo:<owner>/<repo>:environment:<env>:ref:refs/heads/<branch>`
 * ({@link deployRoleSubject}).
 */
export function deployRoleName(project: string, environment: string): string {
  return roleName(['shipshape', project, environment, 'deploy']);
}

/**
 * The claim keys of the repository's OIDC subject template (`PUT repos/{owner}/{repo}/actions/oidc/customization/sub`),
 * in order. GitHub joins each key and its value: `repo:<owner>/<repo>`, then the default subject's context
 * (`environment:<env>`, or `ref:refs/heads/<branch>` for a job outside any environment), then `ref:<the git ref>`.
 * With `ref` in the subject, a role trusts one environment *on one branch*, whatever the environment's settings.
 */
export const OIDC_SUBJECT_CLAIM_KEYS: readonly string[] = ['repo', 'context', 'ref'];

/**
 * The OIDC `sub` claim a deploy role trusts: a job on `branch` that declares the GitHub environment `environment`,
 * under the subject template {@link OIDC_SUBJECT_CLAIM_KEYS}: `repo:<owner>/<repo>:environment:<env>:ref:refs/heads/<branch>`.
 */
export function deployRoleSubject(repository: string, environment: string, branch: string): string {
  return `repo:${repository}:environment:${environment}:ref:refs/heads/${branch}`;
}

/**
 * The role the image publish job assumes in the registry account. It runs outside any
 * GitHub environment, so the bootstrap stack trusts the branch subject ({@link branchRoleSubject}) and grants ECR push on the service repositories only.
 */
export function publishRoleName(project: string): string {
  return roleName(['shipshape', project, 'publish']);
}

/**
 * The read-only role the scheduled drift check assumes in an environment's account
 * (CloudFormation drift detection needs read access to the stack's resources).
 * Trusts the branch subject ({@link branchRoleSubject}).
 */
export function driftRoleName(project: string, environment: string): string {
  return roleName(['shipshape', project, environment, 'drift']);
}

/**
 * The OIDC `sub` claim of a job on `branch` that declares no GitHub environment, under the subject template
 * {@link OIDC_SUBJECT_CLAIM_KEYS}: the context is the ref itself, so the ref appears twice
 * (`repo:<owner>/<repo>:ref:refs/heads/<branch>:ref:refs/heads/<branch>`).
 */
export function branchRoleSubject(repository: string, branch: string): string {
  return `repo:${repository}:ref:refs/heads/${branch}:ref:refs/heads/${branch}`;
}

/** ECR repositoryName: 2-256 characters, lowercase path segments separated by `.`, `_` or `-` (aws-cdk-lib's aws-ecr checks the same). */
export const ECR_REPOSITORY_NAME: NameLimit = {
  resource: 'ECR repository name',
  maxLength: 256,
  pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
  rule: 'lowercase letters and digits, separated by single . _ - or /',
  source: 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html',
};

/** The ECR repository of a service's image: the service name. */
export function imageRepositoryName(service: string): string {
  return service;
}

/** CloudFormation StackName: 1-128 characters, a letter then letters, digits and dashes. */
export const STACK_NAME: NameLimit = {
  resource: 'CloudFormation stack name',
  maxLength: 128,
  pattern: /^[A-Za-z][A-Za-z0-9-]*$/,
  rule: 'a letter, then letters, digits and dashes',
  source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html',
};

/** The CloudFormation stack of a project's bootstrap resources in one account. */
export function bootstrapStackName(project: string): string {
  return `${project}-bootstrap`;
}

/** The CloudFormation stack of a workload (a service, worker or job) in an environment. */
export function stackName(service: string, environment: string): string {
  return `${service}-${environment}`;
}

/**
 * The CloudFormation stack of an environment's shared infrastructure (network, cluster, load balancer, Service
 * Connect namespace). The suffix keeps it apart from the workload stacks (`<workload>-<env>`), also when a
 * workload has the project's name.
 */
export function environmentStackName(project: string, environment: string): string {
  return `${project}-${environment}-environment`;
}

/** The name of one value an environment stack exports for its workload stacks (`Fn::ImportValue`). */
export function environmentExportName(project: string, environment: string, value: string): string {
  return `${environmentStackName(project, environment)}:${value}`;
}

/** The Cloud Map namespace of an environment's Service Connect: workloads reach each other as `http://<name>:<port>`. */
export function serviceConnectNamespace(project: string, environment: string): string {
  return `${environment}.${project}.internal`;
}

/**
 * The SSM parameter holding the image tag that last passed verification in an
 * environment. The deploy job writes it after a successful verify; rollback reads it.
 */
export function lastGoodImageTagParameter(service: string, environment: string): string {
  return `/shipshape/${service}/${environment}/last-good-image-tag`;
}

/** The CloudFormation template parameter that carries the image tag. */
export const IMAGE_TAG_PARAMETER = 'ImageTag';

/**
 * The template parameter naming the image tag of a service's migration task definition. The deploy job sets it to
 * the new tag in a first change set that keeps `ImageTag` at the running tag, runs the migration, then deploys.
 */
export const MIGRATION_IMAGE_TAG_PARAMETER = 'MigrationImageTag';

/** Stack outputs the pipeline reads to wait for the ECS deployment (and, with `migrate`, to run the migration). */
export const STACK_OUTPUTS = {
  /** The ECS cluster name. */
  clusterName: 'EcsClusterName',
  /** The ECS service name. */
  serviceName: 'EcsServiceName',
  /** The log group of the service (and of its migration task, under the stream prefix `migrate`). */
  logGroupName: 'LogGroupName',
  /** The ARN of the migration task definition (a service with `migrate` only). */
  migrationTaskDefinition: 'MigrationTaskDefinitionArn',
  /** The security group of the migration task. */
  migrationSecurityGroup: 'MigrationSecurityGroup',
} as const;

/** The family of a service's migration task definition: the deploy role may run this family only. */
export function migrationTaskFamily(service: string, environment: string): string {
  return `${service}-${environment}-migrate`;
}

/**
 * The IAM path of the migration task's task and execution roles (unnamed: CloudFormation generates their names).
 * The deploy role may pass the roles under this path, and no other, to ECS.
 */
export function migrationRolePath(service: string, environment: string): string {
  return `/shipshape/${stackName(service, environment)}/migrate/`;
}

/** The log stream prefix of the migration task in the service's log group. */
export const MIGRATION_LOG_STREAM_PREFIX = 'migrate';

/** The ECR registry host of an account and region. */
export function ecrRegistry(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.amazonaws.com`;
}

/** The account and region whose ECR holds the images of every environment. */
export interface RegistryLocation {
  readonly account: string;
  readonly region: string;
}

/** What the registry choice reads of an environment. */
interface RegistryCandidate {
  readonly order: number;
  readonly account: string;
  readonly region: string;
  readonly infrastructure: { readonly production: boolean };
}

/**
 * The environment whose account and region hold the ECR repositories when none is chosen: the production
 * environment when exactly one environment is production, else the last environment in deploy order (their
 * declaration order). Images then live in the most protected account: other accounts can only pull them.
 */
export function registryEnvironment<E extends RegistryCandidate>(environments: readonly E[]): E | undefined {
  const production = environments.filter((e) => e.infrastructure.production);
  if (production.length === 1) return production[0];
  return [...environments].sort((a, b) => a.order - b.order).at(-1);
}

/**
 * The image registry of a project: the one chosen with `Shipshape.configure(project, { registry })`, else
 * {@link registryEnvironment}'s account and region. The image is built and pushed there once; every environment
 * pulls the same tag. The bootstrap stacks, the templates and the publish job all read it from here.
 */
export function registryLocation(environments: readonly RegistryCandidate[], chosen?: RegistryLocation): RegistryLocation | undefined {
  if (environments.length === 0) return undefined;
  if (chosen) return { account: chosen.account, region: chosen.region };
  const e = registryEnvironment(environments)!;
  return { account: e.account, region: e.region };
}

/** The IAM role CloudFormation acts as while it deploys one environment's stacks (passed by the deploy role). */
export function cloudFormationExecutionRoleName(project: string, environment: string): string {
  return roleName(['shipshape', project, environment, 'cfn-exec']);
}

/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
export const S3_BUCKET_NAME: NameLimit = {
  resource: 'S3 bucket name',
  maxLength: 63,
  pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  rule: 'lowercase letters, digits, dots and dashes',
  source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html',
};

/**
 * The S3 bucket of one account and region that holds the environment templates `aws cloudformation deploy`
 * uploads (`--s3-bucket`): templates above 51,200 bytes cannot be passed inline. Bucket names are global,
 * so the name carries the account and region: `<project>-templates-<account>-<region>`, lowercase, at most
 * 63 characters (a long project name is shortened and suffixed with a stable hash).
 */
export function templateBucketName(project: string, account: string, region: string): string {
  return accountBucketName(project, 'templates', account, region);
}

/**
 * The S3 bucket of one account and region that the account's audit trail writes to:
 * `<project>-audit-<account>-<region>`, shortened like {@link templateBucketName}.
 */
export function auditBucketName(project: string, account: string, region: string): string {
  return accountBucketName(project, 'audit', account, region);
}

/** `<project>-<kind>-<account>-<region>`, lowercase, at most 63 characters (a long project name gets a stable hash). */
function accountBucketName(project: string, kind: string, account: string, region: string): string {
  const suffix = `-${kind}-${account}-${region}`.toLowerCase();
  const clean = project.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '') || 'shipshape';
  const room = 63 - suffix.length;
  if (clean.length <= room) return `${clean}${suffix}`;
  const hash = createHash('sha256').update(project).digest('hex').slice(0, 6);
  return `${clean.slice(0, room - 7).replace(/-+$/, '')}-${hash}${suffix}`;
}

/**
 * Every upload of `aws cloudformation deploy --s3-bucket` goes under this prefix of the template bucket, and
 * only these objects expire (CloudFormation reads an uploaded template only while it creates the change set).
 */
export const TEMPLATE_UPLOADS_PREFIX = 'uploads';

/** The S3 key prefix under which a stack's templates are uploaded (`--s3-prefix`): `uploads/<stack>`. */
export function templatePrefix(stack: string): string {
  return `${TEMPLATE_UPLOADS_PREFIX}/${stack}`;
}

/**
 * The key, in the template bucket, of the template that last passed verification for a stack: kept beside the
 * last good image tag, so that a rollback redeploys both. Outside the expiring uploads prefix.
 */
export function lastGoodTemplateKey(stack: string): string {
  return `last-good/${stack}.template.json`;
}

/** `arn:<partition>:iam::<account>:role/<name>`, the partition derived from the region. */
export function roleArn(account: string, region: string, name: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:role/${name}`;
}

/** The AWS partition of a region. */
function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** ECS clusterName and serviceName: up to 255 letters, digits, dashes and underscores. */
export const ECS_NAME: NameLimit = {
  resource: 'ECS cluster or service name',
  maxLength: 255,
  pattern: /^[A-Za-z0-9_-]+$/,
  rule: 'letters, digits, dashes and underscores',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html',
};

/** The ECS cluster of an environment, shared by every workload of the project there. */
export function clusterName(project: string, environment: string): string {
  return `${project}-${environment}`;
}

/** The ECS service name inside its cluster. */
export function ecsServiceName(service: string): string {
  return service;
}

// ---------------------------------------------------------------------------
// Service-to-service calls (Service Connect in AWS, the compose network locally)
// ---------------------------------------------------------------------------

/**
 * The environment variable that gives a caller the URL of a service it calls (`Service.calls`): the callee's name
 * upper-cased, `-` → `_`, then `_URL` (`orders-api` → `ORDERS_API_URL`). Service names are lowercase letters, digits
 * and dashes, so two callees never share a variable.
 */
export function serviceUrlVariable(service: string): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_URL`;
}

/**
 * The URL a workload reaches a service at: `http://<name>:<port>`. In AWS, the Service Connect client alias
 * `<name>` on the callee's port resolves it; in docker-compose, the compose service named `<name>` does.
 */
export function serviceUrl(service: string, port: number): string {
  return `http://${service}:${port}`;
}

/** The database's secret when the stack keeps its own (`Database({ managedPassword: false })`); RDS names a managed one `rds!db-<id>`. */
export function databaseSecretName(service: string, environment: string): string {
  return `${service}/${environment}/database`;
}

/** The AWS Backup vault (and backup plan) of a service's database in one environment. */
export function backupVaultName(service: string, environment: string): string {
  return `${service}-${environment}`;
}

/**
 * The AWS Backup restore testing plan of a service's database: 1 to 50 letters, digits or underscores
 * (AWS::Backup::RestoreTestingPlan RestoreTestingPlanName), so dashes become underscores and a long name is cut.
 */
export function restoreTestingPlanName(service: string, environment: string): string {
  return `${service}_${environment}_restore_test`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 50);
}


// ---------------------------------------------------------------------------
// Monitoring (alarms, dashboards, canaries, runbooks)
// ---------------------------------------------------------------------------

/** The CloudWatch name of one alarm of a service in an environment. */
export function alarmName(service: string, env: string, alarm: string): string {
  return `${service}-${env}-${alarm}`;
}

/** CloudWatch AlarmName: 1-255 characters. */
export const ALARM_NAME: NameLimit = {
  resource: 'CloudWatch alarm name',
  maxLength: 255,
  pattern: /^\S(?:.*\S)?$/,
  rule: 'printable characters',
  source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html',
};

/** CloudWatch DashboardName: up to 255 of A-Z, a-z, 0-9, `-` and `_`. */
export const DASHBOARD_NAME: NameLimit = {
  resource: 'CloudWatch dashboard name',
  maxLength: 255,
  pattern: /^[A-Za-z0-9_-]+$/,
  rule: 'letters, digits, dashes and underscores',
  source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html',
};

/** The CloudWatch dashboard of a service in an environment. */
export function dashboardName(service: string, env: string): string {
  return `${service}-${env}`;
}

/** The console address of a dashboard. */
export function dashboardUrl(region: string, dashboard: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard}`;
}

/** The console address of an alarm. */
export function alarmUrl(region: string, alarm: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarm)}`;
}

/**
 * Synthetics canary Name: 1-255 of lowercase letters, digits, dashes and underscores (the limit aws-cdk-lib's
 * aws-synthetics Canary checks; it was 21 characters before AWS raised it).
 */
export const CANARY_NAME: NameLimit = {
  resource: 'Synthetics canary name',
  maxLength: 255,
  pattern: /^[0-9a-z_-]+$/,
  rule: 'lowercase letters, digits, dashes and underscores',
  source: 'https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CreateCanary.html',
};

/**
 * The Synthetics canary of a service in an environment: at most 21 characters of `[0-9a-z_-]` (the original
 * limit, kept so that existing canaries keep their names); a longer `<service>-<env>` is shortened and suffixed
 * with a stable hash, and the names are checked for clashes with every other generated name.
 */
export function canaryName(service: string, env: string): string {
  const full = `${service}-${env}`;
  if (full.length <= 21) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  return `${full.slice(0, 14).replace(/-+$/, '')}-${hash}`;
}

/** SNS topic Name: 1-256 ASCII letters, digits, underscores and hyphens. */
export const SNS_TOPIC_NAME: NameLimit = {
  resource: 'SNS topic name',
  maxLength: 256,
  pattern: /^[A-Za-z0-9_-]+$/,
  rule: 'letters, digits, underscores and dashes',
  source: 'https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html',
};

/** The SNS topic that carries the alarms of one severity. */
export function severityTopicName(service: string, env: string, severity: string): string {
  return `${service}-${env}-${severity}`;
}

/** The CloudWatch namespace of the metrics shipshape derives from a service's logs and events. */
export function monitoringNamespace(service: string, env: string): string {
  return `shipshape/${service}/${env}`;
}

/** CloudWatch Logs logGroupName: 1-512 of a-z, A-Z, 0-9, `_`, `-`, `/`, `.` and `#`. */
export const LOG_GROUP_NAME: NameLimit = {
  resource: 'CloudWatch Logs log group name',
  maxLength: 512,
  pattern: /^[A-Za-z0-9_\-/.#]+$/,
  rule: 'letters, digits and _-/.#',
  source: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html',
};

/** The log group that records the ECS task and deployment events of a service (EventBridge requires /aws/events/). */
export function eventsLogGroupName(service: string, env: string): string {
  return `/aws/events/shipshape/${service}/${env}`;
}

/** Where the runbook of an alarm is generated, relative to the project root. */
export function runbookPath(service: string, alarm: string, singleService: boolean): string {
  return singleService ? `docs/runbooks/${alarm}.md` : `docs/runbooks/${service}-${alarm}.md`;
}

/** The service's own log group (JSON lines). The environment stack creates it under this name. */
export function serviceLogGroupName(service: string, env: string): string {
  return `/shipshape/${service}/${env}`;
}

/**
 * CloudTrail trail names: 3-128 letters, digits, periods, underscores and dashes, starting and ending with a letter or
 * digit, without two of `._-` in a row.
 */
export const TRAIL_NAME: NameLimit = {
  resource: 'CloudTrail trail name',
  maxLength: 128,
  pattern: /^(?=.{3,128}$)[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?=[A-Za-z0-9]))*$/,
  rule: 'letters, digits and ._- (not two in a row), starting and ending with a letter or digit',
  source: 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html',
};

/** The trail a bootstrap stack creates in its account (one per account: it records every region). */
export function auditTrailName(project: string): string {
  return `${project.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/[._-]{2,}/g, '-').replace(/^[._-]+|[._-]+$/g, '')}-audit`;
}

/** The port of the load balancer's test listener (HTTPS) of blue/green, canary and linear strategies. */
export const TEST_LISTENER_PORT = 8443;
/** The header (and its value) the test listener rule requires: the canary sends it, users do not. */
export const TEST_HEADER = 'x-shipshape-test';
export const TEST_HEADER_VALUE = 'new-version';

// ---------------------------------------------------------------------------
// Workers and events (SNS topics of publishers, SQS queues of workers)
// ---------------------------------------------------------------------------

/** The SNS topic a publishing service owns in an environment (in its own stack): `<service>-<env>-events`. */
export function eventsTopicName(service: string, env: string): string {
  return `${service}-${env}-events`;
}

/** The export of a publisher's stack that carries its events topic's ARN: workers' stacks import it. */
export function eventsTopicExportName(service: string, env: string): string {
  return `${stackName(service, env)}:${EVENTS_TOPIC_EXPORT}`;
}

const EVENTS_TOPIC_EXPORT = 'EventsTopicArn';

/**
 * The topic name an {@link eventsTopicExportName} export carries (`<service>-<env>:EventsTopicArn` →
 * `<service>-<env>-events`), so that what imports it can be scoped to the topic; undefined for any other export.
 */
export function eventsTopicOfExport(exportName: string): string | undefined {
  const suffix = `:${EVENTS_TOPIC_EXPORT}`;
  return exportName.endsWith(suffix) ? `${exportName.slice(0, -suffix.length)}-events` : undefined;
}

/** `ORDERS_API` of `orders-api`: the prefix of the variables that name another workload. */
function variablePrefix(workload: string): string {
  return workload.toUpperCase().replace(/-/g, '_');
}

/** The variable that gives a publishing service its own topic's ARN: `<NAME>_TOPIC_ARN` (`orders` → `ORDERS_TOPIC_ARN`). */
export function topicArnVariable(service: string): string {
  return `${variablePrefix(service)}_TOPIC_ARN`;
}

/** The variable that gives a worker the URL of its queue. */
export const QUEUE_URL_VARIABLE = 'QUEUE_URL';

/** SQS QueueName: 1-80 letters, digits, dashes and underscores (a FIFO queue's `.fifo` suffix included). */
export const SQS_QUEUE_NAME: NameLimit = {
  resource: 'SQS queue name',
  maxLength: 80,
  pattern: /^[A-Za-z0-9_-]+$/,
  rule: 'letters, digits, dashes and underscores',
  source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html',
};

/** The queue a worker reads in an environment: `<worker>-<env>`. */
export function workerQueueName(worker: string, env: string): string {
  return `${worker}-${env}`;
}

/** The dead-letter queue of a worker's queue: `<worker>-<env>-dlq`. */
export function deadLetterQueueName(worker: string, env: string): string {
  return `${worker}-${env}-dlq`;
}

/** `arn:<partition>:sqs:<region>:<account>:<name>`. */
export function queueArn(account: string, region: string, name: string): string {
  return `arn:${partitionOf(region)}:sqs:${region}:${account}:${name}`;
}

/** The ECS cluster an environment's workloads share (I15: the environment stack creates it): `<project>-<env>`. */
export function environmentClusterName(project: string, env: string): string {
  return `${project}-${env}`;
}

// ---------------------------------------------------------------------------
// Scheduled jobs (src/workloads/scheduled-job.ts, src/cloudformation/scheduled-job.ts)
// ---------------------------------------------------------------------------

/** Step Functions state machine names: 1-80 letters, digits, dashes and underscores. */
export const STATE_MACHINE_NAME: NameLimit = {
  resource: 'Step Functions state machine name',
  maxLength: 80,
  pattern: /^[A-Za-z0-9_-]+$/,
  rule: 'letters, digits, dashes and underscores',
  source: 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html',
};

/** EventBridge Scheduler schedule and schedule group names: 1-64 letters, digits and `-_.`. */
export const SCHEDULE_NAME: NameLimit = {
  resource: 'EventBridge Scheduler schedule or schedule group name',
  maxLength: 64,
  pattern: /^[0-9a-zA-Z-_.]+$/,
  rule: 'letters, digits and -_.',
  source: 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html',
};

/** The state machine that runs a job in an environment (retries, timeout). */
export function jobStateMachineName(job: string, env: string): string {
  return `${job}-${env}`;
}

/**
 * The schedule group of a job in an environment, holding its one schedule (of the same name): EventBridge Scheduler
 * publishes its invocation metrics per schedule group, so a group per job gives the job's own missed-run alarm.
 */
export function jobScheduleGroupName(job: string, env: string): string {
  return `${job}-${env}`;
}

/** The task definition family of a job in an environment (ECS family names: up to 255 letters, digits, `-` and `_`). */
export function jobTaskFamily(job: string, env: string): string {
  return `${job}-${env}`;
}

/** Stack outputs of a job's stack, for the pipeline and the runbooks. */
export const JOB_STACK_OUTPUTS = {
  /** The ARN of the state machine that runs the job (`aws stepfunctions start-execution` runs it once). */
  stateMachineArn: 'JobStateMachineArn',
  /** The ARN of the job's task definition revision the stack deployed. */
  taskDefinitionArn: 'JobTaskDefinitionArn',
  /** The job's schedule group and schedule name. */
  scheduleName: 'JobScheduleName',
  /** The job's container log group. */
  logGroupName: 'LogGroupName',
} as const;

/** The ARN of a job's state machine in an environment (the partition derived from the region). */
export function jobStateMachineArn(account: string, region: string, job: string, env: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:states:${region}:${account}:stateMachine:${jobStateMachineName(job, env)}`;
}

/** Where the runbook of a job's alarm is generated: always `<job>-<alarm>`, so it cannot clash with a service's. */
export function jobRunbookPath(job: string, alarm: string): string {
  return `docs/runbooks/${job}-${alarm}.md`;
}
