/* router.h - the route table and dispatch.
 *
 * Each route declares what it needs (see the flags); router_dispatch()
 * checks, in this order, before the handler runs: the path, the method,
 * the body size, who is calling, the permission, and the CSRF token.  A
 * handler therefore starts with an authorised caller and a checked form. */
#ifndef TDC_ROUTER_H
#define TDC_ROUTER_H

#include <stddef.h>

#include "core/authz.h"
#include "web/request.h"

typedef void (*handler_fn)(struct request *req);

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,  /* no sign-in needed (sign-in page, health, assets) */
	ROUTE_API = 1 << 1,     /* JSON errors; 401 instead of a redirect */
	ROUTE_UPLOAD = 1 << 2,  /* may take a body up to UPLOAD_LIMIT, not BODY_LIMIT */
	ROUTE_NO_CSRF = 1 << 3, /* a state-changing route without a form (none yet) */
	ROUTE_EVIDENCE = 1 << 4,/* evidence files: up to EVIDENCE_LIMIT */
};

/* EVIDENCE_LIMIT: five files of 10 MB (recognition.h) and the form around
 * them; every teacher may send it, so not the 256 MB of an import */
enum { BODY_LIMIT = 8 << 20, UPLOAD_LIMIT = 256 << 20, EVIDENCE_LIMIT = 52 << 20 };

struct route {
	int methods;            /* M_GET | M_POST ... */
	const char *pattern;    /* "/admin/accounts/{login}/disable": {x} matches one segment */
	handler_fn handler;
	unsigned flags;         /* enum route_flags */
	enum permission perm;   /* checked by authz_permits() unless ROUTE_PUBLIC */
};

/* Finds the route for a path (any method), for the body limit. */
const struct route *router_match_path(const char *path);
/* The body a request may send: UPLOAD_LIMIT when the route its method
 * reaches takes uploads. */
size_t router_body_limit(int method, const char *path);
/* Runs the checks and the handler; always leaves an answer in req. */
void router_dispatch(struct request *req);
/* The route table, for tests that walk every route. */
const struct route *router_routes(size_t *n);

#endif
