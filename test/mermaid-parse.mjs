// Parses Mermaid diagrams with mermaid's own parser (mermaid.parse), offline and without a browser: happy-dom
// provides the window DOMPurify needs. Reads a JSON array of diagram texts on stdin, writes one result per diagram.
// mermaid is ESM-only, so the tests run this file as a child process (test/mermaid.ts).
import { Window } from 'happy-dom';

const window = new Window();
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, diagramType: parsed.diagramType });
  } catch (e) {
    results.push({ ok: false, error: String(e?.message ?? e) });
  }
}
await window.happyDOM.close();
process.stdout.write(JSON.stringify(results));
