/* The container's console (CVE-2025-52565): the pty is allocated in the container's own
 * devpts, opened without following symlinks; the slave is reached through TIOCGPTPEER, never
 * by path; /dev/console is a bind of that fd made with open_tree/move_mount onto an fd of
 * /dev/console opened without following symlinks; the master goes to the console socket as
 * exactly one SCM_RIGHTS fd. */
#ifndef RUNTS_CONSOLE_H
#define RUNTS_CONSOLE_H
#include "common.h"
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <termios.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#define DEVPTS_MAGIC 0x1cd1
#define RUNTS_OPEN_TREE_CLONE 1
#define RUNTS_MOVE_MOUNT_F_EMPTY_PATH 0x4
#define RUNTS_MOVE_MOUNT_T_EMPTY_PATH 0x40

struct console { int master, slave; };

static int open_nofollow(const char *path, int flags, mode_t mode)
{
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC, .mode = mode,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
}

static struct console make_pty(void)
{
	struct console c;
	struct statfs fs;
	int unlock = 0;
	c.master = open_nofollow("/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0);
	if (c.master < 0)
		bail("open /dev/pts/ptmx for the console: %s", errtext(errno));
	if (fstatfs(c.master, &fs) < 0 || fs.f_type != DEVPTS_MAGIC)
		bail("/dev/pts/ptmx is not on a devpts filesystem");
	if (ioctl(c.master, TIOCSPTLCK, &unlock) < 0)
		bail("unlock the console pty: %s", errtext(errno));
	c.slave = ioctl(c.master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (c.slave < 0)
		bail("open the console pty's peer: %s", errtext(errno));
	return c;
}

static void set_size(int fd, uint32_t rows, uint32_t cols)
{
	struct winsize ws = { (unsigned short)rows, (unsigned short)cols, 0, 0 };
	if (rows && cols && ioctl(fd, TIOCSWINSZ, &ws) < 0) /* as runc: only a whole size */
		bail("set the console size: %s", errtext(errno));
}

/* An fd of /dev/console: an existing regular file or char device (never a symlink), or a new
 * empty file. */
static int console_target(void)
{
	int fd = open_nofollow("/dev/console", O_PATH, 0);
	if (fd < 0 && errno == ENOENT) {
		int made = open("/dev/console", O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0666);
		if (made < 0)
			bail("create /dev/console: %s", errtext(errno));
		close(made);
		fd = open_nofollow("/dev/console", O_PATH, 0);
	}
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		bail("open /dev/console: %s", errtext(errno));
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		bail("/dev/console is not a file or character device");
	return fd;
}

static void mount_console(int slave)
{
	int target = console_target();
	int tree = (int)syscall(SYS_open_tree, slave, "", RUNTS_OPEN_TREE_CLONE | AT_EMPTY_PATH | O_CLOEXEC);
	if (tree < 0)
		bail("open_tree of the console pty: %s", errtext(errno));
	if (syscall(SYS_move_mount, tree, "", target, "", RUNTS_MOVE_MOUNT_F_EMPTY_PATH | RUNTS_MOVE_MOUNT_T_EMPTY_PATH) < 0)
		bail("mount the console pty on /dev/console: %s", errtext(errno));
	close(tree), close(target);
}

/* Sends the master over the console socket: one message, the pty's name as data, one fd. */
static void send_master(int sock, int master)
{
	char name[64] = "/dev/ptmx";
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
	struct iovec iov = { name, strlen(name) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
	memset(ctl.buf, 0, sizeof ctl.buf);
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS, c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof master);
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		bail("send the console master to the console socket: %s", errtext(errno));
}

/* Before READY: make the pty, mount /dev/console if asked, hand the master over. */
static int setup_console(int sock, int mount, uint32_t rows, uint32_t cols)
{
	struct console c = make_pty();
	set_size(c.master, rows, cols);
	if (mount)
		mount_console(c.slave);
	send_master(sock, c.master);
	close(c.master), close(sock);
	return c.slave;
}

/* Once the pty is made: the slave becomes the controlling terminal and stdio, owned by the
 * process's user so that it can reopen its console (as runc; a uid the inode cannot take is
 * left alone). */
static int attach_console(int slave, uid_t uid)
{
	if (fchown(slave, uid, (gid_t)-1) < 0 && errno != EPERM && errno != EINVAL && errno != EROFS)
		return -1;
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return -1;
	if (slave > 2)
		close(slave);
	return 0;
}
#endif
