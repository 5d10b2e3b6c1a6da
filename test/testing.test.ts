import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { DockerImage, DockerPreset, Service } from '../src';
import { synthSnapshot } from '../src/testing/synth';

describe('synthSnapshot', () => {
  test('synthesizes into its own temporary directory and removes it, leaving the working directory alone', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-caller-'));
    fs.writeFileSync(path.join(cwd, 'keep.txt'), 'mine\n');
    const before = process.cwd();
    process.chdir(cwd);
    let used = '';
    try {
      const files = synthSnapshot((outdir) => {
        used = outdir;
        const p = new Project({ name: 'app', outdir });
        new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
        return p;
      });
      expect(files.Dockerfile).toContain('HEALTHCHECK');
      expect(used).not.toBe(cwd);
      expect(fs.existsSync(used)).toBe(false);
      expect(fs.readdirSync(cwd)).toEqual(['keep.txt']);
    } finally {
      process.chdir(before);
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  test('refuses a project created somewhere else than the directory it was given', () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-elsewhere-'));
    try {
      expect(() => synthSnapshot(() => new Project({ name: 'app', outdir: elsewhere }))).toThrow(/must create the project in the outdir it is given/);
      expect(fs.readdirSync(elsewhere)).toEqual([]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
