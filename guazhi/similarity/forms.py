from __future__ import annotations

from django import forms

from guazhi.roster.forms import BootstrapMixin


class ReferenceUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label="范文文件",
        help_text='支持 .txt、.docx、.jsonl（每行一个 {"title": "标题", "text": "正文"}），'
        "或把这些文件打成一个 .zip 压缩包。",
        error_messages={"required": "请选择要上传的文件。", "empty": "文件是空的，请重新选择。"},
    )
    source_note = forms.CharField(
        label="来源说明",
        required=False,
        max_length=200,
        help_text="如：某范文网 2025 年“挂职锻炼心得体会”栏目。",
    )


class ReferenceSearchForm(BootstrapMixin, forms.Form):
    compact = True
    q = forms.CharField(label="标题", required=False, max_length=50)
