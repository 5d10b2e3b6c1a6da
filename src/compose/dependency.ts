import type { ComposeServiceModel } from './model';
import { ShipshapeError, problem } from '../core/errors';
import { NAME_PATTERN, NAME_RULE } from '../core/names';
import { checkOptions, keysOf } from '../core/schema';
import { LOCAL_DATABASE_PASSWORD, type DatabaseIdentity } from '../database/settings';
import { BaseImages } from '../docker/base-images';
import type { ImageRef } from '../docker/model';
import { imageString } from '../docker/render';

/** Options shared by every dependency. */
export interface DependencyOptions {
  /**
   * The compose service name, which is also the host name the app connects to.
   * @default - the kind: 'postgres', 'redis'
   */
  readonly name?: string;
  /**
   * Publish the dependency's port on 127.0.0.1, for local tools.
   * @default false
   */
  readonly publish?: boolean;
}

/** Options of {@link ComposeDependency.postgres}. */
export interface PostgresOptions extends DependencyOptions {
  /** @default { image: 'postgres', tag: '16-alpine' } */
  readonly image?: ImageRef;
  /** @default 'app' */
  readonly database?: string;
  /** @default 'app' */
  readonly user?: string;
  /**
   * A local development password. It is written to docker-compose.yml, so it must not be a real one.
   * @default 'local-dev-only-password'
   */
  readonly password?: string;
}

/** Options of {@link ComposeDependency.redis}. */
export interface RedisOptions extends DependencyOptions {
  /** @default { image: 'redis', tag: '7-alpine' } */
  readonly image?: ImageRef;
}

/** Options of {@link ComposeDependency.custom}. */
export interface CustomDependencyOptions {
  readonly name: string;
  readonly image: ImageRef;
  /** The port it listens on. */
  readonly port: number;
  /** A healthcheck command (exec form) that exists in the image. */
  readonly healthcheck: readonly string[];
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** A named volume for its data, mounted at this path. @default - none */
  readonly dataPath?: string;
  /** @default false */
  readonly publish?: boolean;
}

/**
 * A backing service for local development (a database, a cache), run next to the app in
 * docker-compose with its own healthcheck; the app waits until it is healthy.
 */
export class ComposeDependency {
  /** PostgreSQL with `pg_isready` as its healthcheck and a named data volume. */
  public static postgres(options: PostgresOptions = {}): PostgresDependency {
    checkOptions('ComposeDependency.postgres', options, keysOf<PostgresOptions>()('name', 'publish', 'image', 'database', 'user', 'password'), 'SS-COMPOSE-DEPENDENCY');
    return new PostgresDependency(options);
  }

  /** Redis with `redis-cli ping` as its healthcheck. */
  public static redis(options: RedisOptions = {}): RedisDependency {
    checkOptions('ComposeDependency.redis', options, keysOf<RedisOptions>()('name', 'publish', 'image'), 'SS-COMPOSE-DEPENDENCY');
    return new RedisDependency(options);
  }

  /** Any other image: give its port and a healthcheck command it has. */
  public static custom(options: CustomDependencyOptions): ComposeDependency {
    const known = keysOf<CustomDependencyOptions>()('name', 'image', 'port', 'healthcheck', 'environment', 'dataPath', 'publish');
    checkOptions('ComposeDependency.custom', options, known, 'SS-COMPOSE-DEPENDENCY', true);
    const o = options;
    return new ComposeDependency(o.name, o.image, o.port, o.healthcheck, o.environment ?? {}, o.dataPath, o.publish ?? false);
  }

  /** The image, pinned by tag (and digest, if you gave one). */
  public readonly image: ImageRef;

  protected constructor(
    /** The compose service name: the host name the app uses. */
    public readonly name: string,
    image: ImageRef,
    /** The port inside the compose network. */
    public readonly port: number,
    private readonly healthcheck: readonly string[],
    private readonly environment: Readonly<Record<string, string>>,
    private readonly dataPath: string | undefined,
    private readonly publish: boolean,
  ) {
    const at = `ComposeDependency '${name}'`;
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw new ShipshapeError([problem('SS-COMPOSE-DEPENDENCY', at, 'name', name, NAME_RULE)]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ShipshapeError([problem('SS-COMPOSE-DEPENDENCY', at, 'port', port, 'an integer from 1 to 65535')]);
    if (!Array.isArray(healthcheck) || healthcheck.length === 0) {
      throw new ShipshapeError([problem('SS-COMPOSE-DEPENDENCY', at, 'healthcheck', healthcheck, 'a command in exec form that exists in the image')]);
    }
    this.image = BaseImages.check(image, at, 'image');
  }

  /** The host name the app connects to. */
  public get host(): string {
    return this.name;
  }

  /** @internal */
  public _toModel(): ComposeServiceModel {
    return {
      name: this.name,
      image: imageString(this.image),
      ports: this.publish ? [{ target: this.port, published: this.port }] : [],
      environment: this.environment,
      healthcheck: { command: this.healthcheck, interval: '5s', timeout: '3s', startPeriod: '10s', retries: 10 },
      dependsOn: [],
      volumes: this.dataPath ? [{ name: `${this.name}-data`, target: this.dataPath }] : [],
    };
  }

  /** @internal Values written to the file, for the secret check. */
  public get _environment(): Readonly<Record<string, string>> {
    return this.environment;
  }
}

/**
 * A local PostgreSQL: read `host`, `port`, `database`, `user` and `password` into the app's env. A service with a
 * `Database` needs none: LocalDev runs one from the Database's major version, name and user.
 */
export class PostgresDependency extends ComposeDependency {
  /**
   * @internal The local stand-in of a Database: its major version (alpine image), name and user, a local password.
   * @param name its compose service name (default 'postgres')
   */
  public static _forDatabase(db: DatabaseIdentity, name?: string): PostgresDependency {
    return new PostgresDependency({ name, image: { image: 'postgres', tag: `${db.postgresMajorVersion}-alpine` }, database: db.databaseName, user: db.username, password: LOCAL_DATABASE_PASSWORD });
  }

  public readonly database: string;
  public readonly user: string;
  /** The local development password (never a real one). */
  public readonly password: string;

  /** @internal */
  constructor(options: PostgresOptions) {
    const database = options.database ?? 'app';
    const user = options.user ?? 'app';
    const password = options.password ?? LOCAL_DATABASE_PASSWORD;
    super(options.name ?? 'postgres', options.image ?? { image: 'postgres', tag: '16-alpine' }, 5432,
      ['pg_isready', '-U', user, '-d', database],
      { POSTGRES_DB: database, POSTGRES_PASSWORD: password, POSTGRES_USER: user },
      '/var/lib/postgresql/data', options.publish ?? false);
    this.database = database;
    this.user = user;
    this.password = password;
  }
}

/** A local Redis: read `host`, `port` or `url` into the app's env. */
export class RedisDependency extends ComposeDependency {
  /** @internal */
  constructor(options: RedisOptions) {
    super(options.name ?? 'redis', options.image ?? { image: 'redis', tag: '7-alpine' }, 6379, ['redis-cli', 'ping'], {}, undefined, options.publish ?? false);
  }

  /** `redis://<host>:6379`. */
  public get url(): string {
    return `redis://${this.host}:${this.port}`;
  }
}
