/**
 * JSON nested past any depth the studio writes is refused before it is parsed: a 200,000-level
 * field parses, but then overflows the stack of whatever walks it next (schema checks, cloning,
 * saving), which a person sees as "Maximum call stack size exceeded".
 */

/** The deepest nesting of arrays and objects read: far past the studio's own files (a TF.js topology nests ~15). */
export const MAX_JSON_DEPTH = 128;

/** Whether `text`'s arrays and objects nest deeper than `limit` (brackets in strings do not count). */
export function jsonTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** JSON.parse that first refuses text nested deeper than `limit`, with a SyntaxError saying so. */
export function parseJsonBounded(text: string, limit = MAX_JSON_DEPTH): unknown {
  if (jsonTooDeep(text, limit)) throw new SyntaxError(`it nests arrays or objects deeper than ${limit} levels`);
  return JSON.parse(text);
}
