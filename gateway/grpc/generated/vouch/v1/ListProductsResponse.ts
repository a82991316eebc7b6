// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto

import type { Product as _vouch_v1_Product, Product__Output as _vouch_v1_Product__Output } from '../../vouch/v1/Product.js';

export interface ListProductsResponse {
  'products'?: (_vouch_v1_Product)[];
}

export interface ListProductsResponse__Output {
  'products': (_vouch_v1_Product__Output)[];
}
