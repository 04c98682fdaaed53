/* api.h - the JSON API under /api/v1/, one file per resource in web/api/. */
#ifndef TDC_API_H
#define TDC_API_H

#include "web/request.h"

/* me.c */
void api_me(struct request *req);

#endif
