"""A request as the public form creates one."""

from __future__ import annotations

import datetime

from disclosure.models import DisclosureRequest


def make_request(department, received: datetime.date, **fields) -> DisclosureRequest:
    values = {
        "applicant_type": "person",
        "name": "张三丰",
        "id_type": "resident_id",
        "id_number": "110101199003071234",
        "phone": "13812345678",
        "address": "示范市东湖区湖滨路18号",
        "description": "2025年本市老旧小区改造项目清单",
        "delivery_form": "electronic",
        "delivery_channel": "email",
        "email": "zhang@example.cn",
    }
    values.update(fields)
    request = DisclosureRequest(department=department, received_date=received, **values)
    from disclosure.request_flow import compute_due_date

    request.due_date = compute_due_date(request)
    request.save()
    return request
