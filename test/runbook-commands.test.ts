/**
 * Every command of the generated runbooks and playbooks, checked as an engineer would paste it at 3 a.m.: each
 * `aws` command is a real AWS CLI command with real options (test/aws-cli-reference.ts, from the CLI reference), has
 * its region, holds no placeholder, and names what exists in that environment's template (stack, cluster, service,
 * log group, alarm, canary). Alarm links point at alarms the environment's template creates, and the dashboard
 * sections the documents name are on the dashboard. Generic: new alarms get runbooks, and they are checked too.
 */
import type { Project } from 'projen';
import { AWS_CLI, ENUMS, GLOBAL_OPTIONS } from './aws-cli-reference';
import { shop } from './monitoring-helpers';
import { bareProject } from './util';
import { createProject } from '../examples/node-api/.projenrc';
import { AlarmMetric, DeploymentStrategy, Duration, Environment, EscalationPolicy, Monitoring, Service, Severity, Shipshape } from '../src';
import type { EnvironmentModel, ProjectModel } from '../src/model';
import { target } from '../src/monitoring/docs/common';
import { synthSnapshot } from '../src/testing/synth';

/** Two services; `live` has no domain (no load balancer, no URL), `edge` has one. */
function pair(outdir: string): Project {
  const p = bareProject(outdir, 'pair');
  const alpha = new Service(p, 'alpha');
  const beta = new Service(p, 'beta');
  new Environment(p, 'live', { account: '123456789012', region: 'us-east-1' });
  new Environment(p, 'edge', {
    account: '210987654321',
    region: 'eu-central-1',
    domain: { name: 'edge.example.com', hostedZoneId: 'ZEDGE' },
    strategy: DeploymentStrategy.linear({ stepPercent: 25, interval: Duration.minutes(2), bake: Duration.minutes(15) }),
  });
  new EscalationPolicy(p, 'escalation', { critical: { pagerEndpointParameter: '/pager' }, warning: { email: ['t@example.com'] } });
  const m = new Monitoring(p, 'alpha-monitoring', { service: alpha });
  m.addAlarm('queue-depth', {
    severity: Severity.WARNING,
    metric: AlarmMetric.custom({ namespace: 'alpha', metricName: 'QueueDepth' }),
    threshold: 100,
    unit: 'count',
    impact: 'Work is late.',
  });
  new Monitoring(p, 'beta-monitoring', { service: beta, canary: false });
  return p;
}

interface Generated { name: string; model: ProjectModel; files: Record<string, string> }

function generate(name: string, build: (outdir: string) => Project): Generated {
  let project: Project | undefined;
  const files = synthSnapshot((outdir) => (project = build(outdir)));
  return { name, model: Shipshape.of(project!).model(), files };
}

const CONFIGS: Generated[] = [
  generate('flagship', (outdir) => createProject(outdir)),
  generate('shop', (outdir) => shop(outdir)),
  generate('pair', pair),
];

// ---------------------------------------------------------------------------------------------------------------
// A small shell reader: enough for the generated blocks (quotes, $( ), ;, |, ||, &&, if/then/for/do).
// ---------------------------------------------------------------------------------------------------------------

/** The end index (exclusive) of the `$(` ... `)` starting at `start` (the index of `$`). */
function substitutionEnd(s: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) {quote = undefined;} else if (quote === '"' && c === '$' && s[i + 1] === '(') { i = substitutionEnd(s, i) - 1; }
      continue;
    }
    if (c === "'" || c === '"') {quote = c;} else if (c === '$' && s[i + 1] === '(') { depth++; i++; } else if (c === ')') { depth--; if (depth === 0) return i + 1; }
  }
  throw new Error(`unbalanced $( in ${s}`);
}

/** Every simple command of a line, innermost substitutions included, as words with their quotes removed. */
function simpleCommands(line: string): string[][] {
  const out: string[][] = [];
  // Take the command substitutions out first; each is a line of its own.
  let flat = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "'") {
      const j = line.indexOf("'", i + 1);
      flat += line.slice(i, j + 1);
      i = j;
    } else if (line[i] === '$' && line[i + 1] === '(') {
      const end = substitutionEnd(line, i);
      out.push(...simpleCommands(line.slice(i + 2, end - 1)));
      flat += '$SUBST';
      i = end - 1;
    } else {
      flat += line[i];
    }
  }
  let words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  const endWord = () => { if (word !== undefined) words.push(word); word = undefined; };
  const endCommand = () => { endWord(); if (words.length > 0) out.push(words); words = []; };
  for (let i = 0; i < flat.length; i++) {
    const c = flat[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') { quote = c; word = word ?? ''; } else if (c === ' ' || c === '\t') {endWord();} else if (c === ';' || c === '|' || c === '&') { endCommand(); if (flat[i + 1] === c) i++; } else if (c === '#' && word === undefined) {break;} else {word = (word ?? '') + c;}
  }
  if (quote) throw new Error(`unterminated quote in ${line}`);
  endCommand();
  // Drop the shell keywords in front of a command.
  return out.map((w) => {
    let k = 0;
    while (['if', 'then', 'do', 'else', '!'].includes(w[k])) k++;
    return w.slice(k);
  }).filter((w) => w.length > 0);
}

interface Block { file: string; heading: string; title: string; lines: string[] }

/** The `sh` blocks of a Markdown file, each with the heading it is under, continuation lines joined. */
function shBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  let heading = '';
  const title = text.split('\n').find((l) => l.startsWith('# ')) ?? '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('### ')) heading = lines[i].slice(4);
    if (lines[i] !== '```sh') continue;
    const body: string[] = [];
    for (i++; lines[i] !== '```'; i++) body.push(lines[i]);
    blocks.push({ file, heading, title, lines: body.join('\n').replace(/\\\n/g, ' ').split('\n') });
  }
  return blocks;
}

/** The service and environment a block is for: `### <env>` in a runbook of `# Runbook: <service> ...`, `### <service> in <env>`. */
function scopeOf(g: Generated, b: Block): { service: string; env: EnvironmentModel } {
  const [svc, envName] = b.heading.includes(' in ') ? b.heading.split(' in ') : [b.title.split(' ')[2], b.heading];
  const env = g.model.environments.find((e) => e.name === envName);
  if (!env || !g.model.services.some((s) => s.name === svc)) throw new Error(`${b.file}: a block under "${b.heading}" names no service and environment`);
  return { service: svc, env };
}

const LIST_OPTIONS = new Set(['--status', '--alarm-types', '--services', '--tasks', '--capabilities', '--parameter-overrides']);

/** The names a template declares, by resource type and property. */
function namesIn(template: any, type: string, property: string): string[] {
  return Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === type).map((r) => r.Properties?.[property]).filter((v) => typeof v === 'string');
}

/** The problems of one `aws` command, as it stands in a block for `env`'s stack. */
function awsProblems(words: string[], stackName: string, env: EnvironmentModel, template: any): string[] {
  const problems: string[] = [];
  const three = words.slice(1, 4).join(' ');
  const key = AWS_CLI[three] ? three : words.slice(1, 3).join(' ');
  const spec = AWS_CLI[key];
  if (!spec) return [`not a checked AWS CLI command: aws ${key}`];
  const rest = words.slice(1 + key.split(' ').length);
  const options = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (!rest[i].startsWith('--')) { positional.push(rest[i]); continue; }
    const option = rest[i];
    if (!spec.options.includes(option) && !GLOBAL_OPTIONS.includes(option)) problems.push(`${key}: no option ${option} (${spec.page})`);
    const values: string[] = [];
    const takesValue = !['--no-fail-on-empty-changeset', '--follow', '--no-cli-pager'].includes(option);
    while (takesValue && i + 1 < rest.length && !rest[i + 1].startsWith('--') && (values.length === 0 || LIST_OPTIONS.has(option))) values.push(rest[++i]);
    if (takesValue && values.length === 0) problems.push(`${key}: ${option} without a value`);
    options.set(option, values);
  }
  if (positional.length !== spec.positional) problems.push(`${key}: ${positional.length} positional arguments (${positional.join(' ')}), expected ${spec.positional}`);
  if (options.get('--region')?.[0] !== env.region) problems.push(`${key}: --region ${options.get('--region')?.[0]}, expected ${env.region}`);
  for (const [option, allowed] of Object.entries(ENUMS)) {
    for (const v of options.get(option) ?? []) if (!allowed.includes(v)) problems.push(`${key}: ${option} ${v} is not one of ${allowed.join(', ')}`);
  }
  const mustBeIn = (option: string, names: string[], what: string) => {
    for (const v of options.get(option) ?? []) if (!v.startsWith('$') && !names.includes(v)) problems.push(`${key}: ${option} ${v} is no ${what} of ${stackName} (${names.join(', ')})`);
  };
  mustBeIn('--stack-name', [stackName], 'stack');
  mustBeIn('--cluster', namesIn(template, 'AWS::ECS::Cluster', 'ClusterName'), 'cluster');
  for (const o of ['--service', '--services', '--service-name']) mustBeIn(o, namesIn(template, 'AWS::ECS::Service', 'ServiceName'), 'ECS service');
  mustBeIn('--alarm-name', [...namesIn(template, 'AWS::CloudWatch::Alarm', 'AlarmName'), ...namesIn(template, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName')], 'alarm');
  if (key === 'synthetics get-canary-runs') mustBeIn('--name', namesIn(template, 'AWS::Synthetics::Canary', 'Name'), 'canary');
  for (const m of (options.get('--query')?.[0] ?? '').matchAll(/RestoreTestingPlanName=='([^']+)'/g)) {
    const plans = namesIn(template, 'AWS::Backup::RestoreTestingPlan', 'RestoreTestingPlanName');
    if (!plans.includes(m[1])) problems.push(`${key}: restore testing plan ${m[1]} is no plan of ${stackName} (${plans.join(', ')})`);
  }
  if (key === 'logs tail' && !namesIn(template, 'AWS::Logs::LogGroup', 'LogGroupName').includes(positional[0])) problems.push(`logs tail: ${positional[0]} is no log group of ${stackName}`);
  return problems;
}

/** Every problem of the documents of one generated project. */
function documentProblems(g: Generated): { problems: string[]; commands: number } {
  const problems: string[] = [];
  let commands = 0;
  const docs = Object.entries(g.files).filter(([f]) => f.startsWith('docs/') && f.endsWith('.md'));
  for (const [file, text] of docs) {
    // Commands are in blocks, whole: none in the prose, and no placeholder anywhere in a block.
    for (const m of text.matchAll(/`(aws [^`]*)`/g)) problems.push(`${file}: a command in the prose: ${m[1]}`);
    for (const b of shBlocks(file, text)) {
      const { service, env } = scopeOf(g, b);
      const t = target(g.model, service, env.name);
      const template = JSON.parse(g.files[t.filePath]);
      for (const line of b.lines) {
        if (/<[a-z][a-z -]*>/.test(line)) problems.push(`${file} (${b.heading}): a placeholder in ${line.trim()}`);
        for (const words of simpleCommands(line)) {
          if (words[0] === 'aws') {
            commands++;
            problems.push(...awsProblems(words, t.stackName, env, template).map((p) => `${file} (${b.heading}): ${p}`));
          }
          if (words[0] === 'curl' && !(env.url && words[words.length - 1].startsWith(env.url))) problems.push(`${file} (${b.heading}): curl of ${words[words.length - 1]}, not ${env.url}`);
        }
      }
    }
    // Alarm links point at alarms that exist; dashboard sections named in quotes exist on the dashboard.
    const templates = Object.entries(g.files).filter(([f]) => f.startsWith('infra/') && f.endsWith('.template.json')).map(([, c]) => JSON.parse(c));
    const alarms = templates.flatMap((tpl) => [...namesIn(tpl, 'AWS::CloudWatch::Alarm', 'AlarmName'), ...namesIn(tpl, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName')]);
    for (const m of text.matchAll(/#alarmsV2:alarm\/([^)\s]+)\)/g)) if (!alarms.includes(m[1])) problems.push(`${file}: a link to alarm ${m[1]}, which no template creates`);
    const dashboards = templates.flatMap((tpl) => Object.values(tpl.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard').map((r) => JSON.stringify(r.Properties.DashboardBody)));
    for (const m of text.matchAll(/"([A-Z][^"]*\?)"/g)) if (!dashboards.some((d) => d.includes(m[1]))) problems.push(`${file}: dashboard section "${m[1]}" is on no dashboard`);
  }
  return { problems, commands };
}

describe.each(CONFIGS.map((g) => [g.name, g] as const))('%s: the runbooks and playbooks', (_name, g) => {
  test('THEN every command runs as written: real AWS CLI commands and options, the region, no placeholder, names from that environment\'s template', () => {
    const { problems, commands } = documentProblems(g);
    expect(problems).toEqual([]);
    expect(commands).toBeGreaterThan(20);
  });
});

describe('the checker itself', () => {
  const g = CONFIGS[0];
  const withDoc = (text: string): Generated => ({ ...g, files: { ...g.files, 'docs/runbooks/x.md': text } });
  const block = (...lines: string[]) => ['# Runbook: api x', '', '### prod', '', '```sh', ...lines, '```', ''].join('\n');
  const problemsOf = (text: string) => documentProblems(withDoc(text)).problems.filter((p) => p.startsWith('docs/runbooks/x.md'));

  test('a placeholder, a wrong name, a wrong region, an unknown option or command each fail', () => {
    expect(problemsOf(block('aws logs tail <log group> --region eu-west-1 --since 30m'))).toEqual(expect.arrayContaining([expect.stringContaining('a placeholder')]));
    expect(problemsOf(block('aws ecs describe-services --region eu-west-1 --cluster api-dev --services api'))).toEqual([expect.stringContaining('--cluster api-dev is no cluster of api-prod')]);
    expect(problemsOf(block('aws ecs describe-services --region us-east-1 --cluster api-prod --services api'))).toEqual([expect.stringContaining('--region us-east-1, expected eu-west-1')]);
    expect(problemsOf(block('aws ecs describe-services --region eu-west-1 --cluster api-prod --service-names api'))).toEqual([expect.stringContaining('no option --service-names')]);
    expect(problemsOf(block('x="$(aws ecs rollback-service --region eu-west-1)"'))).toEqual([expect.stringContaining('not a checked AWS CLI command: aws ecs rollback-service')]);
    expect(problemsOf(block('aws cloudwatch describe-alarm-history --region eu-west-1 --alarm-name api-prod-nothing'))).toEqual([expect.stringContaining('--alarm-name api-prod-nothing is no alarm')]);
    expect(problemsOf('# Runbook: api x\n\nRun `aws ecs list-tasks --cluster <cluster>`.\n')).toEqual([expect.stringContaining('a command in the prose')]);
    expect(problemsOf(block('aws backup list-restore-testing-plans --region eu-west-1 --query "RestoreTestingPlans[?RestoreTestingPlanName==\'api_dev_restore_test\'].RestoreTestingPlanArn"')))
      .toEqual([expect.stringContaining('restore testing plan api_dev_restore_test is no plan of api-prod')]);
    expect(problemsOf(block('aws backup list-restore-jobs --region eu-west-1 --by-status DONE'))).toEqual([expect.stringContaining('--by-status DONE is not one of')]);
    expect(problemsOf(block('aws ecs describe-services --region eu-west-1 --cluster api-prod --services api'))).toEqual([]);
  });

  test('a link to an alarm the environment does not create, and a dashboard section that does not exist, fail', () => {
    expect(problemsOf('[x](https://x#alarmsV2:alarm/api-dev-nothing)\n')).toEqual([expect.stringContaining('which no template creates')]);
    expect(problemsOf('Under "Is it on fire?", look.\n')).toEqual([expect.stringContaining('dashboard section "Is it on fire?"')]);
  });
});

test('a composite alarm only pages: its runbook does not claim it rolls back; its parts roll back without notifying. An environment without its parts has no row', () => {
  const f = CONFIGS[0].files;
  expect(f['docs/runbooks/users-hurting.md']).not.toContain('rolls back a deployment');
  // The parts roll back and notify nobody themselves: the composite notifies once per incident.
  expect(f['docs/runbooks/http-5xx-rate.md']).toContain('| Route | Notifies nobody itself: the composite alarm `users-hurting` notifies for it (one page or message per incident). Rolls back a deployment in progress. |');
  // dev has no load balancer and no URL: neither the 5xx alarm nor the composite over it exists there.
  expect(f['docs/runbooks/users-hurting.md']).not.toContain('api-dev-users-hurting');
  expect(f['docs/runbooks/users-hurting.md']).toContain('[`api-prod-users-hurting`]');
  expect(f['docs/playbooks/deploy.md']).not.toMatch(/\| api \| dev \|[^\n]*api-dev-http-5xx-rate/);
});
