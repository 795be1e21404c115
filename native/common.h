/* Shared by the C stages: message framing on the sync socket (see src/protocol/messages.ts),
 * and bail(), which reports an error to the parent as an ERROR message and exits. */
#ifndef RUNTS_COMMON_H
#define RUNTS_COMMON_H
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "protocol.h"

static int sync_fd = -1;

struct msg { uint32_t kind, len; char *buf; };
struct attr { uint32_t type, len; const char *val; };
struct buf { char *p; size_t len, cap; };

static void write_full(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(1);
		c += w, n -= (size_t)w;
	}
}

/* Sends one message in one write; a small one (seccomp.h's SECCOMP_FD) without allocating. */
static void send_msg(uint32_t kind, const void *payload, uint32_t len)
{
	uint32_t head[2] = { len, kind };
	char small[64];
	char *all = sizeof head + len <= sizeof small ? small : malloc(sizeof head + len);
	if (!all)
		_exit(1);
	memcpy(all, head, sizeof head);
	if (len)
		memcpy(all + sizeof head, payload, len);
	write_full(sync_fd, all, sizeof head + len);
	if (all != small)
		free(all);
}

static void buf_attr(struct buf *b, uint32_t type, const void *val, uint32_t len)
{
	if (b->len + 8 + len > b->cap) {
		b->cap = (b->len + 8 + len) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			_exit(1);
	}
	memcpy(b->p + b->len, &type, 4);
	memcpy(b->p + b->len + 4, &len, 4);
	memcpy(b->p + b->len + 8, val, len);
	b->len += 8 + len;
}

/* Formats the message, sends it to the parent as ERROR (or to stderr when there is no
 * parent) and exits 1. */
__attribute__((noreturn, format(printf, 1, 2))) static void bail(const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (sync_fd >= 0) {
		struct buf b = { 0 };
		buf_attr(&b, ATTR_MESSAGE, text, (uint32_t)strlen(text));
		send_msg(MSG_ERROR, b.p, (uint32_t)b.len);
	} else {
		fprintf(stderr, "runts: %s\n", text);
	}
	_exit(1);
}

/* strerror in Go's style, as runc prints it: lower-case first letter. */
static const char *errtext(int err)
{
	static char text[256];
	snprintf(text, sizeof text, "%s", strerror(err));
	text[0] = (char)tolower((unsigned char)text[0]);
	return text;
}

static int read_full(int fd, void *p, size_t n)
{
	char *c = p;
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, c + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			bail("read sync socket: %s", errtext(errno));
		if (r == 0)
			return got == 0 ? 0 : (bail("sync socket closed mid-message"), 0);
		got += (size_t)r;
	}
	return 1;
}

static const char *msg_name(uint32_t kind)
{
	static char text[32];
	if (kind < sizeof proto_msgs / sizeof *proto_msgs && proto_msgs[kind].name)
		return proto_msgs[kind].name;
	snprintf(text, sizeof text, "message %u", kind);
	return text;
}

static const char *attr_name(uint32_t id)
{
	static char text[32];
	for (size_t i = 0; i < sizeof proto_attr_names / sizeof *proto_attr_names; i++)
		if (proto_attr_names[i].id == id)
			return proto_attr_names[i].name;
	snprintf(text, sizeof text, "%u", id);
	return text;
}

static const struct proto_attr *find_rule(const struct proto_msg *pm, uint32_t id, size_t *at)
{
	for (*at = 0; *at < pm->nattrs; (*at)++)
		if (pm->attrs[*at].id == id)
			return &pm->attrs[*at];
	return NULL;
}

static void check_attr(const struct proto_msg *pm, const struct proto_attr *r, uint32_t len, unsigned seen)
{
	if (seen && r->count != PROTO_MANY)
		bail("protocol: %s: attribute %s given twice", pm->name, r->name);
	if (r->type == 4 && len != 4)
		bail("protocol: %s: attribute %s is %u bytes, not 4", pm->name, r->name, len);
	if (r->type == 8 && len % 8)
		bail("protocol: %s: attribute %s is %u bytes, not whole u64 words", pm->name, r->name, len);
}

/* Checks a message against its line in the protocol's table (src/protocol/messages.ts,
 * MESSAGES): no attribute it does not list, none given twice that may be given once, sizes of
 * u32 and u64 values, every required one present. Says what is wrong as protocol/check.ts does. */
static void check_msg(const struct msg *m)
{
	const struct proto_msg *pm = &proto_msgs[m->kind];
	unsigned seen[PROTO_MAX_ATTRS] = { 0 };
	size_t off = 0, at;
	while (off + 8 <= m->len) {
		uint32_t id, len;
		memcpy(&id, m->buf + off, 4), memcpy(&len, m->buf + off + 4, 4);
		if (off + 8 + len > m->len)
			bail("protocol: attribute overruns its message");
		const struct proto_attr *r = find_rule(pm, id, &at);
		if (!r)
			bail("protocol: %s: unknown attribute %s", pm->name, attr_name(id));
		check_attr(pm, r, len, seen[at]++);
		off += 8 + len;
	}
	if (off != m->len)
		bail("protocol: truncated attribute");
	for (at = 0; at < pm->nattrs; at++)
		if (pm->attrs[at].count == PROTO_ONE && !seen[at])
			bail("protocol: %s: missing attribute %s", pm->name, pm->attrs[at].name);
}

/* Reads a message's header; a payload over max bytes is an error. */
static void read_head(struct msg *m, uint32_t max)
{
	uint32_t head[2];
	if (!read_full(sync_fd, head, sizeof head))
		_exit(1); /* the parent went away: nobody to report to */
	m->len = head[0], m->kind = head[1];
	if (m->len > max)
		bail("protocol: message of %u bytes is too large", m->len);
}

/* Reads the payload into m->buf; the message must be of kind `want` and carry what the table says. */
static void read_body(struct msg *m, uint32_t want)
{
	if (m->len && !read_full(sync_fd, m->buf, m->len))
		bail("protocol: short message");
	if (m->kind != want)
		bail("protocol: expected %s, got %s", msg_name(want), msg_name(m->kind));
	check_msg(m);
}

/* Reads the next message, which must be of kind `want` and carry what the table says. */
static void expect_msg(struct msg *m, uint32_t want)
{
	read_head(m, 64u << 20);
	m->buf = malloc(m->len + 1);
	if (!m->buf)
		bail("protocol: short message");
	read_body(m, want);
}

/* expect_msg without allocating (seccomp.h: after the filter is loaded): the payload goes to
 * buf, of cap bytes. */
__attribute__((unused)) static void expect_msg_in(struct msg *m, uint32_t want, char *buf, uint32_t cap)
{
	read_head(m, cap);
	m->buf = buf;
	read_body(m, want);
}

/* Iterates the attributes of a message: returns 0 at the end. */
static int next_attr(const struct msg *m, size_t *off, struct attr *a)
{
	if (*off + 8 > m->len)
		return 0;
	memcpy(&a->type, m->buf + *off, 4);
	memcpy(&a->len, m->buf + *off + 4, 4);
	if (*off + 8 + a->len > m->len)
		bail("protocol: attribute overruns its message");
	a->val = m->buf + *off + 8;
	*off += 8 + a->len;
	return 1;
}

static uint32_t attr_u32(const struct attr *a)
{
	uint32_t v = 0;
	memcpy(&v, a->val, a->len < 4 ? a->len : 4);
	return v;
}

static char *attr_str(const struct attr *a)
{
	char *s = strndup(a->val, a->len);
	if (!s)
		_exit(1);
	return s;
}

/* Appends s to a NULL-terminated string vector. */
__attribute__((unused)) static void vec_push(char ***vec, size_t *n, char *s)
{
	*vec = realloc(*vec, (*n + 2) * sizeof **vec);
	if (!*vec)
		_exit(1);
	(*vec)[(*n)++] = s;
	(*vec)[*n] = NULL;
}

#endif
