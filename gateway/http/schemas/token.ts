/** The token endpoint (RFC 6749 §4.4 client credentials with an RFC 7523 assertion). */

import { Type } from 'typebox';
import { ERROR_CATALOGUE } from '../../errors.js';
import { ASSERTION_TYPE } from '../../services/identity/auth.js';

export const TokenBody = Type.Object({
  grant_type: Type.Literal('client_credentials'),
  client_assertion_type: Type.Literal(ASSERTION_TYPE),
  client_assertion: Type.String({ minLength: 10, maxLength: 8192 }),
  client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Optional (RFC 7521 §4.2): when sent, the party code the assertion is for.' })),
  scope: Type.Optional(Type.String({ maxLength: 1024, description: 'Ignored: a token carries the role the party is registered with.' })),
});
export const TokenAnswer = Type.Object({ access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer() });
/** RFC 6749 §5.2 error (answers to form requests at /v1/token), the catalogue code beside. */
export const OAuthErrorBody = Type.Object(
  {
    error: Type.Union([Type.Literal('invalid_request'), Type.Literal('invalid_client'), Type.Literal('unsupported_grant_type'), Type.Literal('server_error'), Type.Literal('temporarily_unavailable')]),
    error_description: Type.String(),
    code: Type.Union(Object.keys(ERROR_CATALOGUE).map((c) => Type.Literal(c))),
    request_id: Type.String(),
  },
  { title: 'OAuth error (RFC 6749 §5.2)' },
);
/** The token endpoint's errors: RFC 6749 form for form requests, the catalogue body for JSON ones. */
export const TokenErrorBody = Type.Union([OAuthErrorBody, Type.Ref('ErrorBody')]);
