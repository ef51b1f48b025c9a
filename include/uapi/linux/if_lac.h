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
	__IFLA_LAC_MAX
};

#define IFLA_LAC_MAX	(__IFLA_LAC_MAX - 1)

#endif /* _UAPI_LINUX_IF_LAC_H */
