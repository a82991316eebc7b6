import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Gateway } from '../context.js';

/**
 * Routes are typed from their schemas: with the TypeBox type provider, a route's params, querystring,
 * body and replies get the `Static` types of the schemas it declares, so no route writes its types by
 * hand and a handler cannot answer what its response schema does not describe. Only the types are
 * used; validation stays with Fastify's ajv (coercion off, the catalogue's messages).
 */
export type TypedApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** A route plugin: it registers its routes on the typed instance and reaches the services through the gateway. */
export type RoutePlugin = FastifyPluginAsyncTypebox<{ gateway: Gateway }>;
