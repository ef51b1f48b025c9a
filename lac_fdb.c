// SPDX-License-Identifier: GPL-2.0
/*
 * lac forwarding database: inner source MAC -> outer source IP and UDP port.
 *
 * Lookups (rx learning, tx) are lockless under RCU.  An entry's remote never
 * changes in place: a moved MAC gets a new entry that replaces the old one,
 * so a reader always sees a consistent IP and port.  Changes to the table
 * are serialised by fdb_lock, which rx takes only on a miss or a move.
 */

#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/neighbour.h>
#include <net/rtnetlink.h>

#include "lac.h"

struct lac_fdb {
	struct rhash_head node;
	u8 mac[ETH_ALEN];
	struct lac_remote remote;
	unsigned long updated;		/* jiffies of the last frame from mac */
	unsigned long used;		/* jiffies of the last frame sent to mac */
	struct rcu_head rcu;
};

static const struct rhashtable_params lac_fdb_params = {
	.head_offset = offsetof(struct lac_fdb, node),
	.key_offset = offsetof(struct lac_fdb, mac),
	.key_len = ETH_ALEN,
	.automatic_shrinking = true,
};

/* The ageing scan runs twice per ageing period, but at least every 10 s. */
#define LAC_AGEING_SCAN_MAX	(10 * HZ)

static bool lac_fdb_expired(const struct lac_dev *lac, const struct lac_fdb *f)
{
	u32 ageing = READ_ONCE(lac->cfg.ageing);

	return ageing &&
	       time_after(jiffies, READ_ONCE(f->updated) + ageing * HZ);
}

/* At most one store per jiffy, so busy entries do not bounce cache lines. */
static void lac_fdb_touch(unsigned long *stamp)
{
	unsigned long now = jiffies;

	if (READ_ONCE(*stamp) != now)
		WRITE_ONCE(*stamp, now);
}

static void lac_fdb_ageing(struct work_struct *work);
static void lac_fdb_forget_work(struct work_struct *work);

int lac_fdb_init(struct lac_dev *lac)
{
	spin_lock_init(&lac->fdb_lock);
	INIT_DELAYED_WORK(&lac->ageing_work, lac_fdb_ageing);
	INIT_WORK(&lac->forget_work, lac_fdb_forget_work);
	return rhashtable_init(&lac->fdb, &lac_fdb_params);
}

static void lac_fdb_free_one(void *ptr, void *arg)
{
	kfree(ptr);
}

/* Called once no reader can be left: the device is unregistered. */
void lac_fdb_destroy(struct lac_dev *lac)
{
	rhashtable_free_and_destroy(&lac->fdb, lac_fdb_free_one, NULL);
}

/* Caller holds rcu_read_lock(). */
bool lac_fdb_lookup_remote(struct lac_dev *lac, const u8 *mac,
			   struct lac_remote *remote)
{
	struct lac_fdb *f;

	f = rhashtable_lookup(&lac->fdb, mac, lac_fdb_params);
	if (!f || lac_fdb_expired(lac, f))
		return false;

	lac_fdb_touch(&f->used);
	*remote = f->remote;
	return true;
}

static struct lac_fdb *lac_fdb_alloc(const u8 *mac,
				     const struct lac_remote *remote)
{
	struct lac_fdb *f;

	f = kmalloc(sizeof(*f), GFP_ATOMIC);
	if (!f)
		return NULL;

	ether_addr_copy(f->mac, mac);
	f->remote = *remote;
	f->updated = jiffies;
	f->used = f->updated;
	return f;
}

/* Slow path of learning: a new MAC, or one that moved. */
static void lac_fdb_update(struct lac_dev *lac, const u8 *mac,
			   const struct lac_remote *from)
{
	struct lac_fdb *f, *old;
	int err;

	spin_lock_bh(&lac->fdb_lock);

	/* Another CPU may have learned the same frame source meanwhile. */
	old = rhashtable_lookup_fast(&lac->fdb, mac, lac_fdb_params);
	if (old && lac_remote_equal(&old->remote, from)) {
		lac_fdb_touch(&old->updated);
		goto out;
	}

	f = lac_fdb_alloc(mac, from);
	if (!f)
		goto out;

	if (old) {
		err = rhashtable_replace_fast(&lac->fdb, &old->node, &f->node,
					      lac_fdb_params);
		if (!err)
			kfree_rcu(old, rcu);
	} else {
		err = rhashtable_insert_fast(&lac->fdb, &f->node,
					     lac_fdb_params);
	}
	if (err) {
		kfree(f);
		net_dbg_ratelimited("%s: cannot learn %pM: %d\n",
				    lac->dev->name, mac, err);
	}
out:
	spin_unlock_bh(&lac->fdb_lock);
}

/* Rx path, under RCU: mac was last seen behind from. */
void lac_fdb_learn(struct lac_dev *lac, const u8 *mac,
		   const struct lac_remote *from)
{
	struct lac_fdb *f;

	f = rhashtable_lookup(&lac->fdb, mac, lac_fdb_params);
	if (likely(f && lac_remote_equal(&f->remote, from))) {
		lac_fdb_touch(&f->updated);
		return;
	}

	lac_fdb_update(lac, mac, from);
}

static void lac_fdb_remove(struct lac_dev *lac, struct lac_fdb *f)
{
	spin_lock_bh(&lac->fdb_lock);
	/* Fails harmlessly if a move replaced f since the caller saw it. */
	if (!rhashtable_remove_fast(&lac->fdb, &f->node, lac_fdb_params))
		kfree_rcu(f, rcu);
	spin_unlock_bh(&lac->fdb_lock);
}

/*
 * Call fn() on every entry until it returns non-zero, under RCU only: the
 * walk does not hold fdb_lock, so a large table never blocks rx learning.
 * Process context: the table's walker lock is not BH safe.
 */
static int lac_fdb_walk(struct lac_dev *lac,
			int (*fn)(struct lac_dev *lac, struct lac_fdb *f,
				  void *arg),
			void *arg)
{
	struct rhashtable_iter iter;
	struct lac_fdb *f;
	int err = 0;

	rhashtable_walk_enter(&lac->fdb, &iter);
	rhashtable_walk_start(&iter);
	while ((f = rhashtable_walk_next(&iter))) {
		if (IS_ERR(f)) {
			if (PTR_ERR(f) == -EAGAIN)
				continue;
			break;
		}
		err = fn(lac, f, arg);
		if (err)
			break;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return err;
}

struct lac_fdb_filter {
	bool (*match)(const struct lac_dev *lac, const struct lac_fdb *f,
		      const void *arg);
	const void *arg;
};

static int lac_fdb_remove_matching(struct lac_dev *lac, struct lac_fdb *f,
				   void *arg)
{
	const struct lac_fdb_filter *filter = arg;

	if (filter->match(lac, f, filter->arg))
		lac_fdb_remove(lac, f);
	return 0;
}

/* Remove the entries for which match() is true. */
static void lac_fdb_remove_if(struct lac_dev *lac,
			      bool (*match)(const struct lac_dev *lac,
					    const struct lac_fdb *f,
					    const void *arg),
			      const void *arg)
{
	struct lac_fdb_filter filter = { .match = match, .arg = arg };

	lac_fdb_walk(lac, lac_fdb_remove_matching, &filter);
}

struct lac_forget_batch {
	const struct lac_remote *remotes;
	unsigned int n;
};

static bool lac_fdb_match_batch(const struct lac_dev *lac,
				const struct lac_fdb *f, const void *arg)
{
	const struct lac_forget_batch *batch = arg;
	unsigned int i;

	for (i = 0; i < batch->n; i++)
		if (lac_remote_equal(&f->remote, &batch->remotes[i]))
			return true;
	return false;
}

/*
 * A leave message: the endpoint is gone, and so are its MACs.  Called in
 * softirq, where the table cannot be walked (the walker lock is not BH
 * safe), so the work is queued; one walk serves every queued leave.
 */
void lac_fdb_forget_remote(struct lac_dev *lac, const struct lac_remote *from)
{
	bool queued = false;

	spin_lock_bh(&lac->fdb_lock);
	if (lac->n_forget < LAC_FORGET_MAX) {
		lac->forget[lac->n_forget++] = *from;
		queued = true;
	}
	spin_unlock_bh(&lac->fdb_lock);

	if (queued)
		schedule_work(&lac->forget_work);
	else
		net_dbg_ratelimited("%s: leave ignored: too many pending\n",
				    lac->dev->name);
}

static void lac_fdb_forget_work(struct work_struct *work)
{
	struct lac_dev *lac = container_of(work, struct lac_dev, forget_work);
	struct lac_remote remotes[LAC_FORGET_MAX];
	struct lac_forget_batch batch = { .remotes = remotes };

	spin_lock_bh(&lac->fdb_lock);
	batch.n = lac->n_forget;
	memcpy(remotes, lac->forget, batch.n * sizeof(remotes[0]));
	lac->n_forget = 0;
	spin_unlock_bh(&lac->fdb_lock);

	if (batch.n)
		lac_fdb_remove_if(lac, lac_fdb_match_batch, &batch);
}

static bool lac_fdb_match_any(const struct lac_dev *lac,
			      const struct lac_fdb *f, const void *arg)
{
	return true;
}

static bool lac_fdb_match_expired(const struct lac_dev *lac,
				  const struct lac_fdb *f, const void *arg)
{
	return lac_fdb_expired(lac, f);
}

static unsigned long lac_fdb_ageing_interval(const struct lac_dev *lac)
{
	unsigned long half = READ_ONCE(lac->cfg.ageing) * HZ / 2;

	return clamp_t(unsigned long, half, HZ / 2, LAC_AGEING_SCAN_MAX);
}

static void lac_fdb_ageing(struct work_struct *work)
{
	struct lac_dev *lac = container_of(to_delayed_work(work),
					   struct lac_dev, ageing_work);

	if (READ_ONCE(lac->cfg.ageing))
		lac_fdb_remove_if(lac, lac_fdb_match_expired, NULL);

	queue_delayed_work(system_power_efficient_wq, &lac->ageing_work,
			   lac_fdb_ageing_interval(lac));
}

void lac_fdb_start(struct lac_dev *lac)
{
	queue_delayed_work(system_power_efficient_wq, &lac->ageing_work,
			   lac_fdb_ageing_interval(lac));
}

/*
 * The device is going down and its sockets are closed: nothing learns or
 * leaves any more.  Learned entries go, as they may be stale when it is
 * back up.
 */
void lac_fdb_stop(struct lac_dev *lac)
{
	cancel_delayed_work_sync(&lac->ageing_work);
	cancel_work_sync(&lac->forget_work);
	lac->n_forget = 0;
	lac_fdb_remove_if(lac, lac_fdb_match_any, NULL);
}

static int lac_fdb_fill(struct sk_buff *skb, const struct lac_dev *lac,
			const struct lac_fdb *f, u32 portid, u32 seq,
			int type, unsigned int flags)
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
	ndm->ndm_state = NUD_REACHABLE;
	ndm->ndm_flags = NTF_SELF;
	ndm->ndm_ifindex = lac->dev->ifindex;
	ndm->ndm_type = RTN_UNICAST;

	if (!net_eq(dev_net(lac->dev), lac->net) &&
	    nla_put_s32(skb, NDA_LINK_NETNSID,
			peernet2id(dev_net(lac->dev), lac->net)))
		goto nla_put_failure;

	if (nla_put(skb, NDA_LLADDR, ETH_ALEN, f->mac))
		goto nla_put_failure;
	if (lac_is_ipv6(lac) ?
	    nla_put_in6_addr(skb, NDA_DST, &f->remote.ip.ip6) :
	    nla_put_in_addr(skb, NDA_DST, f->remote.ip.ip4))
		goto nla_put_failure;

	/* Like vxlan: the port only when it is not the group port. */
	if (f->remote.port != lac->cfg.port &&
	    nla_put_be16(skb, NDA_PORT, f->remote.port))
		goto nla_put_failure;

	ci.ndm_used = jiffies_to_clock_t(now - READ_ONCE(f->used));
	ci.ndm_confirmed = 0;
	ci.ndm_updated = jiffies_to_clock_t(now - READ_ONCE(f->updated));
	ci.ndm_refcnt = 0;
	if (nla_put(skb, NDA_CACHEINFO, sizeof(ci), &ci))
		goto nla_put_failure;

	nlmsg_end(skb, nlh);
	return 0;

nla_put_failure:
	nlmsg_cancel(skb, nlh);
	return -EMSGSIZE;
}

struct lac_fdb_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	int *idx;
};

static int lac_fdb_dump_one(struct lac_dev *lac, struct lac_fdb *f, void *arg)
{
	struct lac_fdb_dump_ctx *ctx = arg;
	struct netlink_callback *cb = ctx->cb;
	int err = 0;

	if (*ctx->idx >= cb->args[2])
		err = lac_fdb_fill(ctx->skb, lac, f,
				   NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, RTM_NEWNEIGH,
				   NLM_F_MULTI);
	if (!err)
		*ctx->idx += 1;
	return err;
}

/* ndo_fdb_dump; *idx counts entries across calls, cb->args[2] resumes. */
int lac_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb,
		 struct net_device *dev, struct net_device *filter_dev,
		 int *idx)
{
	struct lac_fdb_dump_ctx ctx = { .skb = skb, .cb = cb, .idx = idx };

	return lac_fdb_walk(netdev_priv(dev), lac_fdb_dump_one, &ctx);
}
