/** Shown on every page while the gateway still accepts the documented first-boot password. */
import { status } from '../state/live';
import { useStore } from '../state/store';

export function DefaultPasswordBanner() {
  const gateway = useStore(status);
  const security = gateway?.security as { default_password?: boolean } | undefined;
  if (security?.default_password !== true) return null;
  return (
    <div class="notice notice-warn banner" role="alert" data-testid="default-password-banner">
      <strong>The default password is in use.</strong> Anyone on this network can sign in and change charge settings.{' '}
      <a href="#/config">Change the password</a> (Configuration → Web password).
    </div>
  );
}
