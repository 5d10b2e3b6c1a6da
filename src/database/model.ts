import type { DatabaseSize } from './settings';

/** The plain-data form of a database. */
export interface DatabaseModel {
  readonly path: string;
  readonly id: string;
  readonly service: string;
  readonly databaseName: string;
  readonly username: string;
  /** The exact engine version the templates name, for example '17.9'. */
  readonly postgresVersion: string;
  /** Its major version, for example '17' (the parameter group family is `postgres<major>`). */
  readonly postgresMajorVersion: string;
  readonly instanceType: string;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly backupRetentionDays: number;
  readonly snapshotRetentionDays: number;
  /** Undefined: follow the environment (multi-AZ in production). */
  readonly multiAz?: boolean;
  /** Per-environment sizes over the ones above (read them with {@link databaseSizeIn}). */
  readonly environments: Readonly<Record<string, DatabaseSize>>;
  /** RDS manages the master password in Secrets Manager (and rotates it); false: the stack's own secret. */
  readonly managedPassword: boolean;
  /** The AWS Backup restore test, or false for none. */
  readonly restoreTesting: RestoreTestingModel | false;
}

/** A database's restore test: when it starts and how long the restored instance is kept. */
export interface RestoreTestingModel {
  readonly schedule: string;
  readonly validationHours: number;
}
