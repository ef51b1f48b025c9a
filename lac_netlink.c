// SPDX-License-Identifier: GPL-2.0
/*
 * lac rtnl_link_ops: "ip link add NAME type lac ...".
 */

#include <linux/etherdevice.h>
#include <linux/moduleparam.h>
#include <linux/neighbour.h>
#include <linux/if_lac.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "lac.h"
#include "lac_compat.h"

/* Key bytes are never dumped: nothing reads them back. */
static const struct nla_policy lac_key_policy[IFLA_LAC_KEY_MAX + 1] = {
	[IFLA_LAC_KEY_UNSPEC]	= { .strict_start_type = IFLA_LAC_KEY_UNSPEC + 1 },
	[IFLA_LAC_KEY_ID]	= { .type = NLA_U8 },
	[IFLA_LAC_KEY_DATA]	= { .type = NLA_BINARY, .len = LAC_KEY_MAXLEN },
};

/*
 * A new kind: every attribute is validated strictly (exact length, no
 * stray NLA_F_NESTED), not with the liberal rules kept for old users.
 */
static const struct nla_policy lac_policy[IFLA_LAC_MAX + 1] = {
	[IFLA_LAC_UNSPEC]	= { .strict_start_type = IFLA_LAC_UNSPEC + 1 },
	[IFLA_LAC_GROUP]	= NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[IFLA_LAC_GROUP6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_LAC_VNI]		= { .type = NLA_U32 },
	[IFLA_LAC_PORT]		= { .type = NLA_BE16 },
	[IFLA_LAC_LINK]		= { .type = NLA_U32 },
	[IFLA_LAC_LOCAL]	= NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[IFLA_LAC_LOCAL6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_LAC_TTL]		= { .type = NLA_U8 },
	[IFLA_LAC_AGEING]	= { .type = NLA_U32 },
	[IFLA_LAC_LOCAL_PORT]	= { .type = NLA_REJECT,
				    .reject_message = "The unicast port is chosen by the kernel" },
	[IFLA_LAC_LEARNING]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_LAC_MAXADDR]	= { .type = NLA_U32 },
	[IFLA_LAC_NOGROUP]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_LAC_FLUSH]	= { .type = NLA_FLAG },
	[IFLA_LAC_CIPHER]	= NLA_POLICY_MAX(NLA_U8, LAC_CIPHER_MAX),
	[IFLA_LAC_KEY]		= NLA_POLICY_NESTED(lac_key_policy),
	[IFLA_LAC_TXKEY]	= { .type = NLA_U8 },
	[IFLA_LAC_RXKEY]	= { .type = NLA_REJECT,
				    .reject_message = "rxkey is read-only" },
	[IFLA_LAC_DELKEY]	= { .type = NLA_U8 },
};

static int lac_validate_addrs(struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	struct nlattr *attr;

	attr = data[IFLA_LAC_GROUP];
	if (attr && !ipv4_is_multicast(nla_get_in_addr(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Group must be an IPv4 multicast address");
		return -EINVAL;
	}

	attr = data[IFLA_LAC_GROUP6];
	if (attr && !ipv6_addr_is_multicast(nla_data(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Group must be an IPv6 multicast address");
		return -EINVAL;
	}

	attr = data[IFLA_LAC_LOCAL];
	if (attr && (ipv4_is_multicast(nla_get_in_addr(attr)) ||
		     ipv4_is_lbcast(nla_get_in_addr(attr)))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Local address must be a unicast address");
		return -EINVAL;
	}

	attr = data[IFLA_LAC_LOCAL6];
	if (attr && ipv6_addr_is_multicast(nla_data(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Local address must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

static int lac_validate(struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct nlattr *attr;

	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Provided link layer address is not Ethernet");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Provided Ethernet address is not unicast");
			return -EADDRNOTAVAIL;
		}
	}

	if (!data)
		return 0;

	attr = data[IFLA_LAC_VNI];
	if (attr && nla_get_u32(attr) > LAC_VNI_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "VNI must be less than 2^24 (16777216)");
		return -ERANGE;
	}

	attr = data[IFLA_LAC_PORT];
	if (attr && !nla_get_be16(attr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "Group port must not be 0");
		return -EINVAL;
	}

	attr = data[IFLA_LAC_TTL];
	if (attr && !nla_get_u8(attr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "TTL must be 1 to 255");
		return -EINVAL;
	}

	return lac_validate_addrs(data, extack);
}

/* VXVDE's IPv6 default group. */
static const struct in6_addr lac_default_group6 = {
	.s6_addr = { 0xff, 0x05, 0x56, 0xde, [15] = 0x01 },
};

/* A host-wide choice: the port its LANs use when a device names none. */
static ushort default_port = LAC_DEFAULT_PORT;
module_param(default_port, ushort, 0444);
MODULE_PARM_DESC(default_port,
		 "UDP port of the group for devices created without 'port' (default 14789, VXVDE's; 0 means 14789)");

static void lac_config_defaults(struct lac_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_INET;
	cfg->group.ip4 = htonl(LAC_DEFAULT_GROUP);
	cfg->port = htons(default_port ?: LAC_DEFAULT_PORT);
	cfg->vni = LAC_DEFAULT_VNI;
	cfg->ttl = LAC_DEFAULT_TTL;
	cfg->ageing = LAC_DEFAULT_AGEING;
	cfg->learning = true;
}

/* Settings that only take effect when the sockets are opened. */
static bool lac_has_socket_attrs(struct nlattr *data[])
{
	return data[IFLA_LAC_GROUP] || data[IFLA_LAC_GROUP6] ||
	       data[IFLA_LAC_VNI] || data[IFLA_LAC_PORT] ||
	       data[IFLA_LAC_LINK] || data[IFLA_LAC_LOCAL] ||
	       data[IFLA_LAC_LOCAL6];
}

/*
 * The underlay family comes from the group, else from the local address;
 * an IPv6 LAC without a group gets VXVDE's IPv6 default.  It is fixed at
 * creation.
 */
static int lac_nl2family(struct nlattr *data[], struct lac_config *cfg,
			 bool create, struct netlink_ext_ack *extack)
{
	bool v4 = data[IFLA_LAC_GROUP] || data[IFLA_LAC_LOCAL];
	bool v6 = data[IFLA_LAC_GROUP6] || data[IFLA_LAC_LOCAL6];
	sa_family_t family;

	if (v4 && v6) {
		NL_SET_ERR_MSG(extack,
			       "Group and local address must be of one address family");
		return -EINVAL;
	}
	if (!v4 && !v6)
		return 0;

	family = v6 ? AF_INET6 : AF_INET;
	if (!create && family != cfg->family) {
		NL_SET_ERR_MSG(extack,
			       "The address family of a LAC cannot change");
		return -EINVAL;
	}
	if (family == AF_INET6 && !ipv6_mod_enabled()) {
		NL_SET_ERR_MSG(extack, "IPv6 is disabled on this host");
		return -EAFNOSUPPORT;
	}

	if (create && family == AF_INET6) {
		cfg->family = AF_INET6;
		cfg->group.ip6 = lac_default_group6;
	}
	return 0;
}

static void lac_nl2addr(struct nlattr *attr4, struct nlattr *attr6,
			union lac_addr *addr)
{
	if (attr4) {
		memset(addr, 0, sizeof(*addr));
		addr->ip4 = nla_get_in_addr(attr4);
	} else if (attr6) {
		addr->ip6 = nla_get_in6_addr(attr6);
	}
}

static int lac_nl2conf(struct net *net, struct nlattr *data[],
		       struct lac_config *cfg, bool create,
		       struct netlink_ext_ack *extack)
{
	int err;

	if (!data)
		return 0;

	err = lac_nl2family(data, cfg, create, extack);
	if (err)
		return err;

	if (data[IFLA_LAC_LINK]) {
		u32 ifindex = nla_get_u32(data[IFLA_LAC_LINK]);

		if (!__dev_get_by_index(net, ifindex)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_LAC_LINK],
					    "Underlay device not found");
			return -ENODEV;
		}
		cfg->link = ifindex;
	}
	lac_nl2addr(data[IFLA_LAC_GROUP], data[IFLA_LAC_GROUP6], &cfg->group);
	lac_nl2addr(data[IFLA_LAC_LOCAL], data[IFLA_LAC_LOCAL6], &cfg->local);
	if (data[IFLA_LAC_VNI])
		cfg->vni = nla_get_u32(data[IFLA_LAC_VNI]);
	if (data[IFLA_LAC_PORT])
		cfg->port = nla_get_be16(data[IFLA_LAC_PORT]);
	if (data[IFLA_LAC_TTL])
		cfg->ttl = nla_get_u8(data[IFLA_LAC_TTL]);
	if (data[IFLA_LAC_AGEING])
		cfg->ageing = nla_get_u32(data[IFLA_LAC_AGEING]);
	if (data[IFLA_LAC_LEARNING])
		cfg->learning = nla_get_u8(data[IFLA_LAC_LEARNING]);
	if (data[IFLA_LAC_MAXADDR])
		cfg->maxaddr = nla_get_u32(data[IFLA_LAC_MAXADDR]);
	if (data[IFLA_LAC_NOGROUP])
		cfg->nogroup = nla_get_u8(data[IFLA_LAC_NOGROUP]);
	return 0;
}

/* IFLA_LAC_KEY, TXKEY and DELKEY, for lac_crypto_prepare() to check. */
static int lac_nl2keyops(struct nlattr *data[], struct lac_keyops *ops,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IFLA_LAC_KEY_MAX + 1];
	int err;

	memset(ops, 0, sizeof(*ops));
	ops->add_id = -1;
	ops->txkey = -1;
	ops->del_id = -1;
	if (!data)
		return 0;

	if (data[IFLA_LAC_TXKEY])
		ops->txkey = nla_get_u8(data[IFLA_LAC_TXKEY]);
	if (data[IFLA_LAC_DELKEY])
		ops->del_id = nla_get_u8(data[IFLA_LAC_DELKEY]);
	if (!data[IFLA_LAC_KEY])
		return 0;

	err = nla_parse_nested(tb, IFLA_LAC_KEY_MAX, data[IFLA_LAC_KEY],
			       lac_key_policy, extack);
	if (err)
		return err;
	if (!tb[IFLA_LAC_KEY_ID] || !tb[IFLA_LAC_KEY_DATA]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_LAC_KEY],
				    "A key needs an id and its bytes");
		return -EINVAL;
	}
	ops->add_id = nla_get_u8(tb[IFLA_LAC_KEY_ID]);
	ops->key = nla_data(tb[IFLA_LAC_KEY_DATA]);
	ops->keylen = nla_len(tb[IFLA_LAC_KEY_DATA]);
	return 0;
}

/* Fixed at creation; a key alone means the default AEAD, AES-GCM. */
static void lac_nl2cipher(struct nlattr *data[], struct lac_config *cfg)
{
	if (data && data[IFLA_LAC_CIPHER])
		cfg->cipher = nla_get_u8(data[IFLA_LAC_CIPHER]);
	else if (data && data[IFLA_LAC_KEY])
		cfg->cipher = LAC_CIPHER_AES_GCM;
}

static int lac_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct lac_net *ln = net_generic(src_net, lac_net_id);
	struct lac_dev *lac = netdev_priv(dev);
	struct lac_keyops ops;
	int err;

	if (data && data[IFLA_LAC_FLUSH]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_LAC_FLUSH],
				    "A new device has nothing to flush");
		return -EINVAL;
	}

	lac_config_defaults(&lac->cfg);
	err = lac_nl2conf(src_net, data, &lac->cfg, true, extack);
	if (err)
		return err;
	lac_nl2cipher(data, &lac->cfg);

	err = lac_configure(lac, src_net, tb[IFLA_MTU], extack);
	if (err)
		return err;

	err = lac_nl2keyops(data, &ops, extack) ?:
	      lac_crypto_prepare(lac, &ops, true, extack);
	if (err)
		return err;
	lac_crypto_commit(lac, &ops);

	if (tb[IFLA_ADDRESS])
		eth_hw_addr_set(dev, nla_data(tb[IFLA_ADDRESS]));

	err = register_netdevice(dev);
	if (err) {
		/* ndo_uninit did it if ndo_init ran: destroy is idempotent. */
		lac_crypto_destroy(lac);
		return err;
	}

	lac_update_carrier(lac);
	list_add(&lac->next, &ln->devices);
	return 0;
}

LAC_DEFINE_NEWLINK(lac_newlink)

/*
 * The sockets of a LAC stay in the netns it was created in, when the
 * device moves to a container.  What decides where they send and whom they
 * hear is for who may configure that netns, not the container's root.
 */
static bool lac_has_underlay_attrs(struct nlattr *data[])
{
	return lac_has_socket_attrs(data) || data[IFLA_LAC_NOGROUP] ||
	       data[IFLA_LAC_TTL];
}

static bool lac_may_change_underlay(const struct lac_dev *lac,
				    struct netlink_ext_ack *extack)
{
	if (ns_capable(lac->net->user_ns, CAP_NET_ADMIN))
		return true;
	NL_SET_ERR_MSG(extack,
		       "Changing where a LAC sends needs CAP_NET_ADMIN in the netns of its sockets");
	return false;
}

static int lac_changelink_check(struct lac_dev *lac, struct nlattr *data[],
				struct netlink_ext_ack *extack)
{
	bool up = lac->dev->flags & IFF_UP;

	if (lac_has_underlay_attrs(data) &&
	    !lac_may_change_underlay(lac, extack))
		return -EPERM;
	if (up && lac_has_socket_attrs(data)) {
		NL_SET_ERR_MSG(extack,
			       "Group, port, VNI, dev and local can only change while the device is down");
		return -EBUSY;
	}
	if (up && data[IFLA_LAC_NOGROUP]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_LAC_NOGROUP],
				    "nogroup can only change while the device is down");
		return -EBUSY;
	}
	if (data[IFLA_LAC_CIPHER] &&
	    nla_get_u8(data[IFLA_LAC_CIPHER]) != lac->cfg.cipher) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_LAC_CIPHER],
				    "The cipher of a LAC is chosen when it is created");
		return -EINVAL;
	}
	return 0;
}

static int lac_changelink(struct net_device *dev, struct nlattr *tb[],
			  struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct lac_dev *lac = netdev_priv(dev);
	struct lac_config cfg = lac->cfg;
	struct lac_keyops ops;
	int err;

	if (!data)
		return 0;

	err = lac_changelink_check(lac, data, extack) ?:
	      lac_nl2conf(lac->net, data, &cfg, false, extack) ?:
	      lac_nl2keyops(data, &ops, extack) ?:
	      lac_crypto_prepare(lac, &ops, false, extack);
	if (err)
		return err;
	lac_crypto_commit(lac, &ops);

	if (data[IFLA_LAC_FLUSH])
		lac_fdb_flush(lac);

	/* Up, only these can change: the datapath reads them locklessly. */
	if (dev->flags & IFF_UP) {
		WRITE_ONCE(lac->cfg.ttl, cfg.ttl);
		WRITE_ONCE(lac->cfg.ageing, cfg.ageing);
		WRITE_ONCE(lac->cfg.learning, cfg.learning);
		WRITE_ONCE(lac->cfg.maxaddr, cfg.maxaddr);
		if (data[IFLA_LAC_AGEING])
			lac_fdb_ageing_changed(lac);
		return lac_sock_apply_ttl(lac);
	}

	lac->cfg = cfg;
	lac_set_header(lac);
	return 0;
}

static void lac_dellink(struct net_device *dev, struct list_head *head)
{
	struct lac_dev *lac = netdev_priv(dev);

	list_del(&lac->next);
	unregister_netdevice_queue(dev, head);
}

static size_t lac_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(struct in6_addr)) +	/* GROUP[6] */
	       nla_total_size(sizeof(u32)) +		/* VNI */
	       nla_total_size(sizeof(__be16)) +		/* PORT */
	       nla_total_size(sizeof(u32)) +		/* LINK */
	       nla_total_size(sizeof(struct in6_addr)) +	/* LOCAL[6] */
	       nla_total_size(sizeof(u8)) +		/* TTL */
	       nla_total_size(sizeof(u32)) +		/* AGEING */
	       nla_total_size(sizeof(__be16)) +		/* LOCAL_PORT */
	       nla_total_size(sizeof(u8)) +		/* LEARNING */
	       nla_total_size(sizeof(u32)) +		/* MAXADDR */
	       nla_total_size(sizeof(u8)) +		/* NOGROUP */
	       nla_total_size(sizeof(u8)) +		/* CIPHER */
	       nla_total_size(sizeof(u8)) +		/* TXKEY */
	       nla_total_size(sizeof(u8));		/* RXKEY */
}

static int lac_fill_addrs(struct sk_buff *skb, const struct lac_dev *lac)
{
	const struct lac_config *cfg = &lac->cfg;
	bool local = !lac_addr_any(&cfg->local);

	if (lac_is_ipv6(lac))
		return nla_put_in6_addr(skb, IFLA_LAC_GROUP6, &cfg->group.ip6) ||
		       (local && nla_put_in6_addr(skb, IFLA_LAC_LOCAL6,
						  &cfg->local.ip6));
	return nla_put_in_addr(skb, IFLA_LAC_GROUP, cfg->group.ip4) ||
	       (local && nla_put_in_addr(skb, IFLA_LAC_LOCAL, cfg->local.ip4));
}

/* Which keys, never their bytes. */
static int lac_fill_keys(struct sk_buff *skb, struct lac_dev *lac)
{
	int rxkey;

	if (nla_put_u8(skb, IFLA_LAC_CIPHER, lac->cfg.cipher))
		return -EMSGSIZE;
	if (!lac_is_sealed(lac))
		return 0;
	rxkey = lac_crypto_rxkey(lac);
	if (nla_put_u8(skb, IFLA_LAC_TXKEY, lac->crypto.txkey) ||
	    (rxkey >= 0 && nla_put_u8(skb, IFLA_LAC_RXKEY, rxkey)))
		return -EMSGSIZE;
	return 0;
}

static int lac_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct lac_dev *lac = netdev_priv(dev);
	const struct lac_config *cfg = &lac->cfg;

	if (lac_fill_addrs(skb, lac) ||
	    nla_put_u32(skb, IFLA_LAC_VNI, cfg->vni) ||
	    nla_put_be16(skb, IFLA_LAC_PORT, cfg->port) ||
	    nla_put_u8(skb, IFLA_LAC_TTL, cfg->ttl) ||
	    nla_put_u32(skb, IFLA_LAC_AGEING, cfg->ageing) ||
	    nla_put_be16(skb, IFLA_LAC_LOCAL_PORT, READ_ONCE(lac->local_port)) ||
	    nla_put_u8(skb, IFLA_LAC_LEARNING, cfg->learning) ||
	    nla_put_u32(skb, IFLA_LAC_MAXADDR, cfg->maxaddr) ||
	    nla_put_u8(skb, IFLA_LAC_NOGROUP, cfg->nogroup))
		return -EMSGSIZE;

	if (cfg->link && nla_put_u32(skb, IFLA_LAC_LINK, cfg->link))
		return -EMSGSIZE;
	return lac_fill_keys(skb, lac);
}

static struct net *lac_get_link_net(const struct net_device *dev)
{
	const struct lac_dev *lac = netdev_priv(dev);

	return lac->net;
}

/* The FDB through "bridge fdb": entries and the flood list (zero MAC). */

const u8 lac_flood_mac[ETH_ALEN];

static size_t lac_fdb_nlmsg_size(void)
{
	return NLMSG_ALIGN(sizeof(struct ndmsg)) +
	       nla_total_size(ETH_ALEN) +			/* NDA_LLADDR */
	       nla_total_size(sizeof(struct in6_addr)) +	/* NDA_DST */
	       nla_total_size(sizeof(__be16)) +		/* NDA_PORT */
	       nla_total_size(sizeof(s32)) +		/* NDA_LINK_NETNSID */
	       nla_total_size(sizeof(struct nda_cacheinfo));
}

/* f, when given, supplies the times since last use (dumps and get). */
static int lac_fdb_fill(struct sk_buff *skb, const struct lac_dev *lac,
			const u8 *mac, const struct lac_remote *remote,
			u8 state, const struct lac_fdb *f, u32 portid,
			u32 seq, int type, unsigned int flags)
{
	unsigned long now = jiffies;
	struct nda_cacheinfo ci;
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	nlh = nlmsg_put(skb, portid, seq, type, sizeof(*ndm), flags);
	if (!nlh)
		return -EMSGSIZE;

	ndm = nlmsg_data(nlh);
	memset(ndm, 0, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_state = state;
	ndm->ndm_flags = NTF_SELF;
	ndm->ndm_ifindex = lac->dev->ifindex;
	ndm->ndm_type = RTN_UNICAST;

	if (!net_eq(dev_net(lac->dev), lac->net) &&
	    nla_put_s32(skb, NDA_LINK_NETNSID,
			peernet2id(dev_net(lac->dev), lac->net)))
		goto nla_put_failure;

	if (nla_put(skb, NDA_LLADDR, ETH_ALEN, mac))
		goto nla_put_failure;
	if (lac_is_ipv6(lac) ?
	    nla_put_in6_addr(skb, NDA_DST, &remote->ip.ip6) :
	    nla_put_in_addr(skb, NDA_DST, remote->ip.ip4))
		goto nla_put_failure;

	/* Like vxlan: the port only when it is not the group port. */
	if (remote->port != lac->cfg.port &&
	    nla_put_be16(skb, NDA_PORT, remote->port))
		goto nla_put_failure;

	if (f) {
		ci.ndm_used = jiffies_to_clock_t(now - READ_ONCE(f->used));
		ci.ndm_confirmed = 0;
		ci.ndm_updated = jiffies_to_clock_t(now -
						    READ_ONCE(f->updated));
		ci.ndm_refcnt = 0;
		if (nla_put(skb, NDA_CACHEINFO, sizeof(ci), &ci))
			goto nla_put_failure;
	}

	nlmsg_end(skb, nlh);
	return 0;

nla_put_failure:
	nlmsg_cancel(skb, nlh);
	return -EMSGSIZE;
}

/* RTM_NEWNEIGH/RTM_DELNEIGH to the netns of the device.  Any context. */
void lac_fdb_notify(struct lac_dev *lac, const u8 *mac,
		    const struct lac_remote *remote, u8 state, int type)
{
	struct net *net = dev_net(lac->dev);
	struct sk_buff *skb;
	int err = -ENOBUFS;

	skb = nlmsg_new(lac_fdb_nlmsg_size(), GFP_ATOMIC);
	if (!skb)
		goto errout;

	err = lac_fdb_fill(skb, lac, mac, remote, state, NULL, 0, 0, type, 0);
	if (err < 0) {
		kfree_skb(skb);
		goto errout;
	}
	rtnl_notify(skb, net, 0, RTNLGRP_NEIGH, NULL, GFP_ATOMIC);
	return;
errout:
	rtnl_set_sk_err(net, RTNLGRP_NEIGH, err);
}

/* The core hands NDA_* over unparsed: everything is checked here. */
static int lac_fdb_nl_check(struct nlattr *tb[], u16 vid,
			    struct netlink_ext_ack *extack)
{
	static const int unsupported[] = {
		NDA_VNI, NDA_SRC_VNI, NDA_IFINDEX, NDA_NH_ID, NDA_LINK_NETNSID,
	};
	unsigned int i;

	if (vid) {
		NL_SET_ERR_MSG(extack, "lac devices have no VLANs");
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(unsupported); i++) {
		if (tb[unsupported[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[unsupported[i]],
					    "Attribute not supported by lac");
			return -EOPNOTSUPP;
		}
	}
	if (!tb[NDA_FLAGS_EXT])
		return 0;
	if (nla_len(tb[NDA_FLAGS_EXT]) != sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_FLAGS_EXT],
				    "Extended flags have a wrong length");
		return -EINVAL;
	}
	/* locked, and whatever comes next, mean nothing here. */
	if (nla_get_u32(tb[NDA_FLAGS_EXT])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_FLAGS_EXT],
				    "Extended flags not supported by lac");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int lac_fdb_nl2ip(const struct lac_dev *lac, struct nlattr *dst,
			 union lac_addr *ip, struct netlink_ext_ack *extack)
{
	bool unicast;

	memset(ip, 0, sizeof(*ip));
	if (nla_len(dst) == sizeof(struct in_addr)) {
		if (lac_is_ipv6(lac))
			goto family;
		ip->ip4 = nla_get_in_addr(dst);
		unicast = ip->ip4 && !ipv4_is_multicast(ip->ip4) &&
			  !ipv4_is_lbcast(ip->ip4);
	} else if (nla_len(dst) == sizeof(struct in6_addr)) {
		if (!lac_is_ipv6(lac))
			goto family;
		ip->ip6 = nla_get_in6_addr(dst);
		unicast = !ipv6_addr_any(&ip->ip6) &&
			  !ipv6_addr_is_multicast(&ip->ip6);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, dst,
				    "Destination address has a wrong length");
		return -EINVAL;
	}

	if (!unicast) {
		NL_SET_ERR_MSG_ATTR(extack, dst,
				    "Destination must be a unicast address");
		return -EINVAL;
	}
	return 0;

family:
	NL_SET_ERR_MSG_ATTR(extack, dst,
			    "Destination address family differs from the LAC's");
	return -EAFNOSUPPORT;
}

/* NDA_DST (required) and NDA_PORT (default: the group port). */
static int lac_fdb_nl2remote(const struct lac_dev *lac, struct nlattr *tb[],
			     struct lac_remote *remote,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *port = tb[NDA_PORT];
	int err;

	if (!tb[NDA_DST]) {
		NL_SET_ERR_MSG(extack, "Missing dst: the endpoint's IP address");
		return -EINVAL;
	}
	err = lac_fdb_nl2ip(lac, tb[NDA_DST], &remote->ip, extack);
	if (err)
		return err;

	remote->port = lac->cfg.port;
	if (port) {
		if (nla_len(port) != sizeof(__be16)) {
			NL_SET_ERR_MSG_ATTR(extack, port,
					    "Port has a wrong length");
			return -EINVAL;
		}
		remote->port = nla_get_be16(port);
		if (!remote->port) {
			NL_SET_ERR_MSG_ATTR(extack, port,
					    "Port must not be 0");
			return -EINVAL;
		}
	}
	return 0;
}

/* permanent and static entries are static; dynamic ones act as learned. */
static u8 lac_fdb_nl2state(u16 ndm_state)
{
	if (ndm_state & NUD_PERMANENT)
		return NUD_PERMANENT;
	if (ndm_state & NUD_NOARP)
		return NUD_NOARP;
	return NUD_REACHABLE;
}

int lac_ndo_fdb_add(struct ndmsg *ndm, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr, u16 vid,
		    u16 flags, struct netlink_ext_ack *extack)
{
	struct lac_dev *lac = netdev_priv(dev);
	struct lac_remote remote;
	int err;

	err = lac_fdb_nl_check(tb, vid, extack);
	if (err)
		return err;

	/* An entry sends the host's UDP to any address: see changelink. */
	if (!lac_may_change_underlay(lac, extack))
		return -EPERM;

	if (!(ndm->ndm_state & (LAC_FDB_STATIC | NUD_REACHABLE))) {
		NL_SET_ERR_MSG(extack,
			       "State must be permanent, static or dynamic");
		return -EINVAL;
	}

	err = lac_fdb_nl2remote(lac, tb, &remote, extack);
	if (err)
		return err;

	if (is_zero_ether_addr(addr))
		return lac_flood_target_add(lac, &remote, flags, extack);

	if (!is_valid_ether_addr(addr)) {
		NL_SET_ERR_MSG(extack,
			       "A multicast or broadcast MAC cannot have an entry; 00:00:00:00:00:00 is the flood list");
		return -EINVAL;
	}
	return lac_fdb_set(lac, addr, &remote, lac_fdb_nl2state(ndm->ndm_state),
			   flags, extack);
}

int lac_ndo_fdb_del(struct ndmsg *ndm, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr, u16 vid,
		    struct netlink_ext_ack *extack)
{
	struct lac_dev *lac = netdev_priv(dev);
	struct lac_remote remote;
	int err;

	err = lac_fdb_nl_check(tb, vid, extack);
	if (err)
		return err;

	if (is_zero_ether_addr(addr)) {
		err = lac_fdb_nl2remote(lac, tb, &remote, extack);
		if (err)
			return err;
		err = lac_flood_target_del(lac, &remote);
		if (err)
			NL_SET_ERR_MSG(extack,
				       "The flood list has no such destination");
		return err;
	}

	err = lac_fdb_delete(lac, addr);
	if (err)
		NL_SET_ERR_MSG(extack, "The MAC has no entry");
	return err;
}

int lac_ndo_fdb_get(struct sk_buff *skb, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr, u16 vid,
		    u32 portid, u32 seq, struct netlink_ext_ack *extack)
{
	struct lac_dev *lac = netdev_priv(dev);
	struct lac_fdb *f;
	int err;

	if (vid) {
		NL_SET_ERR_MSG(extack, "lac devices have no VLANs");
		return -EINVAL;
	}

	rcu_read_lock();
	f = lac_fdb_find(lac, addr);
	if (f) {
		err = lac_fdb_fill(skb, lac, f->mac, &f->peer->remote, f->state, f,
				   portid, seq, RTM_NEWNEIGH, 0);
	} else {
		NL_SET_ERR_MSG(extack, "The MAC has no entry");
		err = -ENOENT;
	}
	rcu_read_unlock();
	return err;
}

struct lac_fdb_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	int *idx;
};

/* *idx counts entries across calls of the dump; lac_fdb_dump_start() resumes. */
static int lac_fdb_dump_entry(struct lac_fdb_dump_ctx *ctx,
			      const struct lac_dev *lac, const u8 *mac,
			      const struct lac_remote *remote, u8 state,
			      const struct lac_fdb *f)
{
	struct netlink_callback *cb = ctx->cb;
	int err = 0;

	if (*ctx->idx >= lac_fdb_dump_start(cb))
		err = lac_fdb_fill(ctx->skb, lac, mac, remote, state, f,
				   NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, RTM_NEWNEIGH,
				   NLM_F_MULTI);
	if (!err)
		*ctx->idx += 1;
	return err;
}

static int lac_fdb_dump_one(struct lac_dev *lac, struct lac_fdb *f, void *arg)
{
	return lac_fdb_dump_entry(arg, lac, f->mac, &f->peer->remote, f->state, f);
}

int lac_ndo_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb,
		     struct net_device *dev, struct net_device *filter_dev,
		     int *idx)
{
	struct lac_fdb_dump_ctx ctx = { .skb = skb, .cb = cb, .idx = idx };
	struct lac_dev *lac = netdev_priv(dev);
	struct lac_flood_target *t;
	int err;

	err = lac_fdb_walk(lac, lac_fdb_dump_one, &ctx);
	if (err)
		return err;

	mutex_lock(&lac->flood_lock);
	list_for_each_entry(t, &lac->flood_targets, list) {
		err = lac_fdb_dump_entry(&ctx, lac, lac_flood_mac, &t->remote,
					 NUD_PERMANENT, NULL);
		if (err)
			break;
	}
	mutex_unlock(&lac->flood_lock);
	return err;
}

struct rtnl_link_ops lac_link_ops __read_mostly = {
	.kind		= "lac",
	.maxtype	= IFLA_LAC_MAX,
	.policy		= lac_policy,
	.priv_size	= sizeof(struct lac_dev),
	.setup		= lac_setup,
	.validate	= lac_validate,
	.newlink	= lac_newlink_compat,
	.changelink	= lac_changelink,
	.dellink	= lac_dellink,
	.get_size	= lac_get_size,
	.fill_info	= lac_fill_info,
	.get_link_net	= lac_get_link_net,
};
