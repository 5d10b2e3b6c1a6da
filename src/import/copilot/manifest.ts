/**
 * AWS Copilot's manifests as data: zod schemas of the fields the importer reads (workload, environment, pipeline,
 * `.workspace`), and a YAML loader that keeps each node's line so a problem names the file, the line and the field.
 * The schemas check types only where the importer reads a value; every other field is kept as it is and reported
 * by the planner (nothing is dropped silently). Field names and forms follow Copilot's manifest specification
 * (site/content/docs/manifest/ and internal/pkg/manifest/ of aws/copilot-cli).
 */
import { Document, LineCounter, Node, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { z } from 'zod';
import { Problem, problem } from '../../core/errors';

export const MANIFEST_CODE = 'SS-COPILOT-MANIFEST';

/** The workload types Copilot knows (`type:` of copilot/<name>/manifest.yml). */
export const WORKLOAD_TYPES = [
  'Load Balanced Web Service', 'Backend Service', 'Worker Service', 'Scheduled Job', 'Request-Driven Web Service', 'Static Site',
] as const;
export type WorkloadType = (typeof WORKLOAD_TYPES)[number];

/**
 * A Go duration as Copilot parses it (`time.ParseDuration`): `30s`, `1h30m`, `500ms`; and `d` for days, which
 * Copilot's documentation uses in its examples (`retention: 5d`).
 */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d))+$/;
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds of a Go duration string (`1h30m` → 5400); undefined when it is not one. */
export function goDurationSeconds(text: string): number | undefined {
  if (!GO_DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]];
  return Math.round(total * 1000) / 1000;
}

const str = (what = 'a string') => z.string({ message: what });
const int = (what: string) => z.number({ message: what }).int({ message: what });
const bool = z.boolean({ message: 'true or false' });
const duration = z.string({ message: "a duration such as '30s', '10m' or '1h30m'" })
  .regex(GO_DURATION, { message: "a duration such as '30s', '10m' or '1h30m'" });
const looseObject = <T extends z.ZodRawShape>(shape: T, what: string) => z.looseObject(shape, { message: what });

const imageBuild = z.union([
  str(),
  looseObject({
    dockerfile: str().optional(),
    context: str().optional(),
    args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]), { message: 'a map of build arguments' }).optional(),
    target: str().optional(),
    cache_from: z.array(z.string(), { message: 'a list of images' }).optional(),
  }, 'a map'),
], { message: "a Dockerfile path, or a map with 'dockerfile', 'context' and 'args'" });

const containerHealthcheck = looseObject({
  command: z.array(z.string(), { message: "a list such as ['CMD-SHELL', 'curl -f http://localhost/ || exit 1']" }).optional(),
  interval: duration.optional(),
  retries: int('a whole number of retries').optional(),
  timeout: duration.optional(),
  start_period: duration.optional(),
}, 'a map with command, interval, retries, timeout, start_period');

const image = looseObject({
  build: imageBuild.optional(),
  location: str('an image URI').optional(),
  port: int('a port number from 1 to 65535').min(1, { message: 'a port number from 1 to 65535' }).max(65535, { message: 'a port number from 1 to 65535' }).optional(),
  healthcheck: containerHealthcheck.optional(),
}, "a map with 'build' or 'location', and 'port'");

const httpHealthcheck = z.union([
  str(),
  looseObject({
    path: str().optional(),
    port: int('a port number').optional(),
    success_codes: str("a string such as '200' or '200-299'").optional(),
    healthy_threshold: int('a whole number').optional(),
    unhealthy_threshold: int('a whole number').optional(),
    interval: duration.optional(),
    timeout: duration.optional(),
    grace_period: duration.optional(),
  }, 'a map'),
], { message: "a path such as '/healthz', or a map with 'path'" });

const aliasEntry = z.union([str(), looseObject({ name: str(), hosted_zone: str().optional() }, 'a map')], { message: "a domain name, or a map with 'name'" });
const alias = z.union([aliasEntry, z.array(aliasEntry)], { message: "a domain name, a list of them, or a map with 'name'" });

const http = z.union([
  z.literal(false),
  looseObject({ path: str().optional(), alias: alias.optional(), healthcheck: httpHealthcheck.optional() }, "a map with 'path', 'alias', 'healthcheck'"),
], { message: "a map with 'path', 'alias', 'healthcheck' (or false)" });

const percentOrConfig = z.union([z.number(), looseObject({ value: z.number({ message: 'a number' }) }, 'a map')], { message: "a number, or a map with 'value'" });
const range = z.union([
  z.string().regex(/^\d+-\d+$/, { message: "a range such as '1-10'" }),
  looseObject({ min: int('a whole number'), max: int('a whole number'), spot_from: int('a whole number').optional() }, "a map with 'min' and 'max'"),
], { message: "a range such as '1-10', or a map with 'min' and 'max'" });
const count = z.union([
  int('a whole number of tasks'),
  looseObject({
    range: range.optional(),
    cpu_percentage: percentOrConfig.optional(),
    memory_percentage: percentOrConfig.optional(),
    requests: percentOrConfig.optional(),
    response_time: z.union([duration, looseObject({ value: duration }, 'a map')], { message: "a duration, or a map with 'value'" }).optional(),
    queue_delay: looseObject({ acceptable_latency: duration, msg_processing_time: duration }, "a map with 'acceptable_latency' and 'msg_processing_time'").optional(),
    spot: int('a whole number of tasks').optional(),
  }, "a map with 'range' and a scaling target"),
], { message: "a whole number of tasks, or a map with 'range' and a scaling target" });

const fromCfn = looseObject({ from_cfn: str('a CloudFormation export name') }, "a map with 'from_cfn'");
const variables = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), fromCfn], { message: 'a string, a number, a boolean or { from_cfn: <export> }' }), { message: 'a map of variable names to values' });
const secrets = z.record(z.string(), z.union([
  z.string(),
  looseObject({ secretsmanager: str('a Secrets Manager secret name or ARN') }, "a map with 'secretsmanager'"),
  fromCfn,
], { message: 'an SSM parameter name, { secretsmanager: <name or ARN> } or { from_cfn: <export> }' }), { message: 'a map of variable names to secret references' });

const queue = looseObject({
  retention: duration.optional(),
  delay: duration.optional(),
  timeout: duration.optional(),
  dead_letter: looseObject({ tries: int('a whole number of tries') }, "a map with 'tries'").optional(),
}, "a map with 'retention', 'timeout', 'dead_letter'");

const workloadBody = {
  image: image.optional(),
  http: http.optional(),
  cpu: int('a whole number of CPU units').optional(),
  memory: int('a whole number of MiB').optional(),
  count: count.optional(),
  exec: bool.optional(),
  variables: variables.optional(),
  secrets: secrets.optional(),
  command: z.union([z.string(), z.array(z.string())], { message: 'a string or a list of strings' }).optional(),
  entrypoint: z.union([z.string(), z.array(z.string())], { message: 'a string or a list of strings' }).optional(),
  network: looseObject({
    connect: z.union([bool, looseObject({ alias: str() }, "a map with 'alias'")], { message: "true, false or a map with 'alias'" }).optional(),
  }, "a map with 'connect', 'vpc'").optional(),
  deployment: looseObject({
    rolling: z.enum(['default', 'recreate'], { message: "'default' or 'recreate'" }).optional(),
    rollback_alarms: z.union([z.array(z.string()), looseObject({}, 'a map')], { message: 'a list of alarm names, or a map of metrics and thresholds' }).optional(),
  }, "a map with 'rolling', 'rollback_alarms'").optional(),
  publish: looseObject({ topics: z.array(looseObject({ name: str() }, "a map with 'name'"), { message: 'a list of topics' }).optional() }, "a map with 'topics'").optional(),
  subscribe: looseObject({
    topics: z.array(looseObject({
      name: str(),
      service: str('the name of the publishing service'),
      queue: z.union([bool, queue], { message: 'true or a queue map' }).optional(),
    }, "a map with 'name' and 'service'"), { message: 'a list of topics' }).optional(),
    queue: queue.optional(),
  }, "a map with 'topics' and 'queue'").optional(),
  on: looseObject({ schedule: str("a schedule such as '@daily', '@every 1h', '0 9 * * 1-5' or 'cron(0 9 ? * MON-FRI *)'") }, "a map with 'schedule'").optional(),
  retries: int('a whole number of retries').min(0, { message: 'a whole number of retries' }).optional(),
  timeout: duration.optional(),
};

const overrides = z.record(z.string(), z.union([z.null(), looseObject(workloadBody, 'a map of overrides')], { message: 'a map of overrides' }), { message: 'a map of environment names to overrides' });

export const workloadSchema = z.looseObject({
  name: str('the workload name'),
  type: z.enum(WORKLOAD_TYPES, { message: `one of Copilot's workload types (${WORKLOAD_TYPES.map((t) => `'${t}'`).join(', ')})` }),
  ...workloadBody,
  environments: overrides.optional(),
}, { message: 'a map (a Copilot workload manifest)' });
export type WorkloadManifest = z.infer<typeof workloadSchema>;
export type WorkloadFields = z.infer<z.ZodObject<typeof workloadBody>>;

const subnets = z.array(z.union([z.string(), looseObject({ id: str('a subnet id').optional(), cidr: str().optional() }, "a map with 'id'")], { message: 'a subnet id or a map' }), { message: 'a list of subnets' });
export const environmentSchema = z.looseObject({
  name: str('the environment name'),
  type: z.literal('Environment', { message: "'Environment'" }),
  network: looseObject({
    vpc: looseObject({
      id: str('a VPC id').optional(),
      cidr: str().optional(),
      subnets: looseObject({ public: subnets.optional(), private: subnets.optional() }, "a map with 'public' and 'private'").optional(),
    }, "a map with 'id' and 'subnets'").optional(),
  }, "a map with 'vpc'").optional(),
  http: looseObject({
    public: looseObject({ certificates: z.array(z.string(), { message: 'a list of ACM certificate ARNs' }).optional() }, 'a map').optional(),
  }, "a map with 'public' and 'private'").optional(),
}, { message: 'a map (a Copilot environment manifest)' });
export type EnvironmentManifest = z.infer<typeof environmentSchema>;

export const pipelineSchema = z.looseObject({
  name: str('the pipeline name'),
  source: looseObject({
    provider: str().optional(),
    properties: looseObject({ branch: str().optional(), repository: str().optional() }, 'a map').optional(),
  }, "a map with 'provider' and 'properties'").optional(),
  stages: z.array(looseObject({
    name: str('an environment name'),
    requires_approval: bool.optional(),
    test_commands: z.array(z.string(), { message: 'a list of shell commands' }).optional(),
  }, "a map with 'name'"), { message: 'a list of stages' }),
}, { message: 'a map (a Copilot pipeline manifest)' });
export type PipelineManifest = z.infer<typeof pipelineSchema>;

export const workspaceSchema = z.looseObject({ application: str('the application name') }, { message: "a map with 'application'" });

/** A manifest read from disk: its data, its path relative to the app directory, and the line of any field. */
export interface LoadedManifest<T> {
  readonly file: string;
  readonly data: T;
  /** The 1-based line of the field at `path` (of its nearest existing parent when it is absent). */
  line(path: readonly (string | number)[]): number;
}

/** One manifest's YAML: the document and a line finder, or the problems of its syntax. */
export function parseYaml(file: string, text: string):
{ ok: true; data: unknown; line: (path: readonly (string | number)[]) => number } | { ok: false; problems: Problem[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => problem(MANIFEST_CODE, `${file}:${counter.linePos(e.pos[0]).line}`, '(yaml)', e.code, 'valid YAML', e.message.split('\n')[0])),
    };
  }
  return { ok: true, data: doc.toJS({ maxAliasCount: 100 }) as unknown, line: (path) => lineOf(doc, counter, path) };
}

function lineOf(doc: Document, counter: LineCounter, path: readonly (string | number)[]): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(key));
      if (pair) {
        offset = (pair.key as Node | null)?.range?.[0] ?? offset;
        next = pair.value;
      }
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key];
      offset = (next as Node | null)?.range?.[0] ?? offset;
    }
    if (next === undefined) break;
    node = next;
  }
  return counter.linePos(offset).line;
}

/** The value at a path of plain data (undefined where absent). */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/**
 * A union's failure at its most precise: when the value had the type of exactly one branch (a map where a string
 * or a map is allowed), that branch's own issues (`http.healthcheck.path`), not "the union failed" at `http`.
 */
function precise(issue: z.core.$ZodIssue, at: readonly PropertyKey[]): { issue: z.core.$ZodIssue; at: readonly PropertyKey[] }[] {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [{ issue, at }];
  const matched = issue.errors.filter((branch) => !branch.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')));
  if (matched.length !== 1) return [{ issue, at }];
  return matched[0].flatMap((i) => precise(i, [...at, ...issue.path]));
}

/** Parse and check one manifest: the loaded manifest, or every problem of it (each with file:line and field). */
export function loadManifest<T>(file: string, text: string, schema: z.ZodType<T>):
{ ok: true; manifest: LoadedManifest<T> } | { ok: false; problems: Problem[] } {
  const parsed = parseYaml(file, text);
  if (!parsed.ok) return parsed;
  const result = schema.safeParse(parsed.data);
  if (!result.success) {
    const problems = result.error.issues.flatMap((i) => precise(i, [])).map(({ issue, at }) => {
      const path = [...at, ...issue.path].filter((k): k is string | number => typeof k !== 'symbol');
      // A missing key is named by its own path, on its parent's line.
      const got = valueAt(parsed.data, path);
      return problem(MANIFEST_CODE, `${file}:${parsed.line(path)}`, path.join('.') || '(document)', got === undefined ? 'nothing' : got, issue.message);
    });
    return { ok: false, problems };
  }
  return { ok: true, manifest: { file, data: result.data, line: parsed.line } };
}
