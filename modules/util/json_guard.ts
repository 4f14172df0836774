/**
 * JSON from outside the gateway (request bodies, imported files) parsed with limits the engine
 * does not have: nesting depth is counted on the text before JSON.parse (deep nesting exhausts
 * the native stack in the parser or in any recursive walk after it, on XS sooner than on V8).
 */
import { errorMessage } from './error_message';

/** Deep enough for any document the gateway takes (configs are three levels). */
export const MAX_JSON_DEPTH = 32;

export type GuardedJson = { ok: true; value: unknown } | { ok: false; code: 'too_deep' | 'invalid_json'; message: string };

/** The deepest nesting of arrays and objects in `text`, brackets inside strings ignored. */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

export function parseGuardedJson(text: string, maxDepth = MAX_JSON_DEPTH): GuardedJson {
  if (jsonNestingDepth(text) > maxDepth) return { ok: false, code: 'too_deep', message: `the JSON is nested deeper than ${maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, code: 'invalid_json', message: errorMessage(error) };
  }
}
