import { Match } from 'aws-cdk-lib/assertions';
import { Project } from 'projen';
import { synthFailure, synthTemplates, template } from './cloudformation-helpers';
import { Environment, Pipeline, Service, Shipshape } from '../src';
import {
  cloudFormationExecutionRoleName, deployRoleName, driftRoleName, lastGoodImageTagParameter, publishRoleName, templateBucketName,
} from '../src/core/naming';

const twoEnvs = (project: Project, repository = 'acme/shop') => {
  Shipshape.configure(project, { repository });
  new Environment(project, 'staging', { account: '123456789012', region: 'eu-west-1' });
  new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
};

describe('bootstrap stack', () => {
  // GIVEN a repository and two environments in one account; WHEN synthesized
  const files = synthTemplates((project) => twoEnvs(project));
  const t = template(files, 'infra/bootstrap.template.json');

  test('creates the GitHub OIDC provider', () => {
    t.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] });
  });

  test('each deploy role trusts only its GitHub environment of the repository, on the branch', () => {
    for (const env of ['staging', 'prod']) {
      t.hasResourceProperties('AWS::IAM::Role', {
        RoleName: deployRoleName('shop', env),
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': `repo:acme/shop:environment:${env}:ref:refs/heads/main` } },
          })],
        },
      });
    }
  });

  const policyOf = (role: string) => {
    const [policy] = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${role}`) }] } }));
    return policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>;
  };
  const bySid = (statements: Array<Record<string, any>>, sid: string) => statements.find((s) => s.Sid === sid)!;
  const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

  test("a deploy role may run aws cloudformation deploy on its environment's stack, pass only its execution role, upload its templates and record the last good tag", () => {
    const prod = policyOf('ProdDeployRole');
    expect(bySid(prod, 'DeployTheEnvironmentStacks')).toEqual({
      Sid: 'DeployTheEnvironmentStacks',
      Effect: 'Allow',
      Action: [
        'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet',
        'cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:GetTemplateSummary',
      ],
      Resource: arn(':cloudformation:eu-west-1:123456789012:stack/api-prod/*'),
    });
    expect(bySid(prod, 'PassTheExecutionRoleToCloudFormation')).toMatchObject({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ProdExecutionRole/), 'Arn'] },
    });
    expect(bySid(prod, 'UploadTheTemplates')).toMatchObject({
      Action: ['s3:PutObject', 's3:GetObject'],
      Resource: arn(`:s3:::${templateBucketName('shop', '123456789012', 'eu-west-1')}/uploads/api-prod/*`),
    });
    expect(bySid(prod, 'RecordTheLastGoodImageTag')).toMatchObject({
      Action: ['ssm:GetParameter', 'ssm:PutParameter'],
      Resource: arn(`:ssm:eu-west-1:123456789012:parameter${lastGoodImageTagParameter('api', 'prod')}`),
    });
    expect(JSON.stringify(prod)).not.toContain('api-staging');
    // The deploy role pushes no images (the publish role does) and passes no other role.
    expect(JSON.stringify(prod)).not.toContain('ecr:');
    expect(prod.filter((s) => [s.Action].flat().includes('iam:PassRole'))).toHaveLength(1);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: cloudFormationExecutionRoleName('shop', 'prod'),
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'cloudformation.amazonaws.com' } })] },
    });
    expect(bySid(policyOf('ProdExecutionRole'), 'ReadTheUploadedTemplates').Resource).toEqual(arn(`:s3:::${templateBucketName('shop', '123456789012', 'eu-west-1')}/uploads/api-prod/*`));
  });

  test('the template bucket is private, encrypted, TLS only and expires uploads', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'shop-templates-123456789012-eu-west-1',
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the publish and drift roles trust the branch of the repository (main by default)', () => {
    for (const name of [publishRoleName('shop'), driftRoleName('shop', 'prod'), driftRoleName('shop', 'staging')]) {
      t.hasResourceProperties('AWS::IAM::Role', {
        RoleName: name,
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/shop:ref:refs/heads/main:ref:refs/heads/main' } },
          })],
        },
      });
    }
  });

  test('the publish role may push to the service repositories and log in to ECR, nothing else', () => {
    const publish = policyOf('PublishRole');
    expect(publish.map((s) => s.Sid)).toEqual(['PushImages', 'LogInToEcr']);
    expect(bySid(publish, 'PushImages').Action).toEqual(expect.arrayContaining(['ecr:PutImage', 'ecr:CompleteLayerUpload', 'ecr:BatchGetImage']));
    expect(bySid(publish, 'PushImages').Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiRepository/), 'Arn'] });
    expect(bySid(publish, 'LogInToEcr')).toMatchObject({ Action: 'ecr:GetAuthorizationToken', Resource: '*' });
  });

  test("the drift role detects drift of its environment's stacks and may only read", () => {
    const drift = policyOf('ProdDriftRole');
    expect(bySid(drift, 'DetectDriftOfTheEnvironmentStacks')).toMatchObject({
      Action: expect.arrayContaining(['cloudformation:DetectStackDrift', 'cloudformation:DescribeStackResourceDrifts', 'cloudformation:DescribeStacks']),
      Resource: arn(':cloudformation:eu-west-1:123456789012:stack/api-prod/*'),
    });
    expect(bySid(drift, 'ReadTheDriftDetectionStatus').Action).toBe('cloudformation:DescribeStackDriftDetectionStatus');
    const actions = drift.flatMap((s) => [s.Action].flat() as string[]);
    expect(actions).toEqual(expect.arrayContaining(['ec2:Describe*', 'ecs:Describe*', 'rds:Describe*', 'elasticloadbalancing:Describe*']));
    const verbs = actions.filter((a) => !a.startsWith('cloudformation:')).map((a) => a.split(':')[1]);
    expect(verbs.filter((v) => !/^(Describe|Get|List)/.test(v))).toEqual([]);
  });

  test('the image repository has immutable tags, scan on push and a lifecycle policy', () => {
    t.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'api',
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      LifecyclePolicy: { LifecyclePolicyText: Match.stringLikeRegexp('untagged') },
    });
  });
});

describe('one image registry across accounts', () => {
  // GIVEN three environments in three accounts and a pipeline on 'release'; WHEN synthesized
  const files = synthTemplates((project) => {
    Shipshape.configure(project, { repository: 'acme/shop' });
    new Environment(project, 'dev', { account: '111111111111', region: 'eu-west-1' });
    new Environment(project, 'staging', { account: '222222222222', region: 'eu-west-1' });
    new Environment(project, 'prod', { account: '333333333333', region: 'us-east-1' });
    new Pipeline(project, 'ci', { branch: 'release' });
  });
  const registry = template(files, 'infra/bootstrap-111111111111.template.json');

  test('THEN only the first environment\'s account holds the repositories and the publish role', () => {
    registry.resourceCountIs('AWS::ECR::Repository', 1);
    registry.hasResourceProperties('AWS::IAM::Role', { RoleName: publishRoleName('shop') });
    for (const account of ['222222222222', '333333333333']) {
      const other = template(files, `infra/bootstrap-${account}.template.json`);
      other.resourceCountIs('AWS::ECR::Repository', 0);
      expect(Object.values(other.findResources('AWS::IAM::Role')).map((r) => r.Properties.RoleName)).not.toContain(publishRoleName('shop'));
      other.resourceCountIs('AWS::S3::Bucket', 1);
    }
  });

  test('THEN the repository policy lets the other environment accounts pull, and only pull', () => {
    registry.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'api',
      RepositoryPolicyText: {
        Statement: [{
          Sid: 'PullFromTheEnvironmentAccounts',
          Effect: 'Allow',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          Principal: { AWS: [arnRoot('222222222222'), arnRoot('333333333333')] },
        }],
      },
    });
  });

  test("THEN the publish and drift roles trust the pipeline's branch", () => {
    const subject = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/shop:ref:refs/heads/release:ref:refs/heads/release' };
    registry.hasResourceProperties('AWS::IAM::Role', {
      RoleName: publishRoleName('shop'), AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: subject } })] },
    });
    template(files, 'infra/bootstrap-333333333333.template.json').hasResourceProperties('AWS::IAM::Role', {
      RoleName: driftRoleName('shop', 'prod'), AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: subject } })] },
    });
  });

  test("THEN each account's template bucket carries its account and region", () => {
    template(files, 'infra/bootstrap-333333333333.template.json').hasResourceProperties('AWS::S3::Bucket', { BucketName: 'shop-templates-333333333333-us-east-1' });
  });

  test('THEN a task definition pulls the image from the registry account by ARN, and its execution role may pull it', () => {
    const prod = template(files, 'infra/prod.template.json');
    const [taskDefinition] = Object.values(prod.findResources('AWS::ECS::TaskDefinition'));
    const image = JSON.stringify(taskDefinition.Properties.ContainerDefinitions[0].Image);
    expect(image).toContain('111111111111.dkr.ecr.eu-west-1.');
    expect(image).toContain('/api:');
    expect(image).toContain('{"Ref":"ImageTag"}');
    prod.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^TaskDefinitionExecutionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:111111111111:repository/api']] },
        }]),
      },
    });
  });
});

function arnRoot(account: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] };
}

describe('bootstrap across accounts and imported providers', () => {
  test('one bootstrap template per account; an existing OIDC provider is imported', () => {
    const files = synthTemplates((project) => {
      Shipshape.configure(project, { repository: 'acme/shop', existingOidcProviderAccounts: ['210987654321'] });
      new Environment(project, 'staging', { account: '123456789012', region: 'eu-west-1' });
      new Environment(project, 'prod', { account: '210987654321', region: 'eu-west-1' });
    });
    expect(Object.keys(files).filter((f) => f.includes('bootstrap'))).toEqual(['infra/bootstrap-123456789012.template.json', 'infra/bootstrap-210987654321.template.json']);
    template(files, 'infra/bootstrap-123456789012.template.json').resourceCountIs('AWS::IAM::OIDCProvider', 1);
    const imported = template(files, 'infra/bootstrap-210987654321.template.json');
    imported.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(JSON.stringify(imported.toJSON())).toContain(':iam::210987654321:oidc-provider/token.actions.githubusercontent.com');
  });

  test('no repository, no bootstrap template', () => {
    const files = synthTemplates((project) => new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' }));
    expect(Object.keys(files).filter((f) => f.includes('bootstrap'))).toEqual([]);
  });

  test("a repository that is not 'owner/repo' is an error", () => {
    const { error, files } = synthFailure((project) => twoEnvs(project, 'https://github.com/acme/shop'));
    expect(error.message).toContain("[shop/Shipshape] repository: must be a GitHub repository as 'owner/repo'");
    expect(error.message).toContain("got 'https://github.com/acme/shop'");
    expect(files).toEqual([]);
  });

  test('environments of one account in two regions are an error', () => {
    const { error, files } = synthFailure((project) => {
      Shipshape.configure(project, { repository: 'acme/shop' });
      new Environment(project, 'staging', { account: '123456789012', region: 'eu-west-1' });
      new Environment(project, 'prod', { account: '123456789012', region: 'us-east-1' });
      new Service(project, 'api');
    });
    expect(error.message).toContain('SS-BOOTSTRAP-REGION');
    expect(error.message).toContain('one region per account');
    expect(files).toEqual([]);
  });
});

describe('templateBucketName', () => {
  test('GIVEN a short project THEN <project>-templates-<account>-<region>, lowercase', () => {
    expect(templateBucketName('Node_API', '123456789012', 'eu-west-1')).toBe('node-api-templates-123456789012-eu-west-1');
  });

  test('GIVEN a long project THEN at most 63 characters, still valid, distinct per project and per account', () => {
    const long = 'a-very-long-project-name-that-goes-on-and-on';
    const name = templateBucketName(long, '123456789012', 'ap-southeast-2');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
    expect(name).not.toContain('--');
    expect(name.endsWith('-templates-123456789012-ap-southeast-2')).toBe(true);
    expect(templateBucketName(`${long}-2`, '123456789012', 'ap-southeast-2')).not.toBe(name);
    expect(templateBucketName(long, '210987654321', 'ap-southeast-2')).not.toBe(name);
  });
});
