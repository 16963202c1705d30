"""The programme admin maintains the categories and the figures each records."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from ledger_helpers import category, figure

from guazhi.audit.models import AuditRecord
from guazhi.ledger import category_actions
from guazhi.ledger.models import Category, EntryFigure, FigureField


@pytest.mark.django_db
def test_the_admin_adds_a_category_with_a_figure(programme_admin, cadre_user, client_for):
    client = client_for(programme_admin)
    client.post(reverse("ledger:category_create"), {"name": "安全生产", "sort_order": 200})
    created = Category.objects.get(name="安全生产")
    client.post(
        reverse("ledger:figure_create", args=[created.pk]),
        {"label": "排查隐患", "unit": "处", "kind": "integer", "sort_order": 1},
    )
    field = created.figure_fields.get()
    assert (field.label, field.unit, field.key) == ("排查隐患", "处", "item1")
    assert AuditRecord.objects.filter(object_type="ledger.figurefield", event="create").exists()
    form = client_for(cadre_user).get(reverse("ledger:entry_create")).text
    assert "安全生产" in form and "排查隐患" in form


@pytest.mark.django_db
def test_a_switched_off_category_is_no_longer_offered(programme_admin, cadre_user, client_for):
    other = category("其他")
    client_for(programme_admin).post(
        reverse("ledger:category_edit", args=[other.pk]), {"name": "其他", "sort_order": 130}
    )
    other.refresh_from_db()
    assert not other.is_active
    form = client_for(cadre_user).get(reverse("ledger:entry_create")).text
    assert f'<option value="{other.pk}">' not in form


@pytest.mark.django_db
def test_duplicate_names_are_refused_in_chinese(programme_admin, client_for):
    response = client_for(programme_admin).post(
        reverse("ledger:category_create"), {"name": "企业帮扶", "sort_order": 1}
    )
    assert "该类别已存在。" in response.text
    with pytest.raises(ValidationError):
        category_actions.create_figure_field(
            actor=programme_admin, category=category(), label="走访企业", unit="家", kind="integer"
        )


@pytest.mark.django_db
def test_the_kind_of_a_figure_in_use_cannot_change(programme_admin, entry_a):
    loans = figure("loans")
    EntryFigure.objects.create(entry=entry_a, field=loans, value=800)
    with pytest.raises(ValidationError) as refused:
        category_actions.update_figure_field(
            actor=programme_admin, field=loans, values={"kind": "integer"}
        )
    assert "不能再改变数值类型" in refused.value.messages[0]
    changed = category_actions.update_figure_field(
        actor=programme_admin, field=loans, values={"label": "协调银行贷款", "kind": "decimal"}
    )
    assert changed == {"label": "协调银行贷款"}
    assert FigureField.objects.get(pk=loans.pk).label == "协调银行贷款"


@pytest.mark.django_db
def test_only_the_admin_changes_categories(host_liaison):
    with pytest.raises(PermissionError):
        category_actions.create_category(actor=host_liaison, name="新类别")
