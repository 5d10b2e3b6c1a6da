import * as fs from 'fs';
import * as path from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Project } from 'projen';
import { synthFailure, synthTemplates, template } from './cloudformation-helpers';
import { Environment, Pipeline, Service, Shipshape } from '../src';
import { ShipshapeError } from '../src/core/errors';
import {
  cloudFormationExecutionRoleName, deployRoleName, driftRoleName, lastGoodImageTagParameter, lastGoodTemplateKey, publishRoleName, templateBucketName,
} from '../src/core/naming';
import { driftReadActions } from '../src/iam/cli-permissions';
import { evaluate } from '../src/iam/evaluate';
import { chunkStatements, policySize, statementsFor } from '../src/iam/execution-policy';
import { rolesOf } from '../src/iam/roles';
import { EXCLUDED_HANDLER_ACTIONS, generatedNamePattern, ssmParameterNames, stackNamePattern, templateNeeds } from '../src/iam/template-needs';
import type { PolicyStatementData } from '../src/iam/types';

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
        'cloudformation:CancelUpdateStack', 'cloudformation:DeleteStack',
      ],
      // The environment stack (shared infrastructure), then the service's.
      Resource: [arn(':cloudformation:eu-west-1:123456789012:stack/shop-prod-environment/*'), arn(':cloudformation:eu-west-1:123456789012:stack/api-prod/*')],
    });
    // Rollback tells a missing last good template (NoSuchKey) from other errors only if the role may list the bucket.
    expect(bySid(prod, 'TellAMissingLastGoodTemplate')).toEqual({
      Sid: 'TellAMissingLastGoodTemplate',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: arn(`:s3:::${templateBucketName('shop', '123456789012', 'eu-west-1')}`),
    });
    expect(bySid(prod, 'PassTheExecutionRoleToCloudFormation')).toMatchObject({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ProdExecutionRole/), 'Arn'] },
    });
    expect(bySid(prod, 'UploadTheTemplates')).toMatchObject({
      Action: ['s3:PutObject', 's3:GetObject'],
      Resource: [
        arn(`:s3:::${templateBucketName('shop', '123456789012', 'eu-west-1')}/uploads/shop-prod-environment/*`),
        arn(`:s3:::${templateBucketName('shop', '123456789012', 'eu-west-1')}/uploads/api-prod/*`),
      ],
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
    expect(bySid(policyOf('ProdExecutionRole'), 'ReadTheUploadedTemplates').Resource).toEqual([
      arn(`:s3:::${templateBucketName('shop', '123456789012', 'eu-west-1')}/uploads/shop-prod-environment/*`),
      arn(`:s3:::${templateBucketName('shop', '123456789012', 'eu-west-1')}/uploads/api-prod/*`),
    ]);
  });

  test('a deploy role may keep the last good template of each of its stacks, beside the last good tag, and no other object', () => {
    expect(bySid(policyOf('ProdDeployRole'), 'KeepTheLastGoodTemplates')).toEqual({
      Sid: 'KeepTheLastGoodTemplates',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject'],
      Resource: [
        arn(`:s3:::${templateBucketName('shop', '123456789012', 'eu-west-1')}/${lastGoodTemplateKey('shop-prod-environment')}`),
        arn(`:s3:::${templateBucketName('shop', '123456789012', 'eu-west-1')}/${lastGoodTemplateKey('api-prod')}`),
      ],
    });
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
      Resource: [arn(':cloudformation:eu-west-1:123456789012:stack/shop-prod-environment/*'), arn(':cloudformation:eu-west-1:123456789012:stack/api-prod/*')],
    });
    expect(bySid(drift, 'ReadTheDriftDetectionStatus').Action).toBe('cloudformation:DescribeStackDriftDetectionStatus');
    const roles = rolesOf('infra/bootstrap.template.json', JSON.parse(files['infra/bootstrap.template.json']), { account: '123456789012', region: 'eu-west-1', partition: 'aws' });
    const statements = roles.find((r) => r.roleName === driftRoleName('shop', 'prod'))!.statements;
    const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
    // Exactly the read handler actions of the prod templates' resources (generated, named: no wildcard action).
    const reads = [...new Set(['infra/prod.template.json', 'infra/api-prod.template.json'].flatMap((f) => [...driftReadActions(JSON.parse(files[f])).keys()]))].sort();
    expect(reads.length).toBeGreaterThan(20);
    expect(actions.filter((a) => !a.startsWith('cloudformation:')).sort()).toEqual(reads);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(actions).not.toContain('secretsmanager:GetSecretValue');
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
  // The registry is the production environment's account and region by default (test/registry.test.ts).
  const registry = template(files, 'infra/bootstrap-333333333333.template.json');

  test('THEN only the registry account holds the repositories and the publish role', () => {
    registry.resourceCountIs('AWS::ECR::Repository', 1);
    registry.hasResourceProperties('AWS::IAM::Role', { RoleName: publishRoleName('shop') });
    for (const account of ['111111111111', '222222222222']) {
      const other = template(files, `infra/bootstrap-${account}.template.json`);
      other.resourceCountIs('AWS::ECR::Repository', 0);
      expect(Object.values(other.findResources('AWS::IAM::Role')).map((r) => r.Properties.RoleName)).not.toContain(publishRoleName('shop'));
      // Every account has its template bucket and its audit bucket.
      expect(Object.values(other.findResources('AWS::S3::Bucket')).map((b) => b.Properties.BucketName))
        .toEqual([`shop-audit-${account}-eu-west-1`, `shop-templates-${account}-eu-west-1`]);
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
          Principal: { AWS: [arnRoot('111111111111'), arnRoot('222222222222')] },
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
    const prod = template(files, 'infra/api-dev.template.json');
    const [taskDefinition] = Object.values(prod.findResources('AWS::ECS::TaskDefinition'));
    const image = JSON.stringify(taskDefinition.Properties.ContainerDefinitions[0].Image);
    expect(image).toContain('333333333333.dkr.ecr.us-east-1.');
    expect(image).toContain('/api:');
    expect(image).toContain('{"Ref":"ImageTag"}');
    prod.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^TaskDefinitionExecutionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:333333333333:repository/api']] },
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

describe('audit trail (one per account, in its bootstrap stack)', () => {
  const t = template(synthTemplates((project) => twoEnvs(project)), 'infra/bootstrap.template.json');
  const only = (type: string) => {
    const found = Object.entries(t.findResources(type));
    expect(found).toHaveLength(1);
    return found[0];
  };

  test('GIVEN the defaults THEN a multi-region trail with global service events and log file validation, encrypted with its own key', () => {
    const [, trail] = only('AWS::CloudTrail::Trail');
    const [keyId] = only('AWS::KMS::Key');
    const [bucketId] = Object.entries(t.findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith('AuditBucket'))!;
    expect(trail.Properties).toEqual({
      TrailName: 'shop-audit',
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      S3BucketName: { Ref: bucketId },
      EventSelectors: [],
    });
  });

  test('THEN the key lets only this trail encrypt, rotates yearly and outlives the stack', () => {
    const [, key] = only('AWS::KMS::Key');
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements = key.Properties.KeyPolicy.Statement as Array<Record<string, any>>;
    const trailArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:eu-west-1:123456789012:trail/shop-audit']] };
    expect(statements.find((x) => x.Sid === 'AllowCloudTrailToEncryptLogs')).toEqual({
      Sid: 'AllowCloudTrailToEncryptLogs',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:123456789012:trail/*']] } },
        StringEquals: { 'aws:SourceArn': trailArn },
      },
    });
    expect(statements.find((x) => x.Sid === 'AllowPrincipalsOfTheAccountToReadLogs')).toMatchObject({
      Action: 'kms:Decrypt', Condition: { Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'false' } },
    });
  });

  test('THEN the bucket is versioned, private, kept with the stack, expires files after 365 days, and denies every delete', () => {
    const [id, bucket] = Object.entries(t.findResources('AWS::S3::Bucket')).find(([k]) => k.startsWith('AuditBucket'))!;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      BucketName: 'shop-audit-123456789012-eu-west-1',
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [{ Id: 'ExpireAuditLogs', ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
    const [, policy] = Object.entries(t.findResources('AWS::S3::BucketPolicy')).find(([, p]) => p.Properties.Bucket.Ref === id)!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'DenyDeletingAuditLogs',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] },
    });
  });

  test('GIVEN a retention and Object Lock THEN each file is locked for that long; GIVEN an existing trail THEN none is created', () => {
    const locked = template(synthTemplates((project) => {
      twoEnvs(project);
      Shipshape.configure(project, { auditTrail: { retentionDays: 2555, objectLock: 'compliance' } });
    }), 'infra/bootstrap.template.json');
    const [, bucket] = Object.entries(locked.findResources('AWS::S3::Bucket')).find(([k]) => k.startsWith('AuditBucket'))!;
    expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    expect(bucket.Properties.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 } } });
    expect(bucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(2555);
    const existing = template(synthTemplates((project) => {
      twoEnvs(project);
      Shipshape.configure(project, { auditTrail: { existingTrailAccounts: ['123456789012'] } });
    }), 'infra/bootstrap.template.json');
    expect(existing.findResources('AWS::CloudTrail::Trail')).toEqual({});
    expect(Object.keys(existing.findResources('AWS::S3::Bucket')).filter((k) => k.startsWith('AuditBucket'))).toEqual([]);
  });

  test('GIVEN bad audit trail options THEN every problem at once, naming the option', () => {
    const { error, files } = synthFailure((project) => {
      Shipshape.configure(project, { repository: 'acme/shop', auditTrail: { retentionDays: 0, objectLock: 'forever' as never, existingTrailAccounts: ['12345'] } });
    });
    expect(files).toEqual([]);
    expect((error as ShipshapeError).problems.map((p) => [p.code, p.property])).toEqual([
      ['SS-AUDIT-TRAIL', 'auditTrail.retentionDays'], ['SS-AUDIT-TRAIL', 'auditTrail.objectLock'], ['SS-AUDIT-TRAIL', 'auditTrail.existingTrailAccounts.0'],
    ]);
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

/*
 * The CloudFormation execution role is generated from what the environment templates need (issue 11). Each test
 * below fails on the hand-written role it replaces (`ec2:*`, `s3:*` … on '*', no iam:AttachRolePolicy, a deploy role
 * that could not resolve the pager parameter).
 */
describe('execution role generated from the environment templates', () => {
  const infra = path.join(__dirname, '..', 'examples', 'node-api', 'infra');
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(infra, f), 'utf8'));
  // The flagship: one environment per account, in eu-west-1.
  const flagship = [
    { env: 'dev', account: '111111111111' },
    { env: 'staging', account: '222222222222' },
    { env: 'prod', account: '333333333333' },
  ].map((e) => {
    const ctx = { account: e.account, region: 'eu-west-1', partition: 'aws' };
    const roles = rolesOf(`infra/bootstrap-${e.account}.template.json`, read(`bootstrap-${e.account}.template.json`), ctx);
    const role = (name: string) => roles.find((r) => r.roleName === name)!;
    return {
      ...e,
      ctx,
      /** The service's template and its environment stack's. */
      template: read(`api-${e.env}.template.json`),
      environment: read(`${e.env}.template.json`),
      execution: role(cloudFormationExecutionRoleName('node-api', e.env)),
      deploy: role(deployRoleName('node-api', e.env)),
      roles,
    };
  });
  const allowed = (statements: readonly PolicyStatementData[], action: string, resource: string, context?: Record<string, string>) =>
    evaluate(statements, { action, resource, context }).allowed;

  test.each(flagship)("the $env execution role allows every handler permission of the $env template's resources", (e) => {
    const needs = [
      ...templateNeeds(`infra/api-${e.env}.template.json`, e.template, { ...e.ctx, stackName: `api-${e.env}` }),
      ...templateNeeds(`infra/${e.env}.template.json`, e.environment, { ...e.ctx, stackName: `node-api-${e.env}-environment` }),
    ];
    expect(needs.length).toBeGreaterThan(300);
    const missing = needs.filter((n) => !allowed(e.execution.statements, n.action, n.resource, n.context as Record<string, string>));
    expect(missing).toEqual([]);
  });

  test.each(flagship)('$env: no policy of the bootstrap template has a `*` action or `service:*` on `*`', (e) => {
    const broad = e.roles.flatMap((r) => r.statements.flatMap((s) => {
      const actions = [s.Action ?? []].flat() as string[];
      const resources = [s.Resource ?? []].flat() as string[];
      return actions.filter((a) => a === '*' || (a.endsWith(':*') && resources.includes('*'))).map((a) => `${r.roleName}: ${a}`);
    }));
    expect(broad).toEqual([]);
  });

  test("the execution role may attach to the stack's roles the managed policies the template names, and no other", () => {
    const prod = flagship[2].execution.statements;
    const stackRole = 'arn:aws:iam::333333333333:role/api-prod-BackupPlanDatabaseRole8A6F31CB-ABCDEF123456';
    const backup = 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup';
    expect(allowed(prod, 'iam:AttachRolePolicy', stackRole, { 'iam:PolicyARN': backup })).toBe(true);
    expect(allowed(prod, 'iam:AttachRolePolicy', stackRole, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' })).toBe(false);
    for (const action of ['iam:DetachRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies']) expect(allowed(prod, action, stackRole)).toBe(true);
    // Not a role of the environment's stacks.
    expect(allowed(prod, 'iam:AttachRolePolicy', 'arn:aws:iam::333333333333:role/admin', { 'iam:PolicyARN': backup })).toBe(false);
    expect(allowed(prod, 'iam:CreateRole', 'arn:aws:iam::333333333333:role/api-staging-Anything-ABCDEF123456')).toBe(false);
  });

  test('the execution role passes the stack roles only to the services that trust them', () => {
    const prod = flagship[2].execution.statements;
    const stackRole = 'arn:aws:iam::333333333333:role/api-prod-TaskDefinitionTaskRoleFD40A61D-ABCDEF123456';
    expect(allowed(prod, 'iam:PassRole', stackRole, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' })).toBe(true);
    expect(allowed(prod, 'iam:PassRole', stackRole, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(false);
    expect(allowed(prod, 'iam:PassRole', 'arn:aws:iam::333333333333:role/admin', { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' })).toBe(false);
  });

  test('the execution role cannot touch what the templates do not hold', () => {
    const prod = flagship[2].execution.statements;
    expect(allowed(prod, 'ec2:TerminateInstances', '*')).toBe(false);
    expect(allowed(prod, 's3:DeleteBucket', 'arn:aws:s3:::someone-elses-bucket')).toBe(false);
    expect(allowed(prod, 'secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:eu-west-1:333333333333:secret:other-AbCdEf')).toBe(false);
    expect(allowed(prod, 'iam:CreateUser', 'arn:aws:iam::333333333333:user/x')).toBe(false);
    expect(allowed(prod, 'iam:CreateServiceLinkedRole', 'arn:aws:iam::333333333333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS', { 'iam:AWSServiceName': 'ecs.amazonaws.com' })).toBe(true);
    expect(allowed(prod, 'iam:CreateServiceLinkedRole', 'arn:aws:iam::333333333333:role/aws-service-role/ec2.amazonaws.com/x', { 'iam:AWSServiceName': 'ec2.amazonaws.com' })).toBe(false);
  });

  test('the execution role may create the Elastic Load Balancing service-linked role, which the first load balancer of an account needs', () => {
    // Documented by Elastic Load Balancing, absent from the handler lists (documented-permissions.json supplements).
    const slr = 'arn:aws:iam::333333333333:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing';
    expect(allowed(flagship[2].execution.statements, 'iam:CreateServiceLinkedRole', slr, { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' })).toBe(true);
    // dev has no load balancer.
    const devSlr = slr.replace('333333333333', '111111111111');
    expect(allowed(flagship[0].execution.statements, 'iam:CreateServiceLinkedRole', devSlr, { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' })).toBe(false);
  });

  test.each(flagship)('the $env deploy role may resolve the SSM parameters of its template (CloudFormation reads them as the caller)', (e) => {
    const names = [...ssmParameterNames(e.template), ...ssmParameterNames(e.environment)];
    // Only production pages: dev and staging have no pager parameter, and their deploy roles may read none.
    const pages = e.env === 'prod';
    expect(names).toEqual(pages ? ['/shipshape/pager/pagerduty-url'] : []);
    expect(allowed(e.deploy.statements, 'ssm:GetParameters', `arn:aws:ssm:eu-west-1:${e.account}:parameter/shipshape/pager/pagerduty-url`)).toBe(pages);
    expect(allowed(e.deploy.statements, 'ssm:GetParameters', `arn:aws:ssm:eu-west-1:${e.account}:parameter/other`)).toBe(false);
  });

  test.each(flagship)('$env: the generated policies fit IAM: managed policies of at most 6,144 characters, at most 10 on the role', (e) => {
    const bootstrap = read(`bootstrap-${e.account}.template.json`);
    const managed = Object.values(bootstrap.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(managed.length).toBeGreaterThan(0);
    expect(managed.length).toBeLessThanOrEqual(10);
    for (const m of managed) expect(JSON.stringify(m.Properties.PolicyDocument).length).toBeLessThanOrEqual(6144);
  });

  test('the bootstrap template follows the environment templates: a granted resource type added to a stack is granted to its execution role', () => {
    const build = (grant: boolean) => synthTemplates((project) => {
      twoEnvs(project);
      if (grant) Shipshape.configure(project, { executionRole: { resourceTypes: { 'AWS::Kinesis::Stream': { actions: ['kinesis:CreateStream', 'kinesis:DeleteStream'], resources: ['arn:aws:kinesis:eu-west-1:123456789012:stream/orders'] } } } });
      Shipshape.of(project).membersOf(Environment).find((e) => e.name === 'prod')!
        .addStackCustomization((stack) => new CfnResource(stack, 'Orders', { type: 'AWS::Kinesis::Stream', properties: { Name: 'orders', ShardCount: 1 } }));
    });
    const files = build(true);
    const roles = rolesOf('infra/bootstrap.template.json', JSON.parse(files['infra/bootstrap.template.json']), { account: '123456789012', region: 'eu-west-1', partition: 'aws' });
    const exec = (env: string) => roles.find((r) => r.roleName === cloudFormationExecutionRoleName('shop', env))!.statements;
    expect(allowed(exec('prod'), 'kinesis:CreateStream', 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders')).toBe(true);
    expect(allowed(exec('prod'), 'kinesis:CreateStream', 'arn:aws:kinesis:eu-west-1:123456789012:stream/other')).toBe(false);
    // Only the environment whose template holds the queue.
    expect(allowed(exec('staging'), 'kinesis:CreateStream', 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders')).toBe(false);
  });

  test('a resource type shipshape has no data for stops synthesis, naming the resource and how to grant it', () => {
    const { error, files } = synthFailure((project) => {
      twoEnvs(project);
      new Service(project, 'api');
      Shipshape.of(project).membersOf(Environment).find((e) => e.name === 'prod')!
        .addStackCustomization((stack) => new CfnResource(stack, 'Orders', { type: 'AWS::Kinesis::Stream', properties: { ShardCount: 1 } }));
    });
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).problems).toEqual([expect.objectContaining({
      code: 'SS-IAM-UNKNOWN-TYPE', property: 'infra/api-prod.template.json Resources.Orders.Type', got: "'AWS::Kinesis::Stream'",
    })]);
    expect(error.message).toContain("executionRole: { resourceTypes: { 'AWS::Kinesis::Stream'");
    expect(files).toEqual([]);
  });

  test('execution role grants are validated: named actions without wildcards, ARNs', () => {
    const { error } = synthFailure((project) => {
      twoEnvs(project);
      new Service(project, 'api');
      Shipshape.configure(project, { executionRole: { resourceTypes: { 'AWS::SQS::Queue': { actions: ['sqs:*'], resources: ['orders'] }, 'SQS Queue': { actions: [] } } } });
    });
    expect((error as ShipshapeError).problems.map((p) => `${p.code} ${p.property}`)).toEqual([
      "SS-IAM-EXTRA-ACTION executionRole.resourceTypes['AWS::SQS::Queue'].actions",
      "SS-IAM-EXTRA-RESOURCE executionRole.resourceTypes['AWS::SQS::Queue'].resources",
      "SS-IAM-EXTRA-TYPE executionRole.resourceTypes['SQS Queue']",
      "SS-IAM-EXTRA-ACTION executionRole.resourceTypes['SQS Queue'].actions",
    ]);
  });
});

describe('templateNeeds', () => {
  const ctx = { account: '123456789012', region: 'eu-west-1', partition: 'aws', stackName: 'api-prod' };
  const role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } };
  const actionsOf = (resources: Record<string, unknown>, id: string) => new Set(templateNeeds('t.json', { Resources: resources }, ctx)
    .filter((n) => n.neededBy.startsWith(`t.json: ${id} `)).map((n) => n.action));

  test('an IAM policy of roles only needs no user or group actions; one of users does (EXCLUDED_HANDLER_ACTIONS)', () => {
    const doc = { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] };
    const rolesOnly = actionsOf({ R: role, P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', PolicyDocument: doc, Roles: [{ Ref: 'R' }] } } }, 'P');
    expect([...rolesOnly].sort()).toEqual(['iam:DeleteRolePolicy', 'iam:GetRolePolicy', 'iam:PutRolePolicy']);
    const users = actionsOf({ P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', PolicyDocument: doc, Users: ['u'] } } }, 'P');
    expect(users.has('iam:PutUserPolicy')).toBe(true);
    expect(EXCLUDED_HANDLER_ACTIONS.every((e) => e.reason.length > 20 && e.when.length > 5)).toBe(true);
  });

  test('a listener without authenticate actions needs no Cognito; one with authenticate-cognito does', () => {
    const listener = (type: string) => ({ L: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { DefaultActions: [{ Type: type }] } } });
    expect(actionsOf(listener('forward'), 'L').has('cognito-idp:DescribeUserPoolClient')).toBe(false);
    expect(actionsOf(listener('authenticate-cognito'), 'L').has('cognito-idp:DescribeUserPoolClient')).toBe(true);
  });

  test("a function's role is passed only to the service that trusts it, scoped to the stack's roles", () => {
    const needs = templateNeeds('t.json', { Resources: { R: role, F: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['R', 'Arn'] }, Code: { ZipFile: 'x' } } } } }, ctx);
    expect(needs.filter((n) => n.action === 'iam:PassRole')).toEqual([{
      action: 'iam:PassRole',
      resource: 'arn:aws:iam::123456789012:role/api-prod-*',
      context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
      neededBy: 't.json: F (AWS::Lambda::Function) create, update',
    }]);
    // The function itself: CloudFormation names it <stack>-<logical id>-<random>.
    expect(needs.find((n) => n.action === 'lambda:CreateFunction')!.resource).toBe('arn:aws:lambda:eu-west-1:123456789012:function:api-prod-F-*');
  });

  test('named resources are scoped by name; metadata reads and AWS-generated ids are not', () => {
    const needs = templateNeeds('t.json', {
      Resources: {
        G: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/shipshape/api/prod' } },
        V: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      },
    }, ctx);
    const of = (action: string) => needs.filter((n) => n.action === action).map((n) => n.resource);
    expect(of('logs:CreateLogGroup')).toEqual(['arn:aws:logs:eu-west-1:123456789012:log-group:/shipshape/api/prod', 'arn:aws:logs:eu-west-1:123456789012:log-group:/shipshape/api/prod:*']);
    expect(of('logs:DescribeLogGroups')).toEqual(['*']);
    expect(of('ec2:CreateVpc')).toEqual(['*']);
  });

  test('CloudFormation-generated names: the stack name is kept whole up to half of what the name limit leaves', () => {
    // Real names (github.com/KensioSoftware/yulin issue 1113) for a stack of 26 characters.
    const roleName = new RegExp(`^${stackNamePattern('ChineseboostAnalyticsStack', 64).replace('*', '.*')}$`);
    expect(roleName.test('ChineseboostAnalyticsStac-RainlyticsSummariesJobFun-UjecjFhpdr1d')).toBe(true);
    const bucket = new RegExp(`^${generatedNamePattern('ChineseboostAnalyticsStack', 'RainlyticsLogsBucket8DF4A1B2', 63, true).replace('*', '.*')}$`);
    expect(bucket.test('chineseboostanalyticsstac-rainlyticslogsbucket8df4-hdst4ohfvdif')).toBe(true);
    expect(stackNamePattern('api-prod', 64)).toBe('api-prod-*');
  });
});

describe('statementsFor', () => {
  test('a need with two context keys is allowed by one statement that requires both', () => {
    const role = 'arn:aws:iam::123456789012:role/api-prod-*';
    const statements = statementsFor([
      { action: 'iam:AttachRolePolicy', resource: role, neededBy: 'x', context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess', 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/b' } },
      { action: 'iam:PassRole', resource: role, neededBy: 'y', context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      { action: 'logs:CreateLogGroup', resource: '*', neededBy: 'z' },
      { action: 'logs:CreateLogGroup', resource: 'arn:aws:logs:eu-west-1:123456789012:log-group:x', neededBy: 'z' },
    ], 'H');
    expect(statements).toEqual([
      { Sid: 'H1', Effect: 'Allow', Action: ['logs:CreateLogGroup'], Resource: ['*'] },
      {
        Sid: 'H2',
        Effect: 'Allow',
        Action: ['iam:AttachRolePolicy'],
        Resource: [role],
        Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/b' } },
      },
      { Sid: 'H3', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [role], Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
    ]);
    const request = (policy: string) => ({ action: 'iam:AttachRolePolicy', resource: 'arn:aws:iam::123456789012:role/api-prod-x', context: { 'iam:PolicyARN': policy, 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/b' } });
    expect(evaluate(statements, request('arn:aws:iam::aws:policy/ReadOnlyAccess')).allowed).toBe(true);
    expect(evaluate(statements, request('arn:aws:iam::aws:policy/AdministratorAccess')).allowed).toBe(false);
  });

  test('statements too large for one managed policy are split by action, in order, each under the limit', () => {
    const needs = Array.from({ length: 400 }, (_, i) => ({ action: `ec2:Describe${String(i).padStart(4, '0')}Things`, resource: '*', neededBy: 'x' }));
    const chunks = chunkStatements(statementsFor(needs, 'H'), 6144);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(policySize(c)).toBeLessThanOrEqual(6144);
    expect(chunks.flat().flatMap((s) => s.Action as string[])).toEqual(needs.map((n) => n.action));
  });
});
