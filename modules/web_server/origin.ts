/**
 * Same-origin check for WebSocket upgrades (browsers send Origin; other clients usually do not).
 * A page on another site must not open a socket with the owner's browser, so an Origin whose
 * host differs from the Host header is refused.
 */

/** True when there is no Origin, or its host[:port] is the request's Host. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)\/?$/i.exec(origin.trim());
  if (!match || host === undefined) return false;
  return match[1].toLowerCase() === host.trim().toLowerCase();
}
