import { migrate } from '../../../modules/config_manager/migrate';
import { CONFIG_VERSION } from '../../../modules/config_manager';
import { utf8Encode, utf8Length } from '../../../modules/util/utf8';

describe('migrate', () => {
  it('passes a current document through untouched', () => {
    const doc = { version: CONFIG_VERSION, mqtt: {} };
    expect(migrate(doc)).toEqual({ ok: true, document: doc });
  });

  it('applies each step in order up to the target version', () => {
    const steps = {
      1: (d: Record<string, unknown>) => ({ ...d, renamed: d.old, old: undefined }),
      2: (d: Record<string, unknown>) => ({ ...d, added: true }),
    };
    expect(migrate({ version: 1, old: 'x' }, steps, 3)).toEqual({ ok: true, document: { version: 3, renamed: 'x', old: undefined, added: true } });
  });

  it('refuses a newer version and a version without a migration path', () => {
    expect(migrate({ version: CONFIG_VERSION + 1 })).toEqual({ ok: false, error: expect.objectContaining({ field: 'version', code: 'unsupported_version' }) });
    expect(migrate({ version: 0 })).toEqual({ ok: false, error: expect.objectContaining({ code: 'unsupported_version', message: expect.stringMatching(/no migration from config version 0/) }) });
  });
});

describe('utf8 helpers', () => {
  it.each(['', 'abc', 'é€😀', 'mixed ascii ü and 𝄞', 'lone \ud800 surrogate', 'end \udc00'])('encodes %j exactly as TextEncoder does', (text) => {
    const expected = new TextEncoder().encode(text);
    expect(Array.from(utf8Encode(text))).toEqual(Array.from(expected));
    expect(utf8Length(text)).toBe(expected.length);
  });
});
