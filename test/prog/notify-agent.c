/* notify-agent: a seccomp agent for the SCMP_ACT_NOTIFY tests (config-linux.md, listenerPath).
 *
 *   notify-agent SOCKET LOG ERRNO [NR]
 *
 * Listens on the AF_UNIX stream socket SOCKET. Each connection carries one container process
 * state (JSON) and one SCM_RIGHTS fd, the seccomp listener; the JSON is appended to LOG as one
 * line, with "fds=N" on the next line (how many fds came with it). Every notified syscall on any
 * listener is logged as "syscall NR PID" and answered with -ERRNO (0: success, the syscall not
 * run); with NR, only syscall NR is, and the others run (SECCOMP_USER_NOTIF_FLAG_CONTINUE).
 * Runs until killed; each listener is served by a child process that dies with it. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static FILE *logf;
static int answer, only = -1;

static void die(const char *what)
{
	fprintf(stderr, "notify-agent: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || strlen(path) >= sizeof sa.sun_path)
		die("socket");
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 8) < 0)
		die("bind/listen");
	return fd;
}

/* Reads the whole state (the runtime closes the connection after it); returns the listener fd. */
static int receive(int conn)
{
	static char state[1 << 20];
	size_t len = 0;
	int fd = -1, nfds = 0;
	for (;;) {
		union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int) * 4)]; } ctl;
		struct iovec iov = { state + len, sizeof state - 1 - len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
		ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
		if (n <= 0)
			break;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			if (fd < 0)
				memcpy(&fd, CMSG_DATA(c), sizeof fd);
			nfds += k;
		}
		len += (size_t)n;
	}
	state[len] = 0;
	fprintf(logf, "%s\nfds=%d\n", state, nfds);
	fflush(logf);
	close(conn);
	return fd;
}

/* Answers one notification; returns -1 when the listener is gone. */
static int respond(int fd)
{
	struct seccomp_notif_sizes sizes;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		die("SECCOMP_GET_NOTIF_SIZES");
	struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
	struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
	int ret = 0;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
		ret = errno == EINTR || errno == ENOENT ? 0 : -1;
		goto out;
	}
	fprintf(logf, "syscall %d %u\n", req->data.nr, req->pid);
	fflush(logf);
	resp->id = req->id;
	if (only >= 0 && req->data.nr != only)
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else
		resp->error = -answer;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
		ret = -1;
out:
	free(req), free(resp);
	return ret;
}

/* One process per listener: a blocked SECCOMP_IOCTL_NOTIF_RECV (the notifying task died between
 * poll and receive) then holds up only that container. It dies with the agent. */
static void serve(int fd)
{
	if (fork() != 0) {
		close(fd);
		return;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	struct pollfd pf = { fd, POLLIN, 0 };
	for (;;) {
		if (poll(&pf, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (!(pf.revents & POLLIN) || respond(fd) < 0)
			_exit(0); /* POLLHUP: every process of the filter is gone */
	}
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: notify-agent SOCKET LOG ERRNO [NR]\n");
		return 2;
	}
	logf = fopen(argv[2], "a");
	if (!logf)
		die(argv[2]);
	answer = atoi(argv[3]);
	if (argc == 5)
		only = atoi(argv[4]);
	signal(SIGCHLD, SIG_IGN);
	int sock = listen_on(argv[1]);
	for (;;) {
		int conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		int fd = receive(conn);
		if (fd >= 0)
			serve(fd);
	}
}
