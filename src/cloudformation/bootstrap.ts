import { CfnOutput, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { pascalCase } from '../core/names';
import {
  branchRoleSubject, cloudFormationExecutionRoleName, clusterName, deployRoleName, deployRoleSubject, driftRoleName, ecsServiceName,
  imageRepositoryName, lastGoodImageTagParameter, publishRoleName, stackName, templateBucketName, templatePrefix, TEMPLATE_UPLOADS_PREFIX,
} from '../core/naming';
import type { BootstrapModel, EnvironmentModel, ServiceModel } from '../model';
import { acknowledgeBootstrapAccount, acknowledgeBootstrapRoles } from './nag';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface BootstrapStackProps {
  readonly project: string;
  /** The CloudFormation stack name (the same in every account). */
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly bootstrap: BootstrapModel;
  readonly services: readonly ServiceModel[];
  /** The environments in this account. */
  readonly environments: readonly EnvironmentModel[];
  /** The account and region of the image registry (the first declared environment's). */
  readonly registry: { readonly account: string; readonly region: string };
  /** Every account that runs an environment of the project (they all pull from the registry). */
  readonly accounts: readonly string[];
}

/** Services whose stacks the CloudFormation execution role may create, by the AWS service name of their linked role. */
const SERVICE_LINKED_ROLES = [
  'ecs.amazonaws.com', 'elasticloadbalancing.amazonaws.com', 'rds.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com', 'backup.amazonaws.com',
  'management.chatbot.amazonaws.com',
];

/** What CloudFormation may do while deploying an environment stack (IAM is granted separately, narrowly). */
const EXECUTION_ROLE_ACTIONS = [
  'ec2:*', 'ecs:*', 'elasticloadbalancing:*', 'application-autoscaling:*', 'cloudwatch:*', 'logs:*', 'sns:*', 'rds:*',
  'backup:*', 'backup-storage:*', 'appconfig:*', 'acm:*', 'secretsmanager:*', 'events:*', 'lambda:*', 'synthetics:*', 'chatbot:*',
  's3:*', 'kms:*', 'route53:GetHostedZone', 'route53:ChangeResourceRecordSets', 'route53:GetChange', 'route53:ListResourceRecordSets',
  'ssm:GetParameters',
];

/** Image pulls: what ECS (the execution role) needs on the registry repository. */
const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
/** Image pushes with docker buildx. */
const ECR_PUSH_ACTIONS = [
  ...ECR_PULL_ACTIONS, 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:DescribeImages',
];

/**
 * What drift detection reads. CloudFormation compares each resource's live configuration with the template,
 * reading it with the caller's permissions, so the drift role may describe every kind of resource an
 * environment stack holds, and change nothing.
 */
export const DRIFT_READ_ACTIONS = [
  'ec2:Describe*', 'ecs:Describe*', 'ecs:List*', 'elasticloadbalancing:Describe*', 'application-autoscaling:Describe*',
  'cloudwatch:Describe*', 'cloudwatch:GetDashboard', 'cloudwatch:ListTagsForResource', 'logs:Describe*', 'logs:ListTagsForResource',
  'sns:GetTopicAttributes', 'sns:GetSubscriptionAttributes', 'sns:ListSubscriptionsByTopic', 'sns:ListTagsForResource',
  'rds:Describe*', 'rds:ListTagsForResource', 'backup:Describe*', 'backup:Get*', 'backup:List*', 'appconfig:Get*', 'appconfig:List*',
  'acm:DescribeCertificate', 'acm:ListTagsForCertificate', 'secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy',
  'iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListRoleTags',
  'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags', 'route53:GetHostedZone',
  'route53:ListResourceRecordSets', 'events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource',
  'lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetPolicy', 'lambda:ListTags', 'synthetics:DescribeCanaries',
  'synthetics:GetCanary', 'synthetics:ListTagsForResource', 's3:GetBucket*', 's3:GetEncryptionConfiguration', 's3:GetLifecycleConfiguration',
  'chatbot:DescribeSlackChannelConfigurations',
];

/**
 * What must exist in an account before the pipeline can deploy: GitHub's OIDC provider (created or imported),
 * the template bucket `aws cloudformation deploy` uploads to, and per environment a deploy role that only that
 * GitHub environment of the repository can assume, the role CloudFormation acts as, and a read-only drift role.
 * The registry account (the first declared environment's) also holds one ECR repository per service, which
 * every environment account may pull from, and the publish role the pipeline pushes images with.
 * Deployed once, by a person, with `aws cloudformation deploy --capabilities CAPABILITY_NAMED_IAM`.
 */
export class BootstrapStack extends Stack {
  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id, {
      stackName: props.stackName,
      env: { account: props.account, region: props.region },
      description: `${props.project} bootstrap: GitHub OIDC, deploy roles, template bucket and image repositories (generated by shipshape from .projenrc.ts)`,
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      analyticsReporting: false,
    });
    const providerArn = props.bootstrap.existingOidcProviderAccounts.includes(props.account)
      ? this.formatArn({ service: 'iam', region: '', resource: 'oidc-provider', resourceName: GITHUB_OIDC_HOST })
      : new iam.CfnOIDCProvider(this, 'GitHubOidcProvider', { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: ['sts.amazonaws.com'] }).attrArn;
    const github = (subject: string) => new iam.FederatedPrincipal(providerArn, {
      StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC_HOST}:sub`]: subject },
    }, 'sts:AssumeRoleWithWebIdentity');
    const branchSubject = branchRoleSubject(props.bootstrap.repository, props.bootstrap.branch);

    const isRegistry = props.account === props.registry.account;
    if (isRegistry) this.registry(props, github(branchSubject));

    const bucket = this.templateBucket(props);
    const arn = (service: string, resource: string, resourceName?: string) => this.formatArn({ service, resource, resourceName });

    for (const env of props.environments) {
      const stacks = props.services.map((s) => stackName(s.name, env.name));
      const templateObjects = stacks.map((n) => this.formatArn({
        service: 's3', region: '', account: '', resource: bucket.bucketName, resourceName: `${templatePrefix(n)}/*`,
      }));
      const execution = this.executionRole(props.project, env, stacks, templateObjects);
      const deploy = new iam.Role(this, `${pascalCase(env.name)}DeployRole`, {
        roleName: deployRoleName(props.project, env.name),
        description: `GitHub Actions deploys ${props.project} to ${env.name} from ${props.bootstrap.repository}`,
        maxSessionDuration: Duration.hours(1),
        assumedBy: github(deployRoleSubject(props.bootstrap.repository, env.name, props.bootstrap.branch)),
      });
      deploy.addToPolicy(new iam.PolicyStatement({
        sid: 'DeployTheEnvironmentStacks',
        actions: [
          'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet',
          'cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:GetTemplateSummary',
        ],
        resources: stacks.map((n) => arn('cloudformation', 'stack', `${n}/*`)),
      }));
      deploy.addToPolicy(new iam.PolicyStatement({
        sid: 'PassTheExecutionRoleToCloudFormation',
        actions: ['iam:PassRole'],
        resources: [execution.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      }));
      deploy.addToPolicy(new iam.PolicyStatement({
        sid: 'UploadTheTemplates',
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: templateObjects,
      }));
      deploy.addToPolicy(new iam.PolicyStatement({
        sid: 'RecordTheLastGoodImageTag',
        actions: ['ssm:GetParameter', 'ssm:PutParameter'],
        resources: props.services.map((s) => arn('ssm', 'parameter', lastGoodImageTagParameter(s.name, env.name).replace(/^\//, ''))),
      }));
      deploy.addToPolicy(new iam.PolicyStatement({
        sid: 'WaitForTheService',
        actions: ['ecs:DescribeServices', 'ecs:ListServiceDeployments', 'ecs:DescribeServiceDeployments'],
        resources: props.services.flatMap((s) => [
          arn('ecs', 'service', `${clusterName(s.name, env.name)}/${ecsServiceName(s.name)}`),
          arn('ecs', 'service-deployment', `${clusterName(s.name, env.name)}/${ecsServiceName(s.name)}/*`),
        ]),
      }));
      const drift = this.driftRole(props.project, env, stacks, github(branchSubject));
      const envId = pascalCase(env.name);
      new CfnOutput(this, `${envId}DeployRoleArn`, { value: deploy.roleArn });
      new CfnOutput(this, `${envId}ExecutionRoleArn`, { value: execution.roleArn });
      new CfnOutput(this, `${envId}DriftRoleArn`, { value: drift.roleArn });
      acknowledgeBootstrapRoles(this, envId, {
        account: props.account,
        region: props.region,
        stacks,
        bucket: bucket.bucketName,
        ecsServices: props.services.map((s) => `${clusterName(s.name, env.name)}/${ecsServiceName(s.name)}`),
        wildcardActions: EXECUTION_ROLE_ACTIONS.filter((a) => a.endsWith('*')),
        driftActions: DRIFT_READ_ACTIONS.filter((a) => a.endsWith('*')),
      });
    }
    acknowledgeBootstrapAccount(this);
  }

  /**
   * The registry account's part: one ECR repository per service (immutable tags, scan on push, lifecycle),
   * readable by every other environment account, and the role the pipeline's publish job pushes with.
   */
  private registry(props: BootstrapStackProps, trust: iam.IPrincipal): void {
    const pullers = props.accounts.filter((a) => a !== props.account);
    const repositories = props.services.map((s) => {
      const repository = new ecr.Repository(this, `${pascalCase(s.name)}Repository`, {
        repositoryName: imageRepositoryName(s.name),
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        imageScanOnPush: true,
        encryption: ecr.RepositoryEncryption.AES_256,
        removalPolicy: RemovalPolicy.RETAIN,
        lifecycleRules: [
          { rulePriority: 1, description: 'Remove untagged layers after 7 days', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(7) },
          { rulePriority: 2, description: 'Keep the 200 newest images', tagStatus: ecr.TagStatus.ANY, maxImageCount: 200 },
        ],
      });
      if (pullers.length > 0) {
        repository.addToResourcePolicy(new iam.PolicyStatement({
          sid: 'PullFromTheEnvironmentAccounts',
          principals: pullers.map((a) => new iam.AccountPrincipal(a)),
          actions: ECR_PULL_ACTIONS,
        }));
      }
      new CfnOutput(this, `${pascalCase(s.name)}RepositoryUri`, { value: repository.repositoryUri });
      return repository;
    });
    const publish = new iam.Role(this, 'PublishRole', {
      roleName: publishRoleName(props.project),
      description: `GitHub Actions pushes the ${props.project} images from ${props.bootstrap.repository} (branch ${props.bootstrap.branch})`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: trust,
    });
    publish.addToPolicy(new iam.PolicyStatement({ sid: 'PushImages', actions: ECR_PUSH_ACTIONS, resources: repositories.map((r) => r.repositoryArn) }));
    publish.addToPolicy(new iam.PolicyStatement({ sid: 'LogInToEcr', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    new CfnOutput(this, 'PublishRoleArn', { value: publish.roleArn });
  }

  /**
   * The bucket `aws cloudformation deploy --s3-bucket` uploads the environment templates to (inline
   * templates stop at 51,200 bytes). Private, encrypted, TLS only; CloudFormation reads a template only
   * while it creates the change set, so uploads expire after 30 days.
   */
  private templateBucket(props: BootstrapStackProps): { readonly bucketName: string } {
    const bucket = new s3.Bucket(this, 'TemplateBucket', {
      bucketName: templateBucketName(props.project, props.account, props.region),
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'ExpireUploadedTemplates', prefix: `${TEMPLATE_UPLOADS_PREFIX}/`, expiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    new CfnOutput(this, 'TemplateBucketName', { value: bucket.bucketName });
    // The literal name, so the role policies name the bucket exactly (and cdk-nag reports readable ARNs).
    return { bucketName: templateBucketName(props.project, props.account, props.region) };
  }

  /**
   * The role CloudFormation acts as for one environment: it may manage the kinds of resources an
   * environment stack holds, and IAM roles only under the environment stacks' own name prefixes.
   */
  private executionRole(project: string, env: EnvironmentModel, stacks: readonly string[], templateObjects: readonly string[]): iam.Role {
    const role = new iam.Role(this, `${pascalCase(env.name)}ExecutionRole`, {
      roleName: cloudFormationExecutionRoleName(project, env.name),
      description: `CloudFormation deploys the ${env.name} stacks of ${project} as this role`,
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
    });
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ManageEnvironmentResources',
      actions: EXECUTION_ROLE_ACTIONS,
      resources: ['*'],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ManageTheStacksOwnRoles',
      actions: [
        'iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy',
        'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:PassRole',
      ],
      resources: stacks.map((n) => this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${n}-*` })),
    }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadTheUploadedTemplates', actions: ['s3:GetObject'], resources: [...templateObjects] }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'CreateServiceLinkedRoles',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: ['*'],
      conditions: { StringEquals: { 'iam:AWSServiceName': SERVICE_LINKED_ROLES } },
    }));
    return role;
  }

  /** The scheduled drift check's role: detect drift of the environment's stacks and read their resources, nothing else. */
  private driftRole(project: string, env: EnvironmentModel, stacks: readonly string[], trust: iam.IPrincipal): iam.Role {
    const role = new iam.Role(this, `${pascalCase(env.name)}DriftRole`, {
      roleName: driftRoleName(project, env.name),
      description: `GitHub Actions checks the ${env.name} stacks of ${project} for drift (read only)`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: trust,
    });
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'DetectDriftOfTheEnvironmentStacks',
      actions: [
        'cloudformation:DetectStackDrift', 'cloudformation:DetectStackResourceDrift', 'cloudformation:DescribeStackResourceDrifts',
        'cloudformation:DescribeStacks', 'cloudformation:DescribeStackResources',
      ],
      resources: stacks.map((n) => this.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${n}/*` })),
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadTheDriftDetectionStatus',
      actions: ['cloudformation:DescribeStackDriftDetectionStatus'],
      resources: ['*'],
    }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadTheStackResources', actions: DRIFT_READ_ACTIONS, resources: ['*'] }));
    return role;
  }
}
