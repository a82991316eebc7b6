import fs from 'node:fs';
import path from 'node:path';
import type { Product } from '../../gateway/domain/product.js';
import { validateProduct } from './product-schema.js';
import { baiwanAdapter } from './baiwan/index.js';
import { charityAdapter } from './charity/index.js';
import { huhuibaoAdapter } from './huhuibao/index.js';
import { suisuikangAdapter } from './suisuikang/index.js';
import type { PayerAdapter } from './types.js';

export const BUILT_IN_ADAPTERS: readonly PayerAdapter[] = [huhuibaoAdapter, suisuikangAdapter, baiwanAdapter, charityAdapter];

export interface RegisteredProduct {
  product: Product;
  adapter: PayerAdapter;
}

/** Every product the payer adapters ship, validated once at start-up. */
export class PayerRegistry {
  private readonly byCode = new Map<string, RegisteredProduct>();

  constructor(adapters: readonly PayerAdapter[]) {
    for (const adapter of adapters) {
      adapter.products.forEach((def, i) => {
        const product = validateProduct(def, `${adapter.id}#${i}`);
        if (this.byCode.has(product.code)) throw new Error(`product code ${product.code} is defined twice`);
        this.byCode.set(product.code, { product, adapter });
      });
    }
  }

  get(code: string): RegisteredProduct | undefined {
    return this.byCode.get(code);
  }

  list(): Product[] {
    return [...this.byCode.values()].map((r) => r.product).sort((a, b) => a.cob_order - b.cob_order || (a.code < b.code ? -1 : 1));
  }
}

/**
 * The built-in adapters plus, when `dir` is given, one declarative adapter per JSON file in it
 * (`{ "id", "name", "products": [...] }`), for products an operator adds without a release.
 */
export function loadPayerRegistry(dir?: string): PayerRegistry {
  const adapters = [...BUILT_IN_ADAPTERS];
  if (dir) {
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const raw = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { id?: unknown; name?: unknown; products?: unknown };
      if (typeof raw.id !== 'string' || !Array.isArray(raw.products)) throw new Error(`payer file ${f} needs "id" and "products"`);
      adapters.push({
        id: raw.id,
        name: typeof raw.name === 'string' ? raw.name : raw.id,
        products: raw.products,
      });
    }
  }
  return new PayerRegistry(adapters);
}
