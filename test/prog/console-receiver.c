/* console-receiver: the other end of --console-socket, for the console tests. It listens on
 * SOCKET, accepts one connection, receives one message and reports what came with it, then
 * drives the pty master through the steps given on the command line, in order:
 *
 *   console-receiver SOCKET [STEP ...]
 *     size ROWS COLS    set the window size on the master (TIOCSWINSZ)
 *     write TEXT        write TEXT to the master ("\n", "\r" and "\x04" escapes are understood)
 *     expect TEXT       read until the output so far contains TEXT
 *     eof               read until the pty hangs up (EIO: every slave fd is closed)
 *     pidfd             print "pid=N": the process the fd is a pidfd of (its fdinfo), for --pidfd-socket
 *
 * Its first line is "fds=N master=0|1 ptn=N name=NAME rows=R cols=C" (N fds in the message,
 * whether fd is a pty master, its pty number, the message's data, the size it had on
 * arrival); after it comes every byte read from the master, unchanged. It exits 0 when every
 * step was done, 2 on a usage or socket error, 3 when no message had exactly one fd, and 4
 * when 20 seconds pass. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static char seen[1 << 16];
static size_t nseen;

static void on_alarm(int sig)
{
	(void)sig;
	_exit(4);
}

static void die(int code, const char *what)
{
	fprintf(stderr, "console-receiver: %s: %s\n", what, strerror(errno));
	exit(code);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || strlen(path) >= sizeof sa.sun_path)
		die(2, "socket");
	strcpy(sa.sun_path, path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0)
		die(2, path);
	return fd;
}

/* Receives one message; returns its only fd and reports it, or exits 3. */
static int receive(int conn)
{
	char data[256] = "", ctl[CMSG_SPACE(sizeof(int) * 8)];
	struct iovec iov = { data, sizeof data - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		die(2, "recvmsg");
	data[n] = 0;
	int nfds = 0, fd = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++, nfds++)
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	unsigned ptn = 0;
	struct winsize ws = { 0 };
	int master = fd >= 0 && ioctl(fd, TIOCGPTN, &ptn) == 0;
	if (fd >= 0)
		ioctl(fd, TIOCGWINSZ, &ws);
	printf("fds=%d master=%d ptn=%u name=%s rows=%u cols=%u\n", nfds, master, ptn, data, ws.ws_row, ws.ws_col);
	fflush(stdout);
	if (nfds != 1)
		exit(3);
	return fd;
}

/* Reads once; returns 0 when the pty hung up. */
static int read_some(int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return 0;
	fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	size_t keep = (size_t)n < sizeof seen - 1 - nseen ? (size_t)n : sizeof seen - 1 - nseen;
	memcpy(seen + nseen, buf, keep);
	nseen += keep;
	seen[nseen] = 0;
	return 1;
}

static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) { *o++ = *s; continue; }
		s++;
		if (*s == 'n') *o++ = '\n';
		else if (*s == 'r') *o++ = '\r';
		else if (*s == 'x' && s[1] && s[2]) { char h[3] = { s[1], s[2], 0 }; *o++ = (char)strtol(h, NULL, 16); s += 2; }
		else *o++ = *s;
	}
	*o = 0;
}

static void step(int fd, char **argv, int *i, int argc)
{
	const char *s = argv[*i];
	if (!strcmp(s, "size") && *i + 2 < argc) {
		struct winsize ws = { (unsigned short)atoi(argv[*i + 1]), (unsigned short)atoi(argv[*i + 2]), 0, 0 };
		if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
			die(2, "TIOCSWINSZ");
		*i += 2;
	} else if (!strcmp(s, "write") && *i + 1 < argc) {
		char *text = argv[++*i];
		unescape(text);
		if (write(fd, text, strlen(text)) < 0)
			die(2, "write");
	} else if (!strcmp(s, "expect") && *i + 1 < argc) {
		const char *want = argv[++*i];
		while (!strstr(seen, want))
			if (!read_some(fd))
				exit(1);
	} else if (!strcmp(s, "pidfd")) {
		char path[64], line[256];
		snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
		FILE *f = fopen(path, "r");
		while (f && fgets(line, sizeof line, f))
			if (!strncmp(line, "Pid:", 4))
				printf("pid=%d\n", atoi(line + 4));
		if (f)
			fclose(f);
		fflush(stdout);
	} else if (!strcmp(s, "eof")) {
		while (read_some(fd))
			;
	} else {
		fprintf(stderr, "console-receiver: unknown step %s\n", s);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: console-receiver SOCKET [size R C | write TEXT | expect TEXT | eof]...\n");
		return 2;
	}
	signal(SIGALRM, on_alarm);
	alarm(20);
	int sock = listen_on(argv[1]);
	int conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die(2, "accept");
	int fd = receive(conn);
	for (int i = 2; i < argc; i++)
		step(fd, argv, &i, argc);
	return 0;
}
