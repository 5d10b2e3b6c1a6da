import { z } from 'zod';
import { parseProps } from '../core/schema';
import { LOCAL_DATABASE_PASSWORD, POSTGRES_PORT, localDatabaseEnv, type DatabaseIdentity } from '../database/settings';

/** A service container as GitHub Actions declares it under `jobs.<id>.services`. */
export interface ServiceContainerModel {
  /** Which preset made it (`database`: the stand-in of the pipeline service's Database). */
  readonly kind: 'postgres' | 'redis' | 'custom' | 'database';
  readonly image: string;
  readonly ports: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** `docker create` options: the health options live here so the job waits for a healthy container. */
  readonly options: string;
  /** Environment variables the test command receives to reach the container. */
  readonly connection: Readonly<Record<string, string>>;
}

/** Options of {@link ServiceContainer.custom}. */
export interface CustomServiceContainerOptions {
  /** The image with a tag, for example `mysql:8.4`. */
  readonly image: string;
  /** `host:container` port mappings. */
  readonly ports: readonly string[];
  /** A command that exits 0 when the container is ready; Docker runs it as the health check. */
  readonly healthCmd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Variables handed to the test command, for example `{ DATABASE_URL: '...' }`. @default {} */
  readonly connection?: Readonly<Record<string, string>>;
}

const image = z.string().regex(/^[\w./-]+:(?!latest$)[\w.-]+(@sha256:[0-9a-f]{64})?$/, { message: "an image with a tag other than 'latest', for example 'postgres:17'" });
const customSchema = z.strictObject({
  image,
  ports: z.array(z.string().regex(/^\d{1,5}(:\d{1,5})?$/, { message: "a port mapping such as '5432:5432'" })).min(1),
  healthCmd: z.string().min(1).refine((c) => !c.includes('"'), { message: 'a command without double quotes' }),
  env: z.record(z.string(), z.string()).optional(),
  connection: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'an UPPER_SNAKE_CASE variable name' }), z.string()).default({}),
});

const health = (cmd: string) => `--health-cmd "${cmd}" --health-interval 5s --health-timeout 5s --health-retries 10`;

/**
 * A database or cache the integration tests talk to, started by GitHub Actions next
 * to the job. Each preset carries Docker health options, so steps start only once it is ready.
 */
export class ServiceContainer {
  /**
   * PostgreSQL, reachable at `DATABASE_URL` (trust authentication: no password in the workflow). A pipeline whose
   * service has a `Database` needs none: its integration job runs the Database's own version, name and user.
   */
  public static postgres(options: { readonly image?: string } = {}): ServiceContainer {
    const o = parseProps(z.strictObject({ image: image.default('postgres:17') }), options, 'ServiceContainer.postgres', 'SS-SERVICE-CONTAINER');
    return new ServiceContainer({
      kind: 'postgres',
      image: o.image,
      ports: ['5432:5432'],
      env: { POSTGRES_HOST_AUTH_METHOD: 'trust' },
      options: health('pg_isready -U postgres'),
      connection: { DATABASE_URL: 'postgres://postgres@localhost:5432/postgres' },
    });
  }

  /** Redis, reachable at `REDIS_URL`. */
  public static redis(options: { readonly image?: string } = {}): ServiceContainer {
    const o = parseProps(z.strictObject({ image: image.default('redis:7') }), options, 'ServiceContainer.redis', 'SS-SERVICE-CONTAINER');
    return new ServiceContainer({
      kind: 'redis',
      image: o.image,
      ports: ['6379:6379'],
      options: health('redis-cli ping'),
      connection: { REDIS_URL: 'redis://localhost:6379' },
    });
  }

  /** Any other container, with its own health command. */
  public static custom(options: CustomServiceContainerOptions): ServiceContainer {
    const o = parseProps(customSchema, options, 'ServiceContainer.custom', 'SS-SERVICE-CONTAINER');
    return new ServiceContainer({ kind: 'custom', image: o.image, ports: o.ports, env: o.env, options: health(o.healthCmd), connection: o.connection });
  }

  /**
   * @internal The CI stand-in of a Database, which the integration job gets on its own: `postgres:<major>` with the Database's
   * name and user and a clearly local password, and the same DATABASE_* variables as in ECS (PGSSLMODE=disable: no TLS).
   */
  public static _forDatabase(db: DatabaseIdentity): ServiceContainer {
    return new ServiceContainer({
      kind: 'database',
      image: `postgres:${db.postgresMajorVersion}`,
      ports: [`${POSTGRES_PORT}:${POSTGRES_PORT}`],
      env: { POSTGRES_DB: db.databaseName, POSTGRES_USER: db.username, POSTGRES_PASSWORD: LOCAL_DATABASE_PASSWORD },
      options: health(`pg_isready -U ${db.username} -d ${db.databaseName}`),
      connection: localDatabaseEnv(db, 'localhost'),
    });
  }

  private constructor(
    /** The container as plain data. */
    public readonly model: ServiceContainerModel,
  ) {}

  /** The `services.<name>` entry of a job. */
  public toWorkflow(): Record<string, unknown> {
    const m = this.model;
    return { image: m.image, ports: [...m.ports], ...(m.env ? { env: { ...m.env } } : {}), options: m.options };
  }
}
