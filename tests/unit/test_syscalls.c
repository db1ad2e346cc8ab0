// SPDX-License-Identifier: GPL-2.0
/* The syscall and errno tables against the C library's own numbers. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "scry/decode.h"

static void *first_user(void *arg)
{
	const struct syscall_desc *d = syscall_desc(SYS_read);

	return (void *)(uintptr_t)(d && d->nargs == 3 && d->io == IO_READ);
}

/*
 * Run first, in a fresh process: there is no init call, so whichever caller comes first (here
 * four at once) gets the whole table, argument rules included.
 */
static void built_on_first_use(void **state)
{
	pthread_t t[4];
	void *ok;
	int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, first_user, NULL), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &ok), 0);
		assert_true(ok);
	}
	assert_int_equal(syscall_desc(SYS_openat)->path, 2);
}

static void names_match_numbers(void **state)
{
	assert_string_equal(syscall_name(SYS_getppid), "getppid");
	assert_string_equal(syscall_name(SYS_read), "read");
	assert_string_equal(syscall_name(SYS_openat), "openat");
	assert_string_equal(syscall_name(SYS_execve), "execve");
	assert_int_equal(syscall_lookup("getppid"), SYS_getppid);
	assert_int_equal(syscall_lookup("exit_group"), SYS_exit_group);
	assert_int_equal(syscall_lookup("no_such_call"), -1);
	assert_null(syscall_name(SCRY_NR_SYSCALLS + 5));
	assert_true(syscall_count() > SYS_openat);
	assert_true(syscall_count() <= SCRY_NR_SYSCALLS);
}

static void every_name_round_trips(void **state)
{
	uint32_t nr;
	int named = 0;

	for (nr = 0; nr < syscall_count(); nr++) {
		const char *n = syscall_name(nr);

		if (!n)
			continue;
		named++;
		assert_int_equal(syscall_lookup(n), nr);
	}
	assert_true(named > 300);
}

static void argument_rules(void **state)
{
	const struct syscall_desc *d = syscall_desc(SYS_read);

	assert_non_null(d);
	assert_int_equal(d->nargs, 3);
	assert_int_equal(d->fd_a, 1);
	assert_int_equal(d->fd_b, 0);
	assert_int_equal(d->io, IO_READ);
	assert_string_equal(d->argname[2], "size");

	d = syscall_desc(SYS_openat);
	assert_int_equal(d->path, 2);
	assert_int_equal(d->fmt[3], ARG_O);

	d = syscall_desc(SYS_sendfile);
	assert_int_equal(d->fd_a, 1);
	assert_int_equal(d->fd_b, 2);
	assert_int_equal(d->io, IO_XFER);

	d = syscall_desc(SYS_splice);
	assert_int_equal(d->fd_a, 1);
	assert_int_equal(d->fd_b, 3);

	d = syscall_desc(SYS_getppid);
	assert_int_equal(d->nargs, 0);
}

static void bpf_rules_follow_table(void **state)
{
	struct scry_sysarg rules[SCRY_NR_SYSCALLS];

	syscalls__bpf_rules(rules, SCRY_NR_SYSCALLS);
	assert_int_equal(rules[SYS_write].nargs, 3);
	assert_int_equal(rules[SYS_write].fd_a, 1);
	assert_int_equal(rules[SYS_openat].path, 2);
	/* getppid stays on the short exit record */
	assert_int_equal(rules[SYS_getppid].nargs, 0);
}

/* 32-bit x86 calls: shown as their native namesake, or by their own i386 name. */
static void compat_numbers(void **state)
{
#if defined(__x86_64__)
	int sc = syscall_lookup("socketcall");

	assert_int_equal(syscall_native(SCRY_NR_COMPAT_BASE + 20), SYS_getpid);	/* not writev */
	assert_int_equal(syscall_native(SCRY_NR_COMPAT_BASE + 3), SYS_read);
	assert_int_equal(syscall_native(SCRY_NR_COMPAT_BASE + 252), SYS_exit_group);
	assert_int_equal(syscall_native(SYS_writev), SYS_writev);
	assert_true(sc >= SCRY_NR_COMPAT_BASE);
	assert_int_equal(syscall_native(SCRY_NR_COMPAT_BASE + 102), sc);
	assert_string_equal(syscall_name(sc), "socketcall");
	assert_non_null(syscall_desc(sc));
	assert_int_equal(syscall_desc(sc)->nargs, 0);
	assert_string_equal(syscall_name(syscall_lookup("_llseek")), "_llseek");
	/* a number the i386 table does not have stays nameless */
	assert_null(syscall_name(syscall_native(SCRY_NR_COMPAT_BASE + 511)));
#else
	skip();
#endif
}

static void errno_names(void **state)
{
	assert_string_equal(errno_name(ENOENT), "ENOENT");
	assert_string_equal(errno_name(EAGAIN), "EAGAIN");	/* not EWOULDBLOCK */
	assert_string_equal(errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	assert_string_equal(errno_name(EDEADLK), "EDEADLK");
	assert_null(errno_name(0));
	assert_null(errno_name(-1));
	assert_null(errno_name(100000));
	assert_int_equal(errno_lookup("ENOENT"), ENOENT);
	assert_int_equal(errno_lookup("EBOGUS"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(built_on_first_use),
		cmocka_unit_test(names_match_numbers),
		cmocka_unit_test(every_name_round_trips),
		cmocka_unit_test(argument_rules),
		cmocka_unit_test(bpf_rules_follow_table),
		cmocka_unit_test(compat_numbers),
		cmocka_unit_test(errno_names),
	};

	return cmocka_run_group_tests_name("syscalls", tests, NULL, NULL);
}
