/**
 * ETF tag bytes, as erl_ext_dist defines them. Data only: the decoder's hot switch uses the
 * literal numbers (with these names beside them) so nothing is looked up per term.
 */

/** The version byte every ETF message starts with. */
export const ETF_VERSION = 131;

/** Tags this library decodes (and, some of them, encodes), by name. */
export const EtfTag = {
  NEW_FLOAT: 70,
  COMPRESSED: 80,
  SMALL_INTEGER: 97,
  INTEGER: 98,
  FLOAT: 99,
  ATOM: 100,
  SMALL_TUPLE: 104,
  LARGE_TUPLE: 105,
  NIL: 106,
  STRING: 107,
  LIST: 108,
  BINARY: 109,
  SMALL_BIG: 110,
  LARGE_BIG: 111,
  SMALL_ATOM: 115,
  MAP: 116,
  ATOM_UTF8: 118,
  SMALL_ATOM_UTF8: 119,
} as const;

/** Real ETF tags with no JSON shape: decoding one is `ETF_UNSUPPORTED_TAG`, not `ETF_UNKNOWN_TAG`. */
export const ETF_TAGS_WITHOUT_JSON_SHAPE: Readonly<Record<number, string>> = {
  77: 'BIT_BINARY_EXT',
  82: 'ATOM_CACHE_REF',
  88: 'NEW_PID_EXT',
  89: 'NEW_PORT_EXT',
  90: 'NEWER_REFERENCE_EXT',
  101: 'REFERENCE_EXT',
  102: 'PORT_EXT',
  103: 'PID_EXT',
  112: 'NEW_FUN_EXT',
  113: 'EXPORT_EXT',
  114: 'NEW_REFERENCE_EXT',
  117: 'FUN_EXT',
  120: 'V4_PORT_EXT',
  121: 'LOCAL_EXT',
};
