/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local Area Cloud (lac): a virtual Ethernet spanning every host of a LAN,
 * carried in UDP to an IP multicast group, wire compatible with VXVDE.
 */
#ifndef _LAC_H
#define _LAC_H

#include <linux/hashtable.h>
#include <linux/if_ether.h>
#include <linux/if_lac.h>
#include <linux/in.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/ratelimit.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/neighbour.h>
#include <net/ipv6.h>
#include <net/udp.h>

/*
 * On the wire, after the UDP header: the VXLAN "I" flag and nothing else in
 * the first word, the VNI in the top 24 bits of the second.  VXVDE compares
 * all eight bytes, so lac sends and accepts exactly this and nothing else.
 */
struct lachdr {
	__be32 flags;
	__be32 vni;
};

#define LAC_HF_VNI	cpu_to_be32(0x08000000)
#define LAC_HLEN	(sizeof(struct udphdr) + sizeof(struct lachdr))

/*
 * A sealed datagram (a LAC with an AEAD cipher): the I flag, then 'L' where
 * VXLAN has reserved bits, a zero byte and the key id; the VNI word; the
 * sender's clock; the 96-bit nonce.  VXVDE (which compares all eight bytes)
 * and vxlan (which refuses reserved flags) both ignore it.  Ciphertext and
 * tag follow.  The whole header is the AEAD's associated data.
 */
#define LAC_SALT_LEN	8
#define LAC_NONCE_LEN	(LAC_SALT_LEN + sizeof(__be32))
#define LAC_TAG_LEN	16

struct lac_sealhdr {
	__be32 flags;
	__be32 vni;
	__be32 time;		/* seconds: refuses old captures, see lac_crypto.c */
	u8 salt[LAC_SALT_LEN];	/* the nonce: the sender's epoch ... */
	__be32 seq;		/* ... and its count in it */
};

#define LAC_HF_SEALED		cpu_to_be32(0x084c0000)
#define LAC_HF_SEALED_MASK	cpu_to_be32(0xffffff00)
#define LAC_SEAL_HLEN		(sizeof(struct udphdr) + sizeof(struct lac_sealhdr))
/* Outer IP + UDP + lac + inner Ethernet header. */
#define LAC_HEADROOM4	(sizeof(struct iphdr) + LAC_HLEN + ETH_HLEN)
#define LAC_HEADROOM6	(sizeof(struct ipv6hdr) + LAC_HLEN + ETH_HLEN)
/* Head-end replication targets per device. */
#define LAC_FLOOD_TARGETS_MAX	256
/* Leave messages waiting for the FDB walk beyond this are ignored. */
#define LAC_FORGET_MAX	16
/* Frames waiting for the group beyond this are dropped. */
#define LAC_FLOOD_QLEN	1024
/* Buckets of the peer table: a LAN has tens of hosts, not thousands. */
#define LAC_PEER_HASH_BITS	6

/* An IPv4 address is ip4 followed by zeroes, so either compares as ip6. */
union lac_addr {
	__be32 ip4;
	struct in6_addr ip6;
};

/* An endpoint on the underlay: where frames for a MAC are sent. */
struct lac_remote {
	union lac_addr ip;
	__be16 port;
};

static inline bool lac_remote_equal(const struct lac_remote *a,
				    const struct lac_remote *b)
{
	return ipv6_addr_equal(&a->ip.ip6, &b->ip.ip6) && a->port == b->port;
}

struct lac_config {
	sa_family_t family;	/* of the underlay: AF_INET or AF_INET6 */
	union lac_addr group;
	union lac_addr local;	/* all zero: chosen by routing */
	__be16 port;		/* UDP port of the group */
	u32 vni;
	int link;		/* underlay ifindex, 0: any */
	u8 ttl;
	u32 ageing;		/* seconds, 0: learned entries never expire */
	bool learning;
	bool nogroup;		/* flood to the flood list only */
	u32 maxaddr;		/* cap on learned entries, 0: none */
	u8 cipher;		/* enum lac_cipher, fixed at creation */
};

/* A head-end replication target: the 00:00:00:00:00:00 entries. */
struct lac_flood_target {
	struct list_head list;
	struct lac_remote remote;
};

/*
 * Datagrams that are not delivered, and why, for ethtool -S.  With the
 * device's rx_packets and rx_errors they account for every datagram that
 * reaches a lac socket.
 */
enum lac_stat {
	LAC_STAT_RX_STATIC_CONFLICT,	/* static MAC from elsewhere: dropped */
	LAC_STAT_RX_LEARN_LIMIT,	/* new MAC beyond maxaddress: not learned */
	LAC_STAT_RX_OTHER_VNI,		/* another LAC on the group: ignored */
	LAC_STAT_RX_LEAVE,		/* leave messages */
	LAC_STAT_RX_ECHO,		/* our own datagrams, looped back */
	LAC_STAT_RX_OWN_MAC,		/* our MAC from elsewhere: dropped */
	LAC_STAT_RX_BAD_SOURCE,		/* multicast or zero source MAC: dropped */
	LAC_STAT_RX_UNSEALED,		/* plain datagram to a LAC with a cipher */
	LAC_STAT_RX_SEALED,		/* sealed datagram to a plain LAC: ignored */
	LAC_STAT_RX_UNKNOWN_KEY,	/* sealed with a key id we do not hold */
	LAC_STAT_RX_STALE,		/* the sender's clock is out of our window */
	LAC_STAT_RX_AUTH_FAIL,		/* did not authenticate (agno: bad tag) */
	LAC_STAT_RX_REPLAY,		/* seen before, or older than the window */
	LAC_STAT_RX_SENDER_LIMIT,	/* a new sender beyond LAC_SENDERS_MAX */
	LAC_STAT_MAX,
};

struct lac_pcpu_stats {
	u64_stats_t cnt[LAC_STAT_MAX];
	struct u64_stats_sync syncp;
};

/* Keys a LAC holds: the one it seals with, and one more during rotation. */
#define LAC_KEYS		2
/* Replay state of senders we hear (see lac_crypto.c). */
#define LAC_SENDER_HASH_BITS	6
#define LAC_SENDERS_MAX		1024

struct lac_key {
	u8 id;
	struct crypto_aead *aead;		/* AEAD ciphers */
	struct crypto_sync_skcipher *cbc;	/* agno: the payload */
	struct crypto_sync_skcipher *ecb;	/* agno: its header block */
};

/* What tx seals with: a key, and for AEADs a nonce space (an epoch). */
struct lac_epoch {
	struct lac_key *key;
	u8 salt[LAC_SALT_LEN];
	atomic64_t seq;			/* the next nonce's count */
	struct rcu_head rcu;
};

struct lac_crypto {
	struct mutex lock;		/* changes of keys[], txkey and tx */
	struct lac_key __rcu *keys[LAC_KEYS];
	u8 txkey;			/* id of the key tx uses */
	struct lac_epoch __rcu *tx;	/* NULL while the device is down */
	spinlock_t senders_lock;	/* senders, n_senders */
	DECLARE_HASHTABLE(senders, LAC_SENDER_HASH_BITS);
	unsigned int n_senders;
	struct delayed_work work;	/* forgets idle senders; renews a used-up epoch */
};

/* Per network namespace: the lac devices whose sockets live there. */
struct lac_net {
	struct list_head devices;
};

struct lac_dev {
	struct net_device *dev;
	struct net *net;		/* where the sockets are (link netns) */
	struct list_head next;		/* in lac_net->devices, under RTNL */
	struct lac_config cfg;
	struct lachdr hdr;		/* sent, and the only one accepted */

	struct socket __rcu *usock;	/* own unicast port: tx and rx */
	struct socket *gsock;		/* group:port, shared; rx only */
	int mc_ifindex;			/* where gsock joined the group */
	__be16 local_port;		/* port of usock, 0 while down */

	struct gro_cells gro_cells;

	/* Frames for the group, sent from process context (see lac_main.c). */
	struct sk_buff_head flood_queue;
	struct work_struct flood_work;

	struct rhashtable fdb;
	spinlock_t fdb_lock;		/* FDB changes, forget[] */
	struct delayed_work ageing_work;
	/* Leave messages seen in softirq, for forget_work to act on. */
	struct lac_remote forget[LAC_FORGET_MAX];
	unsigned int n_forget;
	struct work_struct forget_work;
	atomic_t n_learned;		/* for maxaddress */
	DECLARE_HASHTABLE(peers, LAC_PEER_HASH_BITS);	/* under fdb_lock */
	struct ratelimit_state notify_rs; /* learning events */

	struct lac_crypto crypto;

	struct mutex flood_lock;	/* flood_targets */
	struct list_head flood_targets;
	unsigned int n_flood_targets;

	struct lac_pcpu_stats __percpu *stats;
};

extern unsigned int lac_net_id;

static inline bool lac_is_ipv6(const struct lac_dev *lac)
{
	return IS_ENABLED(CONFIG_IPV6) && lac->cfg.family == AF_INET6;
}

static inline bool lac_is_sealed(const struct lac_dev *lac)
{
	return lac->cfg.cipher != LAC_CIPHER_NONE;
}

/* agno:// keeps VXVDE's header: only AEAD datagrams carry a seal header. */
static inline bool lac_is_aead(const struct lac_dev *lac)
{
	return lac_is_sealed(lac) && lac->cfg.cipher != LAC_CIPHER_AGNO;
}

static inline bool lac_addr_any(const union lac_addr *addr)
{
	return ipv6_addr_any(&addr->ip6);
}

/* Called from softirq or with BH disabled, like the rest of rx. */
static inline void lac_stat_inc(struct lac_dev *lac, enum lac_stat stat)
{
	struct lac_pcpu_stats *st = get_cpu_ptr(lac->stats);

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->cnt[stat]);
	u64_stats_update_end(&st->syncp);
	put_cpu_ptr(lac->stats);
}

/* lac_main.c */
void lac_setup(struct net_device *dev);
void lac_set_header(struct lac_dev *lac);
void lac_update_carrier(struct lac_dev *lac);
int lac_configure(struct lac_dev *lac, struct net *net, bool mtu_given,
		  struct netlink_ext_ack *extack);
int lac_udp_encap_recv(struct sock *sk, struct sk_buff *skb);
struct sk_buff *lac_gro_receive(struct sock *sk, struct list_head *head,
				struct sk_buff *skb);
int lac_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);

/* lac_crypto.c */
struct lac_keyops {
	/* What netlink asks for; -1: nothing. */
	int add_id;			/* a key to add or replace ... */
	const u8 *key;			/* ... these bytes */
	unsigned int keylen;
	int txkey;			/* the key to seal with */
	int del_id;			/* a key to remove */
	/* What lac_crypto_prepare() made ready for lac_crypto_commit(). */
	struct lac_key *add;		/* a key to install, in slot add_slot */
	int add_slot;
	int del_slot;			/* a slot to empty, or -1 */
	struct lac_epoch *epoch;	/* for tx, when it changes while up */
};

void lac_crypto_setup(struct lac_dev *lac);
void lac_crypto_destroy(struct lac_dev *lac);
unsigned int lac_crypto_overhead(u8 cipher);
int lac_crypto_prepare(struct lac_dev *lac, struct lac_keyops *ops, bool create,
		       struct netlink_ext_ack *extack);
void lac_crypto_commit(struct lac_dev *lac, struct lac_keyops *ops);
void lac_crypto_abort(struct lac_keyops *ops);
int lac_crypto_rxkey(struct lac_dev *lac);
int lac_crypto_start(struct lac_dev *lac);
void lac_crypto_stop(struct lac_dev *lac);
int lac_seal(struct lac_dev *lac, struct sk_buff *skb, unsigned int room);
int lac_unseal(struct lac_dev *lac, struct sk_buff *skb, unsigned int *hlen,
	       enum lac_stat *why);

/* lac_sock.c */
int lac_socks_open(struct lac_dev *lac);
void lac_socks_release(struct lac_dev *lac);
int lac_sock_apply_ttl(struct lac_dev *lac);
void lac_sock_rejoin(struct lac_dev *lac);
int lac_send_to(struct lac_dev *lac, struct socket *sock,
		const struct lac_remote *dst, void *frame, size_t len);

/*
 * An endpoint FDB entries point to.  The many MACs behind one host share
 * it, and with it the route to that host, in dst_cache.  See lac_fdb.c.
 */
struct lac_peer {
	struct hlist_node hnode;	/* in lac->peers */
	struct lac_remote remote;
	unsigned int refs;		/* entries using it, under fdb_lock */
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

/* An FDB entry.  Its MAC, peer and state never change: see lac_fdb.c. */
struct lac_fdb {
	struct rhash_head node;
	u8 mac[ETH_ALEN];
	u8 state;		/* NUD_REACHABLE: learned; NUD_NOARP, NUD_PERMANENT: static */
	struct lac_peer *peer;
	unsigned long updated;	/* jiffies of the last frame from mac */
	unsigned long used;	/* jiffies of the last frame sent to mac */
	struct rcu_head rcu;
};

#define LAC_FDB_STATIC	(NUD_NOARP | NUD_PERMANENT)

/* The MAC of flood targets in the bridge fdb interface. */
extern const u8 lac_flood_mac[ETH_ALEN];

static inline bool lac_fdb_is_static(const struct lac_fdb *f)
{
	return f->state & LAC_FDB_STATIC;
}

/* lac_fdb.c */

int lac_fdb_cache_create(void);
void lac_fdb_cache_destroy(void);
int lac_fdb_init(struct lac_dev *lac);
void lac_fdb_destroy(struct lac_dev *lac);
struct lac_peer *lac_fdb_lookup_peer(struct lac_dev *lac, const u8 *mac);
bool lac_fdb_learn(struct lac_dev *lac, const u8 *mac,
		   const struct lac_remote *from);
void lac_fdb_forget_remote(struct lac_dev *lac, const struct lac_remote *from);
void lac_fdb_flush(struct lac_dev *lac);
void lac_fdb_start(struct lac_dev *lac);
void lac_fdb_ageing_changed(struct lac_dev *lac);
void lac_fdb_stop(struct lac_dev *lac);
int lac_fdb_set(struct lac_dev *lac, const u8 *mac,
		const struct lac_remote *remote, u8 state, u16 nlflags,
		struct netlink_ext_ack *extack);
int lac_fdb_delete(struct lac_dev *lac, const u8 *mac);
struct lac_fdb *lac_fdb_find(struct lac_dev *lac, const u8 *mac);
int lac_fdb_walk(struct lac_dev *lac,
		 int (*fn)(struct lac_dev *lac, struct lac_fdb *f, void *arg),
		 void *arg);
int lac_flood_target_add(struct lac_dev *lac, const struct lac_remote *remote,
			 u16 nlflags, struct netlink_ext_ack *extack);
int lac_flood_target_del(struct lac_dev *lac, const struct lac_remote *remote);

/* lac_netlink.c */
extern struct rtnl_link_ops lac_link_ops;
void lac_fdb_notify(struct lac_dev *lac, const u8 *mac,
		    const struct lac_remote *remote, u8 state, int type);
int lac_ndo_fdb_add(struct ndmsg *ndm, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr, u16 vid,
		    u16 flags, struct netlink_ext_ack *extack);
int lac_ndo_fdb_del(struct ndmsg *ndm, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr, u16 vid,
		    struct netlink_ext_ack *extack);
int lac_ndo_fdb_get(struct sk_buff *skb, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr, u16 vid,
		    u32 portid, u32 seq, struct netlink_ext_ack *extack);
int lac_ndo_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb,
		     struct net_device *dev, struct net_device *filter_dev,
		     int *idx);

#endif /* _LAC_H */
