/** The README and the repository stay true to the code. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
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
