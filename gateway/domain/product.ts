import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

/**
 * Declarative product terms (per-payer adapters ship these; DESIGN.md "Products"). Amounts in fen,
 * ratios in basis points (10000 = 100 %). Validated at start-up: a bad definition stops the gateway.
 */
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
    /** Lower deductibles after claim-free policy years; the highest tier reached applies. */
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
    /** Restricts the base to fee lines (feedetail) by category, level or national code. */
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
    /** Deductible of its own, or the name of a deductible the product shares between liabilities. */
    deductible: Type.Optional(Type.Union([DeductibleSchema, Type.Object({ shared: Type.String() }, { additionalProperties: false })])),
    ratio_bp: Ratio,
    /** When the visit was not settled through the product's local basic insurance. Absent: not covered. */
    non_local_ratio_bp: Type.Optional(Ratio),
    requires_local_settlement: Type.Boolean(),
    cap_fen: Fen,
    /** Name of a cap shared with other liabilities of the product. */
    shared_cap: Type.Optional(Type.String()),
    facility_levels: Type.Optional(Type.Array(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]), { minItems: 1 })),
    /** ICD-10 医保版 code prefixes that exclude the visit. */
    excluded_diagnoses: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }))),
    /** ICD-10 code prefixes the visit must carry (e.g. a relief payer's listed conditions). */
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
    /** Coordination-of-benefits order: lower pays first. */
    cob_order: Type.Integer({ minimum: 0, maximum: 1000 }),
    /**
     * Products of one family are one cover: a person holds one policy of a family at a time (沪惠保 and its
     * 新市民 edition are one family). Defaults to the product code.
     */
    family: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,60}$' })),
    /** The policy term in whole years (every shipped product: one year). A period is exactly one term. */
    term_years: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    /**
     * `commercial`: what earlier commercial payers paid on the visit counts toward this product's
     * deductibles (common 百万医疗 and 惠民保 terms); basic insurance never does.
     */
    deductible_offset_by: Type.Optional(Type.Literal('commercial')),
    /** admdvs prefix of the basic insurance that counts as local ('31' Shanghai, '4401' Guangzhou). */
    local_region: Type.Optional(Type.String({ pattern: '^\\d{2,6}$' })),
    shared_deductibles: Type.Optional(Type.Record(Type.String(), DeductibleSchema)),
    shared_caps: Type.Optional(Type.Record(Type.String(), Fen)),
    source: Type.Optional(Type.String()),
    liabilities: Type.Array(LiabilitySchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type Deductible = Static<typeof DeductibleSchema>;
export type Liability = Static<typeof LiabilitySchema>;
export type Product = Static<typeof ProductSchema>;
export type Base = Liability['base'];

/** The family a product belongs to (one policy per person and family at a time). */
export const familyOf = (p: Product): string => p.family ?? p.code;

/** The policy term in years (a period is exactly one term). */
export const termYearsOf = (p: Product): number => p.term_years ?? 1;

/** True when a liability pays only on itemised fee lines (a category, level or code list). */
export const needsItemisation = (l: Liability): boolean => l.items !== undefined;

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
  const problems: string[] = [];
  if (!Value.Check(ProductSchema, def)) {
    for (const e of Value.Errors(ProductSchema, def)) problems.push(`${e.instancePath || '/'} ${e.message}`);
    throw new ProductDefinitionError(`product definition ${origin} is invalid:\n  ${problems.slice(0, 20).join('\n  ')}`);
  }
  const p = def;
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
  if (problems.length) throw new ProductDefinitionError(`product definition ${origin} is invalid:\n  ${problems.join('\n  ')}`);
  return p;
}
