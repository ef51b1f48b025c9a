/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows kernel API differences.  lac_compat_gen.h is
 * generated at build time by probing the target kernel's headers
 * (scripts/compat-probe.sh), not by version numbers: distributions backport.
 * Each wrapper has the older API's arguments and calls what the kernel has.
 */
#ifndef _LAC_COMPAT_H
#define _LAC_COMPAT_H

#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/udp_tunnel.h>

#include "lac_compat_gen.h"

static inline void lac_compat_set_lltx(struct net_device *dev)
{
#ifdef LAC_HAVE_DEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/* kernel_bind() takes a struct sockaddr_unsized in newer kernels. */
static inline int lac_kernel_bind(struct socket *sock,
				  struct sockaddr_storage *ss, int len)
{
#ifdef LAC_HAVE_SOCKADDR_UNSIZED
	return kernel_bind(sock, (struct sockaddr_unsized *)ss, len);
#else
	return kernel_bind(sock, (struct sockaddr *)ss, len);
#endif
}

/* The UDP tunnel helpers take the struct sock in newer kernels. */
static inline void lac_setup_udp_tunnel_sock(struct net *net,
					     struct socket *sock,
					     struct udp_tunnel_sock_cfg *cfg)
{
#ifdef LAC_HAVE_UDP_TUNNEL_SETUP_SK
	setup_udp_tunnel_sock(net, sock->sk, cfg);
#else
	setup_udp_tunnel_sock(net, sock, cfg);
#endif
}

static inline void lac_udp_tunnel_sock_release(struct socket *sock)
{
#ifdef LAC_HAVE_UDP_TUNNEL_RELEASE_SK
	udp_tunnel_sock_release(sock->sk);
#else
	udp_tunnel_sock_release(sock);
#endif
}

/* udp_tunnel_xmit_skb() with no IPCB flags (newer kernels take some). */
static inline void lac_udp_tunnel_xmit_skb(struct rtable *rt, struct sock *sk,
					   struct sk_buff *skb,
					   __be32 src, __be32 dst, __u8 tos,
					   __u8 ttl, __be16 df,
					   __be16 src_port, __be16 dst_port,
					   bool xnet, bool nocheck)
{
#ifdef LAC_HAVE_UDP_TUNNEL_XMIT_IPCB_FLAGS
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, src_port,
			    dst_port, xnet, nocheck, 0);
#else
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, src_port,
			    dst_port, xnet, nocheck);
#endif
}

#if IS_ENABLED(CONFIG_IPV6)
/* udp_tunnel6_xmit_skb() with no IP6CB flags (newer kernels take some). */
static inline void lac_udp_tunnel6_xmit_skb(struct dst_entry *dst,
					    struct sock *sk,
					    struct sk_buff *skb,
					    struct net_device *dev,
					    struct in6_addr *saddr,
					    struct in6_addr *daddr,
					    __u8 prio, __u8 ttl, __be32 label,
					    __be16 src_port, __be16 dst_port,
					    bool nocheck)
{
#ifdef LAC_HAVE_UDP_TUNNEL6_XMIT_IP6CB_FLAGS
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl,
			     label, src_port, dst_port, nocheck, 0);
#else
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl,
			     label, src_port, dst_port, nocheck);
#endif
}
#endif

/*
 * ndo_fdb_dump: the index of the first entry the dump has not sent yet;
 * newer kernels keep it in a struct ndo_fdb_dump_context in cb->ctx.
 */
static inline unsigned long lac_fdb_dump_start(struct netlink_callback *cb)
{
#ifdef LAC_HAVE_NDO_FDB_DUMP_CONTEXT
	struct ndo_fdb_dump_context *ctx = (void *)cb->ctx;

	return ctx->fdb_idx;
#else
	return cb->args[2];
#endif
}

/*
 * Callbacks whose signature changed: LAC_DEFINE_xxx(fn) defines fn##_compat
 * with the kernel's signature, calling fn, which has the one given here.
 */

/*
 * rtnl_link_ops.newlink, fn(struct net *link_net, struct net_device *dev,
 * struct nlattr *tb[], struct nlattr *data[], struct netlink_ext_ack *);
 * newer kernels pass a struct rtnl_newlink_params instead.
 */
#ifdef LAC_HAVE_RTNL_NEWLINK_PARAMS
#define LAC_DEFINE_NEWLINK(fn)						\
static int fn##_compat(struct net_device *dev,				\
		       struct rtnl_newlink_params *params,		\
		       struct netlink_ext_ack *extack)			\
{									\
	return fn(rtnl_newlink_link_net(params), dev, params->tb,	\
		  params->data, extack);				\
}
#else
#define LAC_DEFINE_NEWLINK(fn)						\
static int fn##_compat(struct net *net, struct net_device *dev,		\
		       struct nlattr *tb[], struct nlattr *data[],	\
		       struct netlink_ext_ack *extack)			\
{									\
	return fn(net, dev, tb, data, extack);				\
}
#endif

/*
 * pernet_operations, fn(struct net *net, struct list_head *kill) for each
 * dying netns, under RTNL: newer kernels call it as exit_rtnl, older ones
 * have exit_batch_rtnl(net_list, kill) for the whole batch instead.  Set
 * the hook with LAC_PERNET_EXIT_RTNL(fn_compat).
 */
#ifdef LAC_HAVE_PERNET_EXIT_RTNL
#define LAC_DEFINE_EXIT_RTNL(fn)					\
static void __net_exit fn##_compat(struct net *net,			\
				   struct list_head *kill)		\
{									\
	fn(net, kill);							\
}

#define LAC_PERNET_EXIT_RTNL(fn)	.exit_rtnl = (fn)
#else
#define LAC_DEFINE_EXIT_RTNL(fn)					\
static void __net_exit fn##_compat(struct list_head *net_list,		\
				   struct list_head *kill)		\
{									\
	struct net *net;						\
									\
	list_for_each_entry(net, net_list, exit_list)			\
		fn(net, kill);						\
}

#define LAC_PERNET_EXIT_RTNL(fn)	.exit_batch_rtnl = (fn)
#endif

/*
 * ndo_fdb_add and ndo_fdb_del, without bool *notified: lac sends its own
 * RTM_NEWNEIGH / RTM_DELNEIGH for every change it makes.  Newer kernels
 * take notified, to send theirs only when the driver did not; older ones
 * always send theirs too.
 */
#ifdef LAC_HAVE_NDO_FDB_ADD_NOTIFIED
#define LAC_DEFINE_NDO_FDB_ADD(fn)					\
static int fn##_compat(struct ndmsg *ndm, struct nlattr *tb[],		\
		       struct net_device *dev, const unsigned char *addr, \
		       u16 vid, u16 flags, bool *notified,		\
		       struct netlink_ext_ack *extack)			\
{									\
	int err = fn(ndm, tb, dev, addr, vid, flags, extack);		\
									\
	*notified = !err;						\
	return err;							\
}
#else
#define LAC_DEFINE_NDO_FDB_ADD(fn)					\
static int fn##_compat(struct ndmsg *ndm, struct nlattr *tb[],		\
		       struct net_device *dev, const unsigned char *addr, \
		       u16 vid, u16 flags, struct netlink_ext_ack *extack) \
{									\
	return fn(ndm, tb, dev, addr, vid, flags, extack);		\
}
#endif

#ifdef LAC_HAVE_NDO_FDB_DEL_NOTIFIED
#define LAC_DEFINE_NDO_FDB_DEL(fn)					\
static int fn##_compat(struct ndmsg *ndm, struct nlattr *tb[],		\
		       struct net_device *dev, const unsigned char *addr, \
		       u16 vid, bool *notified,				\
		       struct netlink_ext_ack *extack)			\
{									\
	int err = fn(ndm, tb, dev, addr, vid, extack);			\
									\
	*notified = !err;						\
	return err;							\
}
#else
#define LAC_DEFINE_NDO_FDB_DEL(fn)					\
static int fn##_compat(struct ndmsg *ndm, struct nlattr *tb[],		\
		       struct net_device *dev, const unsigned char *addr, \
		       u16 vid, struct netlink_ext_ack *extack)		\
{									\
	return fn(ndm, tb, dev, addr, vid, extack);			\
}
#endif

#endif /* _LAC_COMPAT_H */
