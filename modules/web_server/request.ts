/**
 * Reading a request: the path and query from the target, and the body with a size limit checked
 * while it streams, so an oversized upload is refused without being held in memory.
 */
import type { HttpRequest } from '../../hosts/ports/http';
import { ApiError } from './responses';
import { parseGuardedJson } from '../util/json_guard';
import { utf8Decode, utf8DecodeStrict } from './text_codecs';

export interface ParsedTarget {
  /** Percent-decoded path, "/" for an empty one. */
  path: string;
  query: ReadonlyMap<string, string>;
}

/** Splits "/a/b?x=1&y" into path and query; undefined when the path cannot be decoded or climbs (".."). */
export function parseTarget(url: string): ParsedTarget | undefined {
  const hashAt = url.indexOf('#');
  const target = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const queryAt = target.indexOf('?');
  const rawPath = queryAt >= 0 ? target.slice(0, queryAt) : target;
  const path = decodeComponent(rawPath);
  // Nothing is ever a file path here, yet a dot-dot segment or a backslash has no honest use: refuse it.
  if (path === undefined || !path.startsWith('/') || path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return undefined;
  const query = new Map<string, string>();
  if (queryAt >= 0) {
    for (const pair of target.slice(queryAt + 1).split('&')) {
      if (pair === '') continue;
      const equalsAt = pair.indexOf('=');
      const name = decodeComponent((equalsAt >= 0 ? pair.slice(0, equalsAt) : pair).replace(/\+/g, ' '));
      const value = decodeComponent((equalsAt >= 0 ? pair.slice(equalsAt + 1) : '').replace(/\+/g, ' '));
      // First occurrence wins: a repeated parameter cannot smuggle a second value past validation.
      if (name !== undefined && value !== undefined && !query.has(name)) query.set(name, value);
    }
  }
  return { path, query };
}

function decodeComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The request body, read at most once, refused past `limitBytes`. */
export class RequestBody {
  #request: HttpRequest;
  #limit: number;
  #bytes: Promise<Uint8Array> | undefined;

  constructor(request: HttpRequest, limitBytes: number) {
    this.#request = request;
    this.#limit = limitBytes;
  }

  get contentType(): string {
    return (this.#request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  }

  bytes(): Promise<Uint8Array> {
    this.#bytes ??= this.#read();
    return this.#bytes;
  }

  async text(): Promise<string> {
    return utf8Decode(await this.bytes());
  }

  /**
   * The body as JSON. An empty body is `undefined` when `optional`, else a 400; a body that is
   * not declared `application/json` is a 415 (a form post from another site cannot pass as JSON).
   */
  async json(options: { optional?: boolean } = {}): Promise<unknown> {
    const bytes = await this.bytes();
    if (bytes.length === 0) {
      if (options.optional) return undefined;
      throw new ApiError(400, 'body_required', 'this request needs a JSON body', { field: '' });
    }
    if (this.contentType !== 'application/json') {
      throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
    }
    const text = utf8DecodeStrict(bytes);
    if (text === undefined) throw new ApiError(400, 'invalid_utf8', 'the body is not valid UTF-8 text', { field: '' });
    const parsed = parseGuardedJson(text);
    if (!parsed.ok) {
      const message = parsed.code === 'too_deep' ? parsed.message : `the body is not valid JSON: ${parsed.message}`;
      throw new ApiError(400, parsed.code, message, { field: '' });
    }
    return parsed.value;
  }

  /** Declared length from Content-Length, when the client sent one. */
  get declaredLength(): number | undefined {
    const declared = this.#request.headers['content-length'];
    return declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
  }

  /** The body chunk by chunk (for streamed uploads), still refused past the limit. */
  async *stream(): AsyncIterable<Uint8Array> {
    if ((this.declaredLength ?? 0) > this.#limit) throw this.#tooLarge();
    let total = 0;
    for await (const chunk of this.#request.body) {
      total += chunk.length;
      if (total > this.#limit) throw this.#tooLarge();
      yield chunk;
    }
  }

  async #read(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this.stream()) {
      total += chunk.length;
      chunks.push(chunk);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  #tooLarge(): ApiError {
    // Connection: close, so the host drops the rest of the upload instead of draining it.
    return new ApiError(413, 'body_too_large', `the body exceeds ${this.#limit} bytes`, { headers: { Connection: 'close' } });
  }
}
