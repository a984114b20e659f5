/**
 * Lets the host's event loop run between batches. On a synchronous backend (WASM, CPU) a batch
 * ends in a resolved promise, so without this the loop never gives the worker a turn: its
 * messages (Pause, Stop) and timers (batch events) wait for the epoch's end. A timer would cost
 * the 4 ms clamp of nested timeouts each batch; a message port or setImmediate costs microseconds.
 */

interface PortPair {
  port1: { onmessage: ((ev: unknown) => void) | null };
  port2: { postMessage(message: unknown): void };
}
type Host = { setImmediate?: (fn: () => void) => unknown; MessageChannel?: new () => PortPair };

const waiting: (() => void)[] = [];
let channel: PortPair | null = null;

/** Resolves on a new turn of the host's event loop, after what it has queued (messages, timers). */
export function yieldToHost(): Promise<void> {
  const host = globalThis as unknown as Host;
  if (typeof host.setImmediate === 'function') return new Promise((resolve) => void host.setImmediate!(resolve));
  if (!host.MessageChannel) return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new host.MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const { port2 } = channel;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port2.postMessage(null);
  });
}
