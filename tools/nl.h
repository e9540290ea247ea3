/* SPDX-License-Identifier: GPL-2.0 */
/* Generic netlink plumbing of swctl: family lookup, requests, extack. */
#ifndef SWCTL_NL_H
#define SWCTL_NL_H

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

/*
 * Requests are bounded: at most SW_MAX_CLI_RULES rules of < 100 bytes each
 * plus a few instance attributes, far below SW_NL_REQ_SIZE.
 */
#define SW_NL_REQ_SIZE		65536
#define SW_MAX_CLI_RULES	256

struct sw_nl {
	struct mnl_socket *sk;
	uint16_t family;
	uint32_t mcgrp_events;		/* 0 when the kernel has none */
	uint32_t portid;
	uint32_t seq;
	char *rbuf;
	size_t rbuf_len;
};

/* Open, set NETLINK_EXT_ACK/CAP_ACK, resolve "softwire". Returns an exit code. */
int sw_nl_open(struct sw_nl *nl);
void sw_nl_close(struct sw_nl *nl);

/* Start a request for cmd in buf (SW_NL_REQ_SIZE bytes); flags besides REQUEST. */
struct nlmsghdr *sw_nl_req(struct sw_nl *nl, void *buf, uint8_t cmd,
			   uint16_t flags);

/*
 * Send req and run cb on every reply of our family until the ACK/DONE.
 * On failure prints "swctl: <extack or strerror>" and returns SW_EXIT_FAIL.
 * With --dump-request, prints the request and returns SW_EXIT_OK unsent.
 */
int sw_nl_talk(struct sw_nl *nl, const struct nlmsghdr *req, mnl_cb_t cb,
	       void *data);

/* sw_nl_talk(), but errno quiet is neither printed nor fatal: returns -1. */
int sw_nl_talk_unless(struct sw_nl *nl, const struct nlmsghdr *req,
		      mnl_cb_t cb, void *data, int quiet);

/* Join the events group and run cb on every notification, forever. */
int sw_nl_listen(struct sw_nl *nl, mnl_cb_t cb, void *data);

/* Decode (names, values) and hex-dump a softwire message to stdout. */
void sw_nl_dump(const struct nlmsghdr *nlh);
/* "RULES/RULE[1]/EA_LEN" for the attribute at byte offset off of req. */
int sw_nl_attr_path(const struct nlmsghdr *req, uint32_t off, char *buf,
		    size_t len);

#endif
