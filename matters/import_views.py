"""Admin views for Excel import (upload > preview > confirm), export, template and batches.

The uploaded file is kept between preview and confirmation under MEDIA_ROOT/imports/, named
by a random token signed together with the uploader's id, so one user cannot confirm
another's upload. Confirmation plans the file again against the current database: what is
written is what the rules allow at that moment, never a stale preview.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, ListView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from permissions.policy import policy_for

from .exports import CONTENT_TYPES, export_format, filtered_queryset, private_storage, start_export
from .exports import render as render_export
from .importing import RevertError, apply_plan, plan_import, revert_batch, template_xlsx
from .models import ExportStatus, ImportBatch, Matter, MatterExport

MAX_UPLOAD = 20 * 1024 * 1024
SALT = "matters.import"
XLSX = CONTENT_TYPES["xlsx"]


def _pending_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / "pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


class CatalogBreadcrumbsMixin:
    """Home › 事项 › this page, as Wagtail's own views show it."""

    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": "首页"},
            {"url": reverse(Matter.snippet_viewset.get_url_name("list")), "label": "事项"},
            {"url": "", "label": self.page_title},
        ]


def may_import(user) -> bool:
    return policy_for(Matter).user_has_permission(user, "add") or policy_for(Matter).user_has_permission(user, "change")


def _attachment(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Excel工作簿或CSV文件",
        help_text="使用导入模板的表头；“事项”表必填，“申请材料”表可选。最大20MB。",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("文件超过20MB，请分批导入。")
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("只支持Excel工作簿（.xlsx）或CSV文件；旧版.xls请先另存为.xlsx。")
        return upload


class ImportView(CatalogBreadcrumbsMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a workbook and preview row by row what importing it would do."""

    template_name = "matters/admin/import.html"
    form_class = UploadForm
    page_title = "事项导入"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["template_url"] = reverse("matters_import_template")
        context["batches_url"] = reverse("matters_import_batches")
        plan = context.get("plan")
        if plan is not None:
            context["plan_counts"] = {a: plan.count(a) for a in ("new", "changed", "unchanged")}
            # Each row with its changed cells: (column, (current, incoming)) or (column, None) for a
            # child sheet replaced as a whole. Only changed columns carry texts (RowPlan.diffs).
            context["preview_rows"] = [(row, [(c, row.diffs.get(c)) for c in row.changed]) for row in plan.rows]
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        content = upload.read()
        plan = plan_import(content, upload.name, self.request.user)
        token = ""
        if plan.ok and (plan.count("new") or plan.count("changed")):
            key = secrets.token_hex(16)
            suffix = ".csv" if upload.name.lower().endswith(".csv") else ".xlsx"
            (_pending_dir() / f"{key}{suffix}").write_bytes(content)
            data = {"key": key, "suffix": suffix, "user": self.request.user.pk, "name": upload.name}
            token = signing.dumps(data, salt=SALT)
        return self.render_to_response(self.get_context_data(form=form, plan=plan, token=token))


class ConfirmImportView(View):
    """Write a previewed upload (planned again now), all or nothing."""

    def post(self, request):
        if not may_import(request.user):
            raise PermissionDenied
        try:
            data = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=3600)
        except signing.BadSignature:
            messages.error(request, "导入预览已过期或无效，请重新上传文件。")
            return redirect("matters_import")
        if data["user"] != request.user.pk:
            raise PermissionDenied
        path = _pending_dir() / f"{data['key']}{data['suffix']}"
        if not path.exists():
            messages.error(request, "导入预览已过期或已确认过，请重新上传文件。")
            return redirect("matters_import")
        plan = plan_import(path.read_bytes(), data["name"], request.user)
        if not plan.ok:
            view = ImportView(request=request, kwargs={})
            context = view.get_context_data(form=UploadForm(), plan=plan, token="")
            messages.error(request, "文件在预览后出现了错误（可能数据已被他人修改），未写入任何数据。")
            return view.render_to_response(context)
        batch = apply_plan(plan, request.user)
        path.unlink(missing_ok=True)
        messages.success(
            request,
            f"导入完成：新增 {batch.created} 个，变更 {batch.updated} 个，无变化 {batch.unchanged} 个（{batch}）。",
        )
        return redirect("matters_import_batches")


class TemplateDownloadView(View):
    def get(self, request):
        return _attachment(template_xlsx(), "事项导入模板.xlsx", XLSX)


class ExportView(View):
    """Export what the user may see: the listing's filters apply, or the selected ids.

    Up to ``MATTERS_EXPORT_INLINE_LIMIT`` matters the file is the answer; more are generated by
    the task 导出事项清单 (matters.exports) and the user is sent to 我的导出.
    """

    def get(self, request):
        queryset = filtered_queryset(request.user, request.GET)
        count = queryset.count()
        if count > settings.MATTERS_EXPORT_INLINE_LIMIT:
            export = start_export(request.user, request.GET, count)
            messages.success(request, f"本次导出 {count} 个事项，已在后台生成（{export}），完成后请在本页下载。")
            return redirect("matters_exports")
        fmt = export_format(request.GET)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _attachment(render_export(queryset, fmt), f"事项清单-{stamp}.{fmt}", CONTENT_TYPES[fmt])


class ExportListView(CatalogBreadcrumbsMixin, WagtailAdminTemplateMixin, ListView):
    """我的导出: the user's own exports generated by the task, with their status and download link."""

    template_name = "matters/admin/exports.html"
    page_title = "我的导出"
    header_icon = "download"
    paginate_by = 30

    def get_queryset(self):
        return MatterExport.objects.filter(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retention_days"] = settings.MATTERS_EXPORT_RETENTION_DAYS
        context["inline_limit"] = settings.MATTERS_EXPORT_INLINE_LIMIT
        context["matters_url"] = reverse(Matter.snippet_viewset.get_url_name("list"))
        return context


class ExportDownloadView(View):
    """The file of a finished export, to the user who asked for it only (404 for anyone else, a
    superuser included: the file holds what its requester may see, not what the viewer may)."""

    def get(self, request, pk: int):
        export = get_object_or_404(MatterExport, pk=pk, user=request.user, status=ExportStatus.DONE)
        storage = private_storage()
        if not export.file_name or not storage.exists(export.file_name):
            raise Http404("导出文件已删除")
        response = FileResponse(storage.open(export.file_name, "rb"), content_type=CONTENT_TYPES[export.format])
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(export.download_name)}"
        response["Cache-Control"] = "private, no-store"
        return response


class BatchListView(CatalogBreadcrumbsMixin, WagtailAdminTemplateMixin, ListView):
    """Import batches: one's own, or all for those who may change every department's matters."""

    template_name = "matters/admin/import_batches.html"
    page_title = "事项导入记录"
    header_icon = "history"
    paginate_by = 30

    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        queryset = ImportBatch.objects.select_related("user", "reverted_by")
        if not self.request.user.is_superuser:
            queryset = queryset.filter(user=self.request.user)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["import_url"] = reverse("matters_import")
        return context


class RevertBatchView(View):
    def post(self, request, pk: int):
        queryset = ImportBatch.objects.all()
        if not request.user.is_superuser:
            queryset = queryset.filter(user=request.user)
        batch = get_object_or_404(queryset, pk=pk)
        try:
            count = revert_batch(batch, request.user)
        except RevertError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已撤销{batch}，涉及 {count} 个事项。")
        return redirect("matters_import_batches")


class MatterIndexView(SnippetIndexView):
    """The matters listing with import, export (of the filtered list) and template buttons."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        query = self.request.GET.urlencode()
        export_url = reverse("matters_export") + (f"?{query}" if query else "")
        buttons.append(Button("导出Excel（当前筛选）", url=export_url, icon_name="download", priority=60))
        if may_import(self.request.user):
            buttons.append(Button("Excel导入", url=reverse("matters_import"), icon_name="upload", priority=61))
            template_url = reverse("matters_import_template")
            buttons.append(Button("下载导入模板", url=template_url, icon_name="doc-full", priority=62))
        buttons.append(Button("我的导出", url=reverse("matters_exports"), icon_name="list-ul", priority=63))
        return buttons
