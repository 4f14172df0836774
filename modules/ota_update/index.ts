/** Signed OTA updates: streamed upload, SHA-256 + signature check, activation, health-checked rollback. */
export { BootHealthCheck, type BootHealthOptions, type BootHealthState } from './boot_health';
export { imageVersion } from './image_version';
export { MultipartParser, multipartBoundary, type MultipartSink, type PartHeaders } from './multipart';
export { OtaError, type OtaErrorCode } from './ota_error';
export { DEFAULT_MAX_IMAGE_BYTES, OtaUpdate, type OtaContext, type OtaUpdateOptions, type OtaUploadRequest, type OtaUploadResult } from './ota_update';
export { signatureAlgorithmFor } from './signature_policy';
export { otaWebService } from './web_service';
