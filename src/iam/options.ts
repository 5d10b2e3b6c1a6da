import type { ExtraTypePermissions } from './template-needs';
import { Problem, problem } from '../core/errors';

/** `Shipshape.configure(project, { executionRole })`: what the CloudFormation execution roles may do beyond shipshape's data. */
export interface ExecutionRoleOptions {
  /**
   * Permissions for resource types shipshape has no handler data for (a resource added with
   * `Environment.addStackCustomization`), or in addition to its data, by CloudFormation type. Without an entry, a
   * template with a type shipshape does not know stops synthesis (SS-IAM-UNKNOWN-TYPE).
   *
   * ```ts
   * Shipshape.configure(project, { executionRole: { resourceTypes: {
   *   'AWS::SQS::Queue': { actions: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:TagQueue'],
   *                        resources: ['arn:aws:sqs:eu-west-1:123456789012:orders-*'] },
   * } } });
   * ```
   * @default {}
   */
  readonly resourceTypes?: Readonly<Record<string, ExtraTypePermissions>>;
}

const TYPE = /^(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+|Custom::[A-Za-z0-9_@-]+)$/;
/** An IAM action without wildcards: the grant names each action. */
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** Every problem of the execution role options, at once. */
export function executionRoleProblems(path: string, options: ExecutionRoleOptions | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const [type, grant] of Object.entries(options?.resourceTypes ?? {})) {
    const at = `executionRole.resourceTypes['${type}']`;
    if (!TYPE.test(type)) problems.push(problem('SS-IAM-EXTRA-TYPE', path, at, type, 'a CloudFormation resource type such as AWS::SQS::Queue'));
    const actions = Array.isArray(grant?.actions) ? grant.actions : [];
    if (actions.length === 0) problems.push(problem('SS-IAM-EXTRA-ACTION', path, `${at}.actions`, grant?.actions, 'at least one IAM action'));
    for (const a of actions) {
      if (typeof a !== 'string' || !ACTION.test(a)) {
        problems.push(problem('SS-IAM-EXTRA-ACTION', path, `${at}.actions`, a, 'an IAM action `service:Action` without wildcards (name each action)'));
      }
    }
    for (const r of grant?.resources ?? []) {
      if (typeof r !== 'string' || (r !== '*' && !/^arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+/.test(r))) {
        problems.push(problem('SS-IAM-EXTRA-RESOURCE', path, `${at}.resources`, r, "an ARN (wildcards allowed in its parts) or '*'"));
      }
    }
  }
  return problems;
}
