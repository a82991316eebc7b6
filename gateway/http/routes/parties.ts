import type { Gateway } from '../../context.js';
import { partyView } from '../../services/identity/parties.js';
import { rotateKey } from '../../services/identity/keys.js';
import { OPERATIONS } from '../../services/identity/operations.js';
import { principalOf } from '../auth.js';
import { op } from '../openapi.js';
import { withErrors } from '../schemas/common.js';
import { CodeParams, KeyKindParams, KeysAnswer, NewPartyBody, PartiesAnswer, PartyView, RotatedAnswer } from '../schemas/parties.js';
import type { RoutePlugin, TypedApp } from '../typed.js';

function addParty(app: TypedApp, g: Gateway): void {
  app.post(
    '/v1/parties',
    {
      config: { roles: OPERATIONS.manageParties },
      schema: {
        ...op({ id: 'addParty', summary: 'Register a party', tags: ['admin'], answer: 'The party as registered (with its certificate when an RSA key was given).', errors: ['PARTY_EXISTS', 'LOG_UNAVAILABLE'] }),
        body: NewPartyBody,
        response: withErrors({ 201: PartyView }),
      },
    },
    async (req, reply) => reply.code(201).send(partyView(await g.parties.add(req.body, principalOf(req)))),
  );
}

function listParties(app: TypedApp, g: Gateway): void {
  app.get(
    '/v1/parties',
    {
      config: { roles: OPERATIONS.manageParties },
      schema: {
        ...op({ id: 'listParties', summary: 'List the parties', tags: ['admin'], answer: 'Every registered party.', errors: [] }),
        response: withErrors({ 200: PartiesAnswer }),
      },
    },
    async () => ({ parties: (await g.parties.list()).map(partyView) }),
  );
}

/** POST /v1/parties/:code/suspend and …/activate: the same route but for the status it sets. */
function setPartyStatus(app: TypedApp, g: Gateway, action: 'suspend' | 'activate', status: 'suspended' | 'active'): void {
  app.post(
    `/v1/parties/:code/${action}`,
    {
      config: { roles: OPERATIONS.manageParties },
      schema: {
        ...op({
          id: `${action}Party`, summary: action === 'suspend' ? 'Suspend a party: refused at once' : 'Activate a suspended party', tags: ['admin'],
          answer: 'The party with its new status.', errors: ['NOT_FOUND', 'LOG_UNAVAILABLE'],
        }),
        params: CodeParams,
        response: withErrors({ 200: PartyView }),
      },
    },
    async (req) => partyView(await g.parties.setStatus(req.params.code, status, principalOf(req))),
  );
}

function rotateKeys(app: TypedApp, g: Gateway): void {
  app.post(
    '/v1/keys/:which/rotate',
    {
      config: { roles: OPERATIONS.rotateKeys },
      schema: {
        ...op({
          id: 'rotateKey', summary: 'Rotate a key', tags: ['admin'], answer: 'The new key’s id; restart the server to use it.',
          description: 'Rotate the receipt/tree-head signing key or the key-encryption key. Old public keys stay published.', errors: ['LOG_UNAVAILABLE'],
        }),
        params: KeyKindParams,
        response: withErrors({ 200: RotatedAnswer }),
      },
    },
    async (req) => ({ key_id: await rotateKey(g.keys, g.journal, req.params.which, principalOf(req)), kind: req.params.which }),
  );
}

/** Every signing public key, the current ones marked. */
function publishedKeys(g: Gateway) {
  const current = new Set(g.keys.signingKeyIds);
  return {
    keys: [
      ...[...g.keys.signingPublicKeys()].map(([kid, key]) => ({
        key_id: kid, alg: 'Ed25519' as const, public_key_pem: key.export({ type: 'spki', format: 'pem' }) as string, current: current.has(kid),
      })),
      ...[...g.keys.sm2PublicKeys()].map(([kid, hex]) => ({ key_id: kid, alg: 'SM2' as const, public_key_hex: hex, current: current.has(kid) })),
    ],
  };
}

function listKeys(app: TypedApp, g: Gateway): void {
  app.get(
    '/v1/keys',
    {
      config: { public: true },
      schema: {
        ...op({
          id: 'listKeys', summary: 'The gateway’s signing public keys', tags: ['audit'], answer: 'Every signing public key (Ed25519 as PEM, SM2 as an uncompressed point in hex), the current ones marked.',
          description: 'The gateway’s signing public keys (receipts and tree heads), old ones included after rotation; under VOUCH_CRYPTO=dual one Ed25519 and one SM2 key are current. No token needed.', errors: [],
        }),
        response: withErrors({ 200: KeysAnswer }),
      },
    },
    async () => publishedKeys(g),
  );
}

/** Party registry (admin) and the gateway's signing keys. (The token endpoint is routes/token.ts.) */
const partyRoutes: RoutePlugin = async (app, { gateway }) => {
  addParty(app, gateway);
  listParties(app, gateway);
  setPartyStatus(app, gateway, 'suspend', 'suspended');
  setPartyStatus(app, gateway, 'activate', 'active');
  rotateKeys(app, gateway);
  listKeys(app, gateway);
};
export default partyRoutes;
