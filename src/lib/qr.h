/* qr.h - QR codes drawn as SVG (libqrencode), for the attendance check-in
 * code a trainer shows on the projector and, later, certificates.
 *
 * API:
 * qr_svg() encodes text (8-bit mode, error correction level M: a code on a
 *   projector photographed from the back of a room survives some glare)
 *   and appends one <svg> element to out: a single <path> of the dark
 *   modules with the four-module quiet zone the standard asks for, scaled
 *   by the viewBox, so the browser draws it at any size without blur.
 *   title, when not NULL, becomes the <title> (the accessible name); it is
 *   escaped.  px > 0 sets the drawn width and height in CSS pixels (a
 *   projector's page); 0 leaves the size to the page.  Returns 0, or -1
 *   with err when the text cannot be encoded. */
#ifndef TDC_QR_H
#define TDC_QR_H

#include "lib/buf.h"
#include "lib/err.h"

int qr_svg(const char *text, const char *title, int px, struct buf *out, struct err *err);

#endif
