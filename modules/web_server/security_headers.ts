/**
 * Headers every answer carries (gateway-api.md §Access levels): a CSP that allows no inline script
 * and no foreign origin, no framing, no MIME sniffing, no referrer leaks.
 */
import type { HttpResponse } from '../../hosts/ports/http';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // 'self' covers same-origin ws:/wss: in CSP Level 3 browsers.
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
});

/** The response with the security headers set (they win over anything a handler set). */
export function withSecurityHeaders(response: HttpResponse): HttpResponse {
  const headers: Record<string, string> = { ...response.headers, ...SECURITY_HEADERS };
  // API answers are live data or secrets: never cached by the browser or a proxy.
  if (!hasHeader(headers, 'cache-control')) headers['Cache-Control'] = 'no-store';
  return { ...response, headers };
}

export function hasHeader(headers: Record<string, string>, lowerName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}
