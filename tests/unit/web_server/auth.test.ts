/** Login limiter, CSRF tokens and the Basic authenticator on the virtual clock. */
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { createNodeCrypto } from '../../../hosts/node/crypto';
import type { WebConfig } from '../../../modules/config_manager/config_types';
import { Authenticator, parseBasicAuthorization } from '../../../modules/web_server/basic_auth';
import { CsrfTokens } from '../../../modules/web_server/csrf';
import { LoginLimiter } from '../../../modules/web_server/login_limiter';

const crypto = createNodeCrypto();
const header = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('LoginLimiter', () => {
  let clock: VirtualClock;
  let limiter: LoginLimiter;
  beforeEach(() => {
    clock = new VirtualClock();
    limiter = new LoginLimiter(clock, { maxLockoutMs: 300_000, forgetAfterMs: 600_000, maxClients: 3 });
  });
  const fail = (address: string, times: number) => {
    let last = 0;
    for (let i = 0; i < times; i++) last = limiter.recordFailure(address);
    return last;
  };

  it('locks after the fifth failure for 60 s, per address', () => {
    expect(fail('a', 4)).toBe(0);
    expect(limiter.retryAfterMs('a')).toBe(0);
    expect(fail('a', 1)).toBe(60_000);
    expect(limiter.retryAfterMs('a')).toBe(60_000);
    expect(limiter.retryAfterMs('b')).toBe(0);
    clock.advance(59_999);
    expect(limiter.retryAfterMs('a')).toBe(1);
    clock.advance(1);
    expect(limiter.retryAfterMs('a')).toBe(0);
  });

  it('doubles each further lockout up to the maximum', () => {
    const lockouts: number[] = [];
    for (let round = 0; round < 5; round++) {
      lockouts.push(fail('a', 5));
      clock.advance(lockouts[round]);
    }
    expect(lockouts).toEqual([60_000, 120_000, 240_000, 300_000, 300_000]);
    expect(limiter.lockoutsTotal).toBe(5);
  });

  it('forgets an address after a success or a long quiet time', () => {
    fail('a', 5);
    clock.advance(60_000);
    limiter.recordSuccess('a');
    expect(fail('a', 5)).toBe(60_000);
    clock.advance(60_000 + 600_000);
    expect(fail('a', 5)).toBe(60_000);
  });

  it('stays within its client bound, keeping locked addresses over unlocked ones', () => {
    fail('locked', 5);
    fail('x', 1);
    fail('y', 1);
    fail('z', 1);
    fail('w', 1);
    expect(limiter.retryAfterMs('locked')).toBe(60_000);
    expect(limiter.lockedClients).toBe(1);
  });
});

describe('CsrfTokens', () => {
  it('accepts its token for the same user until it expires', () => {
    const clock = new VirtualClock(1_000);
    const tokens = new CsrfTokens(crypto, clock);
    const { token, expires_in_s } = tokens.issue('admin');
    expect(expires_in_s).toBe(300);
    expect(tokens.verify('admin', token)).toBe('ok');
    expect(tokens.verify('operator', token)).toBe('invalid');
    clock.advance(299_999);
    expect(tokens.verify('admin', token)).toBe('ok');
    clock.advance(1);
    expect(tokens.verify('admin', token)).toBe('expired');
  });

  it('refuses tokens of another server instance (a restart) and malformed ones', () => {
    const clock = new VirtualClock();
    const { token } = new CsrfTokens(crypto, clock).issue('admin');
    const restarted = new CsrfTokens(crypto, clock);
    expect(restarted.verify('admin', token)).toBe('invalid');
    expect(restarted.verify('admin', undefined)).toBe('missing');
    expect(restarted.verify('admin', '')).toBe('missing');
    expect(restarted.verify('admin', `${token}x`)).toBe('malformed');
    expect(restarted.verify('admin', token.toUpperCase())).toBe('malformed');
  });
});

describe('parseBasicAuthorization', () => {
  it('splits at the first colon and decodes UTF-8', () => {
    expect(parseBasicAuthorization(header('admin', 'pa:ss wörd'))).toEqual({ user: 'admin', password: 'pa:ss wörd' });
    expect(parseBasicAuthorization(`basic  ${Buffer.from('a:b').toString('base64')}`)).toEqual({ user: 'a', password: 'b' });
  });

  it.each([undefined, '', 'Basic', 'Digest abc', `Basic ${Buffer.from('nocolon').toString('base64')}`, 'Basic @@@'])('refuses %j', (value) => {
    expect(parseBasicAuthorization(value)).toBeUndefined();
  });
});

describe('Authenticator', () => {
  let clock: VirtualClock;
  let credential: WebConfig;
  let checks: number;
  let authenticator: Authenticator;
  beforeEach(() => {
    clock = new VirtualClock();
    credential = { username: 'admin', password_hash: 'a'.repeat(64), password_salt: 'b'.repeat(32), password_iterations: 1000 };
    checks = 0;
    const source = {
      verifyWebPassword: (user: string, password: string) => {
        checks++;
        return user === credential.username && password === 'right-password';
      },
      webCredential: () => credential,
    };
    authenticator = new Authenticator(source, new LoginLimiter(clock), clock, crypto, { rememberMs: 60_000 });
  });

  it('remembers a verified login, so the slow hash runs once', () => {
    for (let i = 0; i < 5; i++) expect(authenticator.authenticate(header('admin', 'right-password'), 'ip')).toEqual({ kind: 'ok', user: 'admin' });
    expect(checks).toBe(1);
    expect(authenticator.metrics().auth_remembered_hits_total).toBe(4);
  });

  it('checks again once the memory expires or the credential changes', () => {
    authenticator.authenticate(header('admin', 'right-password'), 'ip');
    clock.advance(60_000);
    authenticator.authenticate(header('admin', 'right-password'), 'ip');
    expect(checks).toBe(2);
    credential = { ...credential, password_hash: 'c'.repeat(64) };
    authenticator.authenticate(header('admin', 'right-password'), 'ip');
    expect(checks).toBe(3);
  });

  it('never remembers a failure', () => {
    expect(authenticator.authenticate(header('admin', 'wrong'), 'ip').kind).toBe('invalid');
    expect(authenticator.authenticate(header('admin', 'wrong'), 'ip').kind).toBe('invalid');
    expect(checks).toBe(2);
  });

  it('reports the lockout on the fifth failure and refuses even right passwords during it', () => {
    for (let i = 0; i < 4; i++) authenticator.authenticate(header('admin', `wrong${i}`), 'ip');
    expect(authenticator.authenticate(header('admin', 'wrong'), 'ip')).toEqual({ kind: 'locked', retryAfterMs: 60_000, started: true });
    expect(authenticator.authenticate(header('admin', 'right-password'), 'ip')).toEqual({ kind: 'locked', retryAfterMs: 60_000, started: false });
    expect(authenticator.authenticate(undefined, 'ip').kind).toBe('locked');
    expect(authenticator.authenticate(header('admin', 'right-password'), 'other-ip').kind).toBe('ok');
  });

  it('treats a missing header as no attempt', () => {
    for (let i = 0; i < 10; i++) expect(authenticator.authenticate(undefined, 'ip')).toEqual({ kind: 'missing' });
    expect(authenticator.authenticate(header('admin', 'right-password'), 'ip').kind).toBe('ok');
  });
});
