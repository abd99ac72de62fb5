"""Kiosk API for requests for disclosure: the same application as the web form."""

from __future__ import annotations

from django.http import QueryDict
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .request_forms import RequestForm
from .request_models import Channel
from .request_views import create_request


class RequestSubmissionThrottle(AnonRateThrottle):
    scope = "disclosure_requests"
    rate = "30/hour"


RECEIPT = inline_serializer(
    "DisclosureRequestReceipt",
    {
        "tracking_code": serializers.CharField(help_text="查询码：凭查询码和联系电话查询办理进度"),
        "status": serializers.CharField(help_text="办理状态（submitted 待登记）"),
        "received_date": serializers.DateField(help_text="收到申请日期（答复期限起算日）"),
        "due_date": serializers.DateField(allow_null=True, help_text="答复期限；工作日历未覆盖时为空"),
    },
)
APPLICATION = inline_serializer(
    "DisclosureRequestApplication",
    {
        "department": serializers.IntegerField(help_text="申请机关（部门ID）"),
        "applicant_type": serializers.ChoiceField(
            choices=["person", "commercial", "research", "public_interest", "legal_service", "other_org"],
            help_text="申请人类型：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他组织",
        ),
        "name": serializers.CharField(help_text="姓名或名称"),
        "id_type": serializers.CharField(
            help_text="证件类型（resident_id 居民身份证、credit_code 统一社会信用代码等）"
        ),
        "id_number": serializers.CharField(help_text="证件号码"),
        "phone": serializers.CharField(help_text="联系电话"),
        "address": serializers.CharField(help_text="通信地址"),
        "description": serializers.CharField(help_text="所需信息的内容描述"),
        "delivery_form": serializers.CharField(help_text="提供方式：paper 纸质、electronic 电子数据、reading 查阅抄录"),
        "delivery_channel": serializers.CharField(help_text="获取方式：post、email、fax、pickup、on_site"),
    },
)


class DisclosureRequestCreateView(APIView):
    """POST /api/v1/disclosure/requests/: submit an application from a kiosk."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [RequestSubmissionThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="提交政府信息公开申请",
        description="与网上申请表相同的校验；成功时返回查询码和答复期限。申请人证件号码和电话加密保存，任何接口都不返回。",
        request=APPLICATION,
        responses={201: RECEIPT, 400: OpenApiResponse(description='校验失败：{"errors": {字段: [中文说明]}}')},
        tags=["政府信息公开"],
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, QueryDict):
            plain = QueryDict(mutable=True)
            for key, value in (data or {}).items():
                plain[key] = "" if value is None else str(value)
            data = plain
        form = RequestForm(data, request.FILES or None)
        if not form.is_valid():
            errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        created = create_request(form, Channel.KIOSK)
        return Response(
            {
                "tracking_code": created.tracking_code,
                "status": created.status,
                "received_date": created.received_date,
                "due_date": created.due_date,
            },
            status=status.HTTP_201_CREATED,
        )
