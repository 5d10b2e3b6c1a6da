import { Project } from 'projen';
import { Mount } from 'shipshape';
import { DockerPreset } from 'shipshape';
import { Service } from 'shipshape';
import { DockerImage } from 'shipshape';
declare const image: DockerImage;
const build = image.dockerfile.addStage('assets', { from: { image: 'node', tag: '22-bookworm-slim' } })
  .workdir('/src')
  .run('npm ci', { mounts: [Mount.cache({ target: '/root/.npm' }), Mount.secret({ id: 'npmrc', target: '/root/.npmrc' })] });
image.targetStage.copy({ from: build, src: '/src/public', dest: './public' });

export {};
