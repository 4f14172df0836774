/**
 * Sign-in for user-level pages: the credentials are checked with a CSRF-token request and then
 * sent as HTTP Basic on each call. A 429 lockout says how long to wait.
 */
import { useState } from 'preact/hooks';
import { auth, basicHeader, signIn } from '../api/auth';
import { verifyCredentials } from '../api/client';
import { ApiError } from '../api/errors';
import { useStore } from '../state/store';
import { Notice } from './notice';

export function LoginForm() {
  const state = useStore(auth);
  const [username, setUsername] = useState(state.username ?? 'admin');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const header = basicHeader(username, password);
    try {
      await verifyCredentials(header);
      // Signed in only once the gateway accepted the credentials: this form unmounts here.
      signIn(username, header);
      return;
    } catch (e) {
      const message =
        e instanceof ApiError && e.status === 429
          ? `Too many failed attempts: try again in ${e.retryAfterS ?? 60} s`
          : e instanceof ApiError && e.status === 401
            ? 'Wrong username or password'
            : e instanceof Error
              ? e.message
              : String(e);
      setError(message);
    }
    setBusy(false);
  };

  const shown = error ?? state.error;
  return (
    <form class="login card" onSubmit={submit} data-testid="login-form">
      <h2>Sign in</h2>
      <p class="muted">This page needs the gateway's web credentials.</p>
      {shown && <Notice kind="error">{shown}</Notice>}
      <label class="field">
        <span class="field-label">Username</span>
        <input name="username" autocomplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
      </label>
      <label class="field">
        <span class="field-label">Password</span>
        <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
