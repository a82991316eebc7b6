// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto


export interface VisitQuery {
  'certno'?: (string);
  'policy_no'?: (string);
  /**
   * Institution code of the hospital.
   */
  'provider'?: (string);
  'mdtrt_id'?: (string);
}

export interface VisitQuery__Output {
  'certno': (string);
  'policy_no': (string);
  /**
   * Institution code of the hospital.
   */
  'provider': (string);
  'mdtrt_id': (string);
}
