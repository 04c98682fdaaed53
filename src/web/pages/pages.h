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
/* programmes.c: the catalogue, a programme, its form, status and sessions */
void page_programmes(struct request *req);
void page_programme(struct request *req);
void page_programme_new(struct request *req);
void page_programme_create(struct request *req);
void page_programme_edit(struct request *req);
void page_programme_update(struct request *req);
void page_programme_status(struct request *req);
void page_programme_session_add(struct request *req);
void page_programme_session_delete(struct request *req);
/* issue 5 anchor: enrolment */
/* enrolments.c: enrol and withdraw forms, a programme's lists and quotas,
 * a teacher's own enrolments, and her home page's panel */
void page_my_enrolments(struct request *req);
void page_programme_enrolments(struct request *req);
void page_programme_enrol(struct request *req);
void page_programme_withdraw(struct request *req);
void page_programme_quotas(struct request *req);
void page_programme_release(struct request *req);
void enrolment_home_section(struct request *req);
/* The notice after an enrolment form's redirect (?enrolment=seated...),
 * for the programme page to print under its heading. */
void enrolment_notice(struct request *req);
/* issue 5 anchor: attendance */
/* attendance.c: a session's sheet and QR code, the programme's overview,
 * scores and completion; checkin.c: a participant's scan */
void page_attendance_sheet(struct request *req);
void page_attendance_save(struct request *req);
void page_attendance_file(struct request *req);
void page_attendance_qr(struct request *req);
void page_attendance_qr_svg(struct request *req);
void page_programme_attendance(struct request *req);
void page_programme_scores(struct request *req);
void page_programme_complete(struct request *req);
void page_checkin(struct request *req);
void page_checkin_post(struct request *req);
/* issue 5 anchor: ledger */
/* hours.c: a person's hours (the ledger), its export, manual entries and
 * reversals */
void page_hours_me(struct request *req);
void page_person_hours(struct request *req);
void page_person_hours_export(struct request *req);
void page_person_hours_add(struct request *req);
void page_hours_reversal(struct request *req);
/* issue 5 anchor: credits */
/* issue 6 anchor: settings */
void page_settings(struct request *req);
void page_settings_save(struct request *req);
/* issue 6 anchor: assessment */
void page_assessment(struct request *req);
void page_assessment_run(struct request *req);
void page_assessment_export(struct request *req);
/* The look-ahead panel of the home pages, from 1 October (home.c). */
void assessment_home_section(struct request *req);
/* issue 6 anchor: appraisals */
/* appraisals.c: a person's appraisals and events, a section of her page */
struct person_rec;
void appraisals_section(struct request *req, const struct person_rec *p);
void page_person_appraisal_save(struct request *req);
void page_person_event_save(struct request *req);
/* issue 6 anchor: registration */
/* the re-registration workflow (registration.c) */
void page_registration(struct request *req);
void page_registration_apply(struct request *req);
void page_registration_withdraw(struct request *req);
void page_registration_review(struct request *req);
void page_registration_agree(struct request *req);
void page_registration_return(struct request *req);
void page_registration_decide_home(struct request *req);
void page_registration_decide(struct request *req);
void page_registration_decide_one(struct request *req);
void page_registration_decide_all(struct request *req);
void page_registration_batch(struct request *req);
void page_registration_public(struct request *req);
void page_registration_decision(struct request *req);
/* issue 6 anchor: recognition */
/* recognition.c: recognition of activities (学时认定): a teacher's
 * applications, the school's and the district centre's review, the
 * evidence download, a region's rules */
void page_recognition_mine(struct request *req);
void page_recognition_new(struct request *req);
void page_recognition_apply(struct request *req);
void page_recognition_view(struct request *req);
void page_recognition_withdraw(struct request *req);
void page_recognition_queue(struct request *req);
void page_recognition_review(struct request *req);
void page_recognition_file(struct request *req);
void page_recognition_rules(struct request *req);
void page_recognition_rules_save(struct request *req);
/* issue 6 anchor: reports */
/* reports.c: the registration report page and its downloads */
void page_report_registration(struct request *req);
void page_report_registration_export(struct request *req);

#endif
