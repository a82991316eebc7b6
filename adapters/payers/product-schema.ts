/**
 * The schema of a declarative product definition (gateway/domain/product.ts holds the plain types the
 * domain evaluates). Every definition — shipped by a payer adapter or dropped by an operator into
 * VOUCH_PRODUCTS_DIR — is checked here at start-up: a bad definition stops the gateway, naming the problem.
 */
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { Product } from '../../gateway/domain/product.js';

const Ratio = Type.Object(
  {
    normal: Type.Integer({ minimum: 0, maximum: 10_000 }),
    pre_existing: Type.Integer({ minimum: 0, maximum: 10_000 }),
  },
  { additionalProperties: false },
);

const Fen = Type.Integer({ minimum: 0, maximum: 100_000_000_000 });

export const DeductibleSchema = Type.Object(
  {
    amount_fen: Fen,
    claim_free_tiers: Type.Optional(
      Type.Array(
        Type.Object({ min_claim_free_years: Type.Integer({ minimum: 1, maximum: 50 }), amount_fen: Fen }, { additionalProperties: false }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const LiabilitySchema = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    visit_types: Type.Array(
      Type.Union([Type.Literal('outpatient'), Type.Literal('chronic_outpatient'), Type.Literal('inpatient'), Type.Literal('pharmacy')]),
      { minItems: 1 },
    ),
    base: Type.Union([
      Type.Literal('out_of_list_selfpay'),
      Type.Literal('in_list_personal_burden'),
      Type.Literal('in_list_excluding_preselfpay'),
      Type.Literal('personal_burden'),
      Type.Literal('cash_burden'),
      Type.Literal('listed_items'),
    ]),
    items: Type.Optional(
      Type.Object(
        {
          med_chrgitm_types: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{2}$' }), { minItems: 1 })),
          chrgitm_lv: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{2}$' }), { minItems: 1 })),
          med_list_codes: Type.Optional(Type.Array(Type.String({ minLength: 5, maxLength: 50 }), { minItems: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    deductible: Type.Optional(Type.Union([DeductibleSchema, Type.Object({ shared: Type.String() }, { additionalProperties: false })])),
    ratio_bp: Ratio,
    non_local_ratio_bp: Type.Optional(Ratio),
    requires_local_settlement: Type.Boolean(),
    cap_fen: Fen,
    shared_cap: Type.Optional(Type.String()),
    facility_levels: Type.Optional(Type.Array(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]), { minItems: 1 })),
    excluded_diagnoses: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }))),
    covered_diagnoses: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { minItems: 1 })),
    waiting_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
  },
  { additionalProperties: false },
);

export const ProductSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,60}$' }),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    insurer: Type.String({ minLength: 1, maxLength: 100 }),
    cob_order: Type.Integer({ minimum: 0, maximum: 1000 }),
    family: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,60}$' })),
    term_years: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    deductible_offset_by: Type.Optional(Type.Literal('commercial')),
    local_region: Type.Optional(Type.String({ pattern: '^\\d{2,6}$' })),
    shared_deductibles: Type.Optional(Type.Record(Type.String(), DeductibleSchema)),
    shared_caps: Type.Optional(Type.Record(Type.String(), Fen)),
    source: Type.Optional(Type.String()),
    liabilities: Type.Array(LiabilitySchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** What the schema admits; test/adapters/payers/registry.test.ts holds it equal to the domain's `Product`. */
export type ProductDefinition = Static<typeof ProductSchema>;

export class ProductDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProductDefinitionError';
  }
}

/**
 * Validates one definition against the schema and its cross-references (shared deductibles and caps
 * exist, liability codes unique, local-settlement rules have a region). Throws with every problem listed.
 */
export function validateProduct(def: unknown, origin: string): Product {
  if (!Value.Check(ProductSchema, def)) {
    const problems = [...Value.Errors(ProductSchema, def)].map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new ProductDefinitionError(`product definition ${origin} is invalid:\n  ${problems.slice(0, 20).join('\n  ')}`);
  }
  const problems = crossReferenceProblems(def);
  if (problems.length) throw new ProductDefinitionError(`product definition ${origin} is invalid:\n  ${problems.join('\n  ')}`);
  return def;
}

/** What the schema cannot say: names that must resolve within the product, and rules that need a region. */
function crossReferenceProblems(p: ProductDefinition): string[] {
  const problems: string[] = [];
  const codes = new Set<string>();
  for (const l of p.liabilities) {
    if (codes.has(l.code)) problems.push(`liability ${l.code} appears twice`);
    codes.add(l.code);
    if (l.deductible && 'shared' in l.deductible && !p.shared_deductibles?.[l.deductible.shared]) {
      problems.push(`liability ${l.code} names shared deductible ${l.deductible.shared}, which is not defined`);
    }
    if (l.shared_cap !== undefined && p.shared_caps?.[l.shared_cap] === undefined) {
      problems.push(`liability ${l.code} names shared cap ${l.shared_cap}, which is not defined`);
    }
    if ((l.requires_local_settlement || l.non_local_ratio_bp) && !p.local_region) {
      problems.push(`liability ${l.code} depends on local settlement but the product has no local_region`);
    }
    if (l.base === 'listed_items' && !l.items?.med_list_codes) {
      problems.push(`liability ${l.code} pays listed items but lists no med_list_codes`);
    }
  }
  return problems;
}
