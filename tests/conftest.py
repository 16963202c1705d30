"""Named users for every role, on a small programme: two host towns, two home departments,
two cadres posted one to each town. Tests ask for the user they need by name."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from guazhi.accounts.models import Role, User
from guazhi.roster.models import Cadre, Cohort, Secondment, SecondmentStatus, Unit, UnitKind

PASSWORD = "Guazhi#2026"


# Data migrations that create rows the app needs (ledger categories, the default milestone
# template). A transactional test (live server, races) flushes the database afterwards, which
# removes those rows too: they are put back before every such test (the seeds are idempotent),
# so tests pass in any order and on any xdist worker.
SEEDING_MIGRATIONS = (
    "guazhi.ledger.migrations.0002_seed_categories",
    "guazhi.projects.migrations.0002_default_template",
)


def reseed_data_migrations() -> None:
    import importlib

    from django.apps import apps

    for module in SEEDING_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)


@pytest.fixture(autouse=True)
def _rows_from_data_migrations_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        reseed_data_migrations()


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks (django-tasks) run at once in the test's thread: the immediate backend,
    not the database queue that `manage.py db_worker` serves."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture(autouse=True)
def originality_dir(settings, tmp_path):
    """The originality index of every test lives in its own temporary directory."""
    settings.GUAZHI_ORIGINALITY_DIR = tmp_path / "originality"
    return settings.GUAZHI_ORIGINALITY_DIR


@pytest.fixture
def units(db):
    city = Unit.objects.create(name="青川市", kind=UnitKind.CITY)
    district = Unit.objects.create(name="安平区", kind=UnitKind.DISTRICT, parent=city)
    town_a = Unit.objects.create(name="柳溪镇", kind=UnitKind.TOWN, parent=district)
    village_a = Unit.objects.create(name="石桥村", kind=UnitKind.VILLAGE, parent=town_a)
    town_b = Unit.objects.create(name="东关街道", kind=UnitKind.SUBDISTRICT, parent=district)
    dept_a = Unit.objects.create(name="市发展和改革委员会", kind=UnitKind.DEPARTMENT, parent=city)
    dept_b = Unit.objects.create(name="市财政局", kind=UnitKind.DEPARTMENT, parent=city)
    return {
        "city": city,
        "district": district,
        "town_a": town_a,
        "village_a": village_a,
        "town_b": town_b,
        "dept_a": dept_a,
        "dept_b": dept_b,
    }


@pytest.fixture
def cohort(db):
    return Cohort.objects.create(
        name="2026年第二批墩苗历练干部",
        year=2026,
        start_date=date(2026, 3, 1),
        end_date=date(2027, 2, 28),
    )


def _cadre(name: str, id_number: str, mobile: str, home: Unit) -> Cadre:
    return Cadre.objects.create(
        name=name,
        gender="M" if int(id_number[16]) % 2 else "F",
        birth_date=date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
        id_number=id_number,
        mobile=mobile,
        home_unit=home,
        original_post="科长",
        rank="四级调研员",
        ethnicity="汉族",
        political_status="cpc",
        education="bachelor",
    )


@pytest.fixture
def cadre_a(units, cohort):
    """Posted from the development and reform commission to 柳溪镇."""
    cadre = _cadre("张建国", "110105198504120014", "13812345678", units["dept_a"])
    Secondment.objects.create(
        cadre=cadre,
        cohort=cohort,
        host_unit=units["town_a"],
        post="镇党委副书记",
        duties="营商环境\n企业服务",
        start_date=date(2026, 3, 1),
        planned_end_date=date(2027, 2, 28),
        status=SecondmentStatus.ACTIVE,
    )
    return cadre


@pytest.fixture
def cadre_b(units, cohort):
    """Posted from the finance bureau to 东关街道."""
    cadre = _cadre("李秀英", "110105199002140028", "13987654321", units["dept_b"])
    Secondment.objects.create(
        cadre=cadre,
        cohort=cohort,
        host_unit=units["town_b"],
        post="街道办事处副主任",
        duties="信访接待",
        start_date=date(2026, 3, 1),
        planned_end_date=date(2027, 2, 28),
        status=SecondmentStatus.PENDING,
    )
    return cadre


def _user(username: str, role: str, **extra) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, must_change_password=False, **extra
    )
    return user


@pytest.fixture
def programme_admin(db):
    return _user("admin_wang", Role.PROGRAMME_ADMIN, full_name="王组织")


@pytest.fixture
def host_liaison(units):
    """Liaison of 柳溪镇 (sees cadre_a, not cadre_b)."""
    return _user("liuxi_liaison", Role.HOST_LIAISON, full_name="刘联络", unit=units["town_a"])


@pytest.fixture
def home_liaison(units):
    """Personnel office of the development and reform commission (cadre_a's home unit)."""
    return _user("fgw_liaison", Role.HOME_LIAISON, full_name="周人事", unit=units["dept_a"])


@pytest.fixture
def cadre_user(cadre_a):
    return _user("zhangjianguo", Role.CADRE, full_name="张建国", cadre=cadre_a)


@pytest.fixture
def other_cadre_user(cadre_b):
    return _user("lixiuying", Role.CADRE, full_name="李秀英", cadre=cadre_b)


@pytest.fixture
def system_admin(db):
    return _user("sysadmin", Role.SYSTEM_ADMIN, full_name="系统管理员")


@pytest.fixture
def security_admin(db):
    return _user("secadmin", Role.SECURITY_ADMIN, full_name="安全管理员")


@pytest.fixture
def audit_admin(db):
    return _user("auditadmin", Role.AUDIT_ADMIN, full_name="审计管理员")


def verify_second_factor(client: Client, user: User) -> None:
    """What the code prompt does after the password: the session counts as verified by a TOTP
    device of the user's (created here if none). force_login skips the password; this skips
    the six digits, for tests about everything else."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def login(user: User) -> Client:
    """A client signed in as `user`, past the second factor where the user must have one."""
    from guazhi.accounts.two_factor import required_for

    client = Client()
    client.force_login(user)
    if required_for(user):
        verify_second_factor(client, user)
    return client


@pytest.fixture
def client_for():
    """client_for(user) → a Client logged in as that user."""
    return login


# --- Ledger -------------------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    """Attachments go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def ledger_entry(secondment: Secondment, user: User | None, **fields):  # type: ignore[no-untyped-def]
    """An entry written straight to the database (the actions have their own tests)."""
    from guazhi.ledger.models import Category, Entry

    values = {
        "date": date(2026, 5, 6),
        "category": Category.objects.get(name="企业帮扶"),
        "title": "走访园区企业",
        "text": "走访工业园区企业 12 家，了解用工和融资需求。",
        **fields,
    }
    return Entry.objects.create(secondment=secondment, created_by=user, **values)


@pytest.fixture
def make_entry():
    """make_entry(secondment, user, **fields) → an entry written straight to the database."""
    return ledger_entry


@pytest.fixture
def entry_a(cadre_user, cadre_a):
    """An entry of 张建国 (cadre_a) at 柳溪镇, waiting for confirmation."""
    return ledger_entry(cadre_a.secondments.get(), cadre_user)


@pytest.fixture
def entry_b(other_cadre_user, cadre_b):
    """An entry of 李秀英 (cadre_b) at 东关街道."""
    return ledger_entry(cadre_b.secondments.get(), other_cadre_user, title="接待来访群众")


@pytest.fixture
def attachment_a(entry_a, cadre_user, media_root):
    """A small JPEG attached to entry_a, with a thumbnail, stored under media_root."""
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from guazhi.ledger.models import Attachment

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, format="JPEG")
    content = buffer.getvalue()
    path = default_storage.save("ledger/test/photo.jpg", ContentFile(content))
    thumb = default_storage.save("ledger/test/photo-thumb.jpg", ContentFile(content))
    return Attachment.objects.create(
        entry=entry_a,
        file=path,
        thumbnail=thumb,
        kind="image",
        content_type="image/jpeg",
        original_name="现场照片.jpg",
        size=len(content),
        sha256="0" * 64,
        uploaded_by=cadre_user,
    )


# --- Key projects, paired contacts, problems -----------------------------------------------------


def key_project(secondment: Secondment, user: User | None, **fields):  # type: ignore[no-untyped-def]
    """A project with the default template's milestones, written straight to the database."""
    from decimal import Decimal

    from guazhi.projects.models import Milestone, MilestoneTemplate, Project

    template = MilestoneTemplate.objects.get(is_default=True)
    values = {
        "name": "盐穴压缩空气储能电站项目",
        "investment": Decimal("550000"),
        "target": "年底前开工",
        "target_date": date(2026, 12, 31),
        **fields,
    }
    project = Project.objects.create(
        secondment=secondment, template=template, created_by=user, **values
    )
    for i, step in enumerate(template.steps.all(), start=1):
        Milestone.objects.create(project=project, name=step.name, sort_order=i)
    return project


@pytest.fixture
def project_a(cadre_user, cadre_a):
    """张建国's project at 柳溪镇, with the default template's seven milestones."""
    return key_project(cadre_a.secondments.get(), cadre_user)


@pytest.fixture
def project_b(other_cadre_user, cadre_b):
    return key_project(cadre_b.secondments.get(), other_cadre_user, name="东关街道老旧小区改造")


def paired_contact(secondment: Secondment, user: User | None, **fields):  # type: ignore[no-untyped-def]
    from guazhi.contacts.models import Contact, ContactKind

    values = {
        "kind": ContactKind.HOUSEHOLD,
        "name": "王德福",
        "phone": "13911112222",
        "id_number": "11010519600315003X",
        **fields,
    }
    return Contact.objects.create(secondment=secondment, created_by=user, **values)


@pytest.fixture
def contact_a(cadre_user, cadre_a, units):
    """A household 张建国 is paired with, in 石桥村, with phone and ID numbers."""
    return paired_contact(cadre_a.secondments.get(), cadre_user, unit=units["village_a"])


@pytest.fixture
def contact_b(other_cadre_user, cadre_b):
    return paired_contact(
        cadre_b.secondments.get(), other_cadre_user, name="赵信访", kind="petitioner"
    )


def field_problem(secondment: Secondment, user: User | None, **fields):  # type: ignore[no-untyped-def]
    from guazhi.contacts.models import Problem

    values = {
        "found_date": date(2026, 5, 6),
        "description": "石桥村灌溉渠年久失修，春灌期间漏水严重。",
        "owner": "镇农业农村办",
        "deadline": date(2026, 6, 30),
        **fields,
    }
    return Problem.objects.create(secondment=secondment, created_by=user, **values)


@pytest.fixture
def problem_a(cadre_user, cadre_a):
    return field_problem(cadre_a.secondments.get(), cadre_user)


@pytest.fixture
def problem_b(other_cadre_user, cadre_b):
    return field_problem(cadre_b.secondments.get(), other_cadre_user, description="小区路灯不亮")


@pytest.fixture
def make_project():
    """make_project(secondment, user, **fields) → a key project with the default milestones."""
    return key_project


@pytest.fixture
def make_contact():
    """make_contact(secondment, user, **fields) → a paired contact (a household by default)."""
    return paired_contact


@pytest.fixture
def make_problem():
    """make_problem(secondment, user, **fields) → a problem on the problem list."""
    return field_problem


# --- Writings -----------------------------------------------------------------------------------


def submitted_writing(secondment: Secondment, user: User, **fields):  # type: ignore[no-untyped-def]
    """A writing submitted as version 1, written straight to the database (the actions have
    their own tests)."""
    from django.utils import timezone

    from guazhi.writings.models import Writing, WritingVersion

    body = [
        {"type": "heading", "level": 1, "text": "一、深入基层调研"},
        {"type": "paragraph", "text": "组织首轮走访企业 698 家，逐户建立问题清单。"},
    ]
    values = {
        "kind": "reflection",
        "title": "挂职锻炼心得体会",
        "body": body,
        "text": "一、深入基层调研\n组织首轮走访企业 698 家，逐户建立问题清单。",
        "status": "submitted",
        "submitted_at": timezone.now(),
        **fields,
    }
    writing = Writing.objects.create(secondment=secondment, created_by=user, **values)
    WritingVersion.objects.create(
        writing=writing,
        number=1,
        title=writing.title,
        body=writing.body,
        text=writing.text,
        source="editor",
        is_submission=values["status"] != "draft",
        created_by=user,
    )
    return writing


@pytest.fixture
def make_writing():
    """make_writing(secondment, user, **fields) → a writing with version 1 (submitted unless
    status="draft")."""
    return submitted_writing


@pytest.fixture
def writing_a(cadre_user, cadre_a):
    """张建国's reflection at 柳溪镇, submitted and waiting for the host liaison."""
    return submitted_writing(cadre_a.secondments.get(), cadre_user)


@pytest.fixture
def writing_b(other_cadre_user, cadre_b):
    return submitted_writing(cadre_b.secondments.get(), other_cadre_user, title="接访工作体会")
