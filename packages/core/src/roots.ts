/**
 * The mutator's roots: a stack of call frames, each a run of registers, and named globals.
 *
 * A root is named by a number: register `r` of the current frame is `r` (>= 0); global slot `g` is
 * `~g` (< 0). `NULL_ROOT` stands for the constant null where a source is expected. All registers of
 * all frames live in one typed array, so a moving collector updates them in place:
 * `regs[0 .. top)` and `globals[0 .. globalCount)` are every root value there is (0 = null).
 *
 * The outermost frame's registers grow as they are used, up to `MAX_OUTER_REGISTERS`; a called frame
 * has exactly the registers it was called with; all frames together hold at most `MAX_REGISTERS`.
 */

/** Source code meaning the constant null. */
export const NULL_ROOT = 0x7fff_ffff;
/** The most registers the outermost frame may grow to. */
export const MAX_OUTER_REGISTERS = 1 << 16;
/** The deepest call stack allowed (frames, the outermost included). */
export const MAX_FRAMES = 1 << 16;
/**
 * The most registers all frames may hold together (64 MiB of host memory): without it, 65536 frames
 * of 65536 registers would ask the host for 16 GiB. Past it, `call` is a stack overflow.
 */
export const MAX_REGISTERS = 1 << 24;

/** Root code of global slot `g`. */
export function globalRoot(g: number): number {
  return ~g;
}

/** Frame stack and globals. */
export class Roots {
  /** Register values of every frame, bottom frame first. */
  regs = new Int32Array(256);
  /** Number of register slots in use by all frames. */
  top = 0;
  /** First register slot of each frame (index = frame depth). */
  frameBase = new Int32Array(64);
  /** Current frame depth (0 = outermost). */
  depth = 0;
  /** Global values by slot (0 = null or undefined). */
  globals = new Int32Array(64);
  /** 1 when the global slot is defined (has a name binding). */
  globalDefined = new Uint8Array(64);
  /** Number of global slots ever created. */
  globalCount = 0;
  /** Names of global slots. */
  readonly globalNames: string[] = [];
  private readonly globalIndex = new Map<string, number>();

  /** The slot of global `name`, creating it (undefined) when new. */
  globalSlot(name: string): number {
    let g = this.globalIndex.get(name);
    if (g === undefined) {
      g = this.globalCount++;
      if (g >= this.globals.length) {
        this.globals = growInt32(this.globals, g + 1);
        const d = new Uint8Array(this.globals.length);
        d.set(this.globalDefined);
        this.globalDefined = d;
      }
      this.globalNames.push(name);
      this.globalIndex.set(name, g);
    }
    return g;
  }

  /** Registers in the current frame. */
  get frameSize(): number {
    return this.top - this.frameBase[this.depth]!;
  }

  /** Ensures the register array has `n` slots. */
  ensureRegisters(n: number): void {
    if (n > this.regs.length) this.regs = growInt32(this.regs, n);
  }

  /** Pushes a frame of `nregs` null registers; returns its base slot. */
  pushFrame(nregs: number): number {
    const base = this.top;
    this.ensureRegisters(base + nregs);
    this.regs.fill(0, base, base + nregs);
    this.depth++;
    if (this.depth >= this.frameBase.length) this.frameBase = growInt32(this.frameBase, this.depth + 1);
    this.frameBase[this.depth] = base;
    this.top = base + nregs;
    return base;
  }

  /** Pops the current frame (its registers must already be cleared by the caller). */
  popFrame(): void {
    this.top = this.frameBase[this.depth]!;
    this.depth--;
  }
}

function growInt32(a: Int32Array<ArrayBuffer>, min: number): Int32Array<ArrayBuffer> {
  let size = a.length * 2;
  while (size < min) size *= 2;
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
