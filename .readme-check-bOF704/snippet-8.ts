import { Project } from 'projen';
import { DockerImage, DockerPreset } from 'shipshape';
import { Service } from 'shipshape';
declare const project: Project;
declare const api: Service;
declare const stages: Parameters<typeof DockerPreset.custom>[0]['stages'];
const image = new DockerImage(project, 'image', { service: api, preset: DockerPreset.custom({ stages }) });
image.acknowledge('SS-DOCKER-APT', 'The base image pins its own apt sources; recommended packages are needed here.');

export {};
