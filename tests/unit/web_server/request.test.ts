/** Request targets and bodies: decoding, refusing climbing paths, the streamed size limit. */
import type { HttpRequest } from '../../../hosts/ports/http';
import { RequestBody, parseTarget } from '../../../modules/web_server/request';
import { ApiError } from '../../../modules/web_server/responses';

function requestWith(chunks: Uint8Array[], headers: Record<string, string> = {}, onPull?: () => void): HttpRequest {
  return {
    method: 'POST',
    url: '/api/x',
    headers,
    remoteAddress: '10.0.0.9',
    body: {
      async *[Symbol.asyncIterator]() {
        for (const chunk of chunks) {
          onPull?.();
          yield chunk;
        }
      },
    },
  };
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text));

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('parseTarget', () => {
  it('splits and decodes path and query', () => {
    const target = parseTarget('/api/history?date=2026-03-14&limit=10&empty=&flag&sp=a+b%20c#frag');
    expect(target?.path).toBe('/api/history');
    expect(Object.fromEntries(target!.query)).toEqual({ date: '2026-03-14', limit: '10', empty: '', flag: '', sp: 'a b c' });
  });

  it('keeps the first of a repeated parameter', () => {
    expect(parseTarget('/a?limit=5&limit=50000')?.query.get('limit')).toBe('5');
  });

  it('drops an undecodable parameter but keeps the others', () => {
    expect(Object.fromEntries(parseTarget('/a?bad=%zz&ok=1')!.query)).toEqual({ ok: '1' });
  });

  it.each(['/%zz', 'relative', '/a/../b', '/%2e%2e/x', '/a%2f..%2fb', '/a\\b', '/a%5cb', '/x%00'])('refuses %j', (url) => {
    expect(parseTarget(url)).toBeUndefined();
  });

  it('allows dots inside names', () => {
    expect(parseTarget('/assets/app.min.js')?.path).toBe('/assets/app.min.js');
    expect(parseTarget('/a/...b')?.path).toBe('/a/...b');
  });
});

describe('RequestBody', () => {
  it('joins the chunks and parses JSON', async () => {
    const body = new RequestBody(requestWith([bytes('{"a":'), bytes('[1,2]}')], { 'content-type': 'application/json; charset=utf-8' }), 100);
    expect(await body.json()).toEqual({ a: [1, 2] });
    // Read once, answered again from memory.
    expect(await body.text()).toBe('{"a":[1,2]}');
  });

  it('stops reading as soon as the limit is passed', async () => {
    let pulled = 0;
    const chunks = Array.from({ length: 100 }, () => bytes('x'.repeat(10)));
    const body = new RequestBody(requestWith(chunks, {}, () => pulled++), 35);
    const error = await rejection(body.bytes());
    expect([error.status, error.code]).toEqual([413, 'body_too_large']);
    expect(error.details.headers).toEqual({ Connection: 'close' });
    expect(pulled).toBe(4);
  });

  it('refuses a declared Content-Length over the limit before reading anything', async () => {
    let pulled = 0;
    const body = new RequestBody(requestWith([bytes('{}')], { 'content-length': '5000' }, () => pulled++), 100);
    expect((await rejection(body.bytes())).status).toBe(413);
    expect(pulled).toBe(0);
  });

  it('answers undefined for an empty optional body, 400 for an empty required one', async () => {
    expect(await new RequestBody(requestWith([]), 10).json({ optional: true })).toBeUndefined();
    expect((await rejection(new RequestBody(requestWith([]), 10).json())).code).toBe('body_required');
  });

  it('refuses a body not declared as JSON with 415 and bad JSON with 400', async () => {
    expect((await rejection(new RequestBody(requestWith([bytes('{}')], { 'content-type': 'text/plain' }), 10).json())).status).toBe(415);
    const bad = await rejection(new RequestBody(requestWith([bytes('{oops}')], { 'content-type': 'application/json' }), 10).json());
    expect([bad.status, bad.code, bad.details.field]).toEqual([400, 'invalid_json', '']);
  });
});
