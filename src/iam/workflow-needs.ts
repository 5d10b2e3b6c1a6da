/**
 * What each job of a generated workflow needs from the AWS role it assumes: the role (from the
 * `aws-actions/configure-aws-credentials` step's `role-to-assume`), then every AWS call of the steps after it — the
 * `aws …` commands of `run:` scripts and the `uses:` actions that call AWS — as IAM actions on resources
 * (src/iam/cli-permissions.ts).
 *
 * Resources are resolved from what the workflow states: step, job and workflow `env:` values (`$STACK`,
 * `$PARAMETER`, `$TEMPLATE_BUCKET`, `$EXECUTION_ROLE_ARN` …), shell variables assigned from an `aws` command in the
 * same script (a stack output read with `describe-stacks --query "…OutputKey=='EcsClusterName'…"` resolves, through
 * the deployed template, to the name the template gives that resource, i.e. `clusterName()`/`ecsServiceName()` of
 * src/core/naming.ts), and the templates (the SSM-typed parameters a `cloudformation deploy` resolves). Anything else
 * known only at run time — a `${{ }}` expression, a command's output the proof cannot follow — is `*`, which a policy
 * only satisfies with a wildcard of its own.
 *
 * A call the proof cannot read (an unmapped command, `aws` run through another program, an AWS call before any role
 * is assumed) is reported in `unmapped`, never skipped.
 */
import { parse as parseYaml } from 'yaml';
import { actionPermissions, cliPermissions, ECR_PUSH_PERMISSIONS, parseAwsCommand, type AwsCommand, type CallScope, type CliPermission, type CliResult } from './cli-permissions';
import type { RequiredPermission } from './types';

/** One job's AWS needs under one assumed role. */
export interface JobNeeds {
  readonly workflow: string;
  readonly job: string;
  /** The role the job assumed (`role-to-assume`), or '' when a step calls AWS before any role is assumed. */
  readonly roleArn: string;
  readonly needs: RequiredPermission[];
  /** AWS calls the proof cannot map: each one must fail the proof. */
  readonly unmapped: Array<{ readonly neededBy: string; readonly reason: string }>;
  /** The `cloudformation deploy` commands of the job: which template each deploys, as which stack, with which execution role. */
  readonly deployments: Deployment[];
}

/** One `cloudformation deploy` of a job: the template, the stack, the execution role, and where. */
export interface Deployment {
  readonly template: string;
  readonly stack: string;
  readonly executionRoleArn?: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** A template by its path in the project; `undefined` when it is not a generated file. */
export type TemplateLookup = (path: string) => unknown;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Parse the workflow and list every job's needs. */
export function workflowNeeds(file: string, workflowYamlText: string, templates: TemplateLookup = () => undefined): JobNeeds[] {
  return workflowNeedsOf(file, parseYaml(workflowYamlText), templates);
}

/** {@link workflowNeeds} over an already parsed workflow. */
export function workflowNeedsOf(
  file: string,
  workflow: Json,
  templates: TemplateLookup = () => undefined,
  /** The template each stack is deployed from, when the deploys are in another workflow (drift). @default this workflow's */
  stackTemplates: ReadonlyMap<string, string> = templatesByStack(workflow),
): JobNeeds[] {
  const out: JobNeeds[] = [];
  for (const [jobId, job] of Object.entries<Json>(workflow?.jobs ?? {})) {
    let current: { entry: JobNeeds; scope: CallScope } | undefined;
    const noRole: JobNeeds = { workflow: file, job: jobId, roleArn: '', needs: [], unmapped: [], deployments: [] };
    (job?.steps ?? []).forEach((step: Json, index: number) => {
      const stepName = `${file}: ${jobId} / ${step?.name ?? step?.id ?? `step ${index + 1}`}`;
      const env = { ...stringValues(workflow?.env), ...stringValues(job?.env), ...stringValues(step?.env) };
      const uses = typeof step?.uses === 'string' ? step.uses : undefined;
      if (uses?.split('@')[0] === 'aws-actions/configure-aws-credentials') {
        const role = step?.with?.['role-to-assume'];
        const region = step?.with?.['aws-region'] ?? env.AWS_REGION;
        const m = typeof role === 'string' ? /^arn:([\w-]+):iam::(\d{12}):role\/.+$/.exec(role) : null;
        if (!m || typeof region !== 'string' || known(region) === undefined) {
          current = undefined;
          noRole.unmapped.push({ neededBy: stepName, reason: `role-to-assume '${String(role)}' in region '${String(region)}' is not a literal role ARN and region` });
          return;
        }
        const entry: JobNeeds = { workflow: file, job: jobId, roleArn: role as string, needs: [], unmapped: [], deployments: [] };
        out.push(entry);
        // A template fetched at run time (the last good one) is read as the generated template of the same stack:
        // an earlier version of it, with the same SSM-typed parameters.
        const template = (p: string, stack?: string) => {
          const own = stack === undefined ? undefined : stackTemplates.get(stack);
          return templates(p) ?? (own === undefined ? undefined : templates(own));
        };
        const base = { partition: m[1], account: m[2], region };
        const stackTemplateFiles = [...new Set(stackTemplates.values())];
        const taskDefinitionRoles = (definition: string) => taskDefinitionRolesIn(definition, stackTemplateFiles.map((t) => templates(t)), base);
        current = { entry, scope: { ...base, template, taskDefinitionRoles } };
        return;
      }
      const target = current?.entry ?? noRole;
      const scope = current?.scope;
      const record = (call: string, result: CliResult | undefined) => {
        if (!result) return;
        if (!result.ok) { target.unmapped.push({ neededBy: `${stepName}: ${call}`, reason: result.reason }); return; }
        if (result.permissions.length > 0 && !scope) {
          target.unmapped.push({ neededBy: `${stepName}: ${call}`, reason: 'calls AWS before any aws-actions/configure-aws-credentials step assumed a role' });
          return;
        }
        target.needs.push(...result.permissions.map((p) => toNeed(p, `${stepName}: ${call} (${p.call})`)));
      };
      if (uses) {
        record(uses.split('@')[0], actionPermissions(uses, step?.with ?? {}, scope ?? UNSCOPED));
        return;
      }
      if (typeof step?.run !== 'string') return;
      const outputOf = (stack: string, key: string) => stackOutput(stack, key, stackTemplates, templates, scope ?? UNSCOPED);
      for (const call of scriptCalls(step.run, env, scope ?? UNSCOPED, outputOf)) {
        if (call.kind === 'error') { target.unmapped.push({ neededBy: `${stepName}: ${call.text}`, reason: call.reason }); continue; }
        if (call.kind === 'docker') { record(call.text, dockerPermissions(call.words, scope ?? UNSCOPED)); continue; }
        const parsed = parseAwsCommand(call.words);
        if (typeof parsed === 'string') { target.unmapped.push({ neededBy: `${stepName}: ${call.text}`, reason: parsed }); continue; }
        record(`aws ${parsed.service} ${parsed.command}`, cliPermissions(parsed, scope ?? UNSCOPED));
        if (scope && parsed.service === 'cloudformation' && parsed.command === 'deploy') {
          const template = parsed.options['template-file']?.[0];
          const stack = parsed.options['stack-name']?.[0];
          const seen = target.deployments.some((d) => d.template === template && d.stack === stack && d.executionRoleArn === parsed.options['role-arn']?.[0]);
          if (template && stack && !seen) {
            (target.deployments as Array<Deployment>).push({
              template,
              stack,
              account: scope.account,
              region: scope.region,
              partition: scope.partition,
              ...(parsed.options['role-arn']?.[0] ? { executionRoleArn: parsed.options['role-arn'][0] } : {}),
            });
          }
        }
      }
    });
    if (noRole.needs.length > 0 || noRole.unmapped.length > 0) out.push(noRole);
  }
  return out;
}

/** The scope of a call made before any role is assumed (reported as unmapped, so its ARNs are never evaluated). */
const UNSCOPED: CallScope = { partition: 'aws', account: '*', region: '*' };

const toNeed = (p: CliPermission, neededBy: string): RequiredPermission => ({
  action: p.action, resource: p.resource, neededBy, ...(p.context ? { context: p.context } : {}),
});

/** Only the string values of an `env:` map; a `${{ }}` expression is unknown until run time. */
function stringValues(env: Json): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries<Json>(env ?? {})) out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? known(String(v)) : undefined;
  return out;
}
const known = (v: string): string | undefined => (v.includes('${{') ? undefined : v);

/** The template path each stack is deployed from in a workflow (the `TEMPLATE` of a step with that `STACK`). */
export function templatesByStack(workflow: Json, out = new Map<string, string>()): Map<string, string> {
  for (const job of Object.values<Json>(workflow?.jobs ?? {})) {
    for (const step of job?.steps ?? []) {
      const stack = step?.env?.STACK;
      const template = step?.env?.TEMPLATE;
      if (typeof stack === 'string' && typeof template === 'string' && !out.has(stack)) out.set(stack, template);
    }
  }
  return out;
}

/** Name properties of the resources whose name a stack output may carry. */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::ECS::Service': 'ServiceName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SSM::Parameter': 'Name',
};

/**
 * The value of a stack output, through the template the stack is deployed from: a literal, a `Ref`/`GetAtt …Name` of
 * a named resource, or the `Ref` of a task definition with a literal family (its ARN, any revision).
 */
function stackOutput(stack: string, key: string, stacks: ReadonlyMap<string, string>, templates: TemplateLookup, scope: CallScope): string {
  const path = stacks.get(stack);
  const template = path ? templates(path) as Json : undefined;
  const value = template?.Outputs?.[key]?.Value;
  if (typeof value === 'string') return value;
  const logicalId = value?.Ref ?? (Array.isArray(value?.['Fn::GetAtt']) && value['Fn::GetAtt'][1] === 'Name' ? value['Fn::GetAtt'][0] : undefined);
  const resource = typeof logicalId === 'string' ? template?.Resources?.[logicalId] : undefined;
  if (resource?.Type === 'AWS::ECS::TaskDefinition' && value?.Ref && typeof resource.Properties?.Family === 'string') {
    return `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:task-definition/${resource.Properties.Family}:*`;
  }
  const name = resource ? resource.Properties?.[NAME_PROPERTY[resource.Type] ?? ''] : undefined;
  return typeof name === 'string' ? name : '*';
}

/**
 * The task and execution roles of the task definition whose family an ARN names, from the first template that
 * defines that family: a literal role ARN as it is, a role of the template as the ARNs CloudFormation may give it
 * (its path, then any name: the names of unnamed roles are generated); `undefined` when no template defines it.
 */
function taskDefinitionRolesIn(definition: string, templates: readonly unknown[], scope: Pick<CallScope, 'partition' | 'account'>): string[] | undefined {
  const family = /:task-definition\/([^:]+)/.exec(definition)?.[1];
  for (const t of templates as Json[]) {
    const resources: Record<string, Json> = t?.Resources ?? {};
    const found = Object.values(resources).find((r) => r?.Type === 'AWS::ECS::TaskDefinition' && r.Properties?.Family === family);
    if (!found) continue;
    const roles: string[] = [];
    for (const property of ['TaskRoleArn', 'ExecutionRoleArn']) {
      const v = found.Properties?.[property];
      if (v === undefined) continue;
      if (typeof v === 'string') { roles.push(v); continue; }
      const role = Array.isArray(v?.['Fn::GetAtt']) ? resources[v['Fn::GetAtt'][0]] : undefined;
      const rolePath = role?.Type === 'AWS::IAM::Role' ? role.Properties?.Path ?? '/' : undefined;
      const name = role?.Properties?.RoleName;
      roles.push(typeof rolePath === 'string'
        ? `arn:${scope.partition}:iam::${scope.account}:role${rolePath}${typeof name === 'string' ? name : '*'}`
        : '*');
    }
    return roles;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// A small reader of the shell the generated scripts use: words with quotes removed, `$VAR`/`${VAR…}` and `$( … )`
// kept as parts, every simple command (those inside `$( … )` too), comments, heredocs and redirections skipped.
// ---------------------------------------------------------------------------------------------------------------

/** A sticky regular expression matched at one position (no copy of the rest of the script). */
function at(re: RegExp, s: string, index: number): RegExpExecArray | null {
  re.lastIndex = index;
  return re.exec(s);
}

type Part = { readonly lit: string } | { readonly name: string } | { readonly sub: SimpleCommand[] };
type Word = Part[];
interface SimpleCommand { readonly words: Word[] }

class ShellReader {
  private i = 0;
  readonly all: SimpleCommand[] = [];
  constructor(private readonly s: string) {}

  /** Commands up to the end, or up to the `)` that closes a `$(` (nested). */
  list(nested: boolean): SimpleCommand[] {
    const own: SimpleCommand[] = [];
    let words: Word[] = [];
    let word: Part[] | undefined;
    let skipNext = false;
    let heredoc: string | undefined;
    const s = this.s;
    const endWord = () => {
      if (word) { if (skipNext) skipNext = false; else words.push(word); }
      word = undefined;
    };
    const endCommand = () => {
      endWord();
      if (words.length) { const c = { words }; own.push(c); this.all.push(c); }
      words = [];
    };
    const lit = (text: string) => {
      word ??= [];
      const last = word[word.length - 1];
      if (last && 'lit' in last) word[word.length - 1] = { lit: last.lit + text };
      else word.push({ lit: text });
    };
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '\\') { if (s[this.i + 1] !== '\n') lit(s[this.i + 1] ?? ''); this.i += 2; continue; }
      if (c === '#' && !word) { while (this.i < s.length && s[this.i] !== '\n') this.i++; continue; }
      if (c === ' ' || c === '\t') { endWord(); this.i++; continue; }
      if (c === '\n') {
        endCommand();
        this.i++;
        if (heredoc !== undefined) this.skipHeredoc(heredoc);
        heredoc = undefined;
        continue;
      }
      if (c === ';' || c === '&' || c === '|') { endCommand(); this.i++; continue; }
      if (c === ')') { endCommand(); this.i++; if (nested) return own; continue; }
      if (c === '(') { endCommand(); this.i++; continue; }
      if (c === '<' && s.startsWith('<<', this.i) && !s.startsWith('<<<', this.i)) {
        endWord();
        this.i += 2;
        if (s[this.i] === '-') this.i++;
        while (s[this.i] === ' ') this.i++;
        const m = at(/(['"]?)([\w-]+)\1/y, s, this.i);
        heredoc = m?.[2];
        this.i += m?.[0].length ?? 0;
        continue;
      }
      if (c === '>' || c === '<') {
        const fd = word?.length === 1 && 'lit' in word[0] && /^\d+$/.test(word[0].lit);
        if (fd) word = undefined; else endWord();
        while (s[this.i] === '>' || s[this.i] === '<') this.i++;
        if (s[this.i] === '&') { this.i++; while (/[\d-]/.test(s[this.i] ?? '')) this.i++; continue; }
        skipNext = true;
        continue;
      }
      if (c === "'") {
        const j = s.indexOf("'", this.i + 1);
        lit(s.slice(this.i + 1, j < 0 ? s.length : j));
        this.i = j < 0 ? s.length : j + 1;
        continue;
      }
      if (c === '"') {
        lit('');
        this.i++;
        while (this.i < s.length && s[this.i] !== '"') {
          const d = s[this.i];
          if (d === '\\' && '"$`\\\n'.includes(s[this.i + 1] ?? '')) { if (s[this.i + 1] !== '\n') lit(s[this.i + 1]); this.i += 2; continue; }
          if (d === '$') { this.dollar(word!, lit); continue; }
          lit(d);
          this.i++;
        }
        this.i++;
        continue;
      }
      if (c === '$') { word ??= []; this.dollar(word, lit); continue; }
      lit(c);
      this.i++;
    }
    endCommand();
    return own;
  }

  /** `$(…)`, `$((…))`, `${…}`, `$NAME`, `$1`, `$?` … at the current position. */
  private dollar(word: Part[], lit: (t: string) => void): void {
    const s = this.s;
    const next = s[this.i + 1];
    if (s.startsWith('$((', this.i)) {
      let depth = 0;
      for (; this.i < s.length; this.i++) {
        if (s[this.i] === '(') {depth++;} else if (s[this.i] === ')' && --depth === 0) { this.i++; break; }
      }
      word.push({ name: '((arithmetic))' });
      return;
    }
    if (next === '(') {
      this.i += 2;
      word.push({ sub: this.list(true) });
      return;
    }
    if (next === '{') {
      const j = s.indexOf('}', this.i);
      const inner = s.slice(this.i + 2, j < 0 ? s.length : j);
      word.push({ name: /^[#!]?([A-Za-z_]\w*|\d+|[@*?#$!-])/.exec(inner)?.[1] ?? inner });
      this.i = j < 0 ? s.length : j + 1;
      return;
    }
    const m = at(/([A-Za-z_]\w*|\d|[@*?#$!-])/y, s, this.i + 1);
    if (!m) { lit('$'); this.i++; return; }
    word.push({ name: m[1] });
    this.i += 1 + m[1].length;
  }

  private skipHeredoc(delimiter: string): void {
    const s = this.s;
    while (this.i < s.length) {
      const end = s.indexOf('\n', this.i);
      const line = s.slice(this.i, end < 0 ? s.length : end);
      this.i = end < 0 ? s.length : end + 1;
      if (line.trim() === delimiter) return;
    }
  }
}

/** Words a command may start with before the program it runs. */
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}', 'time', 'command', 'exec', 'nohup']);

type ScriptCall =
  | { readonly kind: 'aws' | 'docker'; readonly words: string[]; readonly text: string }
  | { readonly kind: 'error'; readonly text: string; readonly reason: string };

/**
 * Every `aws` (and ECR-touching `docker`) command of a script, its words expanded: `env` values, shell variables
 * assigned in the script, stack outputs through `output(stack, key)`; anything else `*`.
 */
export function scriptCalls(
  script: string,
  env: Readonly<Record<string, string | undefined>>,
  scope: CallScope,
  output: (stack: string, key: string) => string,
): ScriptCall[] {
  const reader = new ShellReader(script);
  reader.list(false);
  const assigned = new Map<string, Word>();
  for (const c of reader.all) {
    for (const w of c.words) {
      const first = w[0];
      const m = first && 'lit' in first ? /^([A-Za-z_]\w*)=/.exec(first.lit) : null;
      if (m) assigned.set(m[1], [{ lit: first && 'lit' in first ? first.lit.slice(m[0].length) : '' }, ...w.slice(1)]);
    }
  }
  const expandWord = (w: Word, depth = 0): string => w.map((p) => {
    if ('lit' in p) return p.lit;
    if ('name' in p) {
      const a = assigned.get(p.name);
      if (a && depth < 5) return expandWord(a, depth + 1);
      return env[p.name] ?? '*';
    }
    return substitution(p.sub, depth);
  }).join('');
  /** The output of `$( … )`: a stack output, or a service deployment / task of a known service; otherwise unknown. */
  const substitution = (sub: readonly SimpleCommand[], depth: number): string => {
    const last = [...sub].reverse().map((c) => program(c)).find((p) => p && expandWord(p.words[0], 5) === 'aws');
    if (!last || depth >= 5) return '*';
    const words = last.words.map((w) => expandWord(w, depth + 1));
    const cmd = parseAwsCommand(words);
    if (typeof cmd === 'string') return '*';
    return commandOutput(cmd, scope, output);
  };
  const out: ScriptCall[] = [];
  for (const c of reader.all) {
    const p = program(c);
    if (!p) continue;
    const words = p.words.map((w) => expandWord(w));
    const text = words.join(' ');
    const head = words[0];
    if (head === 'aws') {out.push({ kind: 'aws', words, text });} else if (head === 'docker' && /^(push|pull|manifest|buildx)$/.test(words[1] ?? '')) {out.push({ kind: 'docker', words, text });} else if (words.slice(1).includes('aws') && !/^(echo|printf)$/.test(head)) {
      out.push({ kind: 'error', text, reason: `aws is run through '${head}', which the IAM proof cannot read: call aws directly` });
    }
  }
  return out;
}

/** The program a simple command runs, after assignments, keywords and `timeout [opts] <duration>`. */
function program(c: SimpleCommand): { words: Word[] } | undefined {
  let i = 0;
  const litOf = (w: Word | undefined) => (w && w.length === 1 && 'lit' in w[0] ? w[0].lit : undefined);
  for (;;) {
    const w = c.words[i];
    if (!w) return undefined;
    const l = litOf(w);
    const first = w[0];
    if (first && 'lit' in first && /^[A-Za-z_]\w*=/.test(first.lit)) { i++; continue; }
    if (l !== undefined && KEYWORDS.has(l)) { i++; continue; }
    if (l === 'timeout') {
      i++;
      // timeout [-s SIGNAL | --signal=SIGNAL | -k DURATION | --preserve-status …] DURATION command
      for (let o = litOf(c.words[i]); o?.startsWith('-'); o = litOf(c.words[i])) i += /^(-s|--signal|-k|--kill-after)$/.test(o) ? 2 : 1;
      i++; // the duration
      continue;
    }
    return { words: c.words.slice(i) };
  }
}

/** What an `aws` command prints, where a later command uses it as a resource. */
function commandOutput(cmd: AwsCommand, scope: CallScope, output: (stack: string, key: string) => string): string {
  const query = cmd.options.query?.[0] ?? '';
  if (cmd.service === 'cloudformation' && cmd.command === 'describe-stacks') {
    const key = /OutputKey\s*==\s*[`'"]([\w-]+)[`'"]/.exec(query)?.[1];
    const stack = cmd.options['stack-name']?.[0];
    return key && stack && !stack.includes('*') ? output(stack, key) : '*';
  }
  if (cmd.service === 'ecs' && cmd.command === 'list-service-deployments') {
    // ListServiceDeployments returns service deployment ARNs: service-deployment/<cluster>/<service>/<id>.
    const name = (v: string | undefined) => (v === undefined ? '*' : v.slice(v.lastIndexOf('/') + 1));
    const region = cmd.options.region?.[0] ?? scope.region;
    return `arn:${scope.partition}:ecs:${region}:${scope.account}:service-deployment/${name(cmd.options.cluster?.[0])}/${name(cmd.options.service?.[0])}/*`;
  }
  return '*';
}

/** `docker push|pull|manifest inspect|buildx imagetools …` of an ECR image. */
function dockerPermissions(words: readonly string[], scope: CallScope): CliResult {
  const refs = words.filter((w) => /\.dkr\.ecr\./.test(w));
  const push = words[1] === 'push' || (words[1] === 'buildx' && words[2] === 'imagetools' && words[3] === 'create');
  const permissions: CliPermission[] = [];
  for (const ref of refs) {
    const m = /^(\d{12}|\*)\.dkr\.ecr\.([a-z0-9-]+|\*)\.amazonaws\.com(?:\.cn)?\/([^:@\s]+)/.exec(ref);
    if (!m) return { ok: false, reason: `cannot read the ECR repository of '${ref}'` };
    const repo = `arn:${scope.partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`;
    const actions = push ? ECR_PUSH_PERMISSIONS : ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
    permissions.push(...actions.map((action) => ({ action, resource: repo, call: `docker ${words[1]}` })));
  }
  return { ok: true, permissions };
}
