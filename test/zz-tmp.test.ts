import * as fs from 'fs';
import { createProject } from '../examples/node-api/.projenrc';
import { synthSnapshot } from '../src/testing/synth';
test('tmp', () => {
  const t0 = Date.now();
  const files = synthSnapshot((o) => createProject(o));
  console.log('ms', Date.now() - t0);
  for (const [f, c] of Object.entries(files)) if (f.endsWith('.template.json')) { console.log(f, c.length); fs.writeFileSync('/tmp/cfnwork/' + f.replace(/\//g, '_'), c); }
});
