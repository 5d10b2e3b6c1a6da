import handlerData from './data/cfn-handler-permissions.json';
import documentedData from './data/documented-permissions.json';

/**
 * The handler operations CloudFormation runs on a resource while it deploys a stack, and why each one counts:
 * - `create`: the resource is new in the template;
 * - `read`: CloudFormation reads the resource back after every create and update (to return attributes and to
 *   confirm it stabilized), and again on drift detection;
 * - `update`: a property changed without replacement;
 * - `delete`: the resource left the template, was replaced, or its stack is deleted or rolled back.
 * `list` is left out: CloudFormation lists resources only for imports and resource scans, never while deploying.
 */
export type HandlerOp = 'create' | 'read' | 'update' | 'delete';
export const HANDLER_OPS: readonly HandlerOp[] = ['create', 'read', 'update', 'delete'];

/** What one resource type's handlers call, per operation, as IAM actions. */
export interface HandlerPermissions {
  readonly ops: Readonly<Record<HandlerOp, readonly string[]>>;
  /** Where the lists come from: the schema snapshot, or the documentation pages. */
  readonly source: string;
}

type Ops = Partial<Record<HandlerOp | 'list', string[]>>;
const schemas = (handlerData as unknown as { types: Record<string, Ops | null> }).types;
const documented = documentedData as unknown as {
  types: Record<string, Ops & { sources: string[] }>;
  supplements: Record<string, Ops & { sources: string[] }>;
  actionNames: Record<string, { action: string | null }>;
};

/**
 * The IAM action a handler list's entry stands for. A few entries of the schemas are API operation names
 * (s3:DeleteBucketCors is authorized by s3:PutBucketCORS) or not IAM actions at all (null); see
 * documented-permissions.json `actionNames`. The service prefix is lower-cased (the schemas write
 * `CloudTrail:` and `S3:`; IAM matches prefixes case-insensitively, policies conventionally write them lower case).
 */
export function iamActionOf(entry: string): string | null {
  const mapped = Object.prototype.hasOwnProperty.call(documented.actionNames, entry) ? documented.actionNames[entry].action : entry;
  if (mapped === null) return null;
  const colon = mapped.indexOf(':');
  return `${mapped.slice(0, colon).toLowerCase()}:${mapped.slice(colon + 1)}`;
}

/** The resource types there is handler data for (schemas first, then documentation). */
export function knownResourceTypes(): string[] {
  return [...new Set([...Object.keys(schemas).filter((t) => schemas[t] !== null), ...Object.keys(documented.types)])].sort();
}

/** The handler permissions of a resource type as IAM actions, deduplicated per operation; undefined when there is no data. */
export function handlerPermissions(type: string): HandlerPermissions | undefined {
  const schema = schemas[type];
  const doc = documented.types[type];
  const ops: Ops | undefined = schema ?? doc;
  if (!ops) return undefined;
  // Calls AWS documents that the handler lists leave out (documented-permissions.json `supplements`).
  const extra: Ops = documented.supplements[type] ?? {};
  const clean = (op: HandlerOp) => [...new Set([...(ops[op] ?? []), ...(extra[op] ?? [])].map(iamActionOf).filter((a): a is string => a !== null))];
  return {
    ops: { create: clean('create'), read: clean('read'), update: clean('update'), delete: clean('delete') },
    source: schema
      ? `CloudFormation resource schema of ${type}, handlers (cfn-lint e6eb7570e0c12fe8bc6fb150c794d47f51eabcd0)`
      : `AWS documentation: ${doc.sources[0]}`,
  };
}
