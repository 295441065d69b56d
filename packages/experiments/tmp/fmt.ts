import { readFileSync } from 'node:fs';
import { formatPyperformance } from '../src/pyperformance/pyperformance-figures.ts';
console.log(formatPyperformance(JSON.parse(readFileSync('/tmp/all.json', 'utf8'))));
