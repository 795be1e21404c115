/* bench/measure [--no-cgroup2] PROGRAM [ARG...]: runs ARGV with stdout to /dev/null and prints "WALL_US MAXRSS_KB CPU_US" of
 * that one process (wall time from fork to its exit; peak RSS and user+system CPU time from
 * wait4's rusage, its own, not its children's). Exits 1 if it failed, with its status on stderr.
 * --no-cgroup2: the child first enters a private mount namespace without the cgroup2 mount at
 * /sys/fs/cgroup/unified (crun refuses this host's hybrid mode otherwise); that costs a few
 * hundred microseconds, counted in the runtime's time. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	int no_cgroup2 = argc > 1 && !strcmp(argv[1], "--no-cgroup2");
	if (no_cgroup2) { argv++; argc--; }
	if (argc < 2) {
		fprintf(stderr, "usage: measure [--no-cgroup2] PROGRAM [ARG...]\n");
		return 2;
	}
	long long t0 = now_us();
	pid_t pid = fork();
	if (pid < 0) { perror("fork"); return 1; }
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0) dup2(null, 1);
		if (no_cgroup2 && (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
				   (umount2("/sys/fs/cgroup/unified", MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT))) {
			perror("measure: a mount namespace without cgroup2");
			_exit(127);
		}
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) { perror("wait4"); return 1; }
	long long t1 = now_us();
	long long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	printf("%lld %ld %lld\n", t1 - t0, ru.ru_maxrss, cpu);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "measure: %s failed (status %d)\n", argv[1], status);
		return 1;
	}
	return 0;
}
