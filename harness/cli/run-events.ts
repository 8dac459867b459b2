/** A tiny typed event channel between the runner and the CLI's progress display. */
import type { RunEvent, RunEventListener } from '../runner/events.ts';

export class RunEvents {
  private readonly listeners = new Set<RunEventListener>();

  /** Subscribes; returns the unsubscribe function. */
  on(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RunEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
