"""A request as the public form or the staff console creates one."""

from __future__ import annotations

import datetime

from disclosure import request_flow as flow
from disclosure.models import DisclosureRequest


def make_request(department, received: datetime.date, channel: str = "in_person", **fields) -> DisclosureRequest:
    """An application that arrived on ``received`` (handed in, so received that very day by default)."""
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
    return flow.receive(DisclosureRequest(department=department, **values), channel, received)
