from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "guazhi.attendance"
    verbose_name = "在岗考勤"
