/**
 * Building answers: JSON bodies, the contract's error shape `{ error: { code, message, field? } }`
 * and ApiError, which handlers throw to end a request with a defined status and nothing changed.
 */
import type { HttpResponse } from '../../hosts/ports/http';

export interface FieldError {
  /** Dotted path of the offending field ("parameters.value"); "" for the body as a whole. */
  field: string;
  code: string;
  message: string;
}

export interface ApiErrorDetails {
  field?: string;
  /** Every problem found, when there are several (config validation marks all bad fields). */
  errors?: readonly unknown[];
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: ApiErrorDetails;

  constructor(status: number, code: string, message: string, details: ApiErrorDetails = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** 400 for a list of field problems: the first one names the answer, all are listed. */
export function validationError(errors: readonly FieldError[], code = 'invalid_request'): ApiError {
  const first = errors[0] ?? { field: '', code, message: 'invalid request' };
  const named = first.field ? `${first.field}: ${first.message}` : first.message;
  const message = errors.length > 1 ? `${named} (and ${errors.length - 1} more problem(s))` : named;
  return new ApiError(400, code, message, { field: first.field, errors });
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function text(status: number, body: string, contentType = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body };
}

export function errorResponse(error: ApiError): HttpResponse {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.details.field !== undefined) body.field = error.details.field;
  if (error.details.errors !== undefined) body.errors = error.details.errors;
  return json(error.status, { error: body }, error.details.headers ?? {});
}

/** A download: `Content-Disposition: attachment` with a name we built (never one from the request). A streamed body is sent chunked. */
export function download(body: string | AsyncIterable<Uint8Array>, contentType: string, fileName: string): HttpResponse {
  return { status: 200, headers: { 'Content-Type': contentType, 'Content-Disposition': `attachment; filename="${fileName}"` }, body };
}
