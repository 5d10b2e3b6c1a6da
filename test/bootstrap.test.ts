import { Match } from 'aws-cdk-lib/assertions';
import { Project } from 'projen';
import { synthFailure, synthTemplates, template } from './cloudformation-helpers';
import { Environment, Service, Shipshape } from '../src';
import { cloudFormationExecutionRoleName, deployRoleName, lastGoodImageTagParameter } from '../src/core/naming';

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

  test('each deploy role trusts only its GitHub environment of the repository', () => {
    for (const env of ['staging', 'prod']) {
      t.hasResourceProperties('AWS::IAM::Role', {
        RoleName: deployRoleName('shop', env),
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': `repo:acme/shop:environment:${env}` } },
          })],
        },
      });
    }
  });

  test("a deploy role may deploy only its environment's stack, pass its execution role, push images and record the last good tag", () => {
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).map((p) => JSON.stringify(p));
    const prod = policies.find((p) => p.includes('ProdDeployRole'))!;
    expect(prod).toContain(':stack/api-prod/*');
    expect(prod).not.toContain('api-staging');
    expect(prod).toContain('"Action":"iam:PassRole","Condition":{"StringEquals":{"iam:PassedToService":"cloudformation.amazonaws.com"}},"Effect":"Allow","Resource":{"Fn::GetAtt":["ProdExecutionRole');
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: cloudFormationExecutionRoleName('shop', 'prod'),
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'cloudformation.amazonaws.com' } })] },
    });
    expect(prod).toContain(`parameter${lastGoodImageTagParameter('api', 'prod')}`);
    expect(prod).toContain('ecr:PutImage');
    expect(prod).toContain('ecs:DescribeServices');
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
