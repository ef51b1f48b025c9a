// SPDX-License-Identifier: GPL-2.0
/*
 * lac rtnl_link_ops: "ip link add NAME type lac ...".
 */

#include <linux/etherdevice.h>
#include <linux/if_lac.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "lac.h"

static const struct nla_policy lac_policy[IFLA_LAC_MAX + 1] = {
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

static void lac_config_defaults(struct lac_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_INET;
	cfg->group.ip4 = htonl(LAC_DEFAULT_GROUP);
	cfg->port = htons(LAC_DEFAULT_PORT);
	cfg->vni = LAC_DEFAULT_VNI;
	cfg->ttl = LAC_DEFAULT_TTL;
	cfg->ageing = LAC_DEFAULT_AGEING;
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
	return 0;
}

static int lac_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct lac_net *ln = net_generic(src_net, lac_net_id);
	struct lac_dev *lac = netdev_priv(dev);
	int err;

	lac_config_defaults(&lac->cfg);
	err = lac_nl2conf(src_net, data, &lac->cfg, true, extack);
	if (err)
		return err;

	err = lac_configure(lac, src_net, tb[IFLA_MTU], extack);
	if (err)
		return err;

	if (tb[IFLA_ADDRESS])
		eth_hw_addr_set(dev, nla_data(tb[IFLA_ADDRESS]));

	err = register_netdevice(dev);
	if (err)
		return err;

	lac_update_carrier(lac);
	list_add(&lac->next, &ln->devices);
	return 0;
}

static int lac_changelink(struct net_device *dev, struct nlattr *tb[],
			  struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct lac_dev *lac = netdev_priv(dev);
	struct lac_config cfg = lac->cfg;
	int err;

	if (!data)
		return 0;

	if ((dev->flags & IFF_UP) && lac_has_socket_attrs(data)) {
		NL_SET_ERR_MSG(extack,
			       "Group, port, VNI, dev and local can only change while the device is down");
		return -EBUSY;
	}

	err = lac_nl2conf(lac->net, data, &cfg, false, extack);
	if (err)
		return err;

	/* Up, only these can change: tx and ageing read them locklessly. */
	if (dev->flags & IFF_UP) {
		WRITE_ONCE(lac->cfg.ttl, cfg.ttl);
		WRITE_ONCE(lac->cfg.ageing, cfg.ageing);
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
	       nla_total_size(sizeof(__be16));		/* LOCAL_PORT */
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

static int lac_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct lac_dev *lac = netdev_priv(dev);
	const struct lac_config *cfg = &lac->cfg;

	if (lac_fill_addrs(skb, lac) ||
	    nla_put_u32(skb, IFLA_LAC_VNI, cfg->vni) ||
	    nla_put_be16(skb, IFLA_LAC_PORT, cfg->port) ||
	    nla_put_u8(skb, IFLA_LAC_TTL, cfg->ttl) ||
	    nla_put_u32(skb, IFLA_LAC_AGEING, cfg->ageing) ||
	    nla_put_be16(skb, IFLA_LAC_LOCAL_PORT, READ_ONCE(lac->local_port)))
		return -EMSGSIZE;

	if (cfg->link && nla_put_u32(skb, IFLA_LAC_LINK, cfg->link))
		return -EMSGSIZE;
	return 0;
}

static struct net *lac_get_link_net(const struct net_device *dev)
{
	const struct lac_dev *lac = netdev_priv(dev);

	return lac->net;
}

struct rtnl_link_ops lac_link_ops __read_mostly = {
	.kind		= "lac",
	.maxtype	= IFLA_LAC_MAX,
	.policy		= lac_policy,
	.priv_size	= sizeof(struct lac_dev),
	.setup		= lac_setup,
	.validate	= lac_validate,
	.newlink	= lac_newlink,
	.changelink	= lac_changelink,
	.dellink	= lac_dellink,
	.get_size	= lac_get_size,
	.fill_info	= lac_fill_info,
	.get_link_net	= lac_get_link_net,
};
