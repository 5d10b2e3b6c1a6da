'use strict';
// A dependency-free format check: LF endings, no tabs, no trailing spaces, a final newline.
const fs = require('node:fs');
const files = ['src/server.js', 'test/server.test.js', 'test/integration/services.test.js', 'scripts/format-check.js', 'scripts/smoke.js'];
let bad = 0;
for (const f of files) {
  const text = fs.readFileSync(f, 'utf8');
  text.split('\n').forEach((line, i) => {
    if (/\t|\r| +$/.test(line)) { console.error(`${f}:${i + 1}: tab, CR or trailing space`); bad++; }
  });
  if (!text.endsWith('\n')) { console.error(`${f}: no final newline`); bad++; }
}
process.exitCode = bad > 0 ? 1 : 0;
