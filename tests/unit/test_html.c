/* test_html.c - the escaping writers of web/html.c.
 *
 * html_escape_text(), html_escape_attr() and html_escape_url() into a
 * struct buf: each special character in each context, NULL and "" writing
 * nothing, Chinese text passing through unchanged (text, attribute) or
 * percent-encoded byte by byte (URL), reserved characters encoded and the
 * unreserved ones kept.  Then the element writers that use them on a
 * request (html_hidden, html_option, html_link, html_textf). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "web/html.h"
#include "web/request.h"

typedef void (*escape_fn)(struct buf *b, const char *s);

/* The escape of s alone, compared with want. */
static void check(escape_fn fn, const char *s, const char *want)
{
	struct buf b;

	buf_init(&b);
	fn(&b, s);
	assert_true(buf_ok(&b));
	assert_string_equal(buf_cstr(&b), want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

static void text_escapes_amp_lt_gt(void **state)
{
	check(html_escape_text, "&", "&amp;");
	check(html_escape_text, "<", "&lt;");
	check(html_escape_text, ">", "&gt;");
	check(html_escape_text, "a & b < c > d", "a &amp; b &lt; c &gt; d");
	check(html_escape_text, "<script>alert(1)</script>",
	      "&lt;script&gt;alert(1)&lt;/script&gt;");
	/* an entity typed by a user stays text, not an entity */
	check(html_escape_text, "&amp;", "&amp;amp;");
	check(html_escape_text, "&&<<>>", "&amp;&amp;&lt;&lt;&gt;&gt;");
	/* quotes need no escape in element text */
	check(html_escape_text, "say \"hi\" it's", "say \"hi\" it's");
}

static void attr_escapes_quotes_too(void **state)
{
	check(html_escape_attr, "\"", "&quot;");
	check(html_escape_attr, "'", "&#39;");
	check(html_escape_attr, "&<>\"'", "&amp;&lt;&gt;&quot;&#39;");
	check(html_escape_attr, "\" onmouseover=\"alert(1)", "&quot; onmouseover=&quot;alert(1)");
	check(html_escape_attr, "x' y='z", "x&#39; y=&#39;z");
	check(html_escape_attr, "/login?next=/a&b=1", "/login?next=/a&amp;b=1");
}

static void plain_text_is_copied(void **state)
{
	check(html_escape_text, "", "");
	check(html_escape_attr, "", "");
	check(html_escape_url, "", "");
	check(html_escape_text, "plain words 123", "plain words 123");
	check(html_escape_attr, "plain-value_1.2", "plain-value_1.2");
}

static void null_writes_nothing(void **state)
{
	struct buf b;

	buf_init(&b);
	html_escape_text(&b, NULL);
	html_escape_attr(&b, NULL);
	html_escape_url(&b, NULL);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	/* and appending keeps what was there */
	buf_puts(&b, "<b>");
	html_escape_text(&b, NULL);
	html_escape_text(&b, "x<y");
	buf_puts(&b, "</b>");
	assert_string_equal(buf_cstr(&b), "<b>x&lt;y</b>");
	buf_free(&b);
}

static void chinese_passes_through(void **state)
{
	check(html_escape_text, "广州市教师发展中心", "广州市教师发展中心");
	check(html_escape_text, "张伟 <老师> & 李娜", "张伟 &lt;老师&gt; &amp; 李娜");
	check(html_escape_attr, "“引号”与'单引号'", "“引号”与&#39;单引号&#39;");
	/* a 4-byte character and full-width punctuation too */
	check(html_escape_text, "𠀀，。！", "𠀀，。！");
}

static void url_encodes_chinese_bytes(void **state)
{
	check(html_escape_url, "张", "%E5%BC%A0");
	check(html_escape_url, "张伟", "%E5%BC%A0%E4%BC%9F");
	check(html_escape_url, "幼儿园a", "%E5%B9%BC%E5%84%BF%E5%9B%ADa");
}

static void url_encodes_reserved(void **state)
{
	check(html_escape_url, " ", "%20");
	check(html_escape_url, "/admin/accounts", "%2Fadmin%2Faccounts");
	check(html_escape_url, "a b&c=d?e#f+g%h", "a%20b%26c%3Dd%3Fe%23f%2Bg%25h");
	check(html_escape_url, "<\"'>", "%3C%22%27%3E");
	check(html_escape_url, ":@!$()*,;[]", "%3A%40%21%24%28%29%2A%2C%3B%5B%5D");
	check(html_escape_url, "\r\n\t", "%0D%0A%09");
	check(html_escape_url, "\x7f\xff", "%7F%FF");
}

static void url_keeps_unreserved(void **state)
{
	const char *unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

	check(html_escape_url, unreserved, unreserved);
	/* every other printable ASCII character is encoded as %XX */
	for (int c = 0x20; c < 0x7f; c++) {
		char in[2] = { (char)c, 0 }, want[4];

		if (strchr(unreserved, c))
			continue;
		snprintf(want, sizeof want, "%%%02X", c);
		check(html_escape_url, in, want);
	}
}

static void long_input_is_complete(void **state)
{
	struct buf b;
	char *in = malloc(30001);

	assert_non_null(in);
	for (int i = 0; i < 30000; i++)
		in[i] = "a<&"[i % 3];
	in[30000] = '\0';
	buf_init(&b);
	html_escape_text(&b, in);
	/* 10000 a, 10000 &lt; (4), 10000 &amp; (5) */
	assert_int_equal(b.len, 10000 * (1 + 4 + 5));
	assert_memory_equal(b.data, "a&lt;&amp;a&lt;&amp;", 20);
	assert_string_equal(b.data + b.len - 10, "a&lt;&amp;");
	buf_free(&b);
	free(in);
}

/* ---- the writers on a request ------------------------------------------ */

static struct request *make_req(void)
{
	static struct request req;

	memset(&req, 0, sizeof req);
	req.arena = arena_new();
	buf_init(&req.out);
	return &req;
}

static void free_req(struct request *req)
{
	buf_free(&req->out);
	arena_free(req->arena);
}

static void writers_escape_every_value(void **state)
{
	struct request *req = make_req();

	html_hidden(req, "next", "/a?b=1&c=\"2\"");
	assert_string_equal(buf_cstr(&req->out),
			    "<input type=\"hidden\" name=\"next\" value=\"/a?b=1&amp;c=&quot;2&quot;\">");
	buf_reset(&req->out);
	html_option(req, "v<1>", "小学 & 初中", true);
	assert_string_equal(buf_cstr(&req->out),
			    "<option value=\"v&lt;1&gt;\" selected>小学 &amp; 初中</option>");
	buf_reset(&req->out);
	html_option(req, "a", "b", false);
	assert_string_equal(buf_cstr(&req->out), "<option value=\"a\">b</option>");
	buf_reset(&req->out);
	html_link(req, "/x?a=1&b='2'", "<首页>");
	assert_string_equal(buf_cstr(&req->out),
			    "<a href=\"/x?a=1&amp;b=&#39;2&#39;\">&lt;首页&gt;</a>");
	buf_reset(&req->out);
	html_textf(req, "%s has %d <items>", "张三&李四", 3);
	assert_string_equal(buf_cstr(&req->out), "张三&amp;李四 has 3 &lt;items&gt;");
	buf_reset(&req->out);
	html(req, "<p>");
	html_text(req, NULL);
	html_url_arg(req, "a b");
	html_attr(req, "'");
	html(req, "</p>");
	assert_string_equal(buf_cstr(&req->out), "<p>a%20b&#39;</p>");
	free_req(req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_escapes_amp_lt_gt),
		cmocka_unit_test(attr_escapes_quotes_too),
		cmocka_unit_test(plain_text_is_copied),
		cmocka_unit_test(null_writes_nothing),
		cmocka_unit_test(chinese_passes_through),
		cmocka_unit_test(url_encodes_chinese_bytes),
		cmocka_unit_test(url_encodes_reserved),
		cmocka_unit_test(url_keeps_unreserved),
		cmocka_unit_test(long_input_is_complete),
		cmocka_unit_test(writers_escape_every_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
