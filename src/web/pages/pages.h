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
/* registry (issue 4) */
/* registry_schools.c, registry_persons.c, registry_regions.c */
void page_schools(struct request *req);
void page_school(struct request *req);
void page_school_new(struct request *req);
void page_school_create(struct request *req);
void page_school_edit(struct request *req);
void page_school_update(struct request *req);
void page_persons(struct request *req);
void page_person(struct request *req);
void page_person_new(struct request *req);
void page_person_create(struct request *req);
void page_person_edit(struct request *req);
void page_person_update(struct request *req);
void page_regions(struct request *req);
void page_region(struct request *req);
void page_centres(struct request *req);
void page_centre(struct request *req);
void page_region_new(struct request *req);
void page_region_create(struct request *req);
void page_region_edit(struct request *req);
void page_region_update(struct request *req);
void page_centre_new(struct request *req);
void page_centre_create(struct request *req);
void page_centre_edit(struct request *req);
void page_centre_update(struct request *req);
/* activation (issue 4) */
/* activation.c: teacher activation codes, issued and redeemed */
void page_activation(struct request *req);
void page_activation_issue(struct request *req);
void page_activation_xlsx(struct request *req);
void page_activate(struct request *req);
void page_activate_post(struct request *req);
/* import (issue 4) */
/* import.c: upload, check, confirm; the job's JSON state lives beside its
 * page, as they share the loading and the ownership check */
void page_import(struct request *req);
void page_import_upload(struct request *req);
void page_import_job(struct request *req);
void page_import_run(struct request *req);
void page_import_rejects(struct request *req);
void api_import_job(struct request *req);
/* export (issue 4) */
/* export.c: downloads of the lists and the import templates */
void page_schools_export(struct request *req);
void page_persons_export(struct request *req);
void page_import_template(struct request *req);
/* training and hours (issue 5) */
/* issue 5 anchor: programmes */
/* issue 5 anchor: enrolment */
/* issue 5 anchor: attendance */
/* issue 5 anchor: ledger */
/* hours.c: a person's hours (the ledger), its export, manual entries and
 * reversals */
void page_hours_me(struct request *req);
void page_person_hours(struct request *req);
void page_person_hours_export(struct request *req);
void page_person_hours_add(struct request *req);
void page_hours_reversal(struct request *req);
/* issue 5 anchor: credits */

#endif
