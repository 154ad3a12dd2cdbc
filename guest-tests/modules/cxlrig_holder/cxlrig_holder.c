// SPDX-License-Identifier: GPL-2.0
/*
 * cxlrig_holder: a test holder for fsdev_dax devices, as a filesystem is one.
 *
 * It takes a dax device the way famfs's famfs_fuse_get_daxdev() does, dax_dev_get(devt)
 * then fs_dax_get(dax_dev, holder, ops), records every ->notify_failure the device reports
 * (what a filesystem is told about poison: offset, len, mf_flags), and on request loops
 * fs_put_dax()/fs_dax_get() so that a concurrent dax_holder_notify_failure() can race the
 * holder_ops update (the double fetch closed by "dax: read holder_ops once in
 * dax_holder_notify_failure()", dax/fsdev fix series v5, patch 7).
 *
 * debugfs cxlrig_holder/:
 *   hold     write "MAJ:MIN" (daxX.Y/dev) to take the device; read: the held devt or empty
 *   release  write anything to let it go
 *   events   read: one "offset len flags" line per notify_failure since the last read,
 *            then "dropped N" when the buffer overflowed
 *   churn    write N: a kthread releases and retakes the holder N times (0 stops it);
 *            read: "done D errors E last_err X running R"
 *
 * notify_failure returns -EOPNOTSUPP unless the module parameter handled=1, so by default
 * memory_failure() goes on to its generic handler exactly as with no holder, and the rig's
 * other observers see what they see without it.
 */
#include <linux/dax.h>
#include <linux/debugfs.h>
#include <linux/kdev_t.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

static bool handled;
module_param(handled, bool, 0644);
MODULE_PARM_DESC(handled, "notify_failure returns 0 (handled) instead of -EOPNOTSUPP");

#define CXLRIG_EVENTS 4096

struct holder_event {
	u64 offset, len;
	int flags;
};

static DEFINE_SPINLOCK(ev_lock);
static struct holder_event events[CXLRIG_EVENTS];
static unsigned int ev_count;
static unsigned long ev_dropped;

static DEFINE_MUTEX(hold_lock);	/* hold/release/churn */
static struct dax_device *held;
static dev_t held_devt;
static int holder_cookie;	/* the holder pointer: its address */

static struct task_struct *churn_task;
static atomic_long_t churn_left, churn_done, churn_errors;
static atomic_t churn_last_err;

static int cxlrig_notify_failure(struct dax_device *dax_dev, u64 offset, u64 len, int mf_flags)
{
	unsigned long irqflags;

	spin_lock_irqsave(&ev_lock, irqflags);
	if (ev_count < CXLRIG_EVENTS)
		events[ev_count++] = (struct holder_event){ offset, len, mf_flags };
	else
		ev_dropped++;
	spin_unlock_irqrestore(&ev_lock, irqflags);
	return handled ? 0 : -EOPNOTSUPP;
}

static const struct dax_holder_operations cxlrig_holder_ops = {
	.notify_failure = cxlrig_notify_failure,
};

static void release_locked(void)
{
	if (!held)
		return;
	fs_put_dax(held, &holder_cookie);	/* drops fs_dax_get()'s reference */
	put_dax(held);				/* drops dax_dev_get()'s */
	held = NULL;
	held_devt = 0;
}

static int hold_locked(dev_t devt)
{
	struct dax_device *dax_dev;
	int rc;

	release_locked();
	dax_dev = dax_dev_get(devt);
	if (!dax_dev)
		return -ENODEV;
	rc = fs_dax_get(dax_dev, &holder_cookie, &cxlrig_holder_ops);
	if (rc) {
		put_dax(dax_dev);
		return rc;
	}
	held = dax_dev;
	held_devt = devt;
	return 0;
}

static int churn_fn(void *unused)
{
	while (!kthread_should_stop() && atomic_long_read(&churn_left) > 0) {
		int rc = 0;

		mutex_lock(&hold_lock);
		if (held) {
			fs_put_dax(held, &holder_cookie);
			rc = fs_dax_get(held, &holder_cookie, &cxlrig_holder_ops);
			if (rc) {
				/* fs_put_dax() dropped the reference fs_dax_get() took. */
				put_dax(held);
				held = NULL;
				held_devt = 0;
			}
		} else {
			rc = -ENODEV;
		}
		mutex_unlock(&hold_lock);
		if (rc) {
			atomic_long_inc(&churn_errors);
			atomic_set(&churn_last_err, rc);
		}
		atomic_long_inc(&churn_done);
		atomic_long_dec(&churn_left);
		cond_resched();
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static void stop_churn(void)
{
	if (churn_task) {
		kthread_stop(churn_task);
		churn_task = NULL;
	}
}

static ssize_t hold_write(struct file *f, const char __user *ubuf, size_t n, loff_t *pos)
{
	char buf[32];
	unsigned int maj, min;
	int rc;

	if (n >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = 0;
	if (sscanf(buf, "%u:%u", &maj, &min) != 2)
		return -EINVAL;
	mutex_lock(&hold_lock);
	rc = hold_locked(MKDEV(maj, min));
	mutex_unlock(&hold_lock);
	return rc ? rc : n;
}

static ssize_t hold_read(struct file *f, char __user *ubuf, size_t n, loff_t *pos)
{
	char buf[32];
	int len = 0;

	mutex_lock(&hold_lock);
	if (held)
		len = scnprintf(buf, sizeof(buf), "%u:%u\n", MAJOR(held_devt), MINOR(held_devt));
	mutex_unlock(&hold_lock);
	return simple_read_from_buffer(ubuf, n, pos, buf, len);
}

static ssize_t release_write(struct file *f, const char __user *ubuf, size_t n, loff_t *pos)
{
	stop_churn();
	mutex_lock(&hold_lock);
	release_locked();
	mutex_unlock(&hold_lock);
	return n;
}

/* Hands back the events recorded so far and forgets them: one read per window. */
static ssize_t events_read(struct file *f, char __user *ubuf, size_t n, loff_t *pos)
{
	struct holder_event *copy;
	unsigned int count, i;
	unsigned long dropped, irqflags;
	size_t cap = CXLRIG_EVENTS * 64 + 32, len = 0;
	char *text;
	ssize_t rc;

	if (*pos)
		return 0;
	copy = kmalloc_array(CXLRIG_EVENTS, sizeof(*copy), GFP_KERNEL);
	text = kmalloc(cap, GFP_KERNEL);
	if (!copy || !text) {
		kfree(copy);
		kfree(text);
		return -ENOMEM;
	}
	spin_lock_irqsave(&ev_lock, irqflags);
	count = ev_count;
	dropped = ev_dropped;
	memcpy(copy, events, count * sizeof(*copy));
	ev_count = 0;
	ev_dropped = 0;
	spin_unlock_irqrestore(&ev_lock, irqflags);
	for (i = 0; i < count; i++)
		len += scnprintf(text + len, cap - len, "0x%llx 0x%llx 0x%x\n", copy[i].offset, copy[i].len,
				 copy[i].flags);
	if (dropped)
		len += scnprintf(text + len, cap - len, "dropped %lu\n", dropped);
	rc = simple_read_from_buffer(ubuf, n, pos, text, len);
	kfree(copy);
	kfree(text);
	return rc;
}

static ssize_t churn_write(struct file *f, const char __user *ubuf, size_t n, loff_t *pos)
{
	long count;
	int rc = kstrtol_from_user(ubuf, n, 0, &count);

	if (rc)
		return rc;
	stop_churn();
	atomic_long_set(&churn_left, count > 0 ? count : 0);
	atomic_long_set(&churn_done, 0);
	atomic_long_set(&churn_errors, 0);
	atomic_set(&churn_last_err, 0);
	if (count <= 0)
		return n;
	churn_task = kthread_create(churn_fn, NULL, "cxlrig_churn");
	if (IS_ERR(churn_task)) {
		rc = PTR_ERR(churn_task);
		churn_task = NULL;
		return rc;
	}
	/* On the writer's vCPU: a race stressor is pinned, and so is what it starts. */
	kthread_bind(churn_task, raw_smp_processor_id());
	wake_up_process(churn_task);
	return n;
}

static ssize_t churn_read(struct file *f, char __user *ubuf, size_t n, loff_t *pos)
{
	char buf[128];
	int len = scnprintf(buf, sizeof(buf), "done %ld errors %ld last_err %d running %d\n",
			    atomic_long_read(&churn_done), atomic_long_read(&churn_errors),
			    atomic_read(&churn_last_err), atomic_long_read(&churn_left) > 0);

	return simple_read_from_buffer(ubuf, n, pos, buf, len);
}

static const struct file_operations hold_fops = { .owner = THIS_MODULE, .read = hold_read, .write = hold_write };
static const struct file_operations release_fops = { .owner = THIS_MODULE, .write = release_write };
static const struct file_operations events_fops = { .owner = THIS_MODULE, .read = events_read };
static const struct file_operations churn_fops = { .owner = THIS_MODULE, .read = churn_read, .write = churn_write };

static struct dentry *dir;

static int __init cxlrig_holder_init(void)
{
	dir = debugfs_create_dir("cxlrig_holder", NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	debugfs_create_file("hold", 0600, dir, NULL, &hold_fops);
	debugfs_create_file("release", 0200, dir, NULL, &release_fops);
	debugfs_create_file("events", 0400, dir, NULL, &events_fops);
	debugfs_create_file("churn", 0600, dir, NULL, &churn_fops);
	return 0;
}

static void __exit cxlrig_holder_exit(void)
{
	stop_churn();
	debugfs_remove_recursive(dir);
	mutex_lock(&hold_lock);
	release_locked();
	mutex_unlock(&hold_lock);
}

module_init(cxlrig_holder_init);
module_exit(cxlrig_holder_exit);
MODULE_DESCRIPTION("cxlrig test holder for fsdev_dax devices");
MODULE_LICENSE("GPL");
