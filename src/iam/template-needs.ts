import { Problem, ShipshapeError, problem } from '../core/errors';
import { eventsTopicOfExport } from '../core/naming';
import actionData from './data/action-resources.json';
import { HANDLER_OPS, HandlerOp, handlerPermissions } from './handler-permissions';
import type { RequiredPermission } from './types';

/** Where a template is deployed, to turn names into ARNs. */
export interface TemplateContext {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  /** The CloudFormation stack name the template is deployed as. */
  readonly stackName: string;
  /** Permissions the user grants for resource types shipshape has no data for (or in addition to its data), by type. */
  readonly extraTypes?: Readonly<Record<string, ExtraTypePermissions>>;
  /** The construct path to blame in errors. @default the file */
  readonly source?: string;
}

/** What the execution role may additionally do for one resource type (`Shipshape.configure(p, { executionRole })`). */
export interface ExtraTypePermissions {
  /** IAM actions, `service:Action`, no wildcards. */
  readonly actions: readonly string[];
  /** ARNs the actions are limited to. @default ['*'] */
  readonly resources?: readonly string[];
}

type Props = Readonly<Record<string, unknown>>;

/** A handler action deliberately left out for resources configured a certain way. */
export interface HandlerExclusion {
  /** The resource type, or '*' for every type. */
  readonly type: string;
  readonly actions: readonly string[];
  /** When the actions are left out, in words (the condition `applies` checks). */
  readonly when: string;
  /** Why they are not needed then. */
  readonly reason: string;
  readonly applies: (properties: Props) => boolean;
}

const has = (p: Props, key: string) => p[key] !== undefined;
const actionsOf = (p: Props, key: string): unknown[] => (Array.isArray(p[key]) ? (p[key] as unknown[]) : []);
const noAuthenticateAction = (key: string) => (p: Props) => !actionsOf(p, key).some((a) => /^authenticate-/.test(String((a as Props).Type)));

/**
 * The reviewed list of handler actions the execution role is not given, each with the condition under which it is
 * left out and the reason. The handler data lists every variant of a type (an IAM policy of users and groups, a
 * listener that authenticates with Cognito); a resource that does not use the variant never makes the call.
 * `iam:PassRole` is handled by what the properties reference (see {@link templateNeeds}), not here.
 */
export const EXCLUDED_HANDLER_ACTIONS: readonly HandlerExclusion[] = [
  {
    type: 'AWS::IAM::Policy',
    actions: ['iam:PutUserPolicy', 'iam:GetUserPolicy', 'iam:DeleteUserPolicy'],
    when: 'the policy names no Users',
    reason: 'these attach the policy to IAM users; a policy of roles only never calls them',
    applies: (p) => !has(p, 'Users'),
  },
  {
    type: 'AWS::IAM::Policy',
    actions: ['iam:PutGroupPolicy', 'iam:GetGroupPolicy', 'iam:DeleteGroupPolicy'],
    when: 'the policy names no Groups',
    reason: 'these attach the policy to IAM groups; a policy of roles only never calls them',
    applies: (p) => !has(p, 'Groups'),
  },
  {
    type: 'AWS::IAM::Role',
    actions: ['iam:DeleteRolePermissionsBoundary'],
    when: 'the role has a PermissionsBoundary',
    reason: 'it removes the boundary; every stack role keeps the stack role boundary, and the execution role may not take it off',
    applies: (p) => has(p, 'PermissionsBoundary'),
  },
  {
    type: 'AWS::IAM::Role',
    actions: ['iam:AttachRolePolicy'],
    when: 'the role has no ManagedPolicyArns',
    reason: 'it attaches managed policies; a role without any never calls it (DetachRolePolicy stays, to detach one an update removed)',
    applies: (p) => !has(p, 'ManagedPolicyArns'),
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::Listener',
    actions: ['cognito-idp:DescribeUserPoolClient'],
    when: 'no DefaultActions entry is authenticate-cognito or authenticate-oidc',
    reason: 'the listener reads the Cognito user pool client only to validate an authenticate-cognito action',
    applies: noAuthenticateAction('DefaultActions'),
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
    actions: ['cognito-idp:DescribeUserPoolClient'],
    when: 'no Actions entry is authenticate-cognito or authenticate-oidc',
    reason: 'the rule reads the Cognito user pool client only to validate an authenticate-cognito action',
    applies: noAuthenticateAction('Actions'),
  },
  {
    type: 'AWS::Logs::LogGroup',
    actions: ['logs:AssociateKmsKey', 'logs:DisassociateKmsKey'],
    when: 'the log group has no KmsKeyId',
    reason: 'they set or remove a customer managed key, which the group does not have',
    applies: (p) => !has(p, 'KmsKeyId'),
  },
  {
    type: 'AWS::Logs::LogGroup',
    actions: ['logs:PutDataProtectionPolicy', 'logs:DeleteDataProtectionPolicy', 'logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'firehose:TagDeliveryStream'],
    when: 'the log group has no DataProtectionPolicy',
    reason: 'they install a data protection policy and deliver its audit findings (to CloudWatch Logs, Firehose or S3); reading whether one exists (GetDataProtectionPolicy) stays',
    applies: (p) => !has(p, 'DataProtectionPolicy'),
  },
  {
    type: 'AWS::SNS::Topic',
    actions: ['iam:GetRole'],
    when: 'the topic has no DeliveryStatusLogging',
    reason: 'the topic reads a role only to check the delivery status logging roles',
    applies: (p) => !has(p, 'DeliveryStatusLogging'),
  },
  {
    type: 'AWS::SNS::Topic',
    actions: ['sns:PutDataProtectionPolicy'],
    when: 'the topic has no DataProtectionPolicy',
    reason: 'it installs a data protection policy, which the topic does not have (reading it stays)',
    applies: (p) => !has(p, 'DataProtectionPolicy'),
  },
  {
    type: 'AWS::SNS::Topic',
    actions: ['sns:Subscribe', 'sns:Unsubscribe'],
    when: 'the topic has no Subscription property',
    reason: 'inline subscriptions only; shipshape subscribes with AWS::SNS::Subscription resources, whose own permissions include these',
    applies: (p) => !has(p, 'Subscription'),
  },
  {
    type: 'AWS::Lambda::Function',
    actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
    when: 'the function has no VpcConfig',
    reason: 'they validate the subnets and security groups of a function in a VPC',
    applies: (p) => !has(p, 'VpcConfig'),
  },
  {
    type: 'AWS::Lambda::Function',
    actions: ['elasticfilesystem:DescribeMountTargets'],
    when: 'the function has no FileSystemConfigs',
    reason: 'it checks the EFS mount targets of a function that mounts a file system',
    applies: (p) => !has(p, 'FileSystemConfigs'),
  },
  {
    type: 'AWS::Lambda::Function',
    actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
    when: 'the function has no KmsKeyArn',
    reason: 'they use the customer managed key that encrypts the environment variables; without one Lambda uses its own key',
    applies: (p) => !has(p, 'KmsKeyArn'),
  },
  {
    type: 'AWS::Lambda::Function',
    actions: ['lambda:GetCodeSigningConfig', 'lambda:PutFunctionCodeSigningConfig', 'lambda:DeleteFunctionCodeSigningConfig'],
    when: 'the function has no CodeSigningConfigArn',
    reason: 'they attach a code signing configuration (reading whether one is attached, GetFunctionCodeSigningConfig, stays)',
    applies: (p) => !has(p, 'CodeSigningConfigArn'),
  },
  {
    type: 'AWS::Lambda::Function',
    actions: ['lambda:GetLayerVersion'],
    when: 'the function has no Layers',
    reason: 'it resolves the layers the function uses',
    applies: (p) => !has(p, 'Layers'),
  },
  {
    type: 'AWS::Lambda::Function',
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
    when: 'the code is inline (Code.ZipFile) or an image, not an S3 object',
    reason: 'they fetch the deployment package from S3',
    applies: (p) => !has((p.Code ?? {}) as Props, 'S3Bucket'),
  },
  {
    type: 'AWS::Lambda::Function',
    actions: ['lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency'],
    when: 'the function has no ReservedConcurrentExecutions',
    reason: 'they set or clear reserved concurrency',
    applies: (p) => !has(p, 'ReservedConcurrentExecutions'),
  },
  {
    type: 'AWS::ApplicationAutoScaling::ScalableTarget',
    actions: ['lambda:GetProvisionedConcurrencyConfig', 'lambda:PutProvisionedConcurrencyConfig', 'lambda:DeleteProvisionedConcurrencyConfig'],
    when: 'the ServiceNamespace is not lambda',
    reason: 'they scale the provisioned concurrency of a Lambda function',
    applies: (p) => p.ServiceNamespace !== 'lambda',
  },
  {
    type: 'AWS::ApplicationAutoScaling::ScalableTarget',
    actions: ['application-autoscaling:PutScheduledAction', 'application-autoscaling:DeleteScheduledAction'],
    when: 'the target has no ScheduledActions',
    reason: 'they create and remove scheduled scaling actions',
    applies: (p) => !has(p, 'ScheduledActions'),
  },
  {
    type: 'AWS::EC2::FlowLog',
    actions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
    when: 'LogDestinationType is not s3',
    reason: 'they grant the log delivery service access to a destination bucket',
    applies: (p) => p.LogDestinationType !== 's3',
  },
  {
    type: 'AWS::EC2::EIP',
    actions: ['ec2:AcceptAddressTransfer'],
    when: 'the address has no TransferAddress',
    reason: 'it accepts an Elastic IP transferred from another account',
    applies: (p) => !has(p, 'TransferAddress'),
  },
  {
    type: 'AWS::EC2::EIP',
    actions: ['ec2:AssociateAddress', 'ec2:DisassociateAddress'],
    when: 'the address has no InstanceId',
    reason: 'they attach the address to an instance; a NAT gateway takes its address by AllocationId',
    applies: (p) => !has(p, 'InstanceId'),
  },
  {
    type: 'AWS::EC2::NatGateway',
    actions: ['ec2:AssignPrivateNatGatewayAddress', 'ec2:UnassignPrivateNatGatewayAddress', 'ec2:AssociateNatGatewayAddress', 'ec2:DisassociateNatGatewayAddress'],
    when: 'the gateway has no SecondaryAllocationIds, SecondaryPrivateIpAddresses or SecondaryPrivateIpAddressCount',
    reason: 'they manage secondary addresses',
    applies: (p) => !has(p, 'SecondaryAllocationIds') && !has(p, 'SecondaryPrivateIpAddresses') && !has(p, 'SecondaryPrivateIpAddressCount'),
  },
  {
    type: 'AWS::RDS::DBInstance',
    actions: ['rds:CreateDBInstanceReadReplica', 'rds:PromoteReadReplica'],
    when: 'the instance has no SourceDBInstanceIdentifier',
    reason: 'they create and promote a read replica',
    applies: (p) => !has(p, 'SourceDBInstanceIdentifier'),
  },
  {
    type: 'AWS::RDS::DBInstance',
    actions: ['rds:RestoreDBInstanceFromDBSnapshot'],
    when: 'the instance has no DBSnapshotIdentifier',
    reason: 'it restores the instance from a snapshot',
    applies: (p) => !has(p, 'DBSnapshotIdentifier'),
  },
  {
    type: 'AWS::RDS::DBInstance',
    actions: ['rds:RestoreDBInstanceToPointInTime'],
    when: 'the instance has no RestoreTime, UseLatestRestorableTime or SourceDbiResourceId',
    reason: 'it restores the instance to a point in time',
    applies: (p) => !has(p, 'RestoreTime') && !has(p, 'UseLatestRestorableTime') && !has(p, 'SourceDbiResourceId'),
  },
  {
    type: 'AWS::RDS::DBInstance',
    actions: ['rds:StartDBInstanceAutomatedBackupsReplication', 'rds:StopDBInstanceAutomatedBackupsReplication'],
    when: 'the instance has no AutomaticBackupReplicationRegion',
    reason: 'they replicate automated backups to another region',
    applies: (p) => !has(p, 'AutomaticBackupReplicationRegion'),
  },
  {
    type: 'AWS::RDS::DBInstance',
    actions: ['rds:AddRoleToDBInstance', 'rds:RemoveRoleFromDBInstance'],
    when: 'the instance has no AssociatedRoles',
    reason: 'they associate IAM roles with the instance',
    applies: (p) => !has(p, 'AssociatedRoles'),
  },
  {
    type: 'AWS::RDS::DBInstance',
    actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
    when: 'ManageMasterUserPassword is not true',
    reason: 'they create the RDS-managed master user secret; shipshape keeps the password in its own AWS::SecretsManager::Secret',
    applies: (p) => p.ManageMasterUserPassword !== true,
  },
  {
    type: 'AWS::StepFunctions::StateMachine',
    actions: ['s3:GetObject'],
    when: 'the state machine has no DefinitionS3Location',
    reason: 'it reads a definition stored in S3; an inline Definition or DefinitionString is in the template itself',
    applies: (p) => !has(p, 'DefinitionS3Location'),
  },
  {
    type: 'AWS::StepFunctions::StateMachine',
    actions: ['kms:DescribeKey', 'kms:GenerateDataKey', 'kms:Decrypt'],
    when: 'the state machine has no EncryptionConfiguration',
    reason: 'they use the customer managed key of an EncryptionConfiguration; without one Step Functions encrypts with its own key',
    applies: (p) => !has(p, 'EncryptionConfiguration'),
  },
  {
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutReplicationConfiguration'],
    when: 'the bucket has no ReplicationConfiguration',
    reason: 'it configures replication, which passes a replication role',
    applies: (p) => !has(p, 'ReplicationConfiguration'),
  },
];

interface ActionInfo {
  readonly access: string;
  readonly resourceTypes: readonly string[];
}
const ACTIONS = (actionData as unknown as { actions: Record<string, ActionInfo> }).actions;

/**
 * IAM role actions whose request carries the role's permissions boundary (condition key iam:PermissionsBoundary,
 * Service Authorization Reference): the execution role is allowed them only for roles with the stack role boundary.
 */
const BOUNDARY_KEYED_ACTIONS = new Set([
  'iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy',
  'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary', 'iam:DeleteRole', 'iam:UpdateAssumeRolePolicy',
]);

/** Services whose read calls always name their resource, so reads are scoped too (elsewhere a Describe may list, which IAM checks against '*'). */
const SCOPED_READ_SERVICES = new Set(['iam']);
/** Reads of data rather than metadata: scoped wherever the resource is known. */
const SCOPED_READ_ACTIONS = new Set(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 's3:GetObject', 's3:GetObjectVersion']);

/** Service-linked roles the handler of a type creates (`iam:CreateServiceLinkedRole`), by the service name it passes. */
export const SERVICE_LINKED_ROLES: Readonly<Record<string, (p: Props) => string>> = {
  'AWS::ECS::Cluster': () => 'ecs.amazonaws.com',
  'AWS::ApplicationAutoScaling::ScalableTarget': (p) => `${String(p.ServiceNamespace ?? 'ecs')}.application-autoscaling.amazonaws.com`,
  'AWS::Backup::BackupSelection': () => 'backup.amazonaws.com',
  'AWS::Chatbot::SlackChannelConfiguration': () => 'management.chatbot.amazonaws.com',
  'AWS::RDS::DBInstance': () => 'rds.amazonaws.com',
  'AWS::RDS::DBParameterGroup': () => 'rds.amazonaws.com',
  'AWS::RDS::DBSubnetGroup': () => 'rds.amazonaws.com',
  'AWS::CloudTrail::Trail': () => 'cloudtrail.amazonaws.com',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': () => 'elasticloadbalancing.amazonaws.com',
  'AWS::ElasticLoadBalancingV2::TargetGroup': () => 'elasticloadbalancing.amazonaws.com',
};

/**
 * The prefix of names CloudFormation generates for a resource without an explicit name: `<stack>-<logicalId>-<12 random>`
 * when that fits the service's limit. Past the limit CloudFormation reserves 13 characters for the random tail and its
 * hyphen and splits the rest between stack name and logical id around one more hyphen, the stack half rounding up
 * (AWS does not document this; the rule reproduces real names, see github.com/KensioSoftware/yulin issue 1113).
 * So the stack name is kept whole when it fits that half; else its first `half` characters are.
 */
export function generatedNamePattern(stackName: string, logicalId: string, maxLength: number, lowerCase = false): string {
  const cased = (s: string) => (lowerCase ? s.toLowerCase() : s);
  if (stackName.length + logicalId.length + 14 <= maxLength) return cased(`${stackName}-${logicalId}-*`);
  return stackNamePattern(stackName, maxLength, lowerCase);
}

/** A pattern that matches every generated name of a stack's resources of one kind (see {@link generatedNamePattern}). */
export function stackNamePattern(stackName: string, maxLength: number, lowerCase = false): string {
  const half = Math.ceil((maxLength - 14) / 2);
  const s = lowerCase ? stackName.toLowerCase() : stackName;
  return s.length <= half ? `${s}-*` : `${s.slice(0, half)}*`;
}

/** IAM role names: at most 64 characters. */
const ROLE_NAME_MAX = 64;

interface Resource {
  readonly Type: string;
  readonly Properties?: Props;
}

/** One scope: the ARNs of a resource of one IAM resource type (`service:type`). */
interface Scope {
  readonly resourceType: string;
  readonly arns: readonly string[];
}

class TemplateReader {
  readonly resources: Readonly<Record<string, Resource>>;
  constructor(template: object, readonly ctx: TemplateContext) {
    this.resources = ((template as { Resources?: Record<string, Resource> }).Resources ?? {});
  }

  arn(service: string, resource: string, opts: { region?: boolean; account?: boolean } = {}): string {
    const region = opts.region === false ? '' : this.ctx.region;
    const account = opts.account === false ? '' : this.ctx.account;
    return `arn:${this.ctx.partition}:${service}:${region}:${account}:${resource}`;
  }

  /** A template value as a string, when it is knowable before deployment. */
  resolve(value: unknown): string | undefined {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    if (value === null || typeof value !== 'object') return undefined;
    const v = value as Props;
    if (typeof v.Ref === 'string') {
      const pseudo: Record<string, string> = {
        'AWS::Partition': this.ctx.partition,
        'AWS::Region': this.ctx.region,
        'AWS::AccountId': this.ctx.account,
        'AWS::StackName': this.ctx.stackName,
        'AWS::URLSuffix': this.ctx.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
      };
      return pseudo[v.Ref];
    }
    // A publisher's events topic, imported by a worker's stack: its ARN follows from the export's name.
    const topic = typeof v['Fn::ImportValue'] === 'string' ? eventsTopicOfExport(v['Fn::ImportValue']) : undefined;
    if (topic) return `arn:${this.ctx.partition}:sns:${this.ctx.region}:${this.ctx.account}:${topic}`;
    if (Array.isArray(v['Fn::Join'])) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      const resolved = (parts ?? []).map((p) => this.resolve(p));
      return resolved.every((p) => p !== undefined) ? resolved.join(sep) : undefined;
    }
    if (typeof v['Fn::Sub'] === 'string') {
      let unresolved = false;
      const out = (v['Fn::Sub']).replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
        const r = this.resolve({ Ref: name });
        if (r === undefined) unresolved = true;
        return r ?? '';
      });
      return unresolved ? undefined : out;
    }
    return undefined;
  }

  /** The logical id a `Ref` or `Fn::GetAtt` points at, if the value is one. */
  target(value: unknown): string | undefined {
    if (value === null || typeof value !== 'object') return undefined;
    const v = value as Props;
    if (typeof v.Ref === 'string' && this.resources[v.Ref]) return v.Ref;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && this.resources[getAtt[0]]) return getAtt[0];
    return undefined;
  }

  /** The role ARN pattern of a role of this template: its name if it has one, else the names CloudFormation generates. */
  roleArn(logicalId: string): string {
    const p = this.resources[logicalId].Properties ?? {};
    const name = this.resolve(p.RoleName);
    const path = this.resolve(p.Path) ?? '/';
    // Unnamed roles: one pattern for all of the stack's roles (their names start with the stack name).
    return this.arn('iam', `role${path}${name ?? stackNamePattern(this.ctx.stackName, ROLE_NAME_MAX)}`, { region: false });
  }

  /** Every role of this template the value references, and every literal role ARN in it. */
  referencedRoles(value: unknown, out: Array<{ arn: string; services: string[] }> = []): Array<{ arn: string; services: string[] }> {
    if (Array.isArray(value)) {
      for (const v of value) this.referencedRoles(v, out);
      return out;
    }
    if (typeof value === 'string') {
      if (/^arn:[^:]+:iam::\d{12}:role\//.test(value)) out.push({ arn: value, services: [] });
      return out;
    }
    if (value === null || typeof value !== 'object') return out;
    const id = this.target(value);
    if (id !== undefined) {
      if (this.resources[id].Type === 'AWS::IAM::Role') out.push({ arn: this.roleArn(id), services: this.trustedServices(id) });
      return out;
    }
    for (const v of Object.values(value)) this.referencedRoles(v, out);
    return out;
  }

  /**
   * The permissions boundary a role action's request carries: the role's own (AWS::IAM::Role), or the one every role
   * an AWS::IAM::Policy names shares. Undefined when there is none (or they differ).
   */
  boundaryOf(logicalId: string): string | undefined {
    const r = this.resources[logicalId];
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Role') return this.resolve(p.PermissionsBoundary);
    if (r.Type !== 'AWS::IAM::Policy') return undefined;
    const boundaries = new Set(actionsOf(p, 'Roles').map((role) => {
      const id = this.target(role);
      return id && this.resources[id].Type === 'AWS::IAM::Role' ? this.resolve(this.resources[id].Properties?.PermissionsBoundary) : undefined;
    }));
    const [only] = [...boundaries];
    return boundaries.size === 1 ? only : undefined;
  }

  /** The AWS services a role of this template trusts (its `Principal.Service` entries). */
  trustedServices(logicalId: string): string[] {
    const doc = (this.resources[logicalId].Properties?.AssumeRolePolicyDocument ?? {}) as Props;
    const services: string[] = [];
    for (const s of (doc.Statement ?? []) as Props[]) {
      const svc = ((s.Principal ?? {}) as Props).Service;
      for (const v of Array.isArray(svc) ? svc : [svc]) {
        const r = this.resolve(v);
        if (r) services.push(r);
      }
    }
    return [...new Set(services)].sort();
  }

  /** The ARNs of a resource of this template, by what it is: named, or named by CloudFormation. */
  ownScopes(logicalId: string): Scope[] {
    const r = this.resources[logicalId];
    const p = r.Properties ?? {};
    const stack = this.ctx.stackName;
    const named = (key: string) => this.resolve(p[key]);
    switch (r.Type) {
      case 'AWS::IAM::Role':
        return [{ resourceType: 'iam:role', arns: [this.roleArn(logicalId)] }];
      case 'AWS::Logs::LogGroup':
        return [{ resourceType: 'logs:log-group', arns: this.logGroupArns(logicalId) }];
      case 'AWS::SNS::Topic':
        return [{ resourceType: 'sns:topic', arns: [this.arn('sns', named('TopicName') ?? `${stack}-${logicalId}-*`)] }];
      case 'AWS::CloudWatch::Alarm':
      case 'AWS::CloudWatch::CompositeAlarm':
        return [{ resourceType: 'cloudwatch:alarm', arns: [this.arn('cloudwatch', `alarm:${named('AlarmName') ?? `${stack}-${logicalId}-*`}`)] }];
      case 'AWS::CloudWatch::Dashboard': {
        // An unnamed dashboard's generated name is not documented: any dashboard of the account.
        return [{ resourceType: 'cloudwatch:dashboard', arns: [this.arn('cloudwatch', `dashboard/${named('DashboardName') ?? '*'}`, { region: false })] }];
      }
      case 'AWS::Lambda::Function':
        return [{ resourceType: 'lambda:function', arns: [this.functionArn(logicalId)] }];
      case 'AWS::S3::Bucket':
        return this.bucketScopes(logicalId);
      case 'AWS::ECS::Cluster':
        return [{ resourceType: 'ecs:cluster', arns: [this.arn('ecs', `cluster/${named('ClusterName') ?? `${stack}-${logicalId}-*`}`)] }];
      case 'AWS::ECS::Service': {
        const clusterId = this.target(p.Cluster);
        const cluster = clusterId ? this.resolve(this.resources[clusterId].Properties?.ClusterName) : this.resolve(p.Cluster)?.replace(/^.*cluster\//, '');
        return [{ resourceType: 'ecs:service', arns: [this.arn('ecs', `service/${cluster ?? '*'}/${named('ServiceName') ?? '*'}`)] }];
      }
      case 'AWS::SecretsManager::Secret': {
        const name = named('Name');
        return name ? [{ resourceType: 'secretsmanager:Secret', arns: [this.arn('secretsmanager', `secret:${name}-??????`)] }] : [];
      }
      case 'AWS::Synthetics::Canary': {
        const name = named('Name');
        return name ? [{ resourceType: 'synthetics:canary', arns: [this.arn('synthetics', `canary:${name}`)] }] : [];
      }
      case 'AWS::Backup::BackupVault': {
        const name = named('BackupVaultName');
        return name ? [{ resourceType: 'backup:backupVault', arns: [this.arn('backup', `backup-vault:${name}`)] }] : [];
      }
      case 'AWS::SQS::Queue':
        return [{ resourceType: 'sqs:queue', arns: [this.arn('sqs', named('QueueName') ?? generatedNamePattern(stack, logicalId, 80))] }];
      case 'AWS::StepFunctions::StateMachine': {
        const name = named('StateMachineName');
        return name ? [{ resourceType: 'states:statemachine', arns: [this.arn('states', `stateMachine:${name}`)] }] : [];
      }
      case 'AWS::Scheduler::ScheduleGroup': {
        const name = named('Name');
        // Deleting a group deletes its schedules (scheduler:DeleteSchedule on the schedules of the group).
        return name ? [
          { resourceType: 'scheduler:schedule-group', arns: [this.arn('scheduler', `schedule-group/${name}`)] },
          { resourceType: 'scheduler:schedule', arns: [this.arn('scheduler', `schedule/${name}/*`)] },
        ] : [];
      }
      case 'AWS::Scheduler::Schedule': {
        const groupId = this.target(p.GroupName);
        const group = groupId ? this.resolve(this.resources[groupId].Properties?.Name) : (p.GroupName === undefined ? 'default' : named('GroupName'));
        const name = named('Name');
        return group && name ? [{ resourceType: 'scheduler:schedule', arns: [this.arn('scheduler', `schedule/${group}/${name}`)] }] : [];
      }
      case 'AWS::Events::Rule': {
        const name = named('Name') ?? generatedNamePattern(stack, logicalId, 64);
        return [{ resourceType: 'events:rule-on-default-event-bus', arns: [this.arn('events', `rule/${name}`)] }];
      }
      // Resources that act on another one: scoped to that one.
      case 'AWS::IAM::Policy':
        return [{ resourceType: 'iam:role', arns: actionsOf(p, 'Roles').map((role) => this.roleOf(role)) }];
      case 'AWS::Logs::MetricFilter': {
        const groupId = this.target(p.LogGroupName);
        const arns = groupId ? this.logGroupArns(groupId) : this.resolve(p.LogGroupName) ? this.logGroupArnsOf(this.resolve(p.LogGroupName)!) : [];
        return arns.length ? [{ resourceType: 'logs:log-group', arns }] : [];
      }
      case 'AWS::SNS::TopicPolicy':
        return this.topicScopes(actionsOf(p, 'Topics'));
      case 'AWS::SNS::Subscription':
        return this.topicScopes([p.TopicArn]);
      case 'AWS::SQS::QueuePolicy':
        return this.queueScopes(actionsOf(p, 'Queues'));
      case 'AWS::Lambda::Permission': {
        const fnId = this.target(p.FunctionName);
        return fnId ? [{ resourceType: 'lambda:function', arns: [this.functionArn(fnId)] }] : [];
      }
      case 'AWS::S3::BucketPolicy': {
        const bucketId = this.target(p.Bucket);
        return bucketId ? this.bucketScopes(bucketId) : [];
      }
      case 'AWS::SecretsManager::SecretTargetAttachment': {
        const secretId = this.target(p.SecretId);
        return secretId ? this.ownScopes(secretId) : [];
      }
      case 'AWS::Route53::RecordSet': {
        const zone = named('HostedZoneId');
        return zone ? this.zoneScopes([zone]) : [];
      }
      case 'AWS::CertificateManager::Certificate': {
        const zones = actionsOf(p, 'DomainValidationOptions').map((o) => this.resolve((o as Props).HostedZoneId)).filter((z): z is string => !!z);
        return zones.length ? this.zoneScopes(zones) : [];
      }
      case 'AWS::ApplicationAutoScaling::ScalableTarget':
      case 'AWS::ApplicationAutoScaling::ScalingPolicy':
        // Target tracking creates and deletes its own alarms, named TargetTracking-<resource>-AlarmHigh/Low-<uuid>.
        return [{ resourceType: 'cloudwatch:alarm', arns: [this.arn('cloudwatch', 'alarm:TargetTracking-*')] }];
      default:
        return [];
    }
  }

  private roleOf(value: unknown): string {
    const id = this.target(value);
    if (id && this.resources[id].Type === 'AWS::IAM::Role') return this.roleArn(id);
    const name = this.resolve(value);
    return this.arn('iam', `role/${name ?? '*'}`, { region: false });
  }

  private logGroupArnsOf(name: string): string[] {
    return [this.arn('logs', `log-group:${name}`), this.arn('logs', `log-group:${name}:*`)];
  }

  private logGroupArns(logicalId: string): string[] {
    const name = this.resolve(this.resources[logicalId].Properties?.LogGroupName);
    return this.logGroupArnsOf(name ?? `${this.ctx.stackName}-${logicalId}-*`);
  }

  private functionArn(logicalId: string): string {
    const name = this.resolve(this.resources[logicalId].Properties?.FunctionName);
    return this.arn('lambda', `function:${name ?? generatedNamePattern(this.ctx.stackName, logicalId, 64)}`);
  }

  private bucketScopes(logicalId: string): Scope[] {
    const name = this.resolve(this.resources[logicalId].Properties?.BucketName) ?? generatedNamePattern(this.ctx.stackName, logicalId, 63, true);
    return [
      { resourceType: 's3:bucket', arns: [this.arn('s3', name, { region: false, account: false })] },
      { resourceType: 's3:object', arns: [this.arn('s3', `${name}/*`, { region: false, account: false })] },
    ];
  }

  private topicScopes(values: readonly unknown[]): Scope[] {
    const arns = values.map((v) => {
      const id = this.target(v);
      return id ? this.ownScopes(id)[0]?.arns[0] : this.resolve(v);
    }).filter((a): a is string => !!a);
    return arns.length ? [{ resourceType: 'sns:topic', arns }] : [];
  }

  /** The queues a policy names (by `Ref` to a queue of this template, whose value is its URL). */
  private queueScopes(values: readonly unknown[]): Scope[] {
    const arns = values.map((v) => {
      const id = this.target(v);
      return id && this.resources[id].Type === 'AWS::SQS::Queue' ? this.ownScopes(id)[0]?.arns[0] : undefined;
    });
    // A queue the template does not create: its ARN is not knowable from its URL here.
    return arns.every((a): a is string => !!a) && arns.length > 0 ? [{ resourceType: 'sqs:queue', arns }] : [];
  }

  private zoneScopes(zones: readonly string[]): Scope[] {
    return [
      { resourceType: 'route53:hostedzone', arns: [...new Set(zones)].map((z) => this.arn('route53', `hostedzone/${z}`, { region: false, account: false })) },
      { resourceType: 'route53:change', arns: [this.arn('route53', 'change/*', { region: false, account: false })] },
    ];
  }
}

/** The resources one action of a resource's handlers is checked against, and the request context it carries. */
function resourcesFor(
  reader: TemplateReader, logicalId: string, action: string, scopes: readonly Scope[],
): Array<{ resource: string; context?: Record<string, string> }> {
  const found = baseResourcesFor(reader, logicalId, action, scopes);
  const boundary = BOUNDARY_KEYED_ACTIONS.has(action) ? reader.boundaryOf(logicalId) : undefined;
  return boundary ? found.map((r) => ({ ...r, context: { ...(r.context ?? {}), 'iam:PermissionsBoundary': boundary } })) : found;
}

function baseResourcesFor(
  reader: TemplateReader, logicalId: string, action: string, scopes: readonly Scope[],
): Array<{ resource: string; context?: Record<string, string> }> {
  const resource = reader.resources[logicalId];
  const info = ACTIONS[action];
  if (action === 'iam:PassRole') {
    return reader.referencedRoles(resource.Properties ?? {}).flatMap((role) => (role.services.length
      ? role.services.map((s) => ({ resource: role.arn, context: { 'iam:PassedToService': s } }))
      : [{ resource: role.arn }]));
  }
  if (action === 'iam:AttachRolePolicy' && resource.Type === 'AWS::IAM::Role') {
    // Attaching is limited to the managed policies the template names (condition iam:PolicyARN); detaching is not
    // (an update detaches the policy a role no longer names, and detaching only takes permissions away).
    const policies = actionsOf(resource.Properties ?? {}, 'ManagedPolicyArns').map((a) => reader.resolve(a) ?? '*');
    return scopes[0].arns.flatMap((arn) => policies.map((policy) => ({ resource: arn, context: { 'iam:PolicyARN': policy } })));
  }
  if (action === 'iam:CreateServiceLinkedRole') {
    const svc = SERVICE_LINKED_ROLES[resource.Type]?.(resource.Properties ?? {});
    if (!svc) return [{ resource: '*' }];
    return [{ resource: reader.arn('iam', `role/aws-service-role/${svc}/*`, { region: false }), context: { 'iam:AWSServiceName': svc } }];
  }
  if (!info || info.resourceTypes.length === 0) return [{ resource: '*' }];
  const service = action.slice(0, action.indexOf(':'));
  const isRead = info.access === 'Read' || info.access === 'List';
  if (isRead && !SCOPED_READ_SERVICES.has(service) && !SCOPED_READ_ACTIONS.has(action)) return [{ resource: '*' }];
  const types = info.resourceTypes.map((t) => `${service}:${t.replace(/!$/, '')}`);
  // Scoped only when the request can name nothing but this resource: the action has this one resource type,
  // or it tags (a tagging request names one resource of any of its types).
  const scope = scopes.find((s) => (types.length === 1 || info.access === 'Tagging') && types.includes(s.resourceType));
  if (scope) return scope.arns.map((arn) => ({ resource: arn }));
  if (action.startsWith('iam:') && types.includes('iam:role')) {
    // iam:GetRole of the roles the resource references (a task definition's, a topic's logging roles).
    const roles = reader.referencedRoles(resource.Properties ?? {});
    if (roles.length > 0) return roles.map((r) => ({ resource: r.arn }));
  }
  return [{ resource: '*' }];
}

/** The resource types of a template with no handler data and no user grant. */
export function unknownResourceTypes(
  template: object, extraTypes: Readonly<Record<string, ExtraTypePermissions>> = {},
): Array<{ logicalId: string; type: string }> {
  const resources = (template as { Resources?: Record<string, Resource> }).Resources ?? {};
  return Object.entries(resources)
    .filter(([, r]) => handlerPermissions(r.Type) === undefined && !extraTypes[r.Type])
    .map(([logicalId, r]) => ({ logicalId, type: r.Type }));
}

/**
 * What the CloudFormation execution role needs to create, read, update and delete every resource of one template,
 * per the resource's type AND properties, scoped to ARNs where they are knowable before deployment (named
 * resources, the names CloudFormation generates from the stack name), '*' where the action has no resource-level
 * permission, the name is generated by AWS (EC2, KMS, AppConfig ids…) or the action only reads metadata (a Describe
 * may list, which IAM checks against '*'). Throws a ShipshapeError naming every resource whose type has no data.
 */
export function templateNeeds(file: string, template: object, ctx: TemplateContext): RequiredPermission[] {
  const extras = ctx.extraTypes ?? {};
  const unknown = unknownResourceTypes(template, extras);
  if (unknown.length > 0) {
    throwUnknown(file, unknown, ctx.source ?? file);
  }
  const reader = new TemplateReader(template, ctx);
  const merged = new Map<string, { need: Omit<RequiredPermission, 'neededBy'>; id: string; type: string; ops: Set<string> }>();
  const add = (id: string, type: string, op: string, action: string, resource: string, context?: Record<string, string>) => {
    const key = JSON.stringify([id, action, resource, context ?? null]);
    const entry = merged.get(key) ?? { need: { action, resource, ...(context ? { context } : {}) }, id, type, ops: new Set<string>() };
    entry.ops.add(op);
    merged.set(key, entry);
  };
  for (const [logicalId, resource] of Object.entries(reader.resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const props = resource.Properties ?? {};
    const handlers = handlerPermissions(resource.Type);
    const excluded = new Set(EXCLUDED_HANDLER_ACTIONS.filter((e) => (e.type === resource.Type || e.type === '*') && e.applies(props)).flatMap((e) => e.actions));
    const scopes = reader.ownScopes(logicalId);
    for (const op of HANDLER_OPS) {
      for (const action of handlers?.ops[op] ?? []) {
        if (excluded.has(action)) continue;
        for (const r of resourcesFor(reader, logicalId, action, scopes)) add(logicalId, resource.Type, op, action, r.resource, r.context);
      }
    }
    const extra = extras[resource.Type];
    if (extra) {
      for (const action of extra.actions) for (const r of extra.resources ?? ['*']) add(logicalId, resource.Type, 'granted by Shipshape.configure executionRole', action, r);
    }
  }
  const order = (op: string) => { const i = HANDLER_OPS.indexOf(op as HandlerOp); return i < 0 ? HANDLER_OPS.length : i; };
  return [...merged.values()].map((e) => ({
    ...e.need,
    neededBy: `${file}: ${e.id} (${e.type}) ${[...e.ops].sort((a, b) => order(a) - order(b)).join(', ')}`,
  }));
}

function throwUnknown(file: string, unknown: ReadonlyArray<{ logicalId: string; type: string }>, source: string): never {
  const problems: Problem[] = unknown.map((u) => problem('SS-IAM-UNKNOWN-TYPE', source, `${file} Resources.${u.logicalId}.Type`, u.type,
    'a resource type shipshape knows the CloudFormation handler permissions of',
    `The execution role is generated from what each resource needs. Grant what ${u.type} needs with `
    + `Shipshape.configure(project, { executionRole: { resourceTypes: { '${u.type}': { actions: ['service:Action', …], resources: ['arn:…'] } } } }).`));
  throw new ShipshapeError(problems);
}

/** The names of the SSM parameters an `AWS::SSM::Parameter::Value<…>` template parameter resolves (its Default). */
export function ssmParameterNames(template: object): string[] {
  const params = (template as { Parameters?: Record<string, { Type?: string; Default?: unknown }> }).Parameters ?? {};
  return Object.values(params)
    .filter((p) => typeof p.Type === 'string' && p.Type.startsWith('AWS::SSM::Parameter::Value<') && typeof p.Default === 'string')
    .map((p) => p.Default as string)
    .sort();
}

/** The AWS partition of a region. */
export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}
