// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iplink_lac.c	Local Area Cloud (lac) device support
 *
 * A lac device is a VXLAN-like UDP tunnel, wire compatible with the
 * vxvde:// plugin of vdeplug4: every member of a cloud joins a multicast
 * group, frames to unknown destinations go to the group, and unicast
 * peers are learned from the traffic.
 */

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_lac.h>

#include "rt_names.h"
#include "utils.h"
#include "ip_common.h"

#define LAC_ATTRSET(attrs, type) (((attrs) & (1L << (type))) != 0)
/* keyid is no attribute of its own, only a bit for check_duparg(). */
#define IFLA_LAC_KEY_ID_ARG	(IFLA_LAC_MAX + 1)

static void print_explain(FILE *f)
{
	fprintf(f,
		"Usage: ... lac [ group ADDR ] [ vni VNI ] [ port PORT ]\n"
		"		[ dev PHYS_DEV ] [ local ADDR ]\n"
		"		[ ttl TTL ] [ ageing SECONDS ]\n"
		"		[ [no]learning ] [ maxaddress NUMBER ] [ nogroup ] [ flush ]\n"
		"		[ cipher CIPHER ] [ key FILE [ keyid ID ] ]\n"
		"		[ txkey ID ] [ delkey ID ]\n"
		"\n"
		"Where:	ADDR	:= IP_ADDRESS (group: multicast, local: unicast)\n"
		"	VNI	:= 0-16777215\n"
		"	PORT	:= 1-65535\n"
		"	TTL	:= 1-255\n"
		"	SECONDS	:= NUMBER (0: learned entries never expire)\n"
		"	NUMBER	:= 0-4294967295 (maxaddress 0: no limit)\n"
		"	CIPHER	:= { aes-gcm | chacha20-poly1305 | agno } (creation only)\n"
		"	FILE	:= a file whose first word is the key in hex\n"
		"		   (aes-gcm: 32 or 64 digits, chacha20-poly1305: 64, agno: 32)\n"
		"	ID	:= 0-255 (keyid default 0)\n"
		"\n"
		"group, vni, port, dev, local and nogroup change only while the\n"
		"device is down; group without nogroup turns nogroup off.\n"
		"flush (ip link set only) deletes every learned FDB entry.\n"
		"key alone seals with aes-gcm; a key with a new id is added (two\n"
		"at most), with a known id it replaces that key; txkey chooses the\n"
		"key frames are sealed with, delkey removes the other one.\n"
		"ip -d link show also prints localport, the unicast UDP port\n"
		"of the device (0 while it is down).\n"
		"\n"
		"Defaults: group %u.%u.%u.%u (IPv6: ff05:56de::1) vni %u port %u ttl %u ageing %u\n",
		(LAC_DEFAULT_GROUP >> 24) & 0xff,
		(LAC_DEFAULT_GROUP >> 16) & 0xff,
		(LAC_DEFAULT_GROUP >> 8) & 0xff,
		LAC_DEFAULT_GROUP & 0xff,
		LAC_DEFAULT_VNI, LAC_DEFAULT_PORT, LAC_DEFAULT_TTL,
		LAC_DEFAULT_AGEING);
}

static void explain(void)
{
	print_explain(stderr);
}

static void check_duparg(__u64 *attrs, int type, const char *key,
			 const char *argv)
{
	if (!LAC_ATTRSET(*attrs, type)) {
		*attrs |= (1L << type);
		return;
	}
	duparg2(key, argv);
}

static void lac_addattr_addr(struct nlmsghdr *n, const char *arg,
			     int type4, int type6, const char *err)
{
	inet_prefix addr;

	get_addr(&addr, arg, AF_UNSPEC);
	if (addr.family == AF_INET)
		addattr_l(n, 1024, type4, addr.data, addr.bytelen);
	else if (addr.family == AF_INET6)
		addattr_l(n, 1024, type6, addr.data, addr.bytelen);
	else
		invarg(err, arg);
}

static const char * const lac_ciphers[] = {
	[LAC_CIPHER_NONE]		= "none",
	[LAC_CIPHER_AES_GCM]		= "aes-gcm",
	[LAC_CIPHER_CHACHA20_POLY1305]	= "chacha20-poly1305",
	[LAC_CIPHER_AGNO]		= "agno",
};

static __u8 lac_cipher_by_name(const char *name)
{
	__u8 i;

	for (i = 0; i < ARRAY_SIZE(lac_ciphers); i++)
		if (strcmp(name, lac_ciphers[i]) == 0)
			return i;
	invarg("unknown cipher", name);
	return 0;
}

static int lac_hex_digit(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* The key is the file's first word, in hex: a key never goes on a
 * command line, where ps would show it.
 */
static int lac_read_key(const char *path, __u8 *key)
{
	char buf[4 * LAC_KEY_MAXLEN + 1];
	size_t i, n, len = 0;
	bool bad;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "lac: cannot open key file \"%s\": %s\n",
			path, strerror(errno));
		exit(1);
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';

	for (i = 0; i < n && isspace((unsigned char)buf[i]); i++)
		;
	for (; i < n && isxdigit((unsigned char)buf[i]); i++, len++) {
		if (len == 2 * LAC_KEY_MAXLEN)
			break;
		if (len % 2 == 0)
			key[len / 2] = lac_hex_digit(buf[i]) << 4;
		else
			key[len / 2] |= lac_hex_digit(buf[i]);
	}
	/* The word must end where the digits do. */
	bad = (i < n && !isspace((unsigned char)buf[i])) ||
	      (len != 32 && len != 64);
	memset(buf, 0, sizeof(buf));
	if (bad) {
		fprintf(stderr,
			"lac: key file \"%s\" must start with 32 or 64 hex digits\n",
			path);
		exit(1);
	}
	return len / 2;
}

static void lac_addattr_key(struct nlmsghdr *n, const char *path, __u8 id)
{
	__u8 key[LAC_KEY_MAXLEN];
	struct rtattr *nest;
	int len;

	len = lac_read_key(path, key);
	nest = addattr_nest(n, 1024, IFLA_LAC_KEY | NLA_F_NESTED);
	addattr8(n, 1024, IFLA_LAC_KEY_ID, id);
	addattr_l(n, 1024, IFLA_LAC_KEY_DATA, key, len);
	addattr_nest_end(n, nest);
	memset(key, 0, sizeof(key));
}

/* Only what cannot be encoded is rejected here: the kernel validates the
 * values (VNI range, port 0, multicast group, ...) and reports why.
 */
static int lac_parse_opt(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n)
{
	const char *keyfile = NULL;
	__u8 keyid = 0;
	__u64 attrs = 0;

	while (argc > 0) {
		if (strcmp(*argv, "group") == 0) {
			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_GROUP, "group", *argv);
			lac_addattr_addr(n, *argv, IFLA_LAC_GROUP,
					 IFLA_LAC_GROUP6,
					 "invalid group address");
		} else if (strcmp(*argv, "vni") == 0) {
			__u32 vni;

			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_VNI, "vni", *argv);
			if (get_u32(&vni, *argv, 0))
				invarg("invalid vni", *argv);
			addattr32(n, 1024, IFLA_LAC_VNI, vni);
		} else if (strcmp(*argv, "port") == 0) {
			__u16 port;

			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_PORT, "port", *argv);
			if (get_u16(&port, *argv, 0))
				invarg("invalid port", *argv);
			addattr16(n, 1024, IFLA_LAC_PORT, htons(port));
		} else if (strcmp(*argv, "dev") == 0) {
			unsigned int link;

			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_LINK, "dev", *argv);
			link = ll_name_to_index(*argv);
			if (!link)
				exit(nodev(*argv));
			addattr32(n, 1024, IFLA_LAC_LINK, link);
		} else if (strcmp(*argv, "local") == 0) {
			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_LOCAL, "local", *argv);
			lac_addattr_addr(n, *argv, IFLA_LAC_LOCAL,
					 IFLA_LAC_LOCAL6,
					 "invalid local address");
		} else if (strcmp(*argv, "ttl") == 0) {
			__u8 ttl;

			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_TTL, "ttl", *argv);
			if (get_u8(&ttl, *argv, 0))
				invarg("invalid TTL", *argv);
			addattr8(n, 1024, IFLA_LAC_TTL, ttl);
		} else if (strcmp(*argv, "ageing") == 0) {
			__u32 age;

			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_AGEING, "ageing", *argv);
			if (get_u32(&age, *argv, 0))
				invarg("invalid ageing", *argv);
			addattr32(n, 1024, IFLA_LAC_AGEING, age);
		} else if (strcmp(*argv, "nolearning") == 0) {
			check_duparg(&attrs, IFLA_LAC_LEARNING, *argv, *argv);
			addattr8(n, 1024, IFLA_LAC_LEARNING, 0);
		} else if (strcmp(*argv, "learning") == 0) {
			check_duparg(&attrs, IFLA_LAC_LEARNING, *argv, *argv);
			addattr8(n, 1024, IFLA_LAC_LEARNING, 1);
		} else if (strcmp(*argv, "maxaddress") == 0) {
			__u32 maxaddr;

			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_MAXADDR, "maxaddress",
				     *argv);
			if (get_u32(&maxaddr, *argv, 0))
				invarg("invalid maxaddress", *argv);
			addattr32(n, 1024, IFLA_LAC_MAXADDR, maxaddr);
		} else if (strcmp(*argv, "nogroup") == 0) {
			check_duparg(&attrs, IFLA_LAC_NOGROUP, *argv, *argv);
			addattr8(n, 1024, IFLA_LAC_NOGROUP, 1);
		} else if (strcmp(*argv, "cipher") == 0) {
			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_CIPHER, "cipher", *argv);
			addattr8(n, 1024, IFLA_LAC_CIPHER,
				 lac_cipher_by_name(*argv));
		} else if (strcmp(*argv, "key") == 0) {
			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_KEY, "key", *argv);
			keyfile = *argv;
		} else if (strcmp(*argv, "keyid") == 0) {
			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_KEY_ID_ARG, "keyid",
				     *argv);
			if (get_u8(&keyid, *argv, 0))
				invarg("invalid keyid", *argv);
		} else if (strcmp(*argv, "txkey") == 0) {
			__u8 id;

			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_TXKEY, "txkey", *argv);
			if (get_u8(&id, *argv, 0))
				invarg("invalid txkey", *argv);
			addattr8(n, 1024, IFLA_LAC_TXKEY, id);
		} else if (strcmp(*argv, "delkey") == 0) {
			__u8 id;

			NEXT_ARG();
			check_duparg(&attrs, IFLA_LAC_DELKEY, "delkey", *argv);
			if (get_u8(&id, *argv, 0))
				invarg("invalid delkey", *argv);
			addattr8(n, 1024, IFLA_LAC_DELKEY, id);
		} else if (strcmp(*argv, "flush") == 0) {
			check_duparg(&attrs, IFLA_LAC_FLUSH, *argv, *argv);
			addattr_l(n, 1024, IFLA_LAC_FLUSH, NULL, 0);
		} else {
			if (strcmp(*argv, "help") != 0)
				fprintf(stderr, "lac: unknown command \"%s\"?\n",
					*argv);
			explain();
			return -1;
		}
		argc--, argv++;
	}

	if (keyfile)
		lac_addattr_key(n, keyfile, keyid);
	else if (LAC_ATTRSET(attrs, IFLA_LAC_KEY_ID_ARG))
		missarg("key");

	/* "group" alone turns flooding to the group back on, so that there is
	 * a way back from "nogroup" (which keeps its meaning beside "group").
	 */
	if (LAC_ATTRSET(attrs, IFLA_LAC_GROUP) &&
	    !LAC_ATTRSET(attrs, IFLA_LAC_NOGROUP))
		addattr8(n, 1024, IFLA_LAC_NOGROUP, 0);

	return 0;
}

static void lac_print_addr(const char *key, const char *fmt,
			   struct rtattr *rta4, struct rtattr *rta6)
{
	if (rta4)
		print_string(PRINT_ANY, key, fmt,
			     format_host_rta(AF_INET, rta4));
	else if (rta6)
		print_string(PRINT_ANY, key, fmt,
			     format_host_rta(AF_INET6, rta6));
}

static void lac_print_keys(struct rtattr *tb[])
{
	__u8 cipher;

	if (!tb[IFLA_LAC_CIPHER])
		return;
	cipher = rta_getattr_u8(tb[IFLA_LAC_CIPHER]);
	if (cipher == LAC_CIPHER_NONE)
		return;
	if (cipher < ARRAY_SIZE(lac_ciphers))
		print_string(PRINT_ANY, "cipher", "cipher %s ",
			     lac_ciphers[cipher]);
	else
		print_uint(PRINT_ANY, "cipher", "cipher %u ", cipher);

	if (tb[IFLA_LAC_TXKEY])
		print_uint(PRINT_ANY, "txkey", "txkey %u ",
			   rta_getattr_u8(tb[IFLA_LAC_TXKEY]));
	if (tb[IFLA_LAC_RXKEY])
		print_uint(PRINT_ANY, "rxkey", "rxkey %u ",
			   rta_getattr_u8(tb[IFLA_LAC_RXKEY]));
}

static void lac_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	if (!tb)
		return;

	lac_print_addr("group", "group %s ",
		       tb[IFLA_LAC_GROUP], tb[IFLA_LAC_GROUP6]);

	if (tb[IFLA_LAC_PORT])
		print_uint(PRINT_ANY, "port", "port %u ",
			   rta_getattr_be16(tb[IFLA_LAC_PORT]));

	if (tb[IFLA_LAC_VNI])
		print_uint(PRINT_ANY, "vni", "vni %u ",
			   rta_getattr_u32(tb[IFLA_LAC_VNI]));

	if (tb[IFLA_LAC_LOCAL_PORT])
		print_uint(PRINT_ANY, "local_port", "localport %u ",
			   rta_getattr_be16(tb[IFLA_LAC_LOCAL_PORT]));

	if (tb[IFLA_LAC_LINK]) {
		unsigned int link = rta_getattr_u32(tb[IFLA_LAC_LINK]);

		if (link)
			print_string(PRINT_ANY, "link", "dev %s ",
				     ll_index_to_name(link));
	}

	lac_print_addr("local", "local %s ",
		       tb[IFLA_LAC_LOCAL], tb[IFLA_LAC_LOCAL6]);

	if (tb[IFLA_LAC_TTL])
		print_uint(PRINT_ANY, "ttl", "ttl %u ",
			   rta_getattr_u8(tb[IFLA_LAC_TTL]));

	if (tb[IFLA_LAC_AGEING])
		print_uint(PRINT_ANY, "ageing", "ageing %u ",
			   rta_getattr_u32(tb[IFLA_LAC_AGEING]));

	if (tb[IFLA_LAC_LEARNING]) {
		__u8 learning = rta_getattr_u8(tb[IFLA_LAC_LEARNING]);

		print_bool(PRINT_JSON, "learning", NULL, learning);
		if (!learning)
			print_bool(PRINT_FP, NULL, "nolearning ", true);
	}

	if (tb[IFLA_LAC_MAXADDR]) {
		__u32 maxaddr = rta_getattr_u32(tb[IFLA_LAC_MAXADDR]);

		if (maxaddr)
			print_uint(PRINT_ANY, "maxaddress", "maxaddress %u ",
				   maxaddr);
	}

	if (tb[IFLA_LAC_NOGROUP]) {
		__u8 nogroup = rta_getattr_u8(tb[IFLA_LAC_NOGROUP]);

		print_bool(PRINT_JSON, "nogroup", NULL, nogroup);
		if (nogroup)
			print_bool(PRINT_FP, NULL, "nogroup ", true);
	}

	lac_print_keys(tb);
}

static void lac_print_help(struct link_util *lu, int argc, char **argv,
			   FILE *f)
{
	print_explain(f);
}

struct link_util lac_link_util = {
	.id		= "lac",
	.maxattr	= IFLA_LAC_MAX,
	.parse_opt	= lac_parse_opt,
	.print_opt	= lac_print_opt,
	.print_help	= lac_print_help,
};
