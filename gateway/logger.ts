import pino, { type LoggerOptions } from 'pino';

/**
 * Logging that cannot leak: request lines carry method, route pattern, status and timing — never the
 * URL's query string, path parameters, headers or bodies. Anything that might still slip into a log
 * object under a known personal-data key is censored by pino's redaction as a second line of defence.
 */
export const REDACT_PATHS = [
  'authorization', '*.authorization', 'headers', '*.headers',
  'token', '*.token', 'assertion', '*.assertion', 'client_assertion', '*.client_assertion',
  'certno', '*.certno', 'psn_name', '*.psn_name', 'psn_cert_type', 'name', '*.name',
  'diag_name', '*.diag_name', 'diag_code', '*.diag_code', 'diseinfo', '*.diseinfo',
  'setlinfo', '*.setlinfo', 'feedetail', '*.feedetail', 'setldetail', '*.setldetail',
  'body', '*.body', 'query', '*.query', 'params', '*.params', 'claimed', '*.claimed',
];

interface RequestLike {
  method?: string;
  id?: string;
  routeOptions?: { url?: string };
}

interface ReplyLike {
  statusCode?: number;
}

/** Options shared by the service logger and the CLI. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'vouch' },
    // ISO 8601 in UTC ("2026-12-01T08:30:00.123Z"): what operators and log shippers read without converting.
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // The route pattern (/v1/policies/:policy_no), never the URL with its values and query string.
      req: (req: RequestLike) => ({ id: req.id, method: req.method, route: req.routeOptions?.url ?? '(unmatched)' }),
      res: (res: ReplyLike) => ({ statusCode: res.statusCode }),
      err: (err: { name?: string; code?: string; message?: string; stack?: string }) => ({
        type: err.name,
        code: err.code,
        // Internal errors keep their stack for operators; messages come from code, not from input.
        stack: err.stack,
      }),
    },
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): pino.Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

/**
 * Who called, for a request or RPC log line: the role, and the party code for parties. A patient is
 * logged by role only — their identity is an ID number, which never reaches a log.
 */
export function callerFields(principal: { role: string; code: string } | undefined): { role?: string; party?: string } {
  if (!principal) return {};
  return principal.role === 'patient' ? { role: 'patient' } : { role: principal.role, party: principal.code };
}
