// SPDX-License-Identifier: GPL-2.0
/*
 * lac forwarding database: inner source MAC -> outer source IP and UDP port.
 *
 * Lookups (rx learning, tx) are lockless under RCU.  An entry never changes
 * in place: a moved MAC gets a new entry that replaces the old one, so a
 * reader always sees a consistent IP, port and state.  Changes to the table
 * are serialised by fdb_lock, which rx takes only on a miss or a move.
 *
 * Learned entries age, move and go with a leave message or when the device
 * goes down.  Static ones (bridge fdb add ... permanent|static) do none of
 * that, and a frame that claims a static MAC from elsewhere is dropped.
 * Flood targets (the 00:00:00:00:00:00 entries) are a short list of their
 * own, used only by the flood path in process context.
 *
 * Entries point to a peer, one per remote IP and port, which holds the
 * route to it (a per-CPU dst_cache), so tx does one table lookup and, most
 * of the time, no route lookup.  Peers are found and counted only under
 * fdb_lock, when an entry is made or goes; readers reach a peer through
 * an entry, so a peer is freed a grace period after its last entry left
 * the table.
 */

#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "lac.h"

static const struct rhashtable_params lac_fdb_params = {
	.head_offset = offsetof(struct lac_fdb, node),
	.key_offset = offsetof(struct lac_fdb, mac),
	.key_len = ETH_ALEN,
	.automatic_shrinking = true,
};

/* Entries are small and many: a cache of their own keeps them at 56 bytes. */
static struct kmem_cache *lac_fdb_cache __read_mostly;

/* The ageing scan runs twice per ageing period, but at least every 10 s. */
#define LAC_AGEING_SCAN_MAX	(10 * HZ)
/* Learning events: a burst, then this many per second and device. */
#define LAC_NOTIFY_BURST	100

static bool lac_fdb_expired(const struct lac_dev *lac, const struct lac_fdb *f)
{
	u32 ageing = READ_ONCE(lac->cfg.ageing);

	return !lac_fdb_is_static(f) && ageing &&
	       time_after(jiffies, READ_ONCE(f->updated) +
				  (unsigned long)ageing * HZ);
}

/* At most one store per jiffy, so busy entries do not bounce cache lines. */
static void lac_fdb_touch(unsigned long *stamp)
{
	unsigned long now = jiffies;

	if (READ_ONCE(*stamp) != now)
		WRITE_ONCE(*stamp, now);
}

/* Learned entries count against maxaddress. */
static void lac_fdb_account(struct lac_dev *lac, const struct lac_fdb *f,
			    int delta)
{
	if (!lac_fdb_is_static(f))
		atomic_add(delta, &lac->n_learned);
}

static bool lac_fdb_full(struct lac_dev *lac)
{
	u32 max = READ_ONCE(lac->cfg.maxaddr);

	return max && atomic_read(&lac->n_learned) >= max;
}

/* Events of the wire (learning, moves, ageing, leaves) are rate limited. */
static void lac_fdb_event(struct lac_dev *lac, const struct lac_fdb *f,
			  int type)
{
	if (__ratelimit(&lac->notify_rs))
		lac_fdb_notify(lac, f->mac, &f->peer->remote, f->state, type);
}

int lac_fdb_cache_create(void)
{
	lac_fdb_cache = KMEM_CACHE(lac_fdb, 0);
	return lac_fdb_cache ? 0 : -ENOMEM;
}

/* After rcu_barrier(): no entry is waiting for its grace period. */
void lac_fdb_cache_destroy(void)
{
	kmem_cache_destroy(lac_fdb_cache);
}

static u32 lac_peer_hash(const struct lac_remote *remote)
{
	return jhash2((const u32 *)&remote->ip, sizeof(remote->ip) / sizeof(u32),
		      (__force u32)remote->port);
}

/* Under fdb_lock. */
static struct lac_peer *lac_peer_find(struct lac_dev *lac,
				      const struct lac_remote *remote, u32 hash)
{
	struct lac_peer *p;

	hash_for_each_possible(lac->peers, p, hnode, hash) {
		if (lac_remote_equal(&p->remote, remote))
			return p;
	}
	return NULL;
}

static struct lac_peer *lac_peer_alloc(gfp_t gfp)
{
	struct lac_peer *p;

	p = kmalloc(sizeof(*p), gfp);
	if (!p)
		return NULL;
	if (dst_cache_init(&p->dst_cache, gfp)) {
		kfree(p);
		return NULL;
	}
	return p;
}

static void lac_peer_free(struct lac_peer *p)
{
	dst_cache_destroy(&p->dst_cache);
	kfree(p);
}

/*
 * Under fdb_lock: a reference to the peer for remote, made if need be.
 * A new peer is taken from *spare when the caller could allocate one
 * before the lock (the per-CPU dst_cache is the allocation that fails
 * first in atomic context), else allocated here.
 */
static struct lac_peer *lac_peer_get(struct lac_dev *lac,
				     const struct lac_remote *remote,
				     struct lac_peer **spare)
{
	u32 hash = lac_peer_hash(remote);
	struct lac_peer *p;

	p = lac_peer_find(lac, remote, hash);
	if (p) {
		p->refs++;
		return p;
	}

	p = *spare;
	if (p)
		*spare = NULL;
	else
		p = lac_peer_alloc(GFP_ATOMIC);
	if (!p)
		return NULL;
	p->remote = *remote;
	p->refs = 1;
	hash_add(lac->peers, &p->hnode, hash);
	return p;
}

static void lac_peer_free_rcu(struct rcu_head *head)
{
	lac_peer_free(container_of(head, struct lac_peer, rcu));
}

/* Under fdb_lock, or with no reader left. */
static void lac_peer_put(struct lac_peer *p)
{
	if (--p->refs)
		return;
	hash_del(&p->hnode);
	call_rcu(&p->rcu, lac_peer_free_rcu);
}

/* The device comes up: its source address or underlay may have changed. */
static void lac_peers_reset_routes(struct lac_dev *lac)
{
	struct lac_peer *p;
	int bkt;

	spin_lock_bh(&lac->fdb_lock);
	hash_for_each(lac->peers, bkt, p, hnode)
		dst_cache_reset(&p->dst_cache);
	spin_unlock_bh(&lac->fdb_lock);
}

static void lac_fdb_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(lac_fdb_cache, container_of(head, struct lac_fdb, rcu));
}

/* Under fdb_lock: f left the table, readers may still see it. */
static void lac_fdb_retire(struct lac_fdb *f)
{
	lac_peer_put(f->peer);
	call_rcu(&f->rcu, lac_fdb_free_rcu);
}

/* Under fdb_lock: f was never in the table. */
static void lac_fdb_free(struct lac_fdb *f)
{
	lac_peer_put(f->peer);
	kmem_cache_free(lac_fdb_cache, f);
}

static void lac_fdb_ageing(struct work_struct *work);
static void lac_fdb_forget_work(struct work_struct *work);

int lac_fdb_init(struct lac_dev *lac)
{
	spin_lock_init(&lac->fdb_lock);
	INIT_DELAYED_WORK(&lac->ageing_work, lac_fdb_ageing);
	INIT_WORK(&lac->forget_work, lac_fdb_forget_work);
	atomic_set(&lac->n_learned, 0);
	hash_init(lac->peers);
	ratelimit_state_init(&lac->notify_rs, HZ, LAC_NOTIFY_BURST);
	ratelimit_set_flags(&lac->notify_rs, RATELIMIT_MSG_ON_RELEASE);
	mutex_init(&lac->flood_lock);
	INIT_LIST_HEAD(&lac->flood_targets);
	return rhashtable_init(&lac->fdb, &lac_fdb_params);
}

static void lac_fdb_free_one(void *ptr, void *arg)
{
	lac_fdb_free(ptr);
}

/* Called once no reader can be left: the device is unregistered. */
void lac_fdb_destroy(struct lac_dev *lac)
{
	struct lac_flood_target *t, *next;

	rhashtable_free_and_destroy(&lac->fdb, lac_fdb_free_one, NULL);
	list_for_each_entry_safe(t, next, &lac->flood_targets, list)
		kfree(t);
}

/* Caller holds rcu_read_lock(). */
struct lac_fdb *lac_fdb_find(struct lac_dev *lac, const u8 *mac)
{
	return rhashtable_lookup(&lac->fdb, mac, lac_fdb_params);
}

/*
 * Tx path, under RCU: where frames for mac go, or NULL for the flood path.
 * The peer stays valid until rcu_read_unlock().
 */
struct lac_peer *lac_fdb_lookup_peer(struct lac_dev *lac, const u8 *mac)
{
	struct lac_fdb *f;

	f = rhashtable_lookup(&lac->fdb, mac, lac_fdb_params);
	if (!f || lac_fdb_expired(lac, f))
		return NULL;

	lac_fdb_touch(&f->used);
	return f->peer;
}

/* Under fdb_lock: make f, not yet in the table, the entry mac -> remote. */
static int lac_fdb_setup(struct lac_dev *lac, struct lac_fdb *f,
			 const u8 *mac, const struct lac_remote *remote,
			 u8 state, struct lac_peer **spare)
{
	f->peer = lac_peer_get(lac, remote, spare);
	if (!f->peer)
		return -ENOMEM;
	ether_addr_copy(f->mac, mac);
	f->state = state;
	f->updated = jiffies;
	f->used = f->updated;
	return 0;
}

/* Under fdb_lock: put f in the table, in place of old if there is one. */
static int lac_fdb_install(struct lac_dev *lac, struct lac_fdb *old,
			   struct lac_fdb *f)
{
	int err;

	if (old)
		err = rhashtable_replace_fast(&lac->fdb, &old->node, &f->node,
					      lac_fdb_params);
	else
		err = rhashtable_insert_fast(&lac->fdb, &f->node,
					     lac_fdb_params);
	if (err)
		return err;

	if (old) {
		lac_fdb_account(lac, old, -1);
		lac_fdb_retire(old);
	}
	lac_fdb_account(lac, f, 1);
	return 0;
}

/* Slow path of learning: a new MAC, or one that moved. */
static void lac_fdb_update(struct lac_dev *lac, const u8 *mac,
			   const struct lac_remote *from)
{
	struct lac_peer *spare = NULL;
	struct lac_fdb *f, *old;
	int err;

	spin_lock_bh(&lac->fdb_lock);

	/* Another CPU, or a user, may have set the entry meanwhile. */
	old = rhashtable_lookup_fast(&lac->fdb, mac, lac_fdb_params);
	if (old && (lac_remote_equal(&old->peer->remote, from) ||
		    lac_fdb_is_static(old)))
		goto out;

	if (!old && lac_fdb_full(lac)) {
		lac_stat_inc(lac, LAC_STAT_RX_LEARN_LIMIT);
		goto out;
	}

	f = kmem_cache_alloc(lac_fdb_cache, GFP_ATOMIC);
	if (!f)
		goto out;
	if (lac_fdb_setup(lac, f, mac, from, NUD_REACHABLE, &spare)) {
		kmem_cache_free(lac_fdb_cache, f);
		goto out;
	}

	err = lac_fdb_install(lac, old, f);
	if (err) {
		lac_fdb_free(f);
		net_dbg_ratelimited("%s: cannot learn %pM: %d\n",
				    lac->dev->name, mac, err);
		goto out;
	}
	lac_fdb_event(lac, f, RTM_NEWNEIGH);
out:
	spin_unlock_bh(&lac->fdb_lock);
}

/*
 * Rx path, under RCU: mac was last seen behind from.  False when the frame
 * must be dropped: mac is static and lives on another host.
 */
bool lac_fdb_learn(struct lac_dev *lac, const u8 *mac,
		   const struct lac_remote *from)
{
	struct lac_fdb *f;

	f = rhashtable_lookup(&lac->fdb, mac, lac_fdb_params);
	if (likely(f && lac_remote_equal(&f->peer->remote, from))) {
		lac_fdb_touch(&f->updated);
		return true;
	}
	/*
	 * A static entry pins a MAC to a host, not to a port: the port is
	 * where we send (by default the group port), and a peer sends from
	 * its own unicast port, which changes whenever it comes up again.
	 */
	if (f && lac_fdb_is_static(f))
		return ipv6_addr_equal(&f->peer->remote.ip.ip6, &from->ip.ip6);

	if (READ_ONCE(lac->cfg.learning))
		lac_fdb_update(lac, mac, from);
	return true;
}

/* bridge fdb add/replace: a static (or dynamic) entry set by the user. */
int lac_fdb_set(struct lac_dev *lac, const u8 *mac,
		const struct lac_remote *remote, u8 state, u16 nlflags,
		struct netlink_ext_ack *extack)
{
	struct lac_peer *spare;
	struct lac_fdb *f, *old;
	int err = -ENOMEM;

	/* Process context: allocate where reclaim may run, not under the lock. */
	f = kmem_cache_alloc(lac_fdb_cache, GFP_KERNEL);
	spare = lac_peer_alloc(GFP_KERNEL);
	if (!f || !spare)
		goto free;

	spin_lock_bh(&lac->fdb_lock);
	old = rhashtable_lookup_fast(&lac->fdb, mac, lac_fdb_params);
	if (old && (nlflags & NLM_F_EXCL)) {
		NL_SET_ERR_MSG(extack, "The MAC has an entry: use replace");
		err = -EEXIST;
		goto unlock;
	}
	if (!old && !(nlflags & NLM_F_CREATE)) {
		NL_SET_ERR_MSG(extack, "The MAC has no entry");
		err = -ENOENT;
		goto unlock;
	}

	err = lac_fdb_setup(lac, f, mac, remote, state, &spare);
	if (err)
		goto unlock;
	err = lac_fdb_install(lac, old, f);
	if (err) {
		lac_fdb_free(f);
	} else {
		lac_fdb_notify(lac, f->mac, &f->peer->remote, f->state,
			       RTM_NEWNEIGH);
	}
	f = NULL;
unlock:
	spin_unlock_bh(&lac->fdb_lock);
free:
	if (spare)
		lac_peer_free(spare);
	if (f)
		kmem_cache_free(lac_fdb_cache, f);
	return err;
}

/* Remove f, if it is still in the table; wire events are rate limited. */
static int lac_fdb_remove(struct lac_dev *lac, struct lac_fdb *f, bool user)
{
	int err;

	spin_lock_bh(&lac->fdb_lock);
	/* Fails harmlessly if a move replaced f since the caller saw it. */
	err = rhashtable_remove_fast(&lac->fdb, &f->node, lac_fdb_params);
	if (!err) {
		lac_fdb_account(lac, f, -1);
		if (user)
			lac_fdb_notify(lac, f->mac, &f->peer->remote, f->state,
				       RTM_DELNEIGH);
		else
			lac_fdb_event(lac, f, RTM_DELNEIGH);
		lac_fdb_retire(f);
	}
	spin_unlock_bh(&lac->fdb_lock);
	return err;
}

/* bridge fdb del, under RTNL. */
int lac_fdb_delete(struct lac_dev *lac, const u8 *mac)
{
	struct lac_fdb *f;
	int err = -ENOENT;

	rcu_read_lock();
	f = lac_fdb_find(lac, mac);
	if (f)
		err = lac_fdb_remove(lac, f, true);
	rcu_read_unlock();
	return err;
}

/*
 * Call fn() on every entry until it returns non-zero, under RCU only: the
 * walk does not hold fdb_lock, so a large table never blocks rx learning.
 * Process context: the table's walker lock is not BH safe.
 */
int lac_fdb_walk(struct lac_dev *lac,
		 int (*fn)(struct lac_dev *lac, struct lac_fdb *f, void *arg),
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
		lac_fdb_remove(lac, f, false);
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

/* What the wire removes is only ever learned. */
static bool lac_fdb_match_batch(const struct lac_dev *lac,
				const struct lac_fdb *f, const void *arg)
{
	const struct lac_forget_batch *batch = arg;
	unsigned int i;

	if (lac_fdb_is_static(f))
		return false;
	for (i = 0; i < batch->n; i++)
		if (lac_remote_equal(&f->peer->remote, &batch->remotes[i]))
			return true;
	return false;
}

/* Under fdb_lock: repeated leaves of one endpoint take one slot. */
static bool lac_forget_pending(const struct lac_dev *lac,
			       const struct lac_remote *from)
{
	unsigned int i;

	for (i = 0; i < lac->n_forget; i++)
		if (lac_remote_equal(&lac->forget[i], from))
			return true;
	return false;
}

/*
 * A leave message: the endpoint is gone, and so are its MACs.  Called in
 * softirq, where the table cannot be walked (the walker lock is not BH
 * safe), so the work is queued; one walk serves every queued leave.  A
 * leave from an endpoint with no entry (a stranger, or a spoofed one)
 * costs no walk at all.
 */
void lac_fdb_forget_remote(struct lac_dev *lac, const struct lac_remote *from)
{
	bool queued = false;

	spin_lock_bh(&lac->fdb_lock);
	if (!lac_peer_find(lac, from, lac_peer_hash(from))) {
		spin_unlock_bh(&lac->fdb_lock);
		return;
	}
	if (lac_forget_pending(lac, from)) {
		queued = true;
	} else if (lac->n_forget < LAC_FORGET_MAX) {
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

static bool lac_fdb_match_learned(const struct lac_dev *lac,
				  const struct lac_fdb *f, const void *arg)
{
	return !lac_fdb_is_static(f);
}

/* Every learned entry goes; static ones and flood targets stay. */
void lac_fdb_flush(struct lac_dev *lac)
{
	lac_fdb_remove_if(lac, lac_fdb_match_learned, NULL);
}

static bool lac_fdb_match_expired(const struct lac_dev *lac,
				  const struct lac_fdb *f, const void *arg)
{
	return lac_fdb_expired(lac, f);
}

static unsigned long lac_fdb_ageing_interval(const struct lac_dev *lac)
{
	/* Not in u32: 2^32 - 1 seconds of jiffies would wrap. */
	unsigned long half = (unsigned long)READ_ONCE(lac->cfg.ageing) * HZ / 2;

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

/* The ageing time changed while up: scan now, then at the new interval. */
void lac_fdb_ageing_changed(struct lac_dev *lac)
{
	mod_delayed_work(system_power_efficient_wq, &lac->ageing_work, 0);
}

void lac_fdb_start(struct lac_dev *lac)
{
	lac_peers_reset_routes(lac);
	queue_delayed_work(system_power_efficient_wq, &lac->ageing_work,
			   lac_fdb_ageing_interval(lac));
}

/*
 * The device is going down and its sockets are closed: nothing learns or
 * leaves any more.  Learned entries go, as they may be stale when it is
 * back up; static entries stay.
 */
void lac_fdb_stop(struct lac_dev *lac)
{
	cancel_delayed_work_sync(&lac->ageing_work);
	cancel_work_sync(&lac->forget_work);
	lac->n_forget = 0;
	lac_fdb_flush(lac);
}

/* bridge fdb append 00:00:00:00:00:00 ... dst IP [port P], under RTNL. */
int lac_flood_target_add(struct lac_dev *lac, const struct lac_remote *remote,
			 u16 nlflags, struct netlink_ext_ack *extack)
{
	struct lac_flood_target *t;
	int err = 0;

	mutex_lock(&lac->flood_lock);
	list_for_each_entry(t, &lac->flood_targets, list) {
		if (lac_remote_equal(&t->remote, remote)) {
			if (nlflags & NLM_F_EXCL) {
				NL_SET_ERR_MSG(extack,
					       "The flood list has this destination");
				err = -EEXIST;
			}
			goto out;
		}
	}

	if (lac->n_flood_targets >= LAC_FLOOD_TARGETS_MAX) {
		NL_SET_ERR_MSG(extack, "The flood list is full");
		err = -ENOSPC;
		goto out;
	}

	t = kmalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		err = -ENOMEM;
		goto out;
	}
	t->remote = *remote;
	list_add_tail(&t->list, &lac->flood_targets);
	lac->n_flood_targets++;
	lac_fdb_notify(lac, lac_flood_mac, remote, NUD_PERMANENT,
		       RTM_NEWNEIGH);
out:
	mutex_unlock(&lac->flood_lock);
	return err;
}

int lac_flood_target_del(struct lac_dev *lac, const struct lac_remote *remote)
{
	struct lac_flood_target *t;
	int err = -ENOENT;

	mutex_lock(&lac->flood_lock);
	list_for_each_entry(t, &lac->flood_targets, list) {
		if (lac_remote_equal(&t->remote, remote)) {
			list_del(&t->list);
			lac->n_flood_targets--;
			lac_fdb_notify(lac, lac_flood_mac, remote,
				       NUD_PERMANENT, RTM_DELNEIGH);
			kfree(t);
			err = 0;
			break;
		}
	}
	mutex_unlock(&lac->flood_lock);
	return err;
}
