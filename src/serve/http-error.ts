/**
 * HTTP error answers: a status and a JSON body `{"error":{"code":…,"message":…}}` carrying the
 * same stable codes as the library's WeirErrors, never a stack trace.
 */
import type { ErrorCode } from '../common/errors.js';
import { WeirError } from '../common/errors.js';

/** The status each code answers with; query and event errors are the client's (400). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  'serve/unauthorized': 401,
  'serve/deploy-disabled': 403,
  'serve/not-found': 404,
  'runtime/unknown-statement': 404,
  'serve/method-not-allowed': 405,
  'serve/payload-too-large': 413,
  'serve/unsupported-media-type': 415,
  'serve/too-many-requests': 429,
  'serve/overloaded': 503,
  'serve/internal-error': 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

export function errorBody(error: WeirError): ErrorBody {
  return { error: { code: error.code, message: error.message } };
}

export function httpError(code: ErrorCode, message: string): WeirError {
  return new WeirError(code, message);
}
