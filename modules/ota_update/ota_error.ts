/**
 * Why an upload was refused, as a stable code (the API's error code) with a message a person
 * can act on. The web adapter maps each code to an HTTP status (web_service.ts).
 */
export type OtaErrorCode =
  | 'busy'
  | 'not_ready'
  | 'no_public_key'
  | 'not_multipart'
  | 'malformed_multipart'
  | 'truncated_upload'
  | 'unexpected_part'
  | 'missing_part'
  | 'image_too_large'
  | 'signature_malformed'
  | 'signature_invalid'
  | 'write_failed'
  /** The image's security version is below the confirmed one (anti-rollback). */
  | 'downgrade_refused';

export class OtaError extends Error {
  override name = 'OtaError';
  readonly code: OtaErrorCode;

  constructor(code: OtaErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
