/* runts-idmap: the source of one id-mapped mount, made in the host's user namespace (M in
 * src/protocol/messages.ts). Started by the runts parent with its socket's fd number as argv[1].
 * Reads IDMAP_PLAN; makes a user namespace with the mount's mappings (a child clone()d into it
 * holds it until its /proc/PID/ns/user is open, then exits) or opens the one given; joins the
 * container init's mount namespace, so that the copy keeps the locks that namespace put on its
 * mounts; copies the source with open_tree(OPEN_TREE_CLONE) and sets MOUNT_ATTR_IDMAP on the copy;
 * sends the copy's fd number in MOUNT_FD and waits until the parent has taken it (EOF).
 * With TREE_PLAIN, the copy is an ordinary bind: for an init in a user namespace whose mount
 * source only the host's root can reach (a 0700 parent), as runc opens such sources on the host. */
#include "common.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* Unified syscall numbers (the same on every architecture). */
#define NR_open_tree 428
#define NR_mount_setattr 442
#define OPEN_TREE_CLONE_ 1
#define AT_RECURSIVE_ 0x8000
#define MOUNT_ATTR_IDMAP_ 0x00100000ULL
#define TREE_RECURSIVE 1 /* rbind: open_tree(AT_RECURSIVE) */
#define TREE_RIDMAP 2    /* ridmap: mount_setattr(AT_RECURSIVE) */
#define TREE_PLAIN 4     /* no id mapping */

struct mount_attr_ { uint64_t attr_set, attr_clr, propagation, userns_fd; };

struct plan {
	char *source, *mntns, *userns, *uid_map, *gid_map;
	uint32_t tree_flags;
};

static void read_plan(struct plan *p)
{
	struct msg m;
	struct attr a;
	size_t off = 0;
	expect_msg(&m, MSG_IDMAP_PLAN);
	while (next_attr(&m, &off, &a)) {
		switch (a.type) {
		case ATTR_SOURCE: p->source = attr_str(&a); break;
		case ATTR_UID_MAP: p->uid_map = attr_str(&a); break;
		case ATTR_GID_MAP: p->gid_map = attr_str(&a); break;
		case ATTR_TREE_FLAGS: p->tree_flags = attr_u32(&a); break;
		case ATTR_NS_PATH:
			if (a.len < 5)
				bail("protocol: bad namespace path attribute");
			if (attr_u32(&a) == CLONE_NEWNS)
				p->mntns = strndup(a.val + 4, a.len - 4);
			else if (attr_u32(&a) == CLONE_NEWUSER)
				p->userns = strndup(a.val + 4, a.len - 4);
			break;
		}
	}
	int plain = p->tree_flags & TREE_PLAIN;
	if (!p->source || !p->mntns || (!plain && !p->userns && (!p->uid_map || !p->gid_map)))
		bail("protocol: IDMAP_PLAN lacks the source, the mount namespace or the mappings");
}

static void write_proc(pid_t pid, const char *name, const char *text)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		bail("write %s of the mount's user namespace: %s", name, errtext(errno));
	close(fd);
}

/* A new user namespace with the plan's mappings. Its holder (our child) waits for EOF on a pipe,
 * which it gets when we are done with it or when we exit, and is reaped here. */
static int make_userns(const struct plan *p)
{
	int hold[2];
	if (pipe2(hold, O_CLOEXEC) < 0)
		bail("pipe: %s", errtext(errno));
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		bail("clone a user namespace for the mount: %s", errtext(errno));
	if (pid == 0) {
		char c;
		close(hold[1]);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(hold[0]);
	write_proc(pid, "setgroups", "deny");
	write_proc(pid, "uid_map", p->uid_map);
	write_proc(pid, "gid_map", p->gid_map);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bail("open %s: %s", path, errtext(errno));
	close(hold[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

static int open_ns(const char *path, const char *what)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bail("open %s namespace %s: %s", what, path, errtext(errno));
	return fd;
}

static int idmapped_copy(const struct plan *p, int userns)
{
	unsigned int flags = OPEN_TREE_CLONE_ | O_CLOEXEC | ((p->tree_flags & TREE_RECURSIVE) ? AT_RECURSIVE_ : 0);
	int tree = (int)syscall(NR_open_tree, AT_FDCWD, p->source, flags);
	if (tree < 0)
		bail("open_tree %s: %s", p->source, errtext(errno));
	if (userns < 0)
		return tree;
	struct mount_attr_ attr = { .attr_set = MOUNT_ATTR_IDMAP_, .userns_fd = (uint64_t)userns };
	int at = AT_EMPTY_PATH | ((p->tree_flags & TREE_RIDMAP) ? AT_RECURSIVE_ : 0);
	if (syscall(NR_mount_setattr, tree, "", at, &attr, sizeof attr) < 0) {
		int err = errno;
		bail("mount_setattr MOUNT_ATTR_IDMAP: %s%s", errtext(err),
		     err == EINVAL ? " (does the filesystem support id-mapped mounts on this kernel?)" : "");
	}
	return tree;
}

int main(int argc, char **argv)
{
	struct plan p = { 0 };
	if (argc < 2)
		bail("usage: runts-idmap SOCKET_FD (started by runts, not by hand)");
	sync_fd = atoi(argv[1]);
	read_plan(&p);
	/* Both opened in our own mount namespace, before joining the container's. */
	int mnt = open_ns(p.mntns, "mount");
	int userns = (p.tree_flags & TREE_PLAIN) ? -1 : p.userns ? open_ns(p.userns, "user") : make_userns(&p);
	if (setns(mnt, CLONE_NEWNS) < 0)
		bail("setns mount namespace %s: %s", p.mntns, errtext(errno));
	close(mnt);
	int tree = idmapped_copy(&p, userns);
	struct buf b = { 0 };
	uint32_t v = (uint32_t)tree;
	buf_attr(&b, ATTR_FD, &v, 4);
	send_msg(MSG_MOUNT_FD, b.p, (uint32_t)b.len);
	for (;;) { /* until the parent closes its end */
		char c;
		ssize_t r = read(sync_fd, &c, 1);
		if (r == 0 || (r < 0 && errno != EINTR))
			return 0;
	}
}
