import type { IConstruct } from 'constructs';
import { z } from 'zod';
import type { DatabaseModel } from './model';
import { POSTGRES_MINOR_VERSION_LIST, POSTGRES_VERSIONS, resolvePostgresVersion } from './postgres-versions';
import { DATABASE_PASSWORD_SECRET, DATABASE_VARIABLES, DEFAULT_RESTORE_TEST_SCHEDULE, DEFAULT_RESTORE_TEST_VALIDATION_HOURS, databaseSizeIn, type DatabaseSize } from './settings';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Problem, problem } from '../core/errors';
import { Environment } from '../environment/environment';
import { Service } from '../service/service';

export { DATABASE_PASSWORD_SECRET, DATABASE_VARIABLES, LOCAL_DATABASE_PASSWORD, type DatabaseIdentity, type DatabaseSize } from './settings';
export { POSTGRES_MINOR_VERSIONS, POSTGRES_VERSIONS } from './postgres-versions';

/** Props of a {@link Database}. */
export interface DatabaseProps {
  /**
   * The service that uses the database: it gets DATABASE_HOST/PORT/NAME/USER, PGSSLMODE and the DATABASE_PASSWORD secret in
   * ECS, and the same names in docker-compose (LocalDev) and the CI integration job, which run this major version.
   */
  readonly service: Service;
  /**
   * The database's name inside PostgreSQL.
   * @default - the service name with dashes turned into underscores
   */
  readonly databaseName?: string;
  /**
   * The master user's name; its password is kept in AWS Secrets Manager (see `managedPassword`).
   * @default 'app'
   */
  readonly username?: string;
  /**
   * A PostgreSQL major version ('15', '16', '17'), which the templates pin to its newest minor version in
   * {@link POSTGRES_MINOR_VERSIONS}, or one of those minor versions, for example '17.6'. Newer minor
   * versions are applied by RDS in the maintenance window (`AutoMinorVersionUpgrade`).
   * @default '17' (17.9)
   */
  readonly postgresVersion?: string;
  /** @default 't4g.micro' */
  readonly instanceType?: string;
  /** @default 20 */
  readonly allocatedStorageGiB?: number;
  /**
   * Storage autoscaling ceiling.
   * @default 100
   */
  readonly maxAllocatedStorageGiB?: number;
  /**
   * Days of RDS automated backups (point-in-time restore window).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Days AWS Backup keeps the daily snapshots of its backup plan.
   * @default 35
   */
  readonly snapshotRetentionDays?: number;
  /**
   * A standby in a second availability zone.
   * @default - true in production environments
   */
  readonly multiAz?: boolean;
  /**
   * Sizes per environment, by environment name, over the database's own `instanceType` and storage; for example
   * `{ prod: { instanceType: 'm7g.large', allocatedStorageGiB: 100 } }`. ProdParity treats sizes as a knob.
   * @default {}
   */
  readonly environments?: Readonly<Record<string, DatabaseSize>>;
  /**
   * Whether RDS manages the master password in AWS Secrets Manager (`ManageMasterUserPassword`): RDS creates the
   * secret, rotates it every 7 days, and deletes it with the instance. The service reads its `password` field by
   * reference. False: a secret of the stack's own (`<service>/<env>/database`), not rotated.
   * @default true
   */
  readonly managedPassword?: boolean;
  /**
   * AWS Backup restore testing: on a schedule, the latest snapshot of the database's backup vault is restored to a new
   * instance, kept for `validationHours`, then deleted by AWS Backup; a failed restore raises the WARNING alarm
   * `restore-test-failed` (with a Monitoring). False: no restore testing.
   * @default { schedule: 'cron(0 10 ? * SUN *)', validationHours: 2 } (weekly, Sunday 10:00 UTC)
   */
  readonly restoreTesting?: RestoreTestingProps | false;
}

/** How a {@link Database}'s restores are tested. */
export interface RestoreTestingProps {
  /**
   * When a restore test starts: an EventBridge Scheduler `cron(...)` or `rate(...)` expression, in UTC.
   * @default 'cron(0 10 ? * SUN *)' (weekly, Sunday 10:00 UTC, after the daily 04:00 backup)
   */
  readonly schedule?: string;
  /**
   * Hours the restored instance is kept for validation before AWS Backup deletes it (0 to 168).
   * @default 2
   */
  readonly validationHours?: number;
}

const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "an RDS instance type without the 'db.' prefix, for example 't4g.micro'" });
const storage = z.number().int().min(20).max(65536);

const schema = z.strictObject({
  service: z.custom<Service>((v) => v instanceof Service, { message: 'a Service' }),
  databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, { message: 'a PostgreSQL identifier: lowercase letters, digits, underscores' }),
  username: z.string().regex(/^[a-z][a-z0-9_]{0,15}$/, { message: 'a lowercase user name of at most 16 characters' })
    .refine((u) => !['postgres', 'admin', 'rdsadmin'].includes(u), { message: "a user name RDS does not reserve (not 'postgres', 'admin' or 'rdsadmin')" })
    .default('app'),
  postgresVersion: z.string().refine((v) => (POSTGRES_VERSIONS as readonly string[]).includes(v) || POSTGRES_MINOR_VERSION_LIST.includes(v), {
    message: `a PostgreSQL major version (${POSTGRES_VERSIONS.map((v) => `'${v}'`).join(', ')}) or a minor version RDS still creates instances with (${POSTGRES_MINOR_VERSION_LIST.join(', ')})`,
  }).default('17'),
  instanceType: instanceType.default('t4g.micro'),
  allocatedStorageGiB: storage.default(20),
  maxAllocatedStorageGiB: storage.default(100),
  backupRetentionDays: z.number().int().min(1).max(35).default(7),
  snapshotRetentionDays: z.number().int().min(1).max(36500).default(35),
  multiAz: z.boolean().optional(),
  environments: z.record(z.string(), z.strictObject({
    instanceType: instanceType.optional(),
    allocatedStorageGiB: storage.optional(),
    maxAllocatedStorageGiB: storage.optional(),
  })).default({}),
  managedPassword: z.boolean().default(true),
  restoreTesting: z.union([z.literal(false), z.strictObject({
    schedule: z.string().regex(/^(cron\([^()]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/, {
      message: "a schedule expression: 'cron(minutes hours day-of-month month day-of-week year)' or 'rate(<n> hours|days)'",
    }).default(DEFAULT_RESTORE_TEST_SCHEDULE),
    validationHours: z.number().int().min(0).max(168).default(DEFAULT_RESTORE_TEST_VALIDATION_HOURS),
  })]).default({ schedule: DEFAULT_RESTORE_TEST_SCHEDULE, validationHours: DEFAULT_RESTORE_TEST_VALIDATION_HOURS }),
}).refine((p) => p.maxAllocatedStorageGiB >= p.allocatedStorageGiB, { message: 'at least allocatedStorageGiB', path: ['maxAllocatedStorageGiB'] }) satisfies z.ZodType<unknown, DatabaseProps>;

/**
 * A managed PostgreSQL database (Amazon RDS) for one service, in every environment: encrypted,
 * with automated backups and an AWS Backup plan, deletion protection in production, and its
 * credentials in AWS Secrets Manager, wired to the service's container.
 */
export class Database extends ShipshapeConstruct {
  public readonly service: Service;
  private readonly props: Omit<DatabaseModel, 'path' | 'id' | 'service'>;

  constructor(scope: IConstruct, id: string, props: DatabaseProps) {
    super(scope, id);
    const p = this.parse(schema, { databaseName: props?.service?.name?.replace(/-/g, '_'), ...this.propsObject(props, 'SS-DATABASE-PROPS') }, 'SS-DATABASE');
    this.service = p.service;
    const { service: _service, postgresVersion, ...rest } = p;
    const resolved = resolvePostgresVersion(postgresVersion);
    this.props = { ...rest, postgresVersion: resolved.version, postgresMajorVersion: resolved.major };
  }

  /** Whether `multiAz` was left to its default, which follows each environment's production flag. */
  public get multiAzFollowsEnvironment(): boolean {
    return this.props.multiAz === undefined;
  }

  /** Whether the database has a standby in `env` (explicit, or because the environment is production). */
  public multiAzIn(env: Environment): boolean {
    return this.props.multiAz ?? env.production;
  }

  /** The database's settings, as plain data (the same as its model). */
  public get settings(): DatabaseModel {
    return { path: this.constructPath, id: this.node.id, service: this.service.name, ...this.props };
  }

  /** The instance type and storage in `env`. */
  public sizeIn(env: Environment): Required<DatabaseSize> {
    return databaseSizeIn(this.props, env.name);
  }

  /** @internal */
  public _validate(): Problem[] {
    const problems: Problem[] = [];
    const others = this.shipshape.membersOf(Database).filter((d) => d.service === this.service);
    if (others[0] !== this) {
      problems.push(problem('SS-DATABASE-DUPLICATE', this.constructPath, 'service', this.service.name, `a service without another database (already used by ${others[0].constructPath})`));
    }
    const reserved: string[] = [...DATABASE_VARIABLES, DATABASE_PASSWORD_SECRET];
    const expected = () => `a name the database does not set (${reserved.join(', ')} come from ${this.constructPath})`;
    for (const env of this.shipshape.membersOf(Environment)) {
      for (const name of [...Object.keys(env.variables), ...Object.keys(env.secrets)].filter((n) => reserved.includes(n))) {
        problems.push(problem('SS-DATABASE-VARIABLE', env.constructPath, name, name, expected()));
      }
    }
    for (const name of Object.keys(this.service.env).filter((n) => reserved.includes(n))) {
      problems.push(problem('SS-DATABASE-VARIABLE', this.service.constructPath, `env.${name}`, name, expected(),
        `Remove '${name}' from the Service's env: ${this.constructPath} gives it in ECS, docker-compose and the CI integration job.`));
    }
    const names = this.shipshape.membersOf(Environment).map((e) => e.name);
    for (const name of Object.keys(this.props.environments).filter((n) => !names.includes(n))) {
      problems.push(problem('SS-DATABASE-ENVIRONMENT', this.constructPath, `environments.${name}`, name, `the name of a declared environment (${names.join(', ') || 'none declared'})`));
    }
    for (const name of Object.keys(this.props.environments)) {
      const size = databaseSizeIn(this.props, name);
      if (size.maxAllocatedStorageGiB < size.allocatedStorageGiB) {
        problems.push(problem('SS-DATABASE-ENVIRONMENT', this.constructPath, `environments.${name}.maxAllocatedStorageGiB`, size.maxAllocatedStorageGiB,
          `at least allocatedStorageGiB in ${name} (${size.allocatedStorageGiB})`));
      }
    }
    return problems;
  }

  /** @internal */
  public _contribute(): ModelContribution {
    return { kind: 'databases', model: this.settings };
  }
}
