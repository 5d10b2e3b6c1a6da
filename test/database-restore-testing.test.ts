/**
 * Issue 17, "restores that are tested, not only documented": a Database's AWS Backup restore testing plan and
 * selection, the role AWS Backup restores with, the restore-test-failed WARNING alarm and its runbook.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Match } from 'aws-cdk-lib/assertions';
import { synthFailure, synthTemplates, template } from './cloudformation-helpers';
import { shop } from './monitoring-helpers';
import { Database, Environment, Service } from '../src';
import { DEFAULT_RESTORE_TEST_SCHEDULE, DEFAULT_RESTORE_TEST_VALIDATION_HOURS } from '../src/database/settings';
import { synthSnapshot } from '../src/testing/synth';

describe('a Database tests its restores by default', () => {
  const files = synthTemplates((project, api) => {
    new Environment(project, 'staging', { account: '123456789012', region: 'eu-west-1' });
    new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
    new Database(project, 'db', { service: api, environments: { prod: { instanceType: 'm7g.large' } } });
  });
  const prod = template(files, 'infra/api-prod.template.json');
  const json = JSON.parse(files['infra/api-prod.template.json']);
  const idOf = (type: string) => Object.entries(json.Resources as Record<string, any>).filter(([, r]) => r.Type === type).map(([id]) => id);

  test('THEN a weekly plan restores the latest snapshot of the database\'s own vault from the last 7 days', () => {
    prod.resourceCountIs('AWS::Backup::RestoreTestingPlan', 1);
    const [vault] = idOf('AWS::Backup::BackupVault');
    prod.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: 'api_prod_restore_test',
      ScheduleExpression: 'cron(0 10 ? * SUN *)',
      StartWindowHours: 4,
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [{ 'Fn::GetAtt': [vault, 'BackupVaultArn'] }],
        RecoveryPointTypes: ['SNAPSHOT'],
        SelectionWindowDays: 7,
      },
    });
  });

  test('THEN the selection restores exactly this RDS instance, into its subnet group, security group and class, and keeps it 2 hours', () => {
    const [instance] = idOf('AWS::RDS::DBInstance');
    const [plan] = idOf('AWS::Backup::RestoreTestingPlan');
    const [subnets] = idOf('AWS::RDS::DBSubnetGroup');
    const [role] = idOf('AWS::IAM::Role').filter((id) => id.startsWith('RestoreTestingRole'));
    const sg = idOf('AWS::EC2::SecurityGroup').find((id) => id.startsWith('DatabaseSecurityGroup'))!;
    prod.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      RestoreTestingPlanName: { Ref: plan },
      ProtectedResourceType: 'RDS',
      ProtectedResourceArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-west-1:123456789012:db:', { Ref: instance }]] }],
      IamRoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
      ValidationWindowHours: 2,
      RestoreMetadataOverrides: {
        dbInstanceClass: 'db.m7g.large',
        dbSubnetGroupName: { Ref: subnets },
        vpcSecurityGroupIds: { 'Fn::Join': ['', ['["', { 'Fn::GetAtt': [sg, 'GroupId'] }, '"]']] },
      },
    });
    // staging restores its own size
    template(files, 'infra/api-staging.template.json').hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      RestoreMetadataOverrides: Match.objectLike({ dbInstanceClass: 'db.t4g.micro' }),
    });
  });

  test('THEN AWS Backup restores with a role only it can assume, holding the managed policy AWS documents for restores', () => {
    const [role] = idOf('AWS::IAM::Role').filter((id) => id.startsWith('RestoreTestingRole'));
    expect(json.Resources[role].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } },
    ]);
    expect(json.Resources[role].Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores']] },
    ]);
    expect(json.Resources[role].Properties.Policies).toBeUndefined();
  });
});

describe('restoreTesting settings', () => {
  test('a schedule and a validation window of the user\'s are used', () => {
    const files = synthTemplates((project, api) => {
      new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
      new Database(project, 'db', { service: api, restoreTesting: { schedule: 'cron(30 6 ? * MON *)', validationHours: 0 } });
    });
    const prod = template(files, 'infra/api-prod.template.json');
    prod.hasResourceProperties('AWS::Backup::RestoreTestingPlan', { ScheduleExpression: 'cron(30 6 ? * MON *)' });
    prod.hasResourceProperties('AWS::Backup::RestoreTestingSelection', { ValidationWindowHours: 0 });
  });

  test('restoreTesting: false builds no plan, no selection and no restore role', () => {
    const files = synthTemplates((project, api) => {
      new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
      new Database(project, 'db', { service: api, restoreTesting: false });
    });
    const prod = template(files, 'infra/api-prod.template.json');
    prod.resourceCountIs('AWS::Backup::RestoreTestingPlan', 0);
    prod.resourceCountIs('AWS::Backup::RestoreTestingSelection', 0);
    expect(JSON.stringify(JSON.parse(files['infra/api-prod.template.json']))).not.toContain('AWSBackupServiceRolePolicyForRestores');
  });

  test('a schedule that is no schedule expression, or a validation window beyond 7 days, is an error naming the property', () => {
    const { error, files } = synthFailure((project) => {
      const api = new Service(project, 'api');
      new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
      new Database(project, 'db', { service: api, restoreTesting: { schedule: 'every sunday', validationHours: 169 } });
    });
    expect(error.message).toContain('restoreTesting.schedule');
    expect(error.message).toContain('restoreTesting.validationHours');
    expect(files).toEqual([]);
  });
});

describe('the restore-test-failed alarm', () => {
  const build = (restoreTesting?: false) => synthSnapshot((outdir) => shop(outdir, {
    extra: (m, p) => { new Database(p, 'db', { service: m.service, ...(restoreTesting === false ? { restoreTesting } : {}) }); },
  }));
  const files = build();
  const json = JSON.parse(files['infra/api-prod.template.json']);
  const alarm = Object.values(json.Resources as Record<string, any>).find((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.AlarmName === 'api-prod-restore-test-failed')?.Properties;
  const warning = Object.entries(json.Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::SNS::Topic' && r.Properties.TopicName === 'api-prod-warning')![0];

  test('THEN one failed RDS restore job in an hour (AWS/Backup NumberOfRestoreJobsFailed) notifies the WARNING route, and does not roll back', () => {
    expect([alarm.Namespace, alarm.MetricName, alarm.Dimensions, alarm.Statistic, alarm.Period, alarm.EvaluationPeriods, alarm.DatapointsToAlarm,
      alarm.Threshold, alarm.ComparisonOperator, alarm.TreatMissingData])
      .toEqual(['AWS/Backup', 'NumberOfRestoreJobsFailed', [{ Name: 'ResourceType', Value: 'RDS' }], 'Sum', 3600, 1, 1, 1, 'GreaterThanOrEqualToThreshold', 'notBreaching']);
    expect(alarm.AlarmActions).toEqual([{ Ref: warning }]);
    const svc = Object.values(json.Resources as Record<string, any>).find((r) => r.Type === 'AWS::ECS::Service');
    expect(svc.Properties.DeploymentConfiguration.Alarms?.AlarmNames ?? []).not.toContain('api-prod-restore-test-failed');
  });

  test('THEN its runbook lists the failed and the completed restore jobs of the plan, with the times the RTO is read from', () => {
    const runbook = files['docs/runbooks/restore-test-failed.md'];
    expect(runbook).toContain('| Severity | **WARNING** |');
    expect(runbook).toContain('The alarm exists where the environment stack has the database restore testing plan.');
    expect(runbook).toContain('plan="$(aws backup list-restore-testing-plans --region eu-west-1 --query "RestoreTestingPlans[?RestoreTestingPlanName==\'api_prod_restore_test\'].RestoreTestingPlanArn" --output text)"');
    expect(runbook).toContain('aws backup list-restore-jobs --region eu-west-1 --by-restore-testing-plan-arn "$plan" --by-status FAILED \\\n  --query \'RestoreJobs[:5].[RestoreJobId,CreationDate,RecoveryPointArn,StatusMessage]\' --output text');
    expect(runbook).toContain('aws backup list-restore-jobs --region eu-west-1 --by-restore-testing-plan-arn "$plan" --by-status COMPLETED \\\n  --query \'RestoreJobs[:5].[RestoreJobId,CreationDate,CompletionDate,ValidationStatus]\' --output text');
    // The other runbooks do not carry the backup commands.
    expect(files['docs/runbooks/backup-failures.md']).not.toContain('aws backup');
  });

  test('WHEN restoreTesting is false THEN there is neither the alarm nor its runbook', () => {
    const off = build(false);
    expect(off['infra/api-prod.template.json']).not.toContain('api-prod-restore-test-failed');
    expect(off['docs/runbooks/restore-test-failed.md']).toBeUndefined();
    expect(off['docs/runbooks/backup-failures.md']).toBeDefined();
  });
});

describe('the README and docs/database-restore.md say what the code does', () => {
  const read = (f: string) => fs.readFileSync(path.join(__dirname, '..', f), 'utf8');
  const readme = read('README.md');
  const restore = read('docs/database-restore.md');
  const paragraphs = (text: string) => text.split(/\n\s*\n/);

  test('the restore test defaults the README states are the ones the code uses', () => {
    expect(DEFAULT_RESTORE_TEST_SCHEDULE).toBe('cron(0 10 ? * SUN *)');
    expect(readme).toContain('weekly (Sunday 10:00 UTC)');
    expect(readme).toContain(`keeps it for ${DEFAULT_RESTORE_TEST_VALIDATION_HOURS} hours of validation`);
    expect(readme).toContain('| `restoreTestFailed` |');
  });

  test('the secret <service>/<env>/database is only ever named as the managedPassword: false one', () => {
    for (const [name, text] of [['README.md', readme], ['docs/database-restore.md', restore]] as const) {
      const wrong = paragraphs(text).filter((p) => p.includes('<service>/<env>/database') && !/managedPassword: false/.test(p));
      expect({ name, wrong }).toEqual({ name, wrong: [] });
    }
    expect(readme).toContain('`ManageMasterUserPassword: true`');
  });

  test('docs/database-restore.md reads the RTO with the command the runbook runs, and no longer guesses it', () => {
    const files = synthSnapshot((outdir) => shop(outdir, { extra: (m, p) => { new Database(p, 'db', { service: m.service }); } }));
    const completed = files['docs/runbooks/restore-test-failed.md'].split('\n').find((l) => l.includes('--by-status COMPLETED'))!;
    const query = completed.slice(completed.indexOf('--by-status COMPLETED'));
    expect(restore.replace(/\\\n\s*/g, '')).toContain(query.replace(/\\$/, '').trim());
    expect(restore).toContain('CreationDate`, `CompletionDate`');
    expect(restore).not.toContain('about 1 hour');
  });
});
