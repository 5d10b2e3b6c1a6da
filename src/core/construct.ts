import type { IConstruct } from 'constructs';
import { Component, Project } from 'projen';
import type { z } from 'zod';
import { Problem, ShipshapeError, problem } from './errors';
import type { RegistryLocation } from './naming';
import { parseRecovering } from './schema';
import { plainProps } from './value-checks';

/**
 * What a construct asks of its project's Shipshape root. The root (`Shipshape`, src/shipshape.ts) implements it and
 * tells this module how to find it ({@link setRootOf}), so that constructs never import the root (which imports every
 * check and renderer): data flows one way, constructs → model → checks → renderers → files.
 */
export interface ShipshapeRoot {
  /** The image registry chosen with `Shipshape.configure`, if any (see `registryLocation` for the default). */
  readonly registryOption: RegistryLocation | undefined;
  /** @internal */
  _register(member: ShipshapeConstruct): void;
  /** @internal Record problems of a construct's props; the construct goes on with the recovered props. */
  _defer(constructPath: string, problems: readonly Problem[]): void;
  /** @internal Stop now with `problems` and every problem recorded so far. */
  _fail(problems: readonly Problem[]): never;
  /** @internal Accept a policy rule's finding on the construct at `path` (checked against the rules there). */
  _acknowledge(ack: { readonly ruleId: string; readonly path: string; readonly reason: string }): void;
  /** All registered constructs of one kind, in declaration order. */
  membersOf<T extends ShipshapeConstruct>(kind: abstract new (...args: never[]) => T): T[];
}

let rootOfProject: ((project: Project) => ShipshapeRoot) | undefined;

/** @internal How a construct finds (or creates) its project's root: set once, by src/shipshape.ts as it loads. */
export function setRootOf(find: (project: Project) => ShipshapeRoot): void {
  rootOfProject = find;
}

/** The Shipshape root of `project`, created on first use. */
function rootOf(project: Project): ShipshapeRoot {
  if (!rootOfProject) throw new Error("shipshape's root (src/shipshape.ts) is not loaded: import shipshape from its entry point");
  return rootOfProject(project);
}

/** What a construct adds to the model. */
export interface ModelContribution {
  readonly kind: 'services' | 'workers' | 'jobs' | 'environments' | 'images' | 'pipelines' | 'composes' | 'databases' | 'flags' | 'monitoring';
  readonly model: unknown;
}

/**
 * Base class of every shipshape construct: it knows its Shipshape root and
 * a readable construct path (`<project>/<id>/...`), free of machine paths.
 */
export abstract class ShipshapeConstruct extends Component {
  /** The readable construct path used in every error message. */
  public readonly constructPath: string;
  protected readonly shipshape: ShipshapeRoot;

  constructor(scope: IConstruct, id: string) {
    super(freeIdIn(scope, id), id);
    this.shipshape = rootOf(this.project);
    this.constructPath = readablePath(this);
    this.shipshape._register(this);
  }

  /**
   * Accept a policy rule's finding on this construct (and everything under it), with the reason.
   * The finding stays in the report, marked as acknowledged.
   */
  public acknowledge(ruleId: string, reason: string): this {
    this.shipshape._acknowledge({ ruleId, path: this.constructPath, reason });
    return this;
  }

  /**
   * Parse this construct's props. Problems are recorded and reported with every other construct's at synthesis; the
   * construct goes on with the props recovered without the bad values (their defaults, or `fallbacks`). When nothing
   * valid can be made of them, it stops at once with every problem recorded so far.
   */
  protected parse<T>(
    schema: z.ZodType<T>, input: unknown, codePrefix: string, fallbacks: Readonly<Record<string, unknown>> = {}, at = this.constructPath,
  ): T {
    const { data, problems } = parseRecovering(schema, input, at, codePrefix, fallbacks);
    this.shipshape._defer(at, problems);
    if (data === undefined) this.shipshape._fail([]);
    return data;
  }

  /**
   * The props a constructor was given, checked to be a plain object before anything reads or spreads them
   * (`undefined` is `{}` when they are optional): props that are not an object cannot be read, so this stops at once,
   * with every problem recorded so far.
   */
  protected propsObject<T>(props: T, code: string, optional = false): T {
    try {
      return plainProps(props, this.constructPath, code, optional);
    } catch (e) {
      if (e instanceof ShipshapeError) this.fail(e.problems);
      throw e;
    }
  }

  /** Stop with these problems and every one recorded so far in the project. */
  protected fail(problems: readonly Problem[]): never {
    this.shipshape._fail(problems);
  }

  /** @internal Problems that can only be seen once every construct exists. */
  public _validate(): Problem[] {
    return [];
  }

  /** @internal This construct's part of the model. */
  public _contribute(): ModelContribution | undefined {
    return undefined;
  }
}

/** `<project name>/<id>/…`: the path shown in messages, without the machine path projen puts in the root's id. */
function readablePath(c: IConstruct): string {
  const project = Project.of(c);
  const scopes = c.node.scopes;
  return [project.name, ...scopes.slice(scopes.indexOf(project) + 1).map((s) => s.node.id)].join('/');
}

/**
 * `scope`, when no construct under it has the id `id` yet. A reused id (a DockerImage and a Service both called
 * 'api') is a ShipshapeError naming the path and the construct that holds it, not constructs' own error; so is an id or
 * a project name that is not a non-empty string.
 */
function freeIdIn(scope: IConstruct, id: string): IConstruct {
  // Both name every construct path and generated name: constructs would fail on a non-string with a TypeError.
  const name: unknown = Project.of(scope).name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ShipshapeError([problem('SS-PROJECT-NAME', 'new Project', 'name', name, 'a non-empty string (it prefixes every stack, role and resource name)')]);
  }
  if (typeof id !== 'string' || id.trim() === '') {
    throw new ShipshapeError([problem('SS-CONSTRUCT-ID', readablePath(scope), 'id', id, 'a non-empty string naming the construct')]);
  }
  const existing = scope.node.tryFindChild(id);
  if (existing) {
    const where = `${readablePath(scope)}/${id}`;
    rootOf(Project.of(scope))._fail([problem('SS-CONSTRUCT-ID', where, 'id', id,
      `an id no other construct under ${readablePath(scope)} uses (already used by a ${existing.constructor.name})`,
      'Give each construct its own id.')]);
  }
  return scope;
}
