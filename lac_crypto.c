// SPDX-License-Identifier: GPL-2.0
/*
 * lac: sealed LANs.
 *
 * A LAC created with a cipher seals every datagram it sends, and accepts
 * only datagrams that open with one of its keys.  Plain VXVDE peers on the
 * same group and VNI are refused; the plain wire stays the default.
 *
 * AEAD ciphers (AES-GCM, ChaCha20-Poly1305) use lac's own header (struct
 * lac_sealhdr), all of it associated data.  The 96-bit nonce is a random
 * 64-bit salt, drawn for each epoch (device up, tx key change, 2^32
 * datagrams), and the datagram's count in its epoch: no two datagrams of
 * one key share a nonce, on one host or between hosts, short of a 64-bit
 * collision of random salts.  Receivers keep, per salt, a window of the
 * counts seen: a replay inside it, or one older than it, is refused.  The
 * sender's clock in the header bounds how old a capture may be when a
 * receiver has no window for its salt yet (it was down, or forgot an idle
 * sender): LAC_CLOCK_SKEW.  State for a salt is made only for datagrams
 * that authenticate, so forged ones cannot fill the table.
 *
 * agno is vdeplug's agno:// format, for interoperating with it: AES-128,
 * the header block in ECB, the payload in CBC, no integrity, a timestamp
 * window of a few seconds and no replay window.  It hides the payload and
 * nothing more; see Documentation/networking/lac.rst.
 */

#include <crypto/aead.h>
#include <crypto/skcipher.h>
#include <linux/etherdevice.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/scatterlist.h>
#include <linux/timekeeping.h>
#include <net/netlink.h>

#include "lac.h"

/* Seconds a sealed datagram's clock may differ from ours, either way. */
#define LAC_CLOCK_SKEW		120
/* A sender silent this long is forgotten: past the skew, no capture of it is fresh. */
#define LAC_SENDER_IDLE		((2 * LAC_CLOCK_SKEW + 60) * HZ)
#define LAC_CRYPTO_PERIOD	(60 * HZ)

/* A ring of words (RFC 6479): the window is all of it but the word in use. */
#define LAC_REPLAY_BITS		2048
#define LAC_REPLAY_WORDS	(LAC_REPLAY_BITS / BITS_PER_LONG)
#define LAC_REPLAY_WINDOW	(LAC_REPLAY_BITS - BITS_PER_LONG)

/* agno's ethertype on the wire; receivers ignore it. */
#define LAC_AGNO_ETHERTYPE	0xa6de
#define LAC_AGNO_BLOCK		16
#define LAC_AGNO_KEYLEN		16
/* agno's clock window: the sender's second is now-2 .. now+1. */
#define LAC_AGNO_BEHIND		2
#define LAC_AGNO_AHEAD		1

struct lac_agno_hdr {
	__be16 type;		/* of the frame inside */
	u8 pad;			/* zeroes after the payload */
	u8 zero;
	u8 tag[4];
	__be32 time;
	u8 random[4];
};

static const u8 lac_agno_tag[4] = { 'a', 'g', 'n', 'o' };

/* What we know of one sender's epoch: see lac_replay_check(). */
struct lac_sender {
	struct hlist_node node;		/* in crypto.senders */
	u64 salt;
	spinlock_t lock;		/* top, bitmap */
	u32 top;			/* the highest count accepted */
	unsigned long bitmap[LAC_REPLAY_WORDS];
	unsigned long seen;		/* jiffies of the last datagram */
	struct rcu_head rcu;
};

static const char * const lac_aead_names[] = {
	[LAC_CIPHER_AES_GCM]		= "gcm(aes)",
	[LAC_CIPHER_CHACHA20_POLY1305]	= "rfc7539(chacha20,poly1305)",
};

static bool lac_cipher_keylen_ok(u8 cipher, unsigned int len)
{
	switch (cipher) {
	case LAC_CIPHER_AES_GCM:
		return len == 16 || len == 32;
	case LAC_CIPHER_CHACHA20_POLY1305:
		return len == 32;
	case LAC_CIPHER_AGNO:
		return len == LAC_AGNO_KEYLEN;
	}
	return false;
}

unsigned int lac_crypto_overhead(u8 cipher)
{
	switch (cipher) {
	case LAC_CIPHER_NONE:
		return 0;
	case LAC_CIPHER_AGNO:
		return LAC_AGNO_BLOCK + LAC_AGNO_BLOCK - 1;
	}
	return sizeof(struct lac_sealhdr) - sizeof(struct lachdr) +
	       LAC_TAG_LEN;
}

/* Keys and the tx epoch change under RTNL and crypto.lock. */
#define lac_crypto_protected(c, p)					\
	rcu_dereference_protected(p, lockdep_rtnl_is_held() ||		\
				  lockdep_is_held(&(c)->lock))

static void lac_key_free(struct lac_key *k)
{
	if (!k)
		return;
	if (k->aead)
		crypto_free_aead(k->aead);
	if (k->cbc)
		crypto_free_sync_skcipher(k->cbc);
	if (k->ecb)
		crypto_free_sync_skcipher(k->ecb);
	kfree(k);
}

static struct crypto_sync_skcipher *lac_skcipher_new(const char *name,
						     const u8 *key)
{
	struct crypto_sync_skcipher *tfm;
	int err;

	tfm = crypto_alloc_sync_skcipher(name, 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_sync_skcipher_setkey(tfm, key, LAC_AGNO_KEYLEN);
	if (err) {
		crypto_free_sync_skcipher(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

static int lac_key_init_agno(struct lac_key *k, const u8 *key)
{
	k->ecb = lac_skcipher_new("ecb(aes)", key);
	if (IS_ERR(k->ecb)) {
		int err = PTR_ERR(k->ecb);

		k->ecb = NULL;
		return err;
	}
	k->cbc = lac_skcipher_new("cbc(aes)", key);
	if (IS_ERR(k->cbc)) {
		int err = PTR_ERR(k->cbc);

		k->cbc = NULL;
		return err;
	}
	return 0;
}

/*
 * Synchronous implementations only: rx and tx seal in place, in the
 * context they run in, and never wait for a completion.
 */
static int lac_key_init_aead(struct lac_key *k, u8 cipher, const u8 *key,
			     unsigned int keylen)
{
	int err;

	k->aead = crypto_alloc_aead(lac_aead_names[cipher], 0,
				    CRYPTO_ALG_ASYNC);
	if (IS_ERR(k->aead)) {
		err = PTR_ERR(k->aead);
		k->aead = NULL;
		return err;
	}
	err = crypto_aead_setkey(k->aead, key, keylen);
	if (!err)
		err = crypto_aead_setauthsize(k->aead, LAC_TAG_LEN);
	return err;
}

static struct lac_key *lac_key_new(u8 cipher, u8 id, const u8 *key,
				   unsigned int keylen,
				   struct netlink_ext_ack *extack)
{
	struct lac_key *k;
	int err;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return ERR_PTR(-ENOMEM);
	k->id = id;

	if (cipher == LAC_CIPHER_AGNO)
		err = lac_key_init_agno(k, key);
	else
		err = lac_key_init_aead(k, cipher, key, keylen);
	if (err) {
		lac_key_free(k);
		if (err == -ENOENT)
			NL_SET_ERR_MSG(extack,
				       "The kernel has no synchronous implementation of this cipher (its crypto modules are not loaded?)");
		else
			NL_SET_ERR_MSG(extack, "The cipher refused the key");
		return ERR_PTR(err);
	}
	return k;
}

static struct lac_epoch *lac_epoch_new(gfp_t gfp)
{
	struct lac_epoch *ep;

	ep = kzalloc(sizeof(*ep), gfp);
	if (ep)
		get_random_bytes(ep->salt, sizeof(ep->salt));
	return ep;
}

static int lac_key_slot(struct lac_crypto *c, int id)
{
	struct lac_key *k;
	int i;

	for (i = 0; i < LAC_KEYS; i++) {
		k = lac_crypto_protected(c, c->keys[i]);
		if (k && k->id == id)
			return i;
	}
	return -1;
}

static int lac_key_free_slot(struct lac_crypto *c)
{
	int i;

	for (i = 0; i < LAC_KEYS; i++)
		if (!lac_crypto_protected(c, c->keys[i]))
			return i;
	return -1;
}

static struct lac_key *lac_key_by_id(struct lac_crypto *c, u8 id)
{
	int slot = lac_key_slot(c, id);

	return slot < 0 ? NULL : lac_crypto_protected(c, c->keys[slot]);
}

/* The ids the LAC will hold once ops are applied include id. */
static bool lac_keyops_hold(struct lac_crypto *c,
			    const struct lac_keyops *ops, int id)
{
	if (id == ops->add_id)
		return true;
	return id != ops->del_id && lac_key_slot(c, id) >= 0;
}

static int lac_prepare_del(struct lac_crypto *c, struct lac_keyops *ops,
			   bool create, struct netlink_ext_ack *extack)
{
	if (ops->del_id < 0)
		return 0;
	if (create) {
		NL_SET_ERR_MSG(extack, "A new LAC has no key to delete");
		return -EINVAL;
	}
	if (ops->del_id == ops->add_id) {
		NL_SET_ERR_MSG(extack, "A key cannot be added and deleted at once");
		return -EINVAL;
	}
	ops->del_slot = lac_key_slot(c, ops->del_id);
	if (ops->del_slot < 0) {
		NL_SET_ERR_MSG(extack, "The LAC has no key with this id");
		return -ENOENT;
	}
	return 0;
}

static int lac_prepare_add_slot(struct lac_dev *lac, struct lac_keyops *ops,
				struct netlink_ext_ack *extack)
{
	struct lac_crypto *c = &lac->crypto;

	if (ops->add_id < 0)
		return 0;
	if (!lac_cipher_keylen_ok(lac->cfg.cipher, ops->keylen)) {
		NL_SET_ERR_MSG(extack,
			       "Wrong key length for the cipher (AES-GCM: 16 or 32 bytes, ChaCha20-Poly1305: 32, agno: 16)");
		return -EINVAL;
	}
	/* The same id replaces that key; else a free slot, or the one deleted. */
	ops->add_slot = lac_key_slot(c, ops->add_id);
	if (ops->add_slot < 0)
		ops->add_slot = lac_key_free_slot(c);
	if (ops->add_slot < 0)
		ops->add_slot = ops->del_slot;
	if (ops->add_slot < 0) {
		NL_SET_ERR_MSG(extack,
			       "A LAC holds two keys: delete one first (delkey)");
		return -ENOSPC;
	}
	return 0;
}

static int lac_prepare_txkey(struct lac_crypto *c, struct lac_keyops *ops,
			     bool create, struct netlink_ext_ack *extack)
{
	if (ops->txkey < 0)
		ops->txkey = create ? ops->add_id : c->txkey;
	if (ops->txkey == ops->del_id) {
		NL_SET_ERR_MSG(extack,
			       "The tx key cannot be deleted: make another one txkey first");
		return -EBUSY;
	}
	if (!lac_keyops_hold(c, ops, ops->txkey)) {
		NL_SET_ERR_MSG(extack, "txkey must name a key the LAC holds");
		return -ENOENT;
	}
	return 0;
}

/*
 * Check a key change against what the LAC holds, and allocate all it
 * needs: lac_crypto_commit() cannot fail.  Under RTNL.
 */
int lac_crypto_prepare(struct lac_dev *lac, struct lac_keyops *ops, bool create,
		       struct netlink_ext_ack *extack)
{
	bool asked = ops->add_id >= 0 || ops->txkey >= 0 || ops->del_id >= 0;
	struct lac_crypto *c = &lac->crypto;
	bool new_epoch;
	int err;

	ops->add = NULL;
	ops->add_slot = -1;
	ops->del_slot = -1;
	ops->epoch = NULL;

	if (!lac_is_sealed(lac)) {
		if (!asked)
			return 0;
		NL_SET_ERR_MSG(extack,
			       "Keys need a cipher, chosen when the LAC is created");
		return -EINVAL;
	}
	if (create && ops->add_id < 0) {
		NL_SET_ERR_MSG(extack, "A LAC with a cipher needs a key");
		return -EINVAL;
	}

	err = lac_prepare_del(c, ops, create, extack) ?:
	      lac_prepare_add_slot(lac, ops, extack) ?:
	      lac_prepare_txkey(c, ops, create, extack);
	if (err)
		return err;

	if (ops->add_id >= 0) {
		ops->add = lac_key_new(lac->cfg.cipher, ops->add_id, ops->key,
				       ops->keylen, extack);
		if (IS_ERR(ops->add)) {
			err = PTR_ERR(ops->add);
			ops->add = NULL;
			return err;
		}
	}

	/* A new tx key, or new bytes for it, starts a new nonce space. */
	new_epoch = ops->txkey != c->txkey || ops->txkey == ops->add_id;
	if (!create && netif_running(lac->dev) && new_epoch) {
		ops->epoch = lac_epoch_new(GFP_KERNEL);
		if (!ops->epoch) {
			lac_crypto_abort(ops);
			return -ENOMEM;
		}
	}
	return 0;
}

void lac_crypto_abort(struct lac_keyops *ops)
{
	lac_key_free(ops->add);
	ops->add = NULL;
	kfree(ops->epoch);
	ops->epoch = NULL;
}

/* Apply what lac_crypto_prepare() made ready.  Under RTNL. */
void lac_crypto_commit(struct lac_dev *lac, struct lac_keyops *ops)
{
	struct lac_crypto *c = &lac->crypto;
	struct lac_key *deleted = NULL, *replaced = NULL;
	struct lac_epoch *old_epoch = NULL;

	if (!lac_is_sealed(lac))
		return;

	mutex_lock(&c->lock);
	if (ops->del_slot >= 0) {
		deleted = lac_crypto_protected(c, c->keys[ops->del_slot]);
		RCU_INIT_POINTER(c->keys[ops->del_slot], NULL);
	}
	if (ops->add) {
		replaced = lac_crypto_protected(c, c->keys[ops->add_slot]);
		rcu_assign_pointer(c->keys[ops->add_slot], ops->add);
		ops->add = NULL;
	}
	WRITE_ONCE(c->txkey, ops->txkey);
	if (ops->epoch) {
		ops->epoch->key = lac_key_by_id(c, c->txkey);
		old_epoch = lac_crypto_protected(c, c->tx);
		rcu_assign_pointer(c->tx, ops->epoch);
		ops->epoch = NULL;
	}
	mutex_unlock(&c->lock);

	/* rx and tx may still be using them. */
	if (deleted || replaced || old_epoch) {
		synchronize_net();
		lac_key_free(deleted);
		lac_key_free(replaced);
		kfree(old_epoch);
	}
}

/* The id of the key that is not the tx key, or -1.  Under RTNL. */
int lac_crypto_rxkey(struct lac_dev *lac)
{
	struct lac_crypto *c = &lac->crypto;
	struct lac_key *k;
	int i;

	for (i = 0; i < LAC_KEYS; i++) {
		k = rtnl_dereference(c->keys[i]);
		if (k && k->id != c->txkey)
			return k->id;
	}
	return -1;
}

static void lac_senders_forget(struct lac_crypto *c, bool all)
{
	struct lac_sender *s;
	struct hlist_node *tmp;
	int bkt;

	spin_lock_bh(&c->senders_lock);
	hash_for_each_safe(c->senders, bkt, tmp, s, node) {
		if (!all && time_before(jiffies,
					READ_ONCE(s->seen) + LAC_SENDER_IDLE))
			continue;
		hash_del_rcu(&s->node);
		c->n_senders--;
		kfree_rcu(s, rcu);
	}
	spin_unlock_bh(&c->senders_lock);
}

/* tx used up its epoch's 2^32 nonces: it waits here for a new salt. */
static void lac_epoch_renew_spent(struct lac_crypto *c)
{
	struct lac_epoch *ep, *fresh;

	mutex_lock(&c->lock);
	ep = lac_crypto_protected(c, c->tx);
	if (ep && atomic64_read(&ep->seq) > U32_MAX) {
		fresh = lac_epoch_new(GFP_KERNEL);
		if (fresh) {
			fresh->key = ep->key;
			rcu_assign_pointer(c->tx, fresh);
			kfree_rcu(ep, rcu);
		}
	}
	mutex_unlock(&c->lock);
}

static void lac_crypto_work(struct work_struct *work)
{
	struct lac_crypto *c = container_of(to_delayed_work(work),
					    struct lac_crypto, work);

	lac_senders_forget(c, false);
	lac_epoch_renew_spent(c);
	queue_delayed_work(system_power_efficient_wq, &c->work,
			   LAC_CRYPTO_PERIOD);
}

void lac_crypto_setup(struct lac_dev *lac)
{
	struct lac_crypto *c = &lac->crypto;

	mutex_init(&c->lock);
	spin_lock_init(&c->senders_lock);
	hash_init(c->senders);
	INIT_DELAYED_WORK(&c->work, lac_crypto_work);
}

/* ndo_open: a fresh epoch, so a nonce is never used twice across downs. */
int lac_crypto_start(struct lac_dev *lac)
{
	struct lac_crypto *c = &lac->crypto;
	struct lac_epoch *ep;

	if (!lac_is_sealed(lac))
		return 0;

	ep = lac_epoch_new(GFP_KERNEL);
	if (!ep)
		return -ENOMEM;

	mutex_lock(&c->lock);
	ep->key = lac_key_by_id(c, c->txkey);
	rcu_assign_pointer(c->tx, ep);
	mutex_unlock(&c->lock);

	if (lac_is_aead(lac))
		queue_delayed_work(system_power_efficient_wq, &c->work,
				   LAC_CRYPTO_PERIOD);
	return 0;
}

/*
 * ndo_stop, after the leave message.  Senders' windows are kept: a LAC
 * that comes back up still refuses what it saw before.
 */
void lac_crypto_stop(struct lac_dev *lac)
{
	struct lac_crypto *c = &lac->crypto;
	struct lac_epoch *ep;

	if (!lac_is_sealed(lac))
		return;

	mutex_lock(&c->lock);
	ep = lac_crypto_protected(c, c->tx);
	RCU_INIT_POINTER(c->tx, NULL);
	mutex_unlock(&c->lock);

	/* After tx is done with the epoch, which may have queued the work. */
	synchronize_net();
	cancel_delayed_work_sync(&c->work);
	kfree(ep);
}

/* ndo_uninit, and a newlink that failed: idempotent. */
void lac_crypto_destroy(struct lac_dev *lac)
{
	struct lac_crypto *c = &lac->crypto;
	struct lac_key *k;
	int i;

	for (i = 0; i < LAC_KEYS; i++) {
		k = lac_crypto_protected(c, c->keys[i]);
		RCU_INIT_POINTER(c->keys[i], NULL);
		lac_key_free(k);
	}
	lac_senders_forget(c, true);
}

/*
 * One request, its IV and its scatterlist in one allocation, per datagram:
 * the tfm is shared by every CPU.
 */
static struct aead_request *lac_aead_req_alloc(struct crypto_aead *tfm,
					       int nsg, u8 **iv,
					       struct scatterlist **sg)
{
	size_t req_size = sizeof(struct aead_request) +
			  crypto_aead_reqsize(tfm);
	size_t iv_off = ALIGN(req_size, __alignof__(u64));
	size_t sg_off = ALIGN(iv_off + LAC_NONCE_LEN,
			      __alignof__(struct scatterlist));
	struct aead_request *req;

	req = kmalloc(sg_off + nsg * sizeof(**sg), GFP_ATOMIC);
	if (!req)
		return NULL;
	aead_request_set_tfm(req, tfm);
	aead_request_set_callback(req, 0, NULL, NULL);
	*iv = (u8 *)req + iv_off;
	*sg = (struct scatterlist *)((u8 *)req + sg_off);
	sg_init_table(*sg, nsg);
	return req;
}

/* Run the AEAD over the skb from off to its end, header first. */
static int lac_aead_crypt(struct crypto_aead *tfm, struct sk_buff *skb,
			  unsigned int off, int nsg, const u8 *nonce,
			  unsigned int cryptlen, bool encrypt)
{
	struct aead_request *req;
	struct scatterlist *sg;
	u8 *iv;
	int err;

	req = lac_aead_req_alloc(tfm, nsg, &iv, &sg);
	if (!req)
		return -ENOMEM;

	err = skb_to_sgvec(skb, sg, off, skb->len - off);
	if (err < 0)
		goto out;

	memcpy(iv, nonce, LAC_NONCE_LEN);
	aead_request_set_crypt(req, sg, sg, cryptlen, iv);
	aead_request_set_ad(req, sizeof(struct lac_sealhdr));
	err = encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
out:
	kfree_sensitive(req);
	return err;
}

/* A count from the epoch, or false when it is used up (the work renews it). */
static bool lac_epoch_next(struct lac_crypto *c, struct lac_epoch *ep, u32 *seq)
{
	u64 n = atomic64_inc_return(&ep->seq) - 1;

	if (unlikely(n > U32_MAX)) {
		mod_delayed_work(system_power_efficient_wq, &c->work, 0);
		return false;
	}
	*seq = n;
	return true;
}

static void lac_sealhdr_fill(struct lac_sealhdr *sh, const struct lac_dev *lac,
			     const struct lac_epoch *ep, u32 seq)
{
	sh->flags = LAC_HF_SEALED | cpu_to_be32(ep->key->id);
	sh->vni = lac->hdr.vni;
	sh->time = cpu_to_be32((u32)ktime_get_real_seconds());
	memcpy(sh->salt, ep->salt, sizeof(sh->salt));
	sh->seq = cpu_to_be32(seq);
}

/* skb: the frame, or nothing for a leave message.  Called under RCU. */
static int lac_seal_aead(struct lac_dev *lac, struct sk_buff *skb,
			 unsigned int room, struct lac_epoch *ep)
{
	struct lac_crypto *c = &lac->crypto;
	unsigned int len = skb->len;
	struct sk_buff *trailer;
	struct lac_sealhdr *sh;
	int nsg;
	u32 seq;

	if (skb_cow_head(skb, room + sizeof(*sh)))
		return -ENOMEM;
	nsg = skb_cow_data(skb, LAC_TAG_LEN, &trailer);
	if (nsg < 0)
		return nsg;
	if (!lac_epoch_next(c, ep, &seq))
		return -ENOSPC;

	sh = __skb_push(skb, sizeof(*sh));
	lac_sealhdr_fill(sh, lac, ep, seq);
	pskb_put(skb, trailer, LAC_TAG_LEN);
	return lac_aead_crypt(ep->key->aead, skb, 0, nsg, sh->salt, len, true);
}

static int lac_block_crypt(struct crypto_sync_skcipher *tfm, u8 *buf,
			   unsigned int len, u8 *iv, bool encrypt)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, tfm);
	struct scatterlist sg;
	int err;

	sg_init_one(&sg, buf, len);
	skcipher_request_set_sync_tfm(req, tfm);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, iv);
	err = encrypt ? crypto_skcipher_encrypt(req) :
			crypto_skcipher_decrypt(req);
	skcipher_request_zero(req);
	return err;
}

/* The agno header of a frame sent now. */
static void lac_agno_hdr_fill(struct lac_agno_hdr *ah, __be16 type, u8 pad)
{
	ah->type = type;
	ah->pad = pad;
	ah->zero = 0;
	memcpy(ah->tag, lac_agno_tag, sizeof(ah->tag));
	ah->time = cpu_to_be32((u32)ktime_get_real_seconds());
	get_random_bytes(ah->random, sizeof(ah->random));
}

/*
 * skb: the frame.  Becomes dst, src, agno's ethertype, the header block,
 * the payload padded to blocks; the caller pushes the plain VXVDE header.
 */
static int lac_seal_agno(struct sk_buff *skb, unsigned int room,
			 struct lac_epoch *ep)
{
	unsigned int plen = skb->len - ETH_HLEN;
	u8 pad = round_up(plen, LAC_AGNO_BLOCK) - plen;
	u8 iv[LAC_AGNO_BLOCK];
	struct lac_agno_hdr ah;
	u8 *frame;
	int err;

	if (skb_cow_head(skb, room + LAC_AGNO_BLOCK) || skb_linearize_cow(skb))
		return -ENOMEM;
	if (skb_tailroom(skb) < pad &&
	    pskb_expand_head(skb, 0, pad, GFP_ATOMIC))
		return -ENOMEM;

	lac_agno_hdr_fill(&ah, ((struct ethhdr *)skb->data)->h_proto, pad);
	skb_put_zero(skb, pad);
	frame = __skb_push(skb, LAC_AGNO_BLOCK);
	memmove(frame, frame + LAC_AGNO_BLOCK, 2 * ETH_ALEN);
	*(__be16 *)(frame + 2 * ETH_ALEN) = htons(LAC_AGNO_ETHERTYPE);
	memcpy(frame + ETH_HLEN, &ah, sizeof(ah));

	/* CBC's IV is the header in the clear. */
	memcpy(iv, &ah, sizeof(iv));
	err = lac_block_crypt(ep->key->ecb, frame + ETH_HLEN, LAC_AGNO_BLOCK,
			      NULL, true);
	if (!err && plen + pad)
		err = lac_block_crypt(ep->key->cbc,
				      frame + ETH_HLEN + LAC_AGNO_BLOCK,
				      plen + pad, iv, true);
	memzero_explicit(iv, sizeof(iv));
	return err;
}

/*
 * Seal skb (the frame, from its Ethernet header; empty for an AEAD leave
 * message) for tx, leaving room bytes of headroom in front of what it
 * pushes.  AEAD: the result is the whole payload of the UDP datagram;
 * agno: it still needs the VXVDE header.  The caller frees skb on error.
 */
int lac_seal(struct lac_dev *lac, struct sk_buff *skb, unsigned int room)
{
	struct lac_epoch *ep;
	int err;

	if (WARN_ON_ONCE(skb_is_gso(skb)))
		return -EINVAL;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return -ENOMEM;

	rcu_read_lock();
	ep = rcu_dereference(lac->crypto.tx);
	if (!ep)
		err = -ENOTCONN;
	else if (lac_is_aead(lac))
		err = lac_seal_aead(lac, skb, room, ep);
	else
		err = lac_seal_agno(skb, room, ep);
	rcu_read_unlock();

	/* Nothing left for the device or the core to checksum or segment. */
	skb->ip_summed = CHECKSUM_NONE;
	return err;
}

static struct lac_key *lac_rx_key(struct lac_crypto *c, u8 id)
{
	struct lac_key *k;
	int i;

	for (i = 0; i < LAC_KEYS; i++) {
		k = rcu_dereference(c->keys[i]);
		if (k && k->id == id)
			return k;
	}
	return NULL;
}

static bool lac_time_fresh(__be32 time)
{
	s32 d = (u32)ktime_get_real_seconds() - be32_to_cpu(time);

	return d >= -LAC_CLOCK_SKEW && d <= LAC_CLOCK_SKEW;
}

static struct lac_sender *lac_sender_find(struct lac_crypto *c, u64 salt)
{
	struct lac_sender *s;

	hash_for_each_possible_rcu(c->senders, s, node, salt)
		if (s->salt == salt)
			return s;
	return NULL;
}

/* Only for a datagram that authenticated: forged ones make no state. */
static struct lac_sender *lac_sender_get(struct lac_crypto *c, u64 salt,
					 u32 seq)
{
	struct lac_sender *s;

	s = lac_sender_find(c, salt);
	if (s)
		return s;

	spin_lock_bh(&c->senders_lock);
	s = lac_sender_find(c, salt);
	if (s)
		goto out;
	if (c->n_senders >= LAC_SENDERS_MAX) {
		s = ERR_PTR(-ENOSPC);
		goto out;
	}
	s = kzalloc(sizeof(*s), GFP_ATOMIC);
	if (!s) {
		s = ERR_PTR(-ENOMEM);
		goto out;
	}
	s->salt = salt;
	s->top = seq;
	spin_lock_init(&s->lock);
	hash_add_rcu(c->senders, &s->node, salt);
	c->n_senders++;
out:
	spin_unlock_bh(&c->senders_lock);
	return s;
}

/* Check and mark seq as seen: true the first time, inside the window. */
static bool lac_replay_check(struct lac_sender *s, u32 seq)
{
	unsigned long word = seq / BITS_PER_LONG;
	unsigned long top = s->top / BITS_PER_LONG;
	unsigned long i, n;
	bool fresh;

	spin_lock_bh(&s->lock);
	if (seq > s->top) {
		n = min_t(unsigned long, word - top, LAC_REPLAY_WORDS);
		for (i = 1; i <= n; i++)
			s->bitmap[(top + i) % LAC_REPLAY_WORDS] = 0;
		s->top = seq;
	} else if (s->top - seq >= LAC_REPLAY_WINDOW) {
		spin_unlock_bh(&s->lock);
		return false;
	}
	fresh = !__test_and_set_bit(seq % BITS_PER_LONG,
				    &s->bitmap[word % LAC_REPLAY_WORDS]);
	if (fresh)
		WRITE_ONCE(s->seen, jiffies);
	spin_unlock_bh(&s->lock);
	return fresh;
}

/* skb->data at the UDP header.  *why is set for -EBADMSG and others. */
static int lac_unseal_aead(struct lac_dev *lac, struct sk_buff *skb,
			   enum lac_stat *why)
{
	const unsigned int off = sizeof(struct udphdr);
	struct lac_crypto *c = &lac->crypto;
	struct lac_sealhdr sh;
	struct lac_sender *s;
	struct sk_buff *trailer;
	struct lac_key *key;
	u64 salt;
	int nsg, err;

	if (!pskb_may_pull(skb, LAC_SEAL_HLEN) ||
	    skb->len < LAC_SEAL_HLEN + LAC_TAG_LEN)
		return -EMSGSIZE;
	/* skb_cow_data() may move the head. */
	memcpy(&sh, skb->data + off, sizeof(sh));

	key = lac_rx_key(c, be32_to_cpu(sh.flags) & 0xff);
	if (!key) {
		*why = LAC_STAT_RX_UNKNOWN_KEY;
		return -ENOKEY;
	}
	if (!lac_time_fresh(sh.time)) {
		*why = LAC_STAT_RX_STALE;
		return -ETIME;
	}

	nsg = skb_cow_data(skb, 0, &trailer);
	if (nsg < 0)
		return nsg;
	err = lac_aead_crypt(key->aead, skb, off, nsg, sh.salt,
			     skb->len - LAC_SEAL_HLEN, false);
	if (err) {
		*why = LAC_STAT_RX_AUTH_FAIL;
		return err == -EBADMSG ? err : -ENOMEM;
	}

	memcpy(&salt, sh.salt, sizeof(salt));
	s = lac_sender_get(c, salt, be32_to_cpu(sh.seq));
	if (IS_ERR(s)) {
		*why = LAC_STAT_RX_SENDER_LIMIT;
		return PTR_ERR(s);
	}
	if (!lac_replay_check(s, be32_to_cpu(sh.seq))) {
		*why = LAC_STAT_RX_REPLAY;
		return -EEXIST;
	}
	return pskb_trim(skb, skb->len - LAC_TAG_LEN) ? -ENOMEM : 0;
}

static bool lac_agno_fresh(__be32 time)
{
	s32 d = (u32)ktime_get_real_seconds() - be32_to_cpu(time);

	return d >= -LAC_AGNO_AHEAD && d <= LAC_AGNO_BEHIND;
}

/*
 * The key whose header block opens to agno's tag, into *ah.  Each try
 * decrypts a copy in scratch, skb memory: the crypto API maps what it
 * works on, which the stack may not be.
 */
static struct lac_key *lac_agno_open_hdr(struct lac_crypto *c, const u8 *blk,
					 u8 *scratch, struct lac_agno_hdr *ah)
{
	struct lac_key *k;
	int i;

	for (i = 0; i < LAC_KEYS; i++) {
		k = rcu_dereference(c->keys[i]);
		if (!k)
			continue;
		memcpy(scratch, blk, LAC_AGNO_BLOCK);
		if (lac_block_crypt(k->ecb, scratch, LAC_AGNO_BLOCK, NULL, false))
			continue;
		memcpy(ah, scratch, sizeof(*ah));
		if (!memcmp(ah->tag, lac_agno_tag, sizeof(ah->tag)))
			return k;
	}
	return NULL;
}

/* skb->data at the UDP header, then VXVDE's header, then agno's frame. */
static int lac_unseal_agno(struct lac_dev *lac, struct sk_buff *skb,
			   enum lac_stat *why)
{
	unsigned int len = skb->len - LAC_HLEN, clen;
	u8 iv[LAC_AGNO_BLOCK];
	struct lac_agno_hdr ah;
	struct lac_key *key;
	u8 *frame;
	int err;

	/* VXVDE's leave message: agno does not seal it. */
	if (!len)
		return 0;
	if (len < ETH_HLEN + LAC_AGNO_BLOCK || (len - ETH_HLEN) % LAC_AGNO_BLOCK)
		return -EMSGSIZE;
	if (skb_linearize_cow(skb))
		return -ENOMEM;
	if (skb_tailroom(skb) < LAC_AGNO_BLOCK &&
	    pskb_expand_head(skb, 0, LAC_AGNO_BLOCK, GFP_ATOMIC))
		return -ENOMEM;

	frame = skb->data + LAC_HLEN;
	key = lac_agno_open_hdr(&lac->crypto, frame + ETH_HLEN,
				skb_tail_pointer(skb), &ah);
	clen = len - ETH_HLEN - LAC_AGNO_BLOCK;
	if (!key || ah.zero || ah.pad >= LAC_AGNO_BLOCK || ah.pad > clen) {
		*why = LAC_STAT_RX_AUTH_FAIL;
		return -EBADMSG;
	}
	if (!lac_agno_fresh(ah.time)) {
		*why = LAC_STAT_RX_STALE;
		return -ETIME;
	}

	if (clen) {
		/* CBC leaves its last block in iv: ah is still needed. */
		memcpy(iv, &ah, sizeof(iv));
		err = lac_block_crypt(key->cbc, frame + ETH_HLEN + LAC_AGNO_BLOCK,
				      clen, iv, false);
		memzero_explicit(iv, sizeof(iv));
		if (err)
			return -ENOMEM;
	}
	*(__be16 *)(frame + 2 * ETH_ALEN) = ah.type;
	memmove(frame + ETH_HLEN, frame + ETH_HLEN + LAC_AGNO_BLOCK,
		clen - ah.pad);
	return pskb_trim(skb, skb->len - LAC_AGNO_BLOCK - ah.pad) ? -ENOMEM : 0;
}

/*
 * rx of a sealed LAC: skb->data at the UDP header, the VXVDE or seal
 * header already pulled and matched to the LAC.  On success, the frame
 * (or nothing, for a leave message) follows *hlen bytes, in the clear.
 * Errors: -EMSGSIZE a length error, -ENOMEM a drop, any other a refusal
 * for *why.  Under RCU, in softirq.
 */
int lac_unseal(struct lac_dev *lac, struct sk_buff *skb, unsigned int *hlen,
	       enum lac_stat *why)
{
	int err;

	if (lac_is_aead(lac)) {
		*hlen = LAC_SEAL_HLEN;
		err = lac_unseal_aead(lac, skb, why);
	} else {
		*hlen = LAC_HLEN;
		err = lac_unseal_agno(lac, skb, why);
	}
	/* The bytes changed under any checksum the device or UDP knew. */
	skb->ip_summed = CHECKSUM_NONE;
	return err;
}
