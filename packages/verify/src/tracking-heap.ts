/**
 * A heap that tells a listener what the collector reports: each freed object, each reclaimed
 * region, each move. The lockstep run uses it to know, independently of core's checked mode, which
 * model object the collector says is where, and to catch frees and moves that name no object.
 */
import { type CollectorDescriptor, Heap, type HeapOptions } from '@gclab/core';

/** Receives the collector's reports, after the heap has recorded them. */
export interface ReportListener {
  /** `heap.recordFree(addr, size)`. */
  freed(addr: number, size: number): void;
  /** `heap.recordFreeRange(start, end)`. */
  freedRange(start: number, end: number): void;
  /** `heap.recordMove(from, to)`. */
  moved(from: number, to: number): void;
}

/** A `Heap` that forwards the collector's reports to a listener. */
export class TrackingHeap extends Heap {
  /** Set right after construction (the collector reports nothing while it is created). */
  listener: ReportListener | null = null;

  constructor(descriptor: CollectorDescriptor, options: HeapOptions = {}) {
    super(descriptor, options);
    this.freesObserved = true;
  }

  override recordFree(addr: number, size: number): void {
    super.recordFree(addr, size);
    this.listener?.freed(addr, size);
  }

  override recordFreeRange(start: number, end: number): void {
    super.recordFreeRange(start, end);
    this.listener?.freedRange(start, end);
  }

  override recordMove(from: number, to: number): void {
    super.recordMove(from, to);
    this.listener?.moved(from, to);
  }
}
