/* pages.h - the screens, one file each under web/pages/. */
#ifndef TDC_PAGES_H
#define TDC_PAGES_H

#include "web/request.h"

/* login.c */
void page_login(struct request *req);
void page_login_post(struct request *req);
void page_logout(struct request *req);
void page_lang(struct request *req);
/* home.c: one home page per role */
void page_home(struct request *req);
/* accounts.c: the system admin's accounts */
void page_accounts(struct request *req);
void page_account_new(struct request *req);
void page_account_create(struct request *req);
void page_account_disable(struct request *req);
void page_account_enable(struct request *req);
void page_account_password(struct request *req);
void page_account_revoke(struct request *req);
/* audit.c */
void page_audit(struct request *req);
/* static.c: compiled-in assets and the health check */
void page_static(struct request *req);
void page_healthz(struct request *req);

#endif
