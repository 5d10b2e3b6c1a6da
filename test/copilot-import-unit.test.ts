import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { ShipshapeError } from '../src/core/errors';
import { FEATURES, importCopilot, translateSchedule, writeImport } from '../src/import/copilot';
import type { ImportPlan, PlanWorkload } from '../src/import/copilot';
import { readGenerated } from '../src/testing/synth';

jest.setTimeout(120_000);
const REPO = path.join(__dirname, '..');

// Every test runs with the features off unless it turns them on: the expectations do not depend on the switch's
// setting in generate.ts.
const features = FEATURES as { overrides: boolean; exec: boolean };
const switched = { ...features };
beforeEach(() => {
  features.overrides = false;
  features.exec = false;
});
afterAll(() => Object.assign(features, switched));

/** An application directory holding `files` (path → content), in the system temp dir. */
function app(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'copilot-app-'));
  for (const [file, content] of Object.entries({ 'copilot/.workspace': 'application: shop\n', ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

function workload(plan: ImportPlan, name: string): PlanWorkload {
  return plan.workloads.find((w) => w.name === name)!;
}

function problemsOf(fn: () => unknown): { path: string; property: string; got: string; expected: string; code: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ShipshapeError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ShipshapeError');
}

const ENV_TEST = { 'copilot/environments/test/manifest.yml': 'name: test\ntype: Environment\n' };

/** A small application touching every workload kind, used by the type-check and synthesis test. */
const SHOP: Record<string, string> = {
  ...ENV_TEST,
  'copilot/environments/prod/manifest.yml': [
    'name: prod', 'type: Environment', 'network:', '  vpc:', '    id: vpc-0abc', '    subnets:', '      public:', '        - id: subnet-a',
    '        - id: subnet-b', '      private:', '        - id: subnet-c', '        - id: subnet-d', 'http:', '  public:',
    '    certificates: [arn:aws:acm:eu-west-1:123456789012:certificate/abc-123]', '',
  ].join('\n'),
  'copilot/api/manifest.yml': [
    'name: api', 'type: Backend Service', 'image:', '  build: services/api/Dockerfile', '  port: 8080', 'http:', '  healthcheck: /healthz',
    'cpu: 512', 'memory: 1024', 'count:', '  range: 1-4', '  cpu_percentage: 70', 'variables:', '  LOG_LEVEL: info',
    '  STAGE: ${COPILOT_ENVIRONMENT_NAME}', 'secrets:', '  API_KEY:', '    secretsmanager: shop/api-key', 'publish:', '  topics:',
    '    - name: orders', '',
  ].join('\n'),
  'copilot/web/manifest.yml': [
    'name: web', 'type: Load Balanced Web Service', 'image:', '  build:', '    dockerfile: web/Dockerfile', '    context: web', '  port: 3000',
    'http:', "  path: '/'", '  alias: www.example.com', '  healthcheck:', '    path: /health', '    healthy_threshold: 3', 'count:',
    '  range: 2-6', '  requests: 500', 'sidecars:', '  nginx:', '    image: nginx', '',
  ].join('\n'),
  'copilot/billing/manifest.yml': [
    'name: billing', 'type: Worker Service', 'image:', '  build: services/billing/Dockerfile', 'subscribe:', '  topics:', '    - name: orders',
    '      service: api', '  queue:', '    timeout: 2m', '    dead_letter:', '      tries: 5', 'count:', '  range: 1-5', '  queue_delay:',
    '    acceptable_latency: 10s', '    msg_processing_time: 250ms', '',
  ].join('\n'),
  'copilot/nightly/manifest.yml': [
    'name: nightly', 'type: Scheduled Job', 'image:', '  build: services/api/Dockerfile', 'on:', '  schedule: "0 9 * * 1-5"', 'retries: 3',
    'timeout: 1h30m', 'command: node dist/nightly.js', '',
  ].join('\n'),
  'copilot/pipelines/main/manifest.yml': [
    'name: main', 'version: 1', 'source:', '  provider: GitHub', '  properties:', '    branch: main', '    repository: https://github.com/acme/shop',
    'stages:', '  - name: test', '    test_commands: [make smoke]', '  - name: prod', '    requires_approval: true', '',
  ].join('\n'),
  'services/api/package.json': '{ "name": "api", "version": "1.0.0" }\n',
  'services/api/Dockerfile': 'FROM node:22\n',
  'services/billing/package.json': '{ "name": "billing", "version": "1.0.0" }\n',
  'web/package.json': '{ "name": "web", "version": "1.0.0" }\n',
  'web/Dockerfile': 'FROM node:22\n',
};

describe('the generated .projenrc.ts', () => {
  test('type-checks against src and synthesizes: templates carry the manifests\' ports, sizes and schedule', () => {
    const dir = app(SHOP);
    const result = importCopilot(dir, { environments: { test: { account: '111111111111', region: 'eu-west-1' } } });
    // Inside the repository, so 'projen' resolves from its node_modules; 'shipshape' maps to src (jest and tsc paths).
    const work = fs.mkdtempSync(path.join(REPO, 'test', '.copilot-'));
    try {
      const file = path.join(work, 'projenrc.ts');
      fs.writeFileSync(file, result.projenrc);
      fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
        extends: path.join(REPO, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: REPO, skipLibCheck: true, paths: { shipshape: [path.join(REPO, 'src', 'index.ts')] } },
        files: [file],
      }));
      execFileSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(work, 'tsconfig.json')], { stdio: 'pipe' });

      // Synthesize in a copy of the application (its package.json files are what the presets read).
      const outdir = app(SHOP);
      const previous = process.env.PROJEN_DISABLE_POST;
      process.env.PROJEN_DISABLE_POST = 'true';
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createProject } = require(file) as { createProject: (outdir: string) => { synth(): void } };
        createProject(outdir).synth();
      } finally {
        if (previous === undefined) delete process.env.PROJEN_DISABLE_POST;
        else process.env.PROJEN_DISABLE_POST = previous;
      }
      const files = readGenerated(outdir);
      const names = Object.keys(files);
      // The user's Dockerfiles are untouched; shipshape's are beside them.
      expect(fs.readFileSync(path.join(outdir, 'web/Dockerfile'), 'utf8')).toBe('FROM node:22\n');
      expect(names).toEqual(expect.arrayContaining(['web/Dockerfile.shipshape', 'services/api/Dockerfile.shipshape', 'services/billing/Dockerfile.shipshape']));
      // nightly shares api's build context: shipshape builds one image per directory, so its DockerImage is a TODO.
      expect(result.projenrc).toContain("  // TODO: nightly builds from 'services/api', as api does");
      expect(result.projenrc).toMatch(/^ {2}new ScheduledJob\(project, 'nightly'/m);
      const templates = names.filter((n) => n.endsWith('.template.json')).map((n) => files[n]).join('\n');
      expect(templates).toContain('"ContainerPort": 3000');
      expect(templates).toContain('cron(0 9 ? * 2-6 *)');
      expect(templates).toContain('"Cpu": "512"');
      const workflows = names.filter((n) => n.startsWith('.github/workflows/')).map((n) => files[n]).join('\n');
      expect(workflows).toContain('make smoke');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('bad manifests', () => {
  test('every problem of every file at once, each with file:line and the field; nothing written', async () => {
    const dir = app({
      ...ENV_TEST,
      'copilot/api/manifest.yml': 'name: api\ntype: Backend Service\nimage:\n  port: eighty\ncpu: 256\nhttp:\n  healthcheck:\n    path: 5\n',
      'copilot/web/manifest.yml': 'name: web\ntype: Load Balanced Web Servce\n',
      'copilot/job/manifest.yml': 'name: job\ntype: Scheduled Job\non:\n  schedule: [daily\n',
    });
    const problems = problemsOf(() => importCopilot(dir));
    expect(problems.map((p) => [p.code, p.path, p.property])).toEqual(expect.arrayContaining([
      ['SS-COPILOT-MANIFEST', 'copilot/api/manifest.yml:4', 'image.port'],
      ['SS-COPILOT-MANIFEST', 'copilot/api/manifest.yml:8', 'http.healthcheck.path'],
      ['SS-COPILOT-MANIFEST', 'copilot/web/manifest.yml:2', 'type'],
    ]));
    expect(problems.find((p) => p.property === 'image.port')).toMatchObject({ got: "'eighty'", expected: 'a port number from 1 to 65535' });
    expect(problems.find((p) => p.path.startsWith('copilot/web/'))!.expected).toContain("'Load Balanced Web Service'");
    // The YAML error names its own file and line.
    expect(problems.some((p) => p.path.startsWith('copilot/job/manifest.yml:') && p.property === '(yaml)')).toBe(true);

    const lines: string[] = [];
    expect(await main(['import', 'copilot', dir], (l) => lines.push(l))).toBe(1);
    expect(lines.join('\n')).toContain('[copilot/api/manifest.yml:4] image.port');
    expect(fs.existsSync(path.join(dir, '.projenrc.ts'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'COPILOT-IMPORT.md'))).toBe(false);
  });

  test('a schedule EventBridge cannot run, a missing .workspace and a name shipshape cannot use are errors too', () => {
    const dir = app({
      ...ENV_TEST,
      'copilot/report/manifest.yml': 'name: report\ntype: Scheduled Job\non:\n  schedule: "0 9 1 * 1"\n',
      'copilot/Big_API/manifest.yml': 'name: Big_API\ntype: Backend Service\n',
    });
    fs.rmSync(path.join(dir, 'copilot', '.workspace'));
    const problems = problemsOf(() => importCopilot(dir));
    expect(problems.map((p) => [p.path, p.property])).toEqual(expect.arrayContaining([
      ['copilot/.workspace', '(file)'],
      ['copilot/Big_API/manifest.yml:1', 'name'],
    ]));
    fs.writeFileSync(path.join(dir, 'copilot', '.workspace'), 'application: shop\n');
    fs.rmSync(path.join(dir, 'copilot', 'Big_API'), { recursive: true });
    const [schedule] = problemsOf(() => importCopilot(dir));
    expect(schedule).toMatchObject({ path: 'copilot/report/manifest.yml:4', property: 'on.schedule' });
    expect(schedule.expected).toContain('at most one of day-of-month');
  });
});

describe('schedules: Copilot\'s forms → EventBridge Scheduler, exactly or not at all', () => {
  test.each([
    ['@daily', 'cron(0 0 * * ? *)'],
    ['@hourly', 'cron(0 * * * ? *)'],
    ['@weekly', 'cron(0 0 ? * 1 *)'],
    ['@monthly', 'cron(0 0 1 * ? *)'],
    ['@yearly', 'cron(0 0 1 1 ? *)'],
    ['@every 30m', 'rate(30 minutes)'],
    ['@every 1h30m', 'rate(90 minutes)'],
    ['@every 1h', 'rate(1 hour)'],
    ['@every 48h', 'rate(2 days)'],
    ['0 9 * * 1-5', 'cron(0 9 ? * 2-6 *)'],
    ['*/15 * * * *', 'cron(*/15 * * * ? *)'],
    ['0 3 1 * *', 'cron(0 3 1 * ? *)'],
    ['0 0 * * 0,6', 'cron(0 0 ? * 1,7 *)'],
    ['0 0 * * 5-7', 'cron(0 0 ? * 6-7,1 *)'],
    ['0 8 * * MON', 'cron(0 8 ? * MON *)'],
    ['cron(0 12 ? * MON-FRI *)', 'cron(0 12 ? * MON-FRI *)'],
    ['rate(6 hours)', 'rate(6 hours)'],
  ])('%s → %s', (copilot, expected) => {
    expect(translateSchedule(copilot)).toEqual({ expression: expected });
  });

  test.each(['@every 30s', '@every 90s', '0 9 1 * 1', '* * *', '@fortnightly', 'rate(1 hours)', 'cron(0 9 * * * *)'])('%s is an error, never another schedule', (copilot) => {
    expect(translateSchedule(copilot)).toHaveProperty('error');
  });

  test("'none' is reported with a placeholder the report names", () => {
    expect(translateSchedule('none')).toEqual({ disabled: true });
    const { plan } = importCopilot(app({ ...ENV_TEST, 'copilot/off/manifest.yml': 'name: off\ntype: Scheduled Job\non:\n  schedule: none\n' }));
    expect(plan.report.find((e) => e.field === 'on.schedule')).toMatchObject({ kind: 'fill-in', line: 4 });
  });
});

describe('mapping rules', () => {
  const shop = () => importCopilot(app(SHOP), {});

  test('Load Balanced Web Service → public Service: port, alias → host, health path, requests scaling, calls the backends', () => {
    const web = workload(shop().plan, 'web');
    expect(web).toMatchObject({ kind: 'service', internal: false, port: 3000, host: 'www', healthPath: '/health', calls: ['api'] });
    expect(web.path).toBeUndefined();
    expect(web.scaling).toEqual({ min: 2, max: 6, target: { metric: 'requests', value: 500 } });
  });

  test('Backend Service → internal Service with CPU, memory, CPU scaling; publish → publishes', () => {
    const api = workload(shop().plan, 'api');
    expect(api).toMatchObject({ internal: true, port: 8080, healthPath: '/healthz', cpu: 512, memoryMiB: 1024, publishes: true });
    expect(api.scaling).toEqual({ min: 1, max: 4, target: { metric: 'cpu', value: 70 } });
  });

  test('Worker Service → Worker: subscribe, queue timeout and dead letter, queue_delay → messages per task', () => {
    const billing = workload(shop().plan, 'billing');
    expect(billing).toMatchObject({ kind: 'worker', subscribe: ['api'], queue: { visibilityTimeoutSeconds: 120, maxReceiveCount: 5 } });
    expect(billing.scaling).toEqual({ min: 1, max: 5, messagesPerTask: 40 });
  });

  test('Scheduled Job → ScheduledJob: translated schedule, retries, timeout, command', () => {
    const nightly = workload(shop().plan, 'nightly');
    expect(nightly).toMatchObject({ kind: 'job', schedule: 'cron(0 9 ? * 2-6 *)', retries: 3, timeoutSeconds: 5400, command: ['node', 'dist/nightly.js'] });
    expect(shop().projenrc).toContain('timeout: Duration.minutes(90)');
  });

  test('no count is one task, as Copilot ran it; a fixed count is min = max', () => {
    const { plan } = importCopilot(app({ ...ENV_TEST, 'copilot/a/manifest.yml': 'name: aa\ntype: Backend Service\n', 'copilot/b/manifest.yml': 'name: bb\ntype: Backend Service\ncount: 3\n' }));
    expect(workload(plan, 'aa').scaling).toEqual({ min: 1, max: 1 });
    expect(workload(plan, 'bb').scaling).toEqual({ min: 3, max: 3 });
  });

  test('variables and secrets: plain values, Secrets Manager and SSM references (never values), ${COPILOT_ENVIRONMENT_NAME} per environment', () => {
    const { plan, projenrc } = shop();
    const api = workload(plan, 'api');
    expect(api.env).toMatchObject({ LOG_LEVEL: { value: 'info' }, API_KEY: { secret: 'shop/api-key' }, COPILOT_SERVICE_NAME: { value: 'api' } });
    // A value that differs by environment goes to each Environment (overrides are off).
    expect(api.env.STAGE).toBeUndefined();
    expect(plan.environments.map((e) => [e.name, e.variables.STAGE])).toEqual([['test', 'test'], ['prod', 'prod']]);
    expect(projenrc).not.toContain('${COPILOT');
    const dir = app({ ...ENV_TEST, 'copilot/a/manifest.yml': 'name: aa\ntype: Backend Service\nsecrets:\n  DB: /shop/db/password\n  TOKEN:\n    from_cfn: TokenExport\n' });
    const r = importCopilot(dir);
    expect(workload(r.plan, 'aa').env.DB).toEqual({ secret: '/shop/db/password' });
    expect(r.plan.report.find((e) => e.field === 'secrets.DB')).toMatchObject({ kind: 'fill-in', line: 4 });
    expect(r.projenrc).toContain('// Copilot: secrets.TOKEN (copilot/a/manifest.yml:5) has no equivalent: from_cfn (TokenExport)');
    // Names shipshape would refuse are reported, not generated: a lower-case one, and a worker's own QUEUE_URL.
    const w = importCopilot(app({ ...ENV_TEST, 'copilot/w/manifest.yml': 'name: ww\ntype: Worker Service\nvariables:\n  node_env: production\n  QUEUE_URL: x\n' }));
    expect(workload(w.plan, 'ww').env).toEqual({ COPILOT_APPLICATION_NAME: { value: 'shop' }, COPILOT_SERVICE_NAME: { value: 'ww' } });
    expect(w.projenrc).toContain("// Copilot: variables.node_env (copilot/w/manifest.yml:4) has no equivalent: 'node_env' is not an upper-case name");
  });

  test('injected variables: the names the code must change are reported', () => {
    const codeChanges = shop().plan.report.filter((e) => e.kind === 'code-change').map((e) => `${e.manifest} ${e.note.split(':')[0]}`);
    expect(codeChanges).toEqual(expect.arrayContaining([
      'copilot/api/manifest.yml COPILOT_SNS_TOPIC_ARNS', 'copilot/billing/manifest.yml COPILOT_QUEUE_URI', 'copilot/web/manifest.yml COPILOT_SERVICE_DISCOVERY_ENDPOINT',
    ]));
  });

  test('environment manifests: imported VPC, certificate (account and region from its ARN), pipeline order and approval', () => {
    const { plan, projenrc } = shop();
    expect(plan.environments.map((e) => e.name)).toEqual(['test', 'prod']);
    const prod = plan.environments[1];
    expect(prod).toMatchObject({ account: '123456789012', region: 'eu-west-1', approval: true, network: { vpcId: 'vpc-0abc', publicSubnets: ['subnet-a', 'subnet-b'], privateSubnets: ['subnet-c', 'subnet-d'] } });
    expect(prod.domain?.certificateArn).toBe('arn:aws:acm:eu-west-1:123456789012:certificate/abc-123');
    expect(plan.environments[0]).toMatchObject({ account: '000000000000', region: 'us-east-1', placeholder: true });
    expect(plan.pipeline).toEqual({ manifest: 'copilot/pipelines/main/manifest.yml', name: 'main', branch: 'main', smokeTest: 'make smoke' });
    expect(plan.repository).toBe('acme/shop');
    expect(projenrc).toContain("reviewers: ['TODO-org/TODO-team']");
    expect(projenrc).toContain('network: Network.existing()');
  });

  test('unsupported fields, types and addons are reported by name and path, with a comment in the code', () => {
    const dir = app({
      ...ENV_TEST,
      'copilot/web/manifest.yml': 'name: web\ntype: Load Balanced Web Service\nimage:\n  port: 80\nnlb:\n  port: 443/tcp\nlogging:\n  destination:\n    Name: cloudwatch\nexec: true\n',
      'copilot/web/addons/db.yml': 'Resources: {}\n',
      'copilot/site/manifest.yml': 'name: site\ntype: Static Site\n',
      'copilot/fast/manifest.yml': 'name: fast\ntype: Request-Driven Web Service\n',
    });
    const { plan, projenrc, report } = importCopilot(dir);
    expect(plan.workloads.map((w) => w.name)).toEqual(['web']);
    const notCarried = plan.report.filter((e) => e.kind === 'not-carried').map((e) => `${e.manifest}:${e.line ?? ''} ${e.field}`);
    expect(notCarried).toEqual(expect.arrayContaining([
      'copilot/web/manifest.yml:5 nlb', 'copilot/web/manifest.yml:7 logging', 'copilot/web/manifest.yml:10 exec',
      'copilot/web/addons/db.yml: (addon)', 'copilot/site/manifest.yml:2 type', 'copilot/fast/manifest.yml:2 type',
    ]));
    expect(projenrc).toContain('// Copilot: nlb (copilot/web/manifest.yml:5) has no equivalent:');
    expect(projenrc).toContain('// Copilot: exec (copilot/web/manifest.yml:10) has no equivalent:');
    expect(report).toContain('| `copilot/web/addons/db.yml` | `(addon)` |');
  });

  test('a service discovery name (<name>.<env>.<app>.local) becomes a call; its URL variable is the one the call sets', () => {
    const dir = app({
      ...ENV_TEST,
      'copilot/accounts/manifest.yml': 'name: accounts\ntype: Backend Service\nimage:\n  port: 8080\n',
      'copilot/ledger/manifest.yml': [
        'name: ledger', 'type: Backend Service', 'image:', '  port: 8081', 'variables:',
        '  ACCOUNTS_URL: http://accounts.${COPILOT_ENVIRONMENT_NAME}.${COPILOT_APPLICATION_NAME}.local:8080',
        '  ACCOUNTS_HOST: accounts.test.shop.local', '',
      ].join('\n'),
    });
    const { plan, projenrc } = importCopilot(dir);
    const ledger = workload(plan, 'ledger');
    expect(ledger.calls).toEqual(['accounts']);
    expect(ledger.env.ACCOUNTS_URL).toBeUndefined();
    expect(ledger.env.ACCOUNTS_HOST).toEqual({ value: 'accounts' });
    expect(plan.report.find((e) => e.field === 'variables.ACCOUNTS_URL')).toMatchObject({ kind: 'mapped', line: 6 });
    // The callee is declared before its caller.
    expect(projenrc.indexOf("new Service(project, 'accounts'")).toBeLessThan(projenrc.indexOf("new Service(project, 'ledger'"));
  });

  test('a per-environment value is set environment-wide only when no other workload declares that name', () => {
    const dir = app({
      ...ENV_TEST,
      'copilot/environments/prod/manifest.yml': 'name: prod\ntype: Environment\n',
      'copilot/a/manifest.yml': [
        'name: aa', 'type: Backend Service', 'variables:', '  LOG_LEVEL: info', '  BUCKET: aa-${COPILOT_ENVIRONMENT_NAME}',
        'secrets:', '  DB: /copilot/${COPILOT_APPLICATION_NAME}/${COPILOT_ENVIRONMENT_NAME}/secrets/db',
        'environments:', '  prod:', '    variables:', '      LOG_LEVEL: warn', '',
      ].join('\n'),
      'copilot/b/manifest.yml': 'name: bb\ntype: Backend Service\nvariables:\n  LOG_LEVEL: debug\n',
    });
    const { plan } = importCopilot(dir);
    // BUCKET: nobody else declares it, so each Environment carries its value.
    expect(plan.environments.map((e) => e.variables.BUCKET)).toEqual(['aa-prod', 'aa-test']);
    // LOG_LEVEL: bb declares its own; an environment-wide value would replace it, so aa keeps its manifest's value.
    expect(plan.environments.map((e) => e.variables.LOG_LEVEL)).toEqual([undefined, undefined]);
    expect(workload(plan, 'aa').env.LOG_LEVEL).toEqual({ value: 'info' });
    expect(workload(plan, 'bb').env.LOG_LEVEL).toEqual({ value: 'debug' });
    expect(plan.report.find((e) => e.manifest === 'copilot/a/manifest.yml' && e.field === 'variables.LOG_LEVEL')).toMatchObject({ kind: 'fill-in' });
    // A secret is never environment-wide (every workload there could read it): without overrides it is reported, not set.
    expect(plan.environments.map((e) => e.secrets)).toEqual([{}, {}]);
    expect(workload(plan, 'aa').env.DB).toBeUndefined();
    expect(plan.report.filter((e) => e.field === 'secrets.DB').map((e) => e.note).join('\n')).toContain('prod: /copilot/shop/prod/secrets/db; test: /copilot/shop/test/secrets/db');
    expect(workload(plan, 'aa').comments.map((c) => [c.field, c.line])).toContainEqual(['secrets.DB', 7]);
  });

  test('per-environment overrides are reported field by field while shipshape lacks them', () => {
    const dir = app({ ...ENV_TEST, 'copilot/a/manifest.yml': 'name: aa\ntype: Backend Service\ncpu: 256\nenvironments:\n  test:\n    cpu: 512\n    memory: 1024\n' });
    const { plan, projenrc } = importCopilot(dir);
    expect(plan.report.filter((e) => e.field.startsWith('environments.test')).map((e) => [e.kind, e.field, e.line])).toEqual([
      ['not-carried', 'environments.test.cpu', 6], ['not-carried', 'environments.test.memory', 7],
    ]);
    expect(projenrc).not.toMatch(/^ {4}environments:/m);
  });
});

describe('the FEATURES switch (per-environment overrides and exec: generated when on, reported when off)', () => {
  test('on: per-environment values, CPU, memory and counts become the workload\'s environments; exec: true', () => {
    features.overrides = true;
    features.exec = true;
    const dir = app({
      ...ENV_TEST,
      'copilot/environments/prod/manifest.yml': 'name: prod\ntype: Environment\n',
      'copilot/a/manifest.yml': [
        'name: aa', 'type: Backend Service', 'exec: true', 'variables:', '  BUCKET: aa-${COPILOT_ENVIRONMENT_NAME}', 'environments:', '  prod:', '    cpu: 512',
        '    memory: 1024', '    count: 3', '',
      ].join('\n'),
    });
    const { plan, projenrc } = importCopilot(dir);
    expect(workload(plan, 'aa').overrides).toEqual({
      prod: { cpu: 512, memoryMiB: 1024, scaling: { min: 3, max: 3 }, env: { BUCKET: { value: 'aa-prod' } } },
      test: { env: { BUCKET: { value: 'aa-test' } } },
    });
    // An override without a count (test) writes no scaling: the workload's own applies there (shipshape's rule).
    expect(plan.environments.map((e) => e.variables.BUCKET)).toEqual([undefined, undefined]);
    expect(projenrc).toContain('    exec: true,\n');
    expect(projenrc).toContain([
      '    environments: {', '      prod: {', "        env: { BUCKET: { value: 'aa-prod' } },", '        cpu: 512,', '        memoryMiB: 1024,',
      '        scaling: { min: 3, max: 3 },', '      },', "      test: { env: { BUCKET: { value: 'aa-test' } } },", '    },',
    ].join('\n'));
    expect(plan.report.filter((e) => e.kind === 'not-carried')).toEqual([]);
  });
});

describe('output', () => {
  test('deterministic: the same application gives the same text', () => {
    const a = importCopilot(app(SHOP));
    const b = importCopilot(app(SHOP));
    expect(b.projenrc).toBe(a.projenrc);
    expect(b.report).toBe(a.report);
    expect(a.projenrc).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  test('importing again after a synthesis gives the same text (the generated .dockerignore is not taken for the user\'s)', () => {
    const dir = app(SHOP);
    const first = importCopilot(dir);
    fs.writeFileSync(path.join(dir, 'web', '.dockerignore'), '# ~~ Generated by projen. To modify, edit .projenrc.ts and run "npx projen".\nnode_modules\n');
    expect(importCopilot(dir).report).toBe(first.report);
    fs.writeFileSync(path.join(dir, 'web', '.dockerignore'), 'node_modules\n');
    expect(importCopilot(dir).plan.report.find((e) => e.note.startsWith('web/.dockerignore exists'))).toMatchObject({ kind: 'fill-in', manifest: 'copilot/web/manifest.yml' });
  });

  test('the report has its sections, each entry with manifest:line and field', () => {
    const { report } = importCopilot(app(SHOP));
    for (const section of ['## Fill in before deploying', '## Names your code must change', '## Not carried', '## Mapped']) expect(report).toContain(section);
    expect(report).toContain("| `copilot/nightly/manifest.yml:6` | `on.schedule` | ScheduledJob.schedule 'cron(0 9 ? * 2-6 *)' (from '0 9 * * 1-5')");
    expect(report).toContain("| `copilot/environments/test/manifest.yml:1` | `account/region` | Environment 'test': account 000000000000");
  });
});

describe('shipshape import copilot (CLI)', () => {
  async function run(args: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const code = await main(args, (l) => lines.push(l));
    return { code, out: lines.join('\n') };
  }

  test('writes both files and prints a summary; --env sets an account and region', async () => {
    const dir = app(SHOP);
    const { code, out } = await run(['import', 'copilot', dir, '--env', 'test=111111111111/eu-central-1']);
    expect(code).toBe(0);
    expect(out).toMatch(/wrote .*\.projenrc\.ts/);
    expect(out).toMatch(/report: \d+ mapped, \d+ to fill in/);
    expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).toContain("account: '111111111111',\n      region: 'eu-central-1',");
    expect(fs.existsSync(path.join(dir, 'COPILOT-IMPORT.md'))).toBe(true);
  });

  test('refuses to overwrite either file (all or nothing) unless --force', async () => {
    const dir = app({ ...SHOP, 'COPILOT-IMPORT.md': 'my notes\n' });
    const refused = await run(['import', 'copilot', dir]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('SS-COPILOT-EXISTS');
    // Neither file: the report was not overwritten and no .projenrc.ts was written beside it.
    expect(fs.readFileSync(path.join(dir, 'COPILOT-IMPORT.md'), 'utf8')).toBe('my notes\n');
    expect(fs.existsSync(path.join(dir, '.projenrc.ts'))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect((await run(['import', 'copilot', dir, '--force'])).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'COPILOT-IMPORT.md'), 'utf8')).toContain("# Importing the Copilot application 'shop'");
  });

  test('--out writes the project file elsewhere; writeImport refuses an existing one', async () => {
    const dir = app(SHOP);
    expect((await run(['import', 'copilot', dir, '--out', path.join(dir, 'imported.projenrc.ts')])).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'imported.projenrc.ts'))).toBe(true);
    expect(fs.existsSync(path.join(dir, '.projenrc.ts'))).toBe(false);
    const again = importCopilot(dir);
    expect(problemsOf(() => writeImport(dir, again, { out: 'imported.projenrc.ts' })).map((p) => p.code)).toEqual(['SS-COPILOT-EXISTS', 'SS-COPILOT-EXISTS']);
  });

  test('bad usage exits 2; validate still works as before', async () => {
    expect((await run(['import'])).code).toBe(2);
    expect((await run(['import', 'heroku'])).code).toBe(2);
    expect((await run(['import', 'copilot', '--env', 'prod=12/eu-west-1'])).code).toBe(2);
    expect((await run(['import', 'copilot', 'a', 'b'])).code).toBe(2);
    expect((await run(['validate', 'a', 'b'])).code).toBe(2);
  });
});
