"""Every URL of the project, with every role: who gets the page and who gets a 404.

The table below is the access policy, written out. A URL pattern with no row fails
`test_every_url_has_an_expectation`, so a new page cannot ship without deciding who sees it.
Rules the table encodes (issue #2): pages a role may not use answer 404 — the same as a page
that does not exist, so nothing is learnt from the refusal; a cadre gets 404 on another cadre's
pages, a liaison on other units' cadres, the three IT admins on business data, everyone but the
audit admin on the audit log; anonymous users are sent to the login page everywhere but there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from guazhi.accounts.models import Role, User
from guazhi.jobs.models import Job
from guazhi.roster.models import Cohort, RosterImport, RosterImportStatus, Unit
from tests.conftest import login
from tests.library.library_helpers import library_targets

ANONYMOUS = "anonymous"
ADMIN = "programme_admin"
HOST = "host_liaison"
HOME = "home_liaison"
CADRE = "cadre_user"  # 张建国 = cadre_a, posted to host_liaison's town from home_liaison's unit
OTHER_CADRE = "other_cadre_user"  # 李秀英 = cadre_b, another town, another home unit
SYSTEM = "system_admin"
SECURITY = "security_admin"
AUDIT = "audit_admin"
ROLES = (ANONYMOUS, ADMIN, HOST, HOME, CADRE, OTHER_CADRE, SYSTEM, SECURITY, AUDIT)
BUSINESS = (ADMIN, HOST, HOME, CADRE, OTHER_CADRE)
LOGGED_IN = ROLES[1:]

OK = 200
FOUND = 302
NOT_FOUND = 404


@dataclass(frozen=True)
class Case:
    """One URL (with one object for <pk>): the status each role gets. Roles not listed get 404;
    anonymous users get a redirect to the login page unless listed."""

    name: str
    allowed: dict[str, int | tuple[int, ...]]
    target: str = ""  # which object fills <int:pk>
    method: str = "GET"
    # role → reason, for a view still being written: xfail(strict=False) for that role only
    xfail: dict[str, str] = field(default_factory=dict)
    kwargs: dict[str, str] = field(default_factory=dict)  # other URL parameters (not <pk>)

    @property
    def id(self) -> str:
        return f"{self.name}[{self.target}]" if self.target else self.name


def only(*roles: str, status: int | tuple[int, ...] = OK) -> dict[str, int | tuple[int, ...]]:
    return dict.fromkeys(roles, status)


# Account targets of every role (三员分立, issue #12): the system admin resets, unlocks and
# deactivates business and unassigned accounts, the security admin grants their roles; nobody
# acts through the web on an IT admin's account or on their own ("account_self" is the walker).
MANAGEABLE_ACCOUNTS = ("account", "account_business")
UNMANAGEABLE_ACCOUNTS = ("account_system", "account_security", "account_audit", "account_self")
ACCOUNT_CASES = [
    Case(name, allowed if target in MANAGEABLE_ACCOUNTS else {}, target=target, method=method)
    for name, allowed, method in (
        ("accounts:user_reset_password", only(SYSTEM), "GET"),
        ("accounts:user_unlock", only(SYSTEM, status=FOUND), "POST"),
        ("accounts:user_deactivate", only(SYSTEM, status=FOUND), "POST"),
        ("accounts:user_reactivate", only(SYSTEM, status=FOUND), "POST"),
        ("accounts:user_role", only(SECURITY), "GET"),
        ("accounts:user_two_factor_reset", only(SECURITY, status=FOUND), "POST"),
    )
    for target in MANAGEABLE_ACCOUNTS + UNMANAGEABLE_ACCOUNTS
]

CASES: list[Case] = [
    # --- Accounts --------------------------------------------------------------------------
    Case("home", only(*LOGGED_IN)),
    Case("login", {ANONYMOUS: OK, **only(*LOGGED_IN, status=FOUND)}),
    Case("accounts:logout", only(*ROLES, status=FOUND), method="POST"),
    Case("accounts:password_change", only(*LOGGED_IN)),
    # Walkers are past the second factor (tests.conftest.login); those who must have one are
    # enrolled, so setup sends them to their security page, the others may enrol.
    Case("accounts:security", only(*LOGGED_IN)),
    Case("accounts:two_factor_verify", only(*LOGGED_IN, status=FOUND)),
    Case(
        "accounts:two_factor_setup",
        {
            **only(ADMIN, SYSTEM, SECURITY, AUDIT, status=FOUND),
            **only(HOST, HOME, CADRE, OTHER_CADRE),
        },
    ),
    Case("accounts:recovery_codes", only(*LOGGED_IN, status=FOUND)),
    Case("accounts:recovery_codes_download", {}),  # no fresh codes in these sessions
    Case(
        "accounts:recovery_codes_regenerate",
        only(ADMIN, SYSTEM, SECURITY, AUDIT, status=FOUND),
        method="POST",
    ),
    Case("accounts:two_factor_remove", {}, method="POST"),  # only an enrolled optional user
    Case("accounts:user_list", only(SYSTEM, SECURITY)),
    Case("accounts:user_create", only(SYSTEM)),
    *ACCOUNT_CASES,
    # --- Statistics (the home page above): chart data as Excel, scoped like the charts -----
    Case("stats:chart_export", only(ADMIN, HOST, HOME), kwargs={"key": "cohorts"}),
    Case("stats:chart_export", only(*BUSINESS), kwargs={"key": "figures"}),
    # A secondment's timeline and digest (page and Excel): whoever may see the secondment.
    Case("stats:timeline", only(ADMIN, HOST, HOME, CADRE), target="secondment_a"),
    Case("stats:timeline", only(ADMIN, OTHER_CADRE), target="secondment_b"),
    Case("stats:digest", only(ADMIN, HOST, HOME, CADRE), target="secondment_a"),
    Case("stats:digest", only(ADMIN, OTHER_CADRE), target="secondment_b"),
    Case("stats:digest_export", only(ADMIN, HOST, HOME, CADRE), target="secondment_a"),
    Case("stats:digest_export", only(ADMIN, OTHER_CADRE), target="secondment_b"),
    # --- Attendance: check-in by cadres; the monthly report for the admin and liaisons ----
    Case("attendance:checkin", only(CADRE, OTHER_CADRE, status=FOUND), method="POST"),
    Case("attendance:month_report", only(ADMIN, HOST, HOME)),
    Case("attendance:month_export", only(ADMIN, HOST, HOME)),
    # --- Audit -----------------------------------------------------------------------------
    Case("audit:record_list", only(AUDIT)),
    Case("audit:record_export", only(AUDIT)),
    # --- Roster: cadres --------------------------------------------------------------------
    Case("roster:cadre_list", only(*BUSINESS)),
    Case("roster:cadre_create", only(ADMIN)),
    Case("roster:secondment_create", only(ADMIN), target="cadre_a"),
    Case("roster:cadre_detail", only(ADMIN, HOST, HOME, CADRE), target="cadre_a"),
    Case("roster:cadre_detail", only(ADMIN, OTHER_CADRE), target="cadre_b"),
    Case("roster:cadre_edit", only(ADMIN), target="cadre_a"),
    Case("roster:cadre_edit", only(ADMIN), target="cadre_b"),
    # The host liaison sees the mobile (audited) of cadres posted to their town.
    Case("roster:cadre_reveal", only(ADMIN, HOST, CADRE), target="cadre_a", method="POST"),
    Case("roster:cadre_reveal", only(ADMIN, OTHER_CADRE), target="cadre_b", method="POST"),
    # --- Roster: secondments ---------------------------------------------------------------
    Case("roster:secondment_list", only(*BUSINESS)),
    Case("roster:secondment_detail", only(ADMIN, HOST, HOME, CADRE), target="secondment_a"),
    Case("roster:secondment_detail", only(ADMIN, OTHER_CADRE), target="secondment_b"),
    Case("roster:secondment_edit", only(ADMIN), target="secondment_a"),
    Case("roster:secondment_duties", only(ADMIN, HOST), target="secondment_a"),
    Case("roster:secondment_duties", only(ADMIN), target="secondment_b"),
    Case(
        "roster:secondment_status",
        only(ADMIN, status=FOUND),
        target="secondment_a",
        method="POST",
    ),
    # --- Roster: cohorts and units ---------------------------------------------------------
    Case("roster:cohort_list", only(*BUSINESS)),
    Case("roster:cohort_create", only(ADMIN)),
    Case("roster:cohort_detail", only(*BUSINESS), target="cohort"),
    Case("roster:cohort_detail", only(ADMIN), target="empty_cohort"),
    Case("roster:cohort_edit", only(ADMIN), target="cohort"),
    Case("roster:unit_edit", only(ADMIN), target="village_a"),
    Case("roster:unit_list", only(ADMIN)),
    Case("roster:unit_create", only(ADMIN)),
    # --- Roster: import and export (programme admin only) ----------------------------------
    Case("roster:roster_export", only(ADMIN)),
    Case("roster:import_upload", only(ADMIN)),
    Case("roster:import_template", only(ADMIN)),
    Case("roster:import_detail", only(ADMIN), target="roster_import"),
    Case("roster:import_report", only(ADMIN), target="roster_import"),
    # A rejected import cannot be committed: the admin is sent back with a message.
    Case(
        "roster:import_commit",
        only(ADMIN, status=(OK, FOUND)),
        target="roster_import",
        method="POST",
    ),
    # --- Ledger: a cadre writes and edits only their own entries; the host liaison of the
    # unit (and the admin) confirms or returns; the home liaison reads; IT admins see nothing.
    Case("ledger:entry_list", only(*BUSINESS)),
    Case("ledger:pending_queue", only(ADMIN, HOST)),
    # The ledger export (an Excel of what the user may see), every business role.
    Case("ledger:entry_export", only(*BUSINESS)),
    # The ledger import: the programme admin, and only the admin who uploaded sees the result.
    Case("ledger:import_upload", only(ADMIN)),
    Case("ledger:import_template", only(ADMIN)),
    Case("ledger:import_detail", only(ADMIN), target="ledger_import"),
    Case("ledger:import_report", only(ADMIN), target="ledger_import"),
    # A rejected import cannot be committed: the admin is sent back with a message.
    Case("ledger:import_commit", only(ADMIN, status=FOUND), target="ledger_import", method="POST"),
    # The offline service worker is a static script, holding no data.
    Case("ledger:service_worker", only(*ROLES)),
    # cadre_b's secondment is 待报到: the page says they cannot write yet.
    Case("ledger:entry_create", only(CADRE, OTHER_CADRE)),
    Case("ledger:entry_detail", only(ADMIN, HOST, HOME, CADRE), target="entry_a"),
    Case("ledger:entry_detail", only(ADMIN, OTHER_CADRE), target="entry_b"),
    Case("ledger:entry_edit", only(CADRE), target="entry_a"),
    Case("ledger:entry_edit", only(OTHER_CADRE), target="entry_b"),
    Case("ledger:entry_confirm", only(ADMIN, HOST, status=FOUND), target="entry_a", method="POST"),
    Case("ledger:entry_confirm", only(ADMIN, status=FOUND), target="entry_b", method="POST"),
    Case("ledger:entry_return", only(ADMIN, HOST, status=FOUND), target="entry_a", method="POST"),
    Case("ledger:entry_return", only(ADMIN, status=FOUND), target="entry_b", method="POST"),
    Case("ledger:attachment_add", only(CADRE, status=FOUND), target="entry_a", method="POST"),
    Case("ledger:attachment_add", only(OTHER_CADRE, status=FOUND), target="entry_b", method="POST"),
    Case("ledger:attachment_file", only(ADMIN, HOST, HOME, CADRE), target="attachment_a"),
    Case("ledger:attachment_thumbnail", only(ADMIN, HOST, HOME, CADRE), target="attachment_a"),
    Case(
        "ledger:attachment_delete", only(CADRE, status=FOUND), target="attachment_a", method="POST"
    ),
    # The programme admin maintains the categories and their figure fields.
    Case("ledger:category_list", only(ADMIN)),
    Case("ledger:category_create", only(ADMIN)),
    Case("ledger:category_edit", only(ADMIN), target="category"),
    Case("ledger:figure_create", only(ADMIN), target="category"),
    Case("ledger:figure_edit", only(ADMIN), target="figure_field"),
    # --- Background jobs: only the user who started one (here the admin) sees it ----------
    Case("jobs:job_list", only(*LOGGED_IN)),
    Case("jobs:job_detail", only(ADMIN), target="job"),
    Case("jobs:job_status", only(ADMIN), target="job"),
    Case("jobs:job_download", only(ADMIN), target="job"),
    # --- Key projects: the cadre registers and updates their own; liaisons and the admin read
    # (scoped like the roster); the admin keeps the milestone templates; IT admins see nothing.
    Case("projects:project_list", only(*BUSINESS)),
    Case("projects:project_create", only(CADRE, OTHER_CADRE)),
    Case("projects:project_detail", only(ADMIN, HOST, HOME, CADRE), target="project_a"),
    Case("projects:project_detail", only(ADMIN, OTHER_CADRE), target="project_b"),
    Case("projects:project_edit", only(CADRE), target="project_a"),
    Case("projects:project_edit", only(OTHER_CADRE), target="project_b"),
    Case("projects:update_add", only(CADRE, status=FOUND), target="project_a", method="POST"),
    Case("projects:update_add", only(OTHER_CADRE, status=FOUND), target="project_b", method="POST"),
    Case("projects:milestone_add", only(CADRE, status=FOUND), target="project_a", method="POST"),
    Case(
        "projects:milestone_add", only(OTHER_CADRE, status=FOUND), target="project_b", method="POST"
    ),
    Case("projects:milestone_edit", only(CADRE), target="milestone_a"),
    Case("projects:milestone_edit", only(OTHER_CADRE), target="milestone_b"),
    Case("projects:template_list", only(ADMIN)),
    Case("projects:template_create", only(ADMIN)),
    Case("projects:template_edit", only(ADMIN), target="milestone_template"),
    # --- Paired contacts and problems: the same rule; full phone and ID numbers only for the
    # paired cadre and the programme admin, through an audited POST.
    Case("contacts:contact_list", only(*BUSINESS)),
    Case("contacts:contact_create", only(CADRE, OTHER_CADRE)),
    Case("contacts:contact_detail", only(ADMIN, HOST, HOME, CADRE), target="contact_a"),
    Case("contacts:contact_detail", only(ADMIN, OTHER_CADRE), target="contact_b"),
    Case("contacts:contact_edit", only(CADRE), target="contact_a"),
    Case("contacts:contact_edit", only(OTHER_CADRE), target="contact_b"),
    Case("contacts:contact_reveal", only(ADMIN, CADRE), target="contact_a", method="POST"),
    Case("contacts:contact_reveal", only(ADMIN, OTHER_CADRE), target="contact_b", method="POST"),
    Case("contacts:visit_add", only(CADRE, status=FOUND), target="contact_a", method="POST"),
    Case("contacts:visit_add", only(OTHER_CADRE, status=FOUND), target="contact_b", method="POST"),
    Case("contacts:problem_list", only(*BUSINESS)),
    Case("contacts:problem_create", only(CADRE, OTHER_CADRE)),
    Case("contacts:problem_detail", only(ADMIN, HOST, HOME, CADRE), target="problem_a"),
    Case("contacts:problem_detail", only(ADMIN, OTHER_CADRE), target="problem_b"),
    Case("contacts:problem_edit", only(CADRE), target="problem_a"),
    Case("contacts:problem_edit", only(OTHER_CADRE), target="problem_b"),
    # --- Writings: the cadre writes and submits their own; the host liaison of the unit (and the
    # admin) returns or accepts; the home liaison reads; drafts are the author's alone.
    # The term-summary draft is its cadre's alone (cadre_a has one: 生成挂职总结初稿 opens it);
    # the wording polish answers 404 while no language model is configured.
    Case("drafts:mine", {CADRE: FOUND, OTHER_CADRE: OK}),
    Case("drafts:generate", only(CADRE, OTHER_CADRE, status=FOUND), method="POST"),
    Case("drafts:draft_detail", only(CADRE), target="summary_draft_a"),
    Case("drafts:write", only(CADRE), target="summary_draft_a"),
    Case("drafts:polish", {}, target="summary_draft_a", method="POST"),
    Case("writings:mine", only(CADRE, OTHER_CADRE)),
    Case("writings:writing_create", only(CADRE, OTHER_CADRE)),
    Case("writings:writing_list", only(ADMIN, HOST, HOME)),
    Case("writings:review_queue", only(ADMIN, HOST)),
    Case("writings:overdue", only(ADMIN)),
    # The batch .zip of a cohort's writings: the admin, and host liaisons for their units.
    Case("writings:batch_export", only(ADMIN, HOST)),
    Case("writings:requirement_list", only(ADMIN), target="cohort"),
    Case("writings:requirement_edit", only(ADMIN), target="writing_requirement"),
    Case(
        "writings:requirement_delete",
        only(ADMIN, status=FOUND),
        target="writing_requirement",
        method="POST",
    ),
    Case("writings:writing_detail", only(ADMIN, HOST, HOME, CADRE), target="writing_a"),
    Case("writings:writing_detail", only(ADMIN, OTHER_CADRE), target="writing_b"),
    Case("writings:writing_detail", only(CADRE), target="writing_draft_a"),
    # A submitted writing cannot be edited: its author is sent back to it with a message.
    Case("writings:writing_edit", only(CADRE, status=FOUND), target="writing_a"),
    Case("writings:writing_edit", only(CADRE), target="writing_draft_a"),
    Case("writings:writing_edit", only(OTHER_CADRE, status=FOUND), target="writing_b"),
    # An autosave without a version is refused as a stale page (400), for the author only.
    Case(
        "writings:writing_autosave",
        only(CADRE, status=400),
        target="writing_draft_a",
        method="POST",
    ),
    Case(
        "writings:writing_upload",
        only(CADRE, status=FOUND),
        target="writing_draft_a",
        method="POST",
    ),
    Case(
        "writings:writing_submit",
        only(CADRE, status=FOUND),
        target="writing_draft_a",
        method="POST",
    ),
    Case(
        "writings:writing_submit",
        only(OTHER_CADRE, status=FOUND),
        target="writing_b",
        method="POST",
    ),
    Case(
        "writings:writing_return",
        only(ADMIN, HOST, status=FOUND),
        target="writing_a",
        method="POST",
    ),
    Case("writings:writing_return", only(ADMIN, status=FOUND), target="writing_b", method="POST"),
    Case(
        "writings:writing_accept",
        only(ADMIN, HOST, status=FOUND),
        target="writing_a",
        method="POST",
    ),
    Case("writings:writing_accept", only(ADMIN, status=FOUND), target="writing_b", method="POST"),
    Case("writings:version_detail", only(ADMIN, HOST, HOME, CADRE), target="version_a"),
    Case("writings:version_detail", only(ADMIN, OTHER_CADRE), target="version_b"),
    Case("writings:version_detail", only(CADRE), target="version_draft_a"),
    # Word / PDF downloads follow the page they are on. The PDF answers 200 with LibreOffice and
    # sends back to the page (302, with the message) without it; few rows: each runs soffice.
    Case("writings:writing_docx", only(ADMIN, HOST, HOME, CADRE), target="writing_a"),
    Case("writings:writing_docx", only(ADMIN, OTHER_CADRE), target="writing_b"),
    Case("writings:writing_docx", only(CADRE), target="writing_draft_a"),
    Case("writings:writing_pdf", only(ADMIN, OTHER_CADRE, status=(OK, FOUND)), target="writing_b"),
    Case("writings:version_docx", only(ADMIN, HOST, HOME, CADRE), target="version_a"),
    Case("writings:version_docx", only(ADMIN, OTHER_CADRE), target="version_b"),
    Case("writings:version_docx", only(CADRE), target="version_draft_a"),
    Case("writings:version_pdf", only(ADMIN, OTHER_CADRE, status=(OK, FOUND)), target="version_b"),
    # --- Originality reports: the author, the host liaison who decides the writing and the
    # admin; the cohort table and the reference corpus: the admin only.
    Case("similarity:cohort_list", only(ADMIN)),
    Case("similarity:cohort_export", only(ADMIN)),
    Case("similarity:report_detail", only(ADMIN, HOST, CADRE), target="report_a"),
    Case("similarity:report_detail", only(ADMIN, OTHER_CADRE), target="report_b"),
    Case("similarity:report_status", only(ADMIN, HOST, CADRE), target="report_a"),
    Case("similarity:report_status", only(ADMIN, OTHER_CADRE), target="report_b"),
    Case("similarity:report_compare", only(ADMIN, HOST, CADRE), target="report_a"),
    Case("similarity:report_docx", only(ADMIN, HOST, CADRE), target="report_a"),
    # PDF through LibreOffice; without it the page comes back with a message.
    Case("similarity:report_pdf", only(ADMIN, HOST, CADRE, status=(OK, FOUND)), target="report_a"),
    Case(
        "similarity:report_retry",
        only(ADMIN, HOST, CADRE, status=FOUND),
        target="report_failed_a",
        method="POST",
    ),
    Case("similarity:version_report", only(ADMIN, HOST, CADRE, status=FOUND), target="version_a"),
    Case("similarity:version_report", only(ADMIN, OTHER_CADRE, status=FOUND), target="version_b"),
    # Claims check: the author and every reader of the writing but other cadres; reviewers
    # (the deciding host liaison, the admin) recheck.
    Case("claimcheck:version_check", only(ADMIN, HOST, HOME, CADRE), target="version_a"),
    Case("claimcheck:version_check", only(ADMIN, OTHER_CADRE), target="version_b"),
    Case("claimcheck:version_status", only(ADMIN, HOST, HOME, CADRE), target="version_a"),
    Case(
        "claimcheck:version_recheck",
        only(ADMIN, HOST, status=FOUND),
        target="version_a",
        method="POST",
    ),
    Case("similarity:reference_list", only(ADMIN)),
    Case("similarity:reference_upload", only(ADMIN)),
    Case("similarity:reference_detail", only(ADMIN), target="reference"),
    Case(
        "similarity:reference_delete", only(ADMIN, status=FOUND), target="reference", method="POST"
    ),
    # --- Shared library (交流): the cohort's cadres read and comment, liaisons read within
    # their scope, the author shares an accepted writing and withdraws it, the admin moderates.
    Case("library:share_list", only(*BUSINESS)),
    Case("library:moderation", only(ADMIN)),
    Case(
        "library:share_create",
        only(CADRE, status=FOUND),
        target="writing_accepted_a",
        method="POST",
    ),
    Case("library:share_detail", only(*BUSINESS), target="share_a"),
    Case("library:share_withdraw", only(CADRE, status=FOUND), target="share_a", method="POST"),
    # An empty comment shows the page again with the error.
    Case("library:comment_add", only(CADRE, OTHER_CADRE), target="share_a", method="POST"),
    Case(
        "library:comment_delete", only(OTHER_CADRE, status=FOUND), target="comment_a", method="POST"
    ),
    Case("library:comment_hide", only(ADMIN, status=FOUND), target="comment_a", method="POST"),
    Case("library:comment_restore", only(ADMIN, status=FOUND), target="comment_a", method="POST"),
    # --- Full-text search: every business role, over what each may see.
    Case("search:search", only(*BUSINESS)),
    # --- 同届经验: a secondment's peers for whoever may see the secondment; a cohort's map for
    # whoever may see the cohort (its rows scoped in guazhi.peers.cohort_map); refresh: admin.
    Case("peers:index", only(*BUSINESS)),
    Case("peers:refresh", only(ADMIN, status=FOUND), method="POST"),
    Case("peers:secondment_peers", only(ADMIN, HOST, HOME, CADRE), target="secondment_a"),
    Case("peers:secondment_peers", only(ADMIN, OTHER_CADRE), target="secondment_b"),
    Case("peers:cohort_map", only(*BUSINESS), target="cohort"),
    Case("peers:cohort_map", only(ADMIN), target="empty_cohort"),
    Case("peers:cohort_map_export", only(*BUSINESS), target="cohort"),
    Case("peers:cohort_map_export", only(ADMIN), target="empty_cohort"),
    # --- Needs and resources matching: host liaisons post needs, home liaisons and cadres
    # resources; either side proposes, a liaison of either side (or the admin) accepts or
    # declines; the dashboard is for the admin and the liaisons (tests/matching for the rules).
    Case("matching:dashboard", only(ADMIN, HOST, HOME)),
    Case("matching:chart_export", only(ADMIN, HOST, HOME), kwargs={"key": "kinds"}),
    Case("matching:need_list", only(*BUSINESS)),
    Case("matching:need_create", only(ADMIN, HOST)),
    Case("matching:need_detail", only(*BUSINESS), target="need_a"),
    Case("matching:need_detail", only(ADMIN, HOME, CADRE, OTHER_CADRE), target="need_b"),
    Case("matching:need_edit", only(ADMIN, HOST), target="need_a"),
    Case("matching:need_edit", only(ADMIN), target="need_b"),
    # Without a reason (or a chosen resource) the page answers with a message: a redirect.
    Case("matching:need_close", only(ADMIN, HOST, status=FOUND), target="need_a", method="POST"),
    Case("matching:need_propose", only(*BUSINESS, status=FOUND), target="need_a", method="POST"),
    Case("matching:resource_list", only(*BUSINESS)),
    Case("matching:resource_create", only(ADMIN, HOME, CADRE, OTHER_CADRE)),
    Case("matching:resource_detail", only(ADMIN, HOST, HOME, CADRE), target="resource_a"),
    Case("matching:resource_detail", only(ADMIN, OTHER_CADRE), target="resource_b"),
    Case("matching:resource_edit", only(ADMIN, HOME), target="resource_a"),
    Case("matching:resource_edit", only(ADMIN), target="resource_b"),
    Case(
        "matching:resource_withdraw",
        only(ADMIN, HOME, status=FOUND),
        target="resource_a",
        method="POST",
    ),
    Case(
        "matching:resource_propose",
        only(ADMIN, HOST, HOME, CADRE, status=FOUND),
        target="resource_a",
        method="POST",
    ),
    Case("matching:match_detail", only(ADMIN, HOST, HOME, CADRE), target="match_a"),
    Case("matching:match_accept", only(ADMIN, HOST, HOME), target="match_a"),
    Case(
        "matching:match_decline",
        only(ADMIN, HOST, HOME, status=FOUND),
        target="match_a",
        method="POST",
    ),
    # --- Democratic evaluation: the admin and the host liaison of the unit run rounds; nobody
    # else sees them. The ballot is public (no login) and decided by the code typed.
    Case("evaluation:round_list", only(ADMIN, HOST)),
    Case("evaluation:round_create", only(ADMIN, HOST)),
    Case("evaluation:round_detail", only(ADMIN, HOST), target="round_a"),
    Case("evaluation:round_detail", only(ADMIN), target="round_b"),
    Case("evaluation:round_slips", only(ADMIN, HOST), target="round_a"),
    Case("evaluation:round_slips", only(ADMIN), target="round_b"),
    # A closed round prints no more slips and lists no more codes.
    Case("evaluation:round_slips", {}, target="round_closed_a"),
    Case("evaluation:round_codes_export", only(ADMIN, HOST), target="round_a"),
    Case("evaluation:round_codes_export", {}, target="round_closed_a"),
    Case("evaluation:round_void", only(ADMIN, HOST, status=FOUND), target="round_a", method="POST"),
    Case("evaluation:round_void", only(ADMIN, status=FOUND), target="round_b", method="POST"),
    Case(
        "evaluation:round_add_codes",
        only(ADMIN, HOST, status=FOUND),
        target="round_a",
        method="POST",
    ),
    # Without the form's version nothing closes: back to the round with a message.
    Case(
        "evaluation:round_close", only(ADMIN, HOST, status=FOUND), target="round_a", method="POST"
    ),
    Case("evaluation:round_close", only(ADMIN, status=FOUND), target="round_b", method="POST"),
    Case("evaluation:round_close", {}, target="round_closed_a", method="POST"),
    # Results only once closed: an open round sends its runners back to it.
    Case("evaluation:round_results", only(ADMIN, HOST, status=FOUND), target="round_a"),
    Case("evaluation:round_results", only(ADMIN, HOST), target="round_closed_a"),
    Case("vote:ballot", only(*ROLES), kwargs={"key": "WALK23"}),
    # A submission without a code is refused (400) whoever sends it.
    Case("vote:submit", only(*ROLES, status=400), kwargs={"key": "WALK23"}, method="POST"),
    # --- Assessment: the admin keeps schemes, runs periods and exports; the cadre writes their
    # self-assessment, the host liaison of the unit (or the admin) scores, the home liaison
    # comments; before publication the scores and result are the admin's and the host's only.
    Case("assessment:index", only(*BUSINESS)),
    Case("assessment:scheme_create", only(ADMIN)),
    Case("assessment:scheme_detail", only(ADMIN), target="scheme"),
    Case("assessment:scheme_edit", only(ADMIN), target="scheme"),
    Case("assessment:scheme_indicators", only(ADMIN), target="scheme"),
    Case("assessment:scheme_copy", only(ADMIN, status=FOUND), target="scheme", method="POST"),
    Case("assessment:period_create", only(ADMIN), target="scheme"),
    Case("assessment:period_detail", only(ADMIN, HOST, HOME), target="period"),
    # Unscored forms: publishing is refused with a message (a redirect back).
    Case("assessment:period_publish", only(ADMIN, status=FOUND), target="period", method="POST"),
    Case(
        "assessment:period_add_missing", only(ADMIN, status=FOUND), target="period", method="POST"
    ),
    Case("assessment:period_workbook", only(ADMIN), target="period"),
    Case("assessment:period_forms", only(ADMIN, status=FOUND), target="period", method="POST"),
    Case("assessment:assessment_detail", only(ADMIN, HOST, HOME, CADRE), target="assessment_a"),
    Case("assessment:assessment_detail", only(ADMIN, OTHER_CADRE), target="assessment_b"),
    Case("assessment:assessment_self", only(CADRE), target="assessment_a"),
    Case("assessment:assessment_self", only(OTHER_CADRE), target="assessment_b"),
    Case("assessment:assessment_score", only(ADMIN, HOST), target="assessment_a"),
    Case("assessment:assessment_score", only(ADMIN), target="assessment_b"),
    Case("assessment:assessment_home", only(HOME), target="assessment_a"),
    Case("assessment:assessment_home", {}, target="assessment_b"),
    Case("assessment:appraisal_docx", only(ADMIN, HOST), target="assessment_a"),
    Case("assessment:appraisal_docx", only(ADMIN), target="assessment_b"),
    # PDF: the file, or back to the form with a message where LibreOffice is missing.
    Case("assessment:appraisal_pdf", only(ADMIN, HOST, status=(OK, FOUND)), target="assessment_a"),
    # --- Recycle bin: the admin deletes and restores anything it sees; a cadre deletes their own
    # unconfirmed entries and drafts and restores what they deleted. A POST without the form's
    # version is refused as stale: a redirect back with a message.
    Case("retention:recycle_bin", only(ADMIN, CADRE, OTHER_CADRE)),
    Case(
        "retention:entry_delete", only(ADMIN, CADRE, status=FOUND), target="entry_a", method="POST"
    ),
    Case(
        "retention:entry_delete",
        only(ADMIN, OTHER_CADRE, status=FOUND),
        target="entry_b",
        method="POST",
    ),
    Case(
        "retention:entry_restore",
        only(ADMIN, CADRE, status=FOUND),
        target="entry_deleted_a",
        method="POST",
    ),
    Case("retention:writing_delete", only(ADMIN, status=FOUND), target="writing_a", method="POST"),
    Case(
        "retention:writing_delete",
        only(CADRE, status=FOUND),
        target="writing_draft_a",
        method="POST",
    ),
    Case(
        "retention:writing_restore",
        only(CADRE, status=FOUND),
        target="writing_draft_deleted_a",
        method="POST",
    ),
    Case(
        "retention:writing_restore",
        only(ADMIN, status=FOUND),
        target="writing_deleted_by_admin_a",
        method="POST",
    ),
    # Roster rows: the admin's alone (a POST without the version: back with a message).
    Case("retention:cadre_delete", only(ADMIN, status=FOUND), target="cadre_a", method="POST"),
    Case(
        "retention:cadre_restore", only(ADMIN, status=FOUND), target="cadre_deleted", method="POST"
    ),
    Case(
        "retention:secondment_delete",
        only(ADMIN, status=FOUND),
        target="secondment_a",
        method="POST",
    ),
    Case(
        "retention:secondment_restore",
        only(ADMIN, status=FOUND),
        target="secondment_deleted_a",
        method="POST",
    ),
]


def _params() -> list[object]:
    params = []
    for case in CASES:
        for role in ROLES:
            marks = []
            if role in case.xfail:
                marks.append(pytest.mark.xfail(reason=case.xfail[role], strict=False))
            params.append(pytest.param(case, role, id=f"{case.id}-{role}", marks=marks))
    return params


def url_patterns() -> dict[str, str]:
    """{'namespace:name': route} for every named pattern of the project."""
    found: dict[str, str] = {}

    def walk(patterns: list[object], namespace: str, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace or ""]))
                walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                assert p.name, f"URL {prefix}{p.pattern} has no name"
                found[f"{namespace}:{p.name}" if namespace else p.name] = prefix + str(p.pattern)

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_url_has_an_expectation() -> None:
    patterns = url_patterns()
    covered = {case.name for case in CASES}
    missing = sorted(set(patterns) - covered)
    assert not missing, f"URLs with no row in the permission table: {missing}"
    stale = sorted(covered - set(patterns))
    assert not stale, f"rows for URLs that no longer exist: {stale}"
    for case in CASES:
        needs_pk = "<int:pk>" in patterns[case.name]
        assert needs_pk == bool(case.target), (
            f"{case.id}: target does not match {patterns[case.name]}"
        )


@pytest.mark.django_db
def test_every_role_is_walked(world) -> None:
    users, _ = world
    assert {u.role for u in users.values()} == {r.value for r in Role}


@pytest.fixture
def world(
    programme_admin,
    host_liaison,
    home_liaison,
    cadre_user,
    other_cadre_user,
    system_admin,
    security_admin,
    audit_admin,
    cadre_a,
    cadre_b,
    cohort,
    entry_a,
    entry_b,
    attachment_a,
    project_a,
    project_b,
    contact_a,
    contact_b,
    problem_a,
    problem_b,
    writing_a,
    writing_b,
    make_writing,
):
    users = {
        ADMIN: programme_admin,
        HOST: host_liaison,
        HOME: home_liaison,
        CADRE: cadre_user,
        OTHER_CADRE: other_cadre_user,
        SYSTEM: system_admin,
        SECURITY: security_admin,
        AUDIT: audit_admin,
    }
    account = User.objects.create_user(username="newcomer", password="Guazhi#2026", role="")
    empty_cohort = Cohort.objects.create(
        name="2025年第一批", year=2025, start_date=date(2025, 3, 1), end_date=date(2026, 2, 28)
    )
    roster_import = RosterImport.objects.create(
        cohort=cohort,
        file_name="名册.xlsx",
        sha256="0" * 64,
        uploaded_by=programme_admin,
        status=RosterImportStatus.REJECTED,
    )
    targets = {
        "account": account.pk,
        "account_business": home_liaison.pk,
        "account_system": system_admin.pk,
        "account_security": security_admin.pk,
        "account_audit": audit_admin.pk,
        "cadre_a": cadre_a.pk,
        "cadre_b": cadre_b.pk,
        "secondment_a": cadre_a.secondments.get().pk,
        "secondment_b": cadre_b.secondments.get().pk,
        "cohort": cohort.pk,
        "empty_cohort": empty_cohort.pk,
        "roster_import": roster_import.pk,
        "village_a": Unit.objects.get(name="石桥村").pk,
        "entry_a": entry_a.pk,
        "entry_b": entry_b.pk,
        "attachment_a": attachment_a.pk,
        "category": entry_a.category_id,
        "figure_field": entry_a.category.figure_fields.first().pk,
        "project_a": project_a.pk,
        "project_b": project_b.pk,
        "milestone_a": project_a.milestones.first().pk,
        "milestone_b": project_b.milestones.first().pk,
        "milestone_template": project_a.template_id,
        "contact_a": contact_a.pk,
        "contact_b": contact_b.pk,
        "problem_a": problem_a.pk,
        "problem_b": problem_b.pk,
    }
    from guazhi.writings.plan import ensure_plan

    ensure_plan(cohort)
    draft_a = make_writing(cadre_a.secondments.get(), cadre_user, status="draft", title="草稿")
    targets["writing_a"] = writing_a.pk
    targets["writing_b"] = writing_b.pk
    targets["writing_draft_a"] = draft_a.pk
    targets["version_a"] = writing_a.versions.get().pk
    targets["version_b"] = writing_b.versions.get().pk
    targets["version_draft_a"] = draft_a.versions.get().pk
    targets["writing_requirement"] = cohort.writing_requirements.first().pk
    targets.update(_similarity_targets(writing_a, writing_b, programme_admin))
    from guazhi.claimcheck.checking import enqueue as check_claims

    check_claims(targets["version_a"])
    targets["job"] = _finished_job(programme_admin).pk
    targets["ledger_import"] = Job.objects.create(
        user=programme_admin,
        kind="ledger_import",
        title="导入工作纪实：纪实.xlsx",
        status="failed",
        params={"state": "rejected", "file_name": "纪实.xlsx", "rows": [], "report": []},
    ).pk
    targets.update(library_targets(cadre_a, cadre_user, other_cadre_user))
    from tests.drafts.drafts_helpers import walk_targets as draft_targets

    targets.update(draft_targets(cadre_a, cadre_user))
    from tests.evaluation.evaluation_helpers import walk_targets as evaluation_targets

    targets.update(evaluation_targets(programme_admin, cadre_a, cadre_b))
    from tests.matching.matching_helpers import walk_targets as matching_targets

    targets.update(matching_targets(programme_admin, host_liaison, home_liaison))
    from tests.assessment.assessment_helpers import walk_targets

    targets.update(walk_targets(cohort, cadre_a, cadre_b))
    from tests.retention.recycle_helpers import walk_targets as recycle_targets

    targets.update(recycle_targets(cadre_a, cadre_user, programme_admin))
    return users, targets


def _similarity_targets(writing_a, writing_b, admin: User) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Reports of both writings (writing_a's copies a passage of writing_b's), a failed report
    of a second version of writing_a, and a reference text."""
    from guazhi.similarity.models import ReferenceText, Report
    from guazhi.writings.models import WritingVersion

    version_a, version_b = writing_a.versions.get(), writing_b.versions.get()
    passage = {
        "start": 0,
        "end": 8,
        "source_id": f"v{version_b.pk}",
        "source_start": 0,
        "source_end": 8,
        "similarity": 1.0,
        "common": False,
    }
    done = {
        "status": "done",
        "progress": 100,
        "chars": 20,
        "copy_ratio": 0.4,
        "copy_ratio_excluding_common": 0.4,
        "max_source_ratio": 0.4,
    }
    report_a = Report.objects.create(
        version=version_a, writing=writing_a, is_current=False, passages=[passage], **done
    )
    report_b = Report.objects.create(version=version_b, writing=writing_b, **done)
    second = WritingVersion.objects.create(
        writing=writing_a,
        number=2,
        title=writing_a.title,
        text=writing_a.text,
        source="editor",
        is_submission=True,
        created_by=version_a.created_by,
    )
    failed = Report.objects.create(version=second, writing=writing_a, status="failed")
    reference = ReferenceText.objects.create(
        title="挂职干部心得体会范文",
        text="范文正文" * 20,
        chars=80,
        sha256="1" * 64,
        uploaded_by=admin,
    )
    return {
        "report_a": report_a.pk,
        "report_b": report_b.pk,
        "report_failed_a": failed.pk,
        "reference": reference.pk,
    }


def _finished_job(user: User):  # type: ignore[no-untyped-def]
    """A finished export of the admin's, with its file under MEDIA_ROOT (attachment_a set it)."""
    job = Job.objects.create(user=user, kind="ledger_export", title="导出工作纪实台账")
    relative, path = job.new_result_path(".xlsx")
    path.write_bytes(b"PK\x03\x04")
    job.finish(result_file=relative, result_name="台账.xlsx", row_count=0, message="")
    return job


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "role"), _params())
def test_walk(world, case: Case, role: str) -> None:
    users, targets = world
    if case.target == "account_self":  # the walker's own account
        targets = {**targets, "account_self": users.get(role, users[ADMIN]).pk}
    kwargs: dict[str, object] = {"pk": targets[case.target]} if case.target else {}
    url = reverse(case.name, kwargs={**kwargs, **case.kwargs} or None)
    client = login(users[role]) if role != ANONYMOUS else Client()
    response = client.post(url) if case.method == "POST" else client.get(url)

    expected = case.allowed.get(role, FOUND if role == ANONYMOUS else NOT_FOUND)
    expected_set = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in expected_set, (
        f"{case.method} {url} as {role}: got {response.status_code}, expected {expected}"
    )
    if role == ANONYMOUS and role not in case.allowed:
        assert response["Location"].startswith(reverse("login")), response["Location"]
