/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows kernel API differences.  lac_compat_gen.h is
 * generated at build time by probing the target kernel's headers
 * (scripts/compat-probe.sh), not by version numbers: distributions backport.
 */
#ifndef _LAC_COMPAT_H
#define _LAC_COMPAT_H

#include <linux/netdevice.h>

#include "lac_compat_gen.h"

static inline void lac_compat_set_lltx(struct net_device *dev)
{
#ifdef LAC_HAVE_DEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

#endif /* _LAC_COMPAT_H */
