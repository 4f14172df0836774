/**
 * Socket, TLS and CONNACK failures in words a user can act on (shown as "last error" in the UI).
 */
import type { BrokerAddress } from '../../modules/mqtt_client/session_options';

/** MQTT 3.1.1 §3.2.2.3 CONNACK return codes. */
const CONNACK_REFUSALS: Readonly<Record<number, string>> = Object.freeze({
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
});

/** OpenSSL verification codes that mean "this chain does not lead to a CA we trust". */
const UNTRUSTED_CHAIN = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

export function refusalReason(returnCode: number): string {
  return `broker refused the session: ${CONNACK_REFUSALS[returnCode] ?? `return code ${returnCode}`}`;
}

/** Bytes from a server that are not a CONNACK: say what it seems to be instead of a parser error. */
export function notMqttAnswer(firstBytes: Uint8Array, address: BrokerAddress): string {
  const where = `${address.host}:${address.port}`;
  let text = '';
  for (let i = 0; i < Math.min(firstBytes.length, 24); i++) {
    const byte = firstBytes[i];
    if (byte === 0x0d || byte === 0x0a) break;
    text += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
  }
  if (text.startsWith('HTTP/')) return `${where} is a web (HTTP) server, not an MQTT broker (it answered "${text}"); check the broker port`;
  if (firstBytes[0] === 0x15 || firstBytes[0] === 0x16) return `${where} answered in TLS: it is a TLS port, use mqtts://`;
  return `${where} is not an MQTT broker: it answered "${text}" instead of accepting the MQTT session; check the broker address and port`;
}

/** The server closed the connection before any answer to CONNECT. */
export function closedBeforeSession(address: BrokerAddress): string {
  const where = `${address.host}:${address.port}`;
  if (address.secure) return `${where} closed the TLS connection before answering the MQTT CONNECT (is it an MQTT broker?)`;
  return `${where} closed the connection before answering the MQTT CONNECT: not an MQTT broker, or a TLS port (then use mqtts://)`;
}

export function describeSocketError(error: NodeJS.ErrnoException, address: BrokerAddress): string {
  const where = `${address.host}:${address.port}`;
  const code = error.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (is the broker running on that port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `broker host not found: ${address.host}`;
    case 'ETIMEDOUT':
      return `connection to ${where} timed out`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable from this network`;
    case 'ECONNRESET':
    case 'EPIPE':
      // A TLS broker explains itself with an alert (handled below); a bare reset during the handshake is a plain port.
      if (address.secure && !/alert/i.test(error.message)) return `TLS handshake with ${where} failed: the server closed the connection without answering in TLS. Is it a plain MQTT port? Use mqtt:// for it, or the broker's TLS port (usually 8883)`;
      return `connection reset by ${where}`;
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
    case 'ERR_SSL_HTTP_REQUEST':
      return `${where} did not answer in TLS: it is not a TLS port (use mqtt:// for a plain MQTT port, or the broker's TLS port, usually 8883)`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS: the broker's certificate is not issued for ${address.host}`;
    case 'CERT_HAS_EXPIRED':
      return "TLS: the broker's certificate has expired";
    case 'CERT_NOT_YET_VALID':
      return "TLS: the broker's certificate is not valid yet (is the clock set?)";
  }
  // TLS alerts from the broker about our side of mutual TLS (OpenSSL puts them in the message).
  if (/alert certificate required/i.test(error.message)) return 'TLS: the broker requires a client certificate (set the client certificate and key)';
  if (/alert (bad certificate|unknown ca|certificate unknown|decrypt error)/i.test(error.message)) return 'TLS: the broker rejected the client certificate';
  if (UNTRUSTED_CHAIN.has(code)) return `TLS: the broker's certificate is not trusted (${code}); check the CA certificate`;
  if (code.startsWith('ERR_SSL') || /alert|handshake/i.test(error.message)) return `TLS handshake with ${where} failed: ${error.message}`;
  return `connection to ${where} failed: ${error.message}`;
}
