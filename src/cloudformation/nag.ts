import { Validations, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { templatePrefix } from '../core/naming';
import type { EnvironmentModel } from '../model';

/** One cdk-nag (AwsSolutions) finding shipshape accepts by design, with the reason. */
export interface NagAcknowledgement {
  /** The rule id, for example `AwsSolutions-EC23`, or one finding of it: `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  /** Construct paths inside the stack it applies to (a construct covers everything under it). */
  readonly constructs: readonly string[];
  readonly reason: string;
  /** When it applies, in words, for the documentation. */
  readonly when?: string;
  /** When it applies; always when absent. */
  readonly applies?: (environment: EnvironmentModel) => boolean;
  /** The exact finding ids, when they name account-specific resources; `id` (as written in the docs) when absent. */
  readonly stackFindings?: (stack: Stack) => readonly string[];
}

/** Acknowledgements on the environment stacks. docs/cdk-nag-acknowledgements.md is generated from this table. */
export const ENVIRONMENT_ACKNOWLEDGEMENTS: readonly NagAcknowledgement[] = [
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    constructs: ['TaskDefinition/ExecutionRole', 'Migration/ExecutionRole'],
    reason: 'ecr:GetAuthorizationToken has no resource-level permissions; AWS requires Resource "*". Image pulls themselves are limited to the service\'s repository.',
  },
  {
    id: 'AwsSolutions-ECS2',
    constructs: ['TaskDefinition', 'Migration/TaskDefinition'],
    reason: 'Only non-secret configuration is passed as plain environment variables (database host, port, name and user, AppConfig names, the user\'s `variables`). Secrets are references to Secrets Manager, which shipshape enforces: a literal secret value is rejected.',
  },
  {
    id: 'AwsSolutions-EC23',
    constructs: ['LoadBalancerSecurityGroup'],
    reason: 'The internet-facing load balancer accepts HTTPS from anywhere by design; port 80 only answers with a redirect to HTTPS.',
    when: 'environments with a domain (a load balancer)',
  },
  {
    id: 'AwsSolutions-ELB2',
    constructs: ['LoadBalancer'],
    reason: 'Access logs need an S3 bucket with an ELB delivery policy per environment, which shipshape does not create by default. Deployment safety relies on the target 5xx alarm and the service\'s own logs; add logs through addStackCustomization (alb.logAccessLogs) where audits need them.',
    when: 'environments with a domain (a load balancer)',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
    constructs: ['EcsInfrastructureRole'],
    reason: 'ECS native blue/green, canary and linear deployments shift traffic with the infrastructure role AWS documents ("Amazon ECS infrastructure IAM role for load balancers"): this AWS managed policy, which AWS keeps current as ECS needs new load balancer calls.',
    when: 'blue/green, canary and linear strategies',
  },
  {
    id: 'AwsSolutions-SMG4',
    constructs: ['Database'],
    reason: 'Only with `managedPassword: false`, where the stack keeps its own secret: automatic rotation of that secret needs a rotation Lambda function (an asset or the SAM transform), which a plain `aws cloudformation deploy` without CDK bootstrap cannot ship. Rotate by hand as docs/database-restore.md describes. By default RDS manages the password and rotates it every 7 days, and there is no secret in the template.',
    when: 'environments with a Database that has managedPassword: false',
  },
  {
    id: 'AwsSolutions-RDS11',
    constructs: ['Database'],
    reason: 'The database sits in private subnets and accepts connections only from the service\'s security group; a non-default port would add no protection and break tooling defaults.',
    when: 'environments with a Database',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    constructs: ['BackupPlan'],
    reason: 'AWS Backup\'s own managed policy is the documented permission set for backing up RDS, and AWS keeps it current.',
    when: 'environments with a Database',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
    constructs: ['RestoreTestingRole'],
    reason: 'AWS Backup restores the restore test\'s recovery point with the permissions AWS documents for restores, this AWS managed policy, which AWS keeps current as restorable services change.',
    when: 'environments with a Database whose restores are tested (the default)',
  },
  {
    id: 'AwsSolutions-RDS3',
    constructs: ['Database'],
    reason: 'Outside production the database runs in one availability zone to halve its cost (multiAz: true turns the standby on); a ProdParity check makes staging state this difference.',
    when: 'non-production environments',
    applies: (e) => !e.infrastructure.production,
  },
  {
    id: 'AwsSolutions-RDS10',
    constructs: ['Database'],
    reason: 'Deletion protection is on in production only, so non-production databases can be torn down with their stack; they are snapshotted on deletion.',
    when: 'non-production environments',
    applies: (e) => !e.infrastructure.production,
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    constructs: ['Monitoring/Routes/Digest'],
    reason: 'The INFO digest function only writes its own logs; this AWS managed policy grants exactly CloudWatch Logs writes.',
    when: 'services with a Monitoring that routes INFO alarms to a digest',
  },
  {
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    constructs: ['Monitoring/Routes/Digest'],
    reason: 'Publishing to the encrypted INFO topic needs the GenerateDataKey family on that one KMS key; the resource is the key itself, not a wildcard.',
    when: 'services with a Monitoring that routes INFO alarms to a digest',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    constructs: ['Monitoring/Canary/Canary/ServiceRole'],
    reason: 'aws-cdk-lib\'s Synthetics canary role: cloudwatch:PutMetricData has no resource-level permissions and is limited by a condition to the CloudWatchSynthetics namespace.',
    when: 'environments with a URL and a canary',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::<artifacts bucket>/canary/*], AwsSolutions-IAM5[Resource::arn:…:log-group:/aws/lambda/cwsyn-*]',
    stackFindings: (stack) => [
      `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(stack.node.findChild('Monitoring').node.findChild('Canary').node.findChild('Artifacts').node.defaultChild as never)}.Arn>/canary/*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${stack.region}:${stack.account}:log-group:/aws/lambda/cwsyn-*]`,
    ],
    constructs: ['Monitoring/Canary/Canary/ServiceRole'],
    reason: 'aws-cdk-lib\'s Synthetics canary role writes artifacts under the canary/ prefix of its own bucket and logs to the /aws/lambda/cwsyn-* log groups Synthetics creates; both are prefixes the service defines, not account-wide wildcards.',
    when: 'environments with a URL and a canary',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    constructs: ['TaskDefinition/TaskRole'],
    reason: 'cloudwatch:PutMetricData has no resource-level permissions; the statement is limited by the cloudwatch:namespace condition to the custom namespaces the service\'s alarms read. With `exec: true`, ECS Exec\'s four ssmmessages channel actions and logs:DescribeLogGroups have no resource-level permissions either (AWS requires "*"); the session log writes are limited to the service\'s own log group.',
    when: 'services with a Monitoring that alarms on a custom metric, or with exec: true',
  },
  {
    id: 'AwsSolutions-S1',
    constructs: ['Monitoring/Canary/Artifacts'],
    reason: 'The canary artifacts bucket holds only screenshots and HAR files that expire after 30 days; server access logs would need a second bucket per environment for no audit value.',
    when: 'environments with a URL and a canary',
  },
];

/** Acknowledgements on a scheduled job's stack (src/cloudformation/scheduled-job.ts), construct paths in that stack. */
export const SCHEDULED_JOB_ACKNOWLEDGEMENTS: readonly NagAcknowledgement[] = [
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    constructs: ['TaskDefinition/ExecutionRole'],
    reason: 'ecr:GetAuthorizationToken has no resource-level permissions; AWS requires Resource "*". Image pulls themselves are limited to the job\'s repository.',
  },
  {
    id: 'AwsSolutions-ECS2',
    constructs: ['TaskDefinition'],
    reason: 'Only non-secret configuration is passed as plain environment variables; secrets are references to Secrets Manager (a literal secret value is rejected).',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    constructs: ['StateMachine/Role'],
    reason: 'The ECS .sync integration as AWS documents it ("IAM policies for Amazon ECS/Fargate"): ecs:StopTask and ecs:DescribeTasks name task ids that exist only at run time, and the CloudWatch Logs delivery actions of execution logging (logs:CreateLogDelivery …) have no resource-level permissions.',
  },
  {
    id: 'AwsSolutions-SF2',
    constructs: ['StateMachine'],
    reason: 'The state machine has one task (run the job\'s ECS task and wait); its execution history and ALL-level logs show every attempt, so X-Ray traces (and their xray:* grants on "*") would add nothing.',
  },
];

/** What a bootstrap acknowledgement needs to name its exact findings. */
export interface BootstrapNagContext {
  readonly account: string;
  readonly region: string;
  /** The environment stacks the role deploys. */
  readonly stacks: readonly string[];
  /** `<cluster>/<service>` of each ECS service the role waits for. */
  readonly ecsServices: readonly string[];
  /** The resources with a wildcard in the execution role's generated policies ('*' included). */
  readonly executionWildcards: readonly string[];
  /** The template bucket's name. */
  readonly bucket: string;
  /** The migration task family, cluster and role path of each service with `migrate`. */
  readonly migrations?: ReadonlyArray<{ readonly family: string; readonly cluster: string; readonly rolePath: string }>;
}

/** A bootstrap acknowledgement: `id` is the documented pattern, `findings` the exact ids cdk-nag reports. */
export interface BootstrapNagAcknowledgement extends NagAcknowledgement {
  readonly findings: (ctx: BootstrapNagContext) => string[];
}

const PARTITION = '<AWS::Partition>';
const IAM5 = 'AwsSolutions-IAM5';

/** Acknowledgements on the bootstrap stacks, per environment role (`{Env}` is the environment's PascalCase name). */
export const BOOTSTRAP_ACKNOWLEDGEMENTS: readonly BootstrapNagAcknowledgement[] = [
  {
    id: `${IAM5}[Resource::*]`,
    constructs: ['{Env}ExecutionPolicies'],
    reason: 'Generated from the environment templates: only actions their resources\' CloudFormation handlers call, no `service:*` and no `*` action. Resource "*" is kept for actions that have no resource-level permissions (ec2:CreateVpc\'s id, kms:CreateKey, appconfig:CreateApplication …), for resources whose names AWS generates (VPC, subnet, security group, key, AppConfig, load balancer ids) and for read-only Describe/List/Get calls, which may list and are then checked against "*".',
    findings: (c) => (c.executionWildcards.includes('*') ? [`${IAM5}[Resource::*]`] : []),
  },
  {
    id: `${IAM5}[Resource::<ARN with a generated part>]`,
    constructs: ['{Env}ExecutionPolicies'],
    reason: 'The wildcard stands for the part of a name CloudFormation or AWS generates: `<stack>-<logical id>-<random>` of unnamed roles, functions, buckets and log groups, the random suffix of a secret ARN, the change id of a Route 53 change, the alarm names target tracking creates. Everything else of the ARN (account, region, stack name) is exact.',
    findings: (c) => c.executionWildcards.filter((r) => r !== '*').map((r) => `${IAM5}[Resource::${r}]`),
  },
  {
    id: `${IAM5}[Resource::arn:${PARTITION}:s3:::<template bucket>/uploads/<stack>/*]`,
    constructs: ['{Env}DeployRole', '{Env}ExecutionRole'],
    reason: '`aws cloudformation deploy --s3-prefix uploads/<stack>` uploads each template under its stack\'s prefix with a content-hash name; the wildcard is that name. Each role reaches only its own environment\'s stack prefixes.',
    findings: (c) => c.stacks.map((s) => `${IAM5}[Resource::arn:${PARTITION}:s3:::${c.bucket}/${templatePrefix(s)}/*]`),
  },
  {
    id: `${IAM5}[Resource::arn:${PARTITION}:cloudformation:<region>:<account>:stack/<stack>/*]`,
    constructs: ['{Env}DeployRole', '{Env}DriftRole'],
    reason: 'The wildcard is the stack id AWS appends to a stack ARN; the stack name itself is exact.',
    findings: (c) => c.stacks.map((s) => `${IAM5}[Resource::arn:${PARTITION}:cloudformation:${c.region}:${c.account}:stack/${s}/*]`),
  },
  {
    id: `${IAM5}[Resource::arn:${PARTITION}:ecs:<region>:<account>:service-deployment/<cluster>/<service>/*]`,
    constructs: ['{Env}DeployRole'],
    reason: 'The wildcard is the deployment id ECS assigns to each deployment of the service, which the pipeline reads to wait for the outcome.',
    findings: (c) => c.ecsServices.map((s) => `${IAM5}[Resource::arn:${PARTITION}:ecs:${c.region}:${c.account}:service-deployment/${s}/*]`),
  },
  {
    id: `${IAM5}[Resource::<migration task definition revisions, tasks and roles>]`,
    constructs: ['{Env}DeployRole'],
    reason: 'The deploy job runs a service\'s migration task definition at whatever revision CloudFormation registered (`task-definition/<service>-<env>-migrate:*`, only in the service\'s cluster), watches and stops the tasks it started there (`task/<cluster>/*`: ECS assigns the task id), and passes the migration task\'s two roles to ECS tasks only: CloudFormation generates their names, under an IAM path only they use (`role/shipshape/<stack>/migrate/*`).',
    when: 'services with `migrate`',
    findings: (c) => (c.migrations ?? []).flatMap((m) => [
      `${IAM5}[Resource::arn:${PARTITION}:ecs:${c.region}:${c.account}:task-definition/${m.family}:*]`,
      `${IAM5}[Resource::arn:${PARTITION}:ecs:${c.region}:${c.account}:task/${m.cluster}/*]`,
      `${IAM5}[Resource::arn:${PARTITION}:iam::${c.account}:role${m.rolePath}*]`,
    ]),
  },
  {
    id: `${IAM5}[Resource::*]`,
    constructs: ['{Env}DriftRole', '{Env}DriftPolicies'],
    reason: 'Drift detection calls each resource\'s read handler with the caller\'s credentials; the role holds exactly those read actions (generated from the templates, named, no wildcard action), on "*" because a Describe may list and AWS generates most ids; DescribeStackDriftDetectionStatus has no resource-level permissions. Drift detection itself is limited to the environment\'s stacks.',
    findings: () => [`${IAM5}[Resource::*]`],
  },
];

/** Acknowledgements on the account-wide resources of a bootstrap stack (template bucket, publish role). */
export const BOOTSTRAP_ACCOUNT_ACKNOWLEDGEMENTS: readonly NagAcknowledgement[] = [
  {
    id: 'AwsSolutions-S1',
    constructs: ['TemplateBucket'],
    reason: 'The template bucket holds copies of the generated templates (already in git) that expire after 30 days; CloudTrail records who uploaded them. Server access logs would need a second bucket per account for no audit value.',
  },
  {
    id: 'AwsSolutions-S1',
    constructs: ['AuditBucket'],
    reason: 'The audit bucket holds the trail\'s own log files: its policy denies deleting any object or version, changes to it (policy, lifecycle) are management events the trail records, and log file validation proves no file was changed. Server access logs would need a further bucket per account, whose own access would again go unlogged.',
  },
  {
    id: `${IAM5}[Resource::*]`,
    constructs: ['PublishRole'],
    reason: 'ecr:GetAuthorizationToken has no resource-level permissions; AWS requires Resource "*". Pushes are limited to the service repositories.',
    when: 'the registry account (`registry` of Shipshape.configure; by default the production environment\'s)',
  },
];

function acknowledgeAt(scope: IConstruct, path: string, ack: NagAcknowledgement): void {
  const target = path.split('/').reduce<IConstruct | undefined>((c, id) => c?.node.tryFindChild(id), scope);
  if (target) Validations.of(target).acknowledge({ id: ack.id, reason: ack.reason });
}

/** Record the acknowledgements on an environment stack (aws-cdk-lib's Validations API, which cdk-nag 3 reads). */
export function acknowledgeEnvironmentStack(stack: Stack, environment: EnvironmentModel): void {
  for (const ack of ENVIRONMENT_ACKNOWLEDGEMENTS) {
    if (ack.applies && !ack.applies(environment)) continue;
    for (const path of ack.constructs) {
      if (!resolvePath(stack, path)) continue;
      for (const id of ack.stackFindings ? ack.stackFindings(stack) : [ack.id]) acknowledgeAt(stack, path, { ...ack, id });
    }
  }
}

/** The environment stack's shared resources carry the same acknowledgements as they did in a service's stack. */
export const acknowledgeSharedStack = acknowledgeEnvironmentStack;

function resolvePath(scope: IConstruct, path: string): IConstruct | undefined {
  return path.split('/').reduce<IConstruct | undefined>((c, id) => c?.node.tryFindChild(id), scope);
}

/** Record the acknowledgements on a scheduled job's resources (buildScheduledJob adds them at the stack's root). */
export function acknowledgeScheduledJob(stack: Stack): void {
  for (const ack of SCHEDULED_JOB_ACKNOWLEDGEMENTS) for (const path of ack.constructs) acknowledgeAt(stack, path, ack);
}

/** Record the acknowledgements on the roles of one environment in a bootstrap stack. */
export function acknowledgeBootstrapRoles(stack: Stack, envId: string, ctx: BootstrapNagContext): void {
  for (const ack of BOOTSTRAP_ACKNOWLEDGEMENTS) {
    for (const path of ack.constructs) {
      for (const id of ack.findings(ctx)) acknowledgeAt(stack, path.replace('{Env}', envId), { ...ack, id });
    }
  }
}

/** Record the acknowledgements on the account-wide resources of a bootstrap stack. */
export function acknowledgeBootstrapAccount(stack: Stack): void {
  for (const ack of BOOTSTRAP_ACCOUNT_ACKNOWLEDGEMENTS) for (const path of ack.constructs) acknowledgeAt(stack, path, ack);
}

/** docs/cdk-nag-acknowledgements.md, generated from the tables above (a test keeps the file in sync). */
export function renderNagAcknowledgementsDoc(): string {
  const row = (a: NagAcknowledgement) => `| \`${a.id}\` | ${a.constructs.map((c) => `\`${c}\``).join(', ')} | ${a.when ?? 'always'} | ${a.reason.replace(/\|/g, '\\|')} |`;
  return [
    '# cdk-nag acknowledgements',
    '',
    '<!-- Generated from src/cloudformation/nag.ts by test/cloudformation-nag.test.ts (SHIPSHAPE_UPDATE_DOCS=1). Do not edit. -->',
    '',
    'The generated templates are checked with the cdk-nag 3 AwsSolutions pack in the test suite. Every finding',
    'that remains is acknowledged on the construct it concerns, with the reason below; any other finding fails the tests.',
    '',
    '## Environment stacks (`infra/<env>.template.json`)',
    '',
    '| rule | construct | applies to | reason |',
    '|---|---|---|---|',
    ...ENVIRONMENT_ACKNOWLEDGEMENTS.map(row),
    '',
    '## Scheduled job stacks (`infra/<job>-<env>.template.json`)',
    '',
    '| rule | construct | applies to | reason |',
    '|---|---|---|---|',
    ...SCHEDULED_JOB_ACKNOWLEDGEMENTS.map(row),
    '',
    '## Bootstrap stacks (`infra/bootstrap*.template.json`)',
    '',
    '| rule | construct | applies to | reason |',
    '|---|---|---|---|',
    ...BOOTSTRAP_ACKNOWLEDGEMENTS.map(row),
    ...BOOTSTRAP_ACCOUNT_ACKNOWLEDGEMENTS.map(row),
    '',
  ].join('\n');
}
