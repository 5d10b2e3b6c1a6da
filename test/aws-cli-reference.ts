/**
 * The AWS CLI v2 commands the generated runbooks and playbooks may use, with every option each may pass, copied
 * from the command's page of the AWS CLI reference (cited beside each). Checked by hand against those pages;
 * a command or option not listed here fails test/runbook-commands.test.ts until it is checked and added.
 */
export interface CliCommand {
  /** The AWS CLI reference page of the command. */
  readonly page: string;
  /** Its options, without the global ones. */
  readonly options: readonly string[];
  /** Positional arguments it takes (for example `logs tail`'s log group, `s3api get-object`'s outfile). */
  readonly positional: number;
}

/** Global options every command accepts (https://docs.aws.amazon.com/cli/latest/reference/index.html#options). */
export const GLOBAL_OPTIONS = ['--region', '--query', '--output', '--profile', '--no-cli-pager'];

const ref = (service: string, command: string) => `https://docs.aws.amazon.com/cli/latest/reference/${service}/${command}.html`;

export const AWS_CLI: Readonly<Record<string, CliCommand>> = {
  // Pagination options of both: --starting-token, --page-size, --max-items (and --max-results / --next-token of the API).
  'backup list-restore-testing-plans': {
    page: ref('backup', 'list-restore-testing-plans'),
    options: ['--starting-token', '--page-size', '--max-items'],
    positional: 0,
  },
  'backup list-restore-jobs': {
    page: ref('backup', 'list-restore-jobs'),
    options: [
      '--by-account-id', '--by-resource-type', '--by-created-before', '--by-created-after', '--by-status', '--by-complete-before', '--by-complete-after',
      '--by-restore-testing-plan-arn', '--starting-token', '--page-size', '--max-items',
    ],
    positional: 0,
  },
  'backup describe-restore-job': { page: ref('backup', 'describe-restore-job'), options: ['--restore-job-id'], positional: 0 },
  'cloudformation deploy': {
    page: ref('cloudformation', 'deploy'),
    options: ['--template-file', '--stack-name', '--s3-bucket', '--s3-prefix', '--role-arn', '--parameter-overrides', '--capabilities', '--no-fail-on-empty-changeset'],
    positional: 0,
  },
  'cloudformation describe-stacks': { page: ref('cloudformation', 'describe-stacks'), options: ['--stack-name'], positional: 0 },
  'cloudformation describe-stack-resources': { page: ref('cloudformation', 'describe-stack-resources'), options: ['--stack-name'], positional: 0 },
  'cloudformation cancel-update-stack': { page: ref('cloudformation', 'cancel-update-stack'), options: ['--stack-name'], positional: 0 },
  // Waits until the stack is UPDATE_ROLLBACK_COMPLETE.
  'cloudformation wait stack-rollback-complete': { page: 'https://docs.aws.amazon.com/cli/latest/reference/cloudformation/wait/stack-rollback-complete.html', options: ['--stack-name'], positional: 0 },
  // Waits until the stack is UPDATE_COMPLETE.
  'cloudformation wait stack-update-complete': { page: 'https://docs.aws.amazon.com/cli/latest/reference/cloudformation/wait/stack-update-complete.html', options: ['--stack-name'], positional: 0 },
  'cloudwatch describe-alarm-history': {
    page: ref('cloudwatch', 'describe-alarm-history'),
    options: ['--alarm-name', '--alarm-types', '--history-item-type', '--start-date', '--end-date', '--scan-by', '--max-items'],
    positional: 0,
  },
  'ecs describe-services': { page: ref('ecs', 'describe-services'), options: ['--cluster', '--services'], positional: 0 },
  'ecs list-tasks': { page: ref('ecs', 'list-tasks'), options: ['--cluster', '--service-name', '--family', '--desired-status'], positional: 0 },
  'ecs describe-tasks': { page: ref('ecs', 'describe-tasks'), options: ['--cluster', '--tasks'], positional: 0 },
  'ecs list-service-deployments': { page: ref('ecs', 'list-service-deployments'), options: ['--service', '--cluster', '--status', '--created-at'], positional: 0 },
  // "ROLLBACK - This option rolls back the service deployment to the previous service revision."
  'ecs stop-service-deployment': { page: ref('ecs', 'stop-service-deployment'), options: ['--service-deployment-arn', '--stop-type'], positional: 0 },
  'elbv2 describe-target-health': { page: ref('elbv2', 'describe-target-health'), options: ['--target-group-arn'], positional: 0 },
  'logs tail': { page: ref('logs', 'tail'), options: ['--since', '--follow', '--format', '--filter-pattern'], positional: 1 },
  's3api get-object': { page: ref('s3api', 'get-object'), options: ['--bucket', '--key'], positional: 1 },
  'sqs get-queue-url': { page: ref('sqs', 'get-queue-url'), options: ['--queue-name', '--queue-owner-aws-account-id'], positional: 0 },
  'sqs get-queue-attributes': { page: ref('sqs', 'get-queue-attributes'), options: ['--queue-url', '--attribute-names'], positional: 0 },
  // "--visibility-timeout: The duration (in seconds) that the received messages are hidden from subsequent retrieve requests".
  'sqs receive-message': {
    page: ref('sqs', 'receive-message'),
    options: ['--queue-url', '--attribute-names', '--message-system-attribute-names', '--message-attribute-names', '--max-number-of-messages', '--visibility-timeout', '--wait-time-seconds', '--receive-request-attempt-id'],
    positional: 0,
  },
  // Without --destination-arn, "the messages will be redriven back to their respective original source queues".
  'sqs start-message-move-task': { page: ref('sqs', 'start-message-move-task'), options: ['--source-arn', '--destination-arn', '--max-number-of-messages-per-second'], positional: 0 },
  'sqs list-message-move-tasks': { page: ref('sqs', 'list-message-move-tasks'), options: ['--source-arn', '--max-results'], positional: 0 },
  // Scheduled jobs' runbooks (options as `aws <command> help` lists them; --max-items is the CLI's pagination option).
  'stepfunctions list-executions': {
    page: ref('stepfunctions', 'list-executions'),
    options: ['--state-machine-arn', '--status-filter', '--map-run-arn', '--redrive-filter', '--starting-token', '--page-size', '--max-items'],
    positional: 0,
  },
  'stepfunctions describe-execution': { page: ref('stepfunctions', 'describe-execution'), options: ['--execution-arn', '--included-data'], positional: 0 },
  'stepfunctions get-execution-history': {
    page: ref('stepfunctions', 'get-execution-history'),
    options: ['--execution-arn', '--reverse-order', '--no-reverse-order', '--include-execution-data', '--no-include-execution-data', '--starting-token', '--page-size', '--max-items'],
    positional: 0,
  },
  'stepfunctions start-execution': { page: ref('stepfunctions', 'start-execution'), options: ['--state-machine-arn', '--name', '--input', '--trace-header'], positional: 0 },
  'scheduler get-schedule': { page: ref('scheduler', 'get-schedule'), options: ['--group-name', '--name'], positional: 0 },
  'synthetics get-canary-runs': { page: ref('synthetics', 'get-canary-runs'), options: ['--name', '--max-results'], positional: 0 },
};

/** Values a flag of a command may take, where the reference lists them. */
export const ENUMS: Readonly<Record<string, readonly string[]>> = {
  '--stop-type': ['ROLLBACK'],
  // The states of a deployment that stop-service-deployment accepts, and SUCCESSFUL (list-service-deployments' example).
  '--status': ['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'SUCCESSFUL'],
  '--desired-status': ['RUNNING', 'PENDING', 'STOPPED'],
  '--status-filter': ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'],
  '--history-item-type': ['ConfigurationUpdate', 'StateUpdate', 'Action'],
  '--alarm-types': ['CompositeAlarm', 'MetricAlarm'],
  '--capabilities': ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
  '--output': ['json', 'text', 'table', 'yaml', 'yaml-stream'],
  // The queue attributes GetQueueAttributes returns (API_GetQueueAttributes, AttributeNames).
  '--attribute-names': ['All', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible', 'QueueArn', 'RedrivePolicy', 'VisibilityTimeout', 'MessageRetentionPeriod'],
  // ListRestoreJobs ByStatus (API reference): PENDING | RUNNING | COMPLETED | ABORTED | FAILED.
  '--by-status': ['PENDING', 'RUNNING', 'COMPLETED', 'ABORTED', 'FAILED'],
};
