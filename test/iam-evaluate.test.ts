import { evaluate } from '../src/iam/evaluate';
import type { PolicyStatementData } from '../src/iam/types';

const STACK = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/api-dev/*';
const allow = (Action: string | string[], Resource: string | string[], extra: Partial<PolicyStatementData> = {}): PolicyStatementData => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[], extra: Partial<PolicyStatementData> = {}): PolicyStatementData => ({ Effect: 'Deny', Action, Resource, ...extra });

describe('evaluate: identity policies', () => {
  test('an Allow on the action and resource allows; nothing else does', () => {
    const policy = [allow('cloudformation:CreateChangeSet', 'arn:aws:cloudformation:eu-west-1:111111111111:stack/api-dev/*')];
    expect(evaluate(policy, { action: 'cloudformation:CreateChangeSet', resource: STACK })).toEqual({ allowed: true });
    expect(evaluate(policy, { action: 'cloudformation:ExecuteChangeSet', resource: STACK })).toEqual({ allowed: false, reason: 'no-allow' });
    expect(evaluate(policy, { action: 'cloudformation:CreateChangeSet', resource: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/api-prod/abc' }))
      .toEqual({ allowed: false, reason: 'no-allow' });
    expect(evaluate([], { action: 's3:GetObject', resource: '*' })).toEqual({ allowed: false, reason: 'no-allow' });
  });

  test('action wildcards are case-insensitive; resource wildcards are case-sensitive', () => {
    expect(evaluate([allow('ECS:describe*', '*')], { action: 'ecs:DescribeServices', resource: 'arn:aws:ecs:eu-west-1:1:service/a/b' }).allowed).toBe(true);
    expect(evaluate([allow('ecs:Describe?ervices', '*')], { action: 'ecs:DescribeServices', resource: 'x' }).allowed).toBe(true);
    expect(evaluate([allow('s3:GetObject', 'arn:aws:s3:::Bucket/*')], { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key' }).allowed).toBe(false);
  });

  test('an explicit Deny wins over any Allow', () => {
    const policy = [allow('s3:*', 'arn:aws:s3:::b/*'), deny('s3:PutObject', 'arn:aws:s3:::b/locked/*', { Sid: 'Locked' })];
    expect(evaluate(policy, { action: 's3:PutObject', resource: 'arn:aws:s3:::b/locked/x' })).toEqual({ allowed: false, reason: 'explicit-deny', statement: 'Locked' });
    expect(evaluate(policy, { action: 's3:PutObject', resource: 'arn:aws:s3:::b/open/x' }).allowed).toBe(true);
  });

  test('NotAction and NotResource', () => {
    const notAction: PolicyStatementData = { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' };
    expect(evaluate([notAction], { action: 'ec2:DescribeVpcs', resource: '*' }).allowed).toBe(true);
    expect(evaluate([notAction], { action: 'iam:CreateRole', resource: '*' }).allowed).toBe(false);
    const notResource: PolicyStatementData = { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::mine/*' };
    const policy = [allow('s3:GetObject', '*'), notResource];
    expect(evaluate(policy, { action: 's3:GetObject', resource: 'arn:aws:s3:::mine/k' }).allowed).toBe(true);
    expect(evaluate(policy, { action: 's3:GetObject', resource: 'arn:aws:s3:::other/k' })).toMatchObject({ allowed: false, reason: 'explicit-deny' });
  });

  test('an unknowable part of the requested resource needs a wildcard in the policy', () => {
    const request = { action: 'ecs:DescribeServiceDeployments', resource: 'arn:aws:ecs:eu-west-1:1:service-deployment/api-dev/api/*' };
    expect(evaluate([allow('ecs:DescribeServiceDeployments', 'arn:aws:ecs:eu-west-1:1:service-deployment/api-dev/api/*')], request).allowed).toBe(true);
    expect(evaluate([allow('ecs:DescribeServiceDeployments', 'arn:aws:ecs:eu-west-1:1:service-deployment/api-dev/api/abc')], request).allowed).toBe(false);
    // A request for '*' (an action without resource-level permissions) needs Resource '*'.
    expect(evaluate([allow('ecr:GetAuthorizationToken', 'arn:aws:ecr:eu-west-1:1:repository/api')], { action: 'ecr:GetAuthorizationToken', resource: '*' }).allowed).toBe(false);
    expect(evaluate([allow('ecr:GetAuthorizationToken', '*')], { action: 'ecr:GetAuthorizationToken', resource: '*' }).allowed).toBe(true);
  });
});

describe('evaluate: conditions', () => {
  const passRole = allow('iam:PassRole', 'arn:aws:iam::1:role/exec', { Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } } });
  const request = { action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/exec' };

  test('StringEquals against the request context; a missing key fails', () => {
    expect(evaluate([passRole], { ...request, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } }).allowed).toBe(true);
    expect(evaluate([passRole], { ...request, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }).allowed).toBe(false);
    expect(evaluate([passRole], request).allowed).toBe(false);
  });

  test('several values are OR-ed; keys are AND-ed; keys match case-insensitively', () => {
    const s = allow('iam:CreateServiceLinkedRole', '*', { Condition: { StringEquals: { 'iam:AWSServiceName': ['ecs.amazonaws.com', 'rds.amazonaws.com'] } } });
    expect(evaluate([s], { action: 'iam:CreateServiceLinkedRole', resource: '*', context: { 'iam:awsservicename': 'rds.amazonaws.com' } }).allowed).toBe(true);
    expect(evaluate([s], { action: 'iam:CreateServiceLinkedRole', resource: '*', context: { 'iam:AWSServiceName': 'lambda.amazonaws.com' } }).allowed).toBe(false);
    const both = allow('ecs:ListTasks', '*', { Condition: { ArnLike: { 'ecs:cluster': 'arn:aws:ecs:*:1:cluster/api-*' }, StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } });
    expect(evaluate([both], { action: 'ecs:ListTasks', resource: '*', context: { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:1:cluster/api-dev', 'aws:RequestedRegion': 'eu-west-1' } }).allowed).toBe(true);
    expect(evaluate([both], { action: 'ecs:ListTasks', resource: '*', context: { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:1:cluster/api-dev' } }).allowed).toBe(false);
  });

  test('negated operators and IfExists hold when the key is missing', () => {
    const notLike = allow('s3:GetObject', '*', { Condition: { StringNotLike: { 'aws:userid': 'AIDA*' } } });
    expect(evaluate([notLike], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }).allowed).toBe(true);
    expect(evaluate([notLike], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:userid': 'AIDAEXAMPLE' } }).allowed).toBe(false);
    const ifExists = allow('s3:GetObject', '*', { Condition: { StringEqualsIfExists: { 's3:prefix': 'a/' } } });
    expect(evaluate([ifExists], { action: 's3:GetObject', resource: 'x' }).allowed).toBe(true);
    expect(evaluate([ifExists], { action: 's3:GetObject', resource: 'x', context: { 's3:prefix': 'b/' } }).allowed).toBe(false);
  });

  test('an unsupported operator never allows, and always denies', () => {
    const numeric = allow('s3:GetObject', '*', { Condition: { NumericLessThan: { 's3:max-keys': '10' } } });
    expect(evaluate([numeric], { action: 's3:GetObject', resource: 'x', context: { 's3:max-keys': '5' } }).allowed).toBe(false);
    const denyNumeric = deny('s3:GetObject', '*', { Condition: { NumericLessThan: { 's3:max-keys': '10' } } });
    expect(evaluate([allow('s3:GetObject', '*'), denyNumeric], { action: 's3:GetObject', resource: 'x' })).toMatchObject({ allowed: false, reason: 'explicit-deny' });
  });
});

describe('evaluate: permissions boundary', () => {
  const identity = [allow(['iam:CreateRole', 'iam:AttachRolePolicy'], 'arn:aws:iam::1:role/api-dev-*')];

  test('the effective permissions are the intersection of identity policy and boundary', () => {
    const boundary = [allow('iam:CreateRole', '*')];
    expect(evaluate(identity, { action: 'iam:CreateRole', resource: 'arn:aws:iam::1:role/api-dev-x' }, boundary).allowed).toBe(true);
    expect(evaluate(identity, { action: 'iam:AttachRolePolicy', resource: 'arn:aws:iam::1:role/api-dev-x' }, boundary)).toEqual({ allowed: false, reason: 'boundary' });
    // The boundary alone grants nothing.
    expect(evaluate([], { action: 'iam:CreateRole', resource: 'arn:aws:iam::1:role/other' }, boundary)).toEqual({ allowed: false, reason: 'no-allow' });
  });

  test('a Deny in the boundary wins', () => {
    const boundary = [allow('*', '*'), deny('iam:AttachRolePolicy', '*', { Sid: 'NoAttach' })];
    expect(evaluate(identity, { action: 'iam:AttachRolePolicy', resource: 'arn:aws:iam::1:role/api-dev-x' }, boundary))
      .toEqual({ allowed: false, reason: 'explicit-deny', statement: 'boundary NoAttach' });
  });
});
