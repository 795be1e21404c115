/* multitool: the one static program every test bundle is built from. It reports what it sees from
 * inside the container, on stdout, in forms the tests parse.
 *
 *   multitool info                JSON: ids, groups, names, cwd, umask, caps, nnp, oom, rlimits, fds, env
 *   multitool cat PATH            the file's bytes
 *   multitool ls PATH             one name per line
 *   multitool stat PATH           "TYPE MODE UID GID MAJOR:MINOR" (lstat; TYPE is c b d f l p s)
 *   multitool readlink PATH       the symlink's target
 *   multitool keyring             the session keyring's description ("TYPE;UID;GID;PERM;NAME")
 *   multitool keyring-label       the session keyring's LSM label (KEYCTL_GET_SECURITY), or "errno NAME"
 *   multitool xattr PATH NAME     the extended attribute NAME of PATH (NULs dropped), or "errno NAME"
 *   multitool write PATH TEXT     writes TEXT; prints "ok" or "errno NAME"
 *   multitool mkdir PATH          prints "ok" or "errno NAME"
 *   multitool mount-tmpfs PATH    mounts a tmpfs on PATH; prints "ok" or "errno NAME"
 *   multitool sleep SECONDS       sleeps (fractions allowed)
 *   multitool exit N              exits with status N
 *   multitool echo ARGS...        prints ARGS joined by spaces
 *   multitool kill-self SIGNAL    raises SIGNAL (a number)
 *   multitool trap                prints "ready", waits for SIGTERM/SIGINT/SIGHUP, prints "got N", exits 0
 *   multitool hold                waits forever (pause)
 *   multitool count               prints 0, 1, 2, ... one a line, every 0.1 s, forever (checkpoint/restore)
 *   multitool syscall NAME        calls NAME (getpid, getppid, mkdir, chmod, uname, unshare, ptrace,
 *                                 personality, sethostname, openat2) and prints "ok" or "errno NAME"
 *   multitool sigsys NAME         the same, with a SIGSYS handler that prints "SIGSYS" (seccomp TRAP)
 *   multitool stdin               copies stdin to stdout
 *   multitool winsize             the terminal size of fd 0: "ROWS COLS", or "errno NAME"
 *   multitool winch [ROWS COLS]   prints the size ("size ROWS COLS"), waits for SIGWINCH (until the size is
 *                                 ROWS COLS, when given), prints "winch ROWS COLS"
 *   multitool then CMD1 ... -- CMD2 ...   runs CMD1 as a child, then CMD2 in this process
 *   multitool open PATH           opens PATH read-only; prints "ok" or "errno NAME"
 *   multitool alloc MB            allocates and touches MB MiB, one MiB at a time; prints "allocated MB"
 *   multitool exewatch WHO DIR [WANT]   CVE-2019-5736 with CAP_SYS_PTRACE, as an attacker in the container:
 *                                 holds /proc/PID/exe of a runtime stage with O_PATH, and once DIR/go exists
 *                                 (the stage has exited or exec'd its next stage) reopens it through
 *                                 /proc/self/fd/N for writing. WHO: a pid, or "other" (the one process of the
 *                                 pid namespace that is not this one), either once DIR/hold exists; or "next":
 *                                 in rounds, the next pid the namespace gives out, caught as fast as it can be,
 *                                 until its exe's path contains WANT, or is PATH for WANT "=PATH" (catch_wanted).
 *                                 Writes DIR/held ("PID EXE") once it holds the fd, then DIR/result: "exe PATH",
 *                                 "wronly ok|errno E",
 *                                 "pwrite ok|errno E|-" (the byte at offset 0 written back: proof without
 *                                 damage), "access ok|errno E" (W_OK), "trunc errno E|-" (O_RDWR|O_TRUNC, tried
 *                                 only where it must fail: EROFS from access, or EPERM from pwrite).
 *   multitool sched               "policy P nice N priority N flags 0xF runtime R deadline D period P" (sched_getattr)
 *   multitool ioprio              "class C priority N" (ioprio_get of this process)
 *   multitool affinity            the CPUs this process may run on: "0,1,3"
 *   multitool personality         "personality 0xP machine M" (personality(0xffffffff), uname's machine)
 *   multitool mempolicy           "mode 0xM nodes 0,1" (get_mempolicy: mode with its flags; nodes empty for none)
 *   multitool tcp-pair            a loopback TCP connection to a child of its own that echoes: sends 0, 1, 2, ...
 *                                 every 0.1 s and prints each number echoed back, one a line ("errno NAME" on failure)
 *   multitool unix-send PATH      a datagram socket connected to PATH (AF_UNIX): sends 0, 1, 2, ... every 0.1 s,
 *                                 printing each once sent ("send errno NAME" when a send fails)
 *   multitool unix-recv PATH      binds a datagram socket at PATH and prints each datagram it receives
 *   multitool lock PATH           takes a write lock (fcntl F_SETLK) on PATH, prints "locked", then counts as count
 *   multitool lockcheck PATH      who holds a lock on PATH (F_GETLK): "held PID" or "free"
 *   multitool hook FILE [N]       an OCI hook: appends one JSON line to FILE (argv, env, stdin, pid,
 *                                 cwd, open fds, mnt/pid/net ns links, mount points; and of the state's pid:
 *                                 root, exe, mnt ns, mount points), then exits with N (default 0)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM"; case ENOENT: return "ENOENT"; case EACCES: return "EACCES";
	case EROFS: return "EROFS"; case EEXIST: return "EEXIST"; case EINVAL: return "EINVAL";
	case ENOSYS: return "ENOSYS"; case EBADF: return "EBADF"; case ENOTDIR: return "ENOTDIR";
	case EBUSY: return "EBUSY"; case ENOSPC: return "ENOSPC"; case EXDEV: return "EXDEV";
	case ELOOP: return "ELOOP"; case EISDIR: return "EISDIR"; case ENODEV: return "ENODEV";
	case ETXTBSY: return "ETXTBSY"; case ESRCH: return "ESRCH"; case EFAULT: return "EFAULT";
	case ENOTTY: return "ENOTTY"; case ENODATA: return "ENODATA";
	}
	static char buf[32];
	snprintf(buf, sizeof buf, "%d", e);
	return buf;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') printf("\\%c", c);
		else if (c < 0x20) printf("\\u%04x", c);
		else putchar(c);
	}
	putchar('"');
}

static void status_field(const char *key, char *out, size_t n)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[512];
	size_t kl = strlen(key);
	out[0] = 0;
	if (!f) return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			char *v = line + kl + 1;
			while (*v == ' ' || *v == '\t') v++;
			v[strcspn(v, "\n")] = 0;
			snprintf(out, n, "%s", v);
		}
	}
	fclose(f);
}

static void read_small(const char *path, char *out, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd < 0 ? -1 : read(fd, out, n - 1);
	if (fd >= 0) close(fd);
	out[r < 0 ? 0 : r] = 0;
	out[strcspn(out, "\n")] = 0;
}

static const struct { const char *name; int res; } rlimits[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_STACK", RLIMIT_STACK }, { "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_LOCKS", RLIMIT_LOCKS }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

static void print_limit(rlim_t v)
{
	if (v == RLIM_INFINITY) printf("-1");
	else printf("%llu", (unsigned long long)v);
}

/* "fds":[0,1,2,...]: the open fds (the directory's own left out) */
static void json_fds(void)
{
	printf("\"fds\":[");
	DIR *d = opendir("/proc/self/fd");
	int first = 1, dfd = d ? dirfd(d) : -1;
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dfd) continue;
		printf("%s%s", first ? "" : ",", e->d_name);
		first = 0;
	}
	if (d) closedir(d);
	putchar(']');
}

static int cmd_info(void)
{
	char buf[4096], cwd[4096];
	struct utsname u;
	gid_t groups[256];
	int n = getgroups(256, groups);
	mode_t m = umask(0);
	umask(m);
	uname(&u);
	printf("{\"pid\":%d,\"ppid\":%d,\"uid\":%d,\"gid\":%d,\"euid\":%d,\"egid\":%d,\"groups\":[",
	       getpid(), getppid(), getuid(), getgid(), geteuid(), getegid());
	for (int i = 0; i < n; i++) printf("%s%d", i ? "," : "", groups[i]);
	printf("],\"hostname\":");
	json_str(u.nodename);
	printf(",\"domainname\":");
	json_str(u.domainname);
	printf(",\"cwd\":");
	json_str(getcwd(cwd, sizeof cwd) ? cwd : "");
	printf(",\"umask\":%d", (int)m);
	static const char *caps[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp" };
	for (size_t i = 0; i < sizeof caps / sizeof *caps; i++) {
		status_field(caps[i], buf, sizeof buf);
		printf(",\"%s\":", caps[i]);
		json_str(buf);
	}
	read_small("/proc/self/oom_score_adj", buf, sizeof buf);
	printf(",\"oomScoreAdj\":%s", buf[0] ? buf : "null");
	printf(",\"rlimits\":{");
	for (size_t i = 0; i < sizeof rlimits / sizeof *rlimits; i++) {
		struct rlimit rl;
		getrlimit(rlimits[i].res, &rl);
		printf("%s\"%s\":[", i ? "," : "", rlimits[i].name);
		print_limit(rl.rlim_cur);
		putchar(',');
		print_limit(rl.rlim_max);
		putchar(']');
	}
	printf("},");
	json_fds();
	printf(",\"env\":[");
	for (char **e = environ; *e; e++) {
		if (e != environ) putchar(',');
		json_str(*e);
	}
	printf("]}\n");
	return 0;
}

static int cmd_cat(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[65536];
	ssize_t r;
	if (fd < 0) { printf("errno %s\n", errname(errno)); return 1; }
	while ((r = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, r, stdout);
	close(fd);
	return r < 0;
}

static int cmd_ls(const char *path)
{
	DIR *d = opendir(path);
	if (!d) { printf("errno %s\n", errname(errno)); return 1; }
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) printf("%s\n", e->d_name);
	closedir(d);
	return 0;
}

static int cmd_stat(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0) { printf("errno %s\n", errname(errno)); return 1; }
	char t = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' : S_ISDIR(st.st_mode) ? 'd' :
		 S_ISLNK(st.st_mode) ? 'l' : S_ISFIFO(st.st_mode) ? 'p' : S_ISSOCK(st.st_mode) ? 's' : 'f';
	printf("%c %o %d %d %u:%u\n", t, st.st_mode & 07777, st.st_uid, st.st_gid,
	       major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

static int cmd_readlink(const char *path)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof buf - 1);
	if (n < 0) { printf("errno %s\n", errname(errno)); return 1; }
	printf("%.*s\n", (int)n, buf);
	return 0;
}

static int cmd_keyring(int op)
{
	char buf[4096];
	long n = syscall(SYS_keyctl, op, -3 /* KEY_SPEC_SESSION_KEYRING */, buf, sizeof buf - 1);
	if (n < 0) { printf("errno %s\n", errname(errno)); return 1; }
	buf[n < (long)sizeof buf ? n : (long)sizeof buf - 1] = 0;
	printf("%s\n", buf);
	return 0;
}

static int cmd_xattr(const char *path, const char *name)
{
	char buf[4096];
	ssize_t n = getxattr(path, name, buf, sizeof buf - 1);
	if (n < 0) { printf("errno %s\n", errname(errno)); return 1; }
	buf[n] = 0;
	printf("%s\n", buf);
	return 0;
}

static int result(int r)
{
	if (r < 0) printf("errno %s\n", errname(errno));
	else printf("ok\n");
	return r < 0;
}

static void print_bits(const unsigned char *mask, size_t len)
{
	const char *sep = "";
	for (size_t i = 0; i < len * 8; i++)
		if (mask[i / 8] >> (i % 8) & 1)
			printf("%s%zu", sep, i), sep = ",";
	printf("\n");
}

static int cmd_sched(void)
{
	uint32_t a[14] = { 0 }; /* struct sched_attr: size, policy, flags (u64), nice, priority, runtime, deadline, period (u64) */
	if (syscall(SYS_sched_getattr, 0, a, 56, 0) < 0) return result(-1);
	uint64_t flags, runtime, deadline, period;
	memcpy(&flags, a + 2, 8), memcpy(&runtime, a + 6, 8), memcpy(&deadline, a + 8, 8), memcpy(&period, a + 10, 8);
	printf("policy %u nice %d priority %u flags 0x%llx runtime %llu deadline %llu period %llu\n", a[1], (int32_t)a[4], a[5],
	       (unsigned long long)flags, (unsigned long long)runtime, (unsigned long long)deadline, (unsigned long long)period);
	return 0;
}

static int cmd_ioprio(void)
{
	long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
	if (v < 0) return result(-1);
	printf("class %ld priority %ld\n", v >> 13, v & 0x1fff);
	return 0;
}

static int cmd_affinity(void)
{
	unsigned char mask[1024] = { 0 };
	long n = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
	if (n < 0) return result(-1);
	print_bits(mask, (size_t)n);
	return 0;
}

static int cmd_personality(void)
{
	struct utsname u;
	int p = personality(0xffffffff);
	if (p < 0 || uname(&u) < 0) return result(-1);
	printf("personality 0x%x machine %s\n", p, u.machine);
	return 0;
}

static int cmd_mempolicy(void)
{
	int mode = 0;
	unsigned char nodes[128] = { 0 };
	if (syscall(SYS_get_mempolicy, &mode, nodes, sizeof nodes * 8, NULL, 0) < 0) return result(-1);
	printf("mode 0x%x nodes ", mode);
	print_bits(nodes, sizeof nodes);
	return 0;
}

static int cmd_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) return result(-1);
	int r = write(fd, text, strlen(text)) < 0 ? -1 : 0;
	close(fd);
	return result(r);
}

/* exewatch: files in DIR are the only way the test, a hook and this process talk. */
static int exists_in(const char *dir, const char *name)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static void wait_in(const char *dir, const char *name)
{
	struct timespec ms = { 0, 1000000 };
	while (!exists_in(dir, name))
		nanosleep(&ms, NULL);
}

static void put_in(const char *dir, const char *name, const char *text)
{
	char tmp[512], p[512];
	snprintf(tmp, sizeof tmp, "%s/.%s", dir, name);
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(tmp, "w");
	if (!f) { perror(tmp); exit(1); }
	fputs(text, f);
	fclose(f);
	rename(tmp, p);
}

static int pid_ns_last(void)
{
	char buf[32];
	read_small("/proc/sys/kernel/ns_last_pid", buf, sizeof buf);
	return atoi(buf);
}

/* The lowest pid in /proc other than this process. */
static int other_pid(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int best = 0;
	while (d && (e = readdir(d))) {
		int pid = atoi(e->d_name);
		if (pid > 0 && pid != getpid() && (!best || pid < best)) best = pid;
	}
	if (d) closedir(d);
	return best;
}

/* Spins on the pid the namespace gives out next until its exe opens; -1 once DIR/stop exists. */
static int catch_next(const char *dir, const char *stop, int *pid)
{
	char p[64];
	*pid = pid_ns_last() + 1;
	snprintf(p, sizeof p, "/proc/%d/exe", *pid);
	for (unsigned long i = 1;; i++) {
		int fd = open(p, O_PATH | O_CLOEXEC);
		if (fd >= 0) return fd;
		if (i % 4096 == 0 && exists_in(dir, stop)) return -1;
	}
}

static void fd_target(int fd, char *exe, size_t n)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	ssize_t r = readlink(p, exe, n - 1);
	exe[r < 0 ? 0 : r] = 0;
}

/* want: a part of the exe's path, or "=PATH" for the whole of it. */
static int wanted(const char *exe, const char *want)
{
	return want[0] == '=' ? !strcmp(exe, want + 1) : strstr(exe, want) != NULL;
}

/* Rounds: writes DIR/ready ("ROUND"), catches the next pid, writes DIR/seen-ROUND (its exe, or
 * "missed" once DIR/done-ROUND exists first); a catch whose exe is wanted is held ("held PID
 * EXE" in seen-ROUND and held), else the next round starts after DIR/done-ROUND. */
static int catch_wanted(const char *dir, const char *want, int *pid)
{
	char exe[256], name[32], num[16], seen[320];
	for (int round = 0;; round++) {
		snprintf(num, sizeof num, "%d", round);
		snprintf(name, sizeof name, "done-%d", round);
		put_in(dir, "ready", num);
		int fd = catch_next(dir, name, pid);
		if (fd >= 0) fd_target(fd, exe, sizeof exe);
		if (fd < 0) snprintf(seen, sizeof seen, "missed\n");
		else if (wanted(exe, want)) snprintf(seen, sizeof seen, "held %d %s\n", *pid, exe);
		else snprintf(seen, sizeof seen, "%s\n", exe);
		snprintf(name, sizeof name, "seen-%d", round);
		put_in(dir, name, seen);
		if (fd >= 0 && wanted(exe, want)) return fd;
		if (fd >= 0) close(fd);
		snprintf(name, sizeof name, "done-%d", round);
		wait_in(dir, name);
	}
}

static const char *attempt(int r)
{
	static char buf[8][32];
	static int n;
	char *b = buf[n++ % 8];
	snprintf(b, 32, r < 0 ? "errno %s" : "ok", errname(errno));
	return b;
}

static int cmd_exewatch(const char *who, const char *dir, const char *want)
{
	char p[64], exe[256] = "", held[320], res[1024];
	int pid, fd;
	if (!strcmp(who, "next")) {
		fd = catch_wanted(dir, want ? want : "", &pid);
	} else {
		wait_in(dir, "hold");
		pid = !strcmp(who, "other") ? other_pid() : atoi(who);
		snprintf(p, sizeof p, "/proc/%d/exe", pid);
		fd = open(p, O_PATH | O_CLOEXEC);
		if (fd < 0) { snprintf(held, sizeof held, "open %s: errno %s\n", p, errname(errno)); put_in(dir, "held", held); return 1; }
	}
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	fd_target(fd, exe, sizeof exe);
	snprintf(held, sizeof held, "%d %s\n", pid, exe);
	put_in(dir, "held", held);
	wait_in(dir, "go");
	/* The byte at offset 0 read through a read-only reopen and written back: a successful
	 * write proves the attack without damaging the host's binary. access(W_OK) tells a read-only
	 * mount or filesystem (EROFS) from a file that is only busy now (ETXTBSY), without opening it.
	 * O_TRUNC is tried only where it is known to fail: a read-only mount, or a sealed file. */
	unsigned char byte = 0;
	int ro = open(p, O_RDONLY | O_CLOEXEC);
	if (ro >= 0) { if (pread(ro, &byte, 1, 0) != 1) byte = 0x7f; close(ro); }
	int w = open(p, O_WRONLY | O_CLOEXEC);
	const char *wronly = attempt(w), *pw = "-", *trunc = "-";
	if (w >= 0) { pw = attempt(pwrite(w, &byte, 1, 0) == 1 ? 0 : -1); close(w); }
	const char *acc = attempt(access(p, W_OK));
	if (!strcmp(acc, "errno EROFS") || !strcmp(pw, "errno EPERM")) {
		int t = open(p, O_RDWR | O_TRUNC | O_CLOEXEC);
		trunc = attempt(t);
		if (t >= 0) close(t);
	}
	snprintf(res, sizeof res, "exe %s\nwronly %s\npwrite %s\naccess %s\ntrunc %s\n", exe, wronly, pw, acc, trunc);
	put_in(dir, "result", res);
	return 0;
}

static volatile sig_atomic_t got;
static void on_signal(int s) { got = s; }

static int cmd_trap(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	while (!got) pause();
	printf("got %d\n", (int)got);
	return 0;
}

static int cmd_syscall(const char *name)
{
	struct utsname u;
	if (!strcmp(name, "getpid")) return result(getpid());
	if (!strcmp(name, "getppid")) return result(getppid());
	if (!strcmp(name, "mkdir")) return result(mkdir("/tmp-multitool-mkdir", 0755));
	if (!strcmp(name, "chmod")) return result(chmod("/", 0755));
	if (!strcmp(name, "uname")) return result(uname(&u));
	if (!strcmp(name, "unshare")) return result(unshare(CLONE_NEWUTS));
	if (!strcmp(name, "ptrace")) return result((int)ptrace(PTRACE_PEEKUSER, getppid(), 0, 0) == -1 && errno ? -1 : 0);
	if (!strcmp(name, "personality")) return result(personality(0xffffffff));
	if (!strcmp(name, "sethostname")) return result(sethostname("multitool", 9));
	if (!strcmp(name, "openat2")) {
		struct { unsigned long long flags, mode, resolve; } how = { 0, 0, 0 };
		return result((int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how));
	}
	fprintf(stderr, "multitool: unknown syscall %s\n", name);
	return 2;
}

static void on_sigsys(int s)
{
	(void)s;
	(void)!write(1, "SIGSYS\n", 7);
}

static int cmd_sigsys(const char *name)
{
	struct sigaction sa = { .sa_handler = on_sigsys };
	sigaction(SIGSYS, &sa, NULL);
	return cmd_syscall(name);
}

static int cmd_stdin(void)
{
	char buf[65536];
	ssize_t r;
	while ((r = read(0, buf, sizeof buf)) > 0) fwrite(buf, 1, r, stdout);
	return 0;
}

static int cmd_winsize(const char *prefix)
{
	struct winsize ws;
	if (ioctl(0, TIOCGWINSZ, &ws) < 0) { printf("errno %s\n", errname(errno)); return 1; }
	printf("%s%u %u\n", prefix, ws.ws_row, ws.ws_col);
	return 0;
}

static int cmd_winch(int argc, char **argv)
{
	sigset_t set;
	struct winsize ws;
	int sig;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (cmd_winsize("size ")) return 1;
	fflush(stdout);
	do
		sigwait(&set, &sig);
	while (argc > 2 && ioctl(0, TIOCGWINSZ, &ws) == 0 && (ws.ws_row != atoi(argv[1]) || ws.ws_col != atoi(argv[2])));
	return cmd_winsize("winch ");
}

static void json_link(const char *key, const char *path)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof buf - 1);
	buf[n < 0 ? 0 : n] = 0;
	printf(",\"%s\":", key);
	json_str(buf);
}

static void json_mountpoints(const char *key, const char *mountinfo)
{
	FILE *f = fopen(mountinfo, "r");
	char line[4096], point[4096];
	int first = 1;
	printf(",\"%s\":[", key);
	while (f && fgets(line, sizeof line, f)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1) continue;
		if (!first) putchar(',');
		json_str(point);
		first = 0;
	}
	if (f) fclose(f);
	putchar(']');
}

/* The container process named by "pid" in the state on stdin, as /proc shows it to the hook. */
static void json_target(const char *state)
{
	const char *p = strstr(state, "\"pid\":");
	char path[64];
	if (!p) return;
	int pid = atoi(p + 6);
	printf(",\"target\":{\"pid\":%d", pid);
	snprintf(path, sizeof path, "/proc/%d/root", pid);
	json_link("root", path);
	snprintf(path, sizeof path, "/proc/%d/exe", pid);
	json_link("exe", path);
	snprintf(path, sizeof path, "/proc/%d/ns/mnt", pid);
	json_link("mntns", path);
	snprintf(path, sizeof path, "/proc/%d/mountinfo", pid);
	json_mountpoints("mounts", path);
	putchar('}');
}

/* One line per call: the hook's whole view, for the tests to parse. Written with one write(2). */
static char **whole_argv;

static int cmd_hook(const char *file, int status)
{
	static char in[65536], cwd[4096];
	size_t len = 0;
	for (ssize_t r; len < sizeof in - 1 && (r = read(0, in + len, sizeof in - 1 - len)) > 0;) len += r;
	in[len] = 0;
	char *line = NULL;
	size_t size = 0;
	FILE *saved = stdout;
	stdout = open_memstream(&line, &size);
	printf("{\"argv\":[");
	for (char **a = whole_argv; *a; a++) { if (a != whole_argv) putchar(','); json_str(*a); }
	printf("],\"env\":[");
	for (char **e = environ; *e; e++) { if (e != environ) putchar(','); json_str(*e); }
	printf("],\"stdin\":");
	json_str(in);
	printf(",\"pid\":%d,\"cwd\":", getpid());
	json_str(getcwd(cwd, sizeof cwd) ? cwd : "");
	putchar(',');
	json_fds();
	json_link("mntns", "/proc/self/ns/mnt");
	json_link("pidns", "/proc/self/ns/pid");
	json_link("netns", "/proc/self/ns/net");
	json_mountpoints("mounts", "/proc/self/mountinfo");
	json_target(in);
	printf("}\n");
	fclose(stdout);
	stdout = saved;
	int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, size) != (ssize_t)size) { perror(file); return 3; }
	close(fd);
	free(line);
	return status;
}

/* Sleeps 0.1 s (through signals). */
static void tick(void)
{
	struct timespec ts = { 0, 100000000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) ;
}

static int fail_errno(const char *what)
{
	printf("%serrno %s\n", what, errname(errno));
	return 1;
}

static int cmd_tcp_pair(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &len)) return fail_errno("");
	fflush(stdout);
	if (fork() == 0) {
		int c = accept(l, NULL, NULL);
		long v;
		while (c >= 0 && read(c, &v, sizeof v) == sizeof v && write(c, &v, sizeof v) == sizeof v) ;
		_exit(0);
	}
	close(l);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a)) return fail_errno("");
	for (long i = 0;; i++) {
		long v = -1;
		if (write(s, &i, sizeof i) != sizeof i || read(s, &v, sizeof v) != sizeof v) return fail_errno("");
		printf("%ld\n", v);
		tick();
	}
}

static int unix_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof a->sun_path, "%s", path);
	return socket(AF_UNIX, SOCK_DGRAM, 0);
}

static int cmd_unix_send(const char *path)
{
	struct sockaddr_un a;
	int s = unix_addr(path, &a);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a)) return fail_errno("");
	for (long i = 0;; i++) {
		char buf[32];
		int n = snprintf(buf, sizeof buf, "%ld", i);
		if (send(s, buf, n, 0) == n) printf("%ld\n", i);
		else printf("send errno %s\n", errname(errno));
		tick();
	}
}

static int cmd_unix_recv(const char *path)
{
	struct sockaddr_un a;
	int s = unix_addr(path, &a);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a)) return fail_errno("");
	for (char buf[64];;) {
		ssize_t n = recv(s, buf, sizeof buf - 1, 0);
		if (n < 0) return fail_errno("");
		buf[n] = 0;
		printf("%s\n", buf);
	}
}

static int cmd_lock(const char *path, int check)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || fcntl(fd, check ? F_GETLK : F_SETLK, &l)) return fail_errno("");
	if (check) {
		if (l.l_type == F_UNLCK) printf("free\n");
		else printf("held %d\n", (int)l.l_pid);
		return 0;
	}
	printf("locked\n");
	for (long i = 0;; i++) {
		printf("%ld\n", i);
		tick();
	}
}

static int run(int argc, char **argv);

static int cmd_alloc(long mb)
{
	for (long i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);
		if (!p) { printf("errno %s\n", errname(errno)); return 1; }
		memset(p, 1, 1 << 20);
	}
	printf("allocated %ld\n", mb);
	return 0;
}

static int cmd_then(int argc, char **argv)
{
	int sep = 0;
	while (sep < argc && strcmp(argv[sep], "--")) sep++;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) { argv[sep] = NULL; exit(run(sep, argv)); }
	waitpid(pid, NULL, 0);
	return sep < argc ? run(argc - sep - 1, argv + sep + 1) : 0;
}

static int run(int argc, char **argv)
{
	if (argc < 1) { fprintf(stderr, "usage: multitool CMD [ARGS]\n"); return 2; }
	const char *c = argv[0];
	if (!strcmp(c, "info")) return cmd_info();
	if (!strcmp(c, "cat") && argc > 1) return cmd_cat(argv[1]);
	if (!strcmp(c, "ls") && argc > 1) return cmd_ls(argv[1]);
	if (!strcmp(c, "stat") && argc > 1) return cmd_stat(argv[1]);
	if (!strcmp(c, "readlink") && argc > 1) return cmd_readlink(argv[1]);
	if (!strcmp(c, "keyring")) return cmd_keyring(6 /* KEYCTL_DESCRIBE */);
	if (!strcmp(c, "keyring-label")) return cmd_keyring(17 /* KEYCTL_GET_SECURITY */);
	if (!strcmp(c, "xattr") && argc > 2) return cmd_xattr(argv[1], argv[2]);
	if (!strcmp(c, "write") && argc > 2) return cmd_write(argv[1], argv[2]);
	if (!strcmp(c, "mkdir") && argc > 1) return result(mkdir(argv[1], 0755));
	if (!strcmp(c, "mount-tmpfs") && argc > 1) return result(mount("tmpfs", argv[1], "tmpfs", 0, NULL));
	if (!strcmp(c, "exit") && argc > 1) return atoi(argv[1]);
	if (!strcmp(c, "kill-self") && argc > 1) { fflush(stdout); raise(atoi(argv[1])); return 99; }
	if (!strcmp(c, "trap")) return cmd_trap();
	if (!strcmp(c, "hold")) { for (;;) pause(); }
	if (!strcmp(c, "count")) {
		for (long i = 0;; i++) {
			struct timespec ts = { 0, 100000000 };
			printf("%ld\n", i);
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR) ;
		}
	}
	if (!strcmp(c, "syscall") && argc > 1) return cmd_syscall(argv[1]);
	if (!strcmp(c, "sigsys") && argc > 1) return cmd_sigsys(argv[1]);
	if (!strcmp(c, "stdin")) return cmd_stdin();
	if (!strcmp(c, "winsize")) return cmd_winsize("");
	if (!strcmp(c, "winch")) return cmd_winch(argc, argv);
	if (!strcmp(c, "then")) return cmd_then(argc - 1, argv + 1);
	if (!strcmp(c, "true")) return 0;
	if (!strcmp(c, "open") && argc > 1) { int fd = open(argv[1], O_RDONLY | O_CLOEXEC); int r = result(fd); if (fd >= 0) close(fd); return r; }
	if (!strcmp(c, "alloc") && argc > 1) return cmd_alloc(atol(argv[1]));
	if (!strcmp(c, "exewatch") && argc > 2) return cmd_exewatch(argv[1], argv[2], argc > 3 ? argv[3] : NULL);
	if (!strcmp(c, "sched")) return cmd_sched();
	if (!strcmp(c, "ioprio")) return cmd_ioprio();
	if (!strcmp(c, "affinity")) return cmd_affinity();
	if (!strcmp(c, "personality")) return cmd_personality();
	if (!strcmp(c, "mempolicy")) return cmd_mempolicy();
	if (!strcmp(c, "tcp-pair")) return cmd_tcp_pair();
	if (!strcmp(c, "unix-send") && argc > 1) return cmd_unix_send(argv[1]);
	if (!strcmp(c, "unix-recv") && argc > 1) return cmd_unix_recv(argv[1]);
	if (!strcmp(c, "lock") && argc > 1) return cmd_lock(argv[1], 0);
	if (!strcmp(c, "lockcheck") && argc > 1) return cmd_lock(argv[1], 1);
	if (!strcmp(c, "hook") && argc > 1) return cmd_hook(argv[1], argc > 2 ? atoi(argv[2]) : 0);
	if (!strcmp(c, "echo")) {
		for (int i = 1; i < argc; i++) printf("%s%s", i > 1 ? " " : "", argv[i]);
		printf("\n");
		return 0;
	}
	if (!strcmp(c, "sleep") && argc > 1) {
		double s = atof(argv[1]);
		struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR) ;
		return 0;
	}
	fprintf(stderr, "multitool: unknown command %s\n", c);
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	whole_argv = argv;
	int r = run(argc - 1, argv + 1);
	fflush(stdout);
	return r;
}
