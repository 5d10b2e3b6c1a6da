import { Match } from 'aws-cdk-lib/assertions';
import { synthFailure, synthTemplates, template } from './cloudformation-helpers';
import { Database, Environment, SecretRef, Service } from '../src';
import { POSTGRES_MINOR_VERSIONS, POSTGRES_MINOR_VERSION_LIST, POSTGRES_VERSIONS } from '../src/database/postgres-versions';
import { CFN_LINT_INSTALL, cfnLint, cfnLintVersion } from '../src/validators/cfnlint';

describe('Database (RDS PostgreSQL)', () => {
  // GIVEN a database for the service in staging and prod; WHEN synthesized
  const files = synthTemplates((project, api) => {
    new Environment(project, 'staging', { account: '123456789012', region: 'eu-west-1' });
    new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
    new Database(project, 'db', { service: api, backupRetentionDays: 14 });
  });
  const staging = template(files, 'infra/api-staging.template.json');
  const prod = template(files, 'infra/api-prod.template.json');

  test('encrypted PostgreSQL with automated backups, private', () => {
    prod.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres', StorageEncrypted: true, BackupRetentionPeriod: 14, PubliclyAccessible: false, DBName: 'api',
    });
  });

  test('deletion protection, multi-AZ and retained data in production only', () => {
    prod.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: true, MultiAZ: true }) });
    staging.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', Properties: Match.objectLike({ DeletionProtection: false, MultiAZ: false }) });
  });

  test('by default RDS manages the master password: no secret of the stack, the instance (and with it its secret) retained in production', () => {
    for (const t of [prod, staging]) {
      t.hasResourceProperties('AWS::RDS::DBInstance', { ManageMasterUserPassword: true, MasterUsername: 'app', MasterUserPassword: Match.absent() });
      t.resourceCountIs('AWS::SecretsManager::Secret', 0);
      t.resourceCountIs('AWS::SecretsManager::SecretTargetAttachment', 0);
    }
    // RDS deletes a managed secret with its instance: the instance's own retention is what keeps it.
    prod.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: true }) });
  });

  test('in production the subnet and parameter groups the retained instance uses are retained too (deleting them would fail)', () => {
    prod.hasResource('AWS::RDS::DBParameterGroup', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    prod.hasResource('AWS::RDS::DBSubnetGroup', { DeletionPolicy: 'Retain' });
    expect(Object.values(staging.findResources('AWS::RDS::DBParameterGroup'))[0].DeletionPolicy).toBeUndefined();
  });

  test('PostgreSQL 17 by default, pinned to a minor version RDS still creates instances with', () => {
    prod.hasResourceProperties('AWS::RDS::DBInstance', { EngineVersion: '17.9' });
    prod.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres17' });
  });

  test('a major version resolves to its newest listed minor; a listed minor version is used as given', () => {
    const engineVersion = (postgresVersion: string) => {
      const t = template(synthTemplates((project, api) => {
        new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
        new Database(project, 'db', { service: api, postgresVersion });
      }), 'infra/api-prod.template.json');
      return [Object.values(t.findResources('AWS::RDS::DBInstance'))[0].Properties.EngineVersion, Object.values(t.findResources('AWS::RDS::DBParameterGroup'))[0].Properties.Family];
    };
    expect(engineVersion('16')).toEqual(['16.13', 'postgres16']);
    expect(engineVersion('17.6')).toEqual(['17.6', 'postgres17']);
  });

  test('a deprecated or unknown version is an error that lists the versions offered', () => {
    for (const postgresVersion of ['17.1', '9', '17.10']) {
      const { error, files: left } = synthFailure((project) => {
        const api = new Service(project, 'api');
        new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
        new Database(project, 'db', { service: api, postgresVersion });
      });
      expect(error.message).toContain('[shop/db] postgresVersion: must be a PostgreSQL major version (\'15\', \'16\', \'17\') or a minor version RDS still creates instances with (15.10,');
      expect(error.message).toContain(`(got '${postgresVersion}') [SS-DATABASE-POSTGRESVERSION]`);
      expect(left).toEqual([]);
    }
  });

  const installed = cfnLintVersion();
  (installed ? test : test.skip)(installed
    ? 'every version offered passes cfn-lint (not deprecated, known, with the default instance class); a major alone does not'
    : `every version offered passes cfn-lint (SKIPPED: cfn-lint is not on PATH; ${CFN_LINT_INSTALL})`, () => {
    const instance = (EngineVersion: string) => ({
      Type: 'AWS::RDS::DBInstance',
      Properties: { Engine: 'postgres', EngineVersion, DBInstanceClass: 'db.t4g.micro', AllocatedStorage: '20', MasterUsername: 'app', ManageMasterUserPassword: true },
    });
    const lint = (versions: readonly string[]) => cfnLint([{
      name: 'versions.template.json',
      content: JSON.stringify({ Resources: Object.fromEntries(versions.map((v, i) => [`Db${i}`, instance(v)])) }, null, 1),
    }]).map((f) => `${f.rule}: ${f.message}`);
    expect(POSTGRES_MINOR_VERSION_LIST.length).toBe(POSTGRES_VERSIONS.flatMap((m) => POSTGRES_MINOR_VERSIONS[m]).length);
    expect(lint(POSTGRES_MINOR_VERSION_LIST)).toEqual([]);
    // Why majors are pinned: cfn-lint flags a major version once any of its minors is deprecated.
    expect(lint(['17'])).toEqual([expect.stringMatching(/^W3691: Engine version '17' for engine 'postgres' is deprecated/)]);
  });

  test('an AWS Backup plan selects the database', () => {
    prod.hasResourceProperties('AWS::Backup::BackupPlan', { BackupPlan: Match.objectLike({ BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 35 } })] }) });
    prod.resourceCountIs('AWS::Backup::BackupSelection', 1);
  });

  test('the RDS-managed secret, read by reference: DATABASE_PASSWORD is its password field, the execution role may read that secret only', () => {
    const secretArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Database'), 'MasterUserSecret.SecretArn'] };
    prod.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Environment: Match.arrayWith([
          { Name: 'DATABASE_HOST', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Database'), 'Endpoint.Address'] } },
          { Name: 'DATABASE_NAME', Value: 'api' },
          { Name: 'DATABASE_USER', Value: 'app' },
        ]),
        Secrets: [{ Name: 'DATABASE_PASSWORD', ValueFrom: { 'Fn::Join': ['', [secretArn, ':password::']] } }],
      })],
    });
    const json = JSON.parse(files['infra/api-prod.template.json']);
    const statements = Object.values(json.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement).filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith('secretsmanager:')));
    expect(statements).toEqual([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Database/), 'MasterUserSecret.SecretArn'] } }]);
    // The managed secret is encrypted with the AWS managed key aws/secretsmanager, whose key policy lets the account's
    // principals decrypt through Secrets Manager: no KMS grant is needed, so none is given.
    expect(JSON.stringify(json)).not.toMatch(/"kms:Decrypt"[^\]]*MasterUserSecret/);
  });

  test('PostgreSQL is reachable only from the service tasks', () => {
    prod.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ServiceSecurityGroup'), 'GroupId'] } });
  });

  test('a variable the database sets is an error', () => {
    const { error, files: left } = synthFailure((project) => {
      const api = new Service(project, 'api');
      new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1', secrets: { DATABASE_PASSWORD: SecretRef.fromName('x') } });
      new Database(project, 'db', { service: api });
    });
    expect(error.message).toContain('[shop/prod] DATABASE_PASSWORD: must be a name the database does not set');
    expect(left).toEqual([]);
  });
});

describe('Database({ managedPassword: false }): the stack keeps its own secret, as before', () => {
  const files = synthTemplates((project, api) => {
    new Environment(project, 'staging', { account: '123456789012', region: 'eu-west-1' });
    new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
    new Database(project, 'db', { service: api, managedPassword: false });
  });
  const staging = template(files, 'infra/api-staging.template.json');
  const prod = template(files, 'infra/api-prod.template.json');

  test('no ManageMasterUserPassword; the secret <service>/<env>/database is retained with the data in production, deleted with the stack elsewhere', () => {
    prod.hasResourceProperties('AWS::RDS::DBInstance', { ManageMasterUserPassword: Match.absent() });
    const secretOf = (t: typeof prod) => Object.entries(t.findResources('AWS::SecretsManager::Secret'));
    expect(secretOf(prod)).toHaveLength(1);
    const [prodId, prodSecret] = secretOf(prod)[0];
    expect(prodSecret).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { Name: 'api/prod/database' } });
    prod.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', { SecretId: { Ref: prodId } });
    expect(secretOf(staging)[0][1]).toMatchObject({ DeletionPolicy: 'Delete', Properties: { Name: 'api/staging/database' } });
  });

  test('DATABASE_PASSWORD is the password field of that secret', () => {
    prod.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Secrets: [{ Name: 'DATABASE_PASSWORD', ValueFrom: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('Secret') }, ':password::']] } }],
      })],
    });
  });
});
