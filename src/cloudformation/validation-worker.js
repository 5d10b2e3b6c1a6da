'use strict';
// Runs AWS's CloudFormation validator (bundled in aws-cdk-lib) in a worker thread. The engine starts as soon
// as the worker does, while the main thread is still synthesizing the stacks; the main thread then posts the
// rendered templates and blocks on a shared flag until the results are written back.
const { parentPort, workerData } = require('worker_threads');
const { createRequire } = require('module');

const { shared } = workerData;
const flag = new Int32Array(shared, 0, 2); // [state, byte length]; state 1 = done
const bytes = new Uint8Array(shared, 8);

function reply(value) {
  const encoded = Buffer.from(JSON.stringify(value), 'utf8');
  if (encoded.length > bytes.length) {
    return reply({ error: `validation results of ${encoded.length} bytes exceed the ${bytes.length}-byte buffer` });
  }
  bytes.set(encoded);
  Atomics.store(flag, 1, encoded.length);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

let engine;
let TemplateContent;
let startError;
try {
  const req = createRequire(require.resolve('aws-cdk-lib'));
  const mod = req('@aws/cloudformation-validate');
  engine = new mod.CompositeEngine();
  TemplateContent = mod.TemplateContent;
} catch (e) {
  startError = String(e && e.stack ? e.stack : e);
}

parentPort.on('message', (templates) => {
  if (startError) return reply({ error: startError });
  try {
    const results = templates.map(({ name, text }) => ({
      name,
      diagnostics: engine.validateTemplate(new TemplateContent(text, name), { severityLevel: 'WARN', strict: true }).diagnostics
        .map((d) => ({ severity: d.severity, ruleId: d.ruleId, message: d.message, propertyPath: d.propertyPath, line: d.startLine })),
    }));
    reply({ results });
  } catch (e) {
    reply({ error: String(e && e.stack ? e.stack : e) });
  }
});
