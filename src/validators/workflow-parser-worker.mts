/**
 * Runs GitHub's own workflow parser (@actions/workflow-parser) on workflows read from stdin as JSON
 * (`[{ name, content }]`) and writes its errors to stdout as JSON (`[{ file, message, line }]`).
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
const results: Array<{ file: string; message: string; line?: number }> = [];
for (const { name, content } of JSON.parse(input) as Array<{ name: string; content: string }>) {
  const r = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (r.value !== undefined) {
    await convertWorkflowTemplate(r.context, r.value, undefined, { errorPolicy: ErrorPolicy.TryConversion });
  }
  for (const e of r.context.errors.getErrors()) {
    results.push({ file: name, message: e.message, line: e.range?.start?.line });
  }
}
process.stdout.write(JSON.stringify(results));
