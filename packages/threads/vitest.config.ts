import { gclabProject } from '../../vitest.shared.ts';

export default gclabProject('@gclab/threads');
