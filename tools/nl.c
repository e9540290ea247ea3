// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink transport for swctl: resolve the "softwire" family,
 * send one request, collect replies, and report the kernel's extended
 * ACK (NLMSGERR_ATTR_MSG / _OFFS / _MISS_TYPE) verbatim.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>
#include "nl.h"
#include "swctl.h"

#define RBUF_LEN	(256 * 1024)	/* doit replies carry port ranges */

struct talk {
	struct sw_nl *nl;
	const struct nlmsghdr *req;
	mnl_cb_t cb;
	void *data;
	int err;			/* positive errno from the kernel */
	char msg[256];			/* NLMSGERR_ATTR_MSG */
	bool has_offs;
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS */
	bool has_miss;
	uint32_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE */
};

static int ext_attr_cb(const struct nlattr *attr, void *data)
{
	struct talk *t = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(t->msg, sizeof(t->msg), "%s",
				 mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			t->has_offs = true;
			t->offs = mnl_attr_get_u32(attr);
		}
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			t->has_miss = true;
			t->miss_type = mnl_attr_get_u32(attr);
		}
		break;
	}
	return MNL_CB_OK;
}

/* TLVs start at payload offset off (only when NLM_F_ACK_TLVS). */
static void parse_ext(const struct nlmsghdr *nlh, size_t off, struct talk *t)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, off, ext_attr_cb, t);
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct talk *t = data;
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		t->err = EBADMSG;
		return MNL_CB_ERROR;
	}
	/* Without NLM_F_CAPPED the whole request is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(struct nlmsghdr))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	parse_ext(nlh, off, t);
	if (e->error == 0) {
		/* A plain ACK may still carry a warning. */
		if (t->msg[0])
			sw_err("warning: %s", t->msg);
		return MNL_CB_STOP;
	}
	t->err = e->error < 0 ? -e->error : e->error;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return MNL_CB_STOP;
	parse_ext(nlh, sizeof(int), t);
	t->err = -err;
	return MNL_CB_ERROR;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	if (!t->cb)
		return MNL_CB_OK;
	return t->cb(nlh, t->data);
}

/* Returns 0 or a positive errno; extack details land in *t. */
static int transact(struct talk *t)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct sw_nl *nl = t->nl;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl->sk, t->req, t->req->nlmsg_len) < 0)
		return errno;
	do {
		n = mnl_socket_recvfrom(nl->sk, nl->rbuf, nl->rbuf_len);
		if (n < 0)
			return errno;
		t->err = 0;
		errno = 0;
		ret = mnl_cb_run2(nl->rbuf, n, t->req->nlmsg_seq, nl->portid,
				  data_cb, t, ctl, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR)
			return t->err ? t->err : (errno ? errno : EPROTO);
	} while (ret > MNL_CB_STOP);
	return 0;
}

/*
 * "RULES/RULE[0]/EA_LEN" -> "rule 0: ea-len", the spelling of swctl's own
 * keywords, so a policy rejection names the field the user typed.
 */
static void path_to_field(const char *path, char *out, size_t len)
{
	const char *p = path;
	size_t n = 0;
	unsigned int idx;

	out[0] = '\0';
	if (sscanf(p, "RULES/RULE[%u]/", &idx) == 1) {
		n = (size_t)snprintf(out, len, "rule %u: ", idx);
		p = strrchr(p, '/') + 1;
	} else if (strrchr(p, '/')) {
		p = strrchr(p, '/') + 1;
	}
	for (; *p && n + 1 < len; p++, n++)
		out[n] = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
	out[n] = '\0';
}

static void report(const struct talk *t)
{
	const char *why = t->msg[0] ? t->msg : strerror(t->err);
	const char *kw;
	char path[128], field[160];

	field[0] = '\0';
	if (t->has_offs &&
	    sw_nl_attr_path(t->req, t->offs, path, sizeof(path)) == 0)
		path_to_field(path, field, sizeof(field));
	/*
	 * Our own kernel messages name the field; policy rejections
	 * ("integer out of range") do not: prefix the field the kernel
	 * pointed at.
	 */
	kw = strrchr(field, ' ');
	kw = kw ? kw + 1 : field;
	if (field[0] && !strstr(why, kw))
		sw_err("%s: %s%s", field, why,
		       t->err == EPERM ? " (needs CAP_NET_ADMIN)" : "");
	else if (t->err == EPERM)
		sw_err("%s (needs CAP_NET_ADMIN)", why);
	else
		sw_err("%s", why);
	if (t->has_miss)
		sw_err("  missing attribute type %u", t->miss_type);
}

int sw_nl_talk_unless(struct sw_nl *nl, const struct nlmsghdr *req,
		      mnl_cb_t cb, void *data, int quiet)
{
	struct talk t = { .nl = nl, .req = req, .cb = cb, .data = data };
	int err;

	if (sw_opts.dump_request) {
		sw_nl_dump(req);
		return SW_EXIT_OK;
	}
	err = transact(&t);
	if (!err)
		return SW_EXIT_OK;
	if (quiet && err == quiet)
		return -1;
	t.err = err;
	report(&t);
	return SW_EXIT_FAIL;
}

int sw_nl_talk(struct sw_nl *nl, const struct nlmsghdr *req, mnl_cb_t cb,
	       void *data)
{
	return sw_nl_talk_unless(nl, req, cb, data, 0);
}

struct sw_nl_family {
	struct sw_nl *nl;
	bool found;
};

static int grp_cb(const struct nlattr *attr, void *data)
{
	struct sw_nl *nl = data;
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, attr) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			id = mnl_attr_get_u32(a);
	}
	if (name && strcmp(name, SOFTWIRE_MCGRP_EVENTS) == 0)
		nl->mcgrp_events = id;
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct sw_nl_family *f = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0) {
			f->nl->family = mnl_attr_get_u16(attr);
			f->found = true;
		}
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
			mnl_attr_parse_nested(attr, grp_cb, f->nl);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data);
	return MNL_CB_OK;
}

static int resolve_family(struct sw_nl *nl)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	struct sw_nl_family f = { .nl = nl };
	struct talk t = { .nl = nl, .req = nlh, .cb = family_cb, .data = &f };
	int err;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SOFTWIRE_GENL_NAME);
	err = transact(&t);
	if (err == ENOENT || (!err && !f.found)) {
		sw_err("softwire kernel module not loaded (modprobe softwire)");
		return SW_EXIT_FAIL;
	}
	if (err) {
		t.err = err;
		report(&t);
		return SW_EXIT_FAIL;
	}
	return SW_EXIT_OK;
}

static void setopt(struct sw_nl *nl, int opt)
{
	int one = 1;

	/* Best effort: old kernels only lose the extack details. */
	mnl_socket_setsockopt(nl->sk, opt, &one, sizeof(one));
}

int sw_nl_open(struct sw_nl *nl)
{
	memset(nl, 0, sizeof(*nl));
	if (sw_opts.dump_request)
		return SW_EXIT_OK;	/* family 0, seq 1: reproducible dumps */
	nl->seq = (uint32_t)time(NULL);
	nl->rbuf_len = RBUF_LEN;
	nl->rbuf = malloc(nl->rbuf_len);
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->rbuf || !nl->sk) {
		sw_err("netlink socket: %s", strerror(errno));
		sw_nl_close(nl);
		return SW_EXIT_FAIL;
	}
	setopt(nl, NETLINK_EXT_ACK);
	setopt(nl, NETLINK_CAP_ACK);
	setopt(nl, NETLINK_GET_STRICT_CHK);
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		sw_err("netlink bind: %s", strerror(errno));
		sw_nl_close(nl);
		return SW_EXIT_FAIL;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	if (resolve_family(nl)) {
		sw_nl_close(nl);
		return SW_EXIT_FAIL;
	}
	return SW_EXIT_OK;
}

void sw_nl_close(struct sw_nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->rbuf);
	nl->sk = NULL;
	nl->rbuf = NULL;
}

struct nlmsghdr *sw_nl_req(struct sw_nl *nl, void *buf, uint8_t cmd,
			   uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = SOFTWIRE_GENL_VERSION;
	return nlh;
}

int sw_nl_listen(struct sw_nl *nl, mnl_cb_t cb, void *data)
{
	ssize_t n;

	if (!nl->mcgrp_events) {
		sw_err("kernel module has no \"%s\" multicast group",
		       SOFTWIRE_MCGRP_EVENTS);
		return SW_EXIT_FAIL;
	}
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP,
				  &nl->mcgrp_events, sizeof(nl->mcgrp_events))) {
		sw_err("join multicast group: %s%s", strerror(errno),
		       errno == EPERM ? " (needs CAP_NET_ADMIN)" : "");
		return SW_EXIT_FAIL;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl->sk, nl->rbuf, nl->rbuf_len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				sw_err("events lost (receive buffer overrun)");
				continue;
			}
			sw_err("netlink receive: %s", strerror(errno));
			return SW_EXIT_FAIL;
		}
		if (mnl_cb_run(nl->rbuf, n, 0, 0, cb, data) == MNL_CB_ERROR) {
			sw_err("netlink: %s", strerror(errno));
			return SW_EXIT_FAIL;
		}
		fflush(stdout);
	}
}
