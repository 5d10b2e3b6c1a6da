import * as path from 'path';
import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { composeServices, type ComposeEntry } from './assemble';
import { ComposeDependency, PostgresDependency } from './dependency';
import type { ComposeModel } from './model';
import { composeWorkloads, type ComposeWorkload } from './workloads';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Problem, problem } from '../core/errors';
import { serviceUrl } from '../core/naming';
import { Database } from '../database/database';
import { DATABASE_PASSWORD_SECRET, DATABASE_VARIABLES } from '../database/settings';
import { DockerImage } from '../docker/docker-image';
import { secretKind } from '../docker/secrets';
import type { ImageModel } from '../model';

/** Props of {@link LocalDev}. */
export interface LocalDevProps {
  /**
   * One workload only: shorthand for `images: [image]`.
   * @default - see `images`
   */
  readonly image?: DockerImage;
  /**
   * The workloads to run, by their images: one compose service each, named by the workload (so
   * `http://<name>:<port>` reaches a service as Service Connect does in AWS), built from its own Dockerfile, context
   * and target stage, as in production.
   * @default - every DockerImage of the project
   */
  readonly images?: readonly DockerImage[];
  /**
   * Backing services, each with its own healthcheck; every workload starts once they are healthy. A service with a
   * `Database` gets its PostgreSQL without one (the Database's major version, name and user): do not add
   * `ComposeDependency.postgres()` for it.
   * @default []
   */
  readonly dependencies?: readonly ComposeDependency[];
  /**
   * Local development values, by workload name, then by the workload's env names:
   * `{ api: { PAYMENTS_API_KEY: 'local-fake-key' } }`. Every secret of a workload needs one (a clearly fake value);
   * plain values default to the workload's own. With one workload, the env names may be given directly:
   * `{ PAYMENTS_API_KEY: 'local-fake-key' }`.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  /**
   * The port on 127.0.0.1 that reaches each public service, by service name (`{ web: 8080, admin: 8081 }`); with one
   * public service, a number. Internal services, workers and jobs publish none.
   * @default - each public service's own port
   */
  readonly hostPort?: number | Readonly<Record<string, number>>;
  /**
   * Where the compose file is written.
   * @default 'docker-compose.yml'
   */
  readonly filePath?: string;
}

const imageSchema = z.custom<DockerImage>((v) => typeof v === 'object' && v !== null && 'dockerfile' in v && 'service' in v, { message: 'a DockerImage construct' });
const portSchema = z.number().int({ message: 'an integer from 1 to 65535' }).min(1).max(65535);
const schema = z.strictObject({
  image: imageSchema.optional(),
  images: z.array(imageSchema).min(1, { message: 'at least one DockerImage (leave images out to run every one)' }).optional(),
  dependencies: z.array(z.custom<ComposeDependency>((v) => v instanceof ComposeDependency, { message: 'a ComposeDependency, for example ComposeDependency.postgres()' })).default([]),
  env: z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())], { message: "a local value, or local values by env name under a workload's name" })).default({}),
  hostPort: z.union([portSchema, z.record(z.string(), portSchema)], { message: 'a port from 1 to 65535, or ports by service name' }).optional(),
  filePath: z.string().regex(/^(?!\/)(?!.*\.\.)[\w./-]*\.ya?ml$/, { message: "a relative path to a .yml file, such as 'docker-compose.yml'" }).default('docker-compose.yml'),
}).superRefine((v, ctx) => {
  if (v.image && v.images) ctx.addIssue({ code: 'custom', path: ['images'], message: 'either image (one workload) or images, not both' });
});

/** One image LocalDev was asked to run, resolved. */
interface Planned {
  readonly image: DockerImage;
  readonly model: ImageModel;
  /** Undefined: a workload kind LocalDev does not know (reported). */
  readonly workload?: ComposeWorkload;
  readonly database?: Database;
}

/** How each construct kind is named in messages. */
const NOUN: Record<ComposeWorkload['kind'], { readonly noun: string; readonly construct: string }> = {
  service: { noun: 'service', construct: 'Service' },
  worker: { noun: 'worker', construct: 'Worker' },
  job: { noun: 'job', construct: 'ScheduledJob' },
};

/**
 * Local development of the whole application, mirroring production: a docker-compose.yml with one compose service
 * per workload, named by the workload so `http://<name>:<port>` resolves as Service Connect's does in AWS, each built
 * from its own Dockerfile and target stage with its own healthcheck and env names (with local values). Public
 * services publish their port on 127.0.0.1; internal services, workers and jobs publish none; jobs start only when
 * run. Each workload waits, until healthy, for the dependencies, its Database's local PostgreSQL and the services it
 * calls.
 */
export class LocalDev extends ShipshapeConstruct {
  /** The one image given as `image`, if so (see {@link LocalDev.images} for every image it runs). */
  public readonly image?: DockerImage;
  public readonly filePath: string;
  private readonly props: z.output<typeof schema>;

  constructor(scope: IConstruct, id: string, props: LocalDevProps = {}) {
    super(scope, id);
    this.props = this.parse(schema, this.propsObject(props, 'SS-COMPOSE-PROPS', true), 'SS-COMPOSE');
    this.image = this.props.image;
    this.filePath = this.props.filePath;
  }

  /** The images it runs: `images`, else `image`, else every DockerImage of the project (read at synthesis). */
  public get images(): readonly DockerImage[] {
    return this.props.images ?? (this.props.image ? [this.props.image] : this.shipshape.membersOf(DockerImage));
  }

  /** Each image once, with its workload (by the image model's name) and that workload's Database. */
  private plan(): Planned[] {
    const workloads = composeWorkloads(this.shipshape);
    const databases = this.shipshape.membersOf(Database);
    return [...new Set(this.images)].filter((image) => image.project === this.project).map((image) => {
      const model = image._contribute().model as ImageModel;
      const workload = workloads.get(model.service);
      const database = databases.find((d) => d.service.name === model.service);
      return { image, model, ...(workload ? { workload } : {}), ...(database ? { database } : {}) };
    });
  }

  /** Whether `env` gives values by workload name (else env names directly, for the one workload). */
  private get envByWorkload(): boolean {
    return Object.values(this.props.env).some((v) => typeof v !== 'string');
  }

  /** The local values of one workload (of `count` that LocalDev runs), and the property path of each. */
  private localEnv(workload: string, count: number): { readonly values: Readonly<Record<string, string>>; readonly at: (name: string) => string } {
    if (this.envByWorkload || count > 1) {
      const own = this.props.env[workload];
      return { values: typeof own === 'object' ? own : {}, at: (name) => `env.${workload}.${name}` };
    }
    return { values: this.props.env as Record<string, string>, at: (name) => `env.${name}` };
  }

  /** The compose service name of each Database's local PostgreSQL: 'postgres' when there is one. */
  private localDatabases(planned: readonly Planned[]): Map<Planned, PostgresDependency> {
    const withDb = planned.filter((p) => p.database && p.workload);
    return new Map(withDb.map((p) => {
      const name = withDb.length === 1 ? undefined : `${p.workload!.name.slice(0, 23).replace(/-+$/, '')}-postgres`;
      return [p, PostgresDependency._forDatabase(p.database!.settings, name)];
    }));
  }

  /** The host port of each public service. */
  private hostPorts(planned: readonly Planned[]): Map<string, number> {
    const given = this.props.hostPort;
    const publics = planned.flatMap((p) => (p.workload?.public && p.workload.port !== undefined ? [p.workload] : []));
    return new Map(publics.map((w) => [w.name, typeof given === 'number' ? given : given?.[w.name] ?? w.port!]));
  }

  /** @internal */
  public _validate(): Problem[] {
    const problems: Problem[] = [];
    const at = this.constructPath;
    const planned = this.plan();
    const given = this.props.images;
    if (planned.length === 0 && !given) problems.push(problem('SS-COMPOSE-IMAGES', at, 'images', 'none', 'at least one DockerImage: LocalDev runs every DockerImage of the project by default, and this project has none'));
    given?.forEach((image, i) => {
      if (image.project !== this.project) {
        problems.push(problem('SS-FOREIGN-CONSTRUCT', at, `images[${i}]`, image.constructPath, 'a construct of this project (the same projen project as this construct)',
          'Each projen project renders only its own constructs: declare the construct in this project too.'));
      }
      if (given.indexOf(image) !== i) problems.push(problem('SS-COMPOSE-IMAGES', at, `images[${i}]`, image.constructPath, 'each DockerImage once'));
    });
    for (const p of planned) {
      if (!p.workload) problems.push(problem('SS-COMPOSE-IMAGES', at, 'images', p.image.constructPath, `an image of a workload LocalDev can run (${p.model.service} is not one)`));
    }
    const runs = planned.flatMap((p) => (p.workload ? [p as Planned & { readonly workload: ComposeWorkload }] : []));
    const names = runs.map((p) => p.workload.name);

    // Local values: by workload name, or (one workload) by env name.
    const values = Object.entries(this.props.env);
    if (this.envByWorkload) {
      for (const [k, v] of values) {
        if (typeof v === 'string') {
          problems.push(problem('SS-COMPOSE-ENV', at, `env.${k}`, k, "a workload's name with its local values ({ api: { NAME: 'value' } }), as the other keys of env are"));
        } else if (!names.includes(k)) {
          problems.push(problem('SS-COMPOSE-ENV', at, `env.${k}`, k, `the name of a workload LocalDev runs (${names.join(', ') || 'none'})`));
        }
      }
    } else if (values.length > 0 && runs.length > 1) {
      problems.push(problem('SS-COMPOSE-ENV', at, 'env', values.map(([k]) => k).join(', '), `local values by workload name, since LocalDev runs ${runs.length} workloads (${names.join(', ')})`,
        `For example env: { ${names[0]}: { ${values[0][0]}: '…' } }.`));
    }
    for (const p of runs) problems.push(...this.envProblems(p, runs.length));

    // Ports: each public service on its own host port; internal services, workers and jobs publish none.
    const hostPort = this.props.hostPort;
    const ports = this.hostPorts(runs);
    const publics = [...ports.keys()];
    const oneNumber = typeof hostPort === 'number' && publics.length !== 1;
    if (oneNumber && publics.length === 0) {
      problems.push(problem('SS-COMPOSE-HOSTPORT', at, 'hostPort', hostPort, 'no hostPort: LocalDev runs no public service (internal services, workers and jobs publish no port)'));
    } else if (oneNumber) {
      problems.push(problem('SS-COMPOSE-HOSTPORT', at, 'hostPort', hostPort, `host ports by service name, since LocalDev publishes ${publics.length} services (${publics.join(', ')})`,
        `For example hostPort: { ${publics.map((n, i) => `${n}: ${hostPort + i}`).join(', ')} }.`));
    } else if (typeof hostPort === 'object') {
      for (const k of Object.keys(hostPort).filter((n) => !publics.includes(n))) {
        problems.push(problem('SS-COMPOSE-HOSTPORT', at, `hostPort.${k}`, k, `the name of a public service LocalDev runs (${publics.join(', ') || 'none'})`,
          'Internal services, workers and jobs publish no port: other workloads reach a service as http://<name>:<port>.'));
      }
    }
    const publishers = new Map<number, string>();
    const publish = (port: number, who: string, property: string) => {
      const first = publishers.get(port);
      if (first !== undefined) {
        problems.push(problem('SS-COMPOSE-PORT', at, property, port, `a host port no other compose service publishes (${first} publishes it)`,
          `Give one of them another host port: hostPort: { ${who}: ${port + 1} }.`));
      } else {publishers.set(port, who);}
    };
    const databases = this.localDatabases(runs);
    if (!oneNumber) {
      for (const [name, port] of ports) publish(port, name, typeof hostPort === 'number' ? 'hostPort' : `hostPort.${name}`);
    }

    // Compose service names: the workloads, the Databases' PostgreSQL, then the dependencies, each once.
    const seen = new Set<string>(names);
    for (const local of databases.values()) {
      if (seen.has(local.name)) problems.push(problem('SS-COMPOSE-DEPENDENCY', at, 'images', local.name, 'a compose service name used once (a workload has the name of a Database\'s local PostgreSQL)'));
      seen.add(local.name);
    }
    const firstDatabase = runs.find((p) => p.database)?.database;
    for (const d of this.props.dependencies) {
      if (firstDatabase && d instanceof PostgresDependency) {
        // One database, declared once: a second PostgreSQL would either repeat the Database's settings or contradict them.
        problems.push(problem('SS-COMPOSE-DATABASE', at, 'dependencies', `ComposeDependency.postgres() named ${d.name}`,
          `no PostgreSQL dependency: ${firstDatabase.constructPath} provides it (postgres:${firstDatabase.settings.postgresMajorVersion}-alpine, database '${firstDatabase.settings.databaseName}', user '${firstDatabase.settings.username}')`,
          'Remove ComposeDependency.postgres(): LocalDev runs the Database\'s own version, name and user. For an unrelated second PostgreSQL, use ComposeDependency.custom().'));
        continue;
      }
      if (seen.has(d.name)) {
        const workload = names.includes(d.name);
        problems.push(problem('SS-COMPOSE-DEPENDENCY', at, 'dependencies', d.name, workload && runs.length > 1 ? 'a compose service name used once (and not a workload\'s name)' : 'a compose service name used once (and not the service\'s own name)'));
      }
      seen.add(d.name);
      const dep = d._toModel();
      for (const port of dep.ports) publish(port.published, d.name, `dependencies.${d.name}`);
      for (const [k, value] of Object.entries(d._environment)) {
        const kind = secretKind(value);
        if (kind) problems.push(problem('SS-COMPOSE-SECRET', at, `dependencies.${d.name}.${k}`, `${kind} (value hidden)`, 'a local development value, never a real secret'));
      }
    }

    // Calls: compose resolves http://<name>:<port> only to a compose service of this file.
    const images = this.shipshape.membersOf(DockerImage);
    const all = composeWorkloads(this.shipshape);
    for (const p of runs) {
      for (const callee of p.workload.calls.filter((c) => !names.includes(c))) {
        const built = images.find((i) => i.service.name === callee);
        problems.push(problem('SS-COMPOSE-CALLS', at, 'images', `${p.workload.name} calls ${callee}`,
          built ? `the image of ${callee} among the images LocalDev runs (${built.constructPath})` : `a called service with a DockerImage (${callee} has none, so compose cannot run it)`,
          built ? `Add ${built.constructPath} to images, or leave images out to run every workload: ${p.workload.name} reads ${serviceUrl(callee, all.get(callee)?.port ?? 0)}.` : undefined));
      }
    }
    return problems;
  }

  /** The env checks of one workload: names it declares, secrets with local values, nothing that looks real. */
  private envProblems(p: Planned & { readonly workload: ComposeWorkload }, count: number): Problem[] {
    const problems: Problem[] = [];
    const w = p.workload;
    const { noun, construct } = NOUN[w.kind];
    const { values, at: property } = this.localEnv(w.name, count);
    const names = Object.keys(w.env);
    const database = p.database;
    const fromDatabase: readonly string[] = [...DATABASE_VARIABLES, DATABASE_PASSWORD_SECRET];
    for (const [name, value] of Object.entries(values)) {
      if (database && fromDatabase.includes(name)) {
        problems.push(problem('SS-COMPOSE-DATABASE', this.constructPath, property(name), name, `a name the database does not set (${fromDatabase.join(', ')} come from ${database.constructPath})`,
          `Remove '${name}': LocalDev points it at the local PostgreSQL it runs for ${database.constructPath}.`));
      } else if (!names.includes(name)) {
        problems.push(problem('SS-COMPOSE-ENV', this.constructPath, property(name), name, `one of the ${noun}'s env names (${names.join(', ') || 'none declared'})`,
          `Declare it on the ${construct} (${w.path}) first, so production and local development use the same names.`));
      }
      const kind = secretKind(value);
      if (kind) problems.push(problem('SS-COMPOSE-SECRET', this.constructPath, property(name), `${kind} (value hidden)`, 'a local development value, never a real secret'));
    }
    for (const [name, v] of Object.entries(w.env)) {
      const inherited = values[name] === undefined && v.value !== undefined ? secretKind(v.value) : undefined;
      if (inherited) {
        problems.push(problem('SS-COMPOSE-SECRET', this.constructPath, property(name), `${inherited} (value hidden), the ${noun}'s own value`, 'a local development value, never a real secret',
          `Make '${name}' a secret reference on ${w.path}, and give LocalDev a local value.`));
      }
      if (v.secret !== undefined && values[name] === undefined) {
        const example = this.envByWorkload || count > 1 ? `env: { ${w.name}: { ${name}: postgres.password } }` : `env: { ${name}: postgres.password }`;
        problems.push(problem('SS-COMPOSE-ENV', this.constructPath, property(name), undefined, 'a local development value for this secret',
          `The ${noun} reads '${name}' from secret '${v.secret}'; compose never sees real secrets, so give a clearly local value, e.g. ${example}.`));
      }
    }
    return problems;
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const planned = this.plan().filter((p) => p.workload);
    const databases = this.localDatabases(planned);
    const ports = this.hostPorts(planned);
    const entries = planned.map((p): ComposeEntry => {
      const w = p.workload!;
      const local = databases.get(p);
      const hostPort = ports.get(w.name);
      return {
        image: p.model,
        workload: w,
        values: this.localEnv(w.name, planned.length).values,
        ...(hostPort !== undefined ? { hostPort } : {}),
        ...(p.database && local ? { database: { settings: p.database.settings, local } } : {}),
      };
    });
    const model: ComposeModel = {
      path: this.constructPath,
      filePath: this.filePath,
      projectName: this.project.name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-'),
      services: composeServices(entries, this.props.dependencies, path.posix.dirname(this.filePath)),
    };
    return { kind: 'composes', model };
  }
}
