/* The seccomp profile runts compiled (src/seccomp): loaded with seccomp(2) just before execve.
 * With SCMP_ACT_NOTIFY rules the filter comes with a listener fd (SECCOMP_FILTER_FLAG_NEW_LISTENER):
 * its number goes to the runts process waiting on sync_fd (start or exec), which copies the fd
 * with pidfd_getfd and sends it to the seccomp agent, then answers SECCOMP_DONE. Until then only
 * write() and read() are called, and nothing allocates: a profile may notify any other syscall
 * (runc has the same rule for write). The listener is close-on-exec. */
#ifndef RUNTS_SECCOMP_H
#define RUNTS_SECCOMP_H
#include "common.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

struct seccomp_plan {
	struct sock_filter *filter;
	size_t nfilter;
	uint32_t flags;
};

/* Returns NULL, or the text of what failed (errno is set). Exits when the runtime goes away
 * before SECCOMP_DONE, and reports a message other than SECCOMP_DONE (common.h checks it
 * against the protocol's table, as every message read). */
static const char *load_seccomp(const struct seccomp_plan *s)
{
	struct sock_fprog prog = { (unsigned short)s->nfilter, s->filter };
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->flags, &prog);
	if (fd < 0)
		return "load the seccomp profile";
	if (!(s->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return NULL;
	/* a buffer large enough that buf_attr does not allocate; send_msg does not for so little */
	char out[16], in[64];
	struct buf b = { out, 0, sizeof out };
	uint32_t listener = (uint32_t)fd;
	buf_attr(&b, ATTR_FD, &listener, sizeof listener);
	send_msg(MSG_SECCOMP_FD, b.p, (uint32_t)b.len);
	struct msg done;
	expect_msg_in(&done, MSG_SECCOMP_DONE, in, sizeof in);
	return NULL;
}
#endif
