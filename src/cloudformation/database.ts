import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { DatabaseModel } from '../database/model';
import { POSTGRES_PORT, databaseSizeIn } from '../database/settings';
import type { EnvironmentModel } from '../model';
import type { ServiceWiring } from './service';

/**
 * RDS PostgreSQL in the private subnets: storage encrypted, automated backups (point-in-time
 * restore), a daily AWS Backup plan, deletion protection and retained data in production, the
 * master credentials generated into Secrets Manager (retained with the data in production). Returns what the service needs to reach it.
 */
/** What the database adds to the service, and what the service's monitoring watches. */
export interface DatabaseWiring extends Partial<ServiceWiring> {
  readonly instance: rds.DatabaseInstance;
  /** The instance class as RDS names it, for example `db.t4g.micro`. */
  readonly instanceClass: string;
  readonly backupVaultName: string;
}

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
    credentials: rds.Credentials.fromGeneratedSecret(db.username, { secretName: `${db.service}/${environment.name}/database` }),
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

  // The credentials live as long as the data: a retained production database keeps its master secret (aws-cdk-lib
  // leaves the generated secret at DESTROY whatever the instance's policy). Elsewhere the secret goes with the
  // stack; a snapshot restored later keeps its master user, whose password can be reset (docs/database-restore.md).
  // Found by the id aws-cdk-lib gives the generated secret, so the secret's logical ID, and its value, stay as they are.
  const secret = instance.node.tryFindChild('Secret');
  if (!(secret instanceof secretsmanager.Secret)) throw new Error('aws-cdk-lib no longer generates the database secret as the child "Secret" of the instance');
  secret.applyRemovalPolicy(production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
  // A retained instance still uses its parameter group: deleting the group would fail the stack's deletion
  // (RDS refuses to delete a parameter group in use), so production keeps it too, as aws-cdk-lib does the subnet group.
  if (production) {
    for (const c of instance.node.findAll()) if (c instanceof rds.CfnDBParameterGroup) c.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  const vault = new backup.BackupVault(stack, 'BackupVault', {
    backupVaultName: `${db.service}-${environment.name}`,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const plan = new backup.BackupPlan(stack, 'BackupPlan', { backupPlanName: `${db.service}-${environment.name}`, backupVault: vault });
  plan.addRule(new backup.BackupPlanRule({
    ruleName: 'Daily',
    scheduleExpression: events.Schedule.cron({ minute: '0', hour: '4' }),
    startWindow: Duration.hours(1),
    completionWindow: Duration.hours(4),
    deleteAfter: Duration.days(db.snapshotRetentionDays),
  }));
  plan.addSelection('Database', { resources: [backup.BackupResource.fromRdsDatabaseInstance(instance)] });

  return {
    instance,
    instanceClass: `db.${size.instanceType}`,
    backupVaultName: vault.backupVaultName,
    variables: {
      DATABASE_HOST: instance.dbInstanceEndpointAddress,
      DATABASE_PORT: instance.dbInstanceEndpointPort,
      DATABASE_NAME: db.databaseName,
      DATABASE_USER: db.username,
      // RDS refuses plaintext (rds.force_ssl); libpq drivers read PGSSLMODE, the local and CI containers get 'disable'.
      PGSSLMODE: 'require',
    },
    secrets: { DATABASE_PASSWORD: ecs.Secret.fromSecretsManager(instance.secret!, 'password') },
    egress: [{ peer: sg, port: POSTGRES_PORT, description: 'The service to its PostgreSQL database' }],
  };
}
