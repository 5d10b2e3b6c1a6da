import { Project } from 'projen';
import { Dockerfile } from 'shipshape';
import { DockerPreset } from 'shipshape';
import { Service } from 'shipshape';
import { DockerImage } from 'shipshape';
declare function createProject(outdir: string): Project;
import { synthSnapshot } from 'shipshape/lib/testing/synth';

const files = synthSnapshot((outdir) => createProject(outdir));
expect(files['Dockerfile']).toContain('USER 1000:1000');
expect(files).toMatchSnapshot();

export {};
