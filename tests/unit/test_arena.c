/* test_arena.c - the region allocator (lib/arena.c) and the growable
 * buffer (lib/buf.c).
 *
 * arena: every allocation aligned to max_align_t and zeroed, many small
 * allocations around one huge one without overlap, the string helpers,
 * arena_release() then reuse, and refusal of sizes that cannot fit.
 * buf: appends, printf (short and past the first growth), detach, reset,
 * and the oom flag (untouched by successful writes, sticky once set). */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/arena.h"
#include "lib/buf.h"

#define ALIGN alignof(max_align_t)

static bool aligned(const void *p)
{
	return ((uintptr_t)p % ALIGN) == 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- arena ------------------------------------------------------------ */

static void arena_every_allocation_is_aligned(void **state)
{
	struct arena *a = arena_new();

	assert_non_null(a);
	for (size_t size = 0; size < 300; size++) {
		void *p = arena_alloc(a, size);

		assert_non_null(p);
		assert_true(aligned(p));
	}
	/* odd-length strings in between must not misalign what follows */
	for (int i = 0; i < 50; i++) {
		assert_non_null(arena_strdup(a, "abc"));
		assert_true(aligned(arena_alloc(a, 1)));
		assert_true(aligned(arena_strndup(a, "hello", 5)));
		assert_true(aligned(arena_printf(a, "%d", i)));
	}
	assert_true(aligned(arena_alloc(a, 100000))); /* a block of its own */
	assert_true(aligned(arena_alloc(a, 7)));
	arena_free(a);
}

static void arena_memory_is_zeroed(void **state)
{
	struct arena a;
	unsigned char *p[64];

	arena_init(&a);
	/* dirty memory, give it back to malloc, and ask again: what comes
	 * back must be zero even where malloc reuses the dirty bytes */
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 64; i++) {
			size_t n = (size_t)(i * 37 + 1);

			p[i] = arena_alloc(&a, n);
			assert_non_null(p[i]);
			assert_true(all_zero(p[i], n));
			memset(p[i], 0xAB, n);
		}
		arena_release(&a);
	}
	arena_release(&a);
}

static void arena_many_small_and_one_huge(void **state)
{
	enum { SMALL = 20000, HUGE_SIZE = 8 << 20 };
	struct arena *a = arena_new();
	uint32_t **small = calloc(SMALL, sizeof *small);
	unsigned char *huge;
	size_t next_before;

	assert_non_null(a);
	assert_non_null(small);
	for (uint32_t i = 0; i < SMALL / 2; i++) {
		small[i] = arena_alloc(a, 3 * sizeof(uint32_t));
		assert_non_null(small[i]);
		small[i][0] = small[i][1] = small[i][2] = i;
	}
	next_before = a->next_size;
	huge = arena_alloc(a, HUGE_SIZE);
	assert_non_null(huge);
	assert_true(aligned(huge));
	assert_true(all_zero(huge, HUGE_SIZE));
	memset(huge, 0x5A, HUGE_SIZE);
	/* the big one had a block of its own: the growth of ordinary blocks
	 * is not thrown off by it */
	assert_int_equal(a->next_size, next_before);
	for (uint32_t i = SMALL / 2; i < SMALL; i++) {
		small[i] = arena_alloc(a, 3 * sizeof(uint32_t));
		assert_non_null(small[i]);
		small[i][0] = small[i][1] = small[i][2] = i;
	}
	/* nothing overlapped: every small record and the huge block intact */
	for (uint32_t i = 0; i < SMALL; i++) {
		assert_int_equal(small[i][0], i);
		assert_int_equal(small[i][2], i);
	}
	for (size_t i = 0; i < HUGE_SIZE; i += 4093)
		assert_int_equal(huge[i], 0x5A);
	assert_int_equal(huge[HUGE_SIZE - 1], 0x5A);
	assert_true(a->total >= (size_t)HUGE_SIZE + SMALL * 3 * sizeof(uint32_t));
	free(small);
	arena_free(a);
}

static void arena_string_helpers(void **state)
{
	struct arena *a = arena_new();
	const char *src = "教师 teacher";
	char *s, *big;

	s = arena_strdup(a, src);
	assert_non_null(s);
	assert_ptr_not_equal(s, src);
	assert_string_equal(s, src);
	assert_null(arena_strdup(a, NULL));

	assert_string_equal(arena_strndup(a, "hello world", 5), "hello");
	assert_string_equal(arena_strndup(a, "abc", 0), "");
	/* strndup copies exactly n bytes, embedded text after n ignored */
	s = arena_strndup(a, "abcdef", 3);
	assert_int_equal(strlen(s), 3);

	assert_string_equal(arena_printf(a, "%s-%d-%05.1f", "ab", 42, 3.14159), "ab-42-003.1");
	assert_string_equal(arena_printf(a, "%s", ""), "");
	assert_string_equal(arena_printf(a, "学时 %d", 72), "学时 72");
	/* longer than a first block */
	big = arena_printf(a, "%9000d|%s", 7, "end");
	assert_non_null(big);
	assert_int_equal(strlen(big), 9000 + 4);
	assert_string_equal(big + 8999, "7|end");
	arena_free(a);
}

/* Rows read one by one: the array doubles, keeps what it held, and a
 * size that cannot be doubled is refused with the array left as it was. */
static void arena_grow_doubles_arrays(void **state)
{
	struct arena *a = arena_new();
	int cap = 2, n = 0;
	long *items = arena_alloc(a, (size_t)cap * sizeof *items);
	long *before;

	(void)state;
	assert_non_null(items);
	for (long v = 0; v < 1000; v++) {
		if (n == cap)
			assert_int_equal(arena_grow(a, &items, &cap, sizeof *items), 0);
		items[n++] = v * 7;
	}
	assert_int_equal(cap, 1024);
	for (int i = 0; i < n; i++)
		assert_int_equal(items[i], (long)i * 7);
	/* a size whose double does not fit size_t is refused before any
	 * allocation (a too-large malloc is arena_refuses_impossible_sizes') */
	before = items;
	cap = 2;
	assert_int_equal(arena_grow(a, &items, &cap, SIZE_MAX / 2), -1);
	assert_ptr_equal(items, before);
	assert_int_equal(cap, 2);
	cap = 0;
	assert_int_equal(arena_grow(a, &items, &cap, sizeof *items), -1);
	arena_free(a);
}

static void arena_release_then_reuse(void **state)
{
	struct arena a;
	char *s;

	arena_init(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
	for (int i = 0; i < 1000; i++)
		assert_non_null(arena_printf(&a, "row %d", i));
	assert_non_null(a.head);
	assert_true(a.total > 0);
	arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
	s = arena_strdup(&a, "again");
	assert_string_equal(s, "again");
	assert_true(a.total > 0);
	arena_release(&a);
	arena_release(&a); /* twice is harmless */
	arena_free(NULL);  /* as is freeing nothing */
}

/* The import resets its arena per row: one block stays, zeroed for reuse. */
static void arena_reset_keeps_one_block(void **state)
{
	struct arena a;
	void *first_block;
	char *s;

	(void)state;
	arena_init(&a);
	arena_reset(&a); /* an empty arena: nothing to keep */
	assert_null(a.head);
	for (int i = 0; i < 5000; i++)
		assert_non_null(arena_printf(&a, "row %d", i));
	arena_reset(&a);
	assert_non_null(a.head);
	assert_int_equal(a.total, 0);
	first_block = a.head;
	s = arena_alloc(&a, 64);
	assert_non_null(s);
	for (int i = 0; i < 64; i++)
		assert_int_equal(s[i], 0);
	assert_ptr_equal(a.head, first_block); /* reused, not a new block */
	arena_release(&a);
}

static void arena_zero_size_allocations_are_distinct(void **state)
{
	struct arena *a = arena_new();
	void *p = arena_alloc(a, 0), *q = arena_alloc(a, 0);

	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	arena_free(a);
}

/* Runs arena_alloc(size) in a child, so a crash (or an ASan abort) fails
 * this test only; the child exits 0 when it got NULL, 1 otherwise.  The
 * answer is 0, 1, or 128 + the signal that ended the child. */
static int alloc_in_child(size_t size)
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		/* cmocka's handlers would carry on with the next test in here */
		static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
		struct arena *a;

		int devnull = open("/dev/null", O_WRONLY);

		for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			signal(sigs[i], SIG_DFL);
		if (devnull >= 0)
			dup2(devnull, STDERR_FILENO); /* the expected crash report */
		a = arena_new();
		void *p = arena_alloc(a, size);

		_exit(p == NULL ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void expect_null_in_child(size_t size, const char *shown)
{
	int rc = alloc_in_child(size);

	if (rc == 1)
		fail_msg("arena_alloc(%s) returned memory", shown);
	if (rc > 128)
		fail_msg("arena_alloc(%s) crashed (signal %d) instead of returning NULL", shown, rc - 128);
	assert_int_equal(rc, 0);
}

static void arena_refuses_impossible_sizes(void **state)
{
	struct arena *a = arena_new();

	arena_alloc(a, 10); /* a current block exists */
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_null(arena_alloc(a, SIZE_MAX - 3));
	arena_free(a);
	expect_null_in_child(SIZE_MAX, "SIZE_MAX");
	/* SIZE_MAX - 20 rounds up to SIZE_MAX - 15 without overflowing, but
	 * the block header added on top does: malloc(sizeof header + size)
	 * wraps to a tiny request, which succeeds, and arena_alloc() then
	 * zeroes (writes) almost 2^64 bytes.  It must return NULL instead.
	 * (Sizes that reach malloc() unwrapped are not tried: under ASan a
	 * huge malloc() aborts instead of returning NULL.) */
	expect_null_in_child(SIZE_MAX - 20, "SIZE_MAX - 20");
	expect_null_in_child(SIZE_MAX - 16, "SIZE_MAX - 16");
}

/* ---- buf -------------------------------------------------------------- */

static void buf_appends(void **state)
{
	struct buf b;

	buf_init(&b);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(b.len, 0);
	buf_puts(&b, "hello");
	buf_putc(&b, ',');
	buf_putc(&b, ' ');
	buf_add(&b, "world!!!", 5);
	buf_puts(&b, NULL); /* nothing */
	buf_puts(&b, "");
	assert_string_equal(buf_cstr(&b), "hello, world");
	assert_int_equal(b.len, 12);
	assert_true(b.cap > b.len);
	assert_false(b.oom);
	assert_true(buf_ok(&b));
	/* bytes, NUL included, are kept as given */
	buf_add(&b, "\0x", 2);
	assert_int_equal(b.len, 14);
	assert_int_equal(b.data[12], '\0');
	assert_int_equal(b.data[13], 'x');
	assert_int_equal(b.data[14], '\0');
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void buf_printf_short_and_long(void **state)
{
	struct buf b;
	char expect[64];

	buf_init(&b);
	buf_printf(&b, "%s=%d;", "a", 1);
	buf_printf(&b, "%s=%d;", "教师", -20);
	assert_string_equal(buf_cstr(&b), "a=1;教师=-20;");
	/* many times the first allocation */
	for (int i = 0; i < 2000; i++)
		buf_printf(&b, "%04d,", i);
	assert_int_equal(b.len, strlen("a=1;教师=-20;") + 2000 * 5);
	snprintf(expect, sizeof expect, "%04d,", 1999);
	assert_string_equal(b.data + b.len - 5, expect);
	assert_int_equal(strlen(buf_cstr(&b)), b.len);
	assert_false(b.oom);
	buf_printf(&b, "%s", "");
	assert_false(b.oom);
	buf_free(&b);
}

static void buf_detach_hands_over(void **state)
{
	struct buf b;
	char *s;

	buf_init(&b);
	buf_puts(&b, "页面 page");
	s = buf_detach(&b);
	assert_string_equal(s, "页面 page");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(s);
	/* an empty buf detaches as an allocated "" */
	s = buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	/* and the buf is usable again */
	buf_puts(&b, "again");
	assert_string_equal(buf_cstr(&b), "again");
	buf_free(&b);
}

static void buf_reset_empties(void **state)
{
	struct buf b;

	char after_reset[32], after_new[32];
	size_t len;

	buf_init(&b);
	buf_puts(&b, "old page");
	buf_reset(&b);
	len = b.len;
	snprintf(after_reset, sizeof after_reset, "%s", buf_cstr(&b));
	buf_puts(&b, "new");
	snprintf(after_new, sizeof after_new, "%s", buf_cstr(&b));
	buf_free(&b);
	assert_int_equal(len, 0);
	assert_string_equal(after_new, "new");
	/* buf.h: buf_cstr() is "" when empty, not the old text */
	assert_string_equal(after_reset, "");
}

static void buf_oom_is_sticky_until_reset(void **state)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "kept");
	b.oom = true; /* as a failed realloc leaves it */
	buf_puts(&b, " lost");
	buf_printf(&b, "%d", 5);
	buf_putc(&b, '!');
	assert_false(buf_ok(&b));
	assert_int_equal(b.len, 4);
	assert_string_equal(buf_cstr(&b), "kept");
	buf_reset(&b);
	assert_true(buf_ok(&b));
	buf_puts(&b, "fresh");
	assert_true(buf_ok(&b));
	assert_string_equal(buf_cstr(&b), "fresh");
	buf_free(&b);
	assert_true(buf_ok(&b)); /* buf_free leaves a fresh buf */
	/* a size that cannot be represented sets the flag: claiming room
	 * would let the next buf_add() write past the end */
	{
		int rc_max, rc_max_less;
		bool ok_after;

		buf_puts(&b, "fresh");
		rc_max = buf_grow(&b, SIZE_MAX);
		ok_after = buf_ok(&b);
		buf_reset(&b);
		buf_puts(&b, "fresh");
		rc_max_less = buf_grow(&b, SIZE_MAX - 3);
		buf_free(&b);
		assert_int_equal(rc_max_less, -1);
		assert_int_equal(rc_max, -1);
		assert_false(ok_after);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_every_allocation_is_aligned),
		cmocka_unit_test(arena_memory_is_zeroed),
		cmocka_unit_test(arena_many_small_and_one_huge),
		cmocka_unit_test(arena_string_helpers),
		cmocka_unit_test(arena_grow_doubles_arrays),
		cmocka_unit_test(arena_release_then_reuse),
		cmocka_unit_test(arena_reset_keeps_one_block),
		cmocka_unit_test(arena_zero_size_allocations_are_distinct),
		cmocka_unit_test(arena_refuses_impossible_sizes),
		cmocka_unit_test(buf_appends),
		cmocka_unit_test(buf_printf_short_and_long),
		cmocka_unit_test(buf_detach_hands_over),
		cmocka_unit_test(buf_reset_empties),
		cmocka_unit_test(buf_oom_is_sticky_until_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
