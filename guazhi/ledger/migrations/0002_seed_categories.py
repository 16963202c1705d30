"""The managed list of categories, each with the figures it records (issue 7)."""

from django.db import migrations

# (category, [(key, label, unit, kind)]) — kind: "integer" for counted things, "decimal" for amounts.
CATEGORIES = [
    ("企业帮扶", [
        ("enterprises_visited", "走访企业", "家", "integer"),
        ("problems_solved", "解决问题", "个", "integer"),
        ("loans", "协调贷款", "万元", "decimal"),
        ("funds_raised", "争取资金", "万元", "decimal"),
    ]),
    ("项目帮办", [
        ("projects", "帮办项目", "个", "integer"),
        ("procedures", "办结手续", "项", "integer"),
        ("investment", "涉及投资", "万元", "decimal"),
    ]),
    ("招商引资", [
        ("investors_met", "洽谈客商", "家", "integer"),
        ("projects_signed", "签约项目", "个", "integer"),
        ("investment_signed", "签约金额", "万元", "decimal"),
    ]),
    ("信访接待", [
        ("petitions", "接待来访", "件", "integer"),
        ("people_received", "接待群众", "人次", "integer"),
        ("disputes_resolved", "化解矛盾", "件", "integer"),
    ]),
    ("走访调研", [
        ("households_visited", "走访群众", "户", "integer"),
        ("enterprises_visited", "走访企业", "家", "integer"),
        ("reports", "形成调研报告", "篇", "integer"),
    ]),
    ("包联联系", [
        ("households_contacted", "联系农户", "户", "integer"),
        ("home_visits", "入户走访", "次", "integer"),
        ("problems_solved", "解决问题", "个", "integer"),
    ]),
    ("疫情防控", [
        ("vehicles_checked", "检查车辆", "辆次", "integer"),
        ("people_registered", "登记人员", "人次", "integer"),
        ("testing_rounds", "组织核酸检测", "轮", "integer"),
    ]),
    ("防汛救灾", [
        ("people_moved", "转移群众", "人", "integer"),
        ("households_moved", "转移住户", "户", "integer"),
        ("duty_hours", "值守时长", "小时", "decimal"),
    ]),
    ("民生实事", [
        ("matters_done", "办理实事", "件", "integer"),
        ("people_served", "惠及群众", "人", "integer"),
        ("funds", "投入资金", "万元", "decimal"),
    ]),
    ("对口帮扶", [
        ("pairs_signed", "新增结对", "对", "integer"),
        ("funds_raised", "筹集资金", "万元", "decimal"),
        ("jobs", "带动就业", "人", "integer"),
    ]),
    ("学习培训", [
        ("study_hours", "学习时长", "学时", "decimal"),
        ("sessions", "参加培训", "次", "integer"),
    ]),
    ("会议活动", [
        ("meetings", "参加会议", "次", "integer"),
        ("attendees", "参会人数", "人", "integer"),
    ]),
    ("其他", []),
]


def seed(apps, schema_editor):
    Category = apps.get_model("ledger", "Category")
    FigureField = apps.get_model("ledger", "FigureField")
    for order, (name, fields) in enumerate(CATEGORIES, start=1):
        category, _ = Category.objects.get_or_create(name=name, defaults={"sort_order": order * 10})
        for f_order, (key, label, unit, kind) in enumerate(fields, start=1):
            FigureField.objects.get_or_create(
                category=category,
                key=key,
                defaults={"label": label, "unit": unit, "kind": kind, "sort_order": f_order},
            )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
