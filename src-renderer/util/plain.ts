/** A deep, non-reactive copy of JSON data: reactive proxies cannot cross to the worker (structured clone). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
