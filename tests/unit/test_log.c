// SPDX-License-Identifier: GPL-2.0
/*
 * Messages while a full-screen UI owns the terminal: held back, the newest readable for its
 * status line, printed when it lets go; escaped whole; and read whole while another thread
 * (the container resolver's) logs at the same time.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/util.h"

/* stderr into a temporary file while fn runs; what it got back in out. */
static void on_stderr(void (*fn)(void), char *out, size_t len)
{
	char path[] = "/tmp/scry-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	unlink(path);
	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, len - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
}

static void held_messages(void)
{
	char last[256];

	log_hold(true);
	assert_false(log_last(last, sizeof(last)));
	log_warn("first");
	log_err("second: %s", "a\x1b[31m name");
	assert_true(log_last(last, sizeof(last)));
	assert_string_equal(last, "scry: second: a\\x1b[31m name");
	log_hold(false);
}

static void hold_and_release(void **state)
{
	char out[1024];

	on_stderr(held_messages, out, sizeof(out));
	/* Nothing went out while held; both when released, in order. */
	assert_string_equal(out, "scry: warning: first\nscry: second: a\\x1b[31m name\n");
}

static void many_held(void)
{
	int i;

	log_hold(true);
	for (i = 0; i < 20; i++)
		log_info("message %d", i);
	log_hold(false);
}

static void only_the_newest_are_kept(void **state)
{
	char out[2048];

	on_stderr(many_held, out, sizeof(out));
	assert_null(strstr(out, "message 11\n"));
	assert_non_null(strstr(out, "scry: message 12\n"));
	assert_non_null(strstr(out, "scry: message 19\n"));
}

static void levels_and_once(void)
{
	static bool said_a, said_b;
	int i;

	log_err("e");
	log_warn("w");
	log_info("i");
	log_debug("hidden");
	log_set_verbose(true);
	log_debug("d");
	log_set_verbose(false);
	/* "once" belongs to the caller's flag: a second flag is a second condition */
	for (i = 0; i < 3; i++) {
		assert_int_equal(log_warn_once(&said_a, "a %d", i), i == 0);
		assert_int_equal(log_warn_once(&said_b, "b %d", i), i == 0);
	}
}

/* One log_msg behind the four levels; debug only with -v; warn-once per caller-owned flag. */
static void one_logger(void **state)
{
	char out[1024];

	on_stderr(levels_and_once, out, sizeof(out));
	assert_string_equal(out, "scry: e\nscry: warning: w\nscry: i\nscry: d\n"
			    "scry: warning: a 0\nscry: warning: b 0\n");
}

static volatile bool stop;

static void *logger(void *arg)
{
	char a[200], b[200];
	long i;

	memset(a, 'a', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memset(b, 'b', sizeof(b) - 1);
	b[sizeof(b) - 1] = '\0';
	for (i = 0; !stop; i++)
		log_warn("%s", i & 1 ? a : b);
	return arg;
}

/* The status line reads a message whole while the resolver thread logs: never a torn one. */
static void read_while_logging(void **state)
{
	char last[256];
	pthread_t th;
	long i, torn = 0, seen = 0;

	log_hold(true);
	assert_int_equal(pthread_create(&th, NULL, logger, NULL), 0);
	/* On a loaded machine the logger may not have run yet: wait (10 s at most) for it. */
	for (i = 0; !log_last(last, sizeof(last)) && i < 100000; i++)
		usleep(100);
	for (i = 0; i < 300000; i++) {
		size_t n, k;

		if (!log_last(last, sizeof(last)))
			continue;
		seen++;
		n = strlen(last);
		/* "scry: warning: " and 199 times the same letter */
		if (n != 15 + 199) {
			torn++;
			continue;
		}
		for (k = 16; k < n; k++)
			if (last[k] != last[15]) {
				torn++;
				break;
			}
	}
	stop = true;
	pthread_join(th, NULL);
	log_set_hook(NULL);
	{
		/* what was held goes nowhere this time */
		int saved = dup(2), null = open("/dev/null", 1);

		dup2(null, 2);
		log_hold(false);
		dup2(saved, 2);
		close(saved);
		close(null);
	}
	assert_true(seen > 0);
	assert_int_equal(torn, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hold_and_release),
		cmocka_unit_test(only_the_newest_are_kept),
		cmocka_unit_test(read_while_logging),
		cmocka_unit_test(one_logger),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
