"""The default milestone template: the usual approval procedure of an investment project."""

from django.db import migrations

TEMPLATES = {
    "审批类投资项目（默认）": [
        "立项", "用地预审", "环评", "能评", "规划许可", "施工许可", "开工",
    ],
    "备案类产业项目": [
        "项目备案", "用地预审", "环评", "能评", "规划许可", "施工许可", "开工", "竣工投产",
    ],
    "农村公路项目": [
        "立项", "初步设计批复", "施工图审查", "招标", "施工许可", "开工", "交工验收",
    ],
}


def seed(apps, schema_editor):
    Template = apps.get_model("projects", "MilestoneTemplate")
    Step = apps.get_model("projects", "MilestoneTemplateStep")
    for i, (name, steps) in enumerate(TEMPLATES.items()):
        template, created = Template.objects.get_or_create(
            name=name, defaults={"is_default": i == 0}
        )
        if created:
            Step.objects.bulk_create(
                Step(template=template, name=step, sort_order=n)
                for n, step in enumerate(steps, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
