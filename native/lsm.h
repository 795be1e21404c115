/* LSM labels, as runc sets them: AppArmor's change_onexec ("exec PROFILE" written to the thread's
 * apparmor/exec attribute, the old attr/exec where the kernel lacks the per-LSM directory), the
 * SELinux exec label (attr/exec) and keyring label (attr/keycreate). The kernel applies them at
 * the next execve. Each write goes to a file checked to be on procfs, so a container that mounted
 * something over /proc (exec) cannot make a label silently go nowhere (CVE-2019-16884). Where
 * the host lacks the LSM the kernel refuses the write, and that is the error, as in runc. */
#ifndef RUNTS_LSM_H
#define RUNTS_LSM_H
#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#define RUNTS_PROC_SUPER_MAGIC 0x9fa0

/* Writes value to /proc/<who>/<attr>; returns 0, or the errno with the error text in err (Go's
 * wording: "open PATH: reason", "write PATH: reason"; runc's "PATH is not on procfs"). */
static int write_proc_attr(const char *who, const char *attr, const char *value, char *err, size_t n)
{
	char path[128];
	struct statfs sf;
	snprintf(path, sizeof path, "/proc/%s/%s", who, attr);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int e = fd < 0 ? errno : 0;
	if (fd < 0)
		return snprintf(err, n, "open %s: %s", path, errtext(e)), e;
	if (fstatfs(fd, &sf) < 0 || sf.f_type != RUNTS_PROC_SUPER_MAGIC) {
		close(fd);
		return snprintf(err, n, "%s is not on procfs", path), EXDEV;
	}
	if (write(fd, value, strlen(value)) < 0)
		e = errno, snprintf(err, n, "write %s: %s", path, errtext(e));
	close(fd);
	return e;
}

/* aa_change_onexec(profile); prefix is what create puts before runc's text. */
static void apply_apparmor(const char *profile, const char *prefix)
{
	char value[4096], err[512];
	struct stat st;
	if (!profile)
		return;
	const char *attr = stat("/proc/self/attr/apparmor/exec", &st) < 0 && errno == ENOENT
		? "attr/exec" : "attr/apparmor/exec";
	snprintf(value, sizeof value, "exec %s", profile);
	if (write_proc_attr("thread-self", attr, value, err, sizeof err))
		bail("%sapparmor failed to apply profile: %s", prefix, err);
}

static void set_exec_label(const char *label, const char *prefix)
{
	char err[512];
	if (label && write_proc_attr("thread-self", "attr/exec", label, err, sizeof err))
		bail("%s%s", prefix, err);
}

/* The label keys made from now on get (the session keyring runts joins); "" resets it. A kernel
 * without the attribute is fine, as in runc. */
static void set_key_label(const char *label)
{
	char err[512];
	int e = write_proc_attr("self", "attr/keycreate", label, err, sizeof err);
	if (e && e != ENOENT && *label)
		bail("%s", err);
}

#endif
