/* me.c - GET /api/v1/me: who the caller is. */
#include "web/api/api.h"

#include <jansson.h>

#include "core/role.h"

void api_me(struct request *req)
{
	json_t *doc = json_pack("{s:s,s:s,s:s,s:s?}", "login", req->who.login, "name", req->who.name,
				"role", role_code(req->who.role),
				"scope", *req->who.scope ? req->who.scope : NULL);

	req_json(req, 200, doc);
}
