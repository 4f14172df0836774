import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForXs } from '../../xs/support/bundle';
import { resultOf, runInXs } from '../../xs/support/run_xs';

describe('web_server on the XS engine', () => {
  it('authenticates, checks CSRF, streams and limits bodies exactly as on Node', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xs-web-'));
    try {
      const script = path.join(dir, 'web_scenario.js');
      bundleForXs(path.join(__dirname, 'xs/web_scenario.ts'), script);
      expect(resultOf(runInXs(script))).toEqual({
        passwordSet: true,
        anonymous: [401, 'auth_required'],
        wrong: [401, 'auth_failed'],
        csrf: 200,
        noToken: [403, 'csrf_missing'],
        updated: 200,
        keepalive: 30,
        prefix: 'gaté',
        badJson: [400, 'invalid_json'],
        tooLarge: [413, 'body_too_large'],
        lockout: [401, 401, 401, 401, 429, 429],
        expired: [403, 'csrf_expired'],
        traversal: 400,
        headers: 'nosniff',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
