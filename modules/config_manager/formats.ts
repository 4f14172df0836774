/**
 * Text formats the schema can demand. Each check returns a reason a user can act on, or
 * undefined when the text is well-formed. ASCII-only regexes: XS has no Unicode property escapes.
 */
import { parseCurve } from './curve';

export type TextFormat =
  | 'mqtt_uri'
  | 'hostname'
  | 'pem'
  | 'topic_prefix'
  | 'hex'
  | 'printable'
  | 'wpa_passphrase'
  | 'username'
  | 'curve';

// RegExps are made per call, never at module load: this module is preloaded on Moddable, and a
// RegExp built during preload lives in the read-only image (mcsim segfaulted in its exec; docs/moddable.md).
const PRINTABLE_ASCII = (): RegExp => /^[\x20-\x7e]*$/;
const LABEL = (): RegExp => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = (): RegExp => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6_LITERAL = (): RegExp => /^\[[0-9A-Fa-f:.]+\]$/;
const PEM_BLOCK = (): RegExp => /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END ([A-Z0-9 ]+)-----/g;

function checkHostname(text: string): string | undefined {
  if (text.length > 253) return 'a host name has at most 253 characters';
  const ipv4 = IPV4().exec(text);
  if (ipv4) return ipv4.slice(1).every((part) => Number(part) <= 255) ? undefined : 'IPv4 address parts must be 0–255';
  for (const label of text.split('.')) {
    if (!LABEL().test(label)) return `"${label}" is not a valid host name label (letters, digits, inner hyphens, 1–63 characters)`;
  }
  return undefined;
}

function checkMqttUri(text: string): string | undefined {
  const match = /^(mqtts?):\/\/([^/:]+|\[[^\]]+\])(?::(\d{1,5}))?\/?$/.exec(text);
  if (!match) return 'use mqtt://host[:port] or mqtts://host[:port]';
  const host = match[2];
  if (!IPV6_LITERAL().test(host)) {
    const hostError = checkHostname(host);
    if (hostError) return hostError;
  }
  if (match[3] !== undefined) {
    const port = Number(match[3]);
    if (port < 1 || port > 65535) return 'the port must be 1–65535';
  }
  return undefined;
}

function checkPem(text: string): string | undefined {
  const trimmed = text.trim();
  let consumed = 0;
  let blocks = 0;
  const pemBlock = PEM_BLOCK();
  for (let match = pemBlock.exec(trimmed); match; match = pemBlock.exec(trimmed)) {
    if (trimmed.slice(consumed, match.index).trim() !== '') return 'text outside the PEM blocks';
    if (match[1] !== match[3]) return `BEGIN ${match[1]} ends with END ${match[3]}`;
    consumed = match.index + match[0].length;
    blocks++;
  }
  if (blocks === 0) return 'expected a PEM block (-----BEGIN ...----- ... -----END ...-----)';
  if (trimmed.slice(consumed).trim() !== '') return 'text after the last PEM block';
  return undefined;
}

function checkTopicPrefix(text: string): string | undefined {
  if (/[+#]/.test(text)) return 'a topic prefix cannot contain the wildcards + or #';
  if (/[\s\x00-\x1f\x7f]/.test(text)) return 'a topic prefix cannot contain spaces or control characters';
  if (text.startsWith('$')) return 'topics starting with $ are reserved by the broker';
  if (text.startsWith('/') || text.endsWith('/') || text.includes('//')) return 'a topic prefix has no empty levels (no leading, trailing or double /)';
  return undefined;
}

const CHECKS: Readonly<Record<TextFormat, (text: string) => string | undefined>> = Object.freeze({
  mqtt_uri: checkMqttUri,
  hostname: checkHostname,
  pem: checkPem,
  topic_prefix: checkTopicPrefix,
  hex: (text: string) => (/^([0-9a-f]{2})*$/.test(text) ? undefined : 'expected lower-case hexadecimal bytes'),
  printable: (text: string) => (PRINTABLE_ASCII().test(text) ? undefined : 'only printable ASCII characters are allowed'),
  // WPA2: 8–63 printable characters, or exactly 64 hex digits (a raw PSK).
  wpa_passphrase: (text: string) =>
    /^[0-9A-Fa-f]{64}$/.test(text) || (text.length >= 8 && text.length <= 63 && PRINTABLE_ASCII().test(text))
      ? undefined
      : 'a Wi-Fi password has 8–63 printable characters',
  // HTTP Basic auth splits "user:password" at the first colon.
  username: (text: string) => (PRINTABLE_ASCII().test(text) && !text.includes(':') ? undefined : 'printable ASCII without ":"'),
  curve: (text: string) => {
    const parsed = parseCurve(text);
    return parsed.ok ? undefined : parsed.error;
  },
});

export function checkFormat(format: TextFormat, text: string): string | undefined {
  return CHECKS[format](text);
}
