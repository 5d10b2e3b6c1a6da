import * as path from 'path';
import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { ComposeDependency, PostgresDependency } from './dependency';
import type { ComposeModel, ComposeServiceModel } from './model';
import { Problem, problem } from '../core/errors';
import { Database } from '../database/database';
import { DATABASE_PASSWORD_SECRET, DATABASE_VARIABLES, localDatabaseEnv } from '../database/settings';
import type { DockerImage } from '../docker/docker-image';
import { finalStage, instructionsOf } from '../docker/model';
import { secretKind } from '../docker/secrets';
import type { ImageModel } from '../model';
import { ModelContribution, ShipshapeConstruct } from '../shipshape';

/** Props of {@link LocalDev}. */
export interface LocalDevProps {
  /** The image to run: compose builds the same Dockerfile and target stage as production. */
  readonly image: DockerImage;
  /**
   * Backing services, each with its own healthcheck; the app starts once they are healthy. A service with a
   * `Database` gets its PostgreSQL without one (the Database's major version, name and user): do not add
   * `ComposeDependency.postgres()` for it.
   * @default []
   */
  readonly dependencies?: readonly ComposeDependency[];
  /**
   * Local development values, by the service's env names. Every secret of the service needs
   * one here (a clearly fake value); plain values default to the service's own.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The port on 127.0.0.1 that reaches the service.
   * @default - the service's port
   */
  readonly hostPort?: number;
  /**
   * Where the compose file is written.
   * @default 'docker-compose.yml'
   */
  readonly filePath?: string;
}

const schema = z.strictObject({
  image: z.custom<DockerImage>((v) => typeof v === 'object' && v !== null && 'dockerfile' in v && 'service' in v, { message: 'a DockerImage construct' }),
  dependencies: z.array(z.custom<ComposeDependency>((v) => v instanceof ComposeDependency, { message: 'a ComposeDependency, for example ComposeDependency.postgres()' })).default([]),
  env: z.record(z.string(), z.string()).default({}),
  hostPort: z.number().int({ message: 'an integer from 1 to 65535' }).min(1).max(65535).optional(),
  filePath: z.string().regex(/^(?!\/)(?!.*\.\.)[\w./-]*\.ya?ml$/, { message: "a relative path to a .yml file, such as 'docker-compose.yml'" }).default('docker-compose.yml'),
});

/**
 * Local development that mirrors production: a docker-compose.yml that builds the image's
 * Dockerfile and target stage, publishes the service's port on 127.0.0.1, keeps its healthcheck
 * and env names (with local values), and starts each dependency first, until healthy.
 */
export class LocalDev extends ShipshapeConstruct {
  public readonly image: DockerImage;
  public readonly filePath: string;
  private readonly props: z.output<typeof schema>;

  constructor(scope: IConstruct, id: string, props: LocalDevProps) {
    super(scope, id);
    this.props = this.parse(schema, props, 'SS-COMPOSE');
    this.image = this.props.image;
    this.filePath = this.props.filePath;
  }

  /** The Database of the image's service, if it has one: LocalDev runs its local stand-in and sets its variables. */
  private get database(): Database | undefined {
    return this.shipshape.membersOf(Database).find((d) => d.service === this.image.service);
  }

  /** @internal */
  public _validate(): Problem[] {
    const problems: Problem[] = [];
    const service = this.image.service;
    const names = Object.keys(service.env);
    const database = this.database;
    const fromDatabase: readonly string[] = [...DATABASE_VARIABLES, DATABASE_PASSWORD_SECRET];
    for (const [name, value] of Object.entries(this.props.env)) {
      if (database && fromDatabase.includes(name)) {
        problems.push(problem('SS-COMPOSE-DATABASE', this.constructPath, `env.${name}`, name, `a name the database does not set (${fromDatabase.join(', ')} come from ${database.constructPath})`,
          `Remove '${name}': LocalDev points it at the local PostgreSQL it runs for ${database.constructPath}.`));
      } else if (!names.includes(name)) {
        problems.push(problem('SS-COMPOSE-ENV', this.constructPath, `env.${name}`, name, `one of the service's env names (${names.join(', ') || 'none declared'})`,
          `Declare it on the Service (${service.constructPath}) first, so production and local development use the same names.`));
      }
      const kind = secretKind(value);
      if (kind) problems.push(problem('SS-COMPOSE-SECRET', this.constructPath, `env.${name}`, `${kind} (value hidden)`, 'a local development value, never a real secret'));
    }
    for (const [name, v] of Object.entries(service.env)) {
      const inherited = this.props.env[name] === undefined && v.value !== undefined ? secretKind(v.value) : undefined;
      if (inherited) {
        problems.push(problem('SS-COMPOSE-SECRET', this.constructPath, `env.${name}`, `${inherited} (value hidden), the service's own value`, 'a local development value, never a real secret',
          `Make '${name}' a secret reference on ${service.constructPath}, and give LocalDev a local value.`));
      }
      if (v.secret !== undefined && this.props.env[name] === undefined) {
        problems.push(problem('SS-COMPOSE-ENV', this.constructPath, `env.${name}`, undefined, 'a local development value for this secret',
          `The service reads '${name}' from secret '${v.secret}'; compose never sees real secrets, so give a clearly local value, e.g. env: { ${name}: postgres.password }.`));
      }
    }
    const seen = new Set<string>([service.name]);
    if (database) seen.add(PostgresDependency._forDatabase(database.settings).name);
    for (const d of this.props.dependencies) {
      if (database && d instanceof PostgresDependency) {
        // One database, declared once: a second PostgreSQL would either repeat the Database's settings or contradict them.
        problems.push(problem('SS-COMPOSE-DATABASE', this.constructPath, 'dependencies', `ComposeDependency.postgres() named ${d.name}`,
          `no PostgreSQL dependency: ${database.constructPath} provides it (postgres:${database.settings.postgresMajorVersion}-alpine, database '${database.settings.databaseName}', user '${database.settings.username}')`,
          'Remove ComposeDependency.postgres(): LocalDev runs the Database\'s own version, name and user. For an unrelated second PostgreSQL, use ComposeDependency.custom().'));
        continue;
      }
      if (seen.has(d.name)) problems.push(problem('SS-COMPOSE-DEPENDENCY', this.constructPath, 'dependencies', d.name, 'a compose service name used once (and not the service\'s own name)'));
      seen.add(d.name);
      for (const [k, value] of Object.entries(d._environment)) {
        const kind = secretKind(value);
        if (kind) problems.push(problem('SS-COMPOSE-SECRET', this.constructPath, `dependencies.${d.name}.${k}`, `${kind} (value hidden)`, 'a local development value, never a real secret'));
      }
    }
    return problems;
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const image = this.image._contribute().model as ImageModel;
    const service = this.image.service;
    const final = finalStage(image.dockerfile)!;
    const check = instructionsOf(final, 'healthcheck')[0]?.check;
    const environment: Record<string, string> = {};
    for (const [name, v] of Object.entries(service.env)) {
      const local = this.props.env[name] ?? v.value;
      if (local !== undefined) environment[name] = local;
    }
    const database = this.database;
    const local = database ? PostgresDependency._forDatabase(database.settings) : undefined;
    // The same DATABASE_* names as in ECS, pointing at the local PostgreSQL (plaintext: PGSSLMODE=disable).
    if (database && local) Object.assign(environment, localDatabaseEnv(database.settings, local.host));
    // The container is told its port, as the image and the task definition tell it (a scheduled job has none).
    const port = 'port' in service ? service.port : undefined;
    if (port !== undefined) environment.PORT = String(port);
    const deps = [...(local ? [local] : []), ...this.props.dependencies].map((d) => d._toModel());
    const context = image.contextPath;
    const app: ComposeServiceModel = {
      name: service.name,
      build: { context, dockerfile: path.posix.relative(context, image.dockerfilePath), target: final.name },
      init: true,
      ports: port === undefined ? [] : [{ target: port, published: this.props.hostPort ?? port }],
      environment,
      ...(check ? { healthcheck: check } : {}),
      dependsOn: deps.map((d) => d.name),
      volumes: [],
    };
    const model: ComposeModel = {
      path: this.constructPath,
      filePath: this.filePath,
      projectName: this.project.name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-'),
      services: [app, ...deps],
    };
    return { kind: 'composes', model };
  }
}
