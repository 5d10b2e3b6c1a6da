// The settings a database shares with the local and CI containers, apart from the construct (for the builders and renderers).

/**
 * The environment variables a database gives its service, in ECS, docker-compose and the CI integration job alike.
 * `PGSSLMODE` is libpq's own variable (psycopg and other libpq drivers read it; node-postgres reads it too): `require`
 * on AWS, where RDS refuses plaintext, `disable` against the local and CI containers, which serve no TLS.
 */
export const DATABASE_VARIABLES = ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'PGSSLMODE'] as const;
/** The secret environment variable holding the database password. */
export const DATABASE_PASSWORD_SECRET = 'DATABASE_PASSWORD';
/** The password of the local (compose) and CI databases: written into files, so clearly not a real one. */
export const LOCAL_DATABASE_PASSWORD = 'local-dev-only-password';
/** When a Database's restore test starts by default: weekly, Sunday 10:00 UTC (after the daily 04:00 backup and its 4-hour completion window). */
export const DEFAULT_RESTORE_TEST_SCHEDULE = 'cron(0 10 ? * SUN *)';
/** Hours a restored test instance is kept by default before AWS Backup deletes it. */
export const DEFAULT_RESTORE_TEST_VALIDATION_HOURS = 2;
/** The port PostgreSQL listens on, in RDS and in the containers. */
export const POSTGRES_PORT = 5432;

/** What the local and CI containers take from a Database: its major version, name and user. */
export interface DatabaseIdentity {
  readonly postgresMajorVersion: string;
  readonly databaseName: string;
  readonly username: string;
}

/**
 * What the app reads to reach a local or CI database (no TLS there): the same names it gets in ECS.
 * @param host the compose service name, or `localhost` for a GitHub Actions service container
 */
export function localDatabaseEnv(db: Pick<DatabaseIdentity, 'databaseName' | 'username'>, host: string): Record<string, string> {
  return {
    DATABASE_HOST: host,
    DATABASE_PORT: String(POSTGRES_PORT),
    DATABASE_NAME: db.databaseName,
    DATABASE_USER: db.username,
    DATABASE_PASSWORD: LOCAL_DATABASE_PASSWORD,
    PGSSLMODE: 'disable',
  };
}

/** The size of a database in one environment. */
export interface DatabaseSize {
  /** An RDS instance type without the 'db.' prefix. @default - the database's own */
  readonly instanceType?: string;
  /** @default - the database's own */
  readonly allocatedStorageGiB?: number;
  /** Storage autoscaling ceiling. @default - the database's own */
  readonly maxAllocatedStorageGiB?: number;
}

/** A database's own sizes and its per-environment ones. */
export interface DatabaseSizes {
  readonly instanceType: string;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly environments: Readonly<Record<string, DatabaseSize>>;
}

/** The instance type and storage of a database in one environment: its per-environment size over its own. */
export function databaseSizeIn(db: DatabaseSizes, environment: string): Required<DatabaseSize> {
  const o = db.environments[environment] ?? {};
  return {
    instanceType: o.instanceType ?? db.instanceType,
    allocatedStorageGiB: o.allocatedStorageGiB ?? db.allocatedStorageGiB,
    maxAllocatedStorageGiB: o.maxAllocatedStorageGiB ?? db.maxAllocatedStorageGiB,
  };
}
