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
let mod;
let startError;
try {
  const req = createRequire(require.resolve('aws-cdk-lib'));
  mod = req('@aws/cloudformation-validate');
  engine = new mod.CompositeEngine();
} catch (e) {
  startError = String(e && e.stack ? e.stack : e);
}

/**
 * aws-cdk-lib's own validation plugin adds the Rego rules it ships for the resource types a template uses.
 * The engine above starts without them (that is what lets it start before the stacks exist); when a template
 * uses one of those types, an engine with the matching rules is made, so nothing aws-cdk-lib checks is skipped.
 */
function engineFor(templates) {
  const path = require('path');
  const fs = require('fs');
  const dir = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'core', 'lib', 'validation', 'rules');
  let index;
  try {
    index = JSON.parse(fs.readFileSync(path.join(dir, 'index.generated.json'), 'utf8'));
  } catch {
    return engine;
  }
  const types = new Set();
  for (const { text } of templates) {
    for (const r of Object.values(JSON.parse(text).Resources || {})) if (r && r.Type) types.add(r.Type);
  }
  const rules = index.rules.filter((r) => r.types !== null && r.types.some((t) => types.has(t)));
  if (rules.length === 0) return engine;
  const untyped = index.rules.filter((r) => r.types === null);
  const regoRules = [...untyped, ...rules].map((r) => ({ name: r.file, content: fs.readFileSync(path.join(dir, r.file), 'utf8') }));
  return new mod.CompositeEngine({ regoRules });
}

parentPort.on('message', (templates) => {
  if (startError) return reply({ error: startError });
  try {
    const chosen = engineFor(templates);
    const results = templates.map(({ name, text }) => ({
      name,
      diagnostics: chosen.validateTemplate(new mod.TemplateContent(text, name), { severityLevel: 'WARN', strict: true }).diagnostics
        .map((d) => ({ severity: d.severity, ruleId: d.ruleId, message: d.message, propertyPath: d.propertyPath, line: d.startLine })),
    }));
    reply({ results });
  } catch (e) {
    reply({ error: String(e && e.stack ? e.stack : e) });
  }
});
