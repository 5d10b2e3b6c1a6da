/**
 * The reader and checker of the commands in generated runbooks (test/runbook-commands.test.ts, test/worker.test.ts,
 * test/scheduled-job.test.ts): a small shell reader, and the check of one `aws` command against the AWS CLI reference
 * (test/aws-cli-reference.ts) and the template of the stack it is for.
 */
import { AWS_CLI, ENUMS, GLOBAL_OPTIONS } from './aws-cli-reference';
import type { EnvironmentModel } from '../src/model';

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
export function simpleCommands(line: string): string[][] {
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

export interface Block { file: string; heading: string; title: string; lines: string[] }

/** The `sh` blocks of a Markdown file, each with the heading it is under, continuation lines joined. */
export function shBlocks(file: string, text: string): Block[] {
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

const LIST_OPTIONS = new Set(['--attribute-names', '--status', '--alarm-types', '--services', '--tasks', '--capabilities', '--parameter-overrides']);

/** The names a template declares, by resource type and property. */
export function namesIn(template: any, type: string, property: string): string[] {
  return Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === type).map((r) => r.Properties?.[property]).filter((v) => typeof v === 'string');
}

/** The problems of one `aws` command, as it stands in a block for `env`'s stack. */
export function awsProblems(words: string[], stackName: string, env: EnvironmentModel, template: any): string[] {
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
    const takesValue = !['--no-fail-on-empty-changeset', '--follow', '--no-cli-pager', '--reverse-order'].includes(option);
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
  // A scheduled job's state machine (by ARN, in this environment), task family and schedule group.
  mustBeIn('--state-machine-arn', namesIn(template, 'AWS::StepFunctions::StateMachine', 'StateMachineName')
    .map((n) => `arn:${env.region.startsWith('cn-') ? 'aws-cn' : 'aws'}:states:${env.region}:${env.account}:stateMachine:${n}`), 'state machine');
  mustBeIn('--family', namesIn(template, 'AWS::ECS::TaskDefinition', 'Family'), 'task definition family');
  mustBeIn('--group-name', namesIn(template, 'AWS::Scheduler::ScheduleGroup', 'Name'), 'schedule group');
  if (key === 'scheduler get-schedule') mustBeIn('--name', namesIn(template, 'AWS::Scheduler::Schedule', 'Name'), 'schedule');
  mustBeIn('--alarm-name', [...namesIn(template, 'AWS::CloudWatch::Alarm', 'AlarmName'), ...namesIn(template, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName')], 'alarm');
  const queues = namesIn(template, 'AWS::SQS::Queue', 'QueueName');
  mustBeIn('--queue-name', queues, 'queue');
  for (const o of ['--source-arn', '--destination-arn']) {
    for (const v of options.get(o) ?? []) if (!v.startsWith('$') && !queues.some((q) => v === `arn:aws:sqs:${env.region}:${env.account}:${q}`)) problems.push(`${key}: ${o} ${v} is the ARN of no queue of ${stackName}`);
  }
  if (key === 'synthetics get-canary-runs') mustBeIn('--name', namesIn(template, 'AWS::Synthetics::Canary', 'Name'), 'canary');
  for (const m of (options.get('--query')?.[0] ?? '').matchAll(/RestoreTestingPlanName=='([^']+)'/g)) {
    const plans = namesIn(template, 'AWS::Backup::RestoreTestingPlan', 'RestoreTestingPlanName');
    if (!plans.includes(m[1])) problems.push(`${key}: restore testing plan ${m[1]} is no plan of ${stackName} (${plans.join(', ')})`);
  }
  if (key === 'logs tail' && !namesIn(template, 'AWS::Logs::LogGroup', 'LogGroupName').includes(positional[0])) problems.push(`logs tail: ${positional[0]} is no log group of ${stackName}`);
  return problems;
}

