// Synthesizes the flagship example and prints its files as JSON; run by the determinism test
// in a child process with another timezone and locale.
import { createProject } from '../examples/node-api/.projenrc';
import { synthSnapshot } from '../src/testing/synth';

process.stdout.write(JSON.stringify(synthSnapshot((outdir) => createProject(outdir))));
