/**
 * The few web-platform globals that both of the engine's hosts (a Web Worker and Node) provide.
 * The engine's tsconfig has neither the DOM lib nor Node's types, so the compiler refuses
 * anything else; this file is left out of the other tsconfigs, which declare these already.
 */
declare const performance: { now(): number };
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare function structuredClone<T>(value: T): T;
declare function setTimeout(handler: () => void, ms?: number): unknown;
declare function clearTimeout(id: unknown): void;
declare function setInterval(handler: () => void, ms?: number): unknown;
declare function clearInterval(id: unknown): void;
