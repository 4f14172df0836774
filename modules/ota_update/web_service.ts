/**
 * The OTA module as the web server's OtaService: its refusals become the API's error answers
 * (`{ error: { code, message } }`) with a status that says whose problem it is. Every refusal
 * closes the connection, so the rest of a refused image is not read.
 */
import { ApiError } from '../web_server/responses';
import type { OtaService, OtaUpload, StatusRecord } from '../web_server/services';
import { type OtaErrorCode, OtaError } from './ota_error';
import type { OtaUpdate } from './ota_update';

const HTTP_STATUS: Readonly<Record<OtaErrorCode, number>> = Object.freeze({
  busy: 409,
  not_ready: 409,
  no_public_key: 503,
  not_multipart: 415,
  malformed_multipart: 400,
  truncated_upload: 400,
  unexpected_part: 400,
  missing_part: 400,
  image_too_large: 413,
  signature_malformed: 400,
  signature_invalid: 400,
  write_failed: 500,
  downgrade_refused: 409,
});

export function otaWebService(ota: OtaUpdate): OtaService {
  return {
    async upload(upload: OtaUpload): Promise<StatusRecord> {
      try {
        return { ...(await ota.upload(upload)) };
      } catch (error) {
        if (!(error instanceof OtaError)) throw error;
        throw new ApiError(HTTP_STATUS[error.code], `ota_${error.code}`, error.message, { headers: { Connection: 'close' } });
      }
    },
    status: () => ota.status(),
  };
}
