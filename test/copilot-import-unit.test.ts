import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { ShipshapeError } from '../src/core/errors';
import { importCopilot, translateSchedule, writeImport } from '../src/import/copilot';
import type { ImportPlan, PlanWorkload } from '../src/import/copilot';
import { readGenerated } from '../src/testing/synth';

jest.setTimeout(120_000);
const REPO = path.join(__dirname, '..');

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
