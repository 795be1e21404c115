/* runts-nsexec: the namespace stage. Started by the runts parent with the sync socket's fd
 * number as argv[1]. Reads NS_PLAN, joins namespaces given by path, creates the new ones,
 * copies runts-finalize into a sealed memfd, and clones the container's init (CLONE_PARENT,
 * so the init is the parent's child) which execs the Node init. See src/protocol/messages.ts.
 * A mount namespace given by path is not joined here for create: node, init.js and koffi would
 * then be looked up in it (another container's filesystem, perhaps). The init gets its fd and
 * joins it once everything is loaded (src/linux/namespace.ts). exec joins it here: it runs
 * nothing but the sealed runts-finalize. */
#include "common.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct ns_join { uint32_t flag; char *path; int fd; };

struct plan {
	uint32_t clone_flags;
	struct ns_join joins[8];
	size_t njoins;
	char *time_offsets, *finalize_path;
	uint32_t direct_finalize;
	char **init_argv;
	size_t init_argc;
};

static const char *ns_name(uint32_t flag)
{
	switch (flag) {
	case CLONE_NEWUSER: return "user";
	case CLONE_NEWNS: return "mnt";
	case CLONE_NEWPID: return "pid";
	case CLONE_NEWNET: return "net";
	case CLONE_NEWIPC: return "ipc";
	case CLONE_NEWUTS: return "uts";
	case CLONE_NEWCGROUP: return "cgroup";
	case CLONE_NEWTIME: return "time";
	}
	return "unknown";
}

static void read_plan(struct plan *p)
{
	struct msg m;
	struct attr a;
	size_t off = 0;
	expect_msg(&m, MSG_NS_PLAN);
	while (next_attr(&m, &off, &a)) {
		switch (a.type) {
		case ATTR_CLONE_FLAGS: p->clone_flags = attr_u32(&a); break;
		case ATTR_TIME_OFFSETS: p->time_offsets = attr_str(&a); break;
		case ATTR_FINALIZE_PATH: p->finalize_path = attr_str(&a); break;
		case ATTR_DIRECT_FINALIZE: p->direct_finalize = attr_u32(&a); break;
		case ATTR_INIT_ARG: vec_push(&p->init_argv, &p->init_argc, attr_str(&a)); break;
		case ATTR_NS_PATH:
			if (p->njoins == 8 || a.len < 5)
				bail("protocol: bad namespace path attribute");
			p->joins[p->njoins].flag = attr_u32(&a);
			p->joins[p->njoins].path = strndup(a.val + 4, a.len - 4);
			p->njoins++;
			break;
		}
	}
	if ((!p->init_argc && !p->direct_finalize) || !p->finalize_path)
		bail("protocol: NS_PLAN lacks the init command or the finalize path");
}

/* Opens every namespace path first: later joins (mnt) change how paths resolve. */
static void open_joins(struct plan *p)
{
	for (size_t i = 0; i < p->njoins; i++) {
		p->joins[i].fd = open(p->joins[i].path, O_RDONLY | O_CLOEXEC);
		if (p->joins[i].fd < 0)
			bail("open %s namespace %s: %s", ns_name(p->joins[i].flag), p->joins[i].path, errtext(errno));
	}
}

/* The mount namespace the Node init joins itself (create only), or NULL. */
static struct ns_join *deferred_mnt(struct plan *p)
{
	for (size_t i = 0; i < p->njoins && !p->direct_finalize; i++)
		if (p->joins[i].flag == CLONE_NEWNS)
			return &p->joins[i];
	return NULL;
}

static void join(struct plan *p, int want_user)
{
	for (size_t i = 0; i < p->njoins; i++) {
		struct ns_join *j = &p->joins[i];
		if ((j->flag == CLONE_NEWUSER) != want_user || j == deferred_mnt(p))
			continue;
		if (setns(j->fd, (int)j->flag) < 0)
			bail("setns %s namespace %s: %s", ns_name(j->flag), j->path, errtext(errno));
		close(j->fd);
	}
}

static int joins_user(const struct plan *p)
{
	for (size_t i = 0; i < p->njoins; i++)
		if (p->joins[i].flag == CLONE_NEWUSER)
			return 1;
	return 0;
}

static void send_pid(uint32_t kind, pid_t pid)
{
	struct buf b = { 0 };
	uint32_t v = (uint32_t)pid;
	buf_attr(&b, ATTR_PID, &v, 4);
	send_msg(kind, b.p, (uint32_t)b.len);
	free(b.p);
}

static void write_time_offsets(const char *text)
{
	int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		bail("open /proc/self/timens_offsets: %s", errtext(errno));
	if (write(fd, text, strlen(text)) < 0)
		bail("write /proc/self/timens_offsets: %s", errtext(errno));
	close(fd);
}

/* A sealed in-memory copy of runts-finalize: the binary that waits in the container runs
 * from it, so no host file can be written through /proc/<pid>/exe (CVE-2019-5736). */
static int sealed_copy(const char *path)
{
	struct stat st;
	int src = open(path, O_RDONLY | O_CLOEXEC);
	if (src < 0 || fstat(src, &st) < 0)
		bail("open %s: %s", path, errtext(errno));
	int mfd = memfd_create("runts-finalize", MFD_ALLOW_SEALING);
	if (mfd < 0)
		bail("memfd_create: %s", errtext(errno));
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(mfd, src, NULL, (size_t)(st.st_size - done));
		if (n <= 0)
			bail("copy %s into a memfd: %s", path, errtext(n < 0 ? errno : EIO));
		done += n;
	}
	close(src);
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		bail("seal the finalize memfd: %s", errtext(errno));
	return mfd;
}

static void become_root_in_userns(void)
{
	if (setresgid(0, 0, 0) < 0)
		bail("setresgid 0 in the user namespace: %s", errtext(errno));
	if (setresuid(0, 0, 0) < 0)
		bail("setresuid 0 in the user namespace: %s", errtext(errno));
}

/* The clone child: the Node init for create, runts-finalize itself for exec. */
static void exec_next(struct plan *p, int mfd)
{
	static char *no_env[] = { NULL };
	char fdarg[16], syncarg[16], mntarg[16];
	if (p->direct_finalize) {
		snprintf(syncarg, sizeof syncarg, "%d", sync_fd);
		char *argv[] = { "runts:exec", syncarg, NULL };
		fcntl(mfd, F_SETFD, FD_CLOEXEC);
		fexecve(mfd, argv, no_env);
		bail("exec runts-finalize from its memfd: %s", errtext(errno));
	}
	snprintf(fdarg, sizeof fdarg, "%d", mfd);
	vec_push(&p->init_argv, &p->init_argc, fdarg);
	struct ns_join *mnt = deferred_mnt(p);
	if (mnt) {
		snprintf(mntarg, sizeof mntarg, "%d", mnt->fd);
		vec_push(&p->init_argv, &p->init_argc, mntarg);
		fcntl(mnt->fd, F_SETFD, 0);
	}
	execve(p->init_argv[0], p->init_argv, no_env);
	bail("exec the container init %s: %s", p->init_argv[0], errtext(errno));
}

int main(int argc, char **argv)
{
	struct plan p = { 0 };

	if (argc < 2)
		bail("usage: runts-nsexec SYNC_FD (started by runts, not by hand)");
	sync_fd = atoi(argv[1]);
	read_plan(&p);
	/* Before any join: a joined mount namespace hides the host's runts-finalize. */
	int mfd = sealed_copy(p.finalize_path);
	open_joins(&p);
	join(&p, 1);
	if ((p.clone_flags & CLONE_NEWUSER) && unshare(CLONE_NEWUSER) < 0)
		bail("unshare user namespace: %s", errtext(errno));
	send_pid(MSG_STAGE_PID, getpid());
	struct msg go;
	expect_msg(&go, MSG_STAGE_GO);
	if ((p.clone_flags & CLONE_NEWUSER) || joins_user(&p))
		become_root_in_userns();
	join(&p, 0);
	uint32_t rest = p.clone_flags & ~(uint32_t)CLONE_NEWUSER;
	if (rest && unshare((int)rest) < 0)
		bail("unshare namespaces 0x%x: %s", rest, errtext(errno));
	if (p.time_offsets && *p.time_offsets)
		write_time_offsets(p.time_offsets);
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		bail("clone the container init: %s", errtext(errno));
	if (pid == 0)
		exec_next(&p, mfd);
	send_pid(MSG_INIT_PID, pid);
	return 0;
}
