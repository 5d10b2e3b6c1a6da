/**
 * `npm run bench`: how close shipshape's synthesis is to projen's own floor.
 *
 *  (a) cold   `npx projen` in examples/node-api vs a bare projen project with the same (tsx) runner,
 *             alternated in one run, shipshape's cache cleared before each example run; median ratio.
 *  (b) warm   the same with nothing changed since the previous run; median ratio.
 *  (c) scale  in-process synthesis of 1, 10 and 50 services × 3 environments, CloudFormation validation off.
 *  (d) validation  the CloudFormation validator's start-up and its time per template.
 *  (e) app    in-process synthesis of an application of 20 workloads (public and internal services calling each
 *             other, queue workers subscribed to them, scheduled jobs, each with its image) × 3 environments with
 *             domains, CloudFormation validation off; the bound is 10 s.
 *
 * The last line is machine-readable: `cold=1.08x warm=1.02x scale50=9.1s perstack=61ms app20=4.2s`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { DockerImage, DockerPreset, Environment, ScheduledJob, Service, Shipshape, Worker } from '../src';
import { synthSnapshot } from '../src/testing/synth';
import { CloudFormationValidator } from '../src/validators/cloudformation';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'examples', 'node-api');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PROJEN = path.join(ROOT, 'node_modules', '.bin', 'projen');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function timeMs(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** A bare projen project with the same runner, inside the repository so it resolves the same projen. */
function makeBare(): string {
  const dir = path.join(ROOT, 'bench', '.bare');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "bare", "private": true }\n');
  fs.writeFileSync(path.join(dir, '.projenrc.ts'), [
    "import { Project, typescript } from 'projen';",
    "const project = new Project({ name: 'bare' });",
    'new typescript.ProjenrcTs(project, { runner: typescript.TypeScriptRunner.tsx() });',
    'project.synth();',
    '',
  ].join('\n'));
  execFileSync('npx', ['--no-install', 'tsx', '.projenrc.ts'], { cwd: dir, stdio: 'ignore' });
  return dir;
}

/** The example resolves 'shipshape' to the compiled lib/, as a user's project resolves the published package. */
const LIB_TSCONFIG = path.join(ROOT, 'bench', 'tsconfig.lib.json');

function projen(cwd: string): number {
  const env = { ...process.env, PROJEN_DISABLE_POST: 'true', ...(cwd === EXAMPLE ? { TSX_TSCONFIG_PATH: LIB_TSCONFIG } : {}) };
  return timeMs(() => execFileSync(PROJEN, [], { cwd, stdio: 'ignore', env }));
}

function clearCache(): void {
  for (const d of [path.join(EXAMPLE, 'node_modules', '.cache', 'shipshape'), path.join(ROOT, 'node_modules', '.cache', 'shipshape')]) {
    fs.rmSync(d, { recursive: true, force: true });
  }
}

function alternate(bare: string, cold: boolean): { example: number[]; bare: number[] } {
  const ex: number[] = [];
  const ba: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (cold) clearCache();
    ex.push(projen(EXAMPLE));
    ba.push(projen(bare));
  }
  return { example: ex, bare: ba };
}

function scale(services: number): number {
  return timeMs(() => synthSnapshot((outdir) => {
    const p = new Project({ name: 'scale', outdir });
    Shipshape.configure(p, { cloudFormationValidation: false });
    for (let i = 0; i < services; i++) new Service(p, `svc-${i}`);
    for (const [env, account] of [['dev', '111111111111'], ['staging', '222222222222'], ['prod', '333333333333']]) {
      new Environment(p, env, { account, region: 'eu-west-1' });
    }
    return p;
  }));
}

/** 20 workloads (8 public services, 4 internal ones, 4 workers, 4 jobs), each with its image, × 3 environments. */
function application(): number {
  return timeMs(() => synthSnapshot((outdir) => {
    const p = new Project({ name: 'app', outdir });
    Shipshape.configure(p, { cloudFormationValidation: false, repository: 'acme/app' });
    const internal = Array.from({ length: 4 }, (_, i) => new Service(p, `core-${i}`, { internal: true, publishes: true }));
    const workloads = [
      ...internal,
      ...Array.from({ length: 8 }, (_, i) => new Service(p, `web-${i}`, { host: `web${i}`, calls: [internal[i % 4]] })),
      ...internal.map((publisher, i) => new Worker(p, `worker-${i}`, { healthCommand: ['node', 'health.js'], subscribe: [publisher] })),
      ...Array.from({ length: 4 }, (_, i) => new ScheduledJob(p, `job-${i}`, { schedule: `cron(0 ${i} * * ? *)`, command: ['node', 'job.js'] })),
    ];
    for (const w of workloads) {
      new DockerImage(p, `${w.name}-image`, {
        service: w, preset: DockerPreset.node({ entrypoint: 'main.js' }), contextPath: `services/${w.name}`, dockerfilePath: `services/${w.name}/Dockerfile`,
      });
    }
    for (const [env, account] of [['dev', '111111111111'], ['staging', '222222222222'], ['prod', '333333333333']]) {
      new Environment(p, env, { account, region: 'eu-west-1', domain: { name: `${env}.app.example.com`, hostedZoneId: 'ZAPPZONE' } });
    }
    return p;
  }));
}

function main(): void {
  const rows: string[][] = [['part', 'shipshape', 'baseline', 'ratio / note']];
  execFileSync(PROJEN, ['compile'], { cwd: ROOT, stdio: 'ignore' }); // lib/ must match the source being measured
  execFileSync(PROJEN, ['post-compile'], { cwd: ROOT, stdio: 'ignore' });
  const bare = makeBare();
  projen(EXAMPLE); // settle the disk cache once; not counted

  const cold = alternate(bare, true);
  const coldRatio = median(cold.example) / median(cold.bare);
  rows.push(['(a) cold npx projen', `${median(cold.example).toFixed(0)} ms`, `${median(cold.bare).toFixed(0)} ms`, `${coldRatio.toFixed(2)}x`]);

  const warm = alternate(bare, false);
  const warmRatio = median(warm.example) / median(warm.bare);
  rows.push(['(b) warm npx projen', `${median(warm.example).toFixed(0)} ms`, `${median(warm.bare).toFixed(0)} ms`, `${warmRatio.toFixed(2)}x`]);

  scale(1); // load aws-cdk-lib once so (c) measures synthesis, not module loading
  const scales = [1, 10, 50].map((n) => ({ n, ms: scale(n) }));
  for (const s of scales) rows.push([`(c) scale ${s.n} svc x 3 env`, `${(s.ms / 1000).toFixed(2)} s`, '', `${(s.ms / (s.n * 3)).toFixed(0)} ms/stack`]);
  const per10 = scales[1].ms / 30;
  const per50 = scales[2].ms / 150;
  rows.push(['(c) linearity', '', '', `per-stack at 50 / at 10 = ${(per50 / per10).toFixed(2)}`]);

  const app = application();
  rows.push(['(e) app 20 workloads x 3 env', `${(app / 1000).toFixed(2)} s`, '10 s bound', app < 10_000 ? 'within' : 'OVER']);

  const templates = fs.readdirSync(path.join(EXAMPLE, 'infra')).filter((f) => f.endsWith('.template.json'));
  const v = new CloudFormationValidator();
  const startup = timeMs(() => v.validate('{"Resources":{}}', 'empty.template.json'));
  const per = templates.map((f) => timeMs(() => v.validate(fs.readFileSync(path.join(EXAMPLE, 'infra', f), 'utf8'), f)));
  v.free();
  rows.push(['(d) cfn validation start-up', `${startup.toFixed(0)} ms`, '', 'once per process']);
  rows.push(['(d) cfn validation per template', `${median(per).toFixed(0)} ms`, '', `median of ${per.length}`]);

  fs.rmSync(bare, { recursive: true, force: true });
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`shipshape bench: ${RUNS} alternated runs each, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}`);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
  console.log(`cold=${coldRatio.toFixed(2)}x warm=${warmRatio.toFixed(2)}x scale50=${(scales[2].ms / 1000).toFixed(1)}s perstack=${per50.toFixed(0)}ms app20=${(app / 1000).toFixed(1)}s`);
}

main();
