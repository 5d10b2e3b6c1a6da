/**
 * The import plan → the text of `.projenrc.ts` (formatted like the repository: 2-space indent, single quotes,
 * trailing commas; commented at each construct and at each field that could not be carried) and the report,
 * `COPILOT-IMPORT.md`. No I/O; the same plan always gives the same text.
 */
import { PLACEHOLDER_REVIEWERS } from './plan';
import type { ImportFeatures, ImportPlan, PlanComment, PlanEnvValue, PlanEnvironment, PlanOverride, PlanScaling, PlanWorkload, ReportEntry } from './plan';

/**
 * What the generated code may use: `overrides` (per-environment `environments:` on workloads) and `exec` (ECS
 * Exec). Both are shipshape features now; with one off, its fields are reported instead of generated (the tests
 * cover both ways).
 */
export const FEATURES: ImportFeatures = { overrides: true, exec: true };

/** The report's file name, beside `.projenrc.ts`. */
export const REPORT_FILE = 'COPILOT-IMPORT.md';

/** A TypeScript single-quoted string literal. */
export function q(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}

/** A key of an object literal: bare when it is an identifier. */
function key(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : q(k);
}

type Code = string | Entries;
/** An object literal's entries, in order; undefined values are left out. */
type Entries = readonly (readonly [string, Code | undefined])[];

/** An object literal, on one line when it fits in `width`, else one entry a line with trailing commas. */
function obj(entries: Entries, indent: string, width = 100): string {
  const present = entries.filter((e): e is readonly [string, Code] => e[1] !== undefined);
  if (present.length === 0) return '{}';
  const inner = indent + '  ';
  const flat = `{ ${present.map(([k, v]) => `${key(k)}: ${typeof v === 'string' ? v : obj(v, inner, Number.MAX_SAFE_INTEGER)}`).join(', ')} }`;
  if (flat.length + indent.length <= width && !flat.includes('\n')) return flat;
  return `{\n${present.map(([k, v]) => `${inner}${key(k)}: ${typeof v === 'string' ? v : obj(v, inner, width)},`).join('\n')}\n${indent}}`;
}

/** Items joined with ', ', on as few lines of at most `width` characters as they fit. */
function wrap(items: readonly string[], indent: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? item : `${line}, ${item}`;
    if (line !== '' && indent.length + next.length + 1 > width) {
      lines.push(`${indent}${line},`);
      line = item;
    } else {line = next;}
  }
  lines.push(`${indent}${line}`);
  return lines.join('\n');
}

function arr(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `Duration.days(${seconds / 86400})`;
  if (seconds % 3600 === 0) return `Duration.hours(${seconds / 3600})`;
  if (seconds % 60 === 0) return `Duration.minutes(${seconds / 60})`;
  return `Duration.seconds(${seconds})`;
}

function comment(c: PlanComment, manifest: string, indent: string): string {
  return `${indent}// Copilot: ${c.field} (${manifest}:${c.line}) has no equivalent: ${c.note.replace(/\s*\n\s*/g, ' ')}`;
}

function envEntries(env: Readonly<Record<string, PlanEnvValue>>): Entries | undefined {
  const keys = Object.keys(env).sort();
  if (keys.length === 0) return undefined;
  return keys.map((k) => {
    const v = env[k];
    return [k, 'value' in v ? `{ value: ${q(v.value)} }` : `{ secret: ${q(v.secret)} }`] as const;
  });
}

function scalingCode(s: PlanScaling, used: Set<string>): Entries {
  if (s.target) used.add('ScalingTarget');
  return [
    ['min', String(s.min)],
    ['max', String(s.max)],
    ['target', s.target ? `ScalingTarget.${s.target.metric}(${s.target.value})` : undefined],
    ['messagesPerTask', s.messagesPerTask !== undefined ? String(s.messagesPerTask) : undefined],
  ];
}

function overrideEntries(w: PlanWorkload, environments: readonly PlanEnvironment[], used: Set<string>): Entries | undefined {
  if (!FEATURES.overrides) return undefined;
  const out: [string, Code][] = [];
  for (const e of environments) {
    const o: PlanOverride | undefined = w.overrides[e.name];
    if (!o) continue;
    const entries: Entries = [
      ['env', o.env ? envEntries(o.env) : undefined],
      ['cpu', o.cpu !== undefined ? String(o.cpu) : undefined],
      ['memoryMiB', o.memoryMiB !== undefined ? String(o.memoryMiB) : undefined],
      // An override without scaling keeps the workload's own there (shipshape's rule), so only a different one is written.
      ['scaling', w.kind !== 'job' && o.scaling ? scalingCode(o.scaling, used) : undefined],
    ];
    if (entries.some((x) => x[1] !== undefined)) out.push([e.name, entries]);
  }
  return out.length > 0 ? out : undefined;
}

function workloadProps(w: PlanWorkload, plan: ImportPlan, used: Set<string>): Entries {
  const variableOf = (name: string) => plan.workloads.find((x) => x.name === name)!.variable;
  const common: Entries = [
    ['cpu', w.cpu !== undefined ? String(w.cpu) : undefined],
    ['memoryMiB', w.memoryMiB !== undefined ? String(w.memoryMiB) : undefined],
    ['env', envEntries(w.env)],
  ];
  if (w.kind === 'service') {
    return [
      ['port', w.port !== undefined ? String(w.port) : undefined],
      ['healthPath', w.healthPath !== undefined ? q(w.healthPath) : undefined],
      ['internal', w.internal ? 'true' : undefined],
      ['host', w.host !== undefined ? q(w.host) : undefined],
      ['path', w.path !== undefined ? q(w.path) : undefined],
      ...common,
      ['scaling', w.scaling ? scalingCode(w.scaling, used) : undefined],
      ['calls', w.calls.length > 0 ? arr(w.calls.map(variableOf)) : undefined],
      ['publishes', w.publishes ? 'true' : undefined],
      ['exec', FEATURES.exec && w.exec ? 'true' : undefined],
      ['environments', overrideEntries(w, plan.environments, used)],
    ];
  }
  if (w.kind === 'worker') {
    const queue = w.queue;
    if (queue && (queue.visibilityTimeoutSeconds !== undefined || queue.retentionSeconds !== undefined)) used.add('Duration');
    return [
      ['healthCommand', arr((w.healthCommand ?? []).map(q))],
      ...common,
      ['subscribe', w.subscribe.length > 0 ? arr(w.subscribe.map(variableOf)) : undefined],
      ['queue', queue ? [
        ['visibilityTimeout', queue.visibilityTimeoutSeconds !== undefined ? duration(queue.visibilityTimeoutSeconds) : undefined],
        ['maxReceiveCount', queue.maxReceiveCount !== undefined ? String(queue.maxReceiveCount) : undefined],
        ['retention', queue.retentionSeconds !== undefined ? duration(queue.retentionSeconds) : undefined],
      ] : undefined],
      ['scaling', w.scaling ? scalingCode(w.scaling, used) : undefined],
      ['exec', FEATURES.exec && w.exec ? 'true' : undefined],
      ['environments', overrideEntries(w, plan.environments, used)],
    ];
  }
  if (w.timeoutSeconds !== undefined) used.add('Duration');
  return [
    ['schedule', q(w.schedule ?? 'rate(1 day)')],
    ['command', w.command ? arr(w.command.map(q)) : undefined],
    ['retries', w.retries !== undefined ? String(w.retries) : undefined],
    ['timeout', w.timeoutSeconds !== undefined ? duration(w.timeoutSeconds) : undefined],
    ...common,
    ['environments', overrideEntries(w, plan.environments, used)],
  ];
}

/**
 * Declaration order: each service after the services it calls (a constant is declared before it is read), then the
 * workers, then the jobs; by manifest path otherwise. Calls cannot form a cycle here: a cycle's last call is dropped.
 */
function ordered(plan: ImportPlan): PlanWorkload[] {
  const byPath = [...plan.workloads].sort((a, b) => (a.manifest < b.manifest ? -1 : a.manifest > b.manifest ? 1 : 0));
  const out: PlanWorkload[] = [];
  const visiting = new Set<string>();
  const visit = (w: PlanWorkload) => {
    if (out.includes(w) || visiting.has(w.name)) return;
    visiting.add(w.name);
    for (const c of w.calls) visit(byPath.find((x) => x.name === c)!);
    visiting.delete(w.name);
    out.push(w);
  };
  for (const w of byPath.filter((x) => x.kind === 'service')) visit(w);
  return [...out, ...byPath.filter((x) => x.kind === 'worker'), ...byPath.filter((x) => x.kind === 'job')];
}

const CONSTRUCT = { service: 'Service', worker: 'Worker', job: 'ScheduledJob' } as const;

/** The generated `.projenrc.ts`. */
export function generateProjenrc(plan: ImportPlan): string {
  const used = new Set<string>(['DockerImage', 'DockerPreset', 'Environment', 'LocalDev', 'Shipshape', 'DeploymentStrategy']);
  const body: string[] = [];
  const workloads = ordered(plan);

  for (const w of workloads) {
    used.add(CONSTRUCT[w.kind]);
    body.push('');
    body.push(`  // from ${w.manifest} (${w.copilotType})`);
    for (const c of w.comments) body.push(comment(c, w.manifest, '  '));
    const props = obj(workloadProps(w, plan, used), '  ');
    // A variable only when something refers to it (its image, a caller, a subscriber): tsc refuses unused locals.
    const referenced = !w.image.sharedWith || plan.workloads.some((o) => o.calls.includes(w.name) || o.subscribe.includes(w.name));
    body.push(`  ${referenced ? `const ${w.variable} = ` : ''}new ${CONSTRUCT[w.kind]}(project, ${q(w.name)}, ${props});`);
  }

  // Images.
  if (workloads.length > 0) {
    body.push('');
    body.push('  // Each workload\'s image. shipshape generates its Dockerfile: Dockerfile.shipshape, beside yours (which stays as');
    body.push('  // it is). Compare the two; point dockerfilePath at another name to keep both. See COPILOT-IMPORT.md.');
  }
  for (const w of workloads) {
    const i = w.image;
    const note = i.presetGuessed ? `  // TODO: no package.json, requirements.txt, pyproject.toml or go.mod in '${i.contextPath}': choose the preset of your language.` : undefined;
    if (note) body.push(note);
    const code = `new DockerImage(project, ${q(`${w.name}-image`)}, ${obj([
      ['service', w.variable],
      ['preset', `DockerPreset.${i.preset}()`],
      ['contextPath', q(i.contextPath)],
      ['dockerfilePath', q(i.dockerfilePath)],
    ], '  ')});`;
    if (i.sharedWith) {
      body.push(`  // TODO: ${w.name} builds from '${i.contextPath}', as ${i.sharedWith} does; shipshape builds one image per directory.`);
      body.push(`  // Give ${w.name} a directory of its own, then add its image:`);
      body.push(...code.split('\n').map((l) => `  // ${l}`));
    } else {body.push(`  ${code}`);}
  }

  // Environments, in the pipeline's order.
  body.push('');
  body.push('  // docker compose up: every workload, named as Service Connect names them.');
  const localSecrets: [string, Code][] = [];
  for (const w of workloads) {
    const names = new Set<string>();
    // The workload's own names only: LocalDev gives values to the names a workload declares itself.
    for (const [k, v] of Object.entries(w.env)) if ('secret' in v) names.add(k);
    if (names.size > 0) localSecrets.push([w.name, [...names].sort().map((k) => [k, q(`local-fake-${k.toLowerCase().replace(/_/g, '-')}`)] as const)]);
  }
  if (localSecrets.length > 0) body.push('  // Compose never reads real secrets: each secret gets a clearly fake local value.');
  body.push(`  new LocalDev(project, 'local'${localSecrets.length > 0 ? `, ${obj([['env', localSecrets]], '  ')}` : ''});`);
  body.push('');
  body.push("  // Copilot's rolling deployment: new tasks start before the old ones stop.");
  body.push('  const rolling = DeploymentStrategy.rolling();');
  for (const e of plan.environments) {
    body.push('');
    body.push(e.manifest ? `  // from ${e.manifest} (Environment)` : `  // '${e.name}': a pipeline stage without an environment manifest`);
    for (const c of e.comments) body.push(comment(c, e.manifest!, '  '));
    if (e.network) {
      used.add('Network');
      body.push(`  // Existing VPC ${e.network.vpcId}: deploy with the template parameters VpcId=${e.network.vpcId},`);
      body.push(`  // PublicSubnetIds=${e.network.publicSubnets.join(',') || '(none)'}, PrivateSubnetIds=${e.network.privateSubnets.join(',') || '(none)'}.`);
    }
    const settings = `SETTINGS.environments[${q(e.name)}]`;
    const secrets = Object.keys(e.secrets).sort();
    if (secrets.length > 0) used.add('SecretRef');
    body.push(`  new Environment(project, ${q(e.name)}, ${obj([
      ['account', `${settings}.account`],
      ['region', `${settings}.region`],
      ['domain', e.domain ? `${settings}.domain` : undefined],
      ['network', e.network ? 'Network.existing()' : undefined],
      ['strategy', 'rolling'],
      ['approval', e.approval ? '{ reviewers: SETTINGS.reviewers }' : undefined],
      ['variables', Object.keys(e.variables).length > 0 ? Object.keys(e.variables).sort().map((k) => [k, q(e.variables[k])] as const) : undefined],
      ['secrets', secrets.length > 0 ? secrets.map((k) => {
        const s = e.secrets[k];
        return [k, `SecretRef.fromName(${q(s.name)}${s.field ? `, { field: ${q(s.field)} }` : ''})`] as const;
      }) : undefined],
    ], '  ')});`);
  }

  // Pipeline.
  if (plan.environments.length > 0) {
    used.add('Pipeline');
    body.push('');
    body.push(plan.pipeline
      ? `  // from ${plan.pipeline.manifest} (Pipeline '${plan.pipeline.name}'): build, check and deploy on GitHub Actions.`
      : '  // Build, check and deploy on GitHub Actions (the application had no Copilot pipeline).');
    const p = plan.pipeline;
    const props = obj([
      ['branch', p?.branch !== undefined ? q(p.branch) : undefined],
      ['deploy', p?.smokeTest !== undefined ? [['smokeTest', q(p.smokeTest)]] : undefined],
    ], '  ');
    body.push(`  new Pipeline(project, 'ci'${props === '{}' ? '' : `, ${props}`});`);
  }

  const needsReviewers = plan.environments.some((e) => e.approval);
  const settings = obj([
    ['repository', q(plan.repository)],
    ['environments', plan.environments.map((e) => [e.name, [
      ['account', q(e.account)],
      ['region', q(e.region)],
      ['domain', e.domain ? [
        ['name', q(e.domain.name)],
        ['hostedZoneId', e.domain.hostedZoneId !== undefined ? q(e.domain.hostedZoneId) : undefined],
        ['certificateArn', e.domain.certificateArn !== undefined ? q(e.domain.certificateArn) : undefined],
      ] : undefined],
    ]] as const)],
    ['reviewers', needsReviewers ? arr(PLACEHOLDER_REVIEWERS.map(q)) : undefined],
  ], '', 0);

  const names = [...used].sort();
  const importLine = `import { ${names.join(', ')} } from 'shipshape';`;
  const header = [
    `// Generated by \`shipshape import copilot\` from the AWS Copilot application '${plan.app}' (copilot/).`,
    `// ${REPORT_FILE} lists where each manifest field went, what has no equivalent, and what to fill in.`,
    "import { Project, typescript } from 'projen';",
    importLine.length <= 120 ? importLine : `import {\n${wrap(names, '  ', 118)},\n} from 'shipshape';`,
    '',
    '/**',
    ' * What the manifests do not hold: Copilot kept accounts, regions and the domain outside them. The values marked',
    ` * in ${REPORT_FILE} ("Fill in before deploying") are placeholders to replace.`,
    ' */',
    `const SETTINGS = ${settings};`,
    '',
    '/**',
    ` * The Copilot application '${plan.app}', declared with shipshape's constructs.`,
    ' */',
    'export function createProject(outdir?: string): Project {',
    `  const project = new Project({ name: ${q(plan.app)}, outdir });`,
    '  new typescript.ProjenrcTs(project, { runner: typescript.TypeScriptRunner.tsx() });',
    '  Shipshape.configure(project, { repository: SETTINGS.repository });',
  ];
  return [...header, ...body, '', '  return project;', '}', '', 'if (require.main === module) createProject().synth();', ''].join('\n');
}

const SECTIONS: readonly { kind: ReportEntry['kind']; title: string; intro: string }[] = [
  { kind: 'fill-in', title: 'Fill in before deploying', intro: 'Values the manifests do not hold, or that the import had to choose: placeholders in `.projenrc.ts`.' },
  { kind: 'code-change', title: 'Names your code must change', intro: 'Variables Copilot injected that shipshape names differently.' },
  { kind: 'not-carried', title: 'Not carried', intro: 'Fields with no shipshape equivalent. The generated code marks each with a `// Copilot:` comment.' },
  { kind: 'mapped', title: 'Mapped', intro: 'Where each field went.' },
];

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** The report: what went where, by section, each entry naming the manifest, line and field. */
export function generateReport(plan: ImportPlan): string {
  const lines: string[] = [
    `# Importing the Copilot application '${plan.app}'`,
    '',
    `\`shipshape import copilot\` wrote \`.projenrc.ts\`: ${plan.workloads.length} workload(s) (${plan.workloads.map((w) => `${w.name}: ${CONSTRUCT[w.kind]}`).join(', ') || 'none'}), `
      + `${plan.environments.length} environment(s) (${plan.environments.map((e) => e.name).join(', ') || 'none'})${plan.pipeline ? ' and a Pipeline' : ''}.`,
    'Run `npx projen` to synthesize it; nothing here is deployed yet.',
  ];
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const sorted = [...plan.report].sort((a, b) => cmp(a.manifest, b.manifest) || (a.line ?? 0) - (b.line ?? 0) || cmp(a.field, b.field));
  for (const s of SECTIONS) {
    const entries = sorted.filter((e) => e.kind === s.kind);
    lines.push('', `## ${s.title} (${entries.length})`, '', s.intro);
    if (entries.length === 0) continue;
    lines.push('', '| manifest | field | note |', '|---|---|---|');
    for (const e of entries) lines.push(`| \`${cell(e.manifest)}${e.line !== undefined ? `:${e.line}` : ''}\` | \`${cell(e.field)}\` | ${cell(e.note)} |`);
  }
  return `${lines.join('\n')}\n`;
}
