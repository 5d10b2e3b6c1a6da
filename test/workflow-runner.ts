/**
 * A small, honest runner for one job of a generated GitHub Actions workflow, for tests.
 *
 * It runs the job's steps in order with GitHub's step semantics, as far as the generated deploy and publish jobs
 * use them:
 * - `if:` (default `success()`, and `success() && (...)` around a condition without a status function), with `success()`, `failure()`, `always()`, `cancelled()`, `==`, `!=`, `&&`, `||`,
 *   `!`, parentheses, string literals and the contexts listed below; a skipped step has outcome `skipped`;
 * - `run:` scripts under `bash -e <file>` (GitHub's default shell on Linux), with the job's `env:` and the step's
 *   `env:` (their `${{ }}` expressions evaluated), a fresh `$GITHUB_OUTPUT` per step parsed into
 *   `steps.<id>.outputs` (`name=value` and `name<<DELIM` forms) and `$GITHUB_STEP_SUMMARY` appended to the job's
 *   summary; a non-zero exit makes the step's outcome `failure` and the job's status `failure`;
 * - contexts: `steps.<id>.outputs.<name>`, `steps.<id>.outcome`, `steps.<id>.conclusion`,
 *   `needs.<job>.outputs.<name>`, `job.status`, `github.sha`, `github.repository`, `github.server_url`,
 *   `github.triggering_actor`, `github.run_id`, `github.token`; anything else throws, so a generated expression the
 *   runner does not understand fails the test instead of being guessed;
 * - `uses:` steps are simulated: checkout, credentials, ECR login, Buildx and toolchain setup are no-ops;
 *   `docker/build-push-action` calls the stub `docker` with the equivalent `docker buildx build` arguments.
 *
 * Commands: stub `aws`, `curl`, `docker`, `gh` and `npm` (node) record every call (argv) to a log and answer from a
 * scenario (the first rule whose regular expression matches `<tool> <argv joined by spaces>`; its answers are
 * used in order, the last one repeating). An unscripted call fails with exit 99 and is logged. `date`, `sleep`
 * and `timeout` are stubs over a fake clock (seconds in a file): `sleep N` advances it, an answer's `advance`
 * advances it (a command that takes that long), `timeout LIMIT cmd` exits 124 at LIMIT when the command took
 * longer. Each step's elapsed fake time is reported beside its `timeout-minutes`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** One scripted answer of a stub command. */
export interface Answer {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exit?: number;
  /** Seconds the command takes on the fake clock. */
  readonly advance?: number;
}

/** Answers for the calls whose `<tool> <argv...>` matches `when` (a regular expression). */
export interface Rule {
  readonly when: string;
  readonly answers: readonly Answer[];
}

export interface Call {
  readonly tool: string;
  readonly argv: readonly string[];
  /** The fake clock when the call was made. */
  readonly at: number;
}

export interface StepResult {
  readonly id?: string;
  readonly name: string;
  readonly outcome: 'success' | 'failure' | 'skipped';
  readonly outputs: Readonly<Record<string, string>>;
  readonly output: string;
  /** Fake seconds the step took. */
  readonly elapsed: number;
  readonly timeoutMinutes?: number;
}

export interface JobResult {
  readonly status: 'success' | 'failure';
  readonly steps: readonly StepResult[];
  readonly summary: string;
  readonly calls: readonly Call[];
  /** Fake seconds the whole job took. */
  readonly elapsed: number;
  readonly step: (name: string) => StepResult;
  /** `$RUNNER_TEMP` of the run (removed afterwards), to name the files the scripts write there. */
  readonly runnerTemp: string;
}

export interface RunOptions {
  readonly rules: readonly Rule[];
  readonly sha?: string;
  /** Outputs of the jobs this one needs: `needs.<job>.outputs.<name>`. */
  readonly needs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Files to put in the workspace (the checkout), by relative path. */
  readonly files?: Readonly<Record<string, string>>;
}

interface Step {
  readonly 'name'?: string;
  readonly 'id'?: string;
  readonly 'if'?: string;
  readonly 'uses'?: string;
  readonly 'with'?: Record<string, string | number | boolean>;
  readonly 'env'?: Record<string, string>;
  readonly 'run'?: string;
  readonly 'continue-on-error'?: boolean;
  readonly 'timeout-minutes'?: number;
}

interface Job {
  readonly env?: Record<string, string>;
  readonly steps: readonly Step[];
}

const NODE_STUB = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const state = process.env.STUB_STATE;
const tool = process.argv[2];
const argv = process.argv.slice(3);
const clockFile = path.join(state, 'clock');
const now = Number(fs.readFileSync(clockFile, 'utf8'));
fs.appendFileSync(path.join(state, 'calls.jsonl'), JSON.stringify({ tool, argv, at: now }) + '\\n');
const rules = JSON.parse(fs.readFileSync(path.join(state, 'rules.json'), 'utf8'));
const countsFile = path.join(state, 'counts.json');
const counts = fs.existsSync(countsFile) ? JSON.parse(fs.readFileSync(countsFile, 'utf8')) : {};
const line = [tool, ...argv].join(' ');
const i = rules.findIndex((r) => new RegExp(r.when).test(line));
if (i < 0) {
  fs.appendFileSync(path.join(state, 'unscripted.log'), line + '\\n');
  process.stderr.write('stub: unscripted call: ' + line + '\\n');
  process.exit(99);
}
const n = counts[i] || 0;
counts[i] = n + 1;
fs.writeFileSync(countsFile, JSON.stringify(counts));
const a = rules[i].answers[Math.min(n, rules[i].answers.length - 1)];
if (a.advance) fs.writeFileSync(clockFile, String(now + a.advance));
if (a.stdout !== undefined) process.stdout.write(a.stdout + '\\n');
if (a.stderr !== undefined) process.stderr.write(a.stderr + '\\n');
process.exit(a.exit || 0);
`;

const DATE_STUB = `#!/usr/bin/env bash
now="$(cat "$STUB_STATE/clock")"
case "$*" in
  "+%s") echo "$now" ;;
  "-u +%H:%M:%S") printf '%02d:%02d:%02d\\n' $(( now / 3600 % 24 )) $(( now / 60 % 60 )) $(( now % 60 )) ;;
  *) echo "stub date: unsupported arguments: $*" >&2; exit 99 ;;
esac
`;

const SLEEP_STUB = `#!/usr/bin/env bash
case "$1" in ''|*[!0-9]*) echo "stub sleep: seconds expected, got $1" >&2; exit 99 ;; esac
now="$(cat "$STUB_STATE/clock")"
printf '{"tool":"sleep","argv":["%s"],"at":%s}\\n' "$1" "$now" >> "$STUB_STATE/calls.jsonl"
echo $(( now + $1 )) > "$STUB_STATE/clock"
`;

const TIMEOUT_STUB = `#!/usr/bin/env bash
limit="$1"
shift
case "$limit" in ''|*[!0-9]*) echo "stub timeout: seconds expected, got $limit" >&2; exit 99 ;; esac
start="$(cat "$STUB_STATE/clock")"
printf '{"tool":"timeout","argv":["%s"],"at":%s}\\n' "$limit" "$start" >> "$STUB_STATE/calls.jsonl"
code=0
"$@" || code=$?
now="$(cat "$STUB_STATE/clock")"
if [ $(( now - start )) -ge "$limit" ]; then
  echo $(( start + limit )) > "$STUB_STATE/clock"
  exit 124
fi
exit "$code"
`;

/** `github.triggering_actor` and `github.run_id` of every run. */
export const RUNNER_ACTOR = 'octocat';
export const RUNNER_RUN_ID = '1234567890';

/** `github.repository` when the run names none. */
export const RUNNER_REPOSITORY = 'example-org/node-api';

/** The answer of the AWS CLI to a call that failed with an AWS error (exit 254 and the error on stderr). */
export function awsError(code: string, operation: string, message: string): Answer {
  return { exit: 254, stderr: `\nAn error occurred (${code}) when calling the ${operation} operation: ${message}` };
}

/**
 * The AWS answers for an environment stack (`<project>-<env>-environment`) deployed before a workload: no commit
 * recorded yet (its last good template is missing), a settled stack, an empty change set, then the commit recorded.
 */
export function environmentStackRules(): Rule[] {
  const env = '[a-z0-9-]+-environment';
  return [
    { when: `^aws s3api head-object --bucket \\S+ --key last-good/${env}\\.template\\.json `, answers: [{ exit: 254, stderr: '\nAn error occurred (404) when calling the HeadObject operation: Not Found' }] },
    { when: `^aws cloudformation describe-stacks --stack-name ${env} --query Stacks\\[0\\]\\.StackStatus `, answers: [{ stdout: 'UPDATE_COMPLETE' }] },
    { when: `^aws cloudformation deploy --stack-name ${env} `, answers: [{ stdout: '' }] },
    { when: `^aws s3api put-object --bucket \\S+ --key last-good/${env}\\.template\\.json `, answers: [{ stdout: '"3f2a9c0e5b7d41a8b6c2d9e0f1a2b3c4"' }] },
  ];
}

/**
 * Whether GitHub starts `jobId`, given the results (and outputs) of the jobs it needs, on a push to main: its `if:`
 * (none means `success()`), where a condition without a status function is `success() && (...)`, and `success()`
 * means every need succeeded. `cancelled()` is false (the run was not cancelled).
 */
export function jobRuns(
  workflow: { jobs: Record<string, Job> }, jobId: string,
  results: Readonly<Record<string, 'success' | 'failure' | 'cancelled' | 'skipped'>>,
  outputs: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): boolean {
  const job = workflow.jobs[jobId] as Job & { needs?: string[] | string; if?: string };
  if (!job) throw new Error(`runner: no job ${jobId}`);
  const needs = job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
  for (const n of needs) if (!results[n]) throw new Error(`runner: the result of ${n} (needed by ${jobId}) is not given`);
  const own = Object.fromEntries(needs.map((n) => [n, results[n]]));
  const allSucceeded = needs.every((n) => results[n] === 'success');
  const condition = job.if === undefined ? 'success()' : stripBraces(String(job.if));
  const expr = /\b(success|failure|always|cancelled)\(\)/.test(condition) ? condition : `success() && (${condition})`;
  return truthy(evaluate(expr, {
    sha: 'job-level',
    needs: outputs,
    results: own,
    status: () => (allSucceeded ? 'success' : 'failure'),
    step: () => { throw new Error('runner: steps are not a job-level context'); },
  }));
}

/** Run one job of a parsed workflow. */
export function runJob(workflow: { jobs: Record<string, Job> }, jobId: string, options: RunOptions): JobResult {
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`runner: no job ${jobId}`);
  const root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'shipshape-runner-'));
  try {
    return run(job, root, options);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function run(job: Job, root: string, options: RunOptions): JobResult {
  const bin = path.join(root, 'bin');
  const state = path.join(root, 'state');
  const workspace = path.join(root, 'workspace');
  const temp = path.join(root, 'runner-temp');
  for (const d of [bin, state, workspace, temp]) fs.mkdirSync(d);
  for (const [file, content] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    fs.writeFileSync(path.join(workspace, file), content);
  }
  const stub = path.join(root, 'stub.js');
  fs.writeFileSync(stub, NODE_STUB);
  for (const tool of ['aws', 'curl', 'docker', 'gh', 'npm']) {
    fs.writeFileSync(path.join(bin, tool), `#!/usr/bin/env bash\nexec node "${stub}" ${tool} "$@"\n`, { mode: 0o755 });
  }
  fs.writeFileSync(path.join(bin, 'date'), DATE_STUB, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'sleep'), SLEEP_STUB, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'timeout'), TIMEOUT_STUB, { mode: 0o755 });
  fs.writeFileSync(path.join(state, 'clock'), '0');
  fs.writeFileSync(path.join(state, 'calls.jsonl'), '');
  fs.writeFileSync(path.join(state, 'rules.json'), JSON.stringify(options.rules));
  const clock = () => Number(fs.readFileSync(path.join(state, 'clock'), 'utf8'));

  const sha = options.sha ?? '0123456789abcdef0123456789abcdef01234567';
  const results: StepResult[] = [];
  const byId = new Map<string, StepResult>();
  let status: 'success' | 'failure' = 'success';
  let summary = '';
  const ctx: Context = {
    sha,
    repository: RUNNER_REPOSITORY,
    needs: options.needs ?? {},
    status: () => status,
    step: (id) => byId.get(id),
  };
  const jobEnv = evaluateEnv(job.env ?? {}, ctx);
  const baseEnv: Record<string, string> = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: process.env.HOME ?? root,
    GITHUB_ACTIONS: 'true',
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: RUNNER_REPOSITORY,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    STUB_STATE: state,
  };

  job.steps.forEach((step, index) => {
    const name = step.name ?? step.uses ?? step.run ?? `step ${index}`;
    const start = clock();
    // GitHub: "A default status check of success() is applied unless you include one of these functions" (a condition
    // without success(), failure(), always() or cancelled() runs only while every earlier step succeeded).
    const given = step.if === undefined ? undefined : stripBraces(step.if);
    const condition = given === undefined ? 'success()' : /\b(success|failure|always|cancelled)\(\)/.test(given) ? given : `success() && (${given})`;
    let result: StepResult;
    if (!truthy(evaluate(condition, ctx))) {
      result = { id: step.id, name, outcome: 'skipped', outputs: {}, output: '', elapsed: 0, timeoutMinutes: step['timeout-minutes'] };
    } else {
      const stepEnv = { ...baseEnv, ...jobEnv, ...evaluateEnv(step.env ?? {}, ctx) };
      const outcome = step.run !== undefined ? runScript(step.run, stepEnv, workspace, temp, index) : runAction(step, stepEnv, workspace, ctx);
      summary += outcome.summary;
      result = {
        id: step.id,
        name,
        outcome: outcome.ok ? 'success' : 'failure',
        outputs: outcome.outputs,
        output: outcome.output,
        elapsed: clock() - start,
        timeoutMinutes: step['timeout-minutes'],
      };
      if (!outcome.ok && !step['continue-on-error']) status = 'failure';
    }
    results.push(result);
    if (step.id) byId.set(step.id, result);
  });

  const unscripted = path.join(state, 'unscripted.log');
  if (fs.existsSync(unscripted)) {
    throw new Error(`runner: unscripted calls:\n${fs.readFileSync(unscripted, 'utf8')}\nstep output:\n${results.map((r) => `## ${r.name} (${r.outcome})\n${r.output}`).join('\n')}`);
  }
  const calls = fs.readFileSync(path.join(state, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call);
  return {
    status,
    steps: results,
    summary,
    calls,
    elapsed: clock(),
    runnerTemp: temp,
    step: (n) => {
      const found = results.find((r) => r.name === n || r.id === n);
      if (!found) throw new Error(`runner: no step ${n} among ${results.map((r) => r.name).join(', ')}`);
      return found;
    },
  };
}

interface Outcome { ok: boolean; outputs: Record<string, string>; output: string; summary: string }

function runScript(script: string, env: Record<string, string>, cwd: string, temp: string, index: number): Outcome {
  const file = path.join(temp, `step-${index}.sh`);
  const outputFile = path.join(temp, `step-${index}.output`);
  const summaryFile = path.join(temp, `step-${index}.summary`);
  fs.writeFileSync(file, script);
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const r = spawnSync('bash', ['-e', file], {
    cwd, env: { ...env, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile }, encoding: 'utf8', timeout: 60_000,
  });
  if (r.error) throw r.error;
  return {
    ok: r.status === 0,
    outputs: parseOutputs(fs.readFileSync(outputFile, 'utf8')),
    output: `${r.stdout}${r.stderr}`,
    summary: fs.readFileSync(summaryFile, 'utf8'),
  };
}

/** `$GITHUB_OUTPUT`: `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks; a later value wins. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      out[heredoc[1]] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`runner: malformed GITHUB_OUTPUT line: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const NO_OPS = [
  'actions/checkout', 'aws-actions/configure-aws-credentials', 'aws-actions/amazon-ecr-login', 'docker/setup-buildx-action',
  'actions/setup-node', 'actions/setup-python', 'actions/setup-go', 'astral-sh/setup-uv',
];

function runAction(step: Step, env: Record<string, string>, cwd: string, ctx: Context): Outcome {
  const action = step.uses!.split('@')[0];
  if (NO_OPS.includes(action)) return { ok: true, outputs: {}, output: '', summary: '' };
  if (action === 'docker/build-push-action') {
    const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]));
    const args = ['buildx', 'build', '--file', w.file, '--tag', w.tags];
    if (w['cache-from']) args.push('--cache-from', w['cache-from']);
    if (w['cache-to']) args.push('--cache-to', w['cache-to']);
    if (w.push === 'true') args.push('--push');
    args.push(w.context);
    const r = spawnSync('docker', args, { cwd, env, encoding: 'utf8' });
    if (r.error) throw r.error;
    return { ok: r.status === 0, outputs: {}, output: `${r.stdout}${r.stderr}`, summary: '' };
  }
  throw new Error(`runner: no simulation for action ${action}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions

export interface Context {
  readonly sha: string;
  /** `github.repository`, 'owner/repo'. */
  readonly repository?: string;
  readonly needs: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly status: () => 'success' | 'failure';
  readonly step: (id: string) => StepResult | undefined;
  /** Job level: `needs.<job>.result` of each job the evaluated job needs. */
  readonly results?: Readonly<Record<string, 'success' | 'failure' | 'cancelled' | 'skipped'>>;
}

type Value = string | boolean | null;

const stripBraces = (s: string) => {
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(s);
  return m ? m[1] : s;
};

function evaluateEnv(env: Record<string, string>, ctx: Context): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v), ctx)]));
}

/** Replace each `${{ expr }}` in a string with its value (null → empty string, as GitHub does). */
export function interpolate(text: string, ctx: Context): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) => {
    const v = evaluate(expr, ctx);
    return v === null ? '' : String(v);
  });
}

function truthy(v: Value): boolean {
  return v !== null && v !== false && v !== '';
}

function resolve(pathExpr: string, ctx: Context): Value {
  const parts = pathExpr.split('.');
  if (parts[0] === 'steps' && parts.length >= 3) {
    const step = ctx.step(parts[1]);
    if (parts[2] === 'outcome' || parts[2] === 'conclusion') return step ? step.outcome : null;
    if (parts[2] === 'outputs' && parts.length === 4) return step?.outputs[parts[3]] ?? null;
  }
  if (parts[0] === 'needs' && parts[2] === 'result' && parts.length === 3) {
    const result = ctx.results?.[parts[1]];
    if (!result) throw new Error(`runner: the result of needs.${parts[1]} is not given`);
    return result;
  }
  if (pathExpr === 'github.event_name') return 'push';
  if (pathExpr === 'github.ref') return 'refs/heads/main';
  if (parts[0] === 'needs' && parts[2] === 'outputs' && parts.length === 4) {
    const job = ctx.needs[parts[1]];
    if (!job) throw new Error(`runner: needs.${parts[1]} is not given`);
    return job[parts[3]] ?? null;
  }
  if (pathExpr === 'job.status') return ctx.status();
  if (pathExpr === 'github.sha') return ctx.sha;
  if (pathExpr === 'github.repository') return ctx.repository ?? RUNNER_REPOSITORY;
  if (pathExpr === 'github.server_url') return 'https://github.com';
  if (pathExpr === 'github.triggering_actor') return RUNNER_ACTOR;
  if (pathExpr === 'github.run_id') return RUNNER_RUN_ID;
  // A recognisable fake: the stub `gh` records calls, it never sends the token anywhere.
  if (pathExpr === 'github.token') return 'ghs_runner-fake-token';
  throw new Error(`runner: unsupported context ${pathExpr}`);
}

/** Evaluate one expression (without `${{ }}`). */
export function evaluate(expr: string, ctx: Context): Value {
  // The two collections the generated job conditions read, as single tokens: the needs' results and publish's outputs.
  const tokens = expr.replace(/needs\.\*\.result/g, '__needs_results__').replace(/toJSON\(needs\.publish\.outputs\)/g, '__publish_outputs__').match(/'(?:[^']|'')*'|==|!=|&&|\|\||[()!]|[A-Za-z_][A-Za-z0-9_.-]*|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const or = (): Value => {
    let left = and();
    while (peek() === '||') { next(); const right = and(); left = truthy(left) ? left : right; }
    return left;
  };
  const and = (): Value => {
    let left = cmp();
    while (peek() === '&&') { next(); const right = cmp(); left = truthy(left) ? right : left; }
    return left;
  };
  const cmp = (): Value => {
    const left = unary();
    if (peek() === '==' || peek() === '!=') {
      const op = next();
      const right = unary();
      // GitHub compares strings case-insensitively.
      const eq = typeof left === 'string' && typeof right === 'string' ? left.toLowerCase() === right.toLowerCase() : left === right;
      return op === '==' ? eq : !eq;
    }
    return left;
  };
  const unary = (): Value => {
    if (peek() === '!') { next(); return !truthy(unary()); }
    return primary();
  };
  const primary = (): Value => {
    const t = next();
    if (t === undefined) throw new Error(`runner: unexpected end of expression ${expr}`);
    if (t === '(') { const v = or(); if (next() !== ')') throw new Error(`runner: ) expected in ${expr}`); return v; }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (t === 'contains' && peek() === '(') {
      next();
      const collection = next();
      if (next() !== ',') throw new Error(`runner: contains(collection, value) expected in ${expr}`);
      const needle = String(or());
      if (next() !== ')') throw new Error(`runner: ) expected in ${expr}`);
      if (collection === '__needs_results__') {
        if (!ctx.results) throw new Error('runner: needs.*.result outside a job condition');
        return Object.values(ctx.results).some((r) => r.toLowerCase() === needle.toLowerCase());
      }
      if (collection === '__publish_outputs__') return JSON.stringify(ctx.needs.publish ?? {}).includes(needle);
      throw new Error(`runner: contains() of ${collection} is not supported`);
    }
    if (/^(success|failure|always|cancelled)$/.test(t) && peek() === '(') {
      next();
      if (next() !== ')') throw new Error(`runner: ${t}() takes no arguments here`);
      switch (t) {
        case 'success': return ctx.status() === 'success';
        case 'failure': return ctx.status() === 'failure';
        case 'always': return true;
        default: return false;
      }
    }
    if (/^[A-Za-z_]/.test(t)) return resolve(t, ctx);
    throw new Error(`runner: unsupported token ${t} in ${expr}`);
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`runner: trailing tokens in ${expr}: ${tokens.slice(i).join(' ')}`);
  return value;
}
