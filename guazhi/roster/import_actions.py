"""Roster import actions: recording an upload (validated outside, kept as parsed rows) and the
commit, phase 2. Keyword-only, taking the `actor` and the client address `ip`, so that commands
and background tasks can call them as views do.

The commit never parses the workbook: it was parsed once, at upload, outside any transaction.
Inside one short transaction the commit re-checks the database (a handful of queries: the units
still exist, who is already in the system, who is already in this cohort), writes the cadres and
secondments, and audits every field it changes on an existing cadre with before/after values, as
the edit form does. On SQLite a write transaction locks the whole database, so this keeps a
5,000-row commit to about a second, and logins meanwhile wait rather than fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from guazhi.audit.log import record
from guazhi.audit.models import Event, Result
from guazhi.roster.actions import CADRE_FIELDS, apply_changes, snapshot
from guazhi.roster.import_report import (
    ERROR,
    ImportNoLongerValid,
    ImportRefused,
    Issue,
    ParsedRow,
    ValidationResult,
)
from guazhi.roster.import_validation import check_against_database
from guazhi.roster.models import (
    Cadre,
    Cohort,
    RosterImport,
    RosterImportStatus,
    Secondment,
    Unit,
)

if TYPE_CHECKING:
    from guazhi.accounts.models import User

# An import never changes who a person is: the name must match, gender and birth date come from
# the ID number. It updates the rest of the editable fields — the edit form's list, not a copy.
IDENTITY_FIELDS = ("name", "gender", "birth_date", "id_number")
IMPORT_UPDATABLE = tuple(f for f in CADRE_FIELDS if f not in IDENTITY_FIELDS)


@dataclass
class ImportCounts:
    cadres_created: int = 0
    cadres_updated: int = 0
    secondments_created: int = 0


def committed_duplicate(sha256: str) -> RosterImport | None:
    return (
        RosterImport.objects.filter(sha256=sha256, status=RosterImportStatus.COMMITTED)
        .select_related("cohort", "uploaded_by")
        .first()
    )


def duplicate_message(previous: RosterImport) -> str:
    when = timezone.localtime(previous.committed_at or previous.uploaded_at)
    who = previous.uploaded_by.display_name if previous.uploaded_by_id else ""
    return (
        f"该文件已于 {when:%Y-%m-%d %H:%M} 由{who}导入到批次“{previous.cohort.name}”，不能重复导入。"
        "如需修改，请在系统中直接编辑干部信息；如确需补充人员，请只导入新增人员的名册。"
    )


def record_upload(
    *,
    actor: User,
    ip: str = "",
    cohort: Cohort,
    file_name: str,
    sha256: str,
    result: ValidationResult,
) -> RosterImport:
    """Keep a validated upload (its parsed rows, if it passed; a rejected one keeps only its
    report) and audit it: the file held personal data, whatever became of it."""
    ok = result.ok
    with transaction.atomic():
        roster_import = RosterImport.objects.create(
            cohort=cohort,
            file_name=file_name[:255],
            sha256=sha256,
            parsed=result.parsed_json() if ok else {},
            uploaded_by=actor,
            status=RosterImportStatus.VALIDATED if ok else RosterImportStatus.REJECTED,
            row_count=result.data_rows,
            error_count=len(result.errors),
            report=result.report(),
        )
        outcome = "校验通过，待确认导入" if ok else f"校验未通过（{len(result.errors)} 处错误）"
        record(
            event=Event.IMPORT,
            user=actor,
            ip=ip,
            obj=roster_import,
            result=Result.SUCCESS if ok else Result.FAILURE,
            detail=(
                f"上传名册“{roster_import.file_name}”（批次“{cohort.name}”，{result.data_rows} 行）：{outcome}"
            ),
            after={
                "cohort": cohort.name,
                "file_name": roster_import.file_name,
                "sha256": sha256,
                "rows": result.data_rows,
                "errors": len(result.errors),
            },
        )
    return roster_import


def record_refused_upload(*, actor: User, ip: str = "", file_name: str, reason: str) -> None:
    """A file refused by the safety checks (possible attacks: zip bombs, traversal, entities)
    leaves a trace in the audit log; nothing else is kept."""
    with transaction.atomic():
        record(
            event=Event.IMPORT,
            user=actor,
            ip=ip,
            object_type="roster.rosterimport",
            object_repr=file_name[:255],
            result=Result.FAILURE,
            detail=f"拒绝上传的名册文件：{reason}",
        )


def record_report_download(*, actor: User, ip: str = "", roster_import: RosterImport) -> None:
    """The validation report leaves the system as a file: audited like any export (its ID and
    mobile numbers are masked, its names are not)."""
    with transaction.atomic():
        record(
            event=Event.EXPORT,
            user=actor,
            ip=ip,
            obj=roster_import,
            detail=f"下载名册校验报告 {len(roster_import.report)} 条（身份证号、手机号已脱敏）",
        )


def commit_import(*, actor: User, ip: str = "", roster_import: RosterImport) -> ImportCounts:
    """Phase 2: save every cadre and secondment of a validated upload, its new status and the
    audit records in one short transaction, or nothing.

    Raises ImportRefused (Chinese message) when the import cannot go ahead, and its subclass
    ImportNoLongerValid when the database changed since the upload (the import is then marked
    rejected with the new report)."""
    prepared = _prepare(roster_import.pk)  # outside the write transaction: decode, sort keys
    try:
        with transaction.atomic():
            return _commit(actor=actor, ip=ip, prepared=prepared)
    except ImportNoLongerValid as e:
        _reject(actor=actor, ip=ip, pk=roster_import.pk, error=e)
        raise
    except IntegrityError:
        raise ImportRefused(
            "导入时与其他操作冲突（可能同一文件或同一干部刚被导入），未导入任何数据，请刷新后重试。"
        ) from None


@dataclass
class _Prepared:
    """A validated import's cached rows, decoded before the write transaction, with a new
    cadre (sort key filled) ready for each row in case its ID number is still unknown."""

    pk: int
    rows: list[ParsedRow]
    new_cadres: dict[int, Cadre]  # Excel row → the cadre to insert if the ID is new
    unit_ids: set[int]
    id_column: str
    id_col: str


def _prepare(pk: int) -> _Prepared:
    ri = RosterImport.objects.get(pk=pk)
    cached: dict[str, Any] = ri.parsed or {}
    data = cached.get("rows", [])
    unit_ids = {r["values"][k] for r in data for k in ("home_unit", "host_unit")} - {None}
    units = Unit.objects.in_bulk(unit_ids)
    rows = [ParsedRow.from_json(r, units) for r in data]
    new_cadres = {}
    for parsed in rows:
        cadre = _new_cadre(parsed.values)
        cadre.fill_sort_key()  # pinyin for 5,000 names takes a while: not under the lock
        new_cadres[parsed.row] = cadre
    return _Prepared(
        pk,
        rows,
        new_cadres,
        unit_ids,
        cached.get("id_column", "身份证号"),
        cached.get("id_col", ""),
    )


def _commit(*, actor: User, ip: str, prepared: _Prepared) -> ImportCounts:
    ri = (
        RosterImport.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .get(pk=prepared.pk)
    )
    if ri.status == RosterImportStatus.COMMITTED:
        raise ImportRefused("该文件已经导入，不能重复导入。")
    if ri.status != RosterImportStatus.VALIDATED:
        raise ImportRefused("校验未通过的名册不能导入，请按校验报告修改后重新上传。")
    # Still validated: its cached rows are the ones prepared (only a commit or a rejection,
    # both under this lock, change them).
    previous = committed_duplicate(ri.sha256)
    if previous is not None:
        raise ImportRefused(duplicate_message(previous))
    rows = prepared.rows
    if not rows:
        # Validated before the parsed rows were kept (the file itself is no longer stored).
        raise ImportRefused("这份名册的校验数据已不存在，请重新上传后再确认导入。")
    issues = _recheck(ri, prepared)
    if any(i.level == ERROR for i in issues):
        raise ImportNoLongerValid(issues)

    counts = ImportCounts()
    new_cadres: list[Cadre] = []
    for parsed in rows:
        if parsed.existing_cadre is None:
            parsed.existing_cadre = prepared.new_cadres[parsed.row]
            new_cadres.append(parsed.existing_cadre)
        elif _update_cadre(actor=actor, ip=ip, ri=ri, parsed=parsed):
            counts.cadres_updated += 1
    Cadre.objects.bulk_create(new_cadres, batch_size=500)
    counts.cadres_created = len(new_cadres)
    Secondment.objects.bulk_create(
        [
            Secondment(
                cadre=p.existing_cadre,
                cohort=ri.cohort,
                host_unit=p.values["host_unit"],
                post=p.values["post"],
                duties=p.values["duties"],
                start_date=p.values["start_date"],
                planned_end_date=p.values["planned_end_date"],
                actual_end_date=p.values["actual_end_date"],
                status=p.values["status"],
            )
            for p in rows
        ],
        batch_size=500,
    )
    counts.secondments_created = len(rows)

    ri.status = RosterImportStatus.COMMITTED
    ri.committed_at = timezone.now()
    ri.row_count = len(rows)
    ri.error_count = 0
    ri.parsed = {}  # the data now lives in the roster; keep no second copy of personal data
    ri.save(update_fields=["status", "committed_at", "row_count", "error_count", "parsed"])
    record(
        event=Event.IMPORT,
        user=actor,
        ip=ip,
        obj=ri,
        detail=(
            f"导入名册“{ri.file_name}”到批次“{ri.cohort.name}”：新增干部 {counts.cadres_created} 人，"
            f"更新干部 {counts.cadres_updated} 人，新增挂职 {counts.secondments_created} 条"
        ),
        after={
            "cohort": ri.cohort.name,
            "file_name": ri.file_name,
            "sha256": ri.sha256,
            "cadres_created": counts.cadres_created,
            "cadres_updated": counts.cadres_updated,
            "secondments_created": counts.secondments_created,
        },
    )
    return counts


def _recheck(ri: RosterImport, prepared: _Prepared) -> list[Issue]:
    """The rows against the database as it is now: every unit still there, and who is already
    in the system or in this cohort (existing cadres locked). A handful of queries."""
    issues: list[Issue] = []
    present = set(Unit.objects.filter(pk__in=prepared.unit_ids).values_list("pk", flat=True))
    for parsed in prepared.rows:
        for key, label in (("home_unit", "派出单位"), ("host_unit", "接收单位")):
            unit = parsed.values[key]
            if unit is None or unit.pk not in present:
                issues.append(
                    Issue(parsed.row, label, "", f"{label}已从系统中删除，请核对后重新上传。")
                )
    issues += check_against_database(
        prepared.rows,
        cohort=ri.cohort,
        id_column=prepared.id_column,
        id_col=prepared.id_col,
        for_update=True,
    )
    return issues


def _new_cadre(values: dict[str, Any]) -> Cadre:
    return Cadre(
        name=values["name"],
        gender=values["gender"],
        birth_date=values["birth_date"],
        id_number=values["id_number"],
        mobile=values["mobile"],
        ethnicity=values["ethnicity"],
        political_status=values["political_status"],
        education=values["education"],
        home_unit=values["home_unit"],
        original_post=values["original_post"],
        rank=values["rank"],
    )


def _update_cadre(*, actor: User, ip: str, ri: RosterImport, parsed: ParsedRow) -> bool:
    """Apply the row's filled-in cells to an existing (locked) cadre; audit the changed fields
    with before/after, as an edit does (ID and mobile masked by the audit log)."""
    cadre = parsed.existing_cadre
    assert cadre is not None
    values = {k: parsed.values[k] for k in IMPORT_UPDATABLE if k in parsed.provided}
    before = snapshot(cadre, values)
    changed = apply_changes(cadre, values)
    if not changed:
        return False
    cadre.version += 1
    cadre.save(update_fields=[*changed, "version", "updated_at"])
    record(
        event=Event.EDIT,
        user=actor,
        ip=ip,
        obj=cadre,
        detail=f"名册导入“{ri.file_name}”（第 {parsed.row} 行）更新干部信息",
        before={k: before[k] for k in changed},
        after=snapshot(cadre, changed),
    )
    return True


def _reject(*, actor: User, ip: str, pk: int, error: ImportNoLongerValid) -> None:
    """Keep the new report so the admin sees what changed; drop the parsed rows."""
    with transaction.atomic():
        ri = RosterImport.objects.select_for_update().get(pk=pk)
        if ri.status != RosterImportStatus.VALIDATED:
            return
        ri.status = RosterImportStatus.REJECTED
        ri.report = error.report()
        ri.error_count = len(error.errors)
        ri.parsed = {}
        ri.save(update_fields=["status", "report", "error_count", "parsed"])
        record(
            event=Event.IMPORT,
            user=actor,
            ip=ip,
            obj=ri,
            result=Result.FAILURE,
            detail=f"确认导入时重新校验发现 {len(error.errors)} 处问题，未导入任何数据",
        )
