/** Body schemas (every problem with its path) and the route table. */
import { arrayOf, integerIn, numberIn, objectOf, oneOf, optional, queryInteger, textOf, validateBody } from '../../../modules/web_server/body_schema';
import { ApiError } from '../../../modules/web_server/responses';
import { DuplicateRouteError, Router, type Route } from '../../../modules/web_server/router';

function problems(run: () => unknown): { field: string; code: string }[] {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    expect(error.status).toBe(400);
    return (error.details.errors as { field: string; code: string }[]).map(({ field, code }) => ({ field, code }));
  }
  throw new Error('expected a refusal');
}

describe('body schema', () => {
  const schema = objectOf({
    name: textOf({ minLength: 1, maxLength: 8, pattern: /^[a-z]+$/ }),
    level: integerIn(0, 10),
    ratio: optional(numberIn({ min: 0, max: 1 })),
    tags: optional(arrayOf(oneOf(['a', 'b'] as const), { maxItems: 2 })),
    nested: optional(objectOf({ on: optional(oneOf([true, false])) })),
  });

  it('passes a valid body through, typed', () => {
    const value = validateBody(schema, { name: 'abc', level: 3, tags: ['a'], nested: { on: true } });
    expect(value).toEqual({ name: 'abc', level: 3, tags: ['a'], nested: { on: true } });
  });

  it('lists every problem with its dotted path', () => {
    expect(problems(() => validateBody(schema, { name: 'ABC', level: 3.5, ratio: 2, tags: ['a', 'c'], nested: { on: 1, off: 2 }, extra: 1 }))).toEqual([
      { field: 'extra', code: 'unknown_field' },
      { field: 'name', code: 'format' },
      { field: 'level', code: 'not_integer' },
      { field: 'ratio', code: 'out_of_range' },
      { field: 'tags[1]', code: 'not_allowed' },
      { field: 'nested.off', code: 'unknown_field' },
      { field: 'nested.on', code: 'not_allowed' },
    ]);
  });

  it('names missing fields and wrong top-level types', () => {
    expect(problems(() => validateBody(schema, {}))).toEqual([
      { field: 'name', code: 'required' },
      { field: 'level', code: 'required' },
    ]);
    expect(problems(() => validateBody(schema, [1]))).toEqual([{ field: '', code: 'invalid_type' }]);
    expect(problems(() => validateBody(schema, { name: 'a', level: 1, tags: ['a', 'a', 'b'] }))).toEqual([{ field: 'tags', code: 'too_long' }]);
  });

  it('puts the first field in the message of the answer', () => {
    try {
      validateBody(schema, { name: 'abc', level: 99 });
    } catch (error) {
      expect((error as ApiError).message).toBe('level: must be between 0 and 10');
      expect((error as ApiError).details.field).toBe('level');
    }
    expect.assertions(2);
  });

  it('reads integer query parameters with defaults and bounds', () => {
    const query = new Map([['limit', '25'], ['bad', '2.5'], ['huge', '1e9'], ['neg', '-3']]);
    expect(queryInteger(query, 'limit', { min: 1, max: 100, default: 10 })).toBe(25);
    expect(queryInteger(query, 'absent', { min: 1, max: 100, default: 10 })).toBe(10);
    for (const name of ['bad', 'huge', 'neg']) expect(problems(() => queryInteger(query, name, { min: 0, max: 100, default: 1 }))[0].field).toBe(name);
  });
});

describe('Router', () => {
  const route = (method: Route['method'], path: string): Route => ({ method, path, access: 'open', handle: () => ({ status: 204, headers: {} }) });

  it('finds routes by exact path and method, HEAD through GET', () => {
    const router = new Router([[route('GET', '/a'), route('POST', '/a')], [route('DELETE', '/b')]]);
    expect(router.match('GET', '/a')).toMatchObject({ kind: 'found', route: { method: 'GET' } });
    expect(router.match('HEAD', '/a')).toMatchObject({ kind: 'found', route: { method: 'GET' } });
    expect(router.match('PUT', '/a')).toEqual({ kind: 'method_not_allowed', allowed: ['GET', 'POST', 'HEAD'] });
    expect(router.match('HEAD', '/b')).toEqual({ kind: 'method_not_allowed', allowed: ['DELETE'] });
    expect(router.match('GET', '/a/')).toEqual({ kind: 'not_found' });
  });

  it('refuses a second table claiming a registered method and path', () => {
    expect(() => new Router([[route('GET', '/api/status')], [route('GET', '/api/status')]])).toThrow(DuplicateRouteError);
  });
});
