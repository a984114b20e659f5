import type { EventName, EventOf } from '../../src-shared/ipc/contract';

/** Where an event goes: one client (window or socket), or every client when absent. */
export interface EventTarget {
  clientId?: string;
}

export type EventSink = (event: EventName, payload: unknown, target: EventTarget) => void;

/** Fans events from services out to the transports (Electron windows, web sockets). */
export class EventBus {
  private readonly sinks = new Set<EventSink>();

  emit<E extends EventName>(event: E, payload: EventOf<E>, target: EventTarget = {}): void {
    for (const sink of this.sinks) sink(event, payload, target);
  }

  /** Adds a transport; returns the function that removes it. */
  connect(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
}
