import { Duration, Fn, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { backupVaultName, databaseSecretName, restoreTestingPlanName } from '../core/naming';
import type { DatabaseModel } from '../database/model';
import { POSTGRES_PORT, databaseSizeIn } from '../database/settings';
import type { EnvironmentModel } from '../model';
import type { ServiceWiring } from './service';

/** What the database adds to the service, and what the service's monitoring watches. */
export interface DatabaseWiring extends Partial<ServiceWiring> {
  readonly instance: rds.DatabaseInstance;
  /** The instance class as RDS names it, for example `db.t4g.micro`. */
  readonly instanceClass: string;
  readonly backupVaultName: string;
  /** The restore testing plan's name, when the database's restores are tested. */
  readonly restoreTestingPlanName?: string;
}

/**
 * RDS PostgreSQL in the private subnets: storage encrypted, automated backups (point-in-time
 * restore), a daily AWS Backup plan and a weekly restore test of it, deletion protection and retained data in
 * production, the master password managed and rotated by RDS in Secrets Manager (or, with `managedPassword: false`,
 * a secret of the stack's own, retained with the data in production). Returns what the service needs to reach it.
 */
export function buildDatabase(stack: Stack, vpc: ec2.IVpc, db: DatabaseModel, environment: EnvironmentModel): DatabaseWiring {
  const production = environment.infrastructure.production;
  const size = databaseSizeIn(db, environment.name);
  const sg = new ec2.SecurityGroup(stack, 'DatabaseSecurityGroup', {
    vpc,
    description: `${db.service} database: PostgreSQL from the service tasks only`,
    allowAllOutbound: false,
  });
  const instance = new rds.DatabaseInstance(stack, 'Database', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of(db.postgresVersion, db.postgresMajorVersion) }),
    instanceType: new ec2.InstanceType(size.instanceType),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [sg],
    port: POSTGRES_PORT,
    databaseName: db.databaseName,
    // Managed: RDS creates the secret (named rds!db-<id>), rotates it every 7 days and deletes it with the instance;
    // no AWS::SecretsManager::Secret is in the template. Otherwise a secret of the stack's own, never rotated.
    ...(db.managedPassword
      ? { credentials: rds.Credentials.fromUsername(db.username), manageMasterUserPassword: true }
      : { credentials: rds.Credentials.fromGeneratedSecret(db.username, { secretName: databaseSecretName(db.service, environment.name) }) }),
    storageEncrypted: true,
    storageType: rds.StorageType.GP3,
    allocatedStorage: size.allocatedStorageGiB,
    maxAllocatedStorage: size.maxAllocatedStorageGiB,
    multiAz: db.multiAz ?? production,
    backupRetention: Duration.days(db.backupRetentionDays),
    preferredBackupWindow: '02:00-03:00',
    preferredMaintenanceWindow: 'sun:03:30-sun:04:30',
    deletionProtection: production,
    removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.SNAPSHOT,
    autoMinorVersionUpgrade: true,
    publiclyAccessible: false,
    copyTagsToSnapshot: true,
    cloudwatchLogsExports: ['postgresql', 'upgrade'],
    enablePerformanceInsights: true,
    iamAuthentication: false,
    parameters: { 'rds.force_ssl': '1' },
  });

  // The credentials live as long as the data. A managed secret belongs to the instance: RDS deletes it with the
  // instance, so the instance's own policy (retained, with deletion protection, in production) keeps it. The stack's
  // own secret (managedPassword: false) is left at DESTROY by aws-cdk-lib whatever the instance's policy, so a
  // retained production database gets a retained secret here. Elsewhere the secret goes with the stack; a snapshot
  // restored later keeps its master user, whose password can be reset (docs/database-restore.md).
  if (!db.managedPassword) {
    const secret = instance.node.findAll().find((c): c is secretsmanager.Secret => c instanceof secretsmanager.Secret);
    secret?.applyRemovalPolicy(production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
  }
  // A retained instance still uses its parameter group: deleting the group would fail the stack's deletion
  // (RDS refuses to delete a parameter group in use), so production keeps it too, as aws-cdk-lib does the subnet group.
  if (production) {
    for (const c of instance.node.findAll()) if (c instanceof rds.CfnDBParameterGroup) c.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  const vault = new backup.BackupVault(stack, 'BackupVault', {
    backupVaultName: backupVaultName(db.service, environment.name),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const plan = new backup.BackupPlan(stack, 'BackupPlan', { backupPlanName: backupVaultName(db.service, environment.name), backupVault: vault });
  plan.addRule(new backup.BackupPlanRule({
    ruleName: 'Daily',
    scheduleExpression: events.Schedule.cron({ minute: '0', hour: '4' }),
    startWindow: Duration.hours(1),
    completionWindow: Duration.hours(4),
    deleteAfter: Duration.days(db.snapshotRetentionDays),
  }));
  plan.addSelection('Database', { resources: [backup.BackupResource.fromRdsDatabaseInstance(instance)] });
  const restoreTesting = db.restoreTesting ? buildRestoreTesting(stack, { db, environment, vault, instance, sg, instanceClass: `db.${size.instanceType}` }) : undefined;

  return {
    instance,
    instanceClass: `db.${size.instanceType}`,
    backupVaultName: vault.backupVaultName,
    restoreTestingPlanName: restoreTesting,
    variables: {
      DATABASE_HOST: instance.dbInstanceEndpointAddress,
      DATABASE_PORT: instance.dbInstanceEndpointPort,
      DATABASE_NAME: db.databaseName,
      DATABASE_USER: db.username,
      // RDS refuses plaintext (rds.force_ssl); libpq drivers read PGSSLMODE, the local and CI containers get 'disable'.
      PGSSLMODE: 'require',
    },
    // Managed: the secret RDS created, by its ARN (MasterUserSecret.SecretArn); either way the `password` field.
    secrets: { DATABASE_PASSWORD: ecs.Secret.fromSecretsManager(instance.secret!, 'password') },
    egress: [{ peer: sg, port: POSTGRES_PORT, description: 'The service to its PostgreSQL database' }],
  };
}

interface RestoreTestingParts {
  readonly db: DatabaseModel;
  readonly environment: EnvironmentModel;
  readonly vault: backup.IBackupVault;
  readonly instance: rds.DatabaseInstance;
  readonly sg: ec2.ISecurityGroup;
  readonly instanceClass: string;
}

/**
 * AWS Backup restore testing ("Restore testing", AWS Backup Developer Guide): on the schedule, the latest snapshot of
 * the database's vault taken in the last 7 days is restored to a new instance, kept `validationHours`, then deleted
 * by AWS Backup. Returns the plan's name.
 */
function buildRestoreTesting(stack: Stack, p: RestoreTestingParts): string {
  const testing = p.db.restoreTesting as Exclude<DatabaseModel['restoreTesting'], false>;
  const name = restoreTestingPlanName(p.db.service, p.environment.name);
  const plan = new backup.CfnRestoreTestingPlan(stack, 'RestoreTestingPlan', {
    restoreTestingPlanName: name,
    scheduleExpression: testing.schedule,
    startWindowHours: 4,
    recoveryPointSelection: {
      algorithm: 'LATEST_WITHIN_WINDOW',
      includeVaults: [p.vault.backupVaultArn],
      // The AWS Backup plan's daily snapshots (continuous backup is not enabled on the plan).
      recoveryPointTypes: ['SNAPSHOT'],
      selectionWindowDays: 7,
    },
  });
  // The role AWS Backup restores with: AWS documents AWSBackupServiceRolePolicyForRestores as the permissions for
  // restores ("Default service role for AWS Backup", "AWS managed policies for AWS Backup").
  const role = new iam.Role(stack, 'RestoreTestingRole', {
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    description: `AWS Backup restore tests of the ${p.db.service} database in ${p.environment.name}`,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores')],
  });
  const subnetGroup = p.instance.node.findAll().find((c): c is rds.CfnDBSubnetGroup => c instanceof rds.CfnDBSubnetGroup);
  new backup.CfnRestoreTestingSelection(stack, 'RestoreTestingSelection', {
    // The plan's Ref (its name): CloudFormation creates the plan first.
    restoreTestingPlanName: plan.restoreTestingPlanRef.restoreTestingPlanName,
    restoreTestingSelectionName: 'database',
    protectedResourceType: 'RDS',
    protectedResourceArns: [p.instance.instanceArn],
    iamRoleArn: role.roleArn,
    validationWindowHours: testing.validationHours,
    // Restore metadata keys (case-insensitive; "Restore testing inferred metadata"): the restored instance goes in the
    // database's own private subnets and security group (not the default VPC, which may not exist) and size.
    restoreMetadataOverrides: {
      dbInstanceClass: p.instanceClass,
      ...(subnetGroup ? { dbSubnetGroupName: subnetGroup.ref } : {}),
      vpcSecurityGroupIds: Fn.toJsonString([p.sg.securityGroupId]),
    },
  });
  return name;
}
