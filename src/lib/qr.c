/* qr.c - QR codes as SVG through libqrencode (see qr.h). */
#include "lib/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

enum { QUIET_ZONE = 4 }; /* ISO/IEC 18004: four modules of light margin */

/* & < > " escaped: the title is text in an XML element. */
static void put_escaped(struct buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		default: buf_putc(out, *s);
		}
	}
}

int qr_svg(const char *text, const char *title, int px, struct buf *out, struct err *err)
{
	QRcode *code;
	int size, width;

	if (!text || !*text) {
		err_set(err, ERR_INVALID, "nothing to encode in a QR code");
		return -1;
	}
	/* version 0: the smallest that holds the text; case-sensitive 8-bit */
	code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!code) {
		err_set(err, errno == ERANGE ? ERR_INVALID : ERR_INTERNAL,
			"the text cannot be encoded as a QR code: %s", strerror(errno));
		return -1;
	}
	size = code->width;
	width = size + 2 * QUIET_ZONE;
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\"", width, width);
	if (px > 0)
		buf_printf(out, " width=\"%d\" height=\"%d\"", px, px);
	buf_puts(out, " class=\"qr\" role=\"img\" shape-rendering=\"crispEdges\">");
	if (title) {
		buf_puts(out, "<title>");
		put_escaped(out, title);
		buf_puts(out, "</title>");
	}
	buf_printf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", width, width);
	/* one run of dark modules per subpath keeps the path short */
	for (int y = 0; y < size; y++) {
		int x = 0;

		while (x < size) {
			int run = 0;

			while (x + run < size && (code->data[y * size + x + run] & 1))
				run++;
			if (run) {
				buf_printf(out, "M%d %dh%dv1h-%dz", x + QUIET_ZONE, y + QUIET_ZONE, run, run);
				x += run;
			} else {
				x++;
			}
		}
	}
	buf_puts(out, "\"/></svg>");
	QRcode_free(code);
	if (!buf_ok(out)) {
		err_set(err, ERR_INTERNAL, "out of memory drawing a QR code");
		return -1;
	}
	return 0;
}
