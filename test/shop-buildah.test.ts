/**
 * The shop example's four COMMITTED Dockerfiles (examples/shop/services/<name>/Dockerfile) built with Debian's
 * buildah, offline, every stage, then run. No registry is reachable, so their two base images are replaced by local
 * stand-ins (scripts/buildah-node-base.sh: the host's node, npm, corepack with pnpm 9.15.0 prepared, busybox; and a
 * distroless-like runtime with node only at /nodejs/bin/node and no shell). Only the FROM lines are rewritten.
 * The stand-ins run the host's node (not 22): this proves paths, users, stages, package-manager commands,
 * entrypoints and health commands, not Node.js 22 compatibility.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

jest.setTimeout(240_000);

const SHOP = path.join(__dirname, '..', 'examples', 'shop');
const BASE_SCRIPT = path.join(__dirname, '..', 'scripts', 'buildah-node-base.sh');
const NAMES = ['web', 'api', 'billing', 'nightly'] as const;
type Name = typeof NAMES[number];
/** The base images of the committed Dockerfiles, and their local stand-ins (the tags buildah-node-base.sh makes). */
const STAND_INS: Record<string, string> = {
  'node:22-bookworm-slim': 'localhost/shipshape-node:22-bookworm-slim',
  'gcr.io/distroless/nodejs22-debian12:nonroot': 'localhost/shipshape-distroless-nodejs22:nonroot',
};
const REVISION = 'shop-buildah-test';

const missing = ['buildah', 'busybox', 'corepack'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const notRoot = typeof process.getuid === 'function' && process.getuid() !== 0;
const reason = missing.length > 0
  ? `${missing.join(' and ')} not installed (apt-get install -y buildah busybox-static; .ci/run does this)`
  : notRoot ? 'not running as root (buildah builds here with chroot isolation as root)' : undefined;
if (reason) console.warn(`SKIPPED the shop buildah test: ${reason}`);

/** buildah's chroot isolation shares the host network: the services listen on their real ports. */
function portBusy(port: number): boolean {
  const probe = `require('net').createServer().once('error',()=>process.exit(1)).listen(${port},'0.0.0.0',function(){this.close(()=>process.exit(0))})`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 10_000 }).status !== 0;
}
const PORTS: Partial<Record<Name, number>> = { web: 3000, api: 8080 };
const PORT_REASON: Partial<Record<Name, string>> = {};
for (const [name, port] of Object.entries(PORTS) as [Name, number][]) {
  if (reason || !portBusy(port)) continue;
  PORT_REASON[name] = `port ${port} is in use on this host, and ${name} listens on it (chroot isolation shares the host network)`;
  console.warn(`SKIPPED running the shop's ${name} image: ${PORT_REASON[name]}`);
}

/** The Dockerfile with each FROM of an image in STAND_INS pointed at its stand-in; nothing else changes. */
function withStandIns(dockerfile: string): string {
  return dockerfile.split('\n').map((line) => line.replace(/^(FROM\s+)(\S+)(\s|$)/i, (all, from: string, image: string, end: string) =>
    STAND_INS[image] ? `${from}${STAND_INS[image]}${end}` : all)).join('\n');
}
const committed = (name: Name): string => fs.readFileSync(path.join(SHOP, 'services', name, 'Dockerfile'), 'utf8');

describe('the stand-in rewrite of the shop Dockerfiles', () => {
  test.each(NAMES)('%s: only the FROM lines of the two base images change, and no other base image is left', (name) => {
    const before = committed(name).split('\n');
    const after = withStandIns(committed(name)).split('\n');
    expect(after).toHaveLength(before.length);
    const changed = before.map((line, i) => [line, after[i]]).filter(([a, b]) => a !== b);
    // build and prod-deps from node, runtime from distroless; `FROM deps AS build` names an earlier stage
    expect(changed.map(([a]) => a.split(/\s+/)[1])).toEqual(['node:22-bookworm-slim', 'node:22-bookworm-slim', 'gcr.io/distroless/nodejs22-debian12:nonroot']);
    const stages = new Set<string>();
    for (const line of after.filter((l) => /^FROM\s/i.test(l))) {
      const [, image, , stage] = line.split(/\s+/);
      expect(Object.values(STAND_INS).includes(image) || stages.has(image)).toBe(true);
      if (stage) stages.add(stage);
    }
  });
});

interface DockerConfig {
  User: string;
  Entrypoint: string[];
  Healthcheck?: { Test: string[] };
  Labels: Record<string, string>;
}
interface Built { ok: boolean; log: string; seconds: number; config?: DockerConfig; container?: string }

const maybe = reason ? describe.skip : describe;
maybe(`the shop's committed Dockerfiles build and run under buildah${reason ? ` (skipped: ${reason})` : ''}`, () => {
  const work = reason ? '' : fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-shop-buildah-'));
  const S = ['--root', path.join(work, 'root'), '--runroot', path.join(work, 'run'), '--storage-driver', 'vfs'];
  const built: Partial<Record<Name, Built>> = {};
  const servers: ChildProcess[] = [];
  const timings: string[] = [];

  const buildah = (args: string[], timeout = 60_000) => spawnSync('buildah', [...S, ...args], { encoding: 'utf8', timeout });
  /** Runs argv in the built image's working container (its user, working directory and environment). */
  const run = (name: Name, argv: string[], timeout = 30_000) =>
    buildah(['run', '--isolation', 'chroot', image(name).container!, '--', ...argv], timeout);
  const image = (name: Name): Built => {
    const b = built[name];
    if (!b?.ok || !b.config || !b.container) throw new Error(`${name} did not build:\n${b?.log ?? 'not built'}`);
    return b;
  };
  /** The image's own HEALTHCHECK command (exec form): its exit code. */
  const health = (name: Name): number | null => {
    const test = image(name).config!.Healthcheck!.Test;
    expect(test[0]).toBe('CMD');
    return run(name, test.slice(1), 15_000).status;
  };

  beforeAll(() => {
    const t0 = Date.now();
    const base = spawnSync('bash', [BASE_SCRIPT, S[1], S[3]], { encoding: 'utf8', timeout: 180_000 });
    if (base.status !== 0) throw new Error(`buildah-node-base.sh failed (${base.status}):\n${base.stdout}\n${base.stderr}`);
    timings.push(`stand-in base images ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const name of NAMES) {
      // GIVEN the committed build context, with only the FROM lines pointed at the stand-ins
      const ctx = path.join(work, `ctx-${name}`);
      fs.cpSync(path.join(SHOP, 'services', name), ctx, { recursive: true });
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), withStandIns(committed(name)));
      const t = Date.now();
      // WHEN buildah builds every stage, Docker format (which keeps HEALTHCHECK), without pulling
      const r = buildah(['build', '--pull=never', '--isolation', 'chroot', '--format', 'docker', '--skip-unused-stages=false',
        '--build-arg', `REVISION=${REVISION}`, '-t', `localhost/shop-${name}:test`, '-f', path.join(ctx, 'Dockerfile'), ctx], 180_000);
      const b: Built = { ok: r.status === 0, log: `${r.stdout}\n${r.stderr}`, seconds: (Date.now() - t) / 1000 };
      timings.push(`${name} ${b.seconds.toFixed(1)} s`);
      if (b.ok) {
        const inspect = buildah(['inspect', '--type', 'image', `localhost/shop-${name}:test`]);
        b.config = JSON.parse(inspect.stdout).Docker.config;
        b.container = buildah(['from', '--pull=never', '-q', `localhost/shop-${name}:test`]).stdout.trim();
      }
      built[name] = b;
    }
    timings.push(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`shop buildah builds: ${timings.join(', ')}`);
  });

  afterAll(async () => {
    // SIGTERM: buildah then stops the entrypoint (SIGKILL would leave it running, listening on the host's port)
    await Promise.all(servers.filter((s) => s.exitCode === null && s.signalCode === null).map((s) => stop(s)));
    if (!work) return;
    buildah(['rm', '--all']);
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** Starts the image's ENTRYPOINT (buildah itself is the child: killing it stops the entrypoint). */
  /** Start the image's ENTRYPOINT (or `entrypoint`, as a task definition's EntryPoint replaces it) with `extra` appended. */
  function start(name: Name, extra: string[] = [], entrypoint?: string[]): { proc: ChildProcess; out: () => string; exited: Promise<number | null> } {
    let out = '';
    const proc = spawn('buildah', [...S, 'run', '--isolation', 'chroot', image(name).container!, '--', ...(entrypoint ?? image(name).config!.Entrypoint), ...extra]);
    servers.push(proc);
    proc.stdout!.on('data', (d) => { out += d; });
    proc.stderr!.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    return { proc, out: () => out, exited };
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
  const stop = async (proc: ChildProcess) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };

  test.each(NAMES)('%s: every stage builds; the image runs as 65532:65532 with the built dist/ and the revision label', (name) => {
    const b = image(name);
    expect(b.config!.User).toBe('65532:65532');
    expect(b.config!.Labels['org.opencontainers.image.revision']).toBe(REVISION);
    expect(b.config!.Labels['org.opencontainers.image.title']).toBe(name);
    expect(b.config!.Entrypoint[0]).toBe('/nodejs/bin/node');
    // the runtime image has no shell (distroless), so node itself reports who it is and what dist/ holds
    const r = run(name, ['/nodejs/bin/node', '-e',
      "const fs=require('fs');process.stdout.write(JSON.stringify({id:process.getuid()+':'+process.getgid(),cwd:process.cwd(),"
      + "dist:Object.fromEntries(fs.readdirSync('dist').map(f=>[f,fs.readFileSync('dist/'+f,'utf8')])),modules:fs.existsSync('node_modules')}))"]);
    expect(r.stderr).toBe('');
    const inside = JSON.parse(r.stdout);
    expect(inside.id).toBe('65532:65532');
    expect(inside.cwd).toBe('/app');
    expect(inside.modules).toBe(true);
    // dist/ is what the build script made from src/ (a copy: these sources need no compiler)
    const src = path.join(SHOP, 'services', name, 'src');
    expect(inside.dist).toEqual(Object.fromEntries(fs.readdirSync(src).map((f) => [f, fs.readFileSync(path.join(src, f), 'utf8')])));
    // and no shell: what the image's commands need is only /nodejs/bin/node
    expect(run(name, ['/bin/sh', '-c', 'true']).status).not.toBe(0);
  });

  test('web: pnpm 9.15.0 (from package.json, via corepack, offline) ran the install and the build', () => {
    const log = image('web').log;
    expect(log).toContain('> shop-web@1.0.0 build /app'); // pnpm's header for `pnpm run build`
    expect(log).toContain('devDependencies: skipped'); // pnpm install --prod
  });

  for (const name of ['web', 'api'] as const) {
    const busy = PORT_REASON[name];
    (busy ? test.skip : test)(`${name}: its own HEALTHCHECK passes while the entrypoint serves on ${PORTS[name]}, and fails once it stops${busy ? ` (skipped: ${busy})` : ''}`, async () => {
      const server = start(name);
      try {
        let rc: number | null = 1;
        for (let i = 0; i < 50 && rc !== 0 && server.proc.exitCode === null; i++) {
          rc = health(name);
          if (rc !== 0) await sleep(200);
        }
        for (let i = 0; i < 20 && !server.out().includes('listening'); i++) await sleep(100); // health() blocked the event loop
        expect({ rc, out: server.out() }).toEqual({ rc: 0, out: expect.stringContaining(`"msg":"listening","port":${PORTS[name]}`) });
      } finally {
        await stop(server.proc);
      }
      expect(health(name)).not.toBe(0);
    });
  }

  test('api: the migration script runs without a database (it only reports; DATABASE_NAME is unset here)', () => {
    const r = run('api', ['/nodejs/bin/node', 'dist/migrate.js']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ level: 'info', msg: 'migrations applied' });
  });

  // The migration task as ECS starts it: the container's EntryPoint (when set, it replaces the image's ENTRYPOINT),
  // then its Command. Before the fix the task had only a Command, appended to the image's ENTRYPOINT
  // (/nodejs/bin/node dist/server.js): the task started the API server, which never exits.
  (PORT_REASON.api ? test.skip : test)('api: the migration task as ECS runs it (its EntryPoint, then its Command) applies the migrations and exits', async () => {
    const template = JSON.parse(fs.readFileSync(path.join(SHOP, 'infra', 'api-prod.template.json'), 'utf8'));
    const task = Object.entries<any>(template.Resources).find(([id]) => id.startsWith('MigrationTaskDefinition'))![1];
    const container = task.Properties.ContainerDefinitions[0];
    const migration = start('api', container.Command ?? [], container.EntryPoint);
    const code = await Promise.race([migration.exited, sleep(4_000).then(() => 'still running after 4 s')]);
    await stop(migration.proc);
    expect({ code, out: migration.out() }).toEqual({ code: 0, out: expect.stringContaining('migrations applied') });
  });

  test('billing: the worker starts and keeps polling', async () => {
    const worker = start('billing');
    try {
      for (let i = 0; i < 50 && !worker.out().includes('polling') && worker.proc.exitCode === null; i++) await sleep(100);
      await sleep(500);
      expect(worker.proc.exitCode).toBeNull();
      expect(worker.out()).toContain('"msg":"polling"');
    } finally {
      await stop(worker.proc);
    }
    // its health script exits 0 whatever the worker does (src/health.js is `process.exit(0)`): run by node's path
    expect(run('billing', ['/nodejs/bin/node', 'dist/health.js']).status).toBe(0);
  });

  // The worker's HEALTHCHECK (the same command as its ECS health check and compose healthcheck) runs in the image.
  // A bare `node` there failed: the distroless runtime has node only at /nodejs/bin/node (SS-IMAGE-COMMAND now).
  (reason ? test.skip : test)('billing: the image\'s own HEALTHCHECK command exits 0', () => {
    expect(image('billing').config!.Healthcheck!.Test).toEqual(['CMD', '/nodejs/bin/node', 'dist/health.js']);
    const r = run('billing', image('billing').config!.Healthcheck!.Test.slice(1));
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('nightly: no healthcheck; the job runs to completion, also as ECS runs it (the task definition\'s EntryPoint)', async () => {
    expect(image('nightly').config!.Healthcheck?.Test).toEqual(['NONE']);
    const job = start('nightly');
    expect(await job.exited).toBe(0);
    expect(job.out()).toContain('"msg":"day closed"');
    // As ECS starts it: the task definition's EntryPoint (the job's whole command) replaces the image's ENTRYPOINT.
    const template = JSON.parse(fs.readFileSync(path.join(SHOP, 'infra', 'nightly-prod.template.json'), 'utf8'));
    const container = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
    expect(container.EntryPoint).toEqual(['/nodejs/bin/node', 'dist/nightly.js']);
    const ecs = start('nightly', container.Command ?? [], container.EntryPoint);
    expect(await ecs.exited).toBe(0);
    expect(ecs.out()).toContain('"msg":"day closed"');
  });
});
