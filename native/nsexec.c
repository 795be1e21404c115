/* runts-nsexec: the namespace stage. Started by the runts parent with the sync socket's fd
 * number as argv[1]. Reads NS_PLAN, joins namespaces given by path, creates the new ones, and
 * clones the container's init (CLONE_PARENT, so the init is the parent's child), which execs the
 * init's engine. The parent gives runts-finalize and the engine as sealed fds (FINALIZE_FD,
 * ENGINE_FD: src/linux/exe-seal.ts), so no stage that runs in the container's pid namespace can
 * be written through /proc/<pid>/exe. See src/protocol/messages.ts.
 * A mount namespace given by path is not joined here for create: node, init.js and koffi would
 * then be looked up in it (another container's filesystem, perhaps). The init gets its fd and
 * joins it once everything is loaded (src/linux/namespace.ts). exec joins it here: it runs
 * nothing but the sealed runts-finalize. */
#include "common.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
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
	char *time_offsets;
	int finalize_fd, engine_fd;
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
		case ATTR_FINALIZE_FD: p->finalize_fd = (int)attr_u32(&a); break;
		case ATTR_ENGINE_FD: p->engine_fd = (int)attr_u32(&a); break;
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
	if ((!p->direct_finalize && (!p->init_argc || p->engine_fd < 3)) || p->finalize_fd < 3)
		bail("protocol: NS_PLAN lacks the init command, the engine fd or the finalize fd");
	/* Only the finalize fd reaches the init (it execs it); the engine fd is exec'd. */
	if (p->engine_fd >= 3)
		fcntl(p->engine_fd, F_SETFD, FD_CLOEXEC);
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

static void become_root_in_userns(void)
{
	if (setresgid(0, 0, 0) < 0)
		bail("setresgid 0 in the user namespace: %s", errtext(errno));
	if (setresuid(0, 0, 0) < 0)
		bail("setresuid 0 in the user namespace: %s", errtext(errno));
}

/* The clone child: the init's engine for create, runts-finalize itself for exec. */
static void exec_next(struct plan *p)
{
	int mfd = p->finalize_fd; /* inherited by the init, which execs it after pivot_root */
	static char *no_env[] = { NULL };
	char fdarg[16], syncarg[16], mntarg[16];
	if (p->direct_finalize) {
		snprintf(syncarg, sizeof syncarg, "%d", sync_fd);
		char *argv[] = { "runts:exec", syncarg, NULL };
		fcntl(mfd, F_SETFD, FD_CLOEXEC);
		fexecve(mfd, argv, no_env);
		bail("exec runts-finalize (sealed fd %d): %s", mfd, errtext(errno));
	}
	snprintf(fdarg, sizeof fdarg, "%d", mfd);
	vec_push(&p->init_argv, &p->init_argc, fdarg);
	struct ns_join *mnt = deferred_mnt(p);
	if (mnt) {
		snprintf(mntarg, sizeof mntarg, "%d", mnt->fd);
		vec_push(&p->init_argv, &p->init_argc, mntarg);
		fcntl(mnt->fd, F_SETFD, 0);
	}
	syscall(SYS_execveat, p->engine_fd, "", p->init_argv, no_env, AT_EMPTY_PATH);
	bail("exec the container init %s: %s", p->init_argv[0], errtext(errno));
}

int main(int argc, char **argv)
{
	struct plan p = { 0 };

	if (argc < 2)
		bail("usage: runts-nsexec SYNC_FD (started by runts, not by hand)");
	sync_fd = atoi(argv[1]);
	p.finalize_fd = p.engine_fd = -1;
	read_plan(&p);
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
		exec_next(&p);
	send_pid(MSG_INIT_PID, pid);
	return 0;
}
