/* runts-finalize: the last mile. Exec'd by the Node init from a sealed memfd after pivot_root,
 * as the container's PID 1, with argv = [name, SYNC_FD]. Reads FINALIZE_PLAN, sets rlimits,
 * closes every fd it was not told to keep, enters cwd and finds the executable (reporting
 * READY or ERROR to `runts create`), then waits on the exec socket for `runts start`: runs the
 * startContainer hooks, sets groups/uid/gid, capabilities, no_new_privs and seccomp, and execs
 * the process. The start connection is close-on-exec, so a successful exec reads as EOF there.
 * Scheduler, I/O priority, personality, memory policy and CPU affinity: extras.h.
 * LSM labels (lsm.h) are set where runc sets them: for create before READY, so a label the
 * kernel refuses fails create; for exec the SELinux label before seccomp and the user change,
 * the AppArmor profile after it. */
#include "common.h"
#include "console.h"
#include "extras.h"
#include "lsm.h"
#include "seccomp.h"
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MAX_KEEP 256

struct hook { char *path; char **argv, **envp; size_t argc, envc; uint32_t timeout; };

struct plan {
	char **argv, **envp;
	size_t argc, envc;
	char *cwd, *state_json, *keyring, *apparmor, *label;
	uint32_t uid, gid, umask, has_umask, nnp, no_process;
	gid_t gids[256];
	size_t ngids;
	uint64_t caps[5]; /* bounding, effective, inheritable, permitted, ambient */
	int has_caps;
	struct { uint32_t res; uint64_t soft, hard; } rlimits[32];
	size_t nrlimits;
	struct seccomp_plan seccomp;
	struct extras extras;
	struct hook hooks[32];
	size_t nhooks;
	int exec_sock, console_sock, mount_console, labels_set;
	uint32_t console_rows, console_cols;
	int keep[MAX_KEEP];
	size_t nkeep;
};

static void add_hook_attr(struct plan *p, const struct attr *a)
{
	if (a->type == ATTR_HOOK_PATH) {
		if (p->nhooks == 32)
			bail("too many startContainer hooks");
		p->hooks[p->nhooks++].path = attr_str(a);
		return;
	}
	if (!p->nhooks)
		bail("protocol: hook attribute before HOOK_PATH");
	struct hook *h = &p->hooks[p->nhooks - 1];
	if (a->type == ATTR_HOOK_ARG)
		vec_push(&h->argv, &h->argc, attr_str(a));
	else if (a->type == ATTR_HOOK_ENV)
		vec_push(&h->envp, &h->envc, attr_str(a));
	else
		h->timeout = attr_u32(a);
}

static void add_attr(struct plan *p, const struct attr *a)
{
	if (add_extras_attr(&p->extras, a))
		return;
	switch (a->type) {
	case ATTR_ARG: vec_push(&p->argv, &p->argc, attr_str(a)); break;
	case ATTR_ENV: vec_push(&p->envp, &p->envc, attr_str(a)); break;
	case ATTR_CWD: p->cwd = attr_str(a); break;
	case ATTR_UID: p->uid = attr_u32(a); break;
	case ATTR_GID: p->gid = attr_u32(a); break;
	case ATTR_UMASK: p->umask = attr_u32(a), p->has_umask = 1; break;
	case ATTR_NO_NEW_PRIVS: p->nnp = attr_u32(a); break;
	case ATTR_NO_PROCESS: p->no_process = attr_u32(a); break;
	case ATTR_SECCOMP_FLAGS: p->seccomp.flags = attr_u32(a); break;
	case ATTR_STATE_JSON: p->state_json = attr_str(a); break;
	case ATTR_SESSION_KEYRING: p->keyring = attr_str(a); break;
	case ATTR_APPARMOR_PROFILE: p->apparmor = attr_str(a); break;
	case ATTR_PROCESS_LABEL: p->label = attr_str(a); break;
	case ATTR_EXEC_SOCK_FD: p->exec_sock = (int)attr_u32(a); break;
	case ATTR_CONSOLE_SOCK_FD: p->console_sock = (int)attr_u32(a); break;
	case ATTR_MOUNT_CONSOLE: p->mount_console = (int)attr_u32(a); break;
	case ATTR_CONSOLE_SIZE:
		if (a->len != 8)
			bail("protocol: bad console size attribute");
		memcpy(&p->console_rows, a->val, 4), memcpy(&p->console_cols, a->val + 4, 4);
		break;
	case ATTR_ADDITIONAL_GID:
		if (p->ngids == 256)
			bail("too many additional gids");
		p->gids[p->ngids++] = attr_u32(a);
		break;
	case ATTR_KEEP_FD:
		if (p->nkeep == MAX_KEEP)
			bail("too many preserved fds");
		p->keep[p->nkeep++] = (int)attr_u32(a);
		break;
	case ATTR_CAPS:
		if (a->len != sizeof p->caps)
			bail("protocol: bad capabilities attribute");
		memcpy(p->caps, a->val, sizeof p->caps), p->has_caps = 1;
		break;
	case ATTR_RLIMIT:
		if (p->nrlimits == 32 || a->len != 20)
			bail("protocol: bad rlimit attribute");
		memcpy(&p->rlimits[p->nrlimits].res, a->val, 4);
		memcpy(&p->rlimits[p->nrlimits].soft, a->val + 4, 8);
		memcpy(&p->rlimits[p->nrlimits].hard, a->val + 12, 8);
		p->nrlimits++;
		break;
	case ATTR_SECCOMP_BPF:
		p->seccomp.filter = malloc(a->len);
		memcpy(p->seccomp.filter, a->val, a->len);
		p->seccomp.nfilter = a->len / sizeof *p->seccomp.filter;
		break;
	case ATTR_HOOK_PATH: case ATTR_HOOK_ARG: case ATTR_HOOK_ENV: case ATTR_HOOK_TIMEOUT:
		add_hook_attr(p, a);
		break;
	}
}

static void read_plan(struct plan *p)
{
	struct msg m;
	struct attr a;
	size_t off = 0;
	p->exec_sock = p->console_sock = -1;
	expect_msg(&m, MSG_FINALIZE_PLAN);
	while (next_attr(&m, &off, &a))
		add_attr(p, &a);
	if (!p->cwd)
		bail("protocol: FINALIZE_PLAN lacks cwd");
	if (!p->no_process && !p->argc)
		bail("protocol: FINALIZE_PLAN has a process without args");
}

static int kept(const struct plan *p, int fd)
{
	if (fd <= 2 || fd == sync_fd || fd == p->exec_sock || fd == p->console_sock)
		return 1;
	for (size_t i = 0; i < p->nkeep; i++)
		if (p->keep[i] == fd)
			return 1;
	return 0;
}

/* Closes every fd above 2 that is not kept (CVE-2024-21626: no host fd may reach the
 * container, nor serve as its cwd). */
static void close_other_fds(const struct plan *p)
{
	int top = 2;
	for (int fd = 3; fd < 65536; fd++)
		if (kept(p, fd))
			top = fd > top ? fd : top;
	for (int fd = 3; fd <= top; fd++)
		if (!kept(p, fd))
			close(fd);
	if (syscall(SYS_close_range, top + 1, ~0U, 0) < 0)
		for (int fd = top + 1; fd < 65536; fd++)
			close(fd);
}

static void set_rlimits(const struct plan *p)
{
	for (size_t i = 0; i < p->nrlimits; i++) {
		struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard };
		if (setrlimit((int)p->rlimits[i].res, &rl) < 0)
			bail("error setting rlimit type %u: %s", p->rlimits[i].res, errtext(errno));
	}
}

/* A new session keyring, so the container does not share the caller's (runc does the same;
 * kernels without keyrings answer ENOSYS, and that is fine), made with the process's label. */
static void join_keyring(const struct plan *p)
{
	if (!p->keyring)
		return;
	if (p->label)
		set_key_label(p->label);
	if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, p->keyring) < 0 && errno != ENOSYS)
		bail("join session keyring %s: %s", p->keyring, errtext(errno));
	if (p->label)
		set_key_label("");
}

static void enter_cwd(const struct plan *p)
{
	char here[4096];
	if (chdir(p->cwd) < 0)
		bail("chdir to cwd (\"%s\") set in config.json failed: %s", p->cwd, errtext(errno));
	if (!getcwd(here, sizeof here) || here[0] != '/')
		bail("current working directory is outside of container mount namespace root -- possible container breakout detected");
}

/* The home directory of uid in the container's /etc/passwd (a regular file only), or "/". */
static char *passwd_home(uint32_t uid)
{
	static char line[4096];
	struct stat st;
	int fd = open("/etc/passwd", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *f = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? fdopen(fd, "r") : NULL;
	if (!f && fd >= 0)
		close(fd);
	while (f && fgets(line, sizeof line, f)) {
		char *field[7] = { 0 }, *s = line;
		line[strcspn(line, "\n")] = 0;
		for (int i = 0; i < 7 && s; i++)
			field[i] = strsep(&s, ":");
		if (field[5] && *field[2] && strspn(field[2], "0123456789") == strlen(field[2]) &&
		    strtoul(field[2], NULL, 10) == uid) {
			fclose(f);
			return field[5];
		}
	}
	if (f)
		fclose(f);
	return "/";
}

/* As runc: a process whose env has no (or an empty) HOME gets the user's home from the
 * container's /etc/passwd, or "/". */
static void default_home(struct plan *p)
{
	size_t i = 0;
	while (i < p->envc && strncmp(p->envp[i], "HOME=", 5))
		i++;
	if (i < p->envc && p->envp[i][5])
		return;
	const char *home = passwd_home(p->uid);
	char *entry = malloc(strlen(home) + 6);
	if (!entry)
		bail("out of memory");
	sprintf(entry, "HOME=%s", home);
	if (i < p->envc)
		p->envp[i] = entry;
	else
		vec_push(&p->envp, &p->envc, entry);
}

static int is_executable(const char *path, int *err)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return *err = errno, 0;
	if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
		return *err = EACCES, 0;
	return 1;
}

static const char *env_path(const struct plan *p)
{
	for (size_t i = 0; i < p->envc; i++)
		if (!strncmp(p->envp[i], "PATH=", 5))
			return p->envp[i] + 5;
	return NULL;
}

/* Finds argv[0] the way Go's exec.LookPath does in runc's init, with the process's PATH. */
static char *look_path(const struct plan *p)
{
	const char *name = p->argv[0];
	int err = 0;
	if (strchr(name, '/')) {
		if (!is_executable(name, &err))
			bail("exec: \"%s\": stat %s: %s", name, name, errtext(err));
		return strdup(name);
	}
	const char *path = env_path(p);
	for (const char *dir = path; dir && *dir;) {
		const char *end = strchrnul(dir, ':');
		char cand[4096];
		snprintf(cand, sizeof cand, "%.*s/%s", (int)(end - dir), end == dir ? "." : dir, name);
		if (is_executable(cand, &err))
			return strdup(cand);
		dir = *end ? end + 1 : end;
	}
	bail("exec: \"%s\": executable file not found in $PATH", name);
}

/* Runs one startContainer hook with the state on stdin; returns NULL or an error text. */
/* Every signal back to its default, none blocked: the Node init ignored SIGPIPE and SIGXFSZ
 * (Node does), and an ignored signal survives execve. runc's process starts with neither. */
static void default_signals(void)
{
	sigset_t none;
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static char *run_hook(const struct hook *h, const char *state)
{
	static char err[1024];
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return snprintf(err, sizeof err, "pipe: %s", errtext(errno)), err;
	pid_t pid = fork();
	if (pid < 0)
		return snprintf(err, sizeof err, "fork: %s", errtext(errno)), err;
	if (pid == 0) {
		dup2(in[0], 0), dup2(out[1], 1), dup2(out[1], 2);
		/* the state, stdout and stderr only: not the preserved fds, nor the exec socket */
		if (syscall(SYS_close_range, 3, ~0U, 0) < 0)
			for (int fd = 3; fd < 65536; fd++)
				close(fd);
		default_signals();
		if (chdir("/") < 0) /* the container's root, as runc runs startContainer hooks */
			_exit(127);
		char *dflt[] = { h->path, NULL };
		execve(h->path, h->argv ? h->argv : dflt, h->envp ? h->envp : (char *[]){ NULL });
		dprintf(2, "exec %s: %s", h->path, errtext(errno));
		_exit(127);
	}
	close(in[0]), close(out[1]);
	void (*pipe_was)(int) = signal(SIGPIPE, SIG_IGN);
	if (state)
		(void)!write(in[1], state, strlen(state));
	close(in[1]);
	signal(SIGPIPE, pipe_was); /* the process must not inherit an ignored SIGPIPE */
	char output[512] = "";
	size_t olen = 0;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), status = 0;
	struct pollfd pf[2] = { { out[0], POLLIN, 0 }, { pidfd, POLLIN, 0 } };
	int timeout = h->timeout ? (int)h->timeout * 1000 : -1;
	while (poll(pf, 2, timeout) > 0 && !(pf[1].revents & POLLIN)) {
		char tmp[256];
		ssize_t n = read(out[0], tmp, sizeof tmp);
		if (n <= 0) { pf[0].fd = -1; continue; }
		size_t take = (size_t)n < sizeof output - 1 - olen ? (size_t)n : sizeof output - 1 - olen;
		memcpy(output + olen, tmp, take), olen += take, output[olen] = 0;
	}
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL), waitpid(pid, &status, 0);
		return snprintf(err, sizeof err, "error running startContainer hook %s: timeout after %u seconds", h->path, h->timeout), err;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NULL;
	if (WIFEXITED(status))
		snprintf(err, sizeof err, "error running startContainer hook %s: exit status %d, output: %s", h->path, WEXITSTATUS(status), output);
	else /* named as the parent's hook runner names it: "signal: SIGKILL" */
		snprintf(err, sizeof err, "error running startContainer hook %s: signal: SIG%s, output: %s", h->path,
			 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?", output);
	return err;
}

/* After READY, sync_fd is the `runts start` connection: errors go there as ERROR messages, as
 * they go to the parent in exec mode (and before READY). */
static void wait_for_start(const struct plan *p)
{
	char c;
	do
		sync_fd = accept4(p->exec_sock, NULL, NULL, SOCK_CLOEXEC);
	while (sync_fd < 0 && errno == EINTR);
	if (sync_fd < 0)
		_exit(1);
	close(p->exec_sock);
	if (read(sync_fd, &c, 1) != 1)
		_exit(1);
	if (p->no_process)
		bail("cannot start a container that has no process: config.json has no \"process\"");
}

static void set_caps(const struct plan *p)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(p->caps[1] >> (32 * i));
		data[i].inheritable = (uint32_t)(p->caps[2] >> (32 * i));
		data[i].permitted = (uint32_t)(p->caps[3] >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		bail("capset: %s", errtext(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		bail("clear ambient capabilities: %s", errtext(errno));
	/* As runc: an ambient capability the kernel refuses (not in the inheritable and permitted
	 * sets, which runc's default spec asks for) is left out, not an error. */
	for (int cap = 0; cap < 64; cap++)
		if (p->caps[4] >> cap & 1)
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
}

static void drop_bounding(const struct plan *p)
{
	for (int cap = 0; cap < 64; cap++) {
		if (p->caps[0] >> cap & 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break; /* past the kernel's last capability */
			bail("drop capability %d from the bounding set: %s", cap, errtext(errno));
		}
	}
}

/* As runc: stdio the process's user does not own becomes its (uid only; /dev/null is left
 * alone), so that it can reopen /dev/stdout and the like. A refusal is not an error. */
static void own_stdio(const struct plan *p)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0 || st.st_uid == p->uid)
			continue;
		if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3)
			continue;
		if (fchown(fd, p->uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM)
			bail("fchown stdio fd %d: %s", fd, errtext(errno));
	}
}

static void set_user(const struct plan *p)
{
	own_stdio(p);
	if (p->has_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		bail("prctl(PR_SET_KEEPCAPS): %s", errtext(errno));
	if (p->has_caps)
		drop_bounding(p);
	if (setgroups(p->ngids, p->gids) < 0 && !(errno == EPERM && p->ngids == 0))
		bail("setgroups: %s", errtext(errno));
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		bail("setresgid %u: %s", p->gid, errtext(errno));
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		bail("setresuid %u: %s", p->uid, errtext(errno));
	if (p->has_caps) {
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
		set_caps(p);
	}
}

static void apply_seccomp(const struct plan *p)
{
	const char *failed = load_seccomp(&p->seccomp);
	if (failed)
		bail("%s: %s", failed, errtext(errno));
}

/* startContainer hooks run last, in the process's own context (user, capabilities, seccomp
 * filter), as runc runs them right before its execve. */
static void run_start_hooks(const struct plan *p)
{
	for (size_t i = 0; i < p->nhooks; i++) {
		char *err = run_hook(&p->hooks[i], p->state_json);
		if (err)
			bail("%s", err);
	}
}

static void exec_process(const struct plan *p, const char *path)
{
	final_affinity(&p->extras);
	default_signals(); /* before seccomp: a profile may refuse rt_sigaction */
	if (p->has_umask)
		umask((mode_t)p->umask);
	if (!p->labels_set)
		set_exec_label(p->label, "");
	/* seccomp needs no_new_privs or CAP_SYS_ADMIN: without NNP, load it before the user change. */
	if (p->seccomp.filter && !p->nnp)
		apply_seccomp(p);
	set_user(p);
	if (!p->labels_set)
		apply_apparmor(p->apparmor, "");
	if (p->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		bail("prctl(PR_SET_NO_NEW_PRIVS): %s", errtext(errno));
	if (p->seccomp.filter && p->nnp)
		apply_seccomp(p);
	run_start_hooks(p);
	for (size_t i = 0; i < p->nkeep; i++) /* after the hooks: they get stdio only */
		fcntl(p->keep[i], F_SETFD, 0);
	execve(path, p->argv, p->envp ? p->envp : (char *[]){ NULL });
	bail("exec %s: %s", path, errtext(errno));
}

int main(int argc, char **argv)
{
	struct plan p = { 0 };
	char *path = NULL;
	if (argc < 2)
		bail("usage: runts-finalize SYNC_FD (started by runts, not by hand)");
	sync_fd = atoi(argv[1]);
	prctl(PR_SET_NAME, "runts:init", 0, 0, 0);
	read_plan(&p);
	initial_affinity(&p.extras);
	close_other_fds(&p);
	set_rlimits(&p);
	join_keyring(&p);
	enter_cwd(&p);
	if (!p.no_process) {
		default_home(&p);
		path = look_path(&p);
	}
	/* A session of its own, as runc's init and exec'd processes (with a console, attach_console's
	 * setsid makes the pty its controlling terminal): neither the caller's terminal job control
	 * nor its process group reach into the container, and criu can dump it (a session leader
	 * outside the container's pid namespace stops a dump without --shell-job). */
	if (p.console_sock < 0 && setsid() < 0)
		bail("setsid failed: %s", errtext(errno));
	/* The slave is stdio from now on, as in runc: a created container must not hold the
	 * caller's stdio open (containerd's shim reads `create`'s output to its end). */
	if (p.console_sock >= 0 &&
	    attach_console(setup_console(p.console_sock, p.mount_console, p.console_rows, p.console_cols), p.uid) < 0)
		bail("make the console the controlling terminal: %s", errtext(errno));
	apply_extras(&p.extras);
	if (p.exec_sock < 0) {
		/* exec: no start to wait for; the parent reads EOF once execve() closes this. */
		fcntl(sync_fd, F_SETFD, FD_CLOEXEC);
		exec_process(&p, path);
	}
	apply_apparmor(p.apparmor, "unable to apply apparmor profile: ");
	set_exec_label(p.label, "can't set process label: ");
	p.labels_set = 1;
	send_msg(MSG_READY, NULL, 0);
	close(sync_fd);
	sync_fd = -1;
	wait_for_start(&p);
	exec_process(&p, path);
	return 1;
}
