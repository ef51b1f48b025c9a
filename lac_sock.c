// SPDX-License-Identifier: GPL-2.0
/*
 * lac underlay sockets.
 *
 * A lac device owns two UDP sockets in its link netns, like a VXVDE
 * process: its own unicast port, which sends everything and receives
 * unicast, and the group port, shared with every other endpoint on the
 * host, which receives the group's traffic and unicast from head-end
 * replication peers (flood targets default to the group port).
 */

#include <linux/igmp.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/udp_tunnel.h>

#include "lac.h"
#include "lac_compat.h"

/* A socket address for addr:port in the device's family. */
static int lac_sockaddr(const struct lac_dev *lac, const union lac_addr *addr,
			__be16 port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (lac_is_ipv6(lac)) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = addr->ip6;
		sin6->sin6_port = port;
		/* Link-local groups (ff02::) need the underlay named. */
		sin6->sin6_scope_id = lac->cfg.link;
		return sizeof(*sin6);
	}

	((struct sockaddr_in *)ss)->sin_family = AF_INET;
	((struct sockaddr_in *)ss)->sin_addr.s_addr = addr->ip4;
	((struct sockaddr_in *)ss)->sin_port = port;
	return sizeof(struct sockaddr_in);
}

static struct socket *lac_sock_create(struct lac_dev *lac,
				      const union lac_addr *addr,
				      __be16 port, bool shared)
{
	struct sockaddr_storage ss;
	struct socket *sock;
	int len, err;

	err = sock_create_kern(lac->net, lac->cfg.family, SOCK_DGRAM,
			       IPPROTO_UDP, &sock);
	if (err)
		return ERR_PTR(err);

	if (lac_is_ipv6(lac))
		ip6_sock_set_v6only(sock->sk);
	/* SO_REUSEADDR: other lac devices and vxvde processes share group:port */
	if (shared)
		sock->sk->sk_reuse = SK_CAN_REUSE;

	len = lac_sockaddr(lac, addr, port, &ss);
	err = lac_kernel_bind(sock, &ss, len);
	if (err) {
		sock_release(sock);
		return ERR_PTR(err);
	}
	return sock;
}

static void lac_sock_enable_rx(struct lac_dev *lac, struct socket *sock)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = lac,
		.encap_type = 1,
		.encap_rcv = lac_udp_encap_recv,
		.gro_receive = lac_gro_receive,
		.gro_complete = lac_gro_complete,
	};

	lac_setup_udp_tunnel_sock(lac->net, sock, &cfg);
	/*
	 * An outer checksum verified in software becomes CHECKSUM_COMPLETE,
	 * so the inner TCP or UDP checksum costs no second pass.
	 */
	inet_inc_convert_csum(sock->sk);
}

static int lac_sock_set_int(struct socket *sock, int level, int optname,
			    int val)
{
	return sock->ops->setsockopt(sock, level, optname,
				     KERNEL_SOCKPTR(&val), sizeof(val));
}

/*
 * Group datagrams and the unicast copies of the flood list leave through
 * the socket; known unicast, by the fast path, also with cfg.ttl.
 */
static int lac_sock_set_ttl(const struct lac_dev *lac, struct socket *sock)
{
	int err;

	if (lac_is_ipv6(lac)) {
		err = lac_sock_set_int(sock, SOL_IPV6, IPV6_MULTICAST_HOPS,
				       lac->cfg.ttl);
		return err ?: lac_sock_set_int(sock, SOL_IPV6,
					       IPV6_UNICAST_HOPS, lac->cfg.ttl);
	}
	err = lac_sock_set_int(sock, SOL_IP, IP_MULTICAST_TTL, lac->cfg.ttl);
	return err ?: lac_sock_set_int(sock, SOL_IP, IP_TTL, lac->cfg.ttl);
}

/* Under RTNL: the TTL may change while the device is up. */
int lac_sock_apply_ttl(struct lac_dev *lac)
{
	struct socket *sock = rtnl_dereference(lac->usock);

	return sock ? lac_sock_set_ttl(lac, sock) : 0;
}

/*
 * The unicast socket sends to the group like a VXVDE process does: on the
 * underlay device, with our TTL, and looped back to this host's listeners
 * (setup_udp_tunnel_sock() turned loopback off).
 */
static int lac_sock_set_mc_options(struct lac_dev *lac, struct socket *sock)
{
	struct ip_mreqn mreq = { .imr_ifindex = lac->cfg.link };
	bool ipv6 = lac_is_ipv6(lac);
	int err;

	err = lac_sock_set_int(sock, ipv6 ? SOL_IPV6 : SOL_IP,
			       ipv6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP,
			       1);
	if (!err)
		err = lac_sock_set_ttl(lac, sock);
	if (err || !lac->cfg.link)
		return err;

	if (ipv6)
		return lac_sock_set_int(sock, SOL_IPV6, IPV6_MULTICAST_IF,
					lac->cfg.link);
	return sock->ops->setsockopt(sock, SOL_IP, IP_MULTICAST_IF,
				     KERNEL_SOCKPTR(&mreq), sizeof(mreq));
}

/*
 * The group-port socket is bound to the wildcard address so it also gets
 * unicast; it must then hear only its own group, not every group another
 * socket of this host joined on that port.
 */
static int lac_gsock_set_mc_all(struct lac_dev *lac, struct socket *sock)
{
	if (lac_is_ipv6(lac))
		return lac_sock_set_int(sock, SOL_IPV6, IPV6_MULTICAST_ALL, 0);
	return lac_sock_set_int(sock, SOL_IP, IP_MULTICAST_ALL, 0);
}

/*
 * Without dev, the kernel picks the interface by routing at join time and
 * records its ifindex: the leave must name that one, as the route may have
 * changed since.  (IPv6 drops by address when the ifindex is 0.)
 */
static int lac_group_join(struct lac_dev *lac, struct socket *sock)
{
	struct sock *sk = sock->sk;
	int err;

	lock_sock(sk);
	if (lac_is_ipv6(lac)) {
		err = ipv6_sock_mc_join(sk, lac->cfg.link,
					&lac->cfg.group.ip6);
		lac->mc_ifindex = lac->cfg.link;
	} else {
		struct ip_mreqn mreq = {
			.imr_multiaddr.s_addr = lac->cfg.group.ip4,
			.imr_ifindex = lac->cfg.link,
		};

		err = ip_mc_join_group(sk, &mreq);
		lac->mc_ifindex = mreq.imr_ifindex;
	}
	release_sock(sk);
	return err;
}

static int lac_group_leave(struct lac_dev *lac, struct socket *sock)
{
	struct sock *sk = sock->sk;
	int err;

	lock_sock(sk);
	if (lac_is_ipv6(lac)) {
		err = ipv6_sock_mc_drop(sk, lac->mc_ifindex,
					&lac->cfg.group.ip6);
	} else {
		struct ip_mreqn mreq = {
			.imr_multiaddr.s_addr = lac->cfg.group.ip4,
			.imr_ifindex = lac->mc_ifindex,
		};

		err = ip_mc_leave_group(sk, &mreq);
	}
	release_sock(sk);
	return err;
}

/*
 * Under RTNL, when an underlay device comes up: join the group again, so
 * the membership is announced anew and is not lost with a device that
 * went away (the IPv4 one is bound to an interface).
 */
void lac_sock_rejoin(struct lac_dev *lac)
{
	int err;

	if (!lac->gsock || lac->cfg.nogroup)
		return;

	lac_group_leave(lac, lac->gsock);
	err = lac_group_join(lac, lac->gsock);
	if (err)
		net_warn_ratelimited("%s: cannot join the group again: %d\n",
				     lac->dev->name, err);
}

/*
 * The group socket must have left the group before it is released: the
 * release would otherwise take RTNL, which we hold.
 */
void lac_socks_release(struct lac_dev *lac)
{
	struct socket *usock = rtnl_dereference(lac->usock);

	RCU_INIT_POINTER(lac->usock, NULL);
	WRITE_ONCE(lac->local_port, 0);
	if (lac->gsock) {
		if (!lac->cfg.nogroup)
			lac_group_leave(lac, lac->gsock);
		lac_udp_tunnel_sock_release(lac->gsock);
		lac->gsock = NULL;
	}
	if (usock)
		lac_udp_tunnel_sock_release(usock);
}

static struct socket *lac_gsock_open(struct lac_dev *lac)
{
	static const union lac_addr any;
	struct socket *gsock;
	int err;

	gsock = lac_sock_create(lac, &any, lac->cfg.port, true);
	if (IS_ERR(gsock)) {
		netdev_err(lac->dev, "cannot bind the group port %u: %ld\n",
			   ntohs(lac->cfg.port), PTR_ERR(gsock));
		return gsock;
	}

	err = lac_gsock_set_mc_all(lac, gsock);
	if (!err && !lac->cfg.nogroup) {
		err = lac_group_join(lac, gsock);
		if (err)
			netdev_err(lac->dev,
				   "cannot join the group: %d (no multicast route? set dev)\n",
				   err);
	}
	if (err) {
		sock_release(gsock);
		return ERR_PTR(err);
	}
	return gsock;
}

int lac_socks_open(struct lac_dev *lac)
{
	struct socket *usock, *gsock;
	int err;

	usock = lac_sock_create(lac, &lac->cfg.local, 0, false);
	if (IS_ERR(usock)) {
		netdev_err(lac->dev, "cannot bind a unicast UDP port: %ld\n",
			   PTR_ERR(usock));
		return PTR_ERR(usock);
	}

	/* Before rx starts: the echo filter needs the port. */
	WRITE_ONCE(lac->local_port, inet_sk(usock->sk)->inet_sport);
	lac_sock_enable_rx(lac, usock);

	err = lac_sock_set_mc_options(lac, usock);
	if (err)
		goto err_usock;

	gsock = lac_gsock_open(lac);
	if (IS_ERR(gsock)) {
		err = PTR_ERR(gsock);
		goto err_usock;
	}

	lac_sock_enable_rx(lac, gsock);
	lac->gsock = gsock;
	rcu_assign_pointer(lac->usock, usock);
	return 0;

err_usock:
	WRITE_ONCE(lac->local_port, 0);
	lac_udp_tunnel_sock_release(usock);
	return err;
}

/*
 * Group traffic is sent as VXVDE sends it: sendmsg() on the unicast socket.
 * Other lac devices and VXVDE processes on this host listen on the group
 * too and hear it only through the stack's multicast loopback, which
 * iptunnel_xmit() rules out: it counts as a nested device xmit, and
 * sk_mc_loop() refuses loopback in one.  The cost, a copy per frame, is
 * paid by broadcast and unknown unicast only (and flood targets, which
 * share the path).  frame may be NULL: the leave message.  For an AEAD
 * LAC, frame is the whole sealed datagram, header and all.  May sleep.
 */
int lac_send_to(struct lac_dev *lac, struct socket *sock,
		const struct lac_remote *dst, void *frame, size_t len)
{
	struct sockaddr_storage ss;
	struct msghdr msg = {
		.msg_name = &ss,
		.msg_flags = MSG_DONTWAIT,
	};
	struct kvec iov[2];
	size_t total = 0;
	int n = 0;

	/* A sealed datagram carries its own header. */
	if (!lac_is_aead(lac)) {
		iov[n].iov_base = &lac->hdr;
		iov[n++].iov_len = sizeof(lac->hdr);
		total += sizeof(lac->hdr);
	}
	if (len) {
		iov[n].iov_base = frame;
		iov[n++].iov_len = len;
		total += len;
	}

	msg.msg_namelen = lac_sockaddr(lac, &dst->ip, dst->port, &ss);
	return kernel_sendmsg(sock, &msg, iov, n, total);
}
