/**
 * The Erlang External Term Format tags the fake gateway reads or writes, named as in
 * Erlang's `erl_ext_dist` documentation, so a reader can check each byte against it.
 */

/** Every ETF message starts with this byte. */
export const ETF_VERSION = 131;

/** Tag bytes of the term types the fake gateway knows. */
export const EtfTag = {
  NEW_FLOAT_EXT: 70,
  COMPRESSED: 80,
  SMALL_INTEGER_EXT: 97,
  INTEGER_EXT: 98,
  FLOAT_EXT: 99,
  ATOM_EXT: 100,
  SMALL_TUPLE_EXT: 104,
  LARGE_TUPLE_EXT: 105,
  NIL_EXT: 106,
  STRING_EXT: 107,
  LIST_EXT: 108,
  BINARY_EXT: 109,
  SMALL_BIG_EXT: 110,
  LARGE_BIG_EXT: 111,
  SMALL_ATOM_EXT: 115,
  MAP_EXT: 116,
  ATOM_UTF8_EXT: 118,
  SMALL_ATOM_UTF8_EXT: 119,
} as const;

/** An Erlang atom, for the places where Discord sends atoms rather than binaries. */
export class EtfAtom {
  constructor(readonly name: string) {}
}
