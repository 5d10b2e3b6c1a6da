import type { Finding } from './finding';

interface Diagnostic { message: string; severity?: number; code?: string | number; range: { start: { line: number } } }

/**
 * dockerfile-utils' linter (default settings: no settings object, since a partial one
 * switches off every rule it does not name), plus AST checks of our own with dockerfile-ast.
 */
export function lintDockerfile(content: string, file: string): Finding[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validate } = require('dockerfile-utils') as { validate: (text: string) => Diagnostic[] };
  const findings: Finding[] = validate(content).map((d) => ({
    validator: 'dockerfile-utils',
    file,
    severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
    rule: String(d.code ?? 'lint'),
    message: d.message,
    line: d.range.start.line + 1,
  }));
  return [...findings, ...astChecks(content, file)];
}

/** Structural checks: FROM pinned, COPY --from an earlier stage, a final stage with a non-root USER and a HEALTHCHECK. */
export function astChecks(content: string, file: string): Finding[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DockerfileParser } = require('dockerfile-ast') as typeof import('dockerfile-ast');
  const df = DockerfileParser.parse(content);
  const out: Finding[] = [];
  const add = (rule: string, message: string, line: number) => out.push({ validator: 'dockerfile-ast', file, severity: 'error', rule, message, line: line + 1 });
  const stages: string[] = [];
  const froms = df.getFROMs();
  for (const from of froms) {
    const line = from.getRange().start.line;
    const image = from.getImage() ?? '';
    const isStage = stages.includes(image);
    if (!isStage && image !== 'scratch') {
      const tag = from.getImageTag();
      const digest = from.getImageDigest();
      if (!tag && !digest) add('from-unpinned', `FROM ${image} has neither a tag nor a digest`, line);
      if (tag === 'latest') add('from-latest', `FROM ${image} uses the 'latest' tag`, line);
    }
    const name = from.getBuildStage();
    if (name) stages.push(name);
  }
  const instructions = df.getInstructions();
  let seen: string[] = [];
  for (const ins of instructions) {
    const kw = ins.getKeyword();
    if (kw === 'FROM') {
      const prev = froms.indexOf(ins as never);
      seen = stages.slice(0, Math.max(0, prev));
      continue;
    }
    if (kw === 'COPY') {
      const flag = (ins as unknown as { getFromFlag(): { getValue(): string } | null }).getFromFlag();
      const v = flag?.getValue();
      if (v !== undefined && !seen.includes(v) && !/[:/]/.test(v)) add('copy-from-unknown', `COPY --from=${v} names no earlier stage`, ins.getRange().start.line);
    }
  }
  const last = froms[froms.length - 1];
  if (last) {
    const start = last.getRange().start.line;
    const tail = instructions.filter((i) => i.getRange().start.line > start);
    const users = tail.filter((i) => i.getKeyword() === 'USER');
    const user = users[users.length - 1]?.getArgumentsContent()?.trim();
    if (!user) add('final-no-user', 'the final stage sets no USER (it would run as root)', start);
    else if (/^(root|0)(:.*)?$/.test(user)) add('final-root-user', `the final stage runs as ${user}`, start);
    if (!tail.some((i) => i.getKeyword() === 'HEALTHCHECK')) add('final-no-healthcheck', 'the final stage has no HEALTHCHECK', start);
  }
  return out;
}
