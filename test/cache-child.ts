// Synthesizes the flagship example into argv[2] and prints whether aws-cdk-lib was loaded.
import { createProject } from '../examples/node-api/.projenrc';

process.env.PROJEN_DISABLE_POST = 'true';
createProject(process.argv[2]).synth();
const loaded = Object.keys(require.cache).some((k) => /[\\/]node_modules[\\/]aws-cdk-lib[\\/]/.test(k));
process.stdout.write(JSON.stringify({ awsCdkLibLoaded: loaded }));
