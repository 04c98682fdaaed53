/* server.h - the HTTP server: libmicrohttpd's thread pool around
 * router_dispatch().
 *
 * server_run() binds, serves until SIGTERM or SIGINT, then stops taking
 * connections, lets requests in flight finish (up to a grace period), and
 * returns.  Each worker thread opens its own database connection on first
 * use; all are closed at the end. */
#ifndef TDC_SERVER_H
#define TDC_SERVER_H

#include "lib/err.h"
#include "web/request.h"

/* Prints "tdc: serving http://ADDR:PORT/" on stdout once listening, so a
 * caller that asked for port 0 learns the port. */
int server_run(struct app *app, struct err *err);

#endif
