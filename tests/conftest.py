"""Named users for every role, on a small programme: two host towns, two home departments,
two cadres posted one to each town. Tests ask for the user they need by name."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from guazhi.accounts.models import Role, User
from guazhi.roster.models import Cadre, Cohort, Secondment, SecondmentStatus, Unit, UnitKind

PASSWORD = "Guazhi#2026"


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


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    """client_for(user) → a Client logged in as that user."""
    return login
