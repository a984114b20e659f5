/**
 * The headers that make the renderer cross-origin isolated (`crossOriginIsolated` true), which
 * is what lets TensorFlow.js's WASM backend share memory between threads (SharedArrayBuffer)
 * and run its threaded SIMD build. Every response of the app:// protocol and the web host
 * carries them; CORP says our own resources may be embedded by our own pages only.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;
