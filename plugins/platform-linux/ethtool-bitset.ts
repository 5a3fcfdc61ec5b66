/**
 * The attributes of an ethtool netlink bitset (linux/ethtool_netlink.h), the
 * one nested format the kernel uses for every set of flags: Wake-on-LAN
 * modes (ethtool-wol.ts), offload features (ethtool-features.ts). Compact
 * form: SIZE, VALUE and MASK as arrays of u32 words; verbose form: BITS, one
 * BITS_BIT nest per bit with its name and a VALUE flag when set. Only what
 * nmk reads or writes.
 */

// enum { ETHTOOL_A_BITSET_UNSPEC, ... }
export const ETHTOOL_A_BITSET_NOMASK = 1;
export const ETHTOOL_A_BITSET_SIZE = 2;
export const ETHTOOL_A_BITSET_BITS = 3;
export const ETHTOOL_A_BITSET_VALUE = 4;
export const ETHTOOL_A_BITSET_MASK = 5;

// enum { ETHTOOL_A_BITSET_BITS_UNSPEC, ETHTOOL_A_BITSET_BITS_BIT }
export const ETHTOOL_A_BITSET_BITS_BIT = 1;

// enum { ETHTOOL_A_BITSET_BIT_UNSPEC, ... }
export const ETHTOOL_A_BITSET_BIT_NAME = 2;
export const ETHTOOL_A_BITSET_BIT_VALUE = 3;
