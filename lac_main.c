// SPDX-License-Identifier: GPL-2.0
/*
 * lac: Local Area Cloud device.
 *
 * Each lac device is one endpoint of a LAN-wide virtual Ethernet.  Frames go
 * as UDP to an IP multicast group, or straight to the IP and port a MAC was
 * learned from; every datagram leaves from the device's own unicast port.
 * This is the wire protocol of VXVDE (vdeplug4's vxvde:// plugin).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/igmp.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/dst.h>
#include <net/gro.h>
#include <net/inet_sock.h>
#include <net/addrconf.h>
#include <net/ip6_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/rtnetlink.h>
#include <net/udp_tunnel.h>

#include "lac.h"
#include "lac_compat.h"

unsigned int lac_net_id __read_mostly;

static const struct device_type lac_type = {
	.name = "lac",
};

static void lac_remote_from_skb(const struct lac_dev *lac,
				const struct sk_buff *skb,
				struct lac_remote *from)
{
	memset(from, 0, sizeof(*from));
	if (lac_is_ipv6(lac))
		from->ip.ip6 = ipv6_hdr(skb)->saddr;
	else
		from->ip.ip4 = ip_hdr(skb)->saddr;
	from->port = udp_hdr(skb)->source;
}

static bool lac_addr_is_local(const struct lac_dev *lac,
			      const union lac_addr *addr)
{
	if (!lac_addr_any(&lac->cfg.local))
		return ipv6_addr_equal(&addr->ip6, &lac->cfg.local.ip6);
#if IS_ENABLED(CONFIG_IPV6)
	if (lac_is_ipv6(lac))
		return ipv6_chk_addr(lac->net, &addr->ip6, NULL, 0);
#endif
	return inet_addr_type(lac->net, addr->ip4) == RTN_LOCAL;
}

/*
 * Our own multicast datagrams come back through multicast loopback: they
 * are the ones from our unicast port and one of our addresses.
 */
static bool lac_is_own_echo(const struct lac_dev *lac,
			    const struct lac_remote *from)
{
	return from->port == READ_ONCE(lac->local_port) &&
	       lac_addr_is_local(lac, &from->ip);
}

static void lac_rx_drop(struct lac_dev *lac, struct sk_buff *skb)
{
	dev_core_stats_rx_dropped_inc(lac->dev);
	kfree_skb(skb);
}

/* A frame we refuse to deliver, for a reason ethtool -S tells. */
static void lac_rx_refuse(struct lac_dev *lac, struct sk_buff *skb,
			  enum lac_stat why)
{
	lac_stat_inc(lac, why);
	lac_rx_drop(lac, skb);
}

/* A datagram that is not for us, or a leave message: not an error. */
static void lac_rx_consume(struct lac_dev *lac, struct sk_buff *skb,
			   enum lac_stat why)
{
	lac_stat_inc(lac, why);
	consume_skb(skb);
}

static void lac_rx_length_error(struct lac_dev *lac, struct sk_buff *skb)
{
	DEV_STATS_INC(lac->dev, rx_length_errors);
	DEV_STATS_INC(lac->dev, rx_errors);
	kfree_skb(skb);
}

static void lac_rx_frame_error(struct lac_dev *lac, struct sk_buff *skb)
{
	DEV_STATS_INC(lac->dev, rx_frame_errors);
	DEV_STATS_INC(lac->dev, rx_errors);
	kfree_skb(skb);
}

/*
 * Decapsulate one frame (after hlen bytes of UDP and lac headers), learn
 * its source and hand it to the stack.
 */
static void lac_rx_frame(struct lac_dev *lac, struct sk_buff *skb,
			 const struct lac_remote *from, unsigned int hlen)
{
	const struct ethhdr *eth;

	if (__iptunnel_pull_header(skb, hlen, htons(ETH_P_TEB), false,
				   !net_eq(lac->net, dev_net(lac->dev)))) {
		lac_rx_drop(lac, skb);
		return;
	}

	skb_reset_mac_header(skb);
	skb->protocol = eth_type_trans(skb, lac->dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	eth = eth_hdr(skb);

	/* Our own MAC from elsewhere: a loop, or a clash; never deliver it. */
	if (ether_addr_equal(eth->h_source, lac->dev->dev_addr)) {
		lac_rx_refuse(lac, skb, LAC_STAT_RX_OWN_MAC);
		return;
	}

	/* No Ethernet station sends from these: a bridge would drop them too. */
	if (!is_valid_ether_addr(eth->h_source)) {
		lac_rx_refuse(lac, skb, LAC_STAT_RX_BAD_SOURCE);
		return;
	}

	/* Before learning: a malformed frame teaches nothing. */
	skb_reset_network_header(skb);
	if (!pskb_inet_may_pull(skb)) {
		lac_rx_length_error(lac, skb);
		return;
	}

	/* A static MAC claimed from elsewhere: an impostor, or a stale config. */
	if (!lac_fdb_learn(lac, eth_hdr(skb)->h_source, from)) {
		lac_rx_refuse(lac, skb, LAC_STAT_RX_STATIC_CONFLICT);
		return;
	}

	dev_sw_netstats_rx_add(lac->dev, skb->len);
	gro_cells_receive(&lac->gro_cells, skb);
}

/*
 * encap_rcv of both sockets, called with skb->data at the UDP header and
 * the UDP checksum already verified.  Always consumes the skb, and counts
 * it exactly once: delivered, an error, or one of the ethtool -S reasons.
 */
static bool lac_hdr_is_sealed(const struct lachdr *lh)
{
	return (lh->flags & LAC_HF_SEALED_MASK) == LAC_HF_SEALED;
}

/* A sealed LAC's datagram that did not open: see lac_unseal(). */
static void lac_rx_unseal_error(struct lac_dev *lac, struct sk_buff *skb,
				int err, enum lac_stat why)
{
	if (err == -EMSGSIZE)
		lac_rx_length_error(lac, skb);
	else if (err == -ENOMEM)
		lac_rx_drop(lac, skb);
	else
		lac_rx_refuse(lac, skb, why);
}

int lac_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	unsigned int hlen = LAC_HLEN;
	const struct lachdr *lh;
	struct lac_remote from;
	enum lac_stat why;
	struct lac_dev *lac;
	bool sealed;
	int err;

	/* Only between ndo_stop's socket release and the grace period. */
	lac = rcu_dereference_sk_user_data(sk);
	if (!lac) {
		kfree_skb(skb);
		return 0;
	}

	if (!pskb_may_pull(skb, LAC_HLEN)) {
		lac_rx_length_error(lac, skb);
		return 0;
	}

	lh = (const struct lachdr *)(udp_hdr(skb) + 1);
	sealed = lac_hdr_is_sealed(lh);
	if (lh->flags != LAC_HF_VNI && !sealed) {
		lac_rx_frame_error(lac, skb);
		return 0;
	}

	/* Other VNIs share the group: not ours, and not an error. */
	if (lh->vni != lac->hdr.vni) {
		lac_rx_consume(lac, skb, LAC_STAT_RX_OTHER_VNI);
		return 0;
	}

	lac_remote_from_skb(lac, skb, &from);

	/* Before the leave check: our own leave comes back too. */
	if (lac_is_own_echo(lac, &from)) {
		lac_rx_consume(lac, skb, LAC_STAT_RX_ECHO);
		return 0;
	}

	/* Another LAN, sealed, on our group and VNI: not for us. */
	if (sealed && !lac_is_aead(lac)) {
		lac_rx_consume(lac, skb, LAC_STAT_RX_SEALED);
		return 0;
	}
	/* Plain: anyone could have sent it. */
	if (!sealed && lac_is_aead(lac)) {
		lac_rx_refuse(lac, skb, LAC_STAT_RX_UNSEALED);
		return 0;
	}
	if (lac_is_sealed(lac)) {
		err = lac_unseal(lac, skb, &hlen, &why);
		if (err) {
			lac_rx_unseal_error(lac, skb, err, why);
			return 0;
		}
	}

	if (skb->len == hlen) {
		lac_fdb_forget_remote(lac, &from);
		lac_rx_consume(lac, skb, LAC_STAT_RX_LEAVE);
		return 0;
	}

	if (skb->len < hlen + ETH_HLEN) {
		lac_rx_length_error(lac, skb);
		return 0;
	}

	lac_rx_frame(lac, skb, &from, hlen);
	return 0;
}

/*
 * GRO of the UDP socket: frames of one peer to one port are one UDP flow,
 * and their lac headers are all the same, so consecutive frames of an
 * inner flow merge like on Ethernet.  Anything but our own header (other
 * VNIs, errors, leave messages) is flushed to lac_udp_encap_recv() alone,
 * where it is counted.
 */
struct sk_buff *lac_gro_receive(struct sock *sk, struct list_head *head,
				struct sk_buff *skb)
{
	unsigned int off = skb_gro_offset(skb);
	const struct lachdr *lh, *lh2;
	struct sk_buff *pp = NULL;
	struct lac_dev *lac;
	struct sk_buff *p;
	int flush = 1;

	/* Sealed frames are opened one by one, in lac_udp_encap_recv(). */
	lac = rcu_dereference_sk_user_data(sk);
	if (!lac || lac_is_sealed(lac))
		goto out;

	lh = skb_gro_header(skb, off + sizeof(*lh), off);
	if (!lh || lh->flags != LAC_HF_VNI || lh->vni != lac->hdr.vni)
		goto out;

	skb_gro_postpull_rcsum(skb, lh, sizeof(*lh));
	skb_gro_pull(skb, sizeof(*lh));

	/* The outer headers matched; only the same lac header may merge. */
	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		lh2 = (const struct lachdr *)(p->data + off);
		if (lh->flags != lh2->flags || lh->vni != lh2->vni)
			NAPI_GRO_CB(p)->same_flow = 0;
	}

	pp = call_gro_receive(eth_gro_receive, head, skb);
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

/* skb->encapsulation is set: this sets the inner MAC header too. */
int lac_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	return eth_gro_complete(skb, nhoff + sizeof(struct lachdr));
}

/*
 * Push the lac header (sealing the frame first, for a LAC with a cipher),
 * leaving room for the outer headers up to and including UDP.
 */
static int lac_encap(struct lac_dev *lac, struct sk_buff *skb,
		     unsigned int room)
{
	struct lachdr *lh;
	int err;

	if (lac_is_aead(lac))
		err = lac_seal(lac, skb, room);
	else if (lac_is_sealed(lac))
		err = lac_seal(lac, skb, room + sizeof(*lh));
	else
		err = skb_cow_head(skb, room + sizeof(*lh));
	if (err)
		return err;
	if (iptunnel_handle_offloads(skb, SKB_GSO_UDP_TUNNEL_CSUM))
		return -ENOMEM;

	if (!lac_is_aead(lac)) {
		lh = __skb_push(skb, sizeof(*lh));
		*lh = lac->hdr;
	}
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));
	return 0;
}

/*
 * The route to peer: from its dst_cache, or looked up and cached.  A mark
 * may route elsewhere, so marked frames bypass the cache.
 */
static struct rtable *lac_route4(struct lac_dev *lac, struct sk_buff *skb,
				 struct lac_peer *peer, struct flowi4 *fl4)
{
	bool use_cache = !skb->mark;
	struct rtable *rt;

	memset(fl4, 0, sizeof(*fl4));
	fl4->daddr = peer->remote.ip.ip4;
	fl4->saddr = lac->cfg.local.ip4;
	fl4->flowi4_proto = IPPROTO_UDP;
	fl4->flowi4_mark = skb->mark;
	fl4->fl4_sport = READ_ONCE(lac->local_port);
	fl4->fl4_dport = peer->remote.port;

	if (use_cache) {
		rt = dst_cache_get_ip4(&peer->dst_cache, &fl4->saddr);
		if (rt)
			return rt;
	}

	rt = ip_route_output_key(lac->net, fl4);
	if (IS_ERR(rt))
		return rt;
	if (rt->dst.dev == lac->dev) {
		ip_rt_put(rt);
		return ERR_PTR(-ELOOP);
	}
	if (use_cache)
		dst_cache_set_ip4(&peer->dst_cache, &rt->dst, fl4->saddr);
	return rt;
}

static int lac_xmit_unicast4(struct lac_dev *lac, struct socket *sock,
			     struct sk_buff *skb, struct lac_peer *peer)
{
	struct flowi4 fl4;
	struct rtable *rt;
	int err;

	rt = lac_route4(lac, skb, peer, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);

	err = lac_encap(lac, skb, LL_RESERVED_SPACE(rt->dst.dev) +
			rt->dst.header_len + sizeof(struct iphdr) +
			sizeof(struct udphdr));
	if (err) {
		ip_rt_put(rt);
		return err;
	}

	lac_udp_tunnel_xmit_skb(rt, sock->sk, skb, fl4.saddr, fl4.daddr, 0,
				READ_ONCE(lac->cfg.ttl), 0, fl4.fl4_sport,
				fl4.fl4_dport,
				!net_eq(lac->net, dev_net(lac->dev)), false);
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static struct dst_entry *lac_route6(struct lac_dev *lac, struct socket *sock,
				    struct sk_buff *skb, struct lac_peer *peer,
				    struct flowi6 *fl6)
{
	bool use_cache = !skb->mark;
	struct dst_entry *ndst;

	memset(fl6, 0, sizeof(*fl6));
	fl6->daddr = peer->remote.ip.ip6;
	fl6->saddr = lac->cfg.local.ip6;
	fl6->flowi6_proto = IPPROTO_UDP;
	fl6->flowi6_mark = skb->mark;
	fl6->fl6_sport = READ_ONCE(lac->local_port);
	fl6->fl6_dport = peer->remote.port;

	if (use_cache) {
		ndst = dst_cache_get_ip6(&peer->dst_cache, &fl6->saddr);
		if (ndst)
			return ndst;
	}

	ndst = ip6_dst_lookup_flow(lac->net, sock->sk, fl6, NULL);
	if (IS_ERR(ndst))
		return ndst;
	if (ndst->dev == lac->dev) {
		dst_release(ndst);
		return ERR_PTR(-ELOOP);
	}
	if (use_cache)
		dst_cache_set_ip6(&peer->dst_cache, ndst, &fl6->saddr);
	return ndst;
}

static int lac_xmit_unicast6(struct lac_dev *lac, struct socket *sock,
			     struct sk_buff *skb, struct lac_peer *peer)
{
	struct dst_entry *ndst;
	struct flowi6 fl6;
	int err;

	ndst = lac_route6(lac, sock, skb, peer, &fl6);
	if (IS_ERR(ndst))
		return PTR_ERR(ndst);

	/*
	 * udp_tunnel6_xmit_skb() sets the outer route over the inner one
	 * without releasing it (the IPv4 path scrubs in iptunnel_xmit()):
	 * the device keeps dsts, so a local sender's route would leak.
	 */
	skb_scrub_packet(skb, !net_eq(lac->net, dev_net(lac->dev)));
	err = lac_encap(lac, skb, LL_RESERVED_SPACE(ndst->dev) +
			ndst->header_len + sizeof(struct ipv6hdr) +
			sizeof(struct udphdr));
	if (err) {
		dst_release(ndst);
		return err;
	}

	lac_udp_tunnel6_xmit_skb(ndst, sock->sk, skb, lac->dev, &fl6.saddr,
				 &fl6.daddr, 0, READ_ONCE(lac->cfg.ttl), 0,
				 fl6.fl6_sport, fl6.fl6_dport, false);
	return 0;
}
#else
static int lac_xmit_unicast6(struct lac_dev *lac, struct socket *sock,
			     struct sk_buff *skb, struct lac_peer *peer)
{
	return -EAFNOSUPPORT;
}
#endif

/* Encapsulate skb (starting at its Ethernet header) and send it to a peer. */
static void lac_xmit_unicast(struct lac_dev *lac, struct sk_buff *skb,
			     struct lac_peer *peer)
{
	struct net_device *dev = lac->dev;
	struct socket *sock;
	int err;

	sock = rcu_dereference(lac->usock);
	if (unlikely(!sock))
		err = -ENOTCONN;
	else if (lac_is_ipv6(lac))
		err = lac_xmit_unicast6(lac, sock, skb, peer);
	else
		err = lac_xmit_unicast4(lac, sock, skb, peer);
	if (likely(!err))
		return;

	/* -ENOSPC: the epoch's nonces are used up until the work renews it. */
	if (err == -ENOMEM || err == -ENOTCONN || err == -ENOSPC) {
		DEV_STATS_INC(dev, tx_dropped);
	} else {
		DEV_STATS_INC(dev, tx_carrier_errors);
		DEV_STATS_INC(dev, tx_errors);
	}
	kfree_skb(skb);
}

static void lac_group_remote(const struct lac_dev *lac,
			     struct lac_remote *group)
{
	group->ip = lac->cfg.group;
	group->port = lac->cfg.port;
}

/*
 * One frame (or, with no frame, the leave message) to the group, unless
 * nogroup, and to every flood target.  Returns the number of datagrams
 * sent, or the error of the last failure.
 */
static int lac_send_flood(struct lac_dev *lac, struct socket *sock,
			  void *frame, size_t len)
{
	struct lac_flood_target *t;
	struct lac_remote group;
	int sent = 0, err = 0, ret;

	if (!lac->cfg.nogroup) {
		lac_group_remote(lac, &group);
		ret = lac_send_to(lac, sock, &group, frame, len);
		if (ret < 0)
			err = ret;
		else
			sent++;
	}

	mutex_lock(&lac->flood_lock);
	list_for_each_entry(t, &lac->flood_targets, list) {
		ret = lac_send_to(lac, sock, &t->remote, frame, len);
		if (ret < 0)
			err = ret;
		else
			sent++;
	}
	mutex_unlock(&lac->flood_lock);

	return err ?: sent;
}

static void lac_flood_one(struct lac_dev *lac, struct socket *sock,
			  struct sk_buff *skb)
{
	struct net_device *dev = lac->dev;
	unsigned int len = skb->len;

	if (skb_linearize(skb) ||
	    (lac_is_sealed(lac) && lac_seal(lac, skb, 0)))
		DEV_STATS_INC(dev, tx_dropped);
	else if (lac_send_flood(lac, sock, skb->data, skb->len) < 0)
		DEV_STATS_INC(dev, tx_errors);
	else
		dev_sw_netstats_tx_add(dev, 1, len);
	consume_skb(skb);
}

/* sendmsg() may sleep: the frames for the group go from process context. */
static void lac_flood_work(struct work_struct *work)
{
	struct lac_dev *lac = container_of(work, struct lac_dev, flood_work);
	/* ndo_stop cancels this work before it releases the sockets. */
	struct socket *sock = rcu_dereference_protected(lac->usock, true);
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&lac->flood_queue))) {
		lac_flood_one(lac, sock, skb);
		cond_resched();
	}
}

/*
 * sendmsg() copies the frame's bytes, so an offloaded checksum must be
 * finished here: a copy would carry only the pseudo-header sum.
 */
static void lac_flood_queue(struct lac_dev *lac, struct sk_buff *skb)
{
	if (skb_queue_len(&lac->flood_queue) >= LAC_FLOOD_QLEN ||
	    (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))) {
		DEV_STATS_INC(lac->dev, tx_dropped);
		kfree_skb(skb);
		return;
	}
	skb_queue_tail(&lac->flood_queue, skb);
}

/* Each datagram to the group carries one frame: GSO is undone here. */
static void lac_flood(struct lac_dev *lac, struct sk_buff *skb)
{
	struct sk_buff *segs, *next;

	if (skb_is_gso(skb)) {
		segs = skb_gso_segment(skb, 0);
		if (IS_ERR_OR_NULL(segs)) {
			DEV_STATS_INC(lac->dev, tx_dropped);
			kfree_skb(skb);
			return;
		}
		consume_skb(skb);
		skb_list_walk_safe(segs, skb, next) {
			skb_mark_not_on_list(skb);
			lac_flood_queue(lac, skb);
		}
	} else {
		lac_flood_queue(lac, skb);
	}
	schedule_work(&lac->flood_work);
}

static void lac_flood_stop(struct lac_dev *lac)
{
	cancel_work_sync(&lac->flood_work);
	skb_queue_purge(&lac->flood_queue);
}

static netdev_tx_t lac_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct lac_dev *lac = netdev_priv(dev);
	struct lac_peer *peer = NULL;
	const u8 *dest;

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN))) {
		DEV_STATS_INC(dev, tx_dropped);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}

	rcu_read_lock();
	dest = eth_hdr(skb)->h_dest;
	if (!is_multicast_ether_addr(dest))
		peer = lac_fdb_lookup_peer(lac, dest);
	if (peer)
		lac_xmit_unicast(lac, skb, peer);
	else
		lac_flood(lac, skb);
	rcu_read_unlock();

	return NETDEV_TX_OK;
}

/* An AEAD's leave message is sealed too: nobody else can send it. */
static void lac_send_sealed_leave(struct lac_dev *lac, struct socket *sock)
{
	struct sk_buff *skb;

	skb = alloc_skb(sizeof(struct lac_sealhdr) + LAC_TAG_LEN, GFP_KERNEL);
	if (!skb)
		return;
	skb_reserve(skb, sizeof(struct lac_sealhdr));
	if (!lac_seal(lac, skb, 0))
		lac_send_flood(lac, sock, skb->data, skb->len);
	consume_skb(skb);
}

/* The leave message, the bare header: peers forget us at once. */
static void lac_send_leave(struct lac_dev *lac)
{
	struct socket *sock = rtnl_dereference(lac->usock);

	if (!sock)
		return;
	if (lac_is_aead(lac))
		lac_send_sealed_leave(lac, sock);
	else
		lac_send_flood(lac, sock, NULL, 0);
}

/*
 * With dev, a LAC is only as up as its underlay device.  (Not its
 * operstate: linkwatch updates that after the NETDEV_DOWN we react to.)
 */
void lac_update_carrier(struct lac_dev *lac)
{
	struct net_device *lower;

	if (lac->cfg.link) {
		lower = __dev_get_by_index(lac->net, lac->cfg.link);
		if (!lower || !netif_running(lower) ||
		    !netif_carrier_ok(lower)) {
			netif_carrier_off(lac->dev);
			return;
		}
	}
	netif_carrier_on(lac->dev);
}

static int lac_open(struct net_device *dev)
{
	struct lac_dev *lac = netdev_priv(dev);
	int err;

	err = lac_crypto_start(lac);
	if (err)
		return err;

	err = lac_socks_open(lac);
	if (err) {
		lac_crypto_stop(lac);
		return err;
	}

	lac_update_carrier(lac);
	lac_fdb_start(lac);
	return 0;
}

static int lac_stop(struct net_device *dev)
{
	struct lac_dev *lac = netdev_priv(dev);

	lac_flood_stop(lac);
	lac_send_leave(lac);
	lac_socks_release(lac);
	lac_fdb_stop(lac);
	lac_crypto_stop(lac);
	return 0;
}

static int lac_init(struct net_device *dev)
{
	struct lac_dev *lac = netdev_priv(dev);
	int err;

	lac->stats = netdev_alloc_pcpu_stats(struct lac_pcpu_stats);
	if (!lac->stats)
		return -ENOMEM;

	err = gro_cells_init(&lac->gro_cells, dev);
	if (err)
		goto err_stats;

	skb_queue_head_init(&lac->flood_queue);
	INIT_WORK(&lac->flood_work, lac_flood_work);

	err = lac_fdb_init(lac);
	if (err)
		goto err_gro;
	return 0;

err_gro:
	gro_cells_destroy(&lac->gro_cells);
err_stats:
	free_percpu(lac->stats);
	return err;
}

static void lac_uninit(struct net_device *dev)
{
	struct lac_dev *lac = netdev_priv(dev);

	gro_cells_destroy(&lac->gro_cells);
	lac_fdb_destroy(lac);
	lac_crypto_destroy(lac);
	free_percpu(lac->stats);
}

static int lac_headroom(const struct lac_dev *lac)
{
	return (lac_is_ipv6(lac) ? LAC_HEADROOM6 : LAC_HEADROOM4) +
	       lac_crypto_overhead(lac->cfg.cipher);
}

static int lac_max_mtu(const struct lac_dev *lac)
{
	struct net_device *lower = NULL;

	if (lac->cfg.link)
		lower = __dev_get_by_index(lac->net, lac->cfg.link);
	return (lower ? lower->mtu : ETH_MAX_MTU) - lac_headroom(lac);
}

static int lac_change_mtu(struct net_device *dev, int new_mtu)
{
	struct lac_dev *lac = netdev_priv(dev);

	if (new_mtu > lac_max_mtu(lac))
		return -EINVAL;

	WRITE_ONCE(dev->mtu, new_mtu);
	return 0;
}

LAC_DEFINE_NDO_FDB_ADD(lac_ndo_fdb_add)
LAC_DEFINE_NDO_FDB_DEL(lac_ndo_fdb_del)

static const struct net_device_ops lac_netdev_ops = {
	.ndo_init		= lac_init,
	.ndo_uninit		= lac_uninit,
	.ndo_open		= lac_open,
	.ndo_stop		= lac_stop,
	.ndo_start_xmit		= lac_start_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_change_mtu		= lac_change_mtu,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_fdb_add		= lac_ndo_fdb_add_compat,
	.ndo_fdb_del		= lac_ndo_fdb_del_compat,
	.ndo_fdb_get		= lac_ndo_fdb_get,
	.ndo_fdb_dump		= lac_ndo_fdb_dump,
};

static void lac_get_drvinfo(struct net_device *dev,
			    struct ethtool_drvinfo *drvinfo)
{
	strscpy(drvinfo->driver, KBUILD_MODNAME, sizeof(drvinfo->driver));
}

static const char lac_gstrings_stats[LAC_STAT_MAX][ETH_GSTRING_LEN] = {
	[LAC_STAT_RX_STATIC_CONFLICT]	= "rx_static_conflict",
	[LAC_STAT_RX_LEARN_LIMIT]	= "rx_learn_limit",
	[LAC_STAT_RX_OTHER_VNI]		= "rx_other_vni",
	[LAC_STAT_RX_LEAVE]		= "rx_leave",
	[LAC_STAT_RX_ECHO]		= "rx_echo",
	[LAC_STAT_RX_OWN_MAC]		= "rx_own_mac",
	[LAC_STAT_RX_BAD_SOURCE]	= "rx_bad_source",
	[LAC_STAT_RX_UNSEALED]		= "rx_unsealed",
	[LAC_STAT_RX_SEALED]		= "rx_sealed",
	[LAC_STAT_RX_UNKNOWN_KEY]	= "rx_unknown_key",
	[LAC_STAT_RX_STALE]		= "rx_stale",
	[LAC_STAT_RX_AUTH_FAIL]		= "rx_auth_fail",
	[LAC_STAT_RX_REPLAY]		= "rx_replay",
	[LAC_STAT_RX_SENDER_LIMIT]	= "rx_sender_limit",
};

static int lac_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? LAC_STAT_MAX : -EOPNOTSUPP;
}

static void lac_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, lac_gstrings_stats, sizeof(lac_gstrings_stats));
}

static void lac_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct lac_dev *lac = netdev_priv(dev);
	const struct lac_pcpu_stats *st;
	u64 cnt[LAC_STAT_MAX];
	unsigned int start;
	int cpu, i;

	memset(data, 0, LAC_STAT_MAX * sizeof(*data));
	for_each_possible_cpu(cpu) {
		st = per_cpu_ptr(lac->stats, cpu);
		do {
			start = u64_stats_fetch_begin(&st->syncp);
			for (i = 0; i < LAC_STAT_MAX; i++)
				cnt[i] = u64_stats_read(&st->cnt[i]);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		for (i = 0; i < LAC_STAT_MAX; i++)
			data[i] += cnt[i];
	}
}

static const struct ethtool_ops lac_ethtool_ops = {
	.get_drvinfo		= lac_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= lac_get_sset_count,
	.get_strings		= lac_get_strings,
	.get_ethtool_stats	= lac_get_ethtool_stats,
};

void lac_setup(struct net_device *dev)
{
	struct lac_dev *lac = netdev_priv(dev);

	ether_setup(dev);
	eth_hw_addr_random(dev);

	dev->netdev_ops = &lac_netdev_ops;
	dev->ethtool_ops = &lac_ethtool_ops;
	dev->needs_free_netdev = true;
	SET_NETDEV_DEVTYPE(dev, &lac_type);

	dev->features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_FRAGLIST |
			 NETIF_F_RXCSUM | NETIF_F_GSO_SOFTWARE;
	dev->hw_features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_FRAGLIST |
			    NETIF_F_RXCSUM | NETIF_F_GSO_SOFTWARE;
	dev->vlan_features = dev->features;
	netif_keep_dst(dev);
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
	lac_compat_set_lltx(dev);
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;

	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU - LAC_HEADROOM4;	/* set by family later */

	lac->dev = dev;
	INIT_LIST_HEAD(&lac->next);
	lac_crypto_setup(lac);
}

void lac_set_header(struct lac_dev *lac)
{
	lac->hdr.flags = LAC_HF_VNI;
	lac->hdr.vni = cpu_to_be32(lac->cfg.vni << 8);
}

/*
 * Sealing copies and rewrites every frame: the core hands a sealed LAC
 * frames linear, checksummed and segmented, what it cannot do itself.
 */
static void lac_seal_features(struct net_device *dev,
			      const struct lac_dev *lac)
{
	const netdev_features_t off = NETIF_F_SG | NETIF_F_HW_CSUM |
				      NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE;

	if (!lac_is_sealed(lac))
		return;
	dev->features &= ~off;
	dev->hw_features &= ~off;
	dev->vlan_features &= ~off;
}

/* Apply lac->cfg to a device not yet registered. */
int lac_configure(struct lac_dev *lac, struct net *net, bool mtu_given,
		  struct netlink_ext_ack *extack)
{
	struct net_device *dev = lac->dev;

	lac->net = net;
	lac_set_header(lac);
	lac_seal_features(dev, lac);

	dev->max_mtu = ETH_MAX_MTU - lac_headroom(lac);
	if (!mtu_given) {
		/* Without an underlay device, leave room for a 1500 one. */
		if (lac->cfg.link)
			dev->mtu = lac_max_mtu(lac);
		else
			dev->mtu = ETH_DATA_LEN - lac_headroom(lac);
	}
	if (dev->mtu > lac_max_mtu(lac)) {
		NL_SET_ERR_MSG(extack, "MTU too large for the underlay device");
		return -EINVAL;
	}
	return 0;
}

/* The underlay device goes away: so do the lac devices bound to it. */
static void lac_lower_unregister(struct net_device *lower,
				 struct list_head *kill)
{
	struct lac_net *ln = net_generic(dev_net(lower), lac_net_id);
	struct lac_dev *lac, *next;

	list_for_each_entry_safe(lac, next, &ln->devices, next) {
		if (lac->cfg.link == lower->ifindex)
			lac_link_ops.dellink(lac->dev, kill);
	}
}

/*
 * An underlay device changed state.  The LACs on it follow its carrier,
 * and when it comes up they join the group again; so do the LACs without
 * dev, whose membership went to whatever device routing picked.
 */
static void lac_lower_change(struct net_device *lower, unsigned long event)
{
	struct lac_net *ln = net_generic(dev_net(lower), lac_net_id);
	struct lac_dev *lac;

	list_for_each_entry(lac, &ln->devices, next) {
		if (lac->cfg.link && lac->cfg.link != lower->ifindex)
			continue;
		if (event == NETDEV_UP && netif_running(lac->dev))
			lac_sock_rejoin(lac);
		if (lac->cfg.link)
			lac_update_carrier(lac);
	}
}

static int lac_netdevice_event(struct notifier_block *nb,
			       unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	LIST_HEAD(kill);

	if (dev->netdev_ops == &lac_netdev_ops)
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_UNREGISTER:
		lac_lower_unregister(dev, &kill);
		unregister_netdevice_many(&kill);
		break;
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		lac_lower_change(dev, event);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block lac_notifier_block __read_mostly = {
	.notifier_call = lac_netdevice_event,
};

static int __net_init lac_init_net(struct net *net)
{
	struct lac_net *ln = net_generic(net, lac_net_id);

	INIT_LIST_HEAD(&ln->devices);
	return 0;
}

/* A dying netns takes with it the lac devices whose sockets it holds. */
static void __net_exit lac_exit_rtnl(struct net *net, struct list_head *kill)
{
	struct lac_net *ln = net_generic(net, lac_net_id);
	struct lac_dev *lac, *next;

	ASSERT_RTNL();
	list_for_each_entry_safe(lac, next, &ln->devices, next)
		lac_link_ops.dellink(lac->dev, kill);
}

LAC_DEFINE_EXIT_RTNL(lac_exit_rtnl)

static struct pernet_operations lac_net_ops = {
	.init = lac_init_net,
	LAC_PERNET_EXIT_RTNL(lac_exit_rtnl_compat),
	.id = &lac_net_id,
	.size = sizeof(struct lac_net),
};

static int __init lac_init_module(void)
{
	int err;

	err = lac_fdb_cache_create();
	if (err)
		return err;

	err = register_pernet_subsys(&lac_net_ops);
	if (err)
		goto err_pernet;

	err = register_netdevice_notifier(&lac_notifier_block);
	if (err)
		goto err_notifier;

	err = rtnl_link_register(&lac_link_ops);
	if (err)
		goto err_link;

	return 0;

err_link:
	unregister_netdevice_notifier(&lac_notifier_block);
err_notifier:
	unregister_pernet_subsys(&lac_net_ops);
err_pernet:
	lac_fdb_cache_destroy();
	return err;
}
module_init(lac_init_module);

static void __exit lac_cleanup_module(void)
{
	rtnl_link_unregister(&lac_link_ops);
	unregister_netdevice_notifier(&lac_notifier_block);
	unregister_pernet_subsys(&lac_net_ops);
	/* Entries and peers freed by call_rcu() use this module's code. */
	rcu_barrier();
	lac_fdb_cache_destroy();
}
module_exit(lac_cleanup_module);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("lac developers");
MODULE_DESCRIPTION("Local Area Cloud: a LAN-wide virtual Ethernet over UDP multicast, VXVDE compatible");
MODULE_ALIAS_RTNL_LINK("lac");
