/**
 * Cross-artifact rules: what no single linter can see. Each reads the generated files only, so the
 * same rule runs at synthesis (over the rendered files, before anything is written) and in
 * `shipshape validate` (over the files on disk, where a person may have edited one of them).
 */
import { ARTIFACT_RULES } from './artifact-rules';
import { ArtifactFile, Artifacts, CrossFinding, CrossRule, Json, parseArtifacts } from './artifacts';
import { IAM_RULES } from './iam-rules';
import type { PolicyRule, Violation } from './policy';
import type { Finding } from '../validators/finding';

const resources = (t: Json): Array<[string, Json]> => Object.entries(t?.Resources ?? {});
const ofType = (t: Json, type: string) => resources(t).filter(([, r]) => r?.Type === type);
const jobsOf = (wf: Json): Array<[string, Json]> => Object.entries(wf?.jobs ?? {});
const HEALTH_URL = /https?:\/\/(?:127\.0\.0\.1|localhost)(?::(\d+))?(\/[^\s'"\],)]*)?/;

/** port and path of an in-container health probe, read from a command. */
function probe(command: unknown): { port?: number; path?: string } | undefined {
  const text = Array.isArray(command) ? command.join(' ') : typeof command === 'string' ? command : '';
  const m = HEALTH_URL.exec(text);
  return m ? { port: m[1] ? Number(m[1]) : 80, path: m[2] ?? '/' } : undefined;
}

/** The health facts every artifact states about each service, keyed by service name. */
function healthFacts(a: Artifacts): Map<string, Array<{ file: string; what: string; port?: number; path?: string }>> {
  const facts = new Map<string, Array<{ file: string; what: string; port?: number; path?: string }>>();
  const add = (svc: string, f: { file: string; what: string; port?: number; path?: string }) => facts.set(svc, [...(facts.get(svc) ?? []), f]);
  for (const d of a.dockerfiles) {
    const runtime = d.text.slice(d.text.lastIndexOf('\nFROM '));
    const svc = /org\.opencontainers\.image\.title=("?)([\w.-]+)\1/.exec(runtime)?.[2];
    if (!svc) continue;
    const expose = /^EXPOSE (\d+)/m.exec(runtime);
    if (expose) add(svc, { file: d.name, what: 'EXPOSE', port: Number(expose[1]) });
    const hc = /^HEALTHCHECK[\s\S]*?CMD (.*)$/m.exec(runtime);
    const p = hc ? probe(hc[1]) : undefined;
    if (p) add(svc, { file: d.name, what: 'HEALTHCHECK', ...p });
  }
  for (const t of a.templates) {
    for (const [, td] of ofType(t.doc, 'AWS::ECS::TaskDefinition')) {
      for (const c of td.Properties?.ContainerDefinitions ?? []) {
        if (typeof c?.Name !== 'string') continue;
        const port = c.PortMappings?.[0]?.ContainerPort;
        if (typeof port === 'number') add(c.Name, { file: t.name, what: 'container port mapping', port });
        const p = probe(c.HealthCheck?.Command);
        if (p) add(c.Name, { file: t.name, what: 'container health check', ...p });
      }
    }
    const containers = ofType(t.doc, 'AWS::ECS::TaskDefinition').flatMap(([, td]) => td.Properties?.ContainerDefinitions ?? []);
    const svc = containers.find((c: Json) => c?.Essential !== false)?.Name;
    if (typeof svc !== 'string') continue;
    for (const [, tg] of ofType(t.doc, 'AWS::ElasticLoadBalancingV2::TargetGroup')) {
      const path = tg.Properties?.HealthCheckPath;
      const port = tg.Properties?.Port;
      add(svc, { file: t.name, what: 'target group health check', ...(typeof port === 'number' ? { port } : {}), ...(typeof path === 'string' ? { path } : {}) });
    }
  }
  for (const c of a.composes) {
    for (const [svc, s] of Object.entries<Json>(c.doc?.services ?? {})) {
      if (!s?.build) continue;
      const target = s.ports?.[0]?.target ?? (typeof s.ports?.[0] === 'string' ? Number(String(s.ports[0]).split(':').pop()) : undefined);
      if (typeof target === 'number') add(svc, { file: c.name, what: 'compose port mapping', port: target });
      const p = probe(s.healthcheck?.test);
      if (p) add(svc, { file: c.name, what: 'compose healthcheck', ...p });
    }
  }
  for (const w of a.workflows) {
    for (const [, job] of jobsOf(w.doc)) {
      for (const step of job?.steps ?? []) {
        const m = /^Verify (.+)$/.exec(step?.name ?? '');
        if (m && typeof step.env?.HEALTH_PATH === 'string') add(m[1], { file: w.name, what: 'smoke test', path: step.env.HEALTH_PATH });
      }
    }
  }
  return facts;
}

const HEALTH: CrossRule = {
  id: 'SS-X-HEALTH',
  severity: 'error',
  description: 'the health path and port of each service agree in the Dockerfile, compose, the templates and the smoke test',
  fix: 'Declare port and healthPath once on the Service and re-synthesize; do not edit generated files by hand.',
  check(files) {
    const out: CrossFinding[] = [];
    for (const [svc, facts] of healthFacts(parseArtifacts(files))) {
      for (const key of ['port', 'path'] as const) {
        const stated = facts.filter((f) => f[key] !== undefined);
        if (stated.length < 2) continue;
        // The value most artifacts state is the reference; the odd ones out are the findings.
        const counts = new Map<string, number>();
        for (const f of stated) counts.set(String(f[key]), (counts.get(String(f[key])) ?? 0) + 1);
        const majority = [...counts.entries()].sort((x, y) => y[1] - x[1])[0][0];
        const reference = stated.find((f) => String(f[key]) === majority)!;
        const show = (v: unknown) => (key === 'path' ? `'${v}'` : String(v));
        for (const f of stated) {
          if (String(f[key]) === majority) continue;
          out.push({
            file: f.file,
            property: `${svc}: ${f.what} (${key})`,
            got: show(f[key]),
            expected: `${show(reference[key])}, as in ${reference.file} (${reference.what})`,
          });
        }
      }
    }
    return out;
  },
};

const REQUIRED_CHECKS: CrossRule = {
  id: 'SS-X-REQUIRED-CHECKS',
  severity: 'error',
  description: 'every status check a ruleset requires is a job that runs on pull requests',
  fix: 'Derive the ruleset from the pipeline (re-synthesize) instead of retyping check names.',
  check(files) {
    const a = parseArtifacts(files);
    const prJobs = new Set<string>();
    for (const w of a.workflows) {
      const on = w.doc?.on;
      const onPr = on && typeof on === 'object' ? 'pull_request' in on : on === 'pull_request';
      if (!onPr) continue;
      for (const [id, job] of jobsOf(w.doc)) {
        const name: string = job?.name ?? id;
        const matrix = job?.strategy?.matrix;
        prJobs.add(name);
        // A matrix job reports one check per combination; shipshape names shards `name (i/n)`.
        const shards = Array.isArray(matrix?.shard) ? matrix.shard : [];
        for (const s of shards) prJobs.add(name.replace(/\$\{\{[^}]*\}\}/g, String(s)));
        for (const s of shards) prJobs.add(`${id} (${s}/${shards.length})`);
      }
    }
    const out: CrossFinding[] = [];
    for (const r of a.rulesets) {
      for (const rule of r.doc?.rules ?? []) {
        for (const c of rule?.parameters?.required_status_checks ?? []) {
          if (typeof c?.context === 'string' && !prJobs.has(c.context)) {
            out.push({ file: r.name, property: 'required_status_checks.context', got: `'${c.context}'`, expected: `a job that runs on pull requests (${[...prJobs].sort().join(', ')})` });
          }
        }
      }
    }
    return out;
  },
};

/** GitHub's subject template when a repository does not customize it. */
const DEFAULT_CLAIM_KEYS = ['repo', 'context'];

/** A pattern for the `sub` claims GitHub sends under a subject template (claim keys in order, `key:value` joined by ':'). */
function subjectPattern(keys: readonly string[]): RegExp {
  const part = (key: string) => (key === 'repo' ? 'repo:[^:/]+/[^:]+'
    : key === 'context' ? '(?:environment:[^:]+|ref:refs/[^:]+|pull_request)'
      : key === 'ref' ? 'ref:refs/[^:]+' : `${key}:[^:]+`);
  return new RegExp(`^${keys.map(part).join(':')}$`);
}

const OIDC_SUBJECT: CrossRule = {
  id: 'SS-X-OIDC-SUBJECT',
  severity: 'error',
  description: 'every role trust names an OIDC subject the repository\'s subject template produces (.github/oidc-subject.json), and each job that assumes a deploy role declares its environment and runs only on its branch',
  fix: 'Re-synthesize the bootstrap template, the workflow and .github/oidc-subject.json together, and apply the template with scripts/apply-github-settings.sh.',
  check(files) {
    const a = parseArtifacts(files);
    const template = files.find((f) => f.name === '.github/oidc-subject.json');
    let keys = DEFAULT_CLAIM_KEYS;
    if (template) {
      try {
        const doc = JSON.parse(template.content) as Json;
        if (doc?.use_default === false && Array.isArray(doc.include_claim_keys)) keys = doc.include_claim_keys;
      } catch {
        // A file that does not parse is the syntax validators' business.
      }
    }
    const shape = subjectPattern(keys);
    const out: CrossFinding[] = [];
    const trusts = new Map<string, { env: string; branch?: string }>(); // role name -> the environment (and branch) in its OIDC subject
    for (const t of a.templates) {
      for (const [id, role] of ofType(t.doc, 'AWS::IAM::Role')) {
        const name = role.Properties?.RoleName;
        for (const st of role.Properties?.AssumeRolePolicyDocument?.Statement ?? []) {
          const sub = st?.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub'];
          if (typeof sub !== 'string') continue;
          // Without a workflow or a subject template there is nothing yet that sends a token to compare with.
          if ((template || a.workflows.length > 0) && !shape.test(sub)) {
            out.push({
              file: t.name,
              property: `${id}.AssumeRolePolicyDocument`,
              got: `'${sub}'`,
              expected: `a subject GitHub sends under the repository's subject template (${keys.join(', ')}${template ? '' : ': GitHub\'s default, no .github/oidc-subject.json'})`,
            });
          }
          const m = /:environment:([^:]+)(?::ref:refs\/heads\/([^:]+))?$/.exec(sub);
          if (typeof name === 'string' && m) trusts.set(name, { env: m[1], branch: m[2] });
        }
      }
    }
    if (trusts.size === 0) return out;
    for (const w of a.workflows) {
      for (const [id, job] of jobsOf(w.doc)) {
        const declared = typeof job?.environment === 'string' ? job.environment : job?.environment?.name;
        for (const step of job?.steps ?? []) {
          const role = step?.with?.['role-to-assume'];
          const roleName = typeof role === 'string' ? role.split('/').pop() : undefined;
          const trusted = roleName ? trusts.get(roleName) : undefined;
          if (trusted === undefined) continue;
          if (declared !== trusted.env) {
            out.push({ file: w.name, property: `jobs.${id}.environment`, got: declared === undefined ? 'none' : `'${declared}'`, expected: `'${trusted.env}', the environment ${roleName} trusts` });
          }
          const onBranch = `github.ref == 'refs/heads/${trusted.branch}'`;
          if (trusted.branch !== undefined && !(typeof job?.if === 'string' && job.if.includes(onBranch))) {
            out.push({ file: w.name, property: `jobs.${id}.if`, got: typeof job?.if === 'string' ? `'${job.if}'` : 'none', expected: `a condition that includes ${onBranch}: ${roleName} trusts that branch only` });
          }
        }
      }
    }
    return out;
  },
};

const ROLLBACK_ALARMS: CrossRule = {
  id: 'SS-X-ROLLBACK-ALARMS',
  severity: 'error',
  description: 'every alarm an ECS deployment rolls back on exists in the same template',
  fix: 'Let the Monitoring (or the built-in alarms) set the deployment alarms; re-synthesize.',
  check(files) {
    const out: CrossFinding[] = [];
    for (const t of parseArtifacts(files).templates) {
      const alarmNames = new Set(ofType(t.doc, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties?.AlarmName).filter((n) => typeof n === 'string'));
      for (const [id, svc] of ofType(t.doc, 'AWS::ECS::Service')) {
        for (const name of svc.Properties?.DeploymentConfiguration?.Alarms?.AlarmNames ?? []) {
          if (typeof name === 'string' && !alarmNames.has(name)) {
            out.push({ file: t.name, property: `${id}.DeploymentConfiguration.Alarms.AlarmNames`, got: `'${name}'`, expected: 'the name of an AWS::CloudWatch::Alarm in this template' });
          }
        }
      }
    }
    return out;
  },
};

const IMAGE_TAG: CrossRule = {
  id: 'SS-X-IMAGE-TAG',
  severity: 'error',
  description: 'every workload template takes the ImageTag parameter and the deploy job passes it (an environment stack takes neither)',
  fix: 'Re-synthesize the workflow and the templates together.',
  check(files) {
    const a = parseArtifacts(files);
    const out: CrossFinding[] = [];
    for (const w of a.workflows) {
      for (const [id, job] of jobsOf(w.doc)) {
        for (const step of job?.steps ?? []) {
          const template = step?.env?.TEMPLATE;
          if (typeof template !== 'string' || typeof step.run !== 'string' || !/cloudformation deploy/.test(step.run)) continue;
          const t = a.templates.find((x) => x.name === template || x.name.endsWith(`/${template}`));
          const passes = /ImageTag=/.test(step.run);
          // A template without the parameter is an environment stack: its deploy must not pass one (CloudFormation
          // rejects an unknown parameter); a workload template's deploy must pass it.
          if (t && passes && !t.doc?.Parameters?.ImageTag) {
            out.push({ file: t.name, property: 'Parameters.ImageTag', got: 'no such parameter', expected: 'an ImageTag parameter the pipeline sets' });
          }
          if (!passes && (!t || t.doc?.Parameters?.ImageTag)) {
            out.push({
              file: w.name,
              property: `jobs.${id}.steps.${step.id ?? step.name}`,
              got: 'a deploy without ImageTag',
              expected: `a deploy of ${template} that passes ImageTag=<image tag> in --parameter-overrides`,
            });
          }
        }
      }
    }
    return out;
  },
};

/** Every cross-artifact rule. */
export const CROSS_RULES: readonly CrossRule[] = [HEALTH, REQUIRED_CHECKS, OIDC_SUBJECT, ROLLBACK_ALARMS, IMAGE_TAG];

/** Every rule that reads generated files: single-artifact (workflows, templates) and cross-artifact. */
export const FILE_POLICY_RULES: readonly CrossRule[] = [...ARTIFACT_RULES, ...CROSS_RULES, ...IAM_RULES];

/** The cross-artifact rules as policy rules for synthesis: a violation names the construct that rendered the file. */
export const CROSS_POLICY_RULES: PolicyRule[] = FILE_POLICY_RULES.map((rule) => ({
  id: rule.id,
  severity: rule.severity,
  description: rule.description,
  fix: rule.fix,
  check(ctx): Violation[] {
    const files = ctx.files.map((f) => ({ name: f.path, content: f.content }));
    return rule.check(files).map((f) => ({
      path: ctx.files.find((x) => x.path === f.file)?.source ?? ctx.model.name,
      property: f.property,
      got: f.got,
      expected: f.expected,
      detail: f.file,
    }));
  },
}));

/** The cross-artifact rules as `shipshape validate` findings. */
export function crossFindings(files: readonly ArtifactFile[]): Finding[] {
  return FILE_POLICY_RULES.flatMap((rule) => rule.check(files).map((f) => ({
    validator: 'shipshape-policy',
    file: f.file,
    severity: rule.severity,
    rule: rule.id,
    message: `${f.property}: must be ${f.expected} (got ${f.got}). ${rule.fix}`,
  })));
}
