import { Match } from 'aws-cdk-lib/assertions';
import { synthFailure, synthTemplates, template } from './cloudformation-helpers';
import { Database, Environment, SecretRef, Service } from '../src';

describe('Database (RDS PostgreSQL)', () => {
  // GIVEN a database for the service in staging and prod; WHEN synthesized
  const files = synthTemplates((project, api) => {
    new Environment(project, 'staging', { account: '123456789012', region: 'eu-west-1' });
    new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
    new Database(project, 'db', { service: api, backupRetentionDays: 14 });
  });
  const staging = template(files, 'infra/staging.template.json');
  const prod = template(files, 'infra/prod.template.json');

  test('encrypted PostgreSQL with automated backups, private', () => {
    prod.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres', StorageEncrypted: true, BackupRetentionPeriod: 14, PubliclyAccessible: false, DBName: 'api',
    });
  });

  test('deletion protection, multi-AZ and retained data in production only', () => {
    prod.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: true, MultiAZ: true }) });
    staging.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', Properties: Match.objectLike({ DeletionProtection: false, MultiAZ: false }) });
  });

  test('an AWS Backup plan selects the database', () => {
    prod.hasResourceProperties('AWS::Backup::BackupPlan', { BackupPlan: Match.objectLike({ BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 35 } })] }) });
    prod.resourceCountIs('AWS::Backup::BackupSelection', 1);
  });

  test('credentials in Secrets Manager, wired to the service as DATABASE_* variables and the DATABASE_PASSWORD secret', () => {
    prod.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'api/prod/database' });
    prod.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Environment: Match.arrayWith([
          { Name: 'DATABASE_HOST', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Database'), 'Endpoint.Address'] } },
          { Name: 'DATABASE_NAME', Value: 'api' },
          { Name: 'DATABASE_USER', Value: 'app' },
        ]),
        Secrets: [{ Name: 'DATABASE_PASSWORD', ValueFrom: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('Secret') }, ':password::']] } }],
      })],
    });
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
