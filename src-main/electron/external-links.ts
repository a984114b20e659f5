/**
 * The only web pages the app ever opens in the user's browser. The shell opens a link
 * externally only when it is one of these exact URLs, so a compromised or confused renderer
 * cannot make the app launch arbitrary URLs or local files.
 */

/** The user documentation (Help > Documentation). */
export const DOCUMENTATION_URL = 'https://github.com/model-studio/model-studio#readme';
/** Where people report problems. */
export const ISSUES_URL = 'https://github.com/model-studio/model-studio/issues';
/** Chrome's WebGPU troubleshooting page, linked when the GPU backend is unavailable. */
export const WEBGPU_HELP_URL = 'https://developer.chrome.com/docs/web-platform/webgpu/troubleshooting-tips';
/** TensorFlow.js guide, linked from the backend details. */
export const TFJS_GUIDE_URL = 'https://www.tensorflow.org/js/guide';

const ALLOWED = new Set([DOCUMENTATION_URL, ISSUES_URL, WEBGPU_HELP_URL, TFJS_GUIDE_URL].map((u) => new URL(u).href));

/** Whether the URL is an http(s) link the app itself made, and so may open in the browser. */
export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  // Credentials in a URL are a classic way to disguise the real host.
  if (parsed.username || parsed.password) return false;
  return ALLOWED.has(parsed.href);
}
