/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Local Area Cloud (lac) link attributes, shared by the kernel module and
 * iproute2 ("ip link add NAME type lac ...").
 */
#ifndef _UAPI_LINUX_IF_LAC_H
#define _UAPI_LINUX_IF_LAC_H

#include <linux/types.h>

/* Defaults of VXVDE (vdeplug4's vxvde:// plugin), which lac interoperates with. */
#define LAC_DEFAULT_GROUP	0xef000001	/* 239.0.0.1, host order */
#define LAC_DEFAULT_PORT	14789
#define LAC_DEFAULT_VNI		1
#define LAC_DEFAULT_TTL		1
#define LAC_DEFAULT_AGEING	128		/* seconds */
#define LAC_VNI_MAX		0xffffff

enum {
	IFLA_LAC_UNSPEC,
	IFLA_LAC_GROUP,		/* __be32: IPv4 multicast group */
	IFLA_LAC_GROUP6,	/* struct in6_addr: IPv6 multicast group */
	IFLA_LAC_VNI,		/* u32: 24-bit network identifier */
	IFLA_LAC_PORT,		/* __be16: UDP port of the group */
	IFLA_LAC_LINK,		/* u32: ifindex of the underlay device */
	IFLA_LAC_LOCAL,		/* __be32: IPv4 source address */
	IFLA_LAC_LOCAL6,	/* struct in6_addr: IPv6 source address */
	IFLA_LAC_TTL,		/* u8: TTL / hop limit of sent datagrams */
	IFLA_LAC_AGEING,	/* u32: seconds before idle learned entries expire */
	IFLA_LAC_LOCAL_PORT,	/* __be16, read-only: bound unicast UDP port (0 while down) */
	IFLA_LAC_LEARNING,	/* u8: learn source MACs (default 1) */
	IFLA_LAC_MAXADDR,	/* u32: cap on learned entries, 0: none (default) */
	IFLA_LAC_NOGROUP,	/* u8: 1: no multicast: flood to the flood list only */
	IFLA_LAC_FLUSH,		/* flag, changelink only: delete every learned entry */
	IFLA_LAC_CIPHER,	/* u8: enum lac_cipher, set at creation only */
	IFLA_LAC_KEY,		/* nested IFLA_LAC_KEY_*: add or replace a key; never dumped */
	IFLA_LAC_TXKEY,		/* u8: id of the key that seals what is sent */
	IFLA_LAC_RXKEY,		/* u8, read-only: id of the other key, accepted on receive */
	IFLA_LAC_DELKEY,	/* u8, changelink only: remove this key (not the tx key) */
	__IFLA_LAC_MAX
};

#define IFLA_LAC_MAX	(__IFLA_LAC_MAX - 1)

enum {
	IFLA_LAC_KEY_UNSPEC,
	IFLA_LAC_KEY_ID,	/* u8 */
	IFLA_LAC_KEY_DATA,	/* binary: the key, of the cipher's length */
	__IFLA_LAC_KEY_MAX
};

#define IFLA_LAC_KEY_MAX	(__IFLA_LAC_KEY_MAX - 1)

/*
 * How frames are protected on the wire.  A LAC with a cipher holds one or
 * two keys, each with an id that every datagram names.
 */
enum lac_cipher {
	LAC_CIPHER_NONE,		/* VXVDE's plain frames */
	LAC_CIPHER_AES_GCM,		/* gcm(aes), 16- or 32-byte keys */
	LAC_CIPHER_CHACHA20_POLY1305,	/* rfc7539(chacha20,poly1305), 32-byte keys */
	LAC_CIPHER_AGNO,		/* vdeplug's agno://: AES-128-CBC, no integrity */
	__LAC_CIPHER_MAX
};

#define LAC_CIPHER_MAX	(__LAC_CIPHER_MAX - 1)
#define LAC_KEY_MAXLEN	32

#endif /* _UAPI_LINUX_IF_LAC_H */
