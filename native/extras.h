/* The process settings runc 1.2+ applies in its init right before the process starts, with the
 * values runts decided (src/container/process-extras.ts): the scheduler (sched_setattr), the I/O
 * priority (ioprio_set), the execution domain (personality), the NUMA memory policy
 * (set_mempolicy), and, for exec, the CPU affinity: the initial set as runts-finalize starts,
 * the final one right before the process's own setup. With neither, the affinity is reset to
 * every CPU (the kernel keeps it within the cgroup's cpuset), as runc does, so the process does
 * not inherit the caller's. All of it before the user change and seccomp. */
#ifndef RUNTS_EXTRAS_H
#define RUNTS_EXTRAS_H
#include "common.h"
#include <sched.h>
#include <sys/syscall.h>

struct bytes { unsigned char *buf; size_t len; };

struct extras {
	struct bytes sched, aff_initial, aff_final, mpol_nodes;
	uint32_t ioprio, personality, mpol_mode;
	int has_ioprio, has_personality, has_mpol;
};

static void copy_bytes(struct bytes *b, const struct attr *a)
{
	b->buf = malloc(a->len ? a->len : 1);
	if (!b->buf)
		bail("out of memory");
	memcpy(b->buf, a->val, a->len);
	b->len = a->len;
}

/* Takes an attribute if it is one of these; returns 0 otherwise. */
static int add_extras_attr(struct extras *x, const struct attr *a)
{
	switch (a->type) {
	case ATTR_SCHED_ATTR: copy_bytes(&x->sched, a); return 1;
	case ATTR_IO_PRIORITY: x->ioprio = attr_u32(a), x->has_ioprio = 1; return 1;
	case ATTR_CPU_AFFINITY_INITIAL: copy_bytes(&x->aff_initial, a); return 1;
	case ATTR_CPU_AFFINITY_FINAL: copy_bytes(&x->aff_final, a); return 1;
	case ATTR_PERSONALITY: x->personality = attr_u32(a), x->has_personality = 1; return 1;
	case ATTR_MEMORY_POLICY: {
		struct attr nodes = { a->type, a->len - 4, a->val + 4 };
		if (a->len < 4)
			bail("protocol: bad memory policy attribute");
		x->mpol_mode = attr_u32(a), x->has_mpol = 1;
		if (nodes.len)
			copy_bytes(&x->mpol_nodes, &nodes);
		return 1;
	}
	}
	return 0;
}

static void set_affinity(const struct bytes *mask, const char *what)
{
	if (syscall(SYS_sched_setaffinity, 0, mask->len, mask->buf) < 0)
		bail("error setting %s CPU affinity: %s", what, errtext(errno));
}

/* As F starts: the initial affinity, or every CPU when none is given at all. */
static void initial_affinity(const struct extras *x)
{
	static unsigned char all[8192];
	if (x->aff_initial.len) {
		set_affinity(&x->aff_initial, "initial");
	} else if (!x->aff_final.len) {
		memset(all, 0xff, sizeof all);
		syscall(SYS_sched_setaffinity, 0, sizeof all, all); /* as runc: a failure is no error */
	}
}

static void final_affinity(const struct extras *x)
{
	if (x->aff_final.len)
		set_affinity(&x->aff_final, "final");
}

static void apply_extras(const struct extras *x)
{
	if (x->sched.len && syscall(SYS_sched_setattr, 0, x->sched.buf, 0) < 0)
		bail("error setting scheduler: %s", errtext(errno));
	/* IOPRIO_WHO_PROCESS: runc names its (setsid'd, so alone) process group; runts' process is
	 * setsid'd too, and the process alone is what the spec asks for. */
	if (x->has_ioprio && syscall(SYS_ioprio_set, 1, 0, x->ioprio) < 0)
		bail("failed to set io priority: %s", errtext(errno));
	if (x->has_personality && syscall(SYS_personality, x->personality) < 0)
		bail("set_personality: %s", errtext(errno));
	if (x->has_mpol && syscall(SYS_set_mempolicy, x->mpol_mode, x->mpol_nodes.buf,
				   x->mpol_nodes.len ? x->mpol_nodes.len * 8 + 1 : 0) < 0)
		bail("set_mempolicy: %s", errtext(errno));
}
#endif
