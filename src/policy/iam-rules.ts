/**
 * The IAM rules: every role of the generated bootstrap templates allows what its template or workflow needs
 * (SS-IAM-MISSING), and no generated policy is broad (SS-IAM-BROAD). File-based, like the other cross-artifact rules,
 * so they run at synthesis (where a stack customization or an override may have changed what a template holds or what
 * a role may do) and in `shipshape validate` (where a person may have edited a generated file).
 *
 * How: each workflow job's assumed role and AWS calls come from src/iam/workflow-needs.ts; what CloudFormation's
 * execution role needs for each template a job deploys (with `--role-arn`) from src/iam/template-needs.ts; the roles
 * and their policies from the bootstrap templates (src/iam/roles.ts); the decision from src/iam/evaluate.ts. The
 * files are parsed once (src/policy/parse.ts) and the analysis is shared by both rules.
 */
import { createHash } from 'crypto';
import type { ArtifactFile, CrossFinding, CrossRule } from './artifacts';
import { parseOnce } from './parse';
import { ShipshapeError } from '../core/errors';
import { evaluate } from '../iam/evaluate';
import { rolesOf } from '../iam/roles';
import { templateNeeds, unknownResourceTypes } from '../iam/template-needs';
import type { PolicyStatementData, RequiredPermission, RoleData } from '../iam/types';
import { templatesByStack, workflowNeedsOf, type Deployment } from '../iam/workflow-needs';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const TEMPLATE = /\.template\.json$/;
const BOOTSTRAP = /(^|\/)bootstrap(?:-(\d{12}))?\.template\.json$/;

const roleArnOf = (r: RoleData, partition: string): string => `arn:${partition}:iam::${r.account}:role/${r.roleName}`;
const roleLabel = (arn: string) => arn.replace(/^arn:[\w-]+:iam::(\d{12}):role\//, 'role $1/');

interface Analysis {
  readonly missing: CrossFinding[];
  readonly broad: CrossFinding[];
}

let last: { key: string; analysis: Analysis } | undefined;

/** Both rules' findings, computed once per set of files. */
function analyse(files: readonly ArtifactFile[]): Analysis {
  const relevant = files.filter((f) => WORKFLOW.test(f.name) || TEMPLATE.test(f.name));
  const hash = createHash('sha1');
  for (const f of relevant) hash.update(f.name).update('\u0000').update(f.content).update('\u0000');
  const key = hash.digest('hex');
  if (last?.key === key) return last.analysis;
  const analysis = analyseUncached(relevant);
  last = { key, analysis };
  return analysis;
}

function parsed(f: ArtifactFile, format: 'yaml' | 'json'): Json {
  try {
    return parseOnce(f.content, format);
  } catch {
    return undefined; // a file that does not parse is the syntax validators' business
  }
}

/** What the IAM rules check, derived from the generated files; the tests evaluate the same checks with iam-simulate. */
export interface IamChecks {
  /** The roles of the generated bootstrap templates, by ARN. */
  readonly roles: ReadonlyMap<string, RoleData>;
  /** The roles the environment templates create (task roles, the canary's …), for SS-IAM-BROAD. */
  readonly templateRoles: readonly RoleData[];
  /** Per role (by ARN), what it must allow; `file` is the bootstrap template that must grant it. */
  readonly checks: ReadonlyArray<{ readonly roleArn: string; readonly file: string; readonly needs: readonly RequiredPermission[] }>;
  /** What cannot be checked at all: AWS calls the proof cannot map, resource types without handler data. */
  readonly problems: readonly CrossFinding[];
  /** Each template deployed with an execution role, and where (for the tests' exclusion-list check). */
  readonly deployments: ReadonlyArray<Deployment>;
}

/** Read every role, and what each must allow, from the generated workflows and templates. */
export function collectIamChecks(files: readonly ArtifactFile[]): IamChecks {
  const templates = new Map<string, Json>();
  for (const f of files) if (TEMPLATE.test(f.name)) templates.set(f.name, parsed(f, 'json'));
  const lookup = (path: string) => templates.get(path.replace(/^\.\//, ''));
  const workflows = files.filter((f) => WORKFLOW.test(f.name)).map((f) => ({ name: f.name, doc: parsed(f, 'yaml') })).filter((w) => w.doc);
  // The stacks' templates, from every workflow: the drift workflow checks stacks the CD workflow deploys.
  const stacks = new Map<string, string>();
  for (const w of workflows) templatesByStack(w.doc, stacks);
  // A project without images has drift jobs but no deploys: its stacks' templates are found by the file naming of
  // src/cloudformation/templates.ts: `infra/<workload>-<env>.template.json` for stack `<workload>-<env>`, and
  // `infra/<env>.template.json` for the environment stack `<project>-<env>-environment`.
  const environmentTemplates = [...templates.keys()].filter((n) => !BOOTSTRAP.test(n));
  for (const w of workflows) {
    for (const job of Object.values<Json>(w.doc?.jobs ?? {})) {
      for (const step of job?.steps ?? []) {
        const stack = step?.env?.STACK;
        if (typeof stack !== 'string' || stacks.has(stack)) continue;
        const byName = environmentTemplates.filter((n) => n.endsWith(`/${stack}.template.json`));
        const byEnv = environmentTemplates.filter((n) => stack.endsWith(`-${n.slice(n.lastIndexOf('/') + 1, -'.template.json'.length)}-environment`));
        const found = byName.length === 1 ? byName : byEnv;
        if (found.length === 1) stacks.set(stack, found[0]);
      }
    }
  }
  const jobs = workflows.flatMap((w) => workflowNeedsOf(w.name, w.doc, lookup, stacks));

  // Where each account's roles are: the bootstrap template of that account (named by the account when there are
  // several), read in the account's partition and region (the environments of one account share a region).
  const scopes = new Map<string, { partition: string; region: string }>();
  for (const j of jobs) {
    const m = /^arn:([\w-]+):iam::(\d{12}):role\//.exec(j.roleArn);
    const region = j.deployments[0]?.region ?? j.needs.map((n) => /^arn:[\w-]+:[\w-]+:([a-z0-9-]+):\d{12}:/.exec(n.resource)?.[1]).find(Boolean);
    if (m && region && !scopes.has(m[2])) scopes.set(m[2], { partition: m[1], region });
  }
  const roles = new Map<string, RoleData>();
  const bootstrapAccounts = new Set<string>();
  for (const [name, doc] of templates) {
    const m = BOOTSTRAP.exec(name);
    if (!m || !doc) continue;
    const accounts = m[2] ? [m[2]] : scopes.size === 1 ? [...scopes.keys()] : [];
    for (const account of accounts) {
      const scope = scopes.get(account);
      if (!scope) continue;
      bootstrapAccounts.add(account);
      for (const role of rolesOf(name, doc, { account, ...scope })) roles.set(roleArnOf(role, scope.partition), role);
    }
  }

  const problems: CrossFinding[] = [];
  const checks: Array<{ roleArn: string; file: string; needs: RequiredPermission[] }> = [];
  const templateRoles: RoleData[] = [];
  const deployed = new Set<string>();
  const deployments: Array<Deployment> = [];
  const need = (roleArn: string, account: string, needs: RequiredPermission[]) => {
    // No generated bootstrap in that account: the roles are the user's own (SS-BOOTSTRAP-MISSING says so).
    if (bootstrapAccounts.has(account)) checks.push({ roleArn, file: roles.get(roleArn)?.file ?? bootstrapFile(templates, account), needs });
  };
  for (const j of jobs) {
    for (const u of j.unmapped) {
      problems.push({
        file: j.workflow,
        property: `jobs.${j.job}`,
        got: `${u.neededBy}: ${u.reason}`,
        expected: 'every AWS call of a workflow mapped to the IAM actions it needs, made after a role is assumed',
      });
    }
    const account = /^arn:[\w-]+:iam::(\d{12}):role\//.exec(j.roleArn)?.[1];
    if (account) need(j.roleArn, account, j.needs);
    for (const d of j.deployments) {
      const template = lookup(d.template);
      const key = JSON.stringify([d.template, d.stack, d.executionRoleArn]);
      if (!template || deployed.has(key)) continue;
      deployed.add(key);
      deployments.push(d);
      templateRoles.push(...rolesOf(d.template, template, d));
      if (!d.executionRoleArn) continue;
      try {
        // A type shipshape has no handler data for is granted by the user (`executionRole.resourceTypes`) or stops
        // synthesis when the bootstrap is generated (SS-IAM-UNKNOWN-TYPE); from the files alone its needs are unknown.
        const extraTypes = Object.fromEntries(unknownResourceTypes(template).map((u) => [u.type, { actions: [] }]));
        const ctx = { account: d.account, region: d.region, partition: d.partition, stackName: d.stack, extraTypes };
        need(d.executionRoleArn, d.account, templateNeeds(d.template, template, ctx));
      } catch (e) {
        if (!(e instanceof ShipshapeError)) throw e;
        problems.push(...e.problems.map((p) => ({ file: d.template, property: p.property, got: p.got, expected: `${p.expected}${p.hint ? ` (${p.hint})` : ''}` })));
      }
    }
  }
  return { roles, templateRoles, checks, problems, deployments };
}

function analyseUncached(files: readonly ArtifactFile[]): Analysis {
  const { roles, templateRoles, checks, problems } = collectIamChecks(files);
  const missing = new Map<string, { file: string; role: string; need: RequiredPermission; reason: string; more: number }>();
  for (const { roleArn, file, needs } of checks) {
    const role = roles.get(roleArn);
    for (const n of needs) {
      const d = role ? evaluate(role.statements, n, role.boundary) : undefined;
      if (d?.allowed) continue;
      const reason = !d ? 'no generated bootstrap template defines this role'
        : d.reason === 'explicit-deny' ? `denied by ${d.statement ?? 'a Deny statement'}`
          : d.reason === 'boundary' ? 'not allowed by its permissions boundary' : 'no statement allows it';
      const k = JSON.stringify([roleArn, n.action, n.resource]);
      const seen = missing.get(k);
      if (seen) seen.more++;
      else missing.set(k, { file, role: roleArn, need: n, reason, more: 0 });
    }
  }
  const findings = [...missing.values()].map((m): CrossFinding => ({
    file: m.file,
    property: `${roleLabel(m.role)} ${m.need.action}`,
    got: `${m.need.action} on ${m.need.resource} not allowed (${m.reason})`,
    expected: `${m.need.action} on ${m.need.resource}${m.need.context ? ` with ${JSON.stringify(m.need.context)}` : ''} allowed, as needed by ${m.need.neededBy}${m.more ? ` and ${m.more} more` : ''}`,
  }));
  const broad = [...roles.values(), ...templateRoles].flatMap((r) => broadStatements(r.file, r));
  return { missing: [...problems, ...findings], broad };
}

function bootstrapFile(templates: ReadonlyMap<string, Json>, account: string): string {
  const names = [...templates.keys()].filter((n) => BOOTSTRAP.test(n));
  return names.find((n) => BOOTSTRAP.exec(n)?.[2] === account) ?? names[0] ?? 'infra/bootstrap.template.json';
}

const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/** Allow statements with a `*` action, a NotAction, or a `service:*` action on every resource. */
function broadStatements(file: string, role: RoleData): CrossFinding[] {
  const out: CrossFinding[] = [];
  const check = (s: PolicyStatementData, where: string) => {
    if (s.Effect !== 'Allow') return;
    const onEverything = list(s.Resource).includes('*') || s.NotResource !== undefined;
    const actions = list(s.Action);
    const bad = [
      ...actions.filter((a) => a === '*' || a === '*:*'),
      ...(s.NotAction !== undefined ? [`NotAction ${list(s.NotAction).join(', ')}`] : []),
      ...(onEverything ? actions.filter((a) => /^[\w-]+:\*$/.test(a)) : []),
    ];
    if (bad.length === 0) return;
    out.push({
      file,
      property: `role ${role.roleName}${where}${s.Sid ? ` statement ${s.Sid}` : ''}`,
      got: `Allow ${bad.join(', ')} on ${list(s.Resource).join(', ') || `NotResource ${list(s.NotResource).join(', ')}`}`,
      expected: 'the actions the role needs, each named (no `*` action, no `service:*` on `*`)',
    });
  };
  for (const s of role.statements) check(s, '');
  for (const s of role.boundary ?? []) check(s, ' boundary');
  return out;
}

const SS_IAM_MISSING: CrossRule = {
  id: 'SS-IAM-MISSING',
  severity: 'error',
  description: 'every generated role allows what its template or workflow needs: the execution role every resource handler permission of the templates it deploys, the deploy, publish and drift roles every AWS call of their jobs',
  fix: 'Re-synthesize so the bootstrap template grants what the templates and workflows need, or take out the customization that needs more (a new resource type: grant it with Shipshape.configure(project, { executionRole: … })); then redeploy the bootstrap stack.',
  check: (files) => analyse(files).missing,
};

const SS_IAM_BROAD: CrossRule = {
  id: 'SS-IAM-BROAD',
  severity: 'error',
  description: 'no generated role policy allows a `*` action, a NotAction, or a `service:*` action on `*`',
  fix: 'Name the actions the role needs and the resources it needs them on.',
  check: (files) => analyse(files).broad,
};

/** The IAM rules, run with the other file-based rules. */
export const IAM_RULES: readonly CrossRule[] = [SS_IAM_MISSING, SS_IAM_BROAD];
