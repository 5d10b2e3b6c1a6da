/** The README and the repository stay true to the code. */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tree } from './util';
import { BUILTIN_RULES } from '../src/policy/rules';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('the Guarantees section lists every policy rule', () => {
  const guarantees = README.slice(README.indexOf('## Guarantees'));
  for (const rule of BUILTIN_RULES) expect(guarantees).toContain(`| \`${rule.id}\` | ${rule.severity} |`);
});

test('the README gives the two commands after cloning', () => {
  expect(README).toContain('npm ci && npm run example');
  expect(README).toMatch(/^npm test\s/m);
});

test('no tracked file holds a merge conflict marker', () => {
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((f) => /\.(ts|md|json|ya?ml)$/.test(f));
  const marked = files.filter((f) => fs.existsSync(path.join(ROOT, f)) && /^(<{7}|>{7}) /m.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
  expect(marked).toEqual([]);
});

/**
 * Every TypeScript snippet of the README type-checks against the library: each becomes a module, with a prelude that
 * imports the shipshape names it uses without importing and declares the variables it takes from earlier snippets.
 */
describe('the README\'s TypeScript snippets', () => {
  const snippets = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const complete = snippets.filter((s) => /from 'projen'/.test(s) && /project\.synth\(\)/.test(s));

  test('there are snippets, and the opening example is a complete project', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(8);
    expect(complete[0]).toBe(snippets[0]);
  });

  test('every snippet type-checks', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, '.readme-check-'));
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.keys(require('../src')) as string[];
      // Variables a fragment takes from the snippets before it.
      const given: Record<string, string> = {
        project: 'Project', api: 'Service', image: 'DockerImage', stages: 'Parameters<typeof DockerPreset.custom>[0][\'stages\']',
      };
      snippets.forEach((text, i) => {
        const imported = new Set([...text.matchAll(/import\s*\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((n) => n.trim()).filter(Boolean)));
        const declared = (name: string) => new RegExp(`\\b(const|let|function|class)\\s+${name}\\b`).test(text);
        const used = (name: string) => new RegExp(`\\b${name}\\b`).test(text);
        const fromShipshape = exported.filter((n) => !imported.has(n) && !declared(n) && used(n));
        const prelude = [
          ...(!imported.has('Project') ? ["import { Project } from 'projen';"] : []),
          ...(fromShipshape.length > 0 ? [`import { ${fromShipshape.join(', ')} } from 'shipshape';`] : []),
          ...(!imported.has('DockerPreset') && !fromShipshape.includes('DockerPreset') ? ["import { DockerPreset } from 'shipshape';"] : []),
          ...(!imported.has('Service') && !fromShipshape.includes('Service') ? ["import { Service } from 'shipshape';"] : []),
          ...(!imported.has('DockerImage') && !fromShipshape.includes('DockerImage') ? ["import { DockerImage } from 'shipshape';"] : []),
          ...Object.entries(given).filter(([n]) => !declared(n) && used(n)).map(([n, t]) => `declare const ${n}: ${t};`),
          ...(used('createProject') && !declared('createProject') ? ['declare function createProject(outdir: string): Project;'] : []),
        ];
        fs.writeFileSync(path.join(dir, `snippet-${i}.ts`), `${prelude.join('\n')}\n${text}\nexport {};\n`);
      });
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        extends: '../tsconfig.json',
        compilerOptions: {
          noEmit: true,
          rootDir: '..',
          skipLibCheck: true,
          noUnusedLocals: false,
          noUnusedParameters: false,
          types: ['jest', 'node'],
          paths: { 'shipshape': ['../src/index.ts'], 'shipshape/lib/*': ['../src/*'] },
        },
        include: ['*.ts'],
      }));
      const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', dir], { cwd: ROOT, encoding: 'utf8' });
      expect(r.stdout.split('\n').filter((l) => l.includes('error TS'))).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('the opening example synthesizes as written, and its synth-check (`npx projen`) re-runs it with nothing to change', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, '.readme-project-'));
    try {
      fs.writeFileSync(path.join(dir, '.projenrc.ts'), complete[0].replace("from 'shipshape'", `from '${path.join(ROOT, 'src', 'index')}'`));
      const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
      // Without NODE_ENV=test (Jest's): under it, projen writes a project without outdir into a temporary directory.
      const { NODE_ENV: _test, ...parent } = process.env;
      const env = { ...parent, PROJEN_DISABLE_POST: 'true', SHIPSHAPE_CACHE: 'off' };
      const first = spawnSync(tsx, ['.projenrc.ts'], { cwd: dir, encoding: 'utf8', env });
      expect(first.stderr).not.toMatch(/ShipshapeError|Error:/);
      expect(first.status).toBe(0);
      // Every file the README says the example writes.
      const written = ['Dockerfile', '.dockerignore', '.github/workflows/ci.yml', '.github/workflows/ci-drift.yml', '.github/workflows/ci-updates.yml', '.github/rulesets/main.json',
        '.github/dependabot.yml', '.github/environments.json', '.github/oidc-subject.json', 'scripts/apply-github-settings.sh',
        'infra/staging.template.json', 'infra/prod.template.json', 'infra/api-staging.template.json', 'infra/api-prod.template.json'];
      for (const f of written) expect([f, fs.existsSync(path.join(dir, f))]).toEqual([f, true]);
      // `npx projen` runs projen's default task: it must run this very file (what synth-check re-runs in CI).
      const task = JSON.parse(fs.readFileSync(path.join(dir, '.projen', 'tasks.json'), 'utf8')).tasks.default;
      expect(task.steps.map((s: { execArgs?: string[] }) => s.execArgs)).toEqual([['tsx', '.projenrc.ts']]);
      const wf = fs.readFileSync(path.join(dir, '.github/workflows/ci.yml'), 'utf8');
      expect(wf).toContain('run: npx projen');
      const before = tree(dir);
      const again = spawnSync(tsx, task.steps[0].execArgs.slice(1), { cwd: dir, encoding: 'utf8', env });
      expect(again.status).toBe(0);
      expect(tree(dir)).toEqual(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
