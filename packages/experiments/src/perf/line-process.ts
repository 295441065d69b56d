/**
 * A long-lived child process that answers one line of output per line of input: the perf anchors
 * that keep state between runs (CPython building and deleting trees, packages/experiments/scripts/
 * tree_del.py). Requests are answered in order; a child that exits before answering fails the
 * pending requests with what it wrote on stderr.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';

/** A child process spoken to line by line. */
export class LineProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  private stderr = '';
  private exited: string | null = null;

  /** Starts `command args` (no shell). */
  constructor(
    readonly command: string,
    readonly args: readonly string[],
  ) {
    this.child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.resolve(line));
    const fail = (why: string) => {
      this.exited = why;
      for (const p of this.pending.splice(0)) p.reject(new Error(`${this.describe()} ${why}`));
    };
    this.child.on('error', (e) => fail(`failed to start: ${e.message}`));
    this.child.on('exit', (code, signal) =>
      fail(`exited (${signal ?? `code ${code}`})${this.stderr === '' ? '' : `: ${this.stderr.trim()}`}`),
    );
  }

  /** Sends `line` and resolves with the next line the child writes. */
  request(line: string): Promise<string> {
    if (this.exited !== null) return Promise.reject(new Error(`${this.describe()} ${this.exited}`));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${line}\n`);
    });
  }

  /** Closes the child's input and waits for it to exit. */
  close(): Promise<void> {
    if (this.exited !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }

  private describe(): string {
    return `${this.command} ${this.args.join(' ')}`;
  }
}
