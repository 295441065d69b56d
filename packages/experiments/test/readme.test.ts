import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPERIMENTS, findExperiment } from '../src/index.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('prints what the README says its example prints (through the registry, as the CLI does)', async () => {
    const command = /```sh\nnpx gclab experiment (.*)\n```/.exec(readme)?.[1];
    const printed = /```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(command).toBe('memory-release --count 1000 --size 64');
    const [name, ...args] = command!.split(' ');
    const experiment = findExperiment(name!)!;
    const values: Record<string, unknown> = {};
    for (const o of experiment.options) values[o.key] = o.defaultValue;
    for (let i = 0; i < args.length; i += 2) {
      const option = experiment.options.find((o) => `--${o.key}` === args[i])!;
      values[option.key] = option.parse(args[i + 1]!);
    }
    expect(experiment.format(await experiment.run(values, { collectors: [] }))).toBe(printed);
  });

  it('lists every experiment of the registry', () => {
    for (const e of EXPERIMENTS) expect(readme).toContain(`| \`${e.name}\``);
    expect(new Set(EXPERIMENTS.map((e) => e.name)).size).toBe(EXPERIMENTS.length);
  });
});
