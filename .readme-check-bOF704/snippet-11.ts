import { Project } from 'projen';
import { Service } from 'shipshape';
import { DockerPreset } from 'shipshape';
import { DockerImage } from 'shipshape';
declare const project: Project;
const api = new Service(project, 'api', { migrate: { command: ['npm', 'run', 'migrate'] } });

export {};
